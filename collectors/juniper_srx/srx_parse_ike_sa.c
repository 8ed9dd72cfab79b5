/*
 * "show security ike security-associations [detail]" -> IKE SAs (srx.h).
 * XML, brief (one <ike-security-associations> per SA) or detail (one
 * <ike-security-associations-block> per peer around it):
 *
 *   <ike-security-associations-information junos:style="detail">
 *     <ike-security-associations-block>
 *       <ike-sa-remote-address>192.0.2.1</ike-sa-remote-address>
 *       <ike-security-associations>
 *         <ike-sa-role>responder</ike-sa-role>
 *         <ike-sa-state>UP</ike-sa-state>
 *         <ike-sa-exchange-type>IKEv2</ike-sa-exchange-type>
 *         <ike-sa-local-address>192.0.2.2</ike-sa-local-address>
 *         <ike-sa-lifetime>Expires in 27590 seconds</ike-sa-lifetime>
 *
 * Text, brief ("3128619 UP f8e8... 8b2b... IKEv2 192.0.2.1") and detail
 * ("IKE peer 192.0.2.1, Index 3128619, Gateway Name: gw", "Role:
 * Responder, State: UP", "Exchange type: IKEv2, ...", "Local:
 * 192.0.2.2:500, Remote: 192.0.2.1:500", "Lifetime: Expires in N
 * seconds").
 */
#include "srx_int.h"

#include <stdio.h>
#include <string.h>

#include "banned.h"

#define PAYLOAD	"ike-security-associations-information"

/* One IKE SA as read. */
struct ike {
	char	peer[SRX_NAME_MAX];
	char	state[16];
	char	role[16];
	char	version[4];
	char	local[SRX_NAME_MAX];
	bool	has_life;
	int64_t	life_s;
	int	line;
};

struct count {
	uint64_t	up;
};

/* "192.0.2.2:500" -> "192.0.2.2"; IPv6 ("[2001:db8::1]:500") unbracketed. */
static void
strip_port(char *addr)
{
	char	*colon = strrchr(addr, ':');
	size_t	 n = strlen(addr);

	if (addr[0] == '[') {
		char *close = strchr(addr, ']');

		if (close != NULL) {
			memmove(addr, addr + 1, (size_t)(close - addr - 1));
			addr[close - addr - 1] = '\0';
		}
		return;
	}
	/* One colon: IPv4 with a port; several: IPv6 without brackets. */
	if (colon != NULL && memchr(addr, ':', (size_t)(colon - addr)) == NULL &&
	    (size_t)(colon - addr) < n)
		*colon = '\0';
}

static int
emit(struct vx_snapshot *snap, const char *node, const struct ike *k,
    struct count *c, struct vx_err *err)
{
	struct vx_ike_sa	*sa;
	size_t			 sl = strlen(k->state);

	if (k->peer[0] == '\0')
		return vx_err_set(err, VX_E_PARSE, "line %d: an IKE SA without "
		    "a remote address", k->line);
	sa = vx_snapshot_node_ike_sa(snap, node, k->peer);
	if (sa == NULL)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	if (vx_txt_eq(k->state, sl, "UP")) {
		sa->up = true;
		sa->state = VX_IKE_ESTABLISHED;
		c->up++;
	} else if (vx_txt_eq(k->state, sl, "DOWN")) {
		/* A second SA with the peer may be up (rekey): keep it. */
		if (!sa->up)
			sa->state = VX_IKE_DOWN;
	} else if (sl > 0 && !sa->up) {
		sa->state = VX_IKE_NEGOTIATING;
	}
	if (k->has_life && (!sa->life_s_set || k->life_s > sa->life_s)) {
		sa->life_s = k->life_s;
		sa->life_s_set = true;
	}
	if (k->role[0] != '\0') {
		char role[16];

		snprintf(role, sizeof(role), "%s", k->role);
		role[0] = (char)(role[0] >= 'A' && role[0] <= 'Z' ?
		    role[0] - 'A' + 'a' : role[0]);
		vx_ike_sa_set_attr(snap, sa, VX_IA_ROLE, role);
	}
	if (k->version[0] != '\0')
		vx_ike_sa_set_attr(snap, sa, VX_IA_VERSION, k->version);
	if (k->local[0] != '\0')
		vx_ike_sa_set_attr(snap, sa, VX_IA_LOCAL_ADDR, k->local);
	return 0;
}

static void
ike_init(struct ike *k, int line)
{
	memset(k, 0, sizeof(*k));
	k->line = line;
}

/* XML: the fields of one SA element (block or SA; both may hold some). */
static void
xml_fields(struct ike *k, const xmlNode *e)
{
	char	buf[SRX_NAME_MAX];
	int64_t	v;

	(void)vx_xml_child_text(e, "ike-sa-remote-address", k->peer,
	    sizeof(k->peer));
	if (vx_xml_child_text(e, "ike-sa-state", buf, sizeof(buf)) != NULL)
		vx_txt_cstr(k->state, sizeof(k->state), buf, strlen(buf));
	if (vx_xml_child_text(e, "ike-sa-role", buf, sizeof(buf)) != NULL)
		vx_txt_cstr(k->role, sizeof(k->role), buf, strlen(buf));
	if (vx_xml_child_text(e, "ike-sa-exchange-type", buf,
	    sizeof(buf)) != NULL)
		snprintf(k->version, sizeof(k->version), "%s",
		    srx_ike_version(buf));
	if (vx_xml_child_text(e, "ike-sa-local-address", buf,
	    sizeof(buf)) != NULL) {
		strip_port(buf);
		snprintf(k->local, sizeof(k->local), "%s", buf);
	}
	if (vx_xml_child_text(e, "ike-sa-lifetime", buf, sizeof(buf)) != NULL &&
	    srx_first_number(buf, &v)) {
		k->has_life = true;
		k->life_s = v;
	}
}

