/*
 * "show vpn-sessiondb detail l2l" -> tunnel bytes, packets, lifetimes.
 *
 *   Session Type: LAN-to-LAN Detailed
 *
 *   Connection   : 192.0.2.7
 *   Index        : 6539                   IP Addr      : 192.0.2.7
 *   Protocol     : IKEv1 IPsec
 *   Bytes Tx     : 3419524983             Bytes Rx     : 275429647
 *   ...
 *   IKEv1:
 *     Tunnel ID    : 6539.1
 *     Rekey Int (T): 86400 Seconds          Rekey Left(T): 76776 Seconds
 *   IPsec:
 *     Tunnel ID    : 6539.2
 *     Rekey Int (T): 28800 Seconds          Rekey Left(T): 19174 Seconds
 *     Rekey Int (D): 4608000 K-Bytes        Rekey Left(D): 4586873 K-Bytes
 *     Bytes Tx     : 3256642959             Bytes Rx     : 268532214
 *     Pkts Tx      : 4539818                Pkts Rx      : 2958857
 *   NAC:
 *     ...
 *
 * Generations: 7.x says "IKE:"/"IPSec:" with "Session ID" and no volume
 * lifetime; 8.x "IKE:"/"IPsec:" with "Tunnel ID"; 8.4+ "IKEv1:",
 * "IKEv2:" and "IPsecOverNatT:".  Lines hold two "Key : value" pairs at
 * fixed columns, so they are read as tokens with the keys looked up by
 * name, which also works when blanks are collapsed.
 *
 * Mapping, per session:
 *   tunnel (NULL, IP Addr), or (NULL, Connection) when IP Addr is empty;
 *     the session is one part of the tunnel's counters, keyed by its
 *     "Index" (a re-established session has a new one).
 *     "IP Addr" may be an object name: the ASA shows names the same way
 *     in every command, so it still matches current_peer.
 *   session "Bytes Tx/Rx" -> VX_TC_BYTES_OUT/IN (the session line is the
 *     sum of its IPsec sub-sections, so those are not added again; they
 *     are used only when the session line is missing);
 *   IPsec "Pkts Tx/Rx" -> VX_TC_PKTS_OUT/IN (summed over sub-sections);
 *   IPsec "Rekey Left(T)" -> life_s, "Rekey Left(D)" -> life_kb (the
 *     smallest over the sub-sections; "0 K-Bytes" means volume rekey is
 *     disabled and is left out);
 *   IKE "Rekey Left(T)" -> life_s of vx_snapshot_ike_sa(peer), which is
 *     marked up (the session database lists only established sessions)
 *     with VX_IA_VERSION from an "IKEv1:"/"IKEv2:" header; the tunnel's
 *     VX_TA_IKE_VERSION too.
 * "INFO: There are presently no active sessions" is success with nothing.
 *
 * Error policy: text before the first session or "Session Type:" line,
 * a session with neither IP Addr nor Connection, and numbers that cannot
 * be read (or a lifetime without its unit) are -VX_E_PARSE naming the
 * line.  Other keys and sub-sections (NAC, ...) are skipped.
 */
#include "asa_cli.h"

#include <stdint.h>
#include <string.h>

#include "numparse.h"

#include "banned.h"

enum sub {
	SUB_NONE,	/* the session header */
	SUB_IKE,
	SUB_IPSEC,
	SUB_OTHER,
};

struct l2l {
	bool		active;
	int		line;
	char		peer[VX_MODEL_STR_MAX + 1];
	char		conn[VX_MODEL_STR_MAX + 1];
	enum sub	sub;
	int		ike_version;	/* 0, 1 or 2 */
	uint64_t	bytes_tx, bytes_rx, sub_tx, sub_rx, pkts_tx, pkts_rx;
	bool		bytes_set, sub_bytes_set, pkts_set;
	uint64_t	index;
	int64_t		life_s, life_kb, ike_life_s;
	bool		life_s_set, life_kb_set, ike_life_set, ike_seen;
};

