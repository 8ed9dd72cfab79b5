#include "model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"

static const char *const dev_val_names[VX_DV__COUNT] = {
	[VX_DV_INVALID_SPI] = "invalid_spi",
	[VX_DV_NO_SA_FAILS] = "no_sa_failures",
	[VX_DV_IKE_ACTIVE_TUNNELS] = "ike_active_tunnels",
	[VX_DV_IPSEC_ACTIVE_TUNNELS] = "ipsec_active_tunnels",
	[VX_DV_L2L_SESSIONS] = "l2l_sessions",
	[VX_DV_L2L_SESSIONS_TOTAL] = "l2l_sessions_started",
	[VX_DV_DROPS_CLEARED_TS] = "drops_cleared",
	[VX_DV_PKTS_IN] = "device_packets_in",
	[VX_DV_PKTS_OUT] = "device_packets_out",
	[VX_DV_BYTES_IN] = "device_bytes_in",
	[VX_DV_BYTES_OUT] = "device_bytes_out",
	[VX_DV_ERR_AUTH] = "device_auth_errors",
	[VX_DV_ERR_DECRYPT] = "device_decrypt_errors",
	[VX_DV_ERR_REPLAY] = "device_replay_errors",
	[VX_DV_ERR_BAD_HEADER] = "device_bad_header_errors",
	[VX_DV_ERR_BAD_TRAILER] = "device_bad_trailer_errors",
};

static const char *const tun_ctr_names[VX_TC__COUNT] = {
	[VX_TC_PKTS_IN] = "packets_in",
	[VX_TC_PKTS_OUT] = "packets_out",
	[VX_TC_BYTES_IN] = "bytes_in",
	[VX_TC_BYTES_OUT] = "bytes_out",
	[VX_TC_ERR_DECRYPT] = "decrypt_errors",
	[VX_TC_ERR_ENCRYPT] = "encrypt_errors",
	[VX_TC_ERR_AUTH] = "auth_errors",
	[VX_TC_ERR_AUTH_OUT] = "auth_out_errors",
	[VX_TC_ERR_REPLAY] = "replay_errors",
	[VX_TC_ERR_SEND] = "send_errors",
	[VX_TC_ERR_RECV] = "recv_errors",
	[VX_TC_ERR_DROP_IN] = "drops_in",
	[VX_TC_ERR_DROP_OUT] = "drops_out",
	[VX_TC_ERR_INVALID_SPI] = "invalid_spi_in",
	[VX_TC_ERR_BAD_HEADER] = "bad_header_errors",
	[VX_TC_ERR_BAD_TRAILER] = "bad_trailer_errors",
};

static const char *const ike_state_names[VX_IKE__COUNT] = {
	[VX_IKE_UNKNOWN] = NULL,
	[VX_IKE_ESTABLISHED] = "established",
	[VX_IKE_NEGOTIATING] = "negotiating",
	[VX_IKE_DELETING] = "deleting",
	[VX_IKE_DOWN] = "down",
};

static const char *const tunnel_state_names[VX_TUN__COUNT] = {
	[VX_TUN_UNKNOWN] = NULL,
	[VX_TUN_ACTIVE] = "active",
	[VX_TUN_INIT] = "init",
	[VX_TUN_INACTIVE] = "inactive",
	[VX_TUN_DOWN] = "down",
};

const char *
vx_dev_val_name(enum vx_dev_val v)
{
	return v < VX_DV__COUNT ? dev_val_names[v] : NULL;
}

const char *
vx_tun_ctr_name(enum vx_tun_ctr c)
{
	return c < VX_TC__COUNT ? tun_ctr_names[c] : NULL;
}

const char *
vx_ike_state_name(enum vx_ike_state st)
{
	return st < VX_IKE__COUNT ? ike_state_names[st] : NULL;
}

const char *
vx_tunnel_state_name(enum vx_tunnel_state st)
{
	return st < VX_TUN__COUNT ? tunnel_state_names[st] : NULL;
}

enum vx_tunnel_state
vx_tunnel_state_of(const struct vx_tunnel *t)
{
	if (t->state != VX_TUN_UNKNOWN)
		return t->state;
	return t->up ? VX_TUN_ACTIVE : VX_TUN_DOWN;
}

bool
vx_dev_val_is_counter(enum vx_dev_val v)
{
	return v == VX_DV_INVALID_SPI || v == VX_DV_NO_SA_FAILS ||
	    v == VX_DV_L2L_SESSIONS_TOTAL || (v >= VX_DV_PKTS_IN &&
	    v <= VX_DV_ERR_BAD_TRAILER);
}

