/* A device's memory between polls: carried counters, rekeys, down tunnels. */
#include "history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "strmap.h"

#define WRAP32		(UINT64_C(1) << 32)
#define WRAP32_HIGH	(WRAP32 / 4 * 3)
#define WRAP32_LOW	(WRAP32 / 4)

/* One part (SA, row, session) of a tunnel as last seen. */
struct part_mem {
	uint64_t	key;
	uint64_t	gen;
	int64_t		age_s;
	uint32_t	set;		/* counters remembered */
	uint32_t	used;		/* reported this round (scratch) */
	uint64_t	last[VX_TC__COUNT];
	uint64_t	off[VX_TC__COUNT];	/* 32-bit wraps seen */
};

struct tun_mem {
	char		*node;			/* NULL: not a cluster */
	char		*name;
	char		*peer;
	uint64_t	 base[VX_TC__COUNT];	/* carried from ended parts */
	uint32_t	 base_set;		/* counters ever reported */
	struct part_mem	*parts;
	size_t		 nparts, parts_cap;
	uint64_t	*pairs;			/* spi_in << 32 | spi_out */
	size_t		 npairs, pairs_cap;
	uint64_t	 rekeys;
	bool		 rekeys_set;
	int64_t		 seen_ms;
	uint64_t	 round;			/* last round it was reported */
};

struct ike_mem {
	char		*node;
	char		*peer;
	int64_t		 seen_ms;
	uint64_t	 round;
};

/* The device counters of the device, or of one cluster node. */
struct dev_mem {
	uint64_t	last[VX_DV__COUNT];
	uint64_t	off[VX_DV__COUNT];
	uint32_t	seen;
};

struct vx_history {
	/* "node\nname\npeer" ("\nname\npeer" without a node) -> tun_mem */
	struct vx_strmap	tuns;
	struct vx_strmap	ikes;	/* "node\npeer" -> ike_mem */
	struct vx_strmap	nodes;	/* node -> dev_mem */
	uint64_t		round;
	struct dev_mem		dev;
};

struct vx_history *
vx_history_new(void)
{
	return calloc(1, sizeof(struct vx_history));
}

static void
tun_mem_free(struct tun_mem *m)
{
	free(m->node);
	free(m->name);
	free(m->peer);
	free(m->parts);
	free(m->pairs);
	free(m);
}

static bool
drop_tun(void *arg, const char *key, void *value)
{
	(void)arg;
	(void)key;
	tun_mem_free(value);
	return true;
}

static bool
drop_ike(void *arg, const char *key, void *value)
{
	struct ike_mem *m = value;

	(void)arg;
	(void)key;
	free(m->node);
	free(m->peer);
	free(m);
	return true;
}

static bool
drop_node(void *arg, const char *key, void *value)
{
	(void)arg;
	(void)key;
	free(value);
	return true;
}

void
vx_history_free(struct vx_history *h)
{
	if (h == NULL)
		return;
	vx_strmap_filter(&h->tuns, drop_tun, NULL);
	vx_strmap_release(&h->tuns);
	vx_strmap_filter(&h->ikes, drop_ike, NULL);
	vx_strmap_release(&h->ikes);
	vx_strmap_filter(&h->nodes, drop_node, NULL);
	vx_strmap_release(&h->nodes);
	free(h);
}

size_t
vx_history_tunnels(const struct vx_history *h)
{
	return h->tuns.n;
}

/* A 32-bit counter that fell from the top of its range to the bottom. */
static bool
wrapped32(uint64_t last, uint64_t now)
{
	return last < WRAP32 && last >= WRAP32_HIGH && now < WRAP32_LOW;
}

/* Unwraps one set of device counters (the device's or a node's). */
static void
apply_dev(struct dev_mem *m, uint64_t *dev, uint32_t set, uint32_t is32)
{
	for (int v = 0; v < VX_DV__COUNT; v++) {
		uint32_t	bit = 1u << v;
		uint64_t	raw = dev[v];

		if (!(set & bit) || !vx_dev_val_is_counter((enum vx_dev_val)v))
			continue;
		if (!(m->seen & bit))
			m->off[v] = 0;
		else if (raw < m->last[v]) {
			if ((is32 & bit) && wrapped32(m->last[v], raw))
				m->off[v] += WRAP32;
			else
				m->off[v] = 0;	/* the device reset it */
		}
		m->last[v] = raw;
		m->seen |= bit;
		dev[v] = raw + m->off[v];
	}
}

