/*
 * "show asp table vpn-context detail" -> per-peer invalid-SPI counts.
 *
 *   VPN CTX  = 0x01177414
 *
 *   Peer IP  = 10.10.200.25
 *   Pointer  = 0xCC11B670
 *   State    = UP+DIP
 *   Flags    = DECR+ESP+NATT
 *   SA       = 0x0DA8FA2F
 *   SPI      = 0x4F456306
 *   ...
 *   Bad SPI  = 1
 *
 * One entry per SA context (DECR = inbound, ENCR = outbound).  Entries
 * name their peer, so each entry's "Bad SPI" is added to
 * VX_TC_ERR_INVALID_SPI of the tunnel (NULL, Peer IP): the tunnel's count
 * is the sum over its contexts, and a reported 0 is recorded as 0.
 *
 * An entry without "Peer IP" (not seen in any public sample) is matched
 * by its SPI to a tunnel already in the snapshot that holds that SPI in
 * the same direction (when the collector parses into a snapshot that has
 * the "show crypto ipsec sa" result).  If no tunnel or more than one
 * holds it, the count is dropped: a tunnel named after an SPI would be a
 * new series at every rekey and would not match any configured peer, and
 * guessing a peer would charge errors to the wrong tunnel.  The
 * device-wide np-sp-invalid-spi drop still counts those packets.
 *
 * The SPI and packet counts are not recorded as SAs: the contexts do not
 * say which inbound and outbound SA belong together.
 *
 * Error policy: text before the first "VPN CTX" line, a "Peer IP", "SPI"
 * or "Bad SPI" value that cannot be read, and an entry without "Bad SPI"
 * when other entries have one (output cut short) are -VX_E_PARSE naming
 * the line.  Empty output is success with nothing: the ASA prints no
 * entries when there is no VPN context.
 */
#include "asa_cli.h"

#include <stdint.h>
#include <string.h>

#include "numparse.h"

#include "banned.h"

enum ctx_dir {
	CTX_ANY,
	CTX_DECR,
	CTX_ENCR,
};

struct vpn_ctx {
	bool		active;
	int		line;
	char		peer[VX_MODEL_STR_MAX + 1];
	uint32_t	spi;
	bool		spi_set;
	enum ctx_dir	dir;
	uint64_t	bad_spi;
	bool		bad_spi_set;
};

/* The one tunnel holding spi in direction dir, or NULL. */
static struct vx_tunnel *
tunnel_by_spi(const struct vx_snapshot *snap, uint32_t spi, enum ctx_dir dir)
{
	struct vx_tunnel *found = NULL;

	for (size_t i = 0; i < snap->ntunnels; i++) {
		struct vx_tunnel *t = snap->tunnels[i];

		for (size_t j = 0; j < t->nsas; j++) {
			const struct vx_sa *sa = &t->sas[j];
			bool in = sa->has_in && sa->spi_in == spi;
			bool out = sa->has_out && sa->spi_out == spi;

			if ((dir == CTX_DECR && in) ||
			    (dir == CTX_ENCR && out) ||
			    (dir == CTX_ANY && (in || out))) {
				if (found != NULL && found != t)
					return NULL;
				found = t;
				break;
			}
		}
	}
	return found;
}

static int
flush(struct vpn_ctx *c, struct vx_snapshot *snap, int *missing,
    struct vx_err *err)
{
	struct vx_tunnel *t = NULL;

	if (!c->active)
		return 0;
	if (!c->bad_spi_set) {
		if (*missing == 0)
			*missing = c->line;
	} else if (c->peer[0] != '\0') {
		t = vx_snapshot_tunnel(snap, NULL, c->peer);
		if (t == NULL)
			return vx_err_set(err, VX_E_NOMEM, "out of memory");
	} else if (c->spi_set) {
		t = tunnel_by_spi(snap, c->spi, c->dir);
	}
	/* Each context (one SA) is a part of its tunnel's count. */
	if (t != NULL && c->spi_set && vx_tunnel_count(snap, t,
	    VX_PART_SPI(c->spi), VX_TC_ERR_INVALID_SPI, c->bad_spi, 0) != 0)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	if (t != NULL && !c->spi_set)
		vx_tunnel_add(t, VX_TC_ERR_INVALID_SPI, c->bad_spi);
	memset(c, 0, sizeof(*c));
	return 0;
}

/* "DECR+ESP+NATT" -> CTX_DECR. */
static enum ctx_dir
flags_dir(const char *v, size_t vlen)
{
	const char	*p = v;
	struct vx_tok	 it;

	while (vx_txt_item(&p, v + vlen, '+', &it)) {
		if (vx_txt_eq(it.s, it.len, "DECR"))
			return CTX_DECR;
		if (vx_txt_eq(it.s, it.len, "ENCR"))
			return CTX_ENCR;
	}
	return CTX_ANY;
}

int
asa_parse_vpn_context(const char *text, size_t len, struct vx_snapshot *snap,
    struct vx_err *err)
{
	struct asa_lines	 it;
	struct vx_line		 l;
	struct vpn_ctx		 c;
	bool			 any_bad_spi = false;
	int			 missing = 0, rc;

	memset(&c, 0, sizeof(c));
	if ((rc = asa_lines_begin(&it, text, len, err)) != 0)
		return rc;
	while (asa_lines_next(&it, &l)) {
		const char	*eq = memchr(l.s, '=', l.len);
		const char	*k = l.s, *v;
		size_t		 klen, vlen;

		if (eq == NULL) {
			if (!c.active)
				return vx_txt_err(err, VX_E_PARSE, &l, "not "
				    "'show asp table vpn-context detail' "
				    "output");
			continue;
		}
		klen = (size_t)(eq - l.s);
		k = vx_txt_trim(k, &klen);
		vlen = (size_t)(l.s + l.len - eq - 1);
		v = vx_txt_trim(eq + 1, &vlen);
		if (vx_txt_eq_ws(k, klen, "VPN CTX")) {
			if ((rc = flush(&c, snap, &missing, err)) != 0)
				return rc;
			c.active = true;
			c.line = l.no;
			continue;
		}
		if (!c.active)
			return vx_txt_err(err, VX_E_PARSE, &l, "not 'show asp "
			    "table vpn-context detail' output");
		if (vx_txt_eq_ws(k, klen, "Peer IP")) {
			if (!vx_txt_copy_word(c.peer, sizeof(c.peer), v, vlen))
				return vx_txt_err(err, VX_E_PARSE, &l,
				    "bad peer address");
		} else if (vx_txt_eq_ws(k, klen, "SPI")) {
			if (!vx_parse_spi_hex(v, vlen, &c.spi))
				return vx_txt_err(err, VX_E_PARSE, &l,
				    "bad SPI");
			c.spi_set = true;
		} else if (vx_txt_eq_ws(k, klen, "Flags")) {
			c.dir = flags_dir(v, vlen);
		} else if (vx_txt_eq_ws(k, klen, "Bad SPI")) {
			if (!vx_parse_u64(v, vlen, &c.bad_spi))
				return vx_txt_err(err, VX_E_PARSE, &l,
				    "bad 'Bad SPI' count");
			c.bad_spi_set = true;
			any_bad_spi = true;
		}
	}
	if ((rc = flush(&c, snap, &missing, err)) != 0)
		return rc;
	if (any_bad_spi && missing != 0)
		return vx_err_set(err, VX_E_PARSE, "line %d: VPN context "
		    "without 'Bad SPI' (output cut short?)", missing);
	return 0;
}