struct vx_snapshot *
vx_snapshot_new(const char *device)
{
	struct vx_snapshot *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	vx_arena_init(&s->arena);
	atomic_init(&s->refs, 1);
	s->device = vx_snapshot_str(s, device, strlen(device));
	if (s->device == NULL) {
		free(s);
		return NULL;
	}
	return s;
}

void
vx_snapshot_ref(struct vx_snapshot *s)
{
	atomic_fetch_add(&s->refs, 1);
}

void
vx_snapshot_unref(struct vx_snapshot *s)
{
	if (s == NULL)
		return;
	if (atomic_fetch_sub(&s->refs, 1) == 1) {
		/* One malloc'd block (core/render.c), exactly its size. */
		free((void *)(uintptr_t)s->render_cache);
		vx_arena_release(&s->arena);
		free(s);
	}
}

const char *
vx_snapshot_str(struct vx_snapshot *s, const char *str, size_t len)
{
	if (len > VX_MODEL_STR_MAX)
		len = VX_MODEL_STR_MAX;
	return vx_arena_strndup(&s->arena, str, len);
}

static const char *
snap_strdup(struct vx_snapshot *s, const char *str)
{
	return str == NULL ? NULL : vx_snapshot_str(s, str, strlen(str));
}

/*
 * Grows an arena array of elements of size esz so that it holds at least
 * n + 1 elements.  Returns false on out-of-memory.  Small arrays start
 * small: a tunnel has one or two parts and SAs, and a fleet has many
 * tunnels.
 */
static bool
grow_array(struct vx_arena *a, void **arr, size_t n, size_t *cap, size_t esz)
{
	size_t	ncap;
	void	*p;

	if (n < *cap)
		return true;
	ncap = *cap == 0 ? (esz >= 32 ? 2 : 8) : *cap * 2;
	p = vx_arena_grow(a, *arr, n * esz, ncap * esz);
	if (p == NULL)
		return false;
	*arr = p;
	*cap = ncap;
	return true;
}

int
vx_snapshot_add_label(struct vx_snapshot *s, const char *name,
    const char *value)
{
	size_t cap = s->nlabels;	/* labels are added once: exact fit */
	struct vx_label *l = vx_arena_grow(&s->arena, s->labels,
	    cap * sizeof(*l), (cap + 1) * sizeof(*l));

	if (l == NULL)
		return -VX_E_NOMEM;
	s->labels = l;
	l[s->nlabels].name = snap_strdup(s, name);
	l[s->nlabels].value = snap_strdup(s, value);
	if (l[s->nlabels].name == NULL || l[s->nlabels].value == NULL)
		return -VX_E_NOMEM;
	s->nlabels++;
	return 0;
}

/* Sets one value of a set of device values, by priority. */
static void
dev_set(uint64_t *dev, uint32_t *set, unsigned char *prios,
    enum vx_dev_val v, uint64_t value, enum vx_prio prio)
{
	uint32_t bit = 1u << v;

	if ((*set & bit) && prios[v] > (unsigned char)prio)
		return;
	dev[v] = value;
	prios[v] = (unsigned char)prio;
	*set |= bit;
}

void
vx_snapshot_set_dev(struct vx_snapshot *s, enum vx_dev_val v, uint64_t value,
    enum vx_prio prio)
{
	dev_set(s->dev, &s->dev_set, s->dev_prio, v, value, prio);
}

bool
vx_snapshot_get_dev(const struct vx_snapshot *s, enum vx_dev_val v,
    uint64_t *out)
{
	if (!(s->dev_set & (1u << v)))
		return false;
	*out = s->dev[v];
	return true;
}

void
vx_snapshot_dev_32bit(struct vx_snapshot *s, enum vx_dev_val v)
{
	s->dev_32bit |= 1u << v;
}

void
vx_snapshot_dev_unsupported(struct vx_snapshot *s, enum vx_dev_val v)
{
	s->dev_unsupported |= 1u << v;
}

static bool
same_node(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strncmp(a, b, VX_MODEL_STR_MAX) == 0;
}

struct vx_node_dev *
vx_snapshot_find_node(const struct vx_snapshot *s, const char *node)
{
	for (size_t i = 0; node != NULL && i < s->nnodes; i++) {
		if (same_node(s->nodes[i]->node, node))
			return s->nodes[i];
	}
	return NULL;
}

