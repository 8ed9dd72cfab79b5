/*
 * CISCO-IPSEC-FLOW-MONITOR-MIB and CISCO-REMOTE-ACCESS-MONITOR-MIB varbinds
 * -> the model.  Pure: varbinds in (from a live walk or recorded text),
 * snapshot out.
 *
 * The tunnel is the peer (the ASA names an L2L tunnel group after its peer
 * address), so the phase-2 rows of one peer are summed into one tunnel and
 * the SSH collector, which sees the same peers, merges into the same series.
 * Row indexes are not used as labels: the ASA renumbers rows at every
 * rekey.  Each row is a part of its tunnel's counters (model.h) keyed by
 * its index, with its active inbound SPI as generation and its active
 * time as age, so that the core can tell a row that ended (or an index
 * reused by a new SA) from counters the device reset.  cipSecTunStatus is not read for up/down: it is active(1) while a
 * row exists, and the ASA deletes the rows of dead tunnels (devices.md 1.7);
 * expected_peers make those visible as down, in the core.
 */
#include "asa.h"

#include "rows.h"
#include "snmpwalk_text.h"

#include <stdlib.h>
#include <string.h>

/* 1.3.6.1.4.1.9.9.171.1 */
#define IPSEC_MIB	1, 3, 6, 1, 4, 1, 9, 9, 171, 1
/* 1.3.6.1.4.1.9.9.392.1.3 */
#define RAS_ACT		1, 3, 6, 1, 4, 1, 9, 9, 392, 1, 3

static const uint32_t cike_entry[] = { IPSEC_MIB, 2, 3, 1 };
static const uint32_t tun_entry[] = { IPSEC_MIB, 3, 2, 1 };
static const uint32_t spi_entry[] = { IPSEC_MIB, 3, 4, 1 };
static const uint32_t cike_global[] = { IPSEC_MIB, 2, 1 };
static const uint32_t ipsec_global[] = { IPSEC_MIB, 3, 1 };
static const uint32_t ras_activity[] = { RAS_ACT };

#define LEN(a)	(sizeof(a) / sizeof((a)[0]))

/* cipSecTunnelTable columns we keep, and where they go. */
enum tun_field {
	TF_LIFE_KB,		/* 8  cipSecTunLifeSize */
	TF_LIFE_S,		/* 9  cipSecTunLifeTime */
	TF_ACTIVE_CS,		/* 10 cipSecTunActiveTime */
	TF_IN_OCT32,		/* 26 */
	TF_IN_OCT64,		/* 27 */
	TF_IN_WRAPS,		/* 28 */
	TF_IN_PKTS,		/* 32 */
	TF_IN_DROPS,		/* 33 */
	TF_IN_REPLAY,		/* 34 */
	TF_IN_AUTHF,		/* 36 */
	TF_IN_DECRF,		/* 38 */
	TF_OUT_OCT32,		/* 39 */
	TF_OUT_OCT64,		/* 40 */
	TF_OUT_WRAPS,		/* 41 */
	TF_OUT_PKTS,		/* 45 */
	TF_OUT_DROPS,		/* 46 */
	TF_OUT_AUTHF,		/* 48 */
	TF_OUT_ENCF,		/* 50 */
	TF__COUNT
};

static const uint32_t tun_field_col[TF__COUNT] = {
	8, 9, 10, 26, 27, 28, 32, 33, 34, 36, 38, 39, 40, 41, 45, 46, 48, 50,
};

/* Counters (all Counter32) that map one to one onto a tunnel counter. */
static const struct {
	enum tun_field	f;
	enum vx_tun_ctr	c;
} tun_ctr_fields[] = {
	{ TF_IN_PKTS, VX_TC_PKTS_IN },
	{ TF_OUT_PKTS, VX_TC_PKTS_OUT },
	{ TF_IN_DROPS, VX_TC_ERR_DROP_IN },
	{ TF_IN_REPLAY, VX_TC_ERR_REPLAY },
	{ TF_IN_AUTHF, VX_TC_ERR_AUTH },
	{ TF_IN_DECRF, VX_TC_ERR_DECRYPT },
	{ TF_OUT_DROPS, VX_TC_ERR_DROP_OUT },
	{ TF_OUT_AUTHF, VX_TC_ERR_AUTH_OUT },
	{ TF_OUT_ENCF, VX_TC_ERR_ENCRYPT },
};

