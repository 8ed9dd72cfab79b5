/*
 * NETSCREEN-VPN-MON-MIB (nsVpnMonTable, 1.3.6.1.4.1.3224.4.1.1) varbinds
 * -> the model (screenos.h).  Pure: varbinds in (from a live walk or
 * recorded text), snapshot out.
 *
 * One row per active SA, indexed by nsVpnMonIndex, which ScreenOS
 * renumbers when tunnels flap: the tunnel is named by nsVpnMonVpnName
 * (nsVpnMonSaId when empty) and its peer is nsVpnMonRmtGwIp, never the
 * index.  Rows of one VPN and gateway (several proxy ids) form one
 * tunnel.  The row's counters (Counter32: they wrap) are one part of it,
 * keyed by the index with the inbound SPI as generation, so that a rekey
 * or a reused index is carried rather than read as a reset.
 *
 * The SPIs are Integer32: an SPI of 0x80000000 or more comes back
 * negative and is taken as its 32 bits.  Lifetimes and the bytes left are
 * -1 when unlimited: such a series is left out.  nsVpnMonP2State active
 * with an SA makes the tunnel up, unless the VPN monitor is on
 * (nsVpnMonMonState) and finds the path down (nsVpnMonTunnelState): then
 * the tunnel is down with the "monitor" attribute "down".  nsVpnMonP1State
 * gives the IKE SA of the gateway.
 */
#include "screenos.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rows.h"
#include "snmpwalk_text.h"

#include "banned.h"

#define VPN_MON_ENTRY	1, 3, 6, 1, 4, 1, 3224, 4, 1, 1, 1

const uint32_t screenos_snmp_entry[] = { VPN_MON_ENTRY };
const size_t screenos_snmp_entry_len = sizeof(screenos_snmp_entry) /
    sizeof(screenos_snmp_entry[0]);

enum col {
	C_NAME = 4,		/* nsVpnMonVpnName */
	C_RMT_GW = 13,		/* nsVpnMonRmtGwIp */
	C_MY_GW = 15,		/* nsVpnMonMyGwIp */
	C_OUT_SPI = 17,		/* nsVpnMonOutSpi */
	C_IN_SPI = 18,		/* nsVpnMonInSpi */
	C_MON = 19,		/* nsVpnMonMonState: off(0), on(1) */
	C_TUN_STATE = 20,	/* nsVpnMonTunnelState: down(0), up(1) */
	C_P1_STATE = 21,	/* inactive(0), active(1) */
	C_P1_LIFE = 22,
	C_P2_STATE = 23,
	C_P2_LIFE = 24,
	C_P2_BYTES = 25,
	C_SA_ID = 29,
	C_BYTES_IN = 35,	/* Counter32 */
	C_BYTES_OUT = 36,
	C_PKTS_IN = 37,
	C_PKTS_OUT = 38,
};

const uint32_t screenos_snmp_cols[] = {
	C_NAME, C_RMT_GW, C_MY_GW, C_OUT_SPI, C_IN_SPI, C_MON, C_TUN_STATE,
	C_P1_STATE, C_P1_LIFE, C_P2_STATE, C_P2_LIFE, C_P2_BYTES, C_SA_ID,
	C_BYTES_IN, C_BYTES_OUT, C_PKTS_IN, C_PKTS_OUT,
};
const size_t screenos_snmp_ncols = sizeof(screenos_snmp_cols) /
    sizeof(screenos_snmp_cols[0]);

#define NCOLS	39
#define BIT(c)	(UINT64_C(1) << (c))

struct row {
	uint32_t	idx;
	uint64_t	set;		/* BIT(column) */
	int64_t		v[NCOLS];	/* the integer columns */
	char		name[SCREENOS_NAME_MAX];
	char		peer[SCREENOS_GW_MAX];
	char		local[SCREENOS_GW_MAX];
};

struct screenos_snmp_map {
	struct vx_rows	rows;
	bool		oom;
};

static void *
map_new(void)
{
	struct screenos_snmp_map *m = calloc(1, sizeof(*m));

	if (m != NULL)
		m->rows = VX_ROWS_INIT(sizeof(struct row));
	return m;
}

