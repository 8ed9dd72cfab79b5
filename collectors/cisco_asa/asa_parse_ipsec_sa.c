/*
 * "show crypto ipsec sa" / "show crypto ipsec sa detail" -> tunnels.
 *
 *   interface: outside
 *       Crypto map tag: CMAP, seq num: 2, local addr: 192.0.2.1
 *         access-list ACL extended permit ip ...
 *         local ident (addr/mask/prot/port): (...)
 *         remote ident (addr/mask/prot/port): (...)
 *         current_peer: 198.51.100.7
 *         #pkts encaps: 139, #pkts encrypt: 139, #pkts digest: 139
 *         #pkts decaps: 120, #pkts decrypt: 120, #pkts verify: 120
 *         ...
 *         #send errors: 0, #recv errors: 0
 *         local crypto endpt.: 192.0.2.1/4500, remote crypto endpt.: ...
 *         current outbound spi: 50023DDC
 *         current inbound spi : 32F752FF
 *       inbound esp sas:
 *         spi: 0x32F752FF (855069439)
 *            in use settings ={L2L, Tunnel,  NAT-T-Encaps, IKEv1, }
 *            sa timing: remaining key lifetime (kB/sec): (2699423/25461)
 *       outbound esp sas:
 *         spi: 0x50023DDC (1342324188)
 *         ...
 *
 * Each access-list / ident / current_peer group is one SA bundle; the
 * tunnel is the peer (vx_snapshot_tunnel(snap, NULL, current_peer)), so
 * the bundles of one peer (one per crypto ACL line) sum into one tunnel.
 * Each bundle is a part of the tunnel's counters (model.h), keyed by its
 * traffic selectors (or its rank among the peer's bundles when it has
 * none), with its current inbound SPI as generation: whether the ASA
 * restarts a bundle's counters at a rekey or keeps counting, the core
 * can tell that from a reset.
 *
 * Counters.  "#pkts encaps" and "#pkts decaps" are the packets that went
 * through the SA (encrypt/digest and decrypt/verify repeat them).  The
 * detail-only error counters map as follows:
 *   #pkts verify failed        -> ERR_AUTH     (ESP/AH ICV check failed)
 *   #pkts replay failed (rcv)  -> ERR_REPLAY   (outside the replay window)
 *   #pkts decaps failed (rcv)  -> ERR_DECRYPT  (inbound processing failed)
 *   #pkts encaps failed (send) -> ERR_ENCRYPT  (outbound processing failed)
 *   #pkts invalid sa (rcv)     -> ERR_INVALID_SPI
 *       inbound packets the ASA matched to this bundle but whose SA was
 *       not valid: the part of the invalid-SPI problem the device can
 *       attribute to a peer.  Packets whose SPI matches no SA at all
 *       cannot be charged to any bundle and appear only in the
 *       device-wide np-sp-invalid-spi drop.
 *   #pkts invalid prot/identity/len/pad/ip version (rcv),
 *   #pkts bad frag offset (rcv), #pkts internal err (rcv)
 *                              -> ERR_DROP_IN  (other inbound drops)
 *   #pkts no sa (send), #pkts min mtu frag failed (send),
 *   #pkts internal err (send)  -> ERR_DROP_OUT (other outbound drops)
 * An item may have its colon or not ("#pkts no sa (send) 0" on IOS-style
 * lines) and a trailing comma.
 *
 * SAs.  During a rekey a bundle lists several inbound and outbound SAs.
 * The pair named by "current inbound/outbound spi" is recorded as
 * VX_SA_ACTIVE (old 8.x output has no "current inbound spi" line: a lone
 * inbound SA is then the current one); the other inbound and outbound
 * SAs are paired in the order listed as VX_SA_EXPIRING, or VX_SA_UNKNOWN
 * when the current SA of that direction could not be told.  The remaining
 * lifetime is that of the current SAs only (an expiring SA's short
 * lifetime says nothing about the tunnel).
 *
 * Error policy: text before the first "interface:" (or "peer address:",
 * "Crypto map tag:", "current_peer") line, counter or SPI lines outside a
 * bundle, unreadable numbers and SPIs, and an "in use settings" or "sa
 * timing" line cut before its closing bracket are -VX_E_PARSE naming the
 * line.  Other lines are skipped: the format gains lines across releases.
 * Output that ends inside a bundle keeps what the bundle had so far.
 */