static int
flush(struct l2l *s, struct vx_snapshot *snap, struct vx_err *err)
{
	const char		*peer;
	struct vx_tunnel	*t;
	uint64_t		 key, tx = 0, rx = 0;
	bool			 bytes = false;
	int			 rc = 0;

	if (!s->active)
		return 0;
	key = VX_PART_SESSION(s->index);
	peer = s->peer[0] != '\0' ? s->peer : s->conn;
	if (peer[0] == '\0')
		return vx_err_set(err, VX_E_PARSE, "line %d: session with no "
		    "'IP Addr' and no 'Connection'", s->line);
	t = vx_snapshot_tunnel(snap, NULL, peer);
	if (t == NULL)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	if (s->bytes_set) {
		tx = s->bytes_tx;
		rx = s->bytes_rx;
		bytes = true;
	} else if (s->sub_bytes_set) {
		tx = s->sub_tx;
		rx = s->sub_rx;
		bytes = true;
	}
	if (bytes && ((rc = vx_tunnel_count(snap, t, key, VX_TC_BYTES_OUT, tx,
	    0)) != 0 || (rc = vx_tunnel_count(snap, t, key, VX_TC_BYTES_IN, rx,
	    0)) != 0))
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	if (s->pkts_set && ((rc = vx_tunnel_count(snap, t, key,
	    VX_TC_PKTS_OUT, s->pkts_tx, 0)) != 0 || (rc = vx_tunnel_count(snap,
	    t, key, VX_TC_PKTS_IN, s->pkts_rx, 0)) != 0))
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	if (s->life_s_set)
		vx_tunnel_note_life_s(t, s->life_s);
	if (s->life_kb_set)
		vx_tunnel_note_life_kb(t, s->life_kb);
	if (s->ike_version != 0) {
		vx_tunnel_set_attr(snap, t, VX_TA_IKE_VERSION,
		    s->ike_version == 1 ? "1" : "2");
		if (t->attr[VX_TA_IKE_VERSION] == NULL)
			return vx_err_set(err, VX_E_NOMEM, "out of memory");
	}
	if (s->ike_seen) {
		struct vx_ike_sa *ike = vx_snapshot_ike_sa(snap, peer);

		if (ike == NULL)
			return vx_err_set(err, VX_E_NOMEM, "out of memory");
		ike->up = true;
		ike->state = VX_IKE_ESTABLISHED;
		if (s->ike_life_set && (!ike->life_s_set ||
		    s->ike_life_s < ike->life_s)) {
			ike->life_s = s->ike_life_s;
			ike->life_s_set = true;
		}
		if (s->ike_version != 0 && ike->attr[VX_IA_VERSION] == NULL) {
			vx_ike_sa_set_attr(snap, ike, VX_IA_VERSION,
			    s->ike_version == 1 ? "1" : "2");
			if (ike->attr[VX_IA_VERSION] == NULL)
				return vx_err_set(err, VX_E_NOMEM,
				    "out of memory");
		}
	}
	memset(s, 0, sizeof(*s));
	return 0;
}

/*
 * The value of key in t as a number; with unit, the token after it must
 * be that unit.  Returns 1 and *v if the key is there, 0 if not, or
 * -VX_E_PARSE.
 */
static int
num(const struct vx_tok *t, size_t n, const char *key, const char *unit,
    uint64_t *v, const struct vx_line *l, struct vx_err *err)
{
	int i = vx_txt_kv(t, n, key);

	if (i < 0)
		return 0;
	if ((size_t)i >= n || !vx_parse_u64(t[i].s, t[i].len, v))
		return vx_txt_err(err, VX_E_PARSE, l, "bad number");
	/* Lifetimes (the values with a unit) go into int64_t. */
	if (unit != NULL && *v > INT64_MAX)
		return vx_txt_err(err, VX_E_PARSE, l, "bad number");
	if (unit != NULL && ((size_t)i + 1 >= n ||
	    !vx_txt_eq(t[i + 1].s, t[i + 1].len, unit)))
		return vx_txt_err(err, VX_E_PARSE, l, "number without its "
		    "unit");
	return 1;
}

/*
 * A sub-section header: one word with ':' right after it and nothing
 * else ("IPsec:"); a key with an empty value is padded ("Group    : ").
 */
static bool
sub_header(const struct vx_tok *t, size_t n, enum sub *sub, int *version)
{
	if (n != 2 || t[1].len != 1 || t[1].s[0] != ':' ||
	    t[1].s != t[0].s + t[0].len)
		return false;
	*version = 0;
	if (vx_txt_eq(t[0].s, t[0].len, "IKE")) {
		*sub = SUB_IKE;
	} else if (vx_txt_eq(t[0].s, t[0].len, "IKEv1")) {
		*sub = SUB_IKE;
		*version = 1;
	} else if (vx_txt_eq(t[0].s, t[0].len, "IKEv2")) {
		*sub = SUB_IKE;
		*version = 2;
	} else if (vx_txt_eq(t[0].s, t[0].len, "IPsec") ||
	    vx_txt_eq(t[0].s, t[0].len, "IPsecOverNatT") ||
	    vx_txt_eq(t[0].s, t[0].len, "IPsecOverUDP") ||
	    vx_txt_eq(t[0].s, t[0].len, "IPsecOverTCP")) {
		*sub = SUB_IPSEC;
	} else {
		*sub = SUB_OTHER;
	}
	return true;
}

