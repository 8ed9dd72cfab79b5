/*
 * "show security ipsec security-associations [detail]" -> tunnels, SA
 * pairs, lifetimes (srx.h).  XML:
 *
 *   <ipsec-security-associations-information>
 *     <total-active-tunnels>1</total-active-tunnels>
 *     <ipsec-security-associations-block>
 *       <sa-block-state>up</sa-block-state>
 *       <sa-vpn-name>vpn1</sa-vpn-name>             (detail)
 *       <sa-remote-gateway>192.0.2.1</...>          (detail)
 *       <ipsec-security-associations>
 *         <sa-direction>&lt;</sa-direction>         (detail: inbound)
 *         <sa-tunnel-index>131073</sa-tunnel-index>
 *         <sa-spi>4ef526a8</sa-spi>
 *         <sa-remote-gateway>192.0.2.1</sa-remote-gateway>
 *         <sa-port>500</sa-port>
 *         <sa-vpn-monitoring-state>-</sa-vpn-monitoring-state>
 *         <sa-hard-lifetime>2473</sa-hard-lifetime> (detail: Expires in
 *                                                     2473 seconds)
 *         <sa-lifesize-remaining>unlim</...>
 *
 * Text, brief ("<131073 ESP:aes-gcm-256/None 4ef526a8 2473/ unlim - root
 * 500 192.0.2.1") and detail ("ID: 500002 Virtual-system: root, VPN Name:
 * 4700", "Direction: inbound, SPI: 0x6304b842, AUX-SPI: 0", "Hard
 * lifetime: Expires in 3179 seconds", ...).
 */
#include "srx_int.h"

#include <stdio.h>
#include <string.h>

#include "numparse.h"

#include "banned.h"

#define PAYLOAD	"ipsec-security-associations-information"

/* The monitor's state as one letter: U, D, V or '-'. */
static char
mon_letter(const char *s)
{
	if (s[0] == '-')
		return '-';
	if (s[0] == 'u' || s[0] == 'U')
		return 'U';
	if (s[0] == 'd' || s[0] == 'D')
		return 'D';
	if (s[0] == 'v' || s[0] == 'V')
		return 'V';
	return 0;
}

/* "Tunnel(3 30)" -> "tunnel". */
static void
mode_word(const char *s, char *buf, size_t size)
{
	size_t n = 0;

	while (s[n] >= 'A' && s[n] <= 'z' && s[n] != '(' && n + 1 < size) {
		buf[n] = s[n] >= 'A' && s[n] <= 'Z' ? (char)(s[n] - 'A' + 'a') :
		    s[n];
		n++;
	}
	buf[n] = '\0';
}

static void
set_life_kb(struct srx_sa *sa, const char *s)
{
	int64_t kb;

	if (!srx_unlimited(s) && srx_first_number(s, &kb)) {
		sa->has_life_kb = true;
		sa->life_kb = kb;
	}
}

/* XML. */

static const char *
ctext(const xmlNode *e, const char *name, char *buf, size_t size)
{
	return vx_xml_child_text(e, name, buf, size);
}

static int
xml_sa(struct srx_tunnel *t, const xmlNode *e, struct vx_err *err)
{
	struct srx_sa	*sa;
	char		 buf[SRX_NAME_MAX];
	int64_t		 v;

	if ((sa = srx_tunnel_sa(t)) == NULL)
		return 0;	/* more SAs than a rekey makes: ignored */
	if (ctext(e, "sa-direction", buf, sizeof(buf)) == NULL)
		return vx_err_set(err, VX_E_PARSE, "line %d: an SA without "
		    "<sa-direction>", vx_xml_line(e));
	sa->inbound = buf[0] == '<' || strcmp(buf, "inbound") == 0;
	if (!sa->inbound && buf[0] != '>' && strcmp(buf, "outbound") != 0)
		return vx_err_set(err, VX_E_PARSE, "line %d: <sa-direction> "
		    "'%s' is neither < nor >", vx_xml_line(e), buf);
	if (ctext(e, "sa-spi", buf, sizeof(buf)) != NULL &&
	    !srx_spi(buf, &sa->spi, &sa->has_spi))
		return vx_err_set(err, VX_E_PARSE, "line %d: <sa-spi> '%s' is "
		    "not an SPI", vx_xml_line(e), buf);
	if (ctext(e, "sa-hard-lifetime", buf, sizeof(buf)) != NULL &&
	    srx_first_number(buf, &v)) {
		sa->has_life_s = true;
		sa->life_s = v;
	}
	if (ctext(e, "sa-lifesize-remaining", buf, sizeof(buf)) != NULL)
		set_life_kb(sa, buf);
	if (ctext(e, "sa-vpn-monitoring-state", buf, sizeof(buf)) != NULL)
		sa->mon = mon_letter(buf);
	if (ctext(e, "sa-port", buf, sizeof(buf)) != NULL &&
	    srx_first_number(buf, &v) && v > 0 && v < 65536)
		sa->port = (unsigned)v;
	if (t->index[0] == '\0')
		ctext(e, "sa-tunnel-index", t->index, sizeof(t->index));
	if (t->peer[0] == '\0')
		ctext(e, "sa-remote-gateway", t->peer, sizeof(t->peer));
	if (t->mode[0] == '\0' && ctext(e, "sa-mode", buf, sizeof(buf)) != NULL)
		mode_word(buf, t->mode, sizeof(t->mode));
	return 0;
}

