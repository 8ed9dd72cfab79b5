/*
 * JUNIPER-IPSEC-FLOW-MON-MIB (1.3.6.1.4.1.2636.3.52) and the tunnel state
 * of JUNIPER-JS-IPSEC-VPN-MIB (1.3.6.1.4.1.2636.3.39.1.5.1) varbinds ->
 * the model (srx.h).  Pure: varbinds in (from a live walk or recorded
 * text), snapshot out.
 *
 * Every table is indexed by the remote gateway -- an InetAddress,
 * "<type>.<len>.<a>.<b>.<c>.<d>" -- and the tunnel index (the SA table
 * adds the SA index).  The tunnel is named by jnxIpSecTunMonVpnName (the
 * index when empty), its peer is the gateway of the index.  Its counters
 * are Counter64 and form one part of the tunnel keyed by the tunnel
 * index, with the active inbound SPI as generation, so that a rekey is
 * carried whether Junos counts per SA or per tunnel.  The MIB has no
 * remaining lifetime: it is computed as negotiated lifetime minus active
 * time (seconds only; no honest estimate of the volume left exists).
 * jnxJsIpSecTunState down(2) means the VPN monitor finds the path down:
 * the tunnel is then down though its SAs exist; up(1) and
 * vpnMonitoringDisabled(3) give the "monitor" attribute up / off.
 */
#include "srx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rows.h"
#include "snmpwalk_text.h"

#include "banned.h"

#define FLOW_MIB	1, 3, 6, 1, 4, 1, 2636, 3, 52, 1
#define JS_VPN_MIB	1, 3, 6, 1, 4, 1, 2636, 3, 39, 1, 5, 1

static const uint32_t ike_entry[] = { FLOW_MIB, 1, 2, 1 };
static const uint32_t tun_entry[] = { FLOW_MIB, 2, 2, 1 };
static const uint32_t sa_entry[] = { FLOW_MIB, 2, 3, 1 };
static const uint32_t flow_mib[] = { FLOW_MIB };
static const uint32_t js_entry[] = { JS_VPN_MIB, 2, 1, 1 };

#define LEN(a)	(sizeof(a) / sizeof((a)[0]))
#define NAME_MAX_	128

/* jnxIpSecTunnelMonTable counters, by column. */
static const struct {
	uint32_t	col;
	enum vx_tun_ctr	c;
} tun_ctrs[] = {
	{ 10, VX_TC_BYTES_OUT },	/* OutEncryptedBytes */
	{ 11, VX_TC_PKTS_OUT },		/* OutEncryptedPkts */
	{ 12, VX_TC_BYTES_IN },		/* InDecryptedBytes */
	{ 13, VX_TC_PKTS_IN },		/* InDecryptedPkts */
	{ 18, VX_TC_ERR_REPLAY },	/* ReplayDropPkts */
	{ 20, VX_TC_ERR_AUTH },		/* EspAuthFails */
	{ 21, VX_TC_ERR_DECRYPT },	/* DecryptFails */
	{ 22, VX_TC_ERR_BAD_HEADER },	/* BadHeaders */
	{ 23, VX_TC_ERR_BAD_TRAILER },	/* BadTrailers */
	{ 26, VX_TC_ERR_DROP_IN },	/* DroppedPkts */
};
#define NCTRS	LEN(tun_ctrs)

struct tun_row {
	uint32_t	idx;
	char		peer[48];
	char		local[48];
	char		name[NAME_MAX_];
	uint64_t	ctr[NCTRS];
	uint32_t	ctr_set;
	int64_t		js_state;	/* 0: unknown */
};

struct ike_row {
	char		peer[48];
	char		local[48];
	int64_t		state, role, mode;
	int64_t		life_s, active_cs;
	bool		has_life, has_active;
};

