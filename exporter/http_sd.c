/*
 * /sd: the configured devices as Prometheus http_sd_config JSON, so that
 * a device is listed once, in the exporter's configuration, and
 * Prometheus scrapes /probe?target=NAME for each (README: "Service
 * discovery").  The device's labels are __meta_vpn_exporter_label_NAME,
 * not target labels: every series of the device carries them already,
 * and a target label of the same name would rename them exported_NAME.
 */
#include "http_int.h"

#include <string.h>

#include "escape.h"
#include "runtime.h"

#include "banned.h"

static void
label(struct vx_strbuf *sb, bool *first, const char *prefix, const char *name,
    const char *value)
{
	if (value == NULL)
		return;
	vx_strbuf_addstr(sb, *first ? "" : ",");
	*first = false;
	vx_strbuf_addch(sb, '"');
	vx_strbuf_addstr(sb, prefix);
	vx_strbuf_addstr(sb, name);	/* label names: [a-zA-Z0-9_] */
	vx_strbuf_addstr(sb, "\":");
	vx_json_str(sb, value);
}

void
http_sd_render(struct vx_strbuf *out, const struct vx_devtable *t)
{
	static const char meta[] = "__meta_vpn_exporter_";

	vx_strbuf_addch(out, '[');
	for (size_t i = 0; t != NULL && i < t->n; i++) {
		const struct vx_device_cfg	*c = &t->devs[i]->cfg;
		bool				 first = true;

		vx_strbuf_addstr(out, i > 0 ? ",\n{\"targets\":[" :
		    "\n{\"targets\":[");
		vx_json_str(out, c->name);
		vx_strbuf_addstr(out, "],\"labels\":{");
		label(out, &first, meta, "vendor", c->vendor);
		label(out, &first, meta, "address", c->address);
		label(out, &first, meta, "module", c->module);
		label(out, &first, meta, "auth", c->auth);
		label(out, &first, meta, "background", c->background ?
		    "true" : "false");
		for (size_t l = 0; l + 1 < c->labels.n; l += 2)
			label(out, &first, "__meta_vpn_exporter_label_",
			    c->labels.v[l], c->labels.v[l + 1]);
		vx_strbuf_addstr(out, "}}");
	}
	vx_strbuf_addstr(out, "\n]\n");
}
