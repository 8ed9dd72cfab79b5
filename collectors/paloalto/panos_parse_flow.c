/*
 * "show vpn flow" / "show running tunnel flow all" / "show vpn flow
 * tunnel-id N" -> tunnels (see panos.h).
 *
 *   <result><total>2</total><num_ipsec>2</num_ipsec>
 *     <IPSec>
 *       <entry><name>to-fra1</name><id>1</id><gwid>1</gwid>
 *         <inner-if>tunnel.1</inner-if><outer-if>ethernet1/1</outer-if>
 *         <localip>192.0.2.1</localip><peerip>198.51.100.7</peerip>
 *         <state>active</state><mon>up</mon><owner>1</owner></entry>
 *
 * The per-tunnel detail has the same shape, its entry with many more
 * elements: local-spi, remote-spi, remain, pkt-encap, byte-decap, ...,
 * natt, monitor/{on,status}.
 *
 * Error policy: an entry without a <name>, and a number or SPI that does
 * not read, are -VX_E_PARSE naming the line; unknown elements and states
 * are ignored (the state is then unknown), as releases add them.
 */
#include "panos_int.h"

#include <string.h>

#include "banned.h"

#define TEXT_MAX	VX_MODEL_STR_MAX

/* The detail's counters. */
static const struct {
	const char		*elem;
	enum vx_tun_ctr		 ctr;
} counters[] = {
	{ "pkt-decap",	VX_TC_PKTS_IN },
	{ "pkt-encap",	VX_TC_PKTS_OUT },
	{ "byte-decap",	VX_TC_BYTES_IN },
	{ "byte-encap",	VX_TC_BYTES_OUT },
	{ "dec-err",	VX_TC_ERR_DECRYPT },
	{ "auth-err",	VX_TC_ERR_AUTH },
	{ "pkt-replay",	VX_TC_ERR_REPLAY },
};

static enum vx_tunnel_state
flow_state(const char *s)
{
	if (strcmp(s, "active") == 0)
		return VX_TUN_ACTIVE;
	if (strcmp(s, "init") == 0)
		return VX_TUN_INIT;
	if (strcmp(s, "inactive") == 0)
		return VX_TUN_INACTIVE;
	return VX_TUN_UNKNOWN;
}

/* "True" / "False" as the detail writes booleans; NULL if neither. */
static const char *
flow_bool(const char *s)
{
	if (strcmp(s, "True") == 0 || strcmp(s, "true") == 0 ||
	    strcmp(s, "yes") == 0)
		return "true";
	if (strcmp(s, "False") == 0 || strcmp(s, "false") == 0 ||
	    strcmp(s, "no") == 0)
		return "false";
	return NULL;
}

/* <mon> of the summary, or the detail's monitor/{on,status}. */
static const char *
monitor_state(const xmlNode *e)
{
	char		 buf[32];
	const xmlNode	*m = vx_xml_child(e, "monitor");
	const char	*on, *status;

	if (vx_xml_child_text(e, "mon", buf, sizeof(buf)) != NULL) {
		if (strcmp(buf, "up") == 0)
			return "up";
		if (strcmp(buf, "down") == 0)
			return "down";
		if (strcmp(buf, "off") == 0)
			return "off";
		return NULL;
	}
	if (m == NULL || (on = vx_xml_child_text(m, "on", buf,
	    sizeof(buf))) == NULL || (on = flow_bool(on)) == NULL)
		return NULL;
	if (strcmp(on, "false") == 0)
		return "off";
	status = vx_xml_child_text(m, "status", buf, sizeof(buf));
	status = status != NULL ? flow_bool(status) : NULL;
	if (status == NULL)
		return NULL;
	return strcmp(status, "true") == 0 ? "up" : "down";
}

/* The tunnel's attributes, from the summary or the detail. */
static int
attrs(struct vx_snapshot *snap, struct vx_tunnel *t, const xmlNode *e,
    struct vx_err *err)
{
	char		 local[TEXT_MAX + 1], iface[TEXT_MAX + 1], natt[16];
	const char	*value[VX_TA__COUNT] = { NULL };

	value[VX_TA_LOCAL_ADDR] = vx_xml_child_text(e, "localip", local,
	    sizeof(local));
	value[VX_TA_INTERFACE] = vx_xml_child_text(e, "outer-if", iface,
	    sizeof(iface));
	value[VX_TA_MONITOR] = monitor_state(e);
	if (vx_xml_child_text(e, "natt", natt, sizeof(natt)) != NULL)
		value[VX_TA_NAT_T] = flow_bool(natt);
	return panos_tunnel_attrs(snap, t, value, err);
}