/* The values of node, created empty if new; NULL on out-of-memory. */
static struct vx_node_dev *
node_dev(struct vx_snapshot *s, const char *node)
{
	struct vx_node_dev *n = vx_snapshot_find_node(s, node);

	if (n != NULL)
		return n;
	if (!grow_array(&s->arena, (void **)&s->nodes, s->nnodes,
	    &s->nodes_cap, sizeof(*s->nodes)))
		return NULL;
	n = vx_arena_alloc(&s->arena, sizeof(*n));
	if (n == NULL)
		return NULL;
	memset(n, 0, sizeof(*n));
	n->node = snap_strdup(s, node);
	if (n->node == NULL)
		return NULL;
	s->nodes[s->nnodes++] = n;
	return n;
}

int
vx_snapshot_set_node_dev(struct vx_snapshot *s, const char *node,
    enum vx_dev_val v, uint64_t value, enum vx_prio prio)
{
	struct vx_node_dev *n;

	if (node == NULL) {
		vx_snapshot_set_dev(s, v, value, prio);
		return 0;
	}
	if ((n = node_dev(s, node)) == NULL)
		return -VX_E_NOMEM;
	dev_set(n->dev, &n->dev_set, n->dev_prio, v, value, prio);
	return 0;
}

bool
vx_snapshot_get_node_dev(const struct vx_snapshot *s, const char *node,
    enum vx_dev_val v, uint64_t *out)
{
	const struct vx_node_dev *n;

	if (node == NULL)
		return vx_snapshot_get_dev(s, v, out);
	n = vx_snapshot_find_node(s, node);
	if (n == NULL || !(n->dev_set & (1u << v)))
		return false;
	*out = n->dev[v];
	return true;
}

int
vx_snapshot_add_threshold(struct vx_snapshot *s, const char *alert,
    const char *severity, double value)
{
	size_t			 n = s->nthresholds;
	struct vx_threshold	*t = vx_arena_grow(&s->arena, s->thresholds,
				    n * sizeof(*t), (n + 1) * sizeof(*t));

	if (t == NULL)
		return -VX_E_NOMEM;
	s->thresholds = t;
	t[n].alert = snap_strdup(s, alert);
	t[n].severity = snap_strdup(s, severity);
	t[n].value = value;
	if (t[n].alert == NULL || t[n].severity == NULL)
		return -VX_E_NOMEM;
	s->nthresholds++;
	return 0;
}

/* Index of the (section, reason) drop, or ndrops if there is none. */
static size_t
drop_index(const struct vx_snapshot *s, const char *section,
    const char *reason)
{
	size_t i;

	for (i = 0; i < s->ndrops; i++) {
		if (strncmp(s->drops[i].reason, reason, VX_MODEL_STR_MAX) == 0 &&
		    strncmp(s->drops[i].section, section, VX_MODEL_STR_MAX) == 0)
			break;
	}
	return i;
}

const struct vx_drop *
vx_snapshot_find_drop(const struct vx_snapshot *s, const char *section,
    const char *reason)
{
	size_t i = drop_index(s, section, reason);

	return i < s->ndrops ? &s->drops[i] : NULL;
}

int
vx_snapshot_add_drop(struct vx_snapshot *s, const char *section,
    const char *reason, uint64_t count)
{
	size_t		 i = drop_index(s, section, reason);
	struct vx_drop	*d = i < s->ndrops ? &s->drops[i] : NULL;

	if (d == NULL) {
		if (!grow_array(&s->arena, (void **)&s->drops, s->ndrops,
		    &s->drops_cap, sizeof(*s->drops)))
			return -VX_E_NOMEM;
		d = &s->drops[s->ndrops];
		d->section = snap_strdup(s, section);
		d->reason = snap_strdup(s, reason);
		d->count = 0;
		if (d->section == NULL || d->reason == NULL)
			return -VX_E_NOMEM;
		s->ndrops++;
	}
	d->count += count;
	return 0;
}

/*
 * FNV-1a over the node (if any), name, a separator, and peer, each cut at
 * VX_MODEL_STR_MAX bytes as stored, so that a long name finds its stored
 * (cut) copy.
 */