static void
map_free(void *arg)
{
	struct screenos_snmp_map *m = arg;

	if (m == NULL)
		return;
	vx_rows_release(&m->rows);
	free(m);
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
			dst[n++] = c < 0x20 || c >= 0x7f ? '?' : (char)c;
		}
	}
	dst[n] = '\0';
}

/* 0.0.0.0 is no address (a dialup peer not yet known, say). */
static void
copy_addr(const struct vx_varbind *vb, char *dst, size_t size)
{
	if (!vx_varbind_inet(vb, dst, size) || strcmp(dst, "0.0.0.0") == 0)
		dst[0] = '\0';
}

int
screenos_snmp_map_add(void *arg, const struct vx_varbind *vb,
    struct vx_err *err)
{
	struct screenos_snmp_map	*m = arg;
	const uint32_t			*s;
	size_t				 n;
	struct row			*r;
	bool				 created;
	int64_t				 v;

	(void)err;
	if (vb->type == VX_VB_NULL || !vx_oid_under(vb->oid, vb->oid_len,
	    screenos_snmp_entry, screenos_snmp_entry_len, &s, &n) || n != 2 ||
	    s[0] >= NCOLS)
		return 0;
	if ((r = vx_rows_get(&m->rows, s[1], true, &created)) == NULL) {
		m->oom = true;
		return 0;
	}
	r->idx = s[1];
	switch (s[0]) {
	case C_NAME:
		copy_text(vb, r->name, sizeof(r->name));
		break;
	case C_RMT_GW:
		copy_addr(vb, r->peer, sizeof(r->peer));
		break;
	case C_MY_GW:
		copy_addr(vb, r->local, sizeof(r->local));
		break;
	default:
		if (!vx_varbind_i64(vb, &v))
			return 0;
		r->v[s[0]] = v;
		break;
	}
	r->set |= BIT(s[0]);
	return 0;
}

static bool
has(const struct row *r, int c)
{
	return (r->set & BIT(c)) != 0;
}

/* An Integer32 SPI as its 32 bits; false when absent, 0 or not 32-bit. */
static bool
spi_of(const struct row *r, int c, uint32_t *spi)
{
	if (!has(r, c) || r->v[c] < INT32_MIN || r->v[c] > UINT32_MAX ||
	    r->v[c] == 0)
		return false;
	*spi = (uint32_t)r->v[c];
	return true;
}

static const struct {
	int		col;
	enum vx_tun_ctr	c;
} ctrs[] = {
	{ C_BYTES_IN, VX_TC_BYTES_IN },
	{ C_BYTES_OUT, VX_TC_BYTES_OUT },
	{ C_PKTS_IN, VX_TC_PKTS_IN },
	{ C_PKTS_OUT, VX_TC_PKTS_OUT },
};

static int
finish_row(struct vx_snapshot *snap, const struct row *r, uint64_t *nactive)
{
	char			 id[16];
	const char		*name = r->name;
	struct vx_tunnel	*t;
	struct vx_sa		 sa = { .state = VX_SA_UNKNOWN };
	struct vx_part		*p;
	bool			 p2 = has(r, C_P2_STATE) && r->v[C_P2_STATE] == 1;
	bool			 mon_on = has(r, C_MON) && r->v[C_MON] == 1;
	bool			 path_down = mon_on && has(r, C_TUN_STATE) &&
				    r->v[C_TUN_STATE] == 0;
	bool			 created, up;
	const char		*word;

	if (name[0] == '\0') {
		snprintf(id, sizeof(id), "%lld", has(r, C_SA_ID) ?
		    (long long)r->v[C_SA_ID] : (long long)r->idx);
		name = id;
	}
	created = vx_snapshot_find_tunnel(snap, name, r->peer) == NULL;
	if ((t = vx_snapshot_tunnel(snap, name, r->peer)) == NULL)
		return -VX_E_NOMEM;
	sa.has_in = spi_of(r, C_IN_SPI, &sa.spi_in);
	sa.has_out = spi_of(r, C_OUT_SPI, &sa.spi_out);
	if (p2)
		sa.state = VX_SA_ACTIVE;
	if ((sa.has_in || sa.has_out) && vx_tunnel_add_sa(snap, t, &sa) != 0)
		return -VX_E_NOMEM;
	up = p2 && (sa.has_in || sa.has_out) && !path_down;
	*nactive += p2;
	if (created || up) {
		t->up = up;
		t->state = up ? VX_TUN_ACTIVE : VX_TUN_INACTIVE;
	}
	word = !has(r, C_MON) ? NULL : !mon_on ? "off" : path_down ? "down" :
	    has(r, C_TUN_STATE) ? "up" : NULL;
	if (word != NULL && (t->attr[VX_TA_MONITOR] == NULL || path_down))
		vx_tunnel_set_attr(snap, t, VX_TA_MONITOR, word);
	if (r->local[0] != '\0' && t->attr[VX_TA_LOCAL_ADDR] == NULL)
		vx_tunnel_set_attr(snap, t, VX_TA_LOCAL_ADDR, r->local);
	if (p2 && has(r, C_P2_LIFE) && r->v[C_P2_LIFE] >= 0)
		vx_tunnel_note_life_s(t, r->v[C_P2_LIFE]);
	if (p2 && has(r, C_P2_BYTES) && r->v[C_P2_BYTES] >= 0)
		vx_tunnel_note_life_kb(t, r->v[C_P2_BYTES] / 1024);
	for (size_t i = 0; i < sizeof(ctrs) / sizeof(ctrs[0]); i++) {
		int c = ctrs[i].col;

		if (has(r, c) && r->v[c] >= 0 && vx_tunnel_count(snap, t,
		    VX_PART_INDEX(r->idx), ctrs[i].c, (uint64_t)r->v[c],
		    VX_CTR_32BIT) != 0)
			return -VX_E_NOMEM;
	}
	if ((p = vx_tunnel_find_part(t, VX_PART_INDEX(r->idx))) != NULL &&
	    sa.has_in)
		p->gen = sa.spi_in;
	return 0;
}

