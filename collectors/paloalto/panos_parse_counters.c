/*
 * "show counter global" -> drops and the invalid-SPI counter (panos.h).
 *
 *   <result><dp>dp0</dp><global><t>174633</t><counters>
 *     <entry><name>flow_dos_pbp_block_host</name><value>14</value>
 *       <rate>0</rate><severity>drop</severity><category>flow</category>
 *       <aspect>dos</aspect><desc>PBP blocked hosts</desc><id>801</id>
 *     </entry>...
 *
 * <value> is the absolute count since boot (or the last "clear counter
 * global"); <rate> and the device-side delta are never used, Prometheus
 * computes rates.  No public capture names the counter for ESP packets
 * with an unknown SPI (reference/devices.md 3.5), so the invalid-SPI
 * counter is the sum of the counters whose names match patterns (the
 * collector logs which ones matched, so users can pin them), and is left
 * out, not 0, when none matched.  Several <global> sections (one per
 * dataplane) add up.
 *
 * Error policy: an entry without a <name>, or whose <value> does not
 * read, is -VX_E_PARSE naming the line.
 */
#include "panos_int.h"

#include <fnmatch.h>
#include <string.h>

#include "banned.h"

const char *const panos_default_drop_categories[] = {
	"flow", "ipsec", NULL,
};

/*
 * IPsec / ESP counters that name the SPI or a missing SA.  Deliberately
 * narrow: a pattern must name both the protocol and the condition.
 */
const char *const panos_default_invalid_spi[] = {
	"*ipsec*spi*", "*esp*spi*", "*ipsec*no_sa*", "*esp*no_sa*",
	"*ipsec*sa_not_found*", "*esp*sa_not_found*", NULL,
};

static bool
in_list(const char *const *list, const char *s, bool glob)
{
	for (size_t i = 0; list != NULL && list[i] != NULL; i++) {
		if (glob ? fnmatch(list[i], s, 0) == 0 :
		    strcmp(list[i], s) == 0)
			return true;
	}
	return false;
}

/* Whether name is a line of list (a name per line). */
static bool
listed(const struct vx_strbuf *list, const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i + n < list->len; ) {
		const char *nl = memchr(list->buf + i, '\n', list->len - i);

		if (nl == NULL)
			break;
		if ((size_t)(nl - list->buf) - i == n &&
		    memcmp(list->buf + i, name, n) == 0)
			return true;
		i = (size_t)(nl - list->buf) + 1;
	}
	return false;
}

struct counter_acc {
	const struct panos_counter_opts	*opts;
	struct vx_strbuf		*matched;
	uint64_t			 invalid_spi;
	bool				 any_invalid_spi;
};

static int
counter_entry(struct vx_snapshot *snap, const xmlNode *e,
    struct counter_acc *acc, struct vx_err *err)
{
	char		 name[VX_MODEL_STR_MAX + 1], sev[32];
	char		 cat[VX_MODEL_STR_MAX + 1];
	const xmlNode	*c;
	uint64_t	 v;
	int		 rc;

	if (vx_xml_child_text(e, "name", name, sizeof(name)) == NULL ||
	    name[0] == '\0')
		return vx_err_set(err, VX_E_PARSE, "line %d: a counter entry "
		    "without a <name>", vx_xml_line(e));
	if ((c = vx_xml_child(e, "value")) == NULL)
		return 0;
	if ((rc = panos_u64(c, name, &v, err)) != 0)
		return rc;
	if (vx_xml_child_text(e, "severity", sev, sizeof(sev)) == NULL)
		sev[0] = '\0';
	if (vx_xml_child_text(e, "category", cat, sizeof(cat)) == NULL)
		cat[0] = '\0';
	if (strcmp(sev, "drop") == 0 &&
	    in_list(acc->opts->drop_categories, cat, false) &&
	    vx_snapshot_add_drop(snap, cat, name, v) != 0)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	if (in_list(acc->opts->invalid_spi, name, true)) {
		acc->invalid_spi += v;
		acc->any_invalid_spi = true;
		if (acc->matched != NULL && !listed(acc->matched, name))
			vx_strbuf_addf(acc->matched, "%s\n", name);
	}
	return 0;
}

int
panos_map_counters(const char *text, size_t len,
    const struct panos_counter_opts *opts, struct vx_snapshot *snap,
    struct vx_strbuf *matched, struct vx_err *err)
{
	struct counter_acc	 acc = { opts, matched, 0, false };
	xmlDoc			*doc;
	xmlNode			*result;
	const xmlNode		*g, *e;
	int			 rc;

	if ((rc = panos_open_result(text, len, &doc, &result, err)) != 0)
		return rc;
	for (g = vx_xml_child(result, "global"); rc == 0 && g != NULL;
	    g = vx_xml_next(g, "global")) {
		for (e = vx_xml_child(vx_xml_child(g, "counters"), "entry");
		    rc == 0 && e != NULL; e = vx_xml_next(e, "entry"))
			rc = counter_entry(snap, e, &acc, err);
	}
	if (rc == 0 && acc.any_invalid_spi)
		vx_snapshot_set_dev(snap, VX_DV_INVALID_SPI, acc.invalid_spi,
		    VX_PRIO_AUTHORITATIVE);
	xmlFreeDoc(doc);
	return rc;
}

int
panos_parse_counter_global(const char *text, size_t len,
    struct vx_snapshot *snap, struct vx_err *err)
{
	static const struct panos_counter_opts defaults = {
		panos_default_drop_categories, panos_default_invalid_spi,
	};

	return panos_map_counters(text, len, &defaults, snap, NULL, err);
}