#include "asa_cli.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "numparse.h"

#include "banned.h"

#define SA_MAX	32	/* SAs per direction in one bundle */

struct sa_ent {
	uint32_t	spi;
	int64_t		life_s;
	int64_t		life_kb;
	bool		life_s_set;
	bool		life_kb_set;
};

enum sa_dir {
	DIR_NONE,
	DIR_IN,
	DIR_OUT,
	DIR_SKIP,	/* pcp (compression) SAs */
};

/* What the interface and crypto map lines say; outlives bundles. */
struct ipsec_ctx {
	char	iface[VX_MODEL_STR_MAX + 1];
	char	map[VX_MODEL_STR_MAX + 1];
	char	local[VX_MODEL_STR_MAX + 1];
	/* The selectors ("ident" lines) come before their current_peer. */
	char	lident[VX_MODEL_STR_MAX + 1];
	char	rident[VX_MODEL_STR_MAX + 1];
};

struct bundle {
	bool		 active;
	char		 peer[VX_MODEL_STR_MAX + 1];
	char		 endpt[VX_MODEL_STR_MAX + 1];
	char		 lident[VX_MODEL_STR_MAX + 1];
	char		 rident[VX_MODEL_STR_MAX + 1];
	uint64_t	 ctr[VX_TC__COUNT];
	uint32_t	 ctr_set;
	uint32_t	 cur_in, cur_out;
	bool		 cur_in_set, cur_out_set;
	struct sa_ent	 in[SA_MAX], out[SA_MAX];
	size_t		 nin, nout;
	enum sa_dir	 dir;
	struct sa_ent	*last;		/* where "sa timing" goes */
	bool		 settings;	/* "in use settings" seen */
	bool		 nat_t;
	int		 ike;		/* 0, 1 or 2 */
	const char	*mode;
};

static const struct {
	const char		*key;
	enum vx_tun_ctr		 ctr;
} counters[] = {
	{ "pkts encaps",			VX_TC_PKTS_OUT },
	{ "pkts decaps",			VX_TC_PKTS_IN },
	{ "send errors",			VX_TC_ERR_SEND },
	{ "recv errors",			VX_TC_ERR_RECV },
	{ "pkts verify failed",			VX_TC_ERR_AUTH },
	{ "pkts replay failed (rcv)",		VX_TC_ERR_REPLAY },
	{ "pkts decaps failed (rcv)",		VX_TC_ERR_DECRYPT },
	{ "pkts encaps failed (send)",		VX_TC_ERR_ENCRYPT },
	{ "pkts invalid sa (rcv)",		VX_TC_ERR_INVALID_SPI },
	{ "pkts invalid prot (rcv)",		VX_TC_ERR_DROP_IN },
	{ "pkts invalid identity (rcv)",	VX_TC_ERR_DROP_IN },
	{ "pkts invalid len (rcv)",		VX_TC_ERR_DROP_IN },
	{ "pkts invalid pad (rcv)",		VX_TC_ERR_DROP_IN },
	{ "pkts invalid ip version (rcv)",	VX_TC_ERR_DROP_IN },
	{ "pkts bad frag offset (rcv)",		VX_TC_ERR_DROP_IN },
	{ "pkts internal err (rcv)",		VX_TC_ERR_DROP_IN },
	{ "pkts no sa (send)",			VX_TC_ERR_DROP_OUT },
	{ "pkts min mtu frag failed (send)",	VX_TC_ERR_DROP_OUT },
	{ "pkts internal err (send)",		VX_TC_ERR_DROP_OUT },
};

