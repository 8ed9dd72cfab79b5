/* Local addresses -> the devices holding them, kept up to date lazily. */
#include "locals_index.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"

/* The devices holding one address. */
struct owners {
	struct vx_device	**dev;
	size_t			  n, cap;
};

/* What the index last read of one device. */
struct seen {
	uint64_t	  generation;	/* the device's, when read */
	char		**addrs;	/* copies */
	size_t		  naddrs;
	bool		  read;		/* generation is meaningful */
};

struct vx_locals_index {
	pthread_mutex_t		  lock;
	struct vx_device *const	 *devs;
	size_t			  n;
	struct seen		 *seen;
	struct vx_strmap	  byaddr;	/* address -> struct owners */
	bool			  failed;	/* out of memory: start over */
};

struct vx_locals_index *
vx_locals_index_new(struct vx_device *const *devs, size_t n)
{
	struct vx_locals_index *ix = calloc(1, sizeof(*ix));

	if (ix == NULL)
		return NULL;
	ix->seen = calloc(n + 1, sizeof(*ix->seen));
	if (ix->seen == NULL) {
		free(ix);
		return NULL;
	}
	pthread_mutex_init(&ix->lock, NULL);
	ix->devs = devs;
	ix->n = n;
	return ix;
}

static bool
free_owners(void *arg, const char *key, void *value)
{
	struct owners *o = value;

	(void)arg;
	(void)key;
	free(o->dev);
	free(o);
	return true;
}

static void
forget_all(struct vx_locals_index *ix)
{
	vx_strmap_filter(&ix->byaddr, free_owners, NULL);
	for (size_t i = 0; i < ix->n; i++) {
		for (size_t k = 0; k < ix->seen[i].naddrs; k++)
			free(ix->seen[i].addrs[k]);
		free(ix->seen[i].addrs);
		memset(&ix->seen[i], 0, sizeof(ix->seen[i]));
	}
	ix->failed = false;
}

void
vx_locals_index_free(struct vx_locals_index *ix)
{
	if (ix == NULL)
		return;
	forget_all(ix);
	vx_strmap_release(&ix->byaddr);
	free(ix->seen);
	pthread_mutex_destroy(&ix->lock);
	free(ix);
}

static void
remove_owner(struct vx_locals_index *ix, const char *addr,
    struct vx_device *d)
{
	struct owners *o = vx_strmap_get(&ix->byaddr, addr, strlen(addr));

	for (size_t i = 0; o != NULL && i < o->n; i++) {
		if (o->dev[i] == d) {
			o->dev[i] = o->dev[--o->n];
			return;
		}
	}
}

static bool
add_owner(struct vx_locals_index *ix, const char *addr, struct vx_device *d)
{
	struct owners *o = vx_strmap_get(&ix->byaddr, addr, strlen(addr));

	if (o == NULL) {
		if ((o = calloc(1, sizeof(*o))) == NULL)
			return false;
		if (!vx_strmap_put(&ix->byaddr, addr, strlen(addr), o)) {
			free(o);
			return false;
		}
	}
	if (o->n == o->cap) {
		void *p = vx_grow(o->dev, &o->cap, sizeof(*o->dev), 2);

		if (p == NULL)
			return false;
		o->dev = p;
	}
	o->dev[o->n++] = d;
	return true;
}

/*
 * The local addresses of snapshot s, as vx_snapshot_index_locals made
 * them, or its tunnels' if that ran out of memory (an address may then
 * come more than once: it is added, and removed, as often).
 */
static bool
read_addrs(const struct vx_snapshot *s, char ***out, size_t *n)
{
	size_t	 cap = s == NULL ? 0 : s->locals_set ? s->nlocals : s->ntunnels;
	char	**v = calloc(cap + 1, sizeof(*v));

	*out = v;
	*n = 0;
	if (v == NULL)
		return false;
	for (size_t i = 0; i < cap; i++) {
		const char *l = s->locals_set ? s->locals[i].addr :
		    s->tunnels[i]->attr[VX_TA_LOCAL_ADDR];

		if (l == NULL || l[0] == '\0')
			continue;
		if ((v[*n] = strdup(l)) == NULL)
			return false;
		(*n)++;
	}
	return true;
}

/* Re-reads device i if it polled since; false if out of memory. */
static bool
catch_up(struct vx_locals_index *ix, size_t i)
{
	struct vx_device	*d = ix->devs[i];
	struct seen		*sn = &ix->seen[i];
	struct vx_snapshot	*s;
	uint64_t		 gen = atomic_load(&d->generation);
	char			**addrs;
	size_t			 naddrs;
	bool			 ok;

	if (sn->read && sn->generation == gen)
		return true;
	pthread_mutex_lock(&d->lock);
	s = d->latest;
	if (s != NULL)
		vx_snapshot_ref(s);
	gen = atomic_load(&d->generation);
	pthread_mutex_unlock(&d->lock);
	ok = read_addrs(s, &addrs, &naddrs);
	vx_snapshot_unref(s);
	for (size_t k = 0; k < sn->naddrs; k++) {
		remove_owner(ix, sn->addrs[k], d);
		free(sn->addrs[k]);
	}
	free(sn->addrs);
	sn->addrs = addrs;
	sn->naddrs = naddrs;
	sn->generation = gen;
	sn->read = ok;
	for (size_t k = 0; ok && k < naddrs; k++)
		ok = add_owner(ix, addrs[k], d);
	return ok;
}

void
vx_locals_index_lock(struct vx_locals_index *ix)
{
	pthread_mutex_lock(&ix->lock);
	if (ix->failed)
		forget_all(ix);
	for (size_t i = 0; i < ix->n && !ix->failed; i++) {
		if (!catch_up(ix, i))
			ix->failed = true;
	}
}

void
vx_locals_index_unlock(struct vx_locals_index *ix)
{
	pthread_mutex_unlock(&ix->lock);
}

struct vx_device *const *
vx_locals_index_owners(struct vx_locals_index *ix, const char *addr,
    size_t *n)
{
	struct owners *o;

	*n = 0;
	if (ix->failed)
		return NULL;
	o = vx_strmap_get(&ix->byaddr, addr, strlen(addr));
	if (o == NULL || o->n == 0)
		return NULL;
	*n = o->n;
	return o->dev;
}