static int
finish_ike(struct vx_snapshot *snap, const struct row *r)
{
	struct vx_ike_sa	*ike;
	bool			 p1 = r->v[C_P1_STATE] == 1;

	if (!has(r, C_P1_STATE))
		return 0;
	if ((ike = vx_snapshot_ike_sa(snap, r->peer)) == NULL)
		return -VX_E_NOMEM;
	if (p1) {
		ike->up = true;
		ike->state = VX_IKE_ESTABLISHED;
		if (has(r, C_P1_LIFE) && r->v[C_P1_LIFE] >= 0 &&
		    (!ike->life_s_set || r->v[C_P1_LIFE] < ike->life_s)) {
			ike->life_s = r->v[C_P1_LIFE];
			ike->life_s_set = true;
		}
	} else if (!ike->up) {
		ike->state = VX_IKE_DOWN;
	}
	if (r->local[0] != '\0' && ike->attr[VX_IA_LOCAL_ADDR] == NULL)
		vx_ike_sa_set_attr(snap, ike, VX_IA_LOCAL_ADDR, r->local);
	return 0;
}

static int
map_finish(void *arg, struct vx_snapshot *snap, struct vx_err *err)
{
	struct screenos_snmp_map	*m = arg;
	const struct row		*rows = m->rows.v;
	uint64_t			 nactive = 0, nike = 0;

	if (m->oom)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	for (size_t i = 0; i < m->rows.n; i++) {
		if (rows[i].peer[0] == '\0')
			continue;	/* a row seen in part, or no peer */
		if (finish_row(snap, &rows[i], &nactive) != 0 ||
		    finish_ike(snap, &rows[i]) != 0)
			return vx_err_set(err, VX_E_NOMEM, "out of memory");
	}
	for (size_t i = 0; i < snap->nike; i++)
		nike += snap->ike[i]->up;
	vx_snapshot_set_dev(snap, VX_DV_IPSEC_ACTIVE_TUNNELS, nactive,
	    VX_PRIO_NORMAL);
	vx_snapshot_set_dev(snap, VX_DV_IKE_ACTIVE_TUNNELS, nike,
	    VX_PRIO_NORMAL);
	snap->ike_known = true;
	return 0;
}

const struct vx_snmp_mapper screenos_snmp_mapper = {
	.create = map_new,
	.add = screenos_snmp_map_add,
	.finish = map_finish,
	.free = map_free,
};

int
screenos_parse_snmpwalk(const char *text, size_t len,
    struct vx_snapshot *snap, struct vx_err *err)
{
	return vx_snmpwalk_map(text, len, &screenos_snmp_mapper, snap, err);
}