struct tun_row {
	uint32_t	idx;
	char		peer[48];
	char		local[48];
	uint64_t	v[TF__COUNT];
	uint32_t	set;		/* bit per enum tun_field */
};

struct ike_row {
	uint32_t	idx;
	char		peer[48];	/* cikeTunRemoteAddr as text */
	uint32_t	peer_id;	/* RemoteValue: offset in ids; 0 none */
	char		local[48];
	int64_t		life_s;
	int64_t		active_cs;
	bool		has_life;
	bool		has_active;
};

struct spi_row {
	uint32_t	tun_idx;
	uint32_t	spi_idx;
	int64_t		direction;	/* 1 in, 2 out */
	uint64_t	value;
	int64_t		protocol;	/* 1 ah, 2 esp, 3 ipcomp */
	int64_t		status;		/* 1 active, 2 expiring */
	bool		has_value;
};

struct asa_snmp_map {
	struct vx_rows	tun, ike, spi;
	/* IKE peer identities, NUL-terminated, at offsets 1.. (0: none). */
	char		*ids;
	size_t		 ids_len, ids_cap;
	uint64_t	dev[VX_DV__COUNT];
	uint32_t	dev_set;
	bool		saw_hc;
	bool		oom;
};

static void *
map_new(void)
{
	struct asa_snmp_map *m = calloc(1, sizeof(*m));

	if (m == NULL)
		return NULL;
	m->tun.size = sizeof(struct tun_row);
	m->ike.size = sizeof(struct ike_row);
	m->spi.size = sizeof(struct spi_row);
	return m;
}

static void
map_free(void *arg)
{
	struct asa_snmp_map *m = arg;

	if (m == NULL)
		return;
	vx_rows_release(&m->tun);
	vx_rows_release(&m->ike);
	vx_rows_release(&m->spi);
	free(m->ids);
	free(m);
}

int
asa_snmp_map_has_hc(const struct asa_snmp_map *m)
{
	return m->saw_hc;
}