/* The detail of an installed SA: the pair, its lifetime, the counters. */
static int
sa_detail(struct vx_snapshot *snap, struct vx_tunnel *t, const xmlNode *e,
    uint32_t in, uint32_t out, bool has_out, struct vx_err *err)
{
	struct vx_sa	 sa = { .spi_in = in, .spi_out = out, .has_in = true,
			    .has_out = has_out && out != 0,
			    .state = VX_SA_ACTIVE };
	const xmlNode	*c;
	struct vx_part	*p;
	uint64_t	 v;
	int		 rc;

	if (vx_tunnel_add_sa(snap, t, &sa) != 0)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	if ((c = vx_xml_child(e, "remain")) != NULL) {
		if ((rc = panos_u64(c, t->name, &v, err)) != 0)
			return rc;
		vx_tunnel_note_life_s(t, v > INT64_MAX ? INT64_MAX :
		    (int64_t)v);
	}
	for (size_t i = 0; i < sizeof(counters) / sizeof(counters[0]); i++) {
		if ((c = vx_xml_child(e, counters[i].elem)) == NULL)
			continue;
		if ((rc = panos_u64(c, t->name, &v, err)) != 0)
			return rc;
		if (vx_tunnel_count(snap, t, vx_part_key_text(t->name, NULL),
		    counters[i].ctr, v, 0) != 0)
			return vx_err_set(err, VX_E_NOMEM, "out of memory");
	}
	p = vx_tunnel_find_part(t, vx_part_key_text(t->name, NULL));
	if (p != NULL)
		p->gen = in;
	return 0;
}

static int
flow_entry(struct vx_snapshot *snap, const xmlNode *e,
    panos_tunnel_fn on_tunnel, void *arg, struct vx_err *err)
{
	char			 name[TEXT_MAX + 1], peer[TEXT_MAX + 1];
	char			 state[32], id[32];
	struct vx_tunnel	*t;
	uint32_t		 in = 0, out = 0;
	bool			 has_in, has_out;
	int			 rc;

	if (vx_xml_child_text(e, "name", name, sizeof(name)) == NULL ||
	    name[0] == '\0')
		return vx_err_set(err, VX_E_PARSE, "line %d: a tunnel entry "
		    "without a <name>", vx_xml_line(e));
	if (vx_xml_child_text(e, "peerip", peer, sizeof(peer)) == NULL)
		peer[0] = '\0';
	if (vx_xml_child_text(e, "state", state, sizeof(state)) == NULL)
		state[0] = '\0';
	if ((rc = panos_spi(e, "local-spi", PANOS_SPI_HEX, name, &in, &has_in,
	    err)) != 0 || (rc = panos_spi(e, "remote-spi", PANOS_SPI_HEX, name,
	    &out, &has_out, err)) != 0)
		return rc;
	t = vx_snapshot_tunnel(snap, name, peer);
	if (t == NULL)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	t->state = flow_state(state);
	/* Active with an SA installed; the summary has no SPI to say. */
	t->up = t->state == VX_TUN_ACTIVE && (!has_in || in != 0);
	if ((rc = attrs(snap, t, e, err)) != 0 ||
	    (t->up && has_in &&
	    (rc = sa_detail(snap, t, e, in, out, has_out, err)) != 0))
		return rc;
	if (on_tunnel != NULL) {
		if (vx_xml_child_text(e, "id", id, sizeof(id)) == NULL)
			id[0] = '\0';
		on_tunnel(arg, t, id);
	}
	return 0;
}

int
panos_parse_flow(const char *text, size_t len, struct vx_snapshot *snap,
    struct vx_err *err)
{
	return panos_parse_flow_ex(text, len, snap, NULL, NULL, err);
}

int
panos_parse_flow_ex(const char *text, size_t len, struct vx_snapshot *snap,
    panos_tunnel_fn on_tunnel, void *arg, struct vx_err *err)
{
	xmlDoc		*doc;
	xmlNode		*result;
	const xmlNode	*ipsec, *e;
	int		 rc;

	if ((rc = panos_open_result(text, len, &doc, &result, err)) != 0)
		return rc;
	ipsec = vx_xml_child(result, "IPSec");
	for (e = vx_xml_child(ipsec, "entry"); rc == 0 && e != NULL;
	    e = vx_xml_next(e, "entry"))
		rc = flow_entry(snap, e, on_tunnel, arg, err);
	xmlFreeDoc(doc);
	return rc;
}