static void
bundle_reset(struct bundle *b)
{
	memset(b, 0, sizeof(*b));
}

/* Splits "key: value" at the first ':'; false if there is none. */
static bool
colon_split(const struct vx_line *l, const char **k, size_t *klen,
    const char **v, size_t *vlen)
{
	const char *c = memchr(l->s, ':', l->len);

	if (c == NULL)
		return false;
	*klen = (size_t)(c - l->s);
	*k = vx_txt_trim(l->s, klen);
	*vlen = (size_t)(l->s + l->len - c - 1);
	*v = vx_txt_trim(c + 1, vlen);
	return true;
}

/* The first blank-separated word of s[0..len), cut at stop if given. */
static size_t
first_word(const char *s, size_t len, char stop)
{
	size_t n = 0;

	while (n < len && !vx_txt_blank(s[n]) && s[n] != stop)
		n++;
	return n;
}

/* "0x32F752FF (855069439)", "DC15BF68", "0x1234ABCD(305441741)". */
static bool
spi_value(const char *s, size_t len, uint32_t *spi)
{
	return vx_parse_spi_hex(s, first_word(s, len, '('), spi);
}

/*
 * "(10.1.0.0/255.255.255.0/0/0)" -> "10.1.0.0/255.255.255.0/0/0" in dst,
 * cut to size; empty if the value is not one bracketed word.
 */
static void
ident_value(char *dst, size_t size, const char *v, size_t vlen)
{
	dst[0] = '\0';
	if (vlen >= 2 && v[0] == '(' && v[vlen - 1] == ')')
		vx_txt_copy_word(dst, size, v + 1, vlen - 2);
}

/* An address with its "/port" removed: "192.0.2.1/4500" -> "192.0.2.1". */
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
add_sa(struct vx_snapshot *snap, struct vx_tunnel *t, const struct bundle *b,
    bool has_in, uint32_t in, bool has_out, uint32_t out,
    enum vx_sa_state state, struct vx_err *err)
{
	struct vx_sa sa = { .spi_in = in, .spi_out = out, .has_in = has_in,
	    .has_out = has_out, .state = state,
	    .local_ident = b->lident[0] != '\0' ? b->lident : NULL,
	    .remote_ident = b->rident[0] != '\0' ? b->rident : NULL };

	if (vx_tunnel_add_sa(snap, t, &sa) != 0)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	return 0;
}

static int
set_attr(struct vx_snapshot *snap, struct vx_tunnel *t, enum vx_tun_attr a,
    const char *value, struct vx_err *err)
{
	if (value == NULL || value[0] == '\0')
		return 0;
	vx_tunnel_set_attr(snap, t, a, value);
	if (t->attr[a] == NULL)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	return 0;
}

static void
note_life(struct vx_tunnel *t, const struct sa_ent *e, size_t n,
    uint32_t spi)
{
	for (size_t i = 0; i < n; i++) {
		if (e[i].spi != spi)
			continue;
		if (e[i].life_s_set)
			vx_tunnel_note_life_s(t, e[i].life_s);
		if (e[i].life_kb_set)
			vx_tunnel_note_life_kb(t, e[i].life_kb);
		return;
	}
}

/* The SPIs of e[0..n) other than the current one, in order. */
static size_t
others(const struct sa_ent *e, size_t n, bool cur_set, uint32_t cur,
    uint32_t *out)
{
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		if (cur_set && e[i].spi == cur)
			continue;
		out[k++] = e[i].spi;
	}
	return k;
}

static int
bundle_flush(struct bundle *b, const struct ipsec_ctx *ctx,
    struct vx_snapshot *snap, struct vx_err *err)
{
	struct vx_tunnel	*t;
	struct vx_part		*part;
	uint32_t		 oin[SA_MAX], oout[SA_MAX];
	size_t			 nin, nout;
	uint64_t		 key;
	int			 rc;

