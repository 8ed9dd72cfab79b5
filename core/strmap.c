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

/* Puts an existing key (no copy) into a table with room for it. */
static void
reinsert(struct vx_strmap_slot *slots, size_t cap, struct vx_strmap_slot e)
{
	size_t j = hash(e.key, strlen(e.key)) & (cap - 1);

	while (slots[j].key != NULL)
		j = (j + 1) & (cap - 1);
	slots[j] = e;
}

/*
 * In place and without allocating: a device's history filters its map of
 * tunnels at every poll, and copying 50,000 keys each time cost more than
 * the poll.
 */
void
vx_strmap_filter(struct vx_strmap *m,
    bool (*fn)(void *arg, const char *key, void *value), void *arg)
{
	size_t start = 0, deleted = 0;

	if (m->n == 0)
		return;
	/* A slot empty from the start: the table is at most half full. */
	while (m->slots[start].key != NULL)
		start++;
	for (size_t i = 0; i < m->cap; i++) {
		struct vx_strmap_slot *e = &m->slots[i];

		if (e->key == NULL || !fn(arg, e->key, e->value))
			continue;
		free(e->key);
		e->key = NULL;
		e->value = NULL;
		deleted++;
	}
	if (deleted == 0)
		return;
	m->n -= deleted;
	/*
	 * Linear probing: an entry after a new hole may be unreachable.
	 * Walking the table once from a slot that was empty before, and
	 * putting each entry back at the first free slot from its hash,
	 * moves it back over the holes of its own cluster only, which are
	 * all before it: every entry ends up reachable again.
	 */
	for (size_t k = 1; k <= m->cap; k++) {
		size_t			i = (start + k) & (m->cap - 1);
		struct vx_strmap_slot	e = m->slots[i];

		if (e.key == NULL)
			continue;
		m->slots[i].key = NULL;
		m->slots[i].value = NULL;
		reinsert(m->slots, m->cap, e);
	}
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