static int
xml_block(struct vx_snapshot *snap, const struct srx_part *p,
    const xmlNode *b, struct vx_err *err)
{
	struct srx_tunnel	 t;
	const xmlNode		*c;
	char			 buf[64];
	int			 rc;

	srx_tunnel_init(&t, p->node, vx_xml_line(b));
	if (ctext(b, "sa-block-state", buf, sizeof(buf)) != NULL)
		t.state = strcmp(buf, "up") == 0 ? 1 : 0;
	ctext(b, "sa-vpn-name", t.name, sizeof(t.name));
	ctext(b, "sa-tunnel-index", t.index, sizeof(t.index));
	ctext(b, "sa-remote-gateway", t.peer, sizeof(t.peer));
	ctext(b, "sa-local-gateway", t.local, sizeof(t.local));
	ctext(b, "sa-local-identity", t.lident, sizeof(t.lident));
	ctext(b, "sa-remote-identity", t.rident, sizeof(t.rident));
	if (ctext(b, "sa-ike-version", buf, sizeof(buf)) != NULL)
		snprintf(t.ike_version, sizeof(t.ike_version), "%s",
		    srx_ike_version(buf));
	c = vx_xml_child(b, "sa-df-bit-policy-name");
	if (ctext(c != NULL ? c : b, "sa-bind-interface", t.iface,
	    sizeof(t.iface)) == NULL)
		t.iface[0] = '\0';
	for (c = vx_xml_child(b, "ipsec-security-associations"); c != NULL;
	    c = vx_xml_next(c, "ipsec-security-associations")) {
		if ((rc = xml_sa(&t, c, err)) != 0)
			return rc;
	}
	/* The block's port (detail) when the SAs do not say. */
	c = vx_xml_child(b, "sa-dev-info");
	if (c != NULL && ctext(c, "sa-port", buf, sizeof(buf)) != NULL) {
		int64_t port;

		for (size_t i = 0; i < t.nsas; i++) {
			if (t.sas[i].port == 0 && srx_first_number(buf, &port) &&
			    port > 0 && port < 65536)
				t.sas[i].port = (unsigned)port;
		}
	}
	return srx_tunnel_emit(snap, &t, err);
}

static int
xml_part(struct vx_snapshot *snap, const struct srx_part *p,
    struct vx_err *err)
{
	char	buf[32];
	int	rc;

	if (ctext(p->xml, "total-active-tunnels", buf, sizeof(buf)) != NULL) {
		uint64_t n;

		if (!vx_parse_u64(buf, strlen(buf), &n))
			return vx_err_set(err, VX_E_PARSE, "line %d: "
			    "<total-active-tunnels> '%s' is not a number",
			    vx_xml_line(p->xml), buf);
		if (vx_snapshot_set_node_dev(snap, p->node,
		    VX_DV_IPSEC_ACTIVE_TUNNELS, n, VX_PRIO_NORMAL) != 0)
			return vx_err_set(err, VX_E_NOMEM, "out of memory");
	}
	for (const xmlNode *b = vx_xml_child(p->xml,
	    "ipsec-security-associations-block"); b != NULL;
	    b = vx_xml_next(b, "ipsec-security-associations-block")) {
		if ((rc = xml_block(snap, p, b, err)) != 0)
			return rc;
	}
	return 0;
}

/* Text. */

struct text_state {
	struct vx_snapshot	*snap;
	const struct srx_part	*part;
	struct srx_tunnel	 t;
	bool			 open;		/* t holds a tunnel */
	struct srx_sa		*last;		/* detail: the SA being read */
};

static int
flush(struct text_state *ts, struct vx_err *err)
{
	int rc = 0;

	if (ts->open)
		rc = srx_tunnel_emit(ts->snap, &ts->t, err);
	ts->open = false;
	ts->last = NULL;
	return rc;
}

