/*
 * "show crypto ikev2 sa" (and "detail") -> IKE SAs and child SA SPIs.
 *
 *   IKEv2 SAs:
 *
 *   Session-id:1, Status:UP-ACTIVE, IKE count:1, CHILD count:2
 *
 *   Tunnel-id Local                 Remote                Status  Role
 *     3686011 2001:db8:2:1::1/500   2001:db8:2:1::2/500   READY   INITIATOR
 *         Encr: 3DES, Hash: SHA96, DH Grp:2, Auth sign: PSK, Auth verify: PSK
 *         Life/Active Time: 43200/880 sec
 *   Child sa: local selector  2001:db8:1:2::/0 - ...
 *             remote selector 2001:db8:3:2::/0 - ...
 *             ESP spi in/out: 0xbe064bdc/0x5db6eff3
 *
 * The peer is the tunnel line's Remote address less its port.  An IKE SA
 * is up when its session's Status is UP-ACTIVE or its tunnel Status is
 * READY; its state, role and local address attributes come from the
 * peer's first READY tunnel line (else its first line).  The remaining
 * lifetime is life minus active time; with several IKE SAs for one peer
 * (a rekey) the smallest is kept, as vx_tunnel_note_life_s() does for
 * IPsec SAs.
 *
 * Each child's "ESP spi in/out" pair goes on the peer's tunnel
 * (vx_snapshot_tunnel(snap, NULL, peer)) as VX_SA_ACTIVE with
 * VX_TA_IKE_VERSION "2": "show crypto ipsec sa" may not say which IKE
 * version made the SA.  The AH and CPI pairs are not SPIs of the tunnel's
 * ESP traffic ("0x0/0x0" when unused) and are skipped.
 *
 * Error policy: text before the first recognised line, a session with no
 * tunnel line before the next session or the end (cut short), a tunnel
 * row, lifetime or SPI pair that cannot be read, and child lines before
 * any tunnel row are -VX_E_PARSE naming the line.  Other lines ("Encr:",
 * selectors, detail lines) are skipped.
 */
#include "asa_cli.h"

#include <stdint.h>
#include <string.h>

#include "numparse.h"

#include "banned.h"

struct ike2 {
	bool	in_session;
	int	session_line;
	bool	session_up;		/* Status:UP-ACTIVE */
	bool	session_tunnels;	/* a tunnel row in the session */
	/* The peer and IKE SA of the last tunnel row. */
	char	peer[VX_MODEL_STR_MAX + 1];
	struct vx_ike_sa *ike;
};

static bool
all_digits(const struct vx_tok *t)
{
	for (size_t i = 0; i < t->len; i++) {
		if (t->s[i] < '0' || t->s[i] > '9')
			return false;
	}
	return t->len > 0;
}

/* An address with its "/port" removed: "192.0.2.1/500" -> "192.0.2.1". */
static size_t
strip_port(const char *s, size_t len)
{
	size_t n = len;

	while (n > 0 && s[n - 1] >= '0' && s[n - 1] <= '9')
		n--;
	if (n > 0 && n < len && s[n - 1] == '/')
		return n - 1;
	return len;
}

static int
end_session(struct ike2 *st, struct vx_err *err)
{
	if (st->in_session && !st->session_tunnels)
		return vx_err_set(err, VX_E_PARSE, "line %d: IKEv2 session "
		    "without a tunnel line (output cut short?)",
		    st->session_line);
	st->in_session = false;
	return 0;
}

/* "Session-id:1, Status:UP-ACTIVE, IKE count:1, CHILD count:2" */
static int
session_line(struct ike2 *st, const struct vx_line *l, struct vx_err *err)
{
	const char	*p = l->s, *end = l->s + l->len;
	struct vx_tok	 it;
	int		 rc;

	if ((rc = end_session(st, err)) != 0)
		return rc;
	st->in_session = true;
	st->session_line = l->no;
	st->session_up = false;
	st->session_tunnels = false;
	st->ike = NULL;
	while (vx_txt_item(&p, end, ',', &it)) {
		const char	*c = memchr(it.s, ':', it.len);
		size_t		 vlen;
		const char	*v;

		if (c == NULL || !vx_txt_eq_ws(it.s, (size_t)(c - it.s),
		    "Status"))
			continue;
		vlen = (size_t)(it.s + it.len - c - 1);
		v = vx_txt_trim(c + 1, &vlen);
		st->session_up = vx_txt_eq(v, vlen, "UP-ACTIVE");
	}
	return 0;
}

/* "3686011 2001:db8:2:1::1/500 2001:db8:2:1::2/500 READY INITIATOR" */
/*
 * IKEv2 tunnel states (ASA "show crypto ikev2 sa"): READY established;
 * DELETE deleting; IN-NEG and the other negotiation states (AUTH,
 * INIT-...) negotiating.
 */
