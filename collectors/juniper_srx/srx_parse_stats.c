/*
 * "show security ipsec statistics" -> device-wide IPsec counters and the
 * invalid-SPI counter (srx.h).  Text:
 *
 *   ESP Statistics:
 *     Encrypted bytes:     327747467040
 *     Decrypted bytes:     655494065968
 *     Encrypted packets:     5852633340
 *     Decrypted packets:     5852625589
 *   AH Statistics:
 *     ...
 *   Errors:
 *     AH authentication failures: 0, Replay errors: 0
 *     ESP authentication failures: 0, ESP decryption failures: 0
 *     Bad headers: 0, Bad trailers: 0
 *     Invalid SPI: 0, TS check fail: 0        (newer releases only)
 *
 * XML: <usp-ipsec-total-statistics-information> with <esp-statistics>
 * (esp-encrypted-bytes, ...) and <error-statistics> (replay-errors,
 * esp-authentication-failures, esp-decryption-failures, bad-headers,
 * bad-trailers).  No public sample names the XML element of "Invalid
 * SPI" (the collectors ask for text), so in XML an element of
 * <error-statistics> whose name contains "invalid-spi" is taken for it.
 */
#include "srx_int.h"

#include <stdio.h>
#include <string.h>

#include "numparse.h"

#include "banned.h"

#define PAYLOAD	"usp-ipsec-total-statistics-information"

static const struct {
	const char	*text;		/* the text's key */
	const char	*xml;		/* the XML element */
	const char	*section;	/* where it is ("ESP", "Errors") */
	enum vx_dev_val	 v;
} stats[] = {
	{ "Encrypted bytes", "esp-encrypted-bytes", "ESP", VX_DV_BYTES_OUT },
	{ "Decrypted bytes", "esp-decrypted-bytes", "ESP", VX_DV_BYTES_IN },
	{ "Encrypted packets", "esp-encrypted-packets", "ESP",
	    VX_DV_PKTS_OUT },
	{ "Decrypted packets", "esp-decrypted-packets", "ESP",
	    VX_DV_PKTS_IN },
	{ "ESP authentication failures", "esp-authentication-failures",
	    "Errors", VX_DV_ERR_AUTH },
	{ "ESP decryption failures", "esp-decryption-failures", "Errors",
	    VX_DV_ERR_DECRYPT },
	{ "Replay errors", "replay-errors", "Errors", VX_DV_ERR_REPLAY },
	{ "Bad headers", "bad-headers", "Errors", VX_DV_ERR_BAD_HEADER },
	{ "Bad trailers", "bad-trailers", "Errors", VX_DV_ERR_BAD_TRAILER },
	{ "Invalid SPI", NULL, "Errors", VX_DV_INVALID_SPI },
};
#define NSTATS	(sizeof(stats) / sizeof(stats[0]))

static int
set(struct vx_snapshot *snap, const char *node, enum vx_dev_val v,
    uint64_t value, struct vx_err *err)
{
	if (vx_snapshot_set_node_dev(snap, node, v, value,
	    VX_PRIO_NORMAL) != 0)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	return 0;
}

/*
 * After a complete output: a missing "Invalid SPI" is a release that
 * does not count it, which the device says rather than reading 0.
 */
static void
invalid_spi_seen(struct vx_snapshot *snap, const char *node, bool seen)
{
	uint64_t v;

	if (!seen && !vx_snapshot_get_node_dev(snap, node, VX_DV_INVALID_SPI,
	    &v))
		vx_snapshot_dev_unsupported(snap, VX_DV_INVALID_SPI);
}

static int
xml_part(struct vx_snapshot *snap, const struct srx_part *p,
    struct vx_err *err)
{
	const xmlNode	*esp = vx_xml_child(p->xml, "esp-statistics");
	const xmlNode	*errs = vx_xml_child(p->xml, "error-statistics");
	bool		 spi = false;
	int		 rc;

	if (esp == NULL && errs == NULL)
		return vx_err_set(err, VX_E_PARSE, "line %d: neither "
		    "<esp-statistics> nor <error-statistics>",
		    vx_xml_line(p->xml));
	for (size_t i = 0; i < NSTATS; i++) {
		const xmlNode	*sec = stats[i].section[0] == 'E' &&
				    stats[i].section[1] == 'S' ? esp : errs;
		char		 buf[32];
		uint64_t	 v;

		if (stats[i].xml == NULL || sec == NULL ||
		    vx_xml_child_text(sec, stats[i].xml, buf,
		    sizeof(buf)) == NULL)
			continue;
		if (!vx_parse_u64(buf, strlen(buf), &v))
			return vx_err_set(err, VX_E_PARSE, "line %d: <%s> '%s' "
			    "is not a number", vx_xml_line(sec), stats[i].xml,
			    buf);
		if ((rc = set(snap, p->node, stats[i].v, v, err)) != 0)
			return rc;
	}
	for (const xmlNode *e = vx_xml_child(errs, NULL); e != NULL;
	    e = vx_xml_next(e, NULL)) {
		char		buf[32];
		uint64_t	v;

		if (strstr((const char *)e->name, "invalid-spi") == NULL)
			continue;
		vx_xml_text(e, buf, sizeof(buf));
		if (!vx_parse_u64(buf, strlen(buf), &v))
			return vx_err_set(err, VX_E_PARSE, "line %d: <%s> '%s' "
			    "is not a number", vx_xml_line(e),
			    (const char *)e->name, buf);
		if ((rc = set(snap, p->node, VX_DV_INVALID_SPI, v, err)) != 0)
			return rc;
		spi = true;
	}
	if (errs != NULL)
		invalid_spi_seen(snap, p->node, spi);
	return 0;
}

static int
text_part(struct vx_snapshot *snap, const struct srx_part *p,
    struct vx_err *err)
{
	struct srx_lines	it;
	struct vx_line		l;
	char			section[16] = "";
	bool			errors = false, spi = false, any = false;
	int			rc;

	srx_lines_begin(&it, p);
	while (srx_lines_next(&it, &l)) {
		if (l.s[l.len - 1] == ':' && l.len < sizeof(section) + 12) {
			/* "ESP Statistics:", "AH Statistics:", "Errors:" */
			vx_txt_cstr(section, sizeof(section), l.s,
			    strcspn(l.s, " :") < l.len ? strcspn(l.s, " :") :
			    l.len);
			errors = errors || strcmp(section, "Errors") == 0;
			continue;
		}
		for (size_t i = 0; i < NSTATS; i++) {
			char		buf[64];
			uint64_t	v;

			if (strcmp(section, stats[i].section) != 0 ||
			    srx_field(&l, stats[i].text, buf,
			    sizeof(buf)) == NULL)
				continue;
			if (!vx_parse_u64(buf, strlen(buf), &v))
				return vx_txt_err(err, VX_E_PARSE, &l,
				    "not a number");
			if ((rc = set(snap, p->node, stats[i].v, v, err)) != 0)
				return rc;
			spi = spi || stats[i].v == VX_DV_INVALID_SPI;
			any = true;
		}
	}
	if (!any)
		return vx_err_set(err, VX_E_PARSE, "line %d: no IPsec "
		    "statistics in the output (no \"Encrypted bytes:\" nor "
		    "\"Errors:\")", p->line0 + 1);
	if (errors)
		invalid_spi_seen(snap, p->node, spi);
	return 0;
}

static const struct srx_forms forms = { PAYLOAD, xml_part, text_part };

int
srx_parse_stats(const char *text, size_t len, struct vx_snapshot *snap,
    struct vx_err *err)
{
	return srx_parse_forms(text, len, &forms, snap, err);
}