	if (!b->active)
		return 0;
	t = vx_snapshot_tunnel(snap, NULL, b->peer);
	if (t == NULL)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	key = b->lident[0] != '\0' || b->rident[0] != '\0' ?
	    vx_part_key_text(b->lident, b->rident) : VX_PART_INDEX(t->nparts);
	part = vx_tunnel_part(snap, t, key);
	if (part == NULL)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	if (b->cur_in_set)
		part->gen = (uint64_t)b->cur_in + 1;
	for (int c = 0; c < VX_TC__COUNT; c++) {
		if ((b->ctr_set & (1u << c)) && vx_tunnel_count(snap, t, key,
		    (enum vx_tun_ctr)c, b->ctr[c], 0) != 0)
			return vx_err_set(err, VX_E_NOMEM, "out of memory");
	}
	if ((rc = set_attr(snap, t, VX_TA_INTERFACE, ctx->iface, err)) != 0 ||
	    (rc = set_attr(snap, t, VX_TA_CRYPTO_MAP, ctx->map, err)) != 0 ||
	    (rc = set_attr(snap, t, VX_TA_LOCAL_ADDR, b->endpt[0] != '\0' ?
	    b->endpt : ctx->local, err)) != 0 ||
	    (rc = set_attr(snap, t, VX_TA_NAT_T, !b->settings ? NULL :
	    b->nat_t ? "true" : "false", err)) != 0 ||
	    (rc = set_attr(snap, t, VX_TA_IKE_VERSION, b->ike == 0 ? NULL :
	    b->ike == 1 ? "1" : "2", err)) != 0 ||
	    (rc = set_attr(snap, t, VX_TA_MODE, b->mode, err)) != 0)
		return rc;

	/*
	 * 8.x output has no "current inbound spi" line: a lone SA of a
	 * direction is then its current one.
	 */
	if (!b->cur_in_set && b->nin == 1) {
		b->cur_in = b->in[0].spi;
		b->cur_in_set = true;
	}
	if (!b->cur_out_set && b->nout == 1) {
		b->cur_out = b->out[0].spi;
		b->cur_out_set = true;
	}
	if (b->cur_in_set || b->cur_out_set) {
		rc = add_sa(snap, t, b, b->cur_in_set, b->cur_in, b->cur_out_set,
		    b->cur_out, VX_SA_ACTIVE, err);
		if (rc != 0)
			return rc;
	}
	nin = others(b->in, b->nin, b->cur_in_set, b->cur_in, oin);
	nout = others(b->out, b->nout, b->cur_out_set, b->cur_out, oout);
	for (size_t i = 0; i < nin || i < nout; i++) {
		bool in_known = i >= nin || b->cur_in_set;
		bool out_known = i >= nout || b->cur_out_set;

		rc = add_sa(snap, t, b, i < nin, i < nin ? oin[i] : 0, i < nout,
		    i < nout ? oout[i] : 0, in_known && out_known ?
		    VX_SA_EXPIRING : VX_SA_UNKNOWN, err);
		if (rc != 0)
			return rc;
	}
	if (b->cur_in_set)
		note_life(t, b->in, b->nin, b->cur_in);
	if (b->cur_out_set)
		note_life(t, b->out, b->nout, b->cur_out);
	bundle_reset(b);
	return 0;
}

