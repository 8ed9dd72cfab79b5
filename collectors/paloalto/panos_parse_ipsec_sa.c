/*
 * "show vpn ipsec-sa" -> SA pairs and remaining lifetimes (see panos.h).
 *
 *   <result><ntun>1</ntun><entries>
 *     <entry><name>to-fra1</name><gateway>gw-fra1</gateway><gwid>1</gwid>
 *       <tid>1</tid><remote>198.51.100.7</remote><proto>ESP</proto>
 *       <enc>G256</enc><hash/><i_spi>2300285266</i_spi>
 *       <o_spi>1430731122</o_spi><life>3600</life><kb>Unlimited</kb>
 *       <remain>1727</remain></entry>
 *
 * The SPIs are decimal here (the CLI and the flow detail print hex).
 * <life> and <kb> are the configured lifetimes, not what is left, so only
 * <remain> is used.  A tunnel is up when it has an SA here; its state is
 * left to "show vpn flow".
 *
 * Error policy: an entry without a <name>, and an SPI or <remain> that
 * does not read, are -VX_E_PARSE naming the line.
 */
#include "panos_int.h"

#include "banned.h"

/*
 * Adds the pair to t: active when it has more time left than the pairs
 * already there (which then become expiring), else expiring.  t->life_s
 * holds the active pair's remaining seconds.
 */
static int
add_pair(struct vx_snapshot *snap, struct vx_tunnel *t, struct vx_sa *sa,
    int64_t remain, struct vx_err *err)
{
	bool newest = t->nsas == 0 || (remain >= 0 &&
	    (!t->life_s_set || remain > t->life_s));

	if (newest) {
		for (size_t i = 0; i < t->nsas; i++)
			t->sas[i].state = VX_SA_EXPIRING;
		sa->state = VX_SA_ACTIVE;
		t->life_s_set = remain >= 0;
		t->life_s = remain >= 0 ? remain : 0;
	} else {
		sa->state = VX_SA_EXPIRING;
	}
	if (vx_tunnel_add_sa(snap, t, sa) != 0)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	return 0;
}

static int
sa_entry(struct vx_snapshot *snap, const xmlNode *e, struct vx_err *err)
{
	char			 name[VX_MODEL_STR_MAX + 1];
	char			 peer[VX_MODEL_STR_MAX + 1];
	struct vx_sa		 sa = { 0 };
	struct vx_tunnel	*t;
	const xmlNode		*c;
	int64_t			 remain = -1;
	uint64_t		 v;
	int			 rc;

	if (vx_xml_child_text(e, "name", name, sizeof(name)) == NULL ||
	    name[0] == '\0')
		return vx_err_set(err, VX_E_PARSE, "line %d: an SA entry "
		    "without a <name>", vx_xml_line(e));
	if (vx_xml_child_text(e, "remote", peer, sizeof(peer)) == NULL)
		peer[0] = '\0';
	if ((rc = panos_spi(e, "i_spi", PANOS_SPI_DEC, name, &sa.spi_in,
	    &sa.has_in, err)) != 0 || (rc = panos_spi(e, "o_spi",
	    PANOS_SPI_DEC, name, &sa.spi_out, &sa.has_out, err)) != 0)
		return rc;
	if ((c = vx_xml_child(e, "remain")) != NULL) {
		if ((rc = panos_u64(c, name, &v, err)) != 0)
			return rc;
		remain = v > INT64_MAX ? INT64_MAX : (int64_t)v;
	}
	t = vx_snapshot_tunnel(snap, name, peer);
	if (t == NULL)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	t->up = true;
	if (!sa.has_in && !sa.has_out)
		return 0;
	return add_pair(snap, t, &sa, remain, err);
}

int
panos_parse_ipsec_sa(const char *text, size_t len, struct vx_snapshot *snap,
    struct vx_err *err)
{
	xmlDoc		*doc;
	xmlNode		*result;
	const xmlNode	*e;
	int		 rc;

	if ((rc = panos_open_result(text, len, &doc, &result, err)) != 0)
		return rc;
	for (e = vx_xml_child(vx_xml_child(result, "entries"), "entry");
	    rc == 0 && e != NULL; e = vx_xml_next(e, "entry"))
		rc = sa_entry(snap, e, err);
	xmlFreeDoc(doc);
	return rc;
}
