#include "landing.h"

#include <stdio.h>
#include <stdlib.h>

#include "escape.h"

/* The head of a table of device_row()s. */
#define DEVICES_TABLE							\
	"<table>\n<tr><th>Device</th><th>Vendor</th><th>Address</th>"	\
	"<th>Collectors</th><th>State</th><th>Tunnels up</th>"		\
	"<th>Last error</th><th></th></tr>\n"

static void
device_row(struct vx_strbuf *out, struct vx_device *d)
{
	struct vx_snapshot	*s = vx_device_latest(d, vx_device_max_age_ms(d));
	char			 err[sizeof(d->last_error)];
	const char		*state, *cls;
	size_t			 up = 0, total = 0;

	vx_device_last_error(d, err, sizeof(err));
	if (s == NULL) {
		state = d->cfg.background ? "not polled yet" : "probe only";
		cls = "pending";
	} else if (s->stale) {
		state = "stale";
		cls = "down";
	} else if (s->up) {
		state = "up";
		cls = "up";
	} else {
		state = "down";
		cls = "down";
	}
	if (s != NULL) {
		for (size_t i = 0; i < s->ntunnels; i++) {
			total++;
			up += s->tunnels[i]->up;
		}
	}
	vx_strbuf_addstr(out, "<tr><td><a href=\"status?device=");
	vx_url_escape(out, d->cfg.name);
	vx_strbuf_addstr(out, "\">");
	vx_html_escape(out, d->cfg.name);
	vx_strbuf_addstr(out, "</a></td><td>");
	vx_html_escape(out, d->cfg.vendor);
	vx_strbuf_addstr(out, "</td><td>");
	vx_html_escape(out, d->cfg.address);
	vx_strbuf_addstr(out, "</td><td>");
	for (size_t i = 0; i < d->cfg.ncollectors; i++) {
		if (i > 0)
			vx_strbuf_addstr(out, ", ");
		vx_html_escape(out, d->cfg.collectors[i].ops->name);
	}
	vx_strbuf_addf(out, "</td><td class=\"%s\">%s</td>", cls, state);
	if (s != NULL && !s->stale)
		vx_strbuf_addf(out, "<td>%zu / %zu</td>", up, total);
	else
		vx_strbuf_addstr(out, "<td></td>");
	vx_strbuf_addstr(out, "<td>");
	vx_html_escape(out, err);
	vx_strbuf_addstr(out, "</td><td><a href=\"probe?target=");
	vx_url_escape(out, d->cfg.name);
	vx_strbuf_addstr(out, "\">probe</a></td></tr>\n");
	vx_snapshot_unref(s);
}

/* The devices made for /probe?target=, if any, in a table of their own. */
static void
probed_rows(struct vx_strbuf *out, struct vx_runtime *rt)
{
	struct vx_device	**d;
	size_t			  n = vx_runtime_probe_devices(rt, &d);

	if (n == 0)
		return;
	vx_strbuf_addstr(out, "<h2>Probe targets</h2>\n<p>Devices made for "
	    "<code>/probe?target=</code> and kept between scrapes, most "
	    "recently probed first.</p>\n" DEVICES_TABLE);
	for (size_t i = 0; i < n; i++) {
		device_row(out, d[i]);
		vx_device_unref(d[i]);
	}
	free(d);
	vx_strbuf_addstr(out, "</table>\n");
}

void
vx_landing_render(struct vx_strbuf *out, struct vx_runtime *rt,
    const char *metrics_path, const char *version)
{
	struct vx_devtable	*t = vx_runtime_table(rt);
	bool			 ok;
	int64_t			 ts;

	vx_runtime_reload_status(rt, &ok, &ts);
	vx_strbuf_addstr(out,
	    "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<title>vpn_exporter</title>\n<style>\n"
	    "body{font-family:sans-serif;margin:2em;color:#222}\n"
	    "table{border-collapse:collapse}td,th{border:1px solid #ccc;"
	    "padding:.3em .6em;text-align:left;vertical-align:top}\n"
	    "th{background:#f0f0f0}.up{color:#070;font-weight:bold}\n"
	    ".down{color:#b00;font-weight:bold}.pending{color:#777}\n"
	    "</style></head><body>\n<h1>vpn_exporter</h1>\n"
	    "<p>Prometheus exporter for VPN gateway health: tunnels, SAs, "
	    "SPIs and invalid-SPI drops.</p>\n<ul>\n<li><a href=\"");
	vx_html_escape(out, metrics_path[0] == '/' ? metrics_path + 1 :
	    metrics_path);
	vx_strbuf_addstr(out, "\">Metrics</a></li>\n"
	    "<li><a href=\"status\">Status</a>: every tunnel with the SPIs "
	    "of both ends (<a href=\"status.json\">JSON</a>)</li>\n"
	    "<li><a href=\"-/healthy\">Health</a></li>\n"
	    "<li><a href=\"-/ready\">Readiness</a></li>\n</ul>\n");
	vx_strbuf_addf(out, "<p>Version %s. Configuration ", version);
	vx_html_escape(out, rt->config_path);
	vx_strbuf_addf(out, ": %s.</p>\n", ok ? "loaded" :
	    "<span class=\"down\">last reload failed (see the log); the "
	    "previous configuration is running</span>");
	vx_strbuf_addstr(out, "<h2>Devices</h2>\n" DEVICES_TABLE);
	for (size_t i = 0; t != NULL && i < t->n; i++)
		device_row(out, t->devs[i]);
	vx_strbuf_addstr(out, "</table>\n");
	vx_devtable_unref(t);
	probed_rows(out, rt);
	vx_strbuf_addstr(out, "</body></html>\n");
}