static int
start(struct text_state *ts, const struct vx_line *l, struct vx_err *err)
{
	int rc = flush(ts, err);

	srx_tunnel_init(&ts->t, ts->part->node, l->no);
	ts->open = true;
	return rc;
}

/*
 * A brief row: "<131073 ESP:aes-gcm-256/None 4ef526a8 2473/ unlim - root
 * 500 192.0.2.1" (the direction glued to the tunnel index; the lifetime
 * as "2473/ unlim", "2473/unlim" or "2473/ 1024").
 */
static int
brief_row(struct text_state *ts, const struct vx_line *l, struct vx_err *err)
{
	struct vx_tok	 tok[16];
	size_t		 n = vx_txt_split(l->s, l->len, tok, 16), i = 3;
	char		 index[24], buf[SRX_NAME_MAX];
	struct srx_sa	*sa;
	int64_t		 v;
	int		 rc;

	if (n < 8 || tok[0].len < 2)
		return vx_txt_err(err, VX_E_PARSE, l, "short SA row");
	vx_txt_cstr(index, sizeof(index), tok[0].s + 1, tok[0].len - 1);
	if (!ts->open || strcmp(ts->t.index, index) != 0) {
		if ((rc = start(ts, l, err)) != 0)
			return rc;
		snprintf(ts->t.index, sizeof(ts->t.index), "%s", index);
	}
	if ((sa = srx_tunnel_sa(&ts->t)) == NULL)
		return 0;
	sa->inbound = tok[0].s[0] == '<';
	vx_txt_cstr(buf, sizeof(buf), tok[2].s, tok[2].len);
	if (!srx_spi(buf, &sa->spi, &sa->has_spi))
		return vx_txt_err(err, VX_E_PARSE, l, "not an SPI");
	/* Life: "2473/", "unlim" | "2473/unlim" | "unlim". */
	vx_txt_cstr(buf, sizeof(buf), tok[3].s, tok[3].len);
	if (!srx_unlimited(buf) && srx_first_number(buf, &v)) {
		sa->has_life_s = true;
		sa->life_s = v;
	}
	if (tok[3].s[tok[3].len - 1] == '/') {
		i = 4;
		vx_txt_cstr(buf, sizeof(buf), tok[4].s, tok[4].len);
		set_life_kb(sa, buf);
	} else {
		const char *slash = memchr(tok[3].s, '/', tok[3].len);

		if (slash != NULL) {
			vx_txt_cstr(buf, sizeof(buf), slash + 1,
			    tok[3].len - (size_t)(slash + 1 - tok[3].s));
			set_life_kb(sa, buf);
		}
	}
	/* Then Mon, lsys, Port, Gateway. */
	if (n < i + 5)
		return vx_txt_err(err, VX_E_PARSE, l, "short SA row");
	sa->mon = tok[i + 1].len == 1 ? mon_letter(tok[i + 1].s) : 0;
	vx_txt_cstr(buf, sizeof(buf), tok[i + 3].s, tok[i + 3].len);
	if (srx_first_number(buf, &v) && v > 0 && v < 65536)
		sa->port = (unsigned)v;
	if (ts->t.peer[0] == '\0') {
		const char	*g = tok[i + 4].s;
		size_t		 gl = tok[i + 4].len;

		if (gl > 2 && g[0] == '[' && g[gl - 1] == ']') {
			g++;
			gl -= 2;
		}
		vx_txt_cstr(ts->t.peer, sizeof(ts->t.peer), g, gl);
	}
	return 0;
}

/* "Local Gateway: 192.0.2.2, Remote Gateway: 192.0.2.1" and friends. */
static void
detail_block_line(struct text_state *ts, const struct vx_line *l)
{
	struct srx_tunnel	*t = &ts->t;
	char			 buf[SRX_NAME_MAX];

	srx_field(l, "VPN Name", t->name, sizeof(t->name));
	srx_field(l, "Local Gateway", t->local, sizeof(t->local));
	srx_field(l, "Remote Gateway", t->peer, sizeof(t->peer));
	srx_field(l, "Local Identity", t->lident, sizeof(t->lident));
	srx_field(l, "Remote Identity", t->rident, sizeof(t->rident));
	srx_field(l, "Bind-interface", t->iface, sizeof(t->iface));
	if (srx_field(l, "Version", buf, sizeof(buf)) != NULL)
		snprintf(t->ike_version, sizeof(t->ike_version), "%s",
		    srx_ike_version(buf));
	if (srx_field(l, "State", buf, sizeof(buf)) != NULL &&
	    ts->last == NULL)
		t->state = vx_txt_eq(buf, strlen(buf), "up") ? 1 : 0;
}