static int
apply_device(struct vx_history *h, struct vx_snapshot *snap)
{
	apply_dev(&h->dev, snap->dev, snap->dev_set, snap->dev_32bit);
	for (size_t i = 0; i < snap->nnodes; i++) {
		struct vx_node_dev	*n = snap->nodes[i];
		size_t			 len = strlen(n->node);
		struct dev_mem		*m = vx_strmap_get(&h->nodes, n->node,
					    len);

		if (m == NULL) {
			m = calloc(1, sizeof(*m));
			if (m == NULL || !vx_strmap_put(&h->nodes, n->node, len,
			    m)) {
				free(m);
				return -VX_E_NOMEM;
			}
		}
		apply_dev(m, n->dev, n->dev_set, n->dev_32bit);
	}
	return 0;
}

static struct part_mem *
find_part_mem(struct tun_mem *m, uint64_t key)
{
	for (size_t i = 0; i < m->nparts; i++) {
		if (m->parts[i].key == key)
			return &m->parts[i];
	}
	return NULL;
}

static struct part_mem *
new_part_mem(struct tun_mem *m, uint64_t key, uint64_t gen, int64_t age_s)
{
	struct part_mem *pm;

	if (m->nparts == m->parts_cap) {
		/* Most tunnels have one part: it starts with room for one. */
		void *p = vx_grow(m->parts, &m->parts_cap, sizeof(*m->parts),
		    1);

		if (p == NULL)
			return NULL;
		m->parts = p;
	}
	pm = &m->parts[m->nparts++];
	memset(pm, 0, sizeof(*pm));
	pm->key = key;
	pm->gen = gen;
	pm->age_s = age_s;
	return pm;
}

/* What one part reports for one counter this round. */
struct contrib {
	uint64_t	key;
	uint64_t	gen;
	int64_t		age_s;
	uint64_t	raw;
	bool		is32;
};

/*
 * Folds one part's value of counter c into the memory.  Sets *reset when
 * the device reset the counter of a part that lives on.
 */
static int
contribute(struct tun_mem *m, int c, const struct contrib *k, bool *reset)
{
	uint32_t	 bit = 1u << c;
	struct part_mem	*pm = find_part_mem(m, k->key);

	if (pm == NULL && (pm = new_part_mem(m, k->key, k->gen,
	    k->age_s)) == NULL)
		return -VX_E_NOMEM;
	if (!(pm->set & bit)) {
		pm->off[c] = 0;
	} else if (k->raw < pm->last[c]) {
		bool newgen = (k->gen != 0 && k->gen != pm->gen) ||
		    (k->age_s >= 0 && pm->age_s >= 0 && k->age_s < pm->age_s);

		if (newgen) {
			/* A new SA under the same key: carry the old one. */
			m->base[c] += pm->last[c] + pm->off[c];
			pm->off[c] = 0;
		} else if (k->is32 && wrapped32(pm->last[c], k->raw)) {
			pm->off[c] += WRAP32;
		} else {
			*reset = true;
		}
	}
	pm->last[c] = k->raw;
	pm->set |= bit;
	pm->used |= bit;
	return 0;
}

/*
 * Counter c of tunnel t (which may have none: every part ended) becomes
 * base + the current parts; parts that ended are carried into the base.
 */
static int
carry_counter(struct tun_mem *m, struct vx_tunnel *t, int c)
{
	uint32_t	bit = 1u << c;
	bool		reset = false;
	uint64_t	total;
	int		rc;

	for (size_t i = 0; i < m->nparts; i++)
		m->parts[i].used &= ~bit;
	if (t->ctr_set & bit) {
		uint64_t	psum = 0;
		bool		any = false;

		for (size_t i = 0; i < t->nparts; i++) {
			const struct vx_part	*p = &t->parts[i];
			struct contrib		 k = { p->key, p->gen, p->age_s,
						    p->ctr[c],
						    (p->ctr_32bit & bit) != 0 };

			if (!(p->ctr_set & bit))
				continue;
			any = true;
			psum += p->ctr[c];
			if ((rc = contribute(m, c, &k, &reset)) != 0)
				return rc;
		}
		if (!any || t->ctr[c] > psum) {
			struct contrib k = { VX_PART_WHOLE, 0, -1,
			    t->ctr[c] - (any ? psum : 0), false };

			if ((rc = contribute(m, c, &k, &reset)) != 0)
				return rc;
		}
	}
	for (size_t i = 0; i < m->nparts; i++) {
		struct part_mem *pm = &m->parts[i];

		if ((pm->set & bit) && !(pm->used & bit)) {
			m->base[c] += pm->last[c] + pm->off[c];
			pm->set &= ~bit;
		}
	}
	if (reset) {
		m->base[c] = 0;
		for (size_t i = 0; i < m->nparts; i++)
			m->parts[i].off[c] = 0;
	}
	if ((t->ctr_set & bit) == 0 && (m->base_set & bit) == 0)
		return 0;
	total = m->base[c];
	for (size_t i = 0; i < m->nparts; i++) {
		const struct part_mem *pm = &m->parts[i];

		if (pm->used & bit)
			total += pm->last[c] + pm->off[c];
	}
	t->ctr[c] = total;
	t->ctr_set |= bit;
	m->base_set |= bit;
	return 0;
}