static int
xml_part(struct vx_snapshot *snap, const struct srx_part *p,
    struct count *c, struct vx_err *err)
{
	int rc;

	for (const xmlNode *e = vx_xml_child(p->xml, NULL); e != NULL;
	    e = vx_xml_next(e, NULL)) {
		struct ike	 k;
		const xmlNode	*inner;

		if (!vx_xml_is(e, "ike-security-associations-block") &&
		    !vx_xml_is(e, "ike-security-associations"))
			continue;
		ike_init(&k, vx_xml_line(e));
		xml_fields(&k, e);
		inner = vx_xml_child(e, "ike-security-associations");
		if (inner == NULL) {
			if ((rc = emit(snap, p->node, &k, c, err)) != 0)
				return rc;
			continue;
		}
		/* A block: one SA per inner element, the block's peer. */
		for (; inner != NULL; inner = vx_xml_next(inner,
		    "ike-security-associations")) {
			struct ike sa = k;

			xml_fields(&sa, inner);
			sa.line = vx_xml_line(inner);
			if ((rc = emit(snap, p->node, &sa, c, err)) != 0)
				return rc;
		}
	}
	return 0;
}

/* Text. */

static bool
all_digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
	}
	return n > 0;
}

static int
text_part(struct vx_snapshot *snap, const struct srx_part *p,
    struct count *c, struct vx_err *err)
{
	struct srx_lines	it;
	struct vx_line		l;
	struct ike		k;
	bool			open = false;
	int			rc = 0;

	srx_lines_begin(&it, p);
	while (rc == 0 && srx_lines_next(&it, &l)) {
		struct vx_tok	tok[8];
		size_t		n = vx_txt_split(l.s, l.len, tok, 8);
		char		buf[SRX_NAME_MAX];
		int64_t		v;

		if (vx_txt_prefix(l.s, l.len, "IKE peer ")) {
			/* "IKE peer 192.0.2.1, Index 3128619, Gateway ..." */
			if (open && (rc = emit(snap, p->node, &k, c, err)) != 0)
				break;
			ike_init(&k, l.no);
			open = true;
			vx_txt_cstr(k.peer, sizeof(k.peer), tok[2].s,
			    tok[2].len);
			k.peer[strcspn(k.peer, ",")] = '\0';
			continue;
		}
		if (n >= 6 && all_digits(tok[0].s, tok[0].len)) {
			/* Brief: Index State Icookie Rcookie Mode Remote. */
			if (open && (rc = emit(snap, p->node, &k, c, err)) != 0)
				break;
			open = false;
			ike_init(&k, l.no);
			vx_txt_cstr(k.state, sizeof(k.state), tok[1].s,
			    tok[1].len);
			vx_txt_cstr(buf, sizeof(buf), tok[4].s, tok[4].len);
			snprintf(k.version, sizeof(k.version), "%s",
			    srx_ike_version(buf));
			vx_txt_cstr(k.peer, sizeof(k.peer), tok[5].s,
			    tok[5].len);
			rc = emit(snap, p->node, &k, c, err);
			continue;
		}
		if (!open)
			continue;
		if (srx_field(&l, "State", buf, sizeof(buf)) != NULL)
			vx_txt_cstr(k.state, sizeof(k.state), buf, strlen(buf));
		if (srx_field(&l, "Role", buf, sizeof(buf)) != NULL)
			vx_txt_cstr(k.role, sizeof(k.role), buf, strlen(buf));
		if (srx_field(&l, "Exchange type", buf, sizeof(buf)) != NULL)
			snprintf(k.version, sizeof(k.version), "%s",
			    srx_ike_version(buf));
		if (srx_field(&l, "Local", buf, sizeof(buf)) != NULL) {
			strip_port(buf);
			snprintf(k.local, sizeof(k.local), "%s", buf);
		}
		if (srx_field(&l, "Lifetime", buf, sizeof(buf)) != NULL &&
		    srx_first_number(buf, &v)) {
			k.has_life = true;
			k.life_s = v;
		}
	}
	if (rc == 0 && open)
		rc = emit(snap, p->node, &k, c, err);
	return rc;
}

static int
each_part(void *arg, const struct srx_part *p, struct vx_snapshot *snap,
    struct vx_err *err)
{
	struct count	c = { 0 };
	int		rc = 0;

	(void)arg;
	snap->ike_known = true;
	if (!p->not_configured)
		rc = p->xml != NULL ? xml_part(snap, p, &c, err) :
		    text_part(snap, p, &c, err);
	if (rc == 0 && vx_snapshot_set_node_dev(snap, p->node,
	    VX_DV_IKE_ACTIVE_TUNNELS, c.up, VX_PRIO_NORMAL) != 0)
		rc = vx_err_set(err, VX_E_NOMEM, "out of memory");
	return rc;
}

int
srx_parse_ike_sa(const char *text, size_t len, struct vx_snapshot *snap,
    struct vx_err *err)
{
	return srx_each_part(text, len, PAYLOAD, each_part, NULL, snap, err);
}
