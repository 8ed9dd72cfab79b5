/* The two ends of a tunnel, found across devices, and their SPIs compared. */
#include "correlate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "cfg.h"
#include "grow.h"
#include "spi_match.h"

/* Pairs not evaluated for this long are forgotten. */
#define SINCE_KEEP_MS	(3600 * 1000)

struct since {
	int64_t	first_ms;	/* first observed disagreeing */
	int64_t	touched_ms;
};

void
vx_correlator_init(struct vx_correlator *c)
{
	memset(c, 0, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
}

static bool
drop_since(void *arg, const char *key, void *value)
{
	(void)arg;
	(void)key;
	free(value);
	return true;
}

void
vx_correlator_release(struct vx_correlator *c)
{
	vx_strmap_filter(&c->since, drop_since, NULL);
	vx_strmap_release(&c->since);
	pthread_mutex_destroy(&c->lock);
}

static bool
prune_since(void *arg, const char *key, void *value)
{
	const int64_t	*now = arg;
	struct since	*s = value;

	return *now - s->touched_ms > SINCE_KEEP_MS &&
	    drop_since(NULL, key, value);
}

/* Tunnels with one local address; ambiguous once a second device has one. */
struct hit {
	size_t				 dev;
	const struct vx_tunnel		*tunnel;	/* NULL: several */
	bool				 several_devs;
	const char			*local;
};

/* One device's tunnels by peer, built when a tunnel's other end is there. */
struct peer_table {
	const struct vx_tunnel	**slots;	/* NULL: empty */
	size_t			  cap;
};

/*
 * What a correlation pass (every /metrics and /probe) needs to find the
 * other end of a tunnel.  Local addresses come from each snapshot's
 * summary (vx_snapshot_index_locals: an address or two per device), and
 * a device's tunnels by peer only for the devices that are some tunnel's
 * other end: a /probe in a fleet of 10,000 devices does not go through
 * 100,000 tunnels.  Keys point into the snapshots.
 */
struct index {
	const struct vx_corr_dev *devs;
	size_t			 ndevs;
	struct vx_strmap	 dev;		/* name -> devs index + 1 */
	bool			 dev_built;
	struct hit		*hits;		/* open addressing by local */
	size_t			 cap;		/* a power of 2 */
	struct peer_table	*peers;		/* per device, built lazily */
	bool			 failed;	/* out of memory */
};

static const char *
local_of(const struct vx_tunnel *t)
{
	const char *l = t->attr[VX_TA_LOCAL_ADDR];

	return l != NULL && l[0] != '\0' ? l : NULL;
}

static uint64_t
str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* The slot of local address l: its hit, or the empty slot for it. */
static struct hit *
local_slot(const struct index *ix, const char *l)
{
	size_t i = str_hash(l) & (ix->cap - 1);

	while (ix->hits[i].local != NULL &&
	    strcmp(ix->hits[i].local, l) != 0)
		i = (i + 1) & (ix->cap - 1);
	return &ix->hits[i];
}

/* Device i's local address l, held by tunnel t (NULL: several). */
static void
add_local(struct index *ix, size_t i, const char *l,
    const struct vx_tunnel *t)
{
	struct hit *x = local_slot(ix, l);

	if (x->local == NULL) {
		x->local = l;
		x->dev = i;
		x->tunnel = t;
	} else if (x->dev != i) {
		x->several_devs = true;
	} else {
		x->tunnel = NULL;	/* two on one device */
	}
}

static bool
build_index(struct index *ix, const struct vx_corr_dev *devs, size_t n)
{
	size_t total = 0;

	memset(ix, 0, sizeof(*ix));
	ix->devs = devs;
	ix->ndevs = n;
	for (size_t i = 0; i < n; i++) {
		const struct vx_snapshot *s = devs[i].snap;

		if (s != NULL)
			total += s->locals_set ? s->nlocals : s->ntunnels;
	}
	/* At most half full. */
	ix->cap = 16;
	while (ix->cap < 2 * total)
		ix->cap *= 2;
	ix->hits = calloc(ix->cap, sizeof(*ix->hits));
	ix->peers = calloc(n + 1, sizeof(*ix->peers));
	if (ix->hits == NULL || ix->peers == NULL)
		return false;
	for (size_t i = 0; i < n; i++) {
		const struct vx_snapshot *s = devs[i].snap;

		if (s != NULL && s->locals_set) {
			for (size_t k = 0; k < s->nlocals; k++)
				add_local(ix, i, s->locals[k].addr,
				    s->locals[k].tunnel);
			continue;
		}
		for (size_t k = 0; s != NULL && k < s->ntunnels; k++) {
			const char *l = local_of(s->tunnels[k]);

			if (l != NULL)
				add_local(ix, i, l, s->tunnels[k]);
		}
	}
	return true;
}

static void
index_release(struct index *ix)
{
	vx_strmap_release(&ix->dev);
	free(ix->hits);
	for (size_t i = 0; ix->peers != NULL && i < ix->ndevs; i++)
		free(ix->peers[i].slots);
	free(ix->peers);
}

/* The index of the device named name, or -1. */
static ssize_t
dev_by_name(struct index *ix, const char *name)
{
	uintptr_t j;

	if (!ix->dev_built) {
		ix->dev_built = true;
		for (size_t i = 0; i < ix->ndevs; i++) {
			if (!vx_strmap_put(&ix->dev, ix->devs[i].name,
			    strlen(ix->devs[i].name), (void *)(uintptr_t)(i + 1)))
				ix->failed = true;
		}
	}
	j = (uintptr_t)vx_strmap_get(&ix->dev, name, strlen(name));
	return j == 0 ? -1 : (ssize_t)(j - 1);
}

/* Device b's tunnel whose peer is peer (the last one listed), or NULL. */
static const struct vx_tunnel *
tunnel_by_peer(struct index *ix, size_t b, const char *peer)
{
	const struct vx_snapshot	*s = ix->devs[b].snap;
	struct peer_table		*pt = &ix->peers[b];
	size_t				 i;

	if (pt->slots == NULL) {
		pt->cap = 16;
		while (pt->cap < 2 * s->ntunnels)
			pt->cap *= 2;
		pt->slots = calloc(pt->cap, sizeof(*pt->slots));
		if (pt->slots == NULL) {
			ix->failed = true;
			return NULL;
		}
		for (size_t k = 0; k < s->ntunnels; k++) {
			const struct vx_tunnel *t = s->tunnels[k];

			i = str_hash(t->peer) & (pt->cap - 1);
			while (pt->slots[i] != NULL &&
			    strcmp(pt->slots[i]->peer, t->peer) != 0)
				i = (i + 1) & (pt->cap - 1);
			pt->slots[i] = t;
		}
	}
	i = str_hash(peer) & (pt->cap - 1);
	while (pt->slots[i] != NULL && strcmp(pt->slots[i]->peer, peer) != 0)
		i = (i + 1) & (pt->cap - 1);
	return pt->slots[i];
}

static const char *
configured_peer(const struct vx_corr_dev *d, const char *peer)
{
	for (size_t i = 0; d->peer_devices != NULL &&
	    i + 1 < d->peer_devices->n; i += 2) {
		if (strcmp(d->peer_devices->v[i], peer) == 0)
			return d->peer_devices->v[i + 1];
	}
	return NULL;
}

/* The other end of tunnel t of devs[a]: sets *b and returns its tunnel. */
static const struct vx_tunnel *
other_end(struct index *ix, const struct vx_corr_dev *devs, size_t a,
    const struct vx_tunnel *t, size_t *b)
{
	const char		*name = configured_peer(&devs[a], t->peer);
	const char		*l = local_of(t);
	const struct hit	*x = local_slot(ix, t->peer);

	if (x->local == NULL)
		x = NULL;
	if (name != NULL) {
		ssize_t j = dev_by_name(ix, name);

		if (j < 0)
			return NULL;
		*b = (size_t)j;
	} else {
		if (x == NULL || x->several_devs || x->dev == a)
			return NULL;
		*b = x->dev;
	}
	if (devs[*b].snap == NULL)
		return NULL;
	if (l != NULL)
		return tunnel_by_peer(ix, *b, l);
	/* No local address: B's one tunnel that says it ends at t's peer. */
	return x != NULL && x->dev == *b ? x->tunnel : NULL;
}

/* A snapshot whose tunnels are current: collected, up, not stale. */
static bool
current(const struct vx_snapshot *s)
{
	return s != NULL && s->up && !s->stale && s->collected_ms > 0;
}

/* Fills the verdict of check x (mismatch, differ); false if unknown. */
static bool
evaluate(struct vx_correlator *c, const struct vx_corr_dev *devs, size_t a,
    size_t b, const struct vx_tunnel *ta, const struct vx_tunnel *tb,
    int64_t now_ms, struct vx_spi_check *x)
{
	const struct vx_snapshot	*sa = devs[a].snap, *sb = devs[b].snap;
	enum vx_spi_agreement		 ag = vx_spi_agreement(ta, tb);
	char				 key[4 * VX_MODEL_STR_MAX + 4];
	int64_t				 seen, grace;
	struct since			*s;
	size_t				 klen;
	int				 n;

	if (!current(sa) || !current(sb) || ag == VX_SPI_UNKNOWN)
		return false;
	n = snprintf(key, sizeof(key), "%s\n%s\n%s\n%s", devs[a].name,
	    ta->name, ta->peer, devs[b].name);
	klen = n < 0 ? 0 : (size_t)n < sizeof(key) ? (size_t)n :
	    sizeof(key) - 1;
	s = vx_strmap_get(&c->since, key, klen);
	if (ag == VX_SPI_MATCH) {
		if (s != NULL) {
			s->first_ms = 0;
			s->touched_ms = now_ms;
		}
		x->mismatch = x->differ = false;
		x->differ_since_ms = 0;
		return true;
	}
	/* Observed when the later of the two snapshots was taken. */
	seen = sa->collected_ms > sb->collected_ms ? sa->collected_ms :
	    sb->collected_ms;
	if (s == NULL) {
		s = calloc(1, sizeof(*s));
		if (s == NULL || !vx_strmap_put(&c->since, key, klen, s)) {
			free(s);
			return false;
		}
	}
	if (s->first_ms == 0)
		s->first_ms = seen;
	s->touched_ms = now_ms;
	grace = devs[a].grace_ms > devs[b].grace_ms ? devs[a].grace_ms :
	    devs[b].grace_ms;
	x->mismatch = seen - s->first_ms > grace;
	x->differ = true;
	x->differ_since_ms = s->first_ms;
	return true;
}

static struct vx_spi_check *
correlate(struct vx_correlator *c, const struct vx_corr_dev *devs,
    size_t ndevs, int64_t now_ms, size_t *n, bool unknown_too)
{
	struct vx_spi_check	*out = NULL;
	size_t			 cap = 0;
	struct index		 ix;

	*n = 0;
	if (!build_index(&ix, devs, ndevs)) {
		index_release(&ix);
		return NULL;
	}
	pthread_mutex_lock(&c->lock);
	for (size_t a = 0; a < ndevs; a++) {
		const struct vx_snapshot *s = devs[a].snap;

		if (!devs[a].wanted || s == NULL)
			continue;
		for (size_t k = 0; k < s->ntunnels; k++) {
			const struct vx_tunnel	*t = s->tunnels[k], *tb;
			size_t			 b = 0;
			struct vx_spi_check	 x;

			memset(&x, 0, sizeof(x));
			tb = other_end(&ix, devs, a, t, &b);
			if (tb == NULL || b == a)
				continue;
			x.known = evaluate(c, devs, a, b, t, tb, now_ms, &x);
			if (!x.known && !unknown_too)
				continue;
			if (*n == cap) {
				void *p = vx_grow(out, &cap, sizeof(*out), 16);

				if (p == NULL)
					break;
				out = p;
			}
			x.snap = s;
			x.tunnel = t->name;
			x.peer = t->peer;
			x.node = t->node;
			x.peer_device = devs[b].name;
			x.tun = t;
			/* Only a wanted device's snapshot outlives the call. */
			x.peer_tun = devs[b].wanted ? tb : NULL;
			out[(*n)++] = x;
		}
	}
	vx_strmap_filter(&c->since, prune_since, &now_ms);
	pthread_mutex_unlock(&c->lock);
	index_release(&ix);
	return out;
}

struct vx_spi_check *
vx_correlate(struct vx_correlator *c, const struct vx_corr_dev *devs,
    size_t ndevs, int64_t now_ms, size_t *n)
{
	return correlate(c, devs, ndevs, now_ms, n, false);
}

struct vx_spi_check *
vx_correlate_pairs(struct vx_correlator *c, const struct vx_corr_dev *devs,
    size_t ndevs, int64_t now_ms, size_t *n)
{
	return correlate(c, devs, ndevs, now_ms, n, true);
}
