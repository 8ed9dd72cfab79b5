#include "strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static uint64_t
hash(const char *k, size_t len)
{
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)k[i]) * 1099511628211ULL;
	return h;
}

static bool
key_is(const char *stored, const char *key, size_t len)
{
	return strncmp(stored, key, len) == 0 && stored[len] == '\0';
}

void *
vx_strmap_get(const struct vx_strmap *m, const char *key, size_t len)
{
	size_t i;

	if (m->cap == 0)
		return NULL;
	i = hash(key, len) & (m->cap - 1);
	while (m->slots[i].key != NULL) {
		if (key_is(m->slots[i].key, key, len))
			return m->slots[i].value;
		i = (i + 1) & (m->cap - 1);
	}
	return NULL;
}

static bool
grow(struct vx_strmap *m)
{
	size_t			 ncap = m->cap == 0 ? 16 : m->cap * 2;
	struct vx_strmap_slot	*s = calloc(ncap, sizeof(*s));

	if (s == NULL)
		return false;
	for (size_t i = 0; i < m->cap; i++) {
		size_t j;

		if (m->slots[i].key == NULL)
			continue;
		j = hash(m->slots[i].key, strlen(m->slots[i].key)) & (ncap - 1);
		while (s[j].key != NULL)
			j = (j + 1) & (ncap - 1);
		s[j] = m->slots[i];
	}
	free(m->slots);
	m->slots = s;
	m->cap = ncap;
	return true;
}

bool
vx_strmap_put(struct vx_strmap *m, const char *key, size_t len, void *value)
{
	size_t	 i;
	char	*copy;

	if ((m->n + 1) * 2 > m->cap && !grow(m))
		return false;
	i = hash(key, len) & (m->cap - 1);
	while (m->slots[i].key != NULL) {
		if (key_is(m->slots[i].key, key, len)) {
			m->slots[i].value = value;
			return true;
		}
		i = (i + 1) & (m->cap - 1);
	}
	copy = malloc(len + 1);
	if (copy == NULL)
		return false;
	memcpy(copy, key, len);
	copy[len] = '\0';
	m->slots[i].key = copy;
	m->slots[i].value = value;
	m->n++;
	return true;
}

void
vx_strmap_filter(struct vx_strmap *m,
    bool (*fn)(void *arg, const char *key, void *value), void *arg)
{
	struct vx_strmap	old = *m;

	/* Rebuild without the deleted entries (keeps probing correct). */
	m->slots = NULL;
	m->cap = m->n = 0;
	for (size_t i = 0; i < old.cap; i++) {
		struct vx_strmap_slot *s = &old.slots[i];

		if (s->key == NULL)
			continue;
		if (!fn(arg, s->key, s->value) &&
		    vx_strmap_put(m, s->key, strlen(s->key), s->value)) {
			free(s->key);
			continue;
		}
		free(s->key);
	}
	free(old.slots);
}

void
vx_strmap_release(struct vx_strmap *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	m->slots = NULL;
	m->cap = m->n = 0;
}