/* Lines of one SA in detail: direction, SPI, monitor, lifetimes. */
static int
detail_sa_line(struct text_state *ts, const struct vx_line *l,
    struct vx_err *err)
{
	struct srx_sa	*sa;
	char		 buf[SRX_NAME_MAX];
	int64_t		 v;

	if (srx_field(l, "Direction", buf, sizeof(buf)) != NULL) {
		ts->last = sa = srx_tunnel_sa(&ts->t);
		if (sa == NULL)
			return 0;
		sa->inbound = vx_txt_eq(buf, strlen(buf), "inbound");
		if (srx_field(l, "SPI", buf, sizeof(buf)) == NULL ||
		    !srx_spi(buf, &sa->spi, &sa->has_spi))
			return vx_txt_err(err, VX_E_PARSE, l, "no SPI");
		if (ts->t.nsas > 0 && ts->t.sas[0].port != 0)
			sa->port = ts->t.sas[0].port;
	}
	if ((sa = ts->last) == NULL)
		return 0;
	if (srx_field(l, "VPN Monitoring", buf, sizeof(buf)) != NULL)
		sa->mon = mon_letter(buf);
	if (srx_field(l, "Hard lifetime", buf, sizeof(buf)) != NULL &&
	    srx_first_number(buf, &v)) {
		sa->has_life_s = true;
		sa->life_s = v;
	}
	if (srx_field(l, "Lifesize Remaining", buf, sizeof(buf)) != NULL)
		set_life_kb(sa, buf);
	if (srx_field(l, "Mode", buf, sizeof(buf)) != NULL &&
	    ts->t.mode[0] == '\0')
		mode_word(buf, ts->t.mode, sizeof(ts->t.mode));
	return 0;
}

static int
text_part(struct vx_snapshot *snap, const struct srx_part *p,
    struct vx_err *err)
{
	struct text_state	ts = { .snap = snap, .part = p };
	struct srx_lines	it;
	struct vx_line		l;
	unsigned		port = 0;
	int			rc = 0;

	srx_lines_begin(&it, p);
	while (rc == 0 && srx_lines_next(&it, &l)) {
		char	buf[SRX_NAME_MAX];
		int64_t	v;

		if (srx_field(&l, "Total active tunnels", buf,
		    sizeof(buf)) != NULL) {
			if (!srx_first_number(buf, &v) || v < 0)
				return vx_txt_err(err, VX_E_PARSE, &l,
				    "not a number");
			if (vx_snapshot_set_node_dev(snap, p->node,
			    VX_DV_IPSEC_ACTIVE_TUNNELS, (uint64_t)v,
			    VX_PRIO_NORMAL) != 0)
				return vx_err_set(err, VX_E_NOMEM,
				    "out of memory");
		} else if ((l.s[0] == '<' || l.s[0] == '>') && l.len > 1 &&
		    l.s[1] >= '0' && l.s[1] <= '9') {
			rc = brief_row(&ts, &l, err);
		} else if (srx_field(&l, "ID", buf, sizeof(buf)) != NULL &&
		    vx_txt_prefix(l.s, l.len, "ID:")) {
			rc = start(&ts, &l, err);
			/* "ID: 500002 Virtual-system: root, VPN Name: x" */
			snprintf(ts.t.index, sizeof(ts.t.index), "%.*s",
			    (int)strcspn(buf, " "), buf);
			port = 0;
			detail_block_line(&ts, &l);
		} else if (ts.open && ts.last == NULL &&
		    srx_field(&l, "Direction", buf, sizeof(buf)) == NULL) {
			detail_block_line(&ts, &l);
			if (srx_field(&l, "Port", buf, sizeof(buf)) != NULL &&
			    srx_first_number(buf, &v) && v > 0 && v < 65536)
				port = (unsigned)v;
		} else if (ts.open) {
			rc = detail_sa_line(&ts, &l, err);
			if (rc == 0 && ts.last != NULL && ts.last->port == 0)
				ts.last->port = port;
		}
	}
	if (rc == 0)
		rc = flush(&ts, err);
	return rc;
}

static const struct srx_forms forms = { PAYLOAD, xml_part, text_part };

int
srx_parse_ipsec_sa(const char *text, size_t len, struct vx_snapshot *snap,
    struct vx_err *err)
{
	return srx_parse_forms(text, len, &forms, snap, err);
}