static int
line_values(struct l2l *s, const struct vx_line *l, const struct vx_tok *t,
    size_t n, struct vx_err *err)
{
	uint64_t	v;
	int		rc;

	switch (s->sub) {
	case SUB_NONE:
		if ((rc = num(t, n, "Index", NULL, &v, l, err)) < 0)
			return rc;
		if (rc == 1)
			s->index = v;
		if ((rc = num(t, n, "Bytes Tx", NULL, &v, l, err)) < 0)
			return rc;
		if (rc == 1) {
			s->bytes_tx = v;
			s->bytes_set = true;
		}
		if ((rc = num(t, n, "Bytes Rx", NULL, &v, l, err)) < 0)
			return rc;
		if (rc == 1) {
			s->bytes_rx = v;
			s->bytes_set = true;
		}
		break;
	case SUB_IKE:
		if ((rc = num(t, n, "Rekey Left(T)", "Seconds", &v, l,
		    err)) < 0)
			return rc;
		if (rc == 1 && (!s->ike_life_set ||
		    (int64_t)v < s->ike_life_s)) {
			s->ike_life_s = (int64_t)v;
			s->ike_life_set = true;
		}
		break;
	case SUB_IPSEC:
		if ((rc = num(t, n, "Rekey Left(T)", "Seconds", &v, l,
		    err)) < 0)
			return rc;
		if (rc == 1 && (!s->life_s_set || (int64_t)v < s->life_s)) {
			s->life_s = (int64_t)v;
			s->life_s_set = true;
		}
		if ((rc = num(t, n, "Rekey Left(D)", "K-Bytes", &v, l,
		    err)) < 0)
			return rc;
		/* 0 K-Bytes: volume-based rekey is disabled. */
		if (rc == 1 && v != 0 && (!s->life_kb_set ||
		    (int64_t)v < s->life_kb)) {
			s->life_kb = (int64_t)v;
			s->life_kb_set = true;
		}
		if ((rc = num(t, n, "Bytes Tx", NULL, &v, l, err)) < 0)
			return rc;
		if (rc == 1) {
			s->sub_tx += v;
			s->sub_bytes_set = true;
		}
		if ((rc = num(t, n, "Bytes Rx", NULL, &v, l, err)) < 0)
			return rc;
		if (rc == 1) {
			s->sub_rx += v;
			s->sub_bytes_set = true;
		}
		if ((rc = num(t, n, "Pkts Tx", NULL, &v, l, err)) < 0)
			return rc;
		if (rc == 1) {
			s->pkts_tx += v;
			s->pkts_set = true;
		}
		if ((rc = num(t, n, "Pkts Rx", NULL, &v, l, err)) < 0)
			return rc;
		if (rc == 1) {
			s->pkts_rx += v;
			s->pkts_set = true;
		}
		break;
	case SUB_OTHER:
		break;
	}
	return 0;
}

int
asa_parse_sessiondb_l2l(const char *text, size_t len,
    struct vx_snapshot *snap, struct vx_err *err)
{
	struct asa_lines	 it;
	struct vx_line		 l;
	struct l2l		 s;
	bool			 started = false;
	int			 rc;

	memset(&s, 0, sizeof(s));
	if ((rc = asa_lines_begin(&it, text, len, err)) != 0)
		return rc;
	while (asa_lines_next(&it, &l)) {
		struct vx_tok	t[VX_TOK_MAX];
		enum sub	sub;
		int		v, version;
		size_t		n;

		n = vx_txt_split_kv(l.s, l.len, t, VX_TOK_MAX);
		if (vx_txt_kv(t, n, "Session Type") == 3) {
			if ((rc = flush(&s, snap, err)) != 0)
				return rc;
			started = true;
			continue;
		}
		if (vx_txt_prefix(l.s, l.len, "INFO:") &&
		    vx_txt_find(l.s, l.len, "no active sessions") != NULL) {
			started = true;
			continue;
		}
		if ((v = vx_txt_kv(t, n, "Connection")) == 2) {
			if ((rc = flush(&s, snap, err)) != 0)
				return rc;
			s.active = true;
			s.line = l.no;
			if ((size_t)v < n && !vx_txt_copy_word(s.conn,
			    sizeof(s.conn), t[v].s, t[v].len))
				return vx_txt_err(err, VX_E_PARSE, &l,
				    "bad connection name");
			started = true;
			continue;
		}
		if (!started)
			return vx_txt_err(err, VX_E_PARSE, &l, "not 'show "
			    "vpn-sessiondb detail l2l' output");
		if (!s.active)
			continue;
		if (sub_header(t, n, &sub, &version)) {
			s.sub = sub;
			if (sub == SUB_IKE) {
				s.ike_seen = true;
				if (version != 0)
					s.ike_version = version;
			}
			continue;
		}
		/* "IP Addr : <value>" unless the value is empty. */
		v = s.sub == SUB_NONE ? vx_txt_kv(t, n, "IP Addr") : -1;
		if (v >= 0 && (size_t)v < n) {
			if (!vx_txt_copy_word(s.peer, sizeof(s.peer), t[v].s,
			    t[v].len))
				return vx_txt_err(err, VX_E_PARSE, &l,
				    "bad IP address");
		}
		if ((rc = line_values(&s, &l, t, n, err)) != 0)
			return rc;
	}
	if (!started)
		return vx_err_set(err, VX_E_PARSE, "empty output (no session "
		    "and no 'Session Type:' line)");
	return flush(&s, snap, err);
}