static enum vx_ike_state
ikev2_state(const char *st)
{
	size_t len = strlen(st);

	if (vx_txt_eq(st, len, "READY"))
		return VX_IKE_ESTABLISHED;
	if (vx_txt_prefix(st, len, "DELET"))
		return VX_IKE_DELETING;
	return VX_IKE_NEGOTIATING;
}

static int
tunnel_row(struct ike2 *st, struct vx_snapshot *snap,
    const struct vx_line *l, const struct vx_tok *t, size_t n,
    struct vx_err *err)
{
	struct vx_ike_sa	*ike;
	char			 local[VX_MODEL_STR_MAX + 1];
	char			 status[VX_MODEL_STR_MAX + 1];
	const struct vx_tok	*role = &t[n - 1];
	bool			 up, ready;

	if (!st->in_session)
		return vx_txt_err(err, VX_E_PARSE, l, "tunnel line outside "
		    "a session");
	if (!vx_txt_copy_word(local, sizeof(local), t[1].s,
	    strip_port(t[1].s, t[1].len)) ||
	    !vx_txt_copy_word(st->peer, sizeof(st->peer), t[2].s,
	    strip_port(t[2].s, t[2].len)) ||
	    !vx_txt_copy_word(status, sizeof(status), t[n - 2].s,
	    t[n - 2].len))
		return vx_txt_err(err, VX_E_PARSE, l, "bad tunnel line");
	ike = vx_snapshot_ike_sa(snap, st->peer);
	if (ike == NULL)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	ready = vx_txt_eq(status, strlen(status), "READY");
	up = st->session_up || ready;
	/* Attributes of the first row, or of the first READY row. */
	if (ike->state == VX_IKE_UNKNOWN || (ready &&
	    ike->state != VX_IKE_ESTABLISHED)) {
		const char *r = vx_txt_eq(role->s, role->len, "INITIATOR") ?
		    "initiator" : vx_txt_eq(role->s, role->len, "RESPONDER") ?
		    "responder" : NULL;

		ike->state = ikev2_state(status);
		vx_ike_sa_set_attr(snap, ike, VX_IA_VERSION, "2");
		vx_ike_sa_set_attr(snap, ike, VX_IA_LOCAL_ADDR, local);
		vx_ike_sa_set_attr(snap, ike, VX_IA_ROLE, r);
		if (ike->attr[VX_IA_VERSION] == NULL ||
		    ike->attr[VX_IA_LOCAL_ADDR] == NULL ||
		    (r != NULL && ike->attr[VX_IA_ROLE] == NULL))
			return vx_err_set(err, VX_E_NOMEM, "out of memory");
	}
	ike->up = ike->up || up;
	st->ike = ike;
	st->session_tunnels = true;
	return 0;
}

/*
 * "43200/880 sec" (Life/Active Time) or "86400/86399/1 sec"
 * (Life/Remaining/Active Time).
 */
static int
life_line(struct ike2 *st, const struct vx_line *l, const char *v,
    size_t vlen, bool remaining, struct vx_err *err)
{
	struct vx_tok	 t[3];
	size_t		 n = vx_txt_split(v, vlen, t, 3);
	const char	*s1, *s2;
	uint64_t	 a, b, c = 0;
	int64_t		 left;

	if (st->ike == NULL)
		return vx_txt_err(err, VX_E_PARSE, l, "lifetime before any "
		    "tunnel line");
	if (n != 2 || !vx_txt_eq(t[1].s, t[1].len, "sec") ||
	    (s1 = memchr(t[0].s, '/', t[0].len)) == NULL)
		return vx_txt_err(err, VX_E_PARSE, l, "bad lifetime");
	s2 = remaining ? memchr(s1 + 1, '/', (size_t)(t[0].s + t[0].len -
	    s1 - 1)) : NULL;
	if (remaining && s2 == NULL)
		return vx_txt_err(err, VX_E_PARSE, l, "bad lifetime");
	if (!vx_parse_u64(t[0].s, (size_t)(s1 - t[0].s), &a) ||
	    !vx_parse_u64(s1 + 1, (size_t)((s2 ? s2 : t[0].s + t[0].len) -
	    s1 - 1), &b) || (s2 != NULL && !vx_parse_u64(s2 + 1,
	    (size_t)(t[0].s + t[0].len - s2 - 1), &c)) ||
	    a > INT64_MAX || b > INT64_MAX)
		return vx_txt_err(err, VX_E_PARSE, l, "bad lifetime");
	/* Life/Remaining/Active gives what is left; Life/Active needs a sum. */
	left = remaining ? (int64_t)b : (int64_t)a - (int64_t)b;
	if (left < 0)
		left = 0;
	if (!st->ike->life_s_set || left < st->ike->life_s) {
		st->ike->life_s = left;
		st->ike->life_s_set = true;
	}
	(void)c;
	return 0;
}