/* "#pkts encaps: 0, #pkts encrypt: 0, #pkts digest: 0" */
static int
counter_line(struct bundle *b, const struct vx_line *l, struct vx_err *err)
{
	const char	*p = l->s, *end = l->s + l->len;
	struct vx_tok	 it;

	while (vx_txt_item(&p, end, ',', &it)) {
		const char	*item = it.s;
		size_t		 ilen = it.len, klen, vlen = 0;
		uint64_t	 v;

		while (ilen > 0 && *item == '#') {
			item++;
			ilen--;
		}
		if (ilen == 0)
			continue;
		/* The value is the last word; the key the rest, less ':'. */
		while (vlen < ilen && !vx_txt_blank(item[ilen - vlen - 1]) &&
		    item[ilen - vlen - 1] != ':')
			vlen++;
		klen = ilen - vlen;
		while (klen > 0 && (vx_txt_blank(item[klen - 1]) ||
		    item[klen - 1] == ':'))
			klen--;
		for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]);
		    i++) {
			if (!vx_txt_eq_ws(item, klen, counters[i].key))
				continue;
			if (!vx_parse_u64(item + ilen - vlen, vlen, &v))
				return vx_txt_err(err, VX_E_PARSE, l,
				    "bad counter value");
			b->ctr[counters[i].ctr] += v;
			b->ctr_set |= 1u << counters[i].ctr;
			break;
		}
	}
	return 0;
}

/* "in use settings ={L2L, Tunnel,  NAT-T-Encaps, IKEv1, }" */
static int
settings_line(struct bundle *b, const struct vx_line *l, struct vx_err *err)
{
	const char	*open = memchr(l->s, '{', l->len);
	const char	*close, *p;
	struct vx_tok	 it;

	if (open == NULL || (close = memchr(open, '}',
	    (size_t)(l->s + l->len - open))) == NULL)
		return vx_txt_err(err, VX_E_PARSE, l, "'in use settings' "
		    "without '{...}'");
	b->settings = true;
	p = open + 1;
	while (vx_txt_item(&p, close, ',', &it)) {
		if (vx_txt_eq(it.s, it.len, "NAT-T-Encaps"))
			b->nat_t = true;
		else if (vx_txt_eq(it.s, it.len, "IKEv1"))
			b->ike = 1;
		else if (vx_txt_eq(it.s, it.len, "IKEv2"))
			b->ike = 2;
		else if (vx_txt_eq(it.s, it.len, "Tunnel"))
			b->mode = "tunnel";
		else if (vx_txt_eq(it.s, it.len, "Transport"))
			b->mode = "transport";
	}
	return 0;
}

/*
 * "remaining key lifetime (kB/sec): (2699423/25461)" or
 * "remaining key lifetime (sec): 548" (the value after "sa timing:").
 */
static int
timing_line(struct bundle *b, const struct vx_line *l, const char *v,
    size_t vlen, struct vx_err *err)
{
	const char	*c = memchr(v, ':', vlen);
	const char	*val, *slash, *close;
	size_t		 klen, n;
	uint64_t	 kb, s;

	if (c == NULL)
		return vx_txt_err(err, VX_E_PARSE, l, "bad 'sa timing' line");
	klen = (size_t)(c - v);
	n = (size_t)(v + vlen - c - 1);
	val = vx_txt_trim(c + 1, &n);
	if (b->last == NULL)
		return vx_txt_err(err, VX_E_PARSE, l, "'sa timing' outside "
		    "an SA");
	if (vx_txt_eq_ws(v, klen, "remaining key lifetime (sec)")) {
		if (!vx_parse_u64(val, n, &s) || s > INT64_MAX)
			return vx_txt_err(err, VX_E_PARSE, l, "bad lifetime");
		b->last->life_s = (int64_t)s;
		b->last->life_s_set = true;
		return 0;
	}
	if (!vx_txt_eq_ws(v, klen, "remaining key lifetime (kB/sec)") &&
	    !vx_txt_eq_ws(v, klen, "remaining key lifetime (k/sec)"))
		return 0;	/* some other timing: not ours */
	if (n < 2 || val[0] != '(' || val[n - 1] != ')' ||
	    (slash = memchr(val, '/', n)) == NULL)
		return vx_txt_err(err, VX_E_PARSE, l, "bad lifetime");
	close = val + n - 1;
	if (!vx_parse_u64(val + 1, (size_t)(slash - val - 1), &kb) ||
	    !vx_parse_u64(slash + 1, (size_t)(close - slash - 1), &s) ||
	    kb > INT64_MAX || s > INT64_MAX)
		return vx_txt_err(err, VX_E_PARSE, l, "bad lifetime");
	b->last->life_kb = (int64_t)kb;
	b->last->life_kb_set = true;
	b->last->life_s = (int64_t)s;
	b->last->life_s_set = true;
	return 0;
}