struct sa_row {
	uint32_t	tun_idx;
	uint64_t	in_spi, out_spi;
	bool		has_in, has_out;
	int64_t		mode;		/* 1 tunnel, 2 transport */
	int64_t		life_s, active_cs;
	bool		has_life, has_active;
	int64_t		state;		/* 1 active, 2 expiring */
};

struct srx_snmp_map {
	struct vx_rows	tun, ike, sa;
	/* jnxIkeNumOfTunnels, jnxIpSecNumOfTunnels; < 0: not seen. */
	int64_t		num[2];
	bool		oom;
};

static void *
map_new(void)
{
	struct srx_snmp_map *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	m->tun = VX_ROWS_INIT(sizeof(struct tun_row));
	m->ike = VX_ROWS_INIT(sizeof(struct ike_row));
	m->sa = VX_ROWS_INIT(sizeof(struct sa_row));
	m->num[0] = m->num[1] = -1;
	return m;
}

static void
map_free(void *arg)
{
	struct srx_snmp_map *m = arg;

	if (m == NULL)
		return;
	vx_rows_release(&m->tun);
	vx_rows_release(&m->ike);
	vx_rows_release(&m->sa);
	free(m);
}

/*
 * The index "<type>.<len>.<addr bytes>.<tunnel index>[.<sa index>]": the
 * gateway as text, the tunnel index, and how many parts it took.  False
 * if it is not that.
 */