/* Drops parts that hold no counter any more; notes the others' gen/age. */
static void
settle_parts(struct tun_mem *m, const struct vx_tunnel *t)
{
	size_t j = 0;

	for (size_t i = 0; i < m->nparts; i++) {
		struct part_mem		*pm = &m->parts[i];
		const struct vx_part	*p = t != NULL ?
					    vx_tunnel_find_part(t, pm->key) : NULL;

		if (pm->set == 0)
			continue;
		if (p != NULL) {
			pm->gen = p->gen;
			pm->age_s = p->age_s;
		}
		m->parts[j++] = *pm;
	}
	m->nparts = j;
}

static int
carry_tunnel(struct tun_mem *m, struct vx_tunnel *t, uint32_t known)
{
	for (int c = 0; c < VX_TC__COUNT; c++) {
		int rc;

		if (!(known & (1u << c))) {
			/* Source failed: absent this time, memory untouched. */
			t->ctr_set &= ~(1u << c);
			t->ctr[c] = 0;
			continue;
		}
		if ((rc = carry_counter(m, t, c)) != 0)
			return rc;
	}
	settle_parts(m, t);
	return 0;
}

static bool
pair_in(const uint64_t *pairs, size_t n, uint64_t p)
{
	for (size_t i = 0; i < n; i++) {
		if (pairs[i] == p)
			return true;
	}
	return false;
}

static uint64_t
sa_pair(const struct vx_sa *sa)
{
	return (uint64_t)(sa->has_in ? sa->spi_in : 0) << 32 |
	    (sa->has_out ? sa->spi_out : 0);
}

/*
 * An active SA pair the tunnel did not have at the previous poll is a
 * rekey (several phase-2 children of one peer each count).  Pairs are
 * compared as sets, so the order a device lists them in does not matter.
 */
static int
track_rekeys(struct tun_mem *m, struct vx_tunnel *t)
{
	if (t->nsas == 0) {
		t->rekeys = m->rekeys;
		t->rekeys_set = m->rekeys_set;
		return 0;
	}
	/* The pairs' memory is kept: no allocation per tunnel and poll. */
	if (t->nsas > m->pairs_cap) {
		uint64_t *p = realloc(m->pairs, t->nsas * sizeof(*p));

		if (p == NULL)
			return -VX_E_NOMEM;
		m->pairs = p;
		m->pairs_cap = t->nsas;
	}
	if (m->npairs > 0) {
		for (size_t k = 0; k < t->nsas; k++) {
			if (t->sas[k].state != VX_SA_EXPIRING &&
			    !pair_in(m->pairs, m->npairs, sa_pair(&t->sas[k])))
				m->rekeys++;
		}
	}
	for (size_t k = 0; k < t->nsas; k++)
		m->pairs[k] = sa_pair(&t->sas[k]);
	m->npairs = t->nsas;
	m->rekeys_set = true;
	t->rekeys = m->rekeys;
	t->rekeys_set = true;
	return 0;
}

