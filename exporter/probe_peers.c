/*
 * The devices /probe of one device checks SPIs against (see
 * probe_peers.h).
 */
#include "probe_peers.h"

#include <stdint.h>
#include <stdlib.h>

#include "grow.h"
#include "locals_index.h"
#include "runtime.h"

#include "banned.h"

/* Appends b to (*v)[0..*n); false if out of memory. */
static bool
add_candidate(struct vx_device ***v, size_t *n, size_t *cap,
    struct vx_device *b)
{
	if (*n == *cap) {
		void *p = vx_grow(*v, cap, sizeof(**v), 16);

		if (p == NULL)
			return false;
		*v = p;
	}
	(*v)[(*n)++] = b;
	return true;
}

struct cand_pos {
	uintptr_t	dev;
	size_t		pos;
};

static int
cand_cmp(const void *a, const void *b)
{
	const struct cand_pos *x = a, *y = b;

	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/*
 * Keeps the first of each device in v[0..n), in order; the new count, 0
 * if out of memory.  Sorted, not scanned: a hub's tunnels to thousands
 * of monitored spokes make thousands of candidates.
 */
static size_t
unique_candidates(struct vx_device **v, size_t n)
{
	struct cand_pos	*c = calloc(n, sizeof(*c));
	bool		*keep = calloc(n, sizeof(*keep));
	size_t		 m = 0;

	if (c == NULL || keep == NULL) {
		free(c);
		free(keep);
		return 0;
	}
	for (size_t i = 0; i < n; i++)
		c[i] = (struct cand_pos){ (uintptr_t)v[i], i };
	qsort(c, n, sizeof(*c), cand_cmp);
	for (size_t i = 0; i < n; i++)
		keep[c[i].pos] = i == 0 || c[i].dev != c[i - 1].dev;
	for (size_t i = 0; i < n; i++) {
		if (keep[i])
			v[m++] = v[i];
	}
	free(c);
	free(keep);
	return m;
}

struct vx_device **
vx_probe_peers(struct vx_devtable *t, struct vx_device *d,
    const struct vx_snapshot *s, size_t *n)
{
	const struct vx_strlist	 *pd = &d->cfg.peer_devices;
	struct vx_device	**v = NULL;
	size_t			  cap = 0, k;
	bool			  ok;

	*n = 0;
	ok = add_candidate(&v, n, &cap, d);
	for (size_t i = 0; ok && i + 1 < pd->n; i += 2) {
		struct vx_device *b = vx_devtable_find(t, pd->v[i + 1]);

		if (b != NULL)
			ok = add_candidate(&v, n, &cap, b);
	}
	vx_locals_index_lock(t->locals);
	for (size_t i = 0; ok && i < s->ntunnels; i++) {
		struct vx_device *const *o = vx_locals_index_owners(t->locals,
		    s->tunnels[i]->peer, &k);

		for (size_t j = 0; ok && j < k; j++)
			ok = add_candidate(&v, n, &cap, o[j]);
	}
	vx_locals_index_unlock(t->locals);
	if (ok && (*n = unique_candidates(v, *n)) == 0)
		ok = false;
	if (!ok) {
		free(v);
		return NULL;
	}
	return v;
}