static bool
index_of(const uint32_t *s, size_t n, char *addr, size_t size,
    uint32_t *tun, size_t *used)
{
	size_t	alen;
	uint8_t	b[16];

	if (n < 3 || s[1] > 16 || n < 2 + s[1] + 1)
		return false;
	alen = s[1];
	for (size_t i = 0; i < alen; i++) {
		if (s[2 + i] > 255)
			return false;
		b[i] = (uint8_t)s[2 + i];
	}
	if (alen == 4)
		snprintf(addr, size, "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
	else {
		struct vx_varbind vb = { .type = VX_VB_OCTETS };

		vb.v.s.p = b;
		vb.v.s.len = alen;
		if (!vx_varbind_inet(&vb, addr, size))
			return false;
	}
	*tun = s[2 + alen];
	*used = 3 + alen;
	return true;
}

static void
copy_text(const struct vx_varbind *vb, char *dst, size_t size)
{
	size_t n = 0;

	if (vb->type == VX_VB_OCTETS) {
		for (size_t i = 0; i < vb->v.s.len && n + 1 < size; i++) {
			unsigned char c = vb->v.s.p[i];

			if (c == '\0')
				break;
			dst[n++] = c < 0x20 || c == 0x7f ? '?' : (char)c;
		}
	}
	dst[n] = '\0';
}

static void
copy_inet(const struct vx_varbind *vb, char *dst, size_t size)
{
	if (!vx_varbind_inet(vb, dst, size))
		dst[0] = '\0';
}

static struct tun_row *
tun_row(struct srx_snmp_map *m, const char *peer, uint32_t idx)
{
	bool		 created;
	struct tun_row	*r = vx_rows_get(&m->tun, idx, true, &created);

	if (r == NULL) {
		m->oom = true;
		return NULL;
	}
	if (created) {
		r->idx = idx;
		snprintf(r->peer, sizeof(r->peer), "%s", peer);
	}
	return r;
}

static void
add_tun(struct srx_snmp_map *m, const uint32_t *s, size_t n,
    const struct vx_varbind *vb)
{
	char		 peer[48];
	uint32_t	 idx;
	size_t		 used;
	struct tun_row	*r;
	uint64_t	 u;

	if (n < 2 || !index_of(s + 1, n - 1, peer, sizeof(peer), &idx,
	    &used) || used != n - 1 || (r = tun_row(m, peer, idx)) == NULL)
		return;
	if (s[0] == 5)
		copy_inet(vb, r->local, sizeof(r->local));
	else if (s[0] == 27)
		copy_text(vb, r->name, sizeof(r->name));
	for (size_t i = 0; i < NCTRS; i++) {
		if (tun_ctrs[i].col == s[0] && vx_varbind_u64(vb, &u)) {
			r->ctr[i] = u;
			r->ctr_set |= 1u << i;
		}
	}
}

static void
add_js(struct srx_snmp_map *m, const uint32_t *s, size_t n,
    const struct vx_varbind *vb)
{
	char		 peer[48];
	uint32_t	 idx;
	size_t		 used;
	struct tun_row	*r;
	int64_t		 v;

	if (n < 2 || s[0] != 4 || !index_of(s + 1, n - 1, peer, sizeof(peer),
	    &idx, &used) || used != n - 1 || !vx_varbind_i64(vb, &v) ||
	    (r = tun_row(m, peer, idx)) == NULL)
		return;
	r->js_state = v;
}

static void
add_ike(struct srx_snmp_map *m, const uint32_t *s, size_t n,
    const struct vx_varbind *vb)
{
	char		 peer[48];
	uint32_t	 idx;
	size_t		 used;
	bool		 created;
	struct ike_row	*r;
	int64_t		 v;

	if (n < 2 || !index_of(s + 1, n - 1, peer, sizeof(peer), &idx,
	    &used) || used != n - 1)
		return;
	if ((r = vx_rows_get(&m->ike, idx, true, &created)) == NULL) {
		m->oom = true;
		return;
	}
	if (created)
		snprintf(r->peer, sizeof(r->peer), "%s", peer);
	if (s[0] == 4) {
		copy_inet(vb, r->local, sizeof(r->local));
		return;
	}
	if (!vx_varbind_i64(vb, &v))
		return;
	switch (s[0]) {
	case 6:
		r->state = v;
		break;
	case 9:
		r->role = v;
		break;
	case 15:
		r->mode = v;
		break;
	case 20:
		r->life_s = v;
		r->has_life = true;
		break;
	case 21:
		r->active_cs = v;
		r->has_active = true;
		break;
	default:
		break;
	}
}

static void
add_sa(struct srx_snmp_map *m, const uint32_t *s, size_t n,
    const struct vx_varbind *vb)
{
	char		 peer[48];
	uint32_t	 idx;
	size_t		 used;
	struct sa_row	*r;
	uint64_t	 u;
	int64_t		 v;

	if (n < 2 || !index_of(s + 1, n - 1, peer, sizeof(peer), &idx,
	    &used) || used != n - 2)
		return;
	r = vx_rows_get(&m->sa, (uint64_t)idx << 32 | s[n - 1], true, NULL);
	if (r == NULL) {
		m->oom = true;
		return;
	}
	r->tun_idx = idx;
	if ((s[0] == 3 || s[0] == 4) && vx_varbind_u64(vb, &u) &&
	    u <= UINT32_MAX) {
		if (s[0] == 3) {
			r->in_spi = u;
			r->has_in = true;
		} else {
			r->out_spi = u;
			r->has_out = true;
		}
		return;
	}
	if (!vx_varbind_i64(vb, &v))
		return;
	switch (s[0]) {
	case 6:
		r->mode = v;
		break;
	case 8:
		r->life_s = v;
		r->has_life = true;
		break;
	case 9:
		r->active_cs = v;
		r->has_active = true;
		break;
	case 14:
		r->state = v;
		break;
	default:
		break;
	}
}

int
srx_snmp_map_add(void *arg, const struct vx_varbind *vb, struct vx_err *err)
{
	struct srx_snmp_map	*m = arg;
	const uint32_t		*s;
	size_t			 n;

	(void)err;
	if (vb->type == VX_VB_NULL)
		return 0;
	if (vx_oid_under(vb->oid, vb->oid_len, tun_entry, LEN(tun_entry), &s,
	    &n))
		add_tun(m, s, n, vb);
	else if (vx_oid_under(vb->oid, vb->oid_len, sa_entry, LEN(sa_entry),
	    &s, &n))
		add_sa(m, s, n, vb);
	else if (vx_oid_under(vb->oid, vb->oid_len, ike_entry,
	    LEN(ike_entry), &s, &n))
		add_ike(m, s, n, vb);
	else if (vx_oid_under(vb->oid, vb->oid_len, js_entry, LEN(js_entry),
	    &s, &n))
		add_js(m, s, n, vb);
	else if (vx_oid_under(vb->oid, vb->oid_len, flow_mib, LEN(flow_mib),
	    &s, &n) && n == 3 && s[1] == 1 && s[2] == 0) {
		/* jnxIkeNumOfTunnels.0, jnxIpSecNumOfTunnels.0 */
		int64_t v;

		if ((s[0] == 1 || s[0] == 2) && vx_varbind_i64(vb, &v) &&
		    v >= 0)
			m->num[s[0] - 1] = v;
	}
	return 0;
}

static int64_t
remaining(int64_t life_s, int64_t active_cs)
{
	int64_t left = life_s - active_cs / 100;

	return left > 0 ? left : 0;
}

/*
 * One SA row into its tunnel: the pair, and for the active one the
 * generation (its inbound SPI), the remaining time and the mode.
 */
static int
finish_sa(struct vx_snapshot *snap, const struct sa_row *r,
    struct vx_tunnel *t, uint32_t *gen)
{
	struct vx_sa sa = {
		.spi_in = (uint32_t)r->in_spi,
		.spi_out = (uint32_t)r->out_spi,
		.has_in = r->has_in && r->in_spi != 0,
		.has_out = r->has_out && r->out_spi != 0,
		.state = r->state == 1 ? VX_SA_ACTIVE :
		    r->state == 2 ? VX_SA_EXPIRING : VX_SA_UNKNOWN,
	};

	if (!sa.has_in && !sa.has_out)
		return 0;
	if (vx_tunnel_add_sa(snap, t, &sa) != 0)
		return -VX_E_NOMEM;
	if (r->state == 2)
		return 0;
	if (sa.has_in && *gen == 0)
		*gen = sa.spi_in;
	if (r->has_life && r->has_active)
		vx_tunnel_note_life_s(t, remaining(r->life_s, r->active_cs));
	if (r->mode == 1 || r->mode == 2)
		vx_tunnel_set_attr(snap, t, VX_TA_MODE, r->mode == 1 ?
		    "tunnel" : "transport");
	return 0;
}

static struct vx_tunnel *
start_tunnel(struct vx_snapshot *snap, const struct tun_row *tr)
{
	char idx[16];

	snprintf(idx, sizeof(idx), "%u", tr->idx);
	return vx_snapshot_tunnel(snap, tr->name[0] != '\0' ? tr->name : idx,
	    tr->peer);
}

static int
finish_tunnel(struct vx_snapshot *snap, const struct tun_row *tr,
    struct vx_tunnel *t, uint32_t gen)
{
	struct vx_part *p;

	t->up = t->nsas > 0 && tr->js_state != 2;
	t->state = t->up ? VX_TUN_ACTIVE : VX_TUN_INACTIVE;
	if (tr->local[0] != '\0')
		vx_tunnel_set_attr(snap, t, VX_TA_LOCAL_ADDR, tr->local);
	if (tr->js_state >= 1 && tr->js_state <= 3)
		vx_tunnel_set_attr(snap, t, VX_TA_MONITOR, tr->js_state == 1 ?
		    "up" : tr->js_state == 2 ? "down" : "off");
	for (size_t i = 0; i < NCTRS; i++) {
		if ((tr->ctr_set & (1u << i)) && vx_tunnel_count(snap, t,
		    VX_PART_INDEX(tr->idx), tun_ctrs[i].c, tr->ctr[i], 0) != 0)
			return -VX_E_NOMEM;
	}
	p = vx_tunnel_find_part(t, VX_PART_INDEX(tr->idx));
	if (p != NULL)
		p->gen = gen;
	return 0;
}

/* The tunnels: one per tunnel row, its SAs, counters and state. */
static int
finish_tunnels(struct srx_snmp_map *m, struct vx_snapshot *snap)
{
	const struct tun_row	 *tuns = m->tun.v;
	const struct sa_row	 *sas = m->sa.v;
	struct vx_tunnel	**t = calloc(m->tun.n + 1, sizeof(*t));
	uint32_t		 *gen = calloc(m->tun.n + 1, sizeof(*gen));
	int			  rc = 0;

	if (t == NULL || gen == NULL)
		rc = -VX_E_NOMEM;
	for (size_t i = 0; rc == 0 && i < m->tun.n; i++) {
		if ((t[i] = start_tunnel(snap, &tuns[i])) == NULL)
			rc = -VX_E_NOMEM;
	}
	for (size_t i = 0; rc == 0 && i < m->sa.n; i++) {
		const struct tun_row *tr = vx_rows_get(&m->tun,
		    sas[i].tun_idx, false, NULL);
		size_t k;

		if (tr == NULL)
			continue;	/* an SA of a tunnel row not walked */
		k = (size_t)(tr - tuns);
		rc = finish_sa(snap, &sas[i], t[k], &gen[k]);
	}
	for (size_t i = 0; rc == 0 && i < m->tun.n; i++)
		rc = finish_tunnel(snap, &tuns[i], t[i], gen[i]);
	free(t);
	free(gen);
	return rc;
}

static int
finish_ike(struct vx_snapshot *snap, const struct ike_row *r)
{
	struct vx_ike_sa *ike = vx_snapshot_ike_sa(snap, r->peer);

	if (ike == NULL)
		return -VX_E_NOMEM;
	if (r->state == 1) {
		ike->up = true;
		ike->state = VX_IKE_ESTABLISHED;
	} else if (r->state == 2 && !ike->up) {
		ike->state = VX_IKE_DOWN;
	}
	if (r->has_life && r->has_active) {
		ike->life_s = remaining(r->life_s, r->active_cs);
		ike->life_s_set = true;
	}
	if (r->role == 1 || r->role == 2)
		vx_ike_sa_set_attr(snap, ike, VX_IA_ROLE, r->role == 1 ?
		    "initiator" : "responder");
	if (r->mode >= 1 && r->mode <= 3)
		vx_ike_sa_set_attr(snap, ike, VX_IA_VERSION, r->mode == 3 ?
		    "2" : "1");
	if (r->local[0] != '\0')
		vx_ike_sa_set_attr(snap, ike, VX_IA_LOCAL_ADDR, r->local);
	return 0;
}

static int
map_finish(void *arg, struct vx_snapshot *snap, struct vx_err *err)
{
	struct srx_snmp_map	*m = arg;
	const struct ike_row	*ikes = m->ike.v;

	if (m->oom)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	if (m->num[0] >= 0)
		vx_snapshot_set_dev(snap, VX_DV_IKE_ACTIVE_TUNNELS,
		    (uint64_t)m->num[0], VX_PRIO_NORMAL);
	if (m->num[1] >= 0)
		vx_snapshot_set_dev(snap, VX_DV_IPSEC_ACTIVE_TUNNELS,
		    (uint64_t)m->num[1], VX_PRIO_NORMAL);
	if (finish_tunnels(m, snap) != 0)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	for (size_t i = 0; i < m->ike.n; i++) {
		if (finish_ike(snap, &ikes[i]) != 0)
			return vx_err_set(err, VX_E_NOMEM, "out of memory");
	}
	snap->ike_known = true;
	return 0;
}

const struct vx_snmp_mapper srx_snmp_mapper = {
	.create = map_new,
	.add = srx_snmp_map_add,
	.finish = map_finish,
	.free = map_free,
};

int
srx_parse_snmpwalk(const char *text, size_t len, struct vx_snapshot *snap,
    struct vx_err *err)
{
	return vx_snmpwalk_map(text, len, &srx_snmp_mapper, snap, err);
}