size_t
asa_snmp_map_tunnel_rows(const struct asa_snmp_map *m)
{
	return m->tun.n;
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

size_t
asa_snmp_map_tunnel_bounds(const struct asa_snmp_map *m, size_t parts,
    uint32_t *bounds, size_t max)
{
	const struct tun_row	*rows = m->tun.v;
	uint32_t		*idx;
	size_t			 n = m->tun.n, nb = 0;

	if (parts < 2 || n < 2 * parts || max == 0)
		return 0;
	idx = malloc(n * sizeof(*idx));
	if (idx == NULL)
		return 0;
	for (size_t i = 0; i < n; i++)
		idx[i] = rows[i].idx;
	qsort(idx, n, sizeof(*idx), cmp_u32);
	for (size_t p = 1; p < parts && nb < max; p++) {
		uint32_t b = idx[p * n / parts];

		if (b > 0 && (nb == 0 || b > bounds[nb - 1]))
			bounds[nb++] = b;
	}
	free(idx);
	return nb;
}

static void
copy_inet(const struct vx_varbind *vb, char *dst, size_t len)
{
	if (!vx_varbind_inet(vb, dst, len))
		dst[0] = '\0';
}

static void
add_tun(struct asa_snmp_map *m, uint32_t col, uint32_t idx,
    const struct vx_varbind *vb)
{
	struct tun_row	*row;
	uint64_t	 u;

	/* Only the columns we keep create rows. */
	if (col != 4 && col != 5) {
		int f;

		for (f = 0; f < TF__COUNT; f++) {
			if (tun_field_col[f] == col)
				break;
		}
		if (f == TF__COUNT || !vx_varbind_u64(vb, &u))
			return;
		row = vx_rows_get(&m->tun, idx, true, NULL);
		if (row == NULL) {
			m->oom = true;
			return;
		}
		row->idx = idx;
		row->v[f] = u;
		row->set |= 1u << f;
		if (f == TF_IN_OCT64 || f == TF_OUT_OCT64)
			m->saw_hc = true;
		return;
	}
	row = vx_rows_get(&m->tun, idx, true, NULL);
	if (row == NULL) {
		m->oom = true;
		return;
	}
	row->idx = idx;
	copy_inet(vb, col == 5 ? row->peer : row->local, sizeof(row->peer));
}

static void
add_ike(struct asa_snmp_map *m, uint32_t col, uint32_t idx,
    const struct vx_varbind *vb)
{
	struct ike_row	*row;
	int64_t		 n;

	if (col != 4 && col != 7 && col != 8 && col != 15 && col != 16 &&
	    col != 35)
		return;
	row = vx_rows_get(&m->ike, idx, true, NULL);
	if (row == NULL) {
		m->oom = true;
		return;
	}
	row->idx = idx;
	switch (col) {
	case 4:
		copy_inet(vb, row->local, sizeof(row->local));
		break;
	case 7:
		if (vb->type == VX_VB_OCTETS && vb->v.s.len > 0) {
			size_t len = vb->v.s.len < VX_MODEL_STR_MAX ?
			    vb->v.s.len : VX_MODEL_STR_MAX;

			/* Kept aside: most rows have an address instead. */
			if (m->ids_len + len + 2 > m->ids_cap) {
				size_t	 ncap = m->ids_cap ? m->ids_cap * 2 :
					    4096;
				char	*p;

				while (ncap < m->ids_len + len + 2)
					ncap *= 2;
				if (ncap > UINT32_MAX ||
				    (p = realloc(m->ids, ncap)) == NULL) {
					m->oom = true;
					break;
				}
				m->ids = p;
				m->ids_cap = ncap;
				if (m->ids_len == 0)
					m->ids[m->ids_len++] = '\0';
			}
			row->peer_id = (uint32_t)m->ids_len;
			memcpy(m->ids + m->ids_len, vb->v.s.p, len);
			m->ids[m->ids_len + len] = '\0';
			m->ids_len += len + 1;
		}
		break;
	case 8:
		copy_inet(vb, row->peer, sizeof(row->peer));
		break;
	case 15:
		if (vx_varbind_i64(vb, &n)) {
			row->life_s = n;
			row->has_life = true;
		}
		break;
	case 16:
		if (vx_varbind_i64(vb, &n)) {
			row->active_cs = n;
			row->has_active = true;
		}
		break;
	default:
		break;
	}
}

static void
add_spi(struct asa_snmp_map *m, uint32_t col, uint32_t tun_idx,
    uint32_t spi_idx, const struct vx_varbind *vb)
{
	struct spi_row	*row;
	int64_t		 n;
	uint64_t	 u;

	if (col < 2 || col > 5)
		return;
	row = vx_rows_get(&m->spi, (uint64_t)tun_idx << 32 | spi_idx, true,
	    NULL);
	if (row == NULL) {
		m->oom = true;
		return;
	}
	row->tun_idx = tun_idx;
	row->spi_idx = spi_idx;
	switch (col) {
	case 2:
		if (vx_varbind_i64(vb, &n))
			row->direction = n;
		break;
	case 3:
		if (vx_varbind_u64(vb, &u) && u <= UINT32_MAX) {
			row->value = u;
			row->has_value = true;
		}
		break;
	case 4:
		if (vx_varbind_i64(vb, &n))
			row->protocol = n;
		break;
	default:
		if (vx_varbind_i64(vb, &n))
			row->status = n;
		break;
	}
}

static void
add_scalar(struct asa_snmp_map *m, enum vx_dev_val v,
    const struct vx_varbind *vb)
{
	uint64_t u;

	if (vx_varbind_u64(vb, &u)) {
		m->dev[v] = u;
		m->dev_set |= 1u << v;
	}
}

int
asa_snmp_map_add(void *arg, const struct vx_varbind *vb, struct vx_err *err)
{
	struct asa_snmp_map	*m = arg;
	const uint32_t		*sfx;
	size_t			 slen;

	(void)err;
	if (vb->type == VX_VB_NULL)
		return 0;
	if (vx_oid_under(vb->oid, vb->oid_len, tun_entry, LEN(tun_entry),
	    &sfx, &slen)) {
		if (slen == 2)
			add_tun(m, sfx[0], sfx[1], vb);
	} else if (vx_oid_under(vb->oid, vb->oid_len, spi_entry,
	    LEN(spi_entry), &sfx, &slen)) {
		if (slen == 3)
			add_spi(m, sfx[0], sfx[1], sfx[2], vb);
	} else if (vx_oid_under(vb->oid, vb->oid_len, cike_entry,
	    LEN(cike_entry), &sfx, &slen)) {
		if (slen == 2)
			add_ike(m, sfx[0], sfx[1], vb);
	} else if (vx_oid_under(vb->oid, vb->oid_len, cike_global,
	    LEN(cike_global), &sfx, &slen)) {
		if (slen == 2 && sfx[0] == 1 && sfx[1] == 0)
			add_scalar(m, VX_DV_IKE_ACTIVE_TUNNELS, vb);
	} else if (vx_oid_under(vb->oid, vb->oid_len, ipsec_global,
	    LEN(ipsec_global), &sfx, &slen)) {
		if (slen == 2 && sfx[1] == 0 && sfx[0] == 1)
			add_scalar(m, VX_DV_IPSEC_ACTIVE_TUNNELS, vb);
		else if (slen == 2 && sfx[1] == 0 && sfx[0] == 29)
			add_scalar(m, VX_DV_NO_SA_FAILS, vb);
	} else if (vx_oid_under(vb->oid, vb->oid_len, ras_activity,
	    LEN(ras_activity), &sfx, &slen)) {
		if (slen == 2 && sfx[1] == 0 && sfx[0] == 29)
			add_scalar(m, VX_DV_L2L_SESSIONS, vb);
		else if (slen == 2 && sfx[1] == 0 && sfx[0] == 30)
			add_scalar(m, VX_DV_L2L_SESSIONS_TOTAL, vb);
	}
	return 0;
}

static bool
has(const struct tun_row *r, enum tun_field f)
{
	return (r->set & (1u << f)) != 0;
}

/* Octets: the Counter64 column, else wraps * 2^32 + the Counter32 one. */
static bool
row_octets(const struct tun_row *r, enum tun_field hc, enum tun_field c32,
    enum tun_field wraps, uint64_t *out)
{
	if (has(r, hc)) {
		*out = r->v[hc];
		return true;
	}
	if (!has(r, c32))
		return false;
	*out = (has(r, wraps) ? r->v[wraps] << 32 : 0) + r->v[c32];
	return true;
}

static int
map_tunnel_row(struct vx_snapshot *snap, const struct tun_row *r)
{
	struct vx_tunnel	*t;
	struct vx_part		*p;
	uint64_t		 oct, key = VX_PART_INDEX(r->idx);
	int			 rc = 0;

	if (r->peer[0] == '\0')
		return 0;	/* a row we only saw part of: no identity */
	t = vx_snapshot_tunnel(snap, NULL, r->peer);
	if (t == NULL || (p = vx_tunnel_part(snap, t, key)) == NULL)
		return -VX_E_NOMEM;
	if (has(r, TF_ACTIVE_CS))
		p->age_s = (int64_t)(r->v[TF_ACTIVE_CS] / 100);
	for (size_t i = 0; rc == 0 && i < LEN(tun_ctr_fields); i++) {
		if (has(r, tun_ctr_fields[i].f))
			rc = vx_tunnel_count(snap, t, key, tun_ctr_fields[i].c,
			    r->v[tun_ctr_fields[i].f], VX_CTR_32BIT);
	}
	/* Octets are 64 bits wide: Counter64, or Counter32 plus wraps. */
	if (rc == 0 && row_octets(r, TF_IN_OCT64, TF_IN_OCT32, TF_IN_WRAPS,
	    &oct))
		rc = vx_tunnel_count(snap, t, key, VX_TC_BYTES_IN, oct, 0);
	if (rc == 0 && row_octets(r, TF_OUT_OCT64, TF_OUT_OCT32, TF_OUT_WRAPS,
	    &oct))
		rc = vx_tunnel_count(snap, t, key, VX_TC_BYTES_OUT, oct, 0);
	if (rc != 0)
		return rc;
	/*
	 * The MIB has no remaining lifetime; negotiated lifetime minus active
	 * time (in hundredths of a second) is the best estimate.  The kB
	 * lifetime has no such estimate (octets span rekeys), so it is left
	 * out rather than guessed.
	 */
	if (has(r, TF_LIFE_S) && has(r, TF_ACTIVE_CS))
		vx_tunnel_note_life_s(t, (int64_t)r->v[TF_LIFE_S] -
		    (int64_t)(r->v[TF_ACTIVE_CS] / 100));
	if (r->local[0] != '\0' && t->attr[VX_TA_LOCAL_ADDR] == NULL)
		vx_tunnel_set_attr(snap, t, VX_TA_LOCAL_ADDR, r->local);
	return 0;
}

static int
cmp_spi(const void *a, const void *b)
{
	const struct spi_row *x = a, *y = b;

	if (x->tun_idx != y->tun_idx)
		return x->tun_idx < y->tun_idx ? -1 : 1;
	if (x->spi_idx != y->spi_idx)
		return x->spi_idx < y->spi_idx ? -1 : 1;
	return 0;
}

/*
 * Pairs one phase-2 row's SPIs: the active inbound with the active
 * outbound, then expiring ones in index order.  AH and IPComp entries
 * (protocol 1 and 3) are not ESP SPIs and are skipped.
 */
static int
map_spis(struct vx_snapshot *snap, struct vx_tunnel *t,
    const struct spi_row *rows, size_t n)
{
	struct vx_part *p = vx_tunnel_find_part(t, VX_PART_INDEX(rows[0].tun_idx));

	/* The row's generation: its active inbound SA (+1: 0 is "none"). */
	for (size_t i = 0; p != NULL && i < n; i++) {
		if (rows[i].direction == 1 && rows[i].status == 1 &&
		    rows[i].has_value) {
			p->gen = rows[i].value + 1;
			break;
		}
	}
	for (int64_t status = 1; status <= 2; status++) {
		size_t	in = 0, out = 0;

		for (;;) {
			struct vx_sa	 sa = { 0 };
			int		 rc;

			while (in < n && !(rows[in].direction == 1 &&
			    rows[in].status == status && rows[in].has_value &&
			    (rows[in].protocol == 2 || rows[in].protocol == 0)))
				in++;
			while (out < n && !(rows[out].direction == 2 &&
			    rows[out].status == status && rows[out].has_value &&
			    (rows[out].protocol == 2 ||
			    rows[out].protocol == 0)))
				out++;
			if (in >= n && out >= n)
				break;
			if (in < n) {
				sa.has_in = true;
				sa.spi_in = (uint32_t)rows[in++].value;
			}
			if (out < n) {
				sa.has_out = true;
				sa.spi_out = (uint32_t)rows[out++].value;
			}
			sa.state = status == 1 ? VX_SA_ACTIVE : VX_SA_EXPIRING;
			rc = vx_tunnel_add_sa(snap, t, &sa);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

static int
map_finish(void *arg, struct vx_snapshot *snap, struct vx_err *err)
{
	struct asa_snmp_map	*m = arg;
	struct spi_row		*spis = m->spi.v;
	size_t			 i;
	int			 rc;

	if (m->oom)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	for (int v = 0; v < VX_DV__COUNT; v++) {
		if (!(m->dev_set & (1u << v)))
			continue;
		vx_snapshot_set_dev(snap, (enum vx_dev_val)v, m->dev[v],
		    VX_PRIO_NORMAL);
	}
	/*
	 * cipSecGlobalNoSaFails is a series of its own, and the invalid-SPI
	 * value where this collector is the device's source of it (the
	 * CLI's np-sp-invalid-spi is the better one: see asa_snmp_fields).
	 * Both are Counter32.
	 */
	if (m->dev_set & (1u << VX_DV_NO_SA_FAILS)) {
		vx_snapshot_set_dev(snap, VX_DV_INVALID_SPI,
		    m->dev[VX_DV_NO_SA_FAILS], VX_PRIO_NORMAL);
		vx_snapshot_dev_32bit(snap, VX_DV_NO_SA_FAILS);
		vx_snapshot_dev_32bit(snap, VX_DV_INVALID_SPI);
	}
	for (i = 0; i < m->tun.n; i++) {
		rc = map_tunnel_row(snap, (struct tun_row *)m->tun.v + i);
		if (rc != 0)
			return vx_err_set(err, VX_E_NOMEM, "out of memory");
	}

	if (m->spi.n > 0)
		qsort(spis, m->spi.n, sizeof(*spis), cmp_spi);
	for (i = 0; i < m->spi.n;) {
		size_t			 j = i;
		const struct tun_row	*r;
		struct vx_tunnel	*t;

		while (j < m->spi.n && spis[j].tun_idx == spis[i].tun_idx)
			j++;
		r = vx_rows_get(&m->tun, spis[i].tun_idx, false, NULL);
		t = r == NULL || r->peer[0] == '\0' ? NULL :
		    vx_snapshot_find_tunnel(snap, NULL, r->peer);
		if (t != NULL && map_spis(snap, t, spis + i, j - i) != 0)
			return vx_err_set(err, VX_E_NOMEM, "out of memory");
		i = j;
	}

	for (i = 0; i < m->ike.n; i++) {
		const struct ike_row	*r = (struct ike_row *)m->ike.v + i;
		const char		*peer = r->peer[0] != '\0' ? r->peer :
					    r->peer_id != 0 ? m->ids + r->peer_id :
					    "";
		struct vx_ike_sa	*ike;

		if (peer[0] == '\0')
			continue;
		ike = vx_snapshot_ike_sa(snap, peer);
		if (ike == NULL)
			return vx_err_set(err, VX_E_NOMEM, "out of memory");
		ike->up = true;
		ike->state = VX_IKE_ESTABLISHED;	/* rows are active SAs */
		if (r->has_life && r->has_active) {
			int64_t left = r->life_s - r->active_cs / 100;

			ike->life_s = left < 0 ? 0 : left;
			ike->life_s_set = true;
		}
		if (r->local[0] != '\0')
			vx_ike_sa_set_attr(snap, ike, VX_IA_LOCAL_ADDR,
			    r->local);
	}
	/*
	 * Some ASAs leave cikeTunnelTable empty while phase-2 rows exist
	 * (devices.md 1.7): then the IKE state is unknown, not down.
	 */
	snap->ike_known = m->ike.n > 0 || m->tun.n == 0;
	return 0;
}

const struct vx_snmp_mapper asa_snmp_mapper = {
	.create = map_new,
	.add = asa_snmp_map_add,
	.finish = map_finish,
	.free = map_free,
};

int
asa_parse_snmpwalk(const char *text, size_t len, struct vx_snapshot *snap,
    struct vx_err *err)
{
	return vx_snmpwalk_map(text, len, &asa_snmp_mapper, snap, err);
}
