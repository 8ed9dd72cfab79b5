/*
 * ScreenOS rows -> the model (screenos_build in screenos.h): one tunnel
 * per SA id of "get sa", with the counters of "get sa stat".
 *
 * An SA id has a row per direction; its i-th inbound row pairs with its
 * i-th outbound one.  Should an id list more than one pair, the one with
 * the most lifetime left is active and the others expiring, as during an
 * SRX rekey.  The id's counters form one part of its tunnel, keyed by
 * the id (stable across rekeys: it is the VPN's tunnel id) with the
 * active inbound SPI as generation, so that counters restarted by a
 * rekey are carried by the core (core/history.c).  ScreenOS counts in 32
 * bits (nsVpnMonBytesIn is a Counter32; the CLI prints the same
 * counters), so they are marked as wrapping.
 */
#include "screenos.h"
#include "screenos_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rows.h"

#include "banned.h"

#define PAIRS_MAX	8

/* What the stat rows need of an SA id's tunnel. */
struct id_slot {
	struct vx_tunnel	*t;
	uint32_t		 gen;
};

static int
cmp_row(const void *a, const void *b)
{
	const struct screenos_sa_row *x = *(const struct screenos_sa_row *const *)a;
	const struct screenos_sa_row *y = *(const struct screenos_sa_row *const *)b;

	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	if (x->dir != y->dir)
		return x->dir == '<' ? -1 : 1;
	return x->line < y->line ? -1 : x->line > y->line;
}

static struct vx_tunnel *
id_tunnel(struct vx_snapshot *snap, uint32_t id, const char *gateway,
    screenos_name_fn names, void *arg, bool *created)
{
	const char		*name = names != NULL ? names(arg, id, gateway) :
				    NULL;
	char			 dec[16];
	struct vx_tunnel	*t;

	if (name == NULL || name[0] == '\0') {
		snprintf(dec, sizeof(dec), "%u", id);
		name = dec;
	}
	t = vx_snapshot_find_tunnel(snap, name, gateway);
	*created = t == NULL;
	return t != NULL ? t : vx_snapshot_tunnel(snap, name, gateway);
}

static const char *
monitor_word(char mon)
{
	switch (mon) {
	case '-':
		return "off";
	case 'U':
		return "up";
	case 'D':
		return "down";
	default:
		return NULL;	/* 'I': the SA is inactive, so is its monitor */
	}
}

/* One SA id's rows (r[0..n), sorted: inbound first) -> its tunnel. */
static int
build_id(struct vx_snapshot *snap, struct screenos_sa_row *const *r,
    size_t n, screenos_name_fn names, void *arg, struct id_slot *slot,
    bool *active)
{
	const struct screenos_sa_row	*in[PAIRS_MAX], *out[PAIRS_MAX];
	size_t				 nin = 0, nout = 0, npairs, best = 0;
	size_t				 added = 0;
	struct vx_tunnel		*t;
	bool				 created, up, sa_active = false;
	char				 mon = 'I';
	unsigned			 port = 0;
	const char			*word;

	for (size_t i = 0; i < n; i++) {
		if (r[i]->dir == '<' && nin < PAIRS_MAX)
			in[nin++] = r[i];
		else if (r[i]->dir == '>' && nout < PAIRS_MAX)
			out[nout++] = r[i];
		if (r[i]->sa_state == 'A')
			sa_active = true;
		if (r[i]->mon == 'D' || (r[i]->mon == 'U' && mon != 'D') ||
		    (r[i]->mon == '-' && mon == 'I'))
			mon = r[i]->mon;
		if (port == 0)
			port = r[i]->port;
	}
	t = id_tunnel(snap, r[0]->id, r[0]->gateway, names, arg, &created);
	if (t == NULL)
		return -VX_E_NOMEM;
	npairs = nin > nout ? nin : nout;
	for (size_t i = 0; i < npairs; i++) {
		const struct screenos_sa_row *a = i < nin ? in[i] : out[i];
		const struct screenos_sa_row *b = best < nin ? in[best] :
		    out[best];

		if (a->life_s > b->life_s)
			best = i;
	}
	slot->t = t;
	slot->gen = 0;
	for (size_t i = 0; i < npairs; i++) {
		struct vx_sa sa = {
			.spi_in = i < nin ? in[i]->spi : 0,
			.spi_out = i < nout ? out[i]->spi : 0,
			.state = npairs == 1 || i == best ? VX_SA_ACTIVE :
			    VX_SA_EXPIRING,
		};

		sa.has_in = sa.spi_in != 0;
		sa.has_out = sa.spi_out != 0;
		if (!sa.has_in && !sa.has_out)
			continue;	/* 00000000: no SA */
		if (!sa_active)
			sa.state = VX_SA_UNKNOWN;
		if (vx_tunnel_add_sa(snap, t, &sa) != 0)
			return -VX_E_NOMEM;
		added++;
		if (i == best) {
			const struct screenos_sa_row *lr = i < nin ? in[i] :
			    out[i];

			slot->gen = sa.spi_in;
			if (lr->life_s >= 0)
				vx_tunnel_note_life_s(t, lr->life_s);
			if (lr->life_kb >= 0)
				vx_tunnel_note_life_kb(t, lr->life_kb);
		}
	}
	/* An installed SA, unless the VPN monitor finds the path down. */
	up = sa_active && added > 0 && mon != 'D';
	*active = sa_active;
	if (created || up) {
		t->up = up;
		t->state = up ? VX_TUN_ACTIVE : VX_TUN_INACTIVE;
	}
	if ((word = monitor_word(mon)) != NULL &&
	    (t->attr[VX_TA_MONITOR] == NULL || mon == 'D'))
		vx_tunnel_set_attr(snap, t, VX_TA_MONITOR, word);
	if (port == 500 || port == 4500)
		vx_tunnel_set_attr(snap, t, VX_TA_NAT_T, port == 4500 ?
		    "true" : "false");
	return 0;
}

