/* The two ends of a tunnel, found across devices, and their SPIs compared. */
#include "correlate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
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

/* The indexes a correlation pass builds over every device's tunnels. */
struct index {
	struct vx_strmap	 dev;		/* name -> devs index + 1 */
	struct vx_strmap	 local;		/* local address -> struct hit */
	struct vx_strmap	 peer;		/* "dev\npeer" -> tunnel */
	struct hit		*hits;
	size_t			 nhits;
};

/* Tunnels with one local address; ambiguous once a second device has one. */
struct hit {
	size_t				 dev;
	const struct vx_tunnel		*tunnel;	/* NULL: several */
	bool				 several_devs;
};

static const char *
local_of(const struct vx_tunnel *t)
{
	const char *l = t->attr[VX_TA_LOCAL_ADDR];

	return l != NULL && l[0] != '\0' ? l : NULL;
}

static size_t
key2(char *buf, size_t size, const char *a, const char *b)
{
	int n = snprintf(buf, size, "%s\n%s", a, b);

	return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

static bool
build_index(struct index *ix, const struct vx_corr_dev *devs, size_t n)
{
	size_t total = 0, h = 0;

	memset(ix, 0, sizeof(*ix));
	for (size_t i = 0; i < n; i++)
		total += devs[i].snap != NULL ? devs[i].snap->ntunnels : 0;
	ix->hits = calloc(total + 1, sizeof(*ix->hits));
	if (ix->hits == NULL)
		return false;
	for (size_t i = 0; i < n; i++) {
		const struct vx_snapshot *s = devs[i].snap;

		if (!vx_strmap_put(&ix->dev, devs[i].name,
		    strlen(devs[i].name), (void *)(uintptr_t)(i + 1)))
			return false;
		for (size_t k = 0; s != NULL && k < s->ntunnels; k++) {
			const struct vx_tunnel	*t = s->tunnels[k];
			const char		*l = local_of(t);
			char			 key[2 * VX_MODEL_STR_MAX + 2];
			struct hit		*x;

			if (!vx_strmap_put(&ix->peer, key, key2(key,
			    sizeof(key), devs[i].name, t->peer),
			    (void *)(uintptr_t)t))
				return false;
			if (l == NULL)
				continue;
			x = vx_strmap_get(&ix->local, l, strlen(l));
			if (x == NULL) {
				x = &ix->hits[h++];
				x->dev = i;
				x->tunnel = t;
				if (!vx_strmap_put(&ix->local, l, strlen(l), x))
					return false;
			} else if (x->dev != i) {
				x->several_devs = true;
			} else {
				x->tunnel = NULL;	/* two on one device */
			}
		}
	}
	return true;
}

static void
index_release(struct index *ix)
{
	vx_strmap_release(&ix->dev);
	vx_strmap_release(&ix->local);
	vx_strmap_release(&ix->peer);
	free(ix->hits);
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
other_end(const struct index *ix, const struct vx_corr_dev *devs, size_t a,
    const struct vx_tunnel *t, size_t *b)
{
	const char		*name = configured_peer(&devs[a], t->peer);
	const char		*l = local_of(t);
	const struct hit	*x = vx_strmap_get(&ix->local, t->peer,
				    strlen(t->peer));
	char			 key[2 * VX_MODEL_STR_MAX + 2];

	if (name != NULL) {
		uintptr_t j = (uintptr_t)vx_strmap_get(&ix->dev, name,
		    strlen(name));

		if (j == 0)
			return NULL;
		*b = (size_t)j - 1;
	} else {
		if (x == NULL || x->several_devs || x->dev == a)
			return NULL;
		*b = x->dev;
	}
	if (devs[*b].snap == NULL)
		return NULL;
	if (l != NULL)
		return vx_strmap_get(&ix->peer, key, key2(key, sizeof(key),
		    devs[*b].name, l));
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
				size_t	 ncap = cap == 0 ? 16 : cap * 2;
				void	*p = realloc(out, ncap * sizeof(*out));

				if (p == NULL)
					break;
				out = p;
				cap = ncap;
			}
			x.snap = s;
			x.tunnel = t->name;
			x.peer = t->peer;
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