/* "node\nname\npeer" (node empty when NULL) into key; its length. */
static size_t
mem_key(char *key, size_t size, const char *node, const char *name,
    const char *peer)
{
	int n = name != NULL ? snprintf(key, size, "%.*s\n%.*s\n%.*s",
	    VX_MODEL_STR_MAX, node != NULL ? node : "", VX_MODEL_STR_MAX, name,
	    VX_MODEL_STR_MAX, peer) : snprintf(key, size, "%.*s\n%.*s",
	    VX_MODEL_STR_MAX, node != NULL ? node : "", VX_MODEL_STR_MAX, peer);

	return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

/* A malloc'd copy of s, or NULL (*failed set when s was not NULL). */
static char *
dup_or_null(const char *s, bool *failed)
{
	char *d;

	if (s == NULL)
		return NULL;
	d = strdup(s);
	if (d == NULL)
		*failed = true;
	return d;
}

static struct tun_mem *
tunnel_mem(struct vx_history *h, const struct vx_tunnel *t)
{
	char		 key[3 * VX_MODEL_STR_MAX + 3];
	size_t		 klen = mem_key(key, sizeof(key), t->node, t->name,
			    t->peer);
	struct tun_mem	*m = vx_strmap_get(&h->tuns, key, klen);
	bool		 failed = false;

	if (m != NULL)
		return m;
	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return NULL;
	m->node = dup_or_null(t->node, &failed);
	m->name = strdup(t->name);
	m->peer = strdup(t->peer);
	if (failed || m->name == NULL || m->peer == NULL ||
	    !vx_strmap_put(&h->tuns, key, klen, m)) {
		tun_mem_free(m);
		return NULL;
	}
	return m;
}

static int
apply_ike(struct vx_history *h, struct vx_snapshot *snap, int64_t now_ms)
{
	for (size_t i = 0; i < snap->nike; i++) {
		const struct vx_ike_sa	*ike = snap->ike[i];
		char			 key[2 * VX_MODEL_STR_MAX + 2];
		size_t			 len = mem_key(key, sizeof(key),
					    ike->node, NULL, ike->peer);
		struct ike_mem		*m = vx_strmap_get(&h->ikes, key, len);

		if (m == NULL) {
			bool failed = false;

			m = calloc(1, sizeof(*m));
			if (m == NULL)
				return -VX_E_NOMEM;
			m->node = dup_or_null(ike->node, &failed);
			m->peer = strdup(ike->peer);
			if (failed || m->peer == NULL ||
			    !vx_strmap_put(&h->ikes, key, len, m)) {
				drop_ike(NULL, NULL, m);
				return -VX_E_NOMEM;
			}
		}
		m->seen_ms = now_ms;
		m->round = h->round;
	}
	return 0;
}

/* The second pass over remembered tunnels and IKE SAs. */
struct absent_ctx {
	struct vx_history		*h;
	struct vx_snapshot		*snap;
	const struct vx_history_opts	*opts;
	int64_t				 now_ms;
	int				 rc;
};

static bool
absent_tunnel(void *arg, const char *key, void *value)
{
	struct absent_ctx	*a = arg;
	struct tun_mem		*m = value;
	struct vx_tunnel	*t;
	int			 rc;

	(void)key;
	if (m->round == a->h->round || !a->snap->complete || a->rc != 0)
		return false;
	if (a->now_ms - m->seen_ms >= a->opts->forget_after_ms)
		return drop_tun(NULL, key, value);
	t = vx_snapshot_node_tunnel(a->snap, m->node, m->name, m->peer);
	if (t == NULL) {
		a->rc = -VX_E_NOMEM;
		return false;
	}
	t->up = false;
	t->state = VX_TUN_DOWN;
	if ((rc = carry_tunnel(m, t, a->snap->tun_ctr_known)) != 0 ||
	    (rc = track_rekeys(m, t)) != 0)
		a->rc = rc;
	return false;
}

static bool
absent_ike(void *arg, const char *key, void *value)
{
	struct absent_ctx	*a = arg;
	struct ike_mem		*m = value;
	struct vx_ike_sa	*ike;

	if (m->round == a->h->round || !a->snap->complete ||
	    !a->snap->ike_known || a->rc != 0)
		return false;
	if (a->now_ms - m->seen_ms >= a->opts->forget_after_ms)
		return drop_ike(NULL, key, value);
	ike = vx_snapshot_node_ike_sa(a->snap, m->node, m->peer);
	if (ike == NULL) {
		a->rc = -VX_E_NOMEM;
		return false;
	}
	ike->up = false;
	ike->state = VX_IKE_DOWN;
	return false;
}

int
vx_history_apply(struct vx_history *h, struct vx_snapshot *snap,
    const struct vx_history_opts *opts, int64_t now_ms)
{
	struct absent_ctx	a = { h, snap, opts, now_ms, 0 };
	size_t			n = snap->ntunnels;
	int			rc;

	h->round++;
	if ((rc = apply_device(h, snap)) != 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		struct vx_tunnel	*t = snap->tunnels[i];
		struct tun_mem		*m = tunnel_mem(h, t);

		if (m == NULL)
			return -VX_E_NOMEM;
		m->seen_ms = now_ms;
		m->round = h->round;
		if ((rc = carry_tunnel(m, t, snap->tun_ctr_known)) != 0 ||
		    (rc = track_rekeys(m, t)) != 0)
			return rc;
	}
	if ((rc = apply_ike(h, snap, now_ms)) != 0)
		return rc;
	vx_strmap_filter(&h->tuns, absent_tunnel, &a);
	vx_strmap_filter(&h->ikes, absent_ike, &a);
	return a.rc;
}

static bool
forget_tun(void *arg, const char *key, void *value)
{
	struct vx_history	*h = arg;
	struct tun_mem		*m = value;

	return m->round != h->round && drop_tun(NULL, key, value);
}

static bool
forget_ike(void *arg, const char *key, void *value)
{
	struct vx_history	*h = arg;
	struct ike_mem		*m = value;

	return m->round != h->round && drop_ike(NULL, key, value);
}

void
vx_history_forget_absent(struct vx_history *h)
{
	vx_strmap_filter(&h->tuns, forget_tun, h);
	vx_strmap_filter(&h->ikes, forget_ike, h);
}