static int
add_ent(struct bundle *b, enum sa_dir dir, uint32_t spi,
    const struct vx_line *l, struct vx_err *err)
{
	struct sa_ent	*e = dir == DIR_IN ? b->in : b->out;
	size_t		*n = dir == DIR_IN ? &b->nin : &b->nout;

	for (size_t i = 0; i < *n; i++) {
		if (e[i].spi == spi) {
			b->last = &e[i];
			return 0;
		}
	}
	if (*n == SA_MAX)
		return vx_txt_err(err, VX_E_PARSE, l, "too many SAs in one "
		    "bundle");
	memset(&e[*n], 0, sizeof(e[*n]));
	e[*n].spi = spi;
	b->last = &e[(*n)++];
	return 0;
}

/* "ESP spi in/out: 0x8d2c8231/0xea8a498e" */
static int
esp_pair(struct bundle *b, const struct vx_line *l, const char *v,
    size_t vlen, struct vx_err *err)
{
	const char	*slash = memchr(v, '/', vlen);
	uint32_t	 in, out;
	int		 rc;

	vlen = first_word(v, vlen, '\0');
	if (slash == NULL || slash >= v + vlen ||
	    !vx_parse_spi_hex(v, (size_t)(slash - v), &in) ||
	    !vx_parse_spi_hex(slash + 1, (size_t)(v + vlen - slash - 1), &out))
		return vx_txt_err(err, VX_E_PARSE, l, "bad SPI pair");
	if ((rc = add_ent(b, DIR_IN, in, l, err)) != 0 ||
	    (rc = add_ent(b, DIR_OUT, out, l, err)) != 0)
		return rc;
	b->last = NULL;
	if (!b->cur_in_set && !b->cur_out_set) {
		b->cur_in = in;
		b->cur_out = out;
		b->cur_in_set = b->cur_out_set = true;
	}
	return 0;
}

/* "Crypto map tag: CMAP, seq num: 2, local addr: 192.0.2.1" */
static int
map_line(struct ipsec_ctx *ctx, const struct vx_line *l, struct vx_err *err)
{
	const char	*p = l->s, *end = l->s + l->len;
	char		 map[VX_MODEL_STR_MAX + 1] = "";
	uint64_t	 seq = 0;
	bool		 seq_set = false;
	struct vx_tok	 it;

	ctx->local[0] = '\0';
	while (vx_txt_item(&p, end, ',', &it)) {
		struct vx_line	 item = { it.s, it.len, l->no };
		const char	*k, *v;
		size_t		 klen, vlen;

		if (!colon_split(&item, &k, &klen, &v, &vlen))
			continue;
		if (vx_txt_eq_ws(k, klen, "Crypto map tag")) {
			if (!vx_txt_copy_word(map, sizeof(map), v, vlen))
				return vx_txt_err(err, VX_E_PARSE, l,
				    "bad crypto map name");
		} else if (vx_txt_eq_ws(k, klen, "seq num")) {
			if (!vx_parse_u64(v, vlen, &seq))
				return vx_txt_err(err, VX_E_PARSE, l,
				    "bad crypto map sequence number");
			seq_set = true;
		} else if (vx_txt_eq_ws(k, klen, "local addr")) {
			if (!vx_txt_copy_word(ctx->local, sizeof(ctx->local),
			    v, vlen))
				return vx_txt_err(err, VX_E_PARSE, l,
				    "bad local address");
		}
	}
	if (map[0] == '\0')
		return vx_txt_err(err, VX_E_PARSE, l, "no crypto map name");
	if (seq_set)
		snprintf(ctx->map, sizeof(ctx->map), "%.200s:%llu", map,
		    (unsigned long long)seq);
	else
		snprintf(ctx->map, sizeof(ctx->map), "%s", map);
	return 0;
}