/* "0xbe064bdc/0x5db6eff3" */
static int
esp_line(struct ike2 *st, struct vx_snapshot *snap, const struct vx_line *l,
    const char *v, size_t vlen, struct vx_err *err)
{
	const char		*slash = memchr(v, '/', vlen);
	struct vx_tunnel	*tun;
	struct vx_sa		 sa = { .has_in = true, .has_out = true,
				    .state = VX_SA_ACTIVE };

	if (st->ike == NULL)
		return vx_txt_err(err, VX_E_PARSE, l, "child SA before any "
		    "tunnel line");
	if (slash == NULL ||
	    !vx_parse_spi_hex(v, (size_t)(slash - v), &sa.spi_in) ||
	    !vx_parse_spi_hex(slash + 1, (size_t)(v + vlen - slash - 1),
	    &sa.spi_out))
		return vx_txt_err(err, VX_E_PARSE, l, "bad SPI pair");
	tun = vx_snapshot_tunnel(snap, NULL, st->peer);
	if (tun == NULL)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	vx_tunnel_set_attr(snap, tun, VX_TA_IKE_VERSION, "2");
	if (tun->attr[VX_TA_IKE_VERSION] == NULL ||
	    vx_tunnel_add_sa(snap, tun, &sa) != 0)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	return 0;
}

int
asa_parse_ikev2_sa(const char *text, size_t len, struct vx_snapshot *snap,
    struct vx_err *err)
{
	struct asa_lines	 it;
	struct vx_line		 l;
	struct ike2		 st;
	bool			 started = false;
	int			 rc;

	memset(&st, 0, sizeof(st));
	if ((rc = asa_lines_begin(&it, text, len, err)) != 0)
		return rc;
	while (asa_lines_next(&it, &l)) {
		struct vx_tok	 t[VX_TOK_MAX];
		const char	*c = memchr(l.s, ':', l.len);
		const char	*v = NULL;
		size_t		 klen = 0, vlen = 0, n;

		n = vx_txt_split(l.s, l.len, t, VX_TOK_MAX);
		if (c != NULL) {
			klen = (size_t)(c - l.s);
			vlen = (size_t)(l.s + l.len - c - 1);
			v = vx_txt_trim(c + 1, &vlen);
		}
		if (vx_txt_eq_ws(l.s, l.len, "IKEv2 SAs:") ||
		    vx_txt_eq_ws(l.s, l.len, "There are no IKEv2 SAs")) {
			started = true;
			continue;
		}
		/* The detail form repeats "Session-id: 1" with no Status. */
		if (c != NULL && vx_txt_eq_ws(l.s, klen, "Session-id") &&
		    vx_txt_find(l.s, l.len, "Status") != NULL) {
			if ((rc = session_line(&st, &l, err)) != 0)
				return rc;
			started = true;
			continue;
		}
		if (!started)
			return vx_txt_err(err, VX_E_PARSE, &l, "not 'show "
			    "crypto ikev2 sa' output");
		if (n >= 1 && vx_txt_eq(t[0].s, t[0].len, "Tunnel-id"))
			continue;	/* the column header */
		if (n >= 1 && all_digits(&t[0])) {
			if (n < 5)
				return vx_txt_err(err, VX_E_PARSE, &l,
				    "tunnel line cut short");
			if ((rc = tunnel_row(&st, snap, &l, t, n, err)) != 0)
				return rc;
			continue;
		}
		if (c == NULL)
			continue;
		if (vx_txt_eq_ws(l.s, klen, "Life/Active Time")) {
			if ((rc = life_line(&st, &l, v, vlen, false, err)) != 0)
				return rc;
		} else if (vx_txt_eq_ws(l.s, klen,
		    "Life/Remaining/Active Time")) {
			if ((rc = life_line(&st, &l, v, vlen, true, err)) != 0)
				return rc;
		} else if (vx_txt_eq_ws(l.s, klen, "ESP spi in/out")) {
			if ((rc = esp_line(&st, snap, &l, v, vlen, err)) != 0)
				return rc;
		}
	}
	if (!started)
		return vx_err_set(err, VX_E_PARSE, "empty output (no 'IKEv2 "
		    "SAs:' and no 'There are no IKEv2 SAs')");
	if ((rc = end_session(&st, err)) != 0)
		return rc;
	snap->ike_known = true;
	return 0;
}
