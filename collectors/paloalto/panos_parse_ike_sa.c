/*
 * "show vpn ike-sa" -> IKE SAs, one per gateway (see panos.h).
 *
 *   <result>
 *     <entry><name>gw-fra1</name><gwid>1</gwid><remote>198.51.100.7</remote>
 *       <role>Init</role><ikev>IKEv2</ikev><state>Established</state>
 *       <created>Nov.21 08:02:11</created>...</entry>
 *
 * No public capture of this reply was found (tests/fixtures/paloalto/
 * SOURCES.md): the parser follows the CLI's columns (Gateway ID,
 * Peer-Address, Gateway Name, Role, ... ST) and what tools that read it
 * rely on (a non-empty <created> when phase 1 is up), and takes entries
 * directly under <result> or one level down (an IKEv1 / IKEv2 section).
 * Element names it does not know are ignored; a state word it does not
 * know leaves the state unknown, never "down".
 *
 * Error policy: an entry with neither a peer address nor a <name> is
 * -VX_E_PARSE naming the line.
 */
#include "panos_int.h"

#include <string.h>
#include <strings.h>

#include "banned.h"

#define TEXT_MAX	VX_MODEL_STR_MAX

static const char *const peer_elems[] = {
	"remote", "peer", "peerip", "peer-ip", "peer-address", NULL,
};

static const struct {
	const char		*word;
	enum vx_ike_state	 state;
} ike_states[] = {
	{ "established", VX_IKE_ESTABLISHED },
	{ "mature", VX_IKE_ESTABLISHED },
	{ "up", VX_IKE_ESTABLISHED },
	{ "init", VX_IKE_NEGOTIATING },
	{ "negotiating", VX_IKE_NEGOTIATING },
	{ "connecting", VX_IKE_NEGOTIATING },
	{ "deleting", VX_IKE_DELETING },
	{ "dying", VX_IKE_DELETING },
	{ "down", VX_IKE_DOWN },
};

static enum vx_ike_state
ike_state(const char *s)
{
	for (size_t i = 0; i < sizeof(ike_states) / sizeof(ike_states[0]);
	    i++) {
		if (strcasecmp(s, ike_states[i].word) == 0)
			return ike_states[i].state;
	}
	return VX_IKE_UNKNOWN;
}

/* "IKEv2", "v2", "2" -> "2"; NULL if it is none of those. */
static const char *
ike_version(const char *s)
{
	if (strcasecmp(s, "ikev1") == 0 || strcasecmp(s, "v1") == 0 ||
	    strcmp(s, "1") == 0)
		return "1";
	if (strcasecmp(s, "ikev2") == 0 || strcasecmp(s, "v2") == 0 ||
	    strcmp(s, "2") == 0)
		return "2";
	return NULL;
}

static const char *
ike_role(const char *s)
{
	if (strcasecmp(s, "init") == 0 || strcasecmp(s, "initiator") == 0)
		return "initiator";
	if (strcasecmp(s, "resp") == 0 || strcasecmp(s, "responder") == 0)
		return "responder";
	return NULL;
}

static int
set_attr(struct vx_snapshot *snap, struct vx_ike_sa *ike, enum vx_ike_attr a,
    const char *value, struct vx_err *err)
{
	if (value == NULL)
		return 0;
	vx_ike_sa_set_attr(snap, ike, a, value);
	if (ike->attr[a] == NULL)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	return 0;
}

static int
ike_entry(struct vx_snapshot *snap, const xmlNode *e, const char *section,
    struct vx_err *err)
{
	char			 peer[TEXT_MAX + 1], buf[64];
	const char		*version = NULL;
	struct vx_ike_sa	*ike;
	int			 rc;

	peer[0] = '\0';
	for (size_t i = 0; peer[0] == '\0' && peer_elems[i] != NULL; i++)
		vx_xml_child_text(e, peer_elems[i], peer, sizeof(peer));
	if (peer[0] == '\0')
		vx_xml_child_text(e, "name", peer, sizeof(peer));
	if (peer[0] == '\0')
		return vx_err_set(err, VX_E_PARSE, "line %d: an IKE SA entry "
		    "with neither a peer address nor a <name>",
		    vx_xml_line(e));
	ike = vx_snapshot_ike_sa(snap, peer);
	if (ike == NULL)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	if (vx_xml_child_text(e, "state", buf, sizeof(buf)) != NULL)
		ike->state = ike_state(buf);
	else if (vx_xml_child_text(e, "created", buf, sizeof(buf)) != NULL)
		ike->state = buf[0] != '\0' ? VX_IKE_ESTABLISHED :
		    VX_IKE_NEGOTIATING;
	ike->up = ike->state == VX_IKE_ESTABLISHED;
	if (vx_xml_child_text(e, "ikev", buf, sizeof(buf)) != NULL ||
	    vx_xml_child_text(e, "version", buf, sizeof(buf)) != NULL)
		version = ike_version(buf);
	if (version == NULL && section != NULL)
		version = ike_version(section);
	if ((rc = set_attr(snap, ike, VX_IA_VERSION, version, err)) != 0)
		return rc;
	if (vx_xml_child_text(e, "role", buf, sizeof(buf)) != NULL)
		rc = set_attr(snap, ike, VX_IA_ROLE, ike_role(buf), err);
	return rc;
}

int
panos_parse_ike_sa(const char *text, size_t len, struct vx_snapshot *snap,
    struct vx_err *err)
{
	xmlDoc		*doc;
	xmlNode		*result;
	const xmlNode	*c, *e;
	int		 rc;

	if ((rc = panos_open_result(text, len, &doc, &result, err)) != 0)
		return rc;
	for (c = vx_xml_child(result, NULL); rc == 0 && c != NULL;
	    c = vx_xml_next(c, NULL)) {
		if (vx_xml_is(c, "entry")) {
			rc = ike_entry(snap, c, NULL, err);
			continue;
		}
		for (e = vx_xml_child(c, "entry"); rc == 0 && e != NULL;
		    e = vx_xml_next(e, "entry"))
			rc = ike_entry(snap, e, (const char *)c->name, err);
	}
	if (rc == 0)
		snap->ike_known = true;
	xmlFreeDoc(doc);
	return rc;
}