static uint32_t
fnv_add(uint32_t h, const char *s)
{
	for (size_t i = 0; i < VX_MODEL_STR_MAX && s[i] != '\0'; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static uint32_t
tunnel_hash(const char *node, const char *name, const char *peer)
{
	uint32_t h = 2166136261u;

	if (node != NULL)
		h = (fnv_add(h, node) ^ 0xfeu) * 16777619u;
	h = fnv_add(h, name);
	h = (h ^ 0xffu) * 16777619u;
	return fnv_add(h, peer);
}

static bool
tunnel_is(const struct vx_tunnel *t, const char *node, const char *name,
    const char *peer)
{
	return strncmp(t->name, name, VX_MODEL_STR_MAX) == 0 &&
	    strncmp(t->peer, peer, VX_MODEL_STR_MAX) == 0 &&
	    same_node(t->node, node);
}

static void
index_insert(uint32_t *index, size_t cap, uint32_t h, uint32_t slot)
{
	size_t i = h & (cap - 1);

	while (index[i] != 0)
		i = (i + 1) & (cap - 1);
	index[i] = slot + 1;
}

static bool
tunnel_index_grow(struct vx_snapshot *s)
{
	size_t		 cap = s->tun_index_cap == 0 ? 16 : s->tun_index_cap * 2;
	uint32_t	*index = vx_arena_alloc(&s->arena, cap * sizeof(*index));

	if (index == NULL)
		return false;
	for (size_t i = 0; i < s->ntunnels; i++) {
		const struct vx_tunnel *t = s->tunnels[i];

		index_insert(index, cap, tunnel_hash(t->node, t->name,
		    t->peer), (uint32_t)i);
	}
	s->tun_index = index;
	s->tun_index_cap = cap;
	return true;
}

struct vx_tunnel *
vx_snapshot_find_node_tunnel(const struct vx_snapshot *s, const char *node,
    const char *name, const char *peer)
{
	size_t i;

	if (name == NULL)
		name = peer;
	if (s->tun_index_cap == 0)
		return NULL;
	i = tunnel_hash(node, name, peer) & (s->tun_index_cap - 1);
	while (s->tun_index[i] != 0) {
		struct vx_tunnel *t = s->tunnels[s->tun_index[i] - 1];

		if (tunnel_is(t, node, name, peer))
			return t;
		i = (i + 1) & (s->tun_index_cap - 1);
	}
	return NULL;
}

struct vx_tunnel *
vx_snapshot_find_tunnel(const struct vx_snapshot *s, const char *name,
    const char *peer)
{
	return vx_snapshot_find_node_tunnel(s, NULL, name, peer);
}

struct vx_tunnel *
vx_snapshot_node_tunnel(struct vx_snapshot *s, const char *node,
    const char *name, const char *peer)
{
	struct vx_tunnel *t;

	if (name == NULL)
		name = peer;
	t = vx_snapshot_find_node_tunnel(s, node, name, peer);
	if (t != NULL)
		return t;
	/* Keep the index at most half full. */
	if ((s->ntunnels + 1) * 2 > s->tun_index_cap &&
	    !tunnel_index_grow(s))
		return NULL;
	if (!grow_array(&s->arena, (void **)&s->tunnels, s->ntunnels,
	    &s->tunnels_cap, sizeof(*s->tunnels)))
		return NULL;
	t = vx_arena_alloc(&s->arena, sizeof(*t));
	if (t == NULL)
		return NULL;
	t->name = snap_strdup(s, name);
	t->peer = snap_strdup(s, peer);
	t->node = snap_strdup(s, node);
	if (t->name == NULL || t->peer == NULL ||
	    (node != NULL && t->node == NULL))
		return NULL;
	t->up = true;
	s->tunnels[s->ntunnels] = t;
	index_insert(s->tun_index, s->tun_index_cap,
	    tunnel_hash(t->node, t->name, t->peer), (uint32_t)s->ntunnels);
	s->ntunnels++;
	return t;
}

struct vx_tunnel *
vx_snapshot_tunnel(struct vx_snapshot *s, const char *name, const char *peer)
{
	return vx_snapshot_node_tunnel(s, NULL, name, peer);
}

void
vx_tunnel_add(struct vx_tunnel *t, enum vx_tun_ctr c, uint64_t v)
{
	t->ctr[c] += v;
	t->ctr_set |= 1u << c;
}

struct vx_part *
vx_tunnel_find_part(const struct vx_tunnel *t, uint64_t key)
{
	for (size_t i = 0; i < t->nparts; i++) {
		if (t->parts[i].key == key)
			return &t->parts[i];
	}
	return NULL;
}

struct vx_part *
vx_tunnel_part(struct vx_snapshot *s, struct vx_tunnel *t, uint64_t key)
{
	struct vx_part *p = vx_tunnel_find_part(t, key);

	if (p != NULL)
		return p;
	if (!grow_array(&s->arena, (void **)&t->parts, t->nparts,
	    &t->parts_cap, sizeof(*t->parts)))
		return NULL;
	p = &t->parts[t->nparts++];
	memset(p, 0, sizeof(*p));
	p->key = key;
	p->age_s = -1;
	return p;
}

uint64_t
vx_part_key_text(const char *a, const char *b)
{
	uint64_t h = UINT64_C(1469598103934665603);

	for (const char *p = a != NULL ? a : ""; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * UINT64_C(1099511628211);
	h = (h ^ 0xffu) * UINT64_C(1099511628211);
	for (const char *p = b != NULL ? b : ""; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * UINT64_C(1099511628211);
	return (UINT64_C(4) << 56) | (h & UINT64_C(0xffffffffffffff));
}

int
vx_tunnel_count(struct vx_snapshot *s, struct vx_tunnel *t, uint64_t key,
    enum vx_tun_ctr c, uint64_t v, unsigned flags)
{
	struct vx_part *p = vx_tunnel_part(s, t, key);

	if (p == NULL)
		return -VX_E_NOMEM;
	p->ctr[c] += v;
	p->ctr_set |= 1u << c;
	if (flags & VX_CTR_32BIT)
		p->ctr_32bit |= 1u << c;
	vx_tunnel_add(t, c, v);
	return 0;
}

bool
vx_tunnel_get(const struct vx_tunnel *t, enum vx_tun_ctr c, uint64_t *out)
{
	if (!(t->ctr_set & (1u << c)))
		return false;
	*out = t->ctr[c];
	return true;
}

void
vx_tunnel_note_life_s(struct vx_tunnel *t, int64_t seconds)
{
	if (seconds < 0)
		seconds = 0;
	if (!t->life_s_set || seconds < t->life_s)
		t->life_s = seconds;
	t->life_s_set = true;
}

void
vx_tunnel_note_life_kb(struct vx_tunnel *t, int64_t kilobytes)
{
	if (kilobytes < 0)
		kilobytes = 0;
	if (!t->life_kb_set || kilobytes < t->life_kb)
		t->life_kb = kilobytes;
	t->life_kb_set = true;
}

void
vx_tunnel_set_attr(struct vx_snapshot *s, struct vx_tunnel *t,
    enum vx_tun_attr a, const char *value)
{
	t->attr[a] = snap_strdup(s, value);
}

static bool
sa_same(const struct vx_sa *a, const struct vx_sa *b)
{
	return a->has_in == b->has_in && a->has_out == b->has_out &&
	    (!a->has_in || a->spi_in == b->spi_in) &&
	    (!a->has_out || a->spi_out == b->spi_out);
}

/* Fills dst's unknown traffic selectors from src, copied into s. */
static int
sa_idents(struct vx_snapshot *s, struct vx_sa *dst, const struct vx_sa *src)
{
	if (dst->local_ident == NULL && src->local_ident != NULL &&
	    (dst->local_ident = snap_strdup(s, src->local_ident)) == NULL)
		return -VX_E_NOMEM;
	if (dst->remote_ident == NULL && src->remote_ident != NULL &&
	    (dst->remote_ident = snap_strdup(s, src->remote_ident)) == NULL)
		return -VX_E_NOMEM;
	return 0;
}

int
vx_tunnel_add_sa(struct vx_snapshot *s, struct vx_tunnel *t,
    const struct vx_sa *sa)
{
	for (size_t i = 0; i < t->nsas; i++) {
		if (sa_same(&t->sas[i], sa)) {
			if (t->sas[i].state == VX_SA_UNKNOWN)
				t->sas[i].state = sa->state;
			return sa_idents(s, &t->sas[i], sa);
		}
	}
	if (!grow_array(&s->arena, (void **)&t->sas, t->nsas, &t->sas_cap,
	    sizeof(*t->sas)))
		return -VX_E_NOMEM;
	t->sas[t->nsas] = *sa;
	t->sas[t->nsas].local_ident = t->sas[t->nsas].remote_ident = NULL;
	return sa_idents(s, &t->sas[t->nsas++], sa);
}

/* FNV-1a of the node (if any) and the peer, cut as stored. */
static uint32_t
ike_hash(const char *node, const char *peer)
{
	uint32_t h = 2166136261u;

	if (node != NULL)
		h = (fnv_add(h, node) ^ 0xfeu) * 16777619u;
	return fnv_add(h, peer);
}

static bool
ike_index_grow(struct vx_snapshot *s)
{
	size_t		 cap = s->ike_index_cap == 0 ? 16 : s->ike_index_cap * 2;
	uint32_t	*index = vx_arena_alloc(&s->arena, cap * sizeof(*index));

	if (index == NULL)
		return false;
	for (size_t i = 0; i < s->nike; i++)
		index_insert(index, cap, ike_hash(s->ike[i]->node,
		    s->ike[i]->peer), (uint32_t)i);
	s->ike_index = index;
	s->ike_index_cap = cap;
	return true;
}

struct vx_ike_sa *
vx_snapshot_find_node_ike_sa(const struct vx_snapshot *s, const char *node,
    const char *peer)
{
	size_t i;

	if (s->ike_index_cap == 0)
		return NULL;
	i = ike_hash(node, peer) & (s->ike_index_cap - 1);
	while (s->ike_index[i] != 0) {
		struct vx_ike_sa *ike = s->ike[s->ike_index[i] - 1];

		if (strncmp(ike->peer, peer, VX_MODEL_STR_MAX) == 0 &&
		    same_node(ike->node, node))
			return ike;
		i = (i + 1) & (s->ike_index_cap - 1);
	}
	return NULL;
}

struct vx_ike_sa *
vx_snapshot_find_ike_sa(const struct vx_snapshot *s, const char *peer)
{
	return vx_snapshot_find_node_ike_sa(s, NULL, peer);
}

struct vx_ike_sa *
vx_snapshot_node_ike_sa(struct vx_snapshot *s, const char *node,
    const char *peer)
{
	struct vx_ike_sa *ike = vx_snapshot_find_node_ike_sa(s, node, peer);

	if (ike != NULL)
		return ike;
	/* Keep the index at most half full. */
	if ((s->nike + 1) * 2 > s->ike_index_cap && !ike_index_grow(s))
		return NULL;
	if (!grow_array(&s->arena, (void **)&s->ike, s->nike, &s->ike_cap,
	    sizeof(*s->ike)))
		return NULL;
	ike = vx_arena_alloc(&s->arena, sizeof(*ike));
	if (ike == NULL)
		return NULL;
	ike->peer = snap_strdup(s, peer);
	ike->node = snap_strdup(s, node);
	if (ike->peer == NULL || (node != NULL && ike->node == NULL))
		return NULL;
	s->ike[s->nike] = ike;
	index_insert(s->ike_index, s->ike_index_cap, ike_hash(ike->node,
	    ike->peer), (uint32_t)s->nike);
	s->nike++;
	return ike;
}

struct vx_ike_sa *
vx_snapshot_ike_sa(struct vx_snapshot *s, const char *peer)
{
	return vx_snapshot_node_ike_sa(s, NULL, peer);
}

void
vx_ike_sa_set_attr(struct vx_snapshot *s, struct vx_ike_sa *ike,
    enum vx_ike_attr a, const char *value)
{
	ike->attr[a] = snap_strdup(s, value);
}

/* Whether some node (or the device) has an IKE SA with peer. */
static bool
any_ike_sa(const struct vx_snapshot *s, const char *peer)
{
	if (vx_snapshot_find_ike_sa(s, peer) != NULL)
		return true;
	for (size_t i = 0; s->nnodes > 0 && i < s->nike; i++) {
		if (strncmp(s->ike[i]->peer, peer, VX_MODEL_STR_MAX) == 0)
			return true;
	}
	return false;
}

static int
expect_one(struct vx_snapshot *s, const char *peer, bool has_tunnel)
{
	struct vx_tunnel *t;

	if (s->ike_known && !any_ike_sa(s, peer)) {
		struct vx_ike_sa *ike = vx_snapshot_ike_sa(s, peer);

		if (ike == NULL)
			return -VX_E_NOMEM;
		ike->state = VX_IKE_DOWN;
	}
	if (has_tunnel)
		return 0;
	t = vx_snapshot_tunnel(s, peer, peer);
	if (t == NULL)
		return -VX_E_NOMEM;
	t->up = false;
	t->state = VX_TUN_DOWN;
	return 0;
}

int
vx_snapshot_expect_peers(struct vx_snapshot *s, const char *const *peers,
    size_t n)
{
	struct vx_strmap	seen = VX_STRMAP_INIT;
	int			rc = 0;

	/* The peers with a tunnel, once: not a scan per expected peer. */
	for (size_t i = 0; n > 0 && i < s->ntunnels; i++) {
		const char *p = s->tunnels[i]->peer;

		if (!vx_strmap_put(&seen, p, strlen(p), s->tunnels[i])) {
			vx_strmap_release(&seen);
			return -VX_E_NOMEM;
		}
	}
	for (size_t i = 0; rc == 0 && i < n; i++) {
		size_t len = strnlen(peers[i], VX_MODEL_STR_MAX);

		rc = expect_one(s, peers[i],
		    vx_strmap_get(&seen, peers[i], len) != NULL);
	}
	vx_strmap_release(&seen);
	return rc;
}

int
vx_snapshot_expect_peer(struct vx_snapshot *s, const char *peer)
{
	return vx_snapshot_expect_peers(s, &peer, 1);
}

int
vx_snapshot_index_locals(struct vx_snapshot *s)
{
	struct vx_strmap	 seen = VX_STRMAP_INIT;	/* address -> i + 1 */
	struct vx_local_addr	*v = NULL;
	size_t			 n = 0, cap = 0;
	int			 rc = 0;

	for (size_t i = 0; rc == 0 && i < s->ntunnels; i++) {
		const struct vx_tunnel	*t = s->tunnels[i];
		const char		*l = t->attr[VX_TA_LOCAL_ADDR];
		uintptr_t		 k;

		if (l == NULL || l[0] == '\0')
			continue;
		k = (uintptr_t)vx_strmap_get(&seen, l, strlen(l));
		if (k != 0) {
			v[k - 1].tunnel = NULL;		/* several */
			continue;
		}
		if (!grow_array(&s->arena, (void **)&v, n, &cap, sizeof(*v)) ||
		    !vx_strmap_put(&seen, l, strlen(l), (void *)(uintptr_t)(n + 1))) {
			rc = -VX_E_NOMEM;
			break;
		}
		v[n].addr = l;
		v[n].tunnel = t;
		n++;
	}
	vx_strmap_release(&seen);
	if (rc == 0) {
		s->locals = v;
		s->nlocals = n;
		s->locals_set = true;
	}
	return rc;
}

static int
merge_tunnel(struct vx_snapshot *dst, const struct vx_tunnel *st)
{
	struct vx_tunnel *dt = vx_snapshot_find_node_tunnel(dst, st->node,
	    st->name, st->peer);

	if (dt == NULL) {
		dt = vx_snapshot_node_tunnel(dst, st->node, st->name,
		    st->peer);
		if (dt == NULL)
			return -VX_E_NOMEM;
		dt->up = st->up;
		dt->state = st->state;
	} else {
		dt->up = dt->up || st->up;
		if (dt->state == VX_TUN_UNKNOWN || st->state == VX_TUN_ACTIVE)
			dt->state = st->state != VX_TUN_UNKNOWN ? st->state :
			    dt->state;
	}
	for (int c = 0; c < VX_TC__COUNT; c++) {
		uint32_t bit = 1u << c;

		if (!(st->ctr_set & bit) || (dt->ctr_set & bit))
			continue;
		dt->ctr[c] = st->ctr[c];
		dt->ctr_set |= bit;
		for (size_t i = 0; i < st->nparts; i++) {
			const struct vx_part	*sp = &st->parts[i];
			struct vx_part		*dp;

			if (!(sp->ctr_set & bit))
				continue;
			dp = vx_tunnel_part(dst, dt, sp->key);
			if (dp == NULL)
				return -VX_E_NOMEM;
			dp->gen = sp->gen;
			dp->age_s = sp->age_s;
			dp->ctr[c] = sp->ctr[c];
			dp->ctr_set |= bit;
			dp->ctr_32bit |= sp->ctr_32bit & bit;
		}
	}
	if (st->life_s_set && !dt->life_s_set) {
		dt->life_s = st->life_s;
		dt->life_s_set = true;
	}
	if (st->life_kb_set && !dt->life_kb_set) {
		dt->life_kb = st->life_kb;
		dt->life_kb_set = true;
	}
	for (int a = 0; a < VX_TA__COUNT; a++) {
		if (st->attr[a] != NULL && dt->attr[a] == NULL) {
			dt->attr[a] = snap_strdup(dst, st->attr[a]);
			if (dt->attr[a] == NULL)
				return -VX_E_NOMEM;
		}
	}
	for (size_t i = 0; i < st->nsas; i++) {
		int rc = vx_tunnel_add_sa(dst, dt, &st->sas[i]);

		if (rc != 0)
			return rc;
	}
	return 0;
}

static int
merge_ike(struct vx_snapshot *dst, const struct vx_ike_sa *si)
{
	struct vx_ike_sa *di = vx_snapshot_find_node_ike_sa(dst, si->node,
	    si->peer);

	if (di == NULL) {
		di = vx_snapshot_node_ike_sa(dst, si->node, si->peer);
		if (di == NULL)
			return -VX_E_NOMEM;
	}
	di->up = di->up || si->up;
	if (di->state == VX_IKE_UNKNOWN || (si->state == VX_IKE_ESTABLISHED &&
	    di->state != VX_IKE_ESTABLISHED))
		di->state = si->state != VX_IKE_UNKNOWN ? si->state : di->state;
	if (si->life_s_set && !di->life_s_set) {
		di->life_s = si->life_s;
		di->life_s_set = true;
	}
	for (int a = 0; a < VX_IA__COUNT; a++) {
		if (si->attr[a] != NULL && di->attr[a] == NULL) {
			di->attr[a] = snap_strdup(dst, si->attr[a]);
			if (di->attr[a] == NULL)
				return -VX_E_NOMEM;
		}
	}
	return 0;
}

/* Merges one set of device values (the device's or a node's). */
static void
merge_dev(uint64_t *dd, uint32_t *dset, uint32_t *d32, unsigned char *dprio,
    const uint64_t *sd, uint32_t sset, uint32_t s32,
    const unsigned char *sprio)
{
	for (int v = 0; v < VX_DV__COUNT; v++) {
		/* At equal priority the first collector's value stands. */
		if ((sset & (1u << v)) && (!(*dset & (1u << v)) ||
		    sprio[v] > dprio[v])) {
			dev_set(dd, dset, dprio, (enum vx_dev_val)v, sd[v],
			    (enum vx_prio)sprio[v]);
			*d32 = (*d32 & ~(1u << v)) | (s32 & (1u << v));
		}
	}
}

int
vx_snapshot_merge(struct vx_snapshot *dst, const struct vx_snapshot *src)
{
	int rc;

	dst->ike_known = dst->ike_known || src->ike_known;
	merge_dev(dst->dev, &dst->dev_set, &dst->dev_32bit, dst->dev_prio,
	    src->dev, src->dev_set, src->dev_32bit, src->dev_prio);
	dst->dev_unsupported |= src->dev_unsupported & ~dst->dev_set;
	for (size_t i = 0; i < src->nnodes; i++) {
		const struct vx_node_dev	*sn = src->nodes[i];
		struct vx_node_dev		*dn = node_dev(dst, sn->node);

		if (dn == NULL)
			return -VX_E_NOMEM;
		merge_dev(dn->dev, &dn->dev_set, &dn->dev_32bit, dn->dev_prio,
		    sn->dev, sn->dev_set, sn->dev_32bit, sn->dev_prio);
	}
	for (size_t i = 0; i < src->ndrops; i++) {
		const struct vx_drop *d = &src->drops[i];

		if (vx_snapshot_find_drop(dst, d->section, d->reason) != NULL)
			continue;
		rc = vx_snapshot_add_drop(dst, d->section, d->reason, d->count);
		if (rc != 0)
			return rc;
	}
	for (size_t i = 0; i < src->ntunnels; i++) {
		rc = merge_tunnel(dst, src->tunnels[i]);
		if (rc != 0)
			return rc;
	}
	for (size_t i = 0; i < src->nike; i++) {
		rc = merge_ike(dst, src->ike[i]);
		if (rc != 0)
			return rc;
	}
	return 0;
}

void
vx_snapshot_restrict(struct vx_snapshot *s, const struct vx_fields *allow)
{
	uint32_t tun_keep = 0;

	for (int v = 0; v < VX_DV__COUNT; v++) {
		if (!allow->dev[v]) {
			s->dev_set &= ~(1u << v);
			s->dev_32bit &= ~(1u << v);
			s->dev_unsupported &= ~(1u << v);
			for (size_t i = 0; i < s->nnodes; i++) {
				s->nodes[i]->dev_set &= ~(1u << v);
				s->nodes[i]->dev_32bit &= ~(1u << v);
			}
		}
	}
	if (!allow->drops)
		s->ndrops = 0;
	for (int c = 0; c < VX_TC__COUNT; c++) {
		if (allow->tun[c])
			tun_keep |= 1u << c;
	}
	for (size_t i = 0; i < s->ntunnels; i++) {
		struct vx_tunnel *t = s->tunnels[i];

		for (int c = 0; c < VX_TC__COUNT; c++) {
			if (!(tun_keep & (1u << c)))
				t->ctr[c] = 0;
		}
		t->ctr_set &= tun_keep;
		for (size_t k = 0; k < t->nparts; k++) {
			for (int c = 0; c < VX_TC__COUNT; c++) {
				if (!(tun_keep & (1u << c)))
					t->parts[k].ctr[c] = 0;
			}
			t->parts[k].ctr_set &= tun_keep;
			t->parts[k].ctr_32bit &= tun_keep;
		}
	}
}

int
vx_snapshot_reindex(struct vx_snapshot *s)
{
	/* Growing rebuilds an index from the arrays, at twice the size. */
	if (s->tun_index_cap > 0 && !tunnel_index_grow(s))
		return -VX_E_NOMEM;
	if (s->ike_index_cap > 0 && !ike_index_grow(s))
		return -VX_E_NOMEM;
	return 0;
}

void
vx_spi_format(uint32_t spi, char buf[11])
{
	snprintf(buf, 11, "0x%08x", spi);
}