static int
build_sa(struct vx_snapshot *snap, const struct screenos_sa_rows *sa,
    screenos_name_fn names, void *arg, struct vx_rows *ids)
{
	struct screenos_sa_row	**r;
	uint64_t		  nactive = 0;
	int			  rc = 0;

	if (sa->n == 0) {
		vx_snapshot_set_dev(snap, VX_DV_IPSEC_ACTIVE_TUNNELS, 0,
		    VX_PRIO_NORMAL);
		return 0;
	}
	if ((r = malloc(sa->n * sizeof(*r))) == NULL)
		return -VX_E_NOMEM;
	for (size_t i = 0; i < sa->n; i++)
		r[i] = &sa->v[i];
	qsort(r, sa->n, sizeof(*r), cmp_row);
	for (size_t i = 0, j; rc == 0 && i < sa->n; i = j) {
		struct id_slot	*slot;
		bool		 active = false;

		for (j = i + 1; j < sa->n && r[j]->id == r[i]->id; j++)
			;
		slot = vx_rows_get(ids, r[i]->id, true, NULL);
		if (slot == NULL) {
			rc = -VX_E_NOMEM;
			break;
		}
		rc = build_id(snap, r + i, j - i, names, arg, slot, &active);
		nactive += active;
	}
	free(r);
	if (rc == 0)
		vx_snapshot_set_dev(snap, VX_DV_IPSEC_ACTIVE_TUNNELS, nactive,
		    VX_PRIO_NORMAL);
	return rc;
}

static int
count(struct vx_snapshot *snap, struct vx_tunnel *t, uint32_t id, bool has,
    enum vx_tun_ctr c, uint64_t v)
{
	if (!has)
		return 0;
	return vx_tunnel_count(snap, t, VX_PART_INDEX(id), c, v,
	    VX_CTR_32BIT);
}

static int
build_stat(struct vx_snapshot *snap, const struct screenos_stat_rows *stat,
    bool have_sa, screenos_name_fn names, void *arg, struct vx_rows *ids)
{
	for (size_t i = 0; i < stat->n; i++) {
		const struct screenos_stat_row	*s = &stat->v[i];
		struct id_slot			*slot;
		struct vx_part			*p;
		bool				 in = s->dir == '<', created;
		int				 rc;

		slot = vx_rows_get(ids, s->id, !have_sa, NULL);
		if (slot == NULL) {
			if (have_sa)
				continue;	/* came between the commands */
			return -VX_E_NOMEM;
		}
		if (slot->t == NULL && (slot->t = id_tunnel(snap, s->id,
		    s->gateway, names, arg, &created)) == NULL)
			return -VX_E_NOMEM;
		if ((rc = count(snap, slot->t, s->id, s->has_bytes, in ?
		    VX_TC_BYTES_IN : VX_TC_BYTES_OUT, s->bytes)) != 0 ||
		    (rc = count(snap, slot->t, s->id, s->has_auth_fail, in ?
		    VX_TC_ERR_AUTH : VX_TC_ERR_AUTH_OUT, s->auth_fail)) != 0 ||
		    (rc = count(snap, slot->t, s->id, s->has_other, in ?
		    VX_TC_ERR_DROP_IN : VX_TC_ERR_DROP_OUT, s->other)) != 0)
			return rc;
		p = vx_tunnel_find_part(slot->t, VX_PART_INDEX(s->id));
		if (p != NULL && slot->gen != 0)
			p->gen = slot->gen;
	}
	return 0;
}

int
screenos_build(struct vx_snapshot *snap, const struct screenos_sa_rows *sa,
    const struct screenos_stat_rows *stat, screenos_name_fn names,
    void *arg, struct vx_err *err)
{
	struct vx_rows	ids = VX_ROWS_INIT(sizeof(struct id_slot));
	int		rc = 0;

	if (sa != NULL)
		rc = build_sa(snap, sa, names, arg, &ids);
	if (rc == 0 && stat != NULL)
		rc = build_stat(snap, stat, sa != NULL, names, arg, &ids);
	vx_rows_release(&ids);
	if (rc != 0)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	return 0;
}
