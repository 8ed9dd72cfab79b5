/* Table rows of a walk, found by their index (rows.h). */
#include "rows.h"

#include <stdlib.h>
#include <string.h>

#include "grow.h"

#include "banned.h"

static uint64_t
mix(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return k;
}

static bool
rows_rehash(struct vx_rows *r)
{
	size_t		 ncap = r->hcap == 0 ? 64 : r->hcap * 2;
	uint64_t	*keys = calloc(ncap, sizeof(*keys));
	uint32_t	*slots = calloc(ncap, sizeof(*slots));

	if (keys == NULL || slots == NULL) {
		free(keys);
		free(slots);
		return false;
	}
	for (size_t i = 0; i < r->hcap; i++) {
		size_t j;

		if (r->keys[i] == 0)
			continue;
		j = mix(r->keys[i]) & (ncap - 1);
		while (keys[j] != 0)
			j = (j + 1) & (ncap - 1);
		keys[j] = r->keys[i];
		slots[j] = r->slots[i];
	}
	free(r->keys);
	free(r->slots);
	r->keys = keys;
	r->slots = slots;
	r->hcap = ncap;
	return true;
}

void *
vx_rows_get(struct vx_rows *r, uint64_t key, bool create, bool *created)
{
	uint64_t	k = key + 1;
	size_t		j;

	if (created != NULL)
		*created = false;
	if (k == r->last_key)
		return (char *)r->v + r->last_slot * r->size;
	if (r->hcap != 0) {
		j = mix(k) & (r->hcap - 1);
		while (r->keys[j] != 0) {
			if (r->keys[j] == k) {
				r->last_key = k;
				r->last_slot = r->slots[j];
				return (char *)r->v + (size_t)r->slots[j] *
				    r->size;
			}
			j = (j + 1) & (r->hcap - 1);
		}
	}
	if (!create)
		return NULL;
	if ((r->n + 1) * 2 > r->hcap && !rows_rehash(r))
		return NULL;
	if (r->n == r->cap) {
		void *p = vx_grow(r->v, &r->cap, r->size, 64);

		if (p == NULL)
			return NULL;
		r->v = p;
	}
	j = mix(k) & (r->hcap - 1);
	while (r->keys[j] != 0)
		j = (j + 1) & (r->hcap - 1);
	r->keys[j] = k;
	r->slots[j] = (uint32_t)r->n;
	memset((char *)r->v + r->n * r->size, 0, r->size);
	if (created != NULL)
		*created = true;
	r->last_key = k;
	r->last_slot = r->n;
	return (char *)r->v + r->n++ * r->size;
}

void
vx_rows_release(struct vx_rows *r)
{
	free(r->v);
	free(r->keys);
	free(r->slots);
}