int
asa_parse_ipsec_sa(const char *text, size_t len, struct vx_snapshot *snap,
    struct vx_err *err)
{
	struct asa_lines	 it;
	struct vx_line		 l;
	struct ipsec_ctx	 ctx;
	struct bundle		 b;
	bool			 started = false;
	int			 rc;

	memset(&ctx, 0, sizeof(ctx));
	bundle_reset(&b);
	if ((rc = asa_lines_begin(&it, text, len, err)) != 0)
		return rc;
	while (asa_lines_next(&it, &l)) {
		struct vx_tok	 t[4];
		const char	*k = NULL, *v = NULL;
		size_t		 klen = 0, vlen = 0, n;
		uint32_t	 spi;
		bool		 kv;

		if (vx_txt_eq_ws(l.s, l.len, "There are no ipsec sas")) {
			started = true;
			continue;
		}
		kv = colon_split(&l, &k, &klen, &v, &vlen);
		n = vx_txt_split_kv(l.s, l.len, t, 4);

		if (kv && vx_txt_eq(k, klen, "interface")) {
			if ((rc = bundle_flush(&b, &ctx, snap, err)) != 0)
				return rc;
			memset(&ctx, 0, sizeof(ctx));
			if (!vx_txt_copy_word(ctx.iface, sizeof(ctx.iface), v,
			    vlen))
				return vx_txt_err(err, VX_E_PARSE, &l,
				    "bad interface name");
			started = true;
			continue;
		}
		if (kv && vx_txt_eq_ws(k, klen, "peer address")) {
			if ((rc = bundle_flush(&b, &ctx, snap, err)) != 0)
				return rc;
			started = true;
			continue;
		}
		if (kv && vx_txt_eq_ws(k, klen, "Crypto map tag")) {
			if ((rc = bundle_flush(&b, &ctx, snap, err)) != 0)
				return rc;
			if ((rc = map_line(&ctx, &l, err)) != 0)
				return rc;
			started = true;
			continue;
		}
		if (n >= 1 && vx_txt_eq(t[0].s, t[0].len, "current_peer")) {
			size_t i = n >= 2 && t[1].len == 1 && t[1].s[0] == ':' ?
			    2 : 1;

			if ((rc = bundle_flush(&b, &ctx, snap, err)) != 0)
				return rc;
			if (i >= n || !vx_txt_copy_word(b.peer, sizeof(b.peer),
			    t[i].s, t[i].len))
				return vx_txt_err(err, VX_E_PARSE, &l,
				    "bad current_peer");
			memcpy(b.lident, ctx.lident, sizeof(b.lident));
			memcpy(b.rident, ctx.rident, sizeof(b.rident));
			ctx.lident[0] = ctx.rident[0] = '\0';
			b.active = true;
			started = true;
			continue;
		}
		if (!started)
			return vx_txt_err(err, VX_E_PARSE, &l, "not 'show "
			    "crypto ipsec sa' output");
		/* A new bundle's selectors end the previous bundle. */
		if (vx_txt_prefix(l.s, l.len, "access-list ")) {
			if ((rc = bundle_flush(&b, &ctx, snap, err)) != 0)
				return rc;
			ctx.lident[0] = ctx.rident[0] = '\0';
			continue;
		}
		if (kv && (vx_txt_eq_ws(k, klen, "local ident "
		    "(addr/mask/prot/port)") || vx_txt_eq_ws(k, klen,
		    "remote ident (addr/mask/prot/port)"))) {
			char *dst = (k[0] == 'l' || k[0] == 'L') ? ctx.lident :
			    ctx.rident;

			if ((rc = bundle_flush(&b, &ctx, snap, err)) != 0)
				return rc;
			ident_value(dst, VX_MODEL_STR_MAX + 1, v, vlen);
			continue;
		}
		if (l.s[0] == '#') {
			if (!b.active)
				return vx_txt_err(err, VX_E_PARSE, &l,
				    "counters outside an SA bundle");
			if ((rc = counter_line(&b, &l, err)) != 0)
				return rc;
			continue;
		}
		if (vx_txt_prefix(l.s, l.len, "in use settings")) {
			if (!b.active)
				return vx_txt_err(err, VX_E_PARSE, &l,
				    "settings outside an SA bundle");
			if ((rc = settings_line(&b, &l, err)) != 0)
				return rc;
			continue;
		}
		if (!kv)
			continue;
		if (vx_txt_eq_ws(k, klen, "inbound esp sas") ||
		    vx_txt_eq_ws(k, klen, "inbound ah sas")) {
			b.dir = DIR_IN;
			b.last = NULL;
		} else if (vx_txt_eq_ws(k, klen, "outbound esp sas") ||
		    vx_txt_eq_ws(k, klen, "outbound ah sas")) {
			b.dir = DIR_OUT;
			b.last = NULL;
		} else if (vx_txt_eq_ws(k, klen, "inbound pcp sas") ||
		    vx_txt_eq_ws(k, klen, "outbound pcp sas")) {
			b.dir = DIR_SKIP;
			b.last = NULL;
		} else if (vx_txt_eq(k, klen, "spi")) {
			if (!b.active || b.dir == DIR_NONE)
				return vx_txt_err(err, VX_E_PARSE, &l,
				    "SPI outside an inbound/outbound SA list");
			if (!spi_value(v, vlen, &spi))
				return vx_txt_err(err, VX_E_PARSE, &l,
				    "bad SPI");
			if (b.dir == DIR_SKIP)
				continue;
			if ((rc = add_ent(&b, b.dir, spi, &l, err)) != 0)
				return rc;
		} else if (vx_txt_eq_ws(k, klen, "current outbound spi") ||
		    vx_txt_eq_ws(k, klen, "current inbound spi")) {
			bool out = vx_txt_eq_ws(k, klen,
			    "current outbound spi");

			if (!b.active)
				return vx_txt_err(err, VX_E_PARSE, &l,
				    "SPI outside an SA bundle");
			if (!spi_value(v, vlen, &spi))
				return vx_txt_err(err, VX_E_PARSE, &l,
				    "bad SPI");
			/* 0 is no SA (SPI 0 is reserved, RFC 4303). */
			if (spi != 0 && out) {
				b.cur_out = spi;
				b.cur_out_set = true;
			} else if (spi != 0) {
				b.cur_in = spi;
				b.cur_in_set = true;
			}
		} else if (vx_txt_eq_ws(k, klen, "ESP spi in/out")) {
			if (!b.active)
				return vx_txt_err(err, VX_E_PARSE, &l,
				    "SPI outside an SA bundle");
			if ((rc = esp_pair(&b, &l, v, vlen, err)) != 0)
				return rc;
		} else if (vx_txt_eq_ws(k, klen, "sa timing")) {
			if (b.dir == DIR_SKIP)
				continue;
			if ((rc = timing_line(&b, &l, v, vlen, err)) != 0)
				return rc;
		} else if (vx_txt_eq_ws(k, klen, "local crypto endpt.")) {
			size_t w = first_word(v, vlen, ',');

			if (!b.active)
				continue;
			if (!vx_txt_copy_word(b.endpt, sizeof(b.endpt), v,
			    strip_port(v, w)))
				return vx_txt_err(err, VX_E_PARSE, &l,
				    "bad local crypto endpoint");
		}
	}
	if (!started)
		return vx_err_set(err, VX_E_PARSE, "empty output (no "
		    "'interface:' line and no 'There are no ipsec sas')");
	return bundle_flush(&b, &ctx, snap, err);
}
