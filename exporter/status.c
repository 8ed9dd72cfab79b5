/*
 * The status page as HTML: one self-contained document (inline
 * stylesheet, inline SVG, no script, no external resource: management
 * networks are often isolated), refreshed by a meta tag, sorted and
 * filtered by the server through plain links and a GET form.  Every
 * string from a device or the configuration goes through vx_html_escape.
 */
#include "status.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "escape.h"
#include "spi_match.h"

#include "banned.h"

#define SPARK_W	80
#define SPARK_H	16

static const char style[] =
    "body{font-family:system-ui,sans-serif;margin:1em 1.5em;color:#222;"
    "font-size:14px}\n"
    "h1{font-size:1.4em;margin:.2em 0}h2{font-size:1.15em;margin:1.2em 0 .4em}"
    "\n"
    "a{color:#0645ad;text-decoration:none}a:hover{text-decoration:underline}"
    "\n"
    "table{border-collapse:collapse}"
    "td,th{border:1px solid #d0d0d0;padding:.2em .5em;text-align:left;"
    "vertical-align:top}\n"
    "th{background:#eef0f3;position:sticky;top:0;white-space:nowrap}"
    "tbody tr:nth-child(even){background:#f8f9fa}\n"
    ".num{text-align:right;white-space:nowrap}"
    ".spi{font-family:ui-monospace,monospace;white-space:nowrap}\n"
    ".exp{color:#888}.bad{color:#b00;font-weight:bold}"
    ".muted{color:#888}.small{font-size:.85em}\n"
    ".st{font-weight:bold;white-space:nowrap}.st-up,.st-match{color:#070}"
    ".st-down,.st-stale,.st-mismatch{color:#b00}\n"
    ".st-partial,.st-differ,.st-warn{color:#b60}"
    ".st-pending,.st-probe_only,.st-unknown,.st-not_monitored{color:#777;"
    "font-weight:normal}\n"
    ".flag{display:inline-block;padding:0 .4em;border-radius:3px;"
    "background:#b00;color:#fff}\n"
    "form{margin:.6em 0}input[type=text]{width:12em}"
    ".meta{color:#555}\n"
    ".err{min-width:14em;max-width:40em;overflow-wrap:anywhere}\n"
    "svg.spark{vertical-align:middle;margin-left:.4em}"
    "svg.spark polyline{fill:none;stroke:#b00;stroke-width:1.2}\n";

/* "2026-11-22 19:14:36Z" */
static void
add_time(struct vx_strbuf *out, int64_t ms)
{
	time_t		t = (time_t)(ms / 1000);
	struct tm	tm;
	char		buf[32];

	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M:%SZ", &tm) == 0)
		vx_strbuf_addstr(out, "?");
	else
		vx_strbuf_addstr(out, buf);
}

/* "45s", "3m 12s", "7h 42m", "2d 3h" */
static void
add_span(struct vx_strbuf *out, int64_t s)
{
	if (s < 0) {
		vx_strbuf_addch(out, '-');
		s = -s;
	}
	if (s < 60)
		vx_strbuf_addf(out, "%" PRId64 "s", s);
	else if (s < 3600)
		vx_strbuf_addf(out, "%" PRId64 "m %" PRId64 "s", s / 60,
		    s % 60);
	else if (s < 86400)
		vx_strbuf_addf(out, "%" PRId64 "h %" PRId64 "m", s / 3600,
		    s / 60 % 60);
	else
		vx_strbuf_addf(out, "%" PRId64 "d %" PRId64 "h", s / 86400,
		    s / 3600 % 24);
}

static void
add_rate(struct vx_strbuf *out, double r)
{
	vx_strbuf_addf(out, r >= 100 ? "%.0f" : r >= 1 ? "%.1f" : "%.3g", r);
}

/* The query string of q, with key set to val (NULL: as in q). */
static void
add_query(struct vx_strbuf *out, const struct vx_status_query *q,
    const char *key, const char *val, bool rev)
{
	const char	*sep = "?";
	char		 num[32];

#define ARG(name, value, r)						\
	do {								\
		vx_strbuf_addstr(out, sep);				\
		vx_strbuf_addstr(out, name "=");			\
		if (r)							\
			vx_strbuf_addch(out, '-');			\
		vx_url_escape(out, value);				\
		sep = "&amp;";						\
	} while (0)

	if (q->device != NULL && q->device[0] != '\0')
		ARG("device", q->device, false);
	if (q->peer != NULL && q->peer[0] != '\0')
		ARG("peer", q->peer, false);
	if (q->problems)
		ARG("problems", "1", false);
	if (key != NULL && strcmp(key, "sort") == 0)
		ARG("sort", val, rev);
	else if (q->sort != VX_SK_DEVICE || q->sort_rev)
		ARG("sort", vx_status_key_name(q->sort), q->sort_rev);
	if (key != NULL && strcmp(key, "dsort") == 0)
		ARG("dsort", val, rev);
	else if (q->dsort != VX_SK_DEVICE || q->dsort_rev)
		ARG("dsort", vx_status_key_name(q->dsort), q->dsort_rev);
	if (q->refresh_s >= 0) {
		snprintf(num, sizeof(num), "%d", q->refresh_s);
		ARG("refresh", num, false);
	}
	if (key != NULL && strcmp(key, "limit") == 0) {
		ARG("limit", val, false);
	} else if (q->limit >= 0) {
		snprintf(num, sizeof(num), "%ld", q->limit);
		ARG("limit", num, false);
	}
#undef ARG
}

/* A column header that sorts by k (and reverses when already sorted). */
static void
add_th(struct vx_strbuf *out, const struct vx_status_query *q,
    const char *param, enum vx_status_key k, const char *label)
{
	bool cur = strcmp(param, "sort") == 0 ? q->sort == k : q->dsort == k;
	bool rev = strcmp(param, "sort") == 0 ? q->sort_rev : q->dsort_rev;

	vx_strbuf_addstr(out, "<th><a href=\"status");
	add_query(out, q, param, vx_status_key_name(k), cur && !rev);
	vx_strbuf_addf(out, "\">%s</a>%s</th>", label,
	    !cur ? "" : rev ? " &#9650;" : " &#9660;");
}

/* A link that filters by one device. */
static void
add_device_link(struct vx_strbuf *out, const struct vx_status_query *q,
    const char *name)
{
	struct vx_status_query	f = *q;

	f.device = name;
	vx_strbuf_addstr(out, "<a href=\"status");
	add_query(out, &f, NULL, NULL, false);
	vx_strbuf_addstr(out, "\">");
	vx_html_escape(out, name);
	vx_strbuf_addstr(out, "</a>");
}

static const struct vx_threshold *
threshold(const struct vx_snapshot *s, const char *alert, const char *sev)
{
	for (size_t i = 0; s != NULL && i < s->nthresholds; i++) {
		if (strcmp(s->thresholds[i].alert, alert) == 0 &&
		    strcmp(s->thresholds[i].severity, sev) == 0)
			return &s->thresholds[i];
	}
	return NULL;
}

/* The per-poll rates of the samples as a small inline SVG line. */
static void
add_sparkline(struct vx_strbuf *out, const struct vx_status_dev *d)
{
	double	r[VX_DEVICE_SPI_HISTORY], max = 0;
	size_t	n = 0;

	for (size_t i = 1; i < d->nspi; i++) {
		if (!vx_status_rate(&d->spi[i - 1], 2, &r[n]))
			continue;
		if (r[n] > max)
			max = r[n];
		n++;
	}
	if (n < 2)
		return;
	vx_strbuf_addf(out, "<svg class=\"spark\" width=\"%d\" height=\"%d\" "
	    "viewBox=\"0 0 %d %d\" role=\"img\"><title>invalid-SPI packets/s "
	    "at each of the last %zu polls</title><polyline points=\"",
	    SPARK_W, SPARK_H, SPARK_W, SPARK_H, n);
	for (size_t i = 0; i < n; i++)
		vx_strbuf_addf(out, "%s%.1f,%.1f", i > 0 ? " " : "",
		    (double)i * (SPARK_W - 2) / (double)(n - 1) + 1,
		    SPARK_H - 1.5 - (max > 0 ? r[i] / max : 0) *
		    (SPARK_H - 3));
	vx_strbuf_addstr(out, "\"/></svg>");
}

static void
add_collectors(struct vx_strbuf *out, const struct vx_status_dev *d)
{
	const struct vx_snapshot *s = d->snap;

	for (size_t i = 0; i < d->ncollectors; i++) {
		const struct vx_collector_run *run = NULL;

		for (size_t k = 0; s != NULL && k < s->nruns; k++) {
			if (strcmp(s->runs[k].collector, d->collectors[i]) == 0)
				run = &s->runs[k];
		}
		if (i > 0)
			vx_strbuf_addstr(out, "<br>");
		vx_html_escape(out, d->collectors[i]);
		if (run == NULL) {
			vx_strbuf_addstr(out, " <span class=\"muted\">&mdash;"
			    "</span>");
			continue;
		}
		vx_strbuf_addf(out, " <span class=\"small\">%.2f s</span> "
		    "<span class=\"st st-%s\">%s</span>",
		    (double)run->duration_ms / 1000.0,
		    run->code == VX_E_OK ? "up" : "down",
		    vx_errcode_reason(run->code));
	}
}

static void
device_row(struct vx_strbuf *out, const struct vx_status_view *v,
    const struct vx_status_query *q, const struct vx_status_dev *d)
{
	const char		*st = vx_status_state_name(d->state);
	const struct vx_threshold *warn = threshold(d->snap, "invalid_spi",
				    "warning");

	vx_strbuf_addstr(out, "<tr><td>");
	add_device_link(out, q, d->name);
	vx_strbuf_addstr(out, "</td><td>");
	vx_html_escape(out, d->vendor);
	vx_strbuf_addstr(out, "</td><td>");
	vx_html_escape(out, d->address);
	vx_strbuf_addf(out, "</td><td class=\"st st-%s\">%s</td><td>", st,
	    d->state == VX_ST_PROBE_ONLY ? "probe only" :
	    d->state == VX_ST_PENDING ? "not polled yet" : st);
	add_collectors(out, d);
	vx_strbuf_addstr(out, "</td><td class=\"small\">");
	if (d->snap != NULL && d->snap->collected_ms > 0) {
		add_time(out, d->snap->collected_ms);
		vx_strbuf_addstr(out, "<br><span class=\"muted\">");
		add_span(out, (v->now_ms - d->snap->collected_ms) / 1000);
		vx_strbuf_addstr(out, " ago</span>");
	}
	vx_strbuf_addstr(out, "</td><td class=\"num\">");
	if (d->snap != NULL && !d->snap->stale)
		vx_strbuf_addf(out, "<span class=\"st st-%s\">%zu</span> / %zu",
		    d->tunnels_up < d->tunnels ? "down" : "up", d->tunnels_up,
		    d->tunnels);
	vx_strbuf_addstr(out, "</td><td class=\"num\">");
	if (d->mismatches > 0)
		vx_strbuf_addf(out, "<span class=\"flag\">%zu</span>",
		    d->mismatches);
	vx_strbuf_addstr(out, "</td><td class=\"num\">");
	if (d->spi_rate_set) {
		bool hot = warn != NULL ? d->spi_rate > warn->value :
		    d->spi_rate > 0;

		vx_strbuf_addf(out, "<span class=\"%s\">", hot ? "bad" : "");
		add_rate(out, d->spi_rate);
		vx_strbuf_addf(out, "</span><span class=\"muted small\"> /s "
		    "over %zu polls</span>", d->nspi);
		add_sparkline(out, d);
	} else {
		vx_strbuf_addstr(out, "<span class=\"muted\">&mdash;</span>");
	}
	vx_strbuf_addstr(out, "</td><td class=\"err\">");
	vx_html_escape(out, d->last_error);
	vx_strbuf_addstr(out, "</td></tr>\n");
}

static bool
sa_current(const struct vx_sa *sa)
{
	return sa->state != VX_SA_EXPIRING;
}

static bool
has_spi_in(const struct vx_tunnel *t, uint32_t spi)
{
	for (size_t i = 0; i < t->nsas; i++) {
		if (t->sas[i].has_in && t->sas[i].spi_in == spi)
			return true;
	}
	return false;
}

/*
 * One column of SPIs of t (inbound or outbound), one SA pair per line.
 * With other (a compared end): a current outbound SPI the other end does
 * not have inbound is marked, as is a current inbound SPI the other end
 * does not send with.
 */
static void
add_spis(struct vx_strbuf *out, const struct vx_tunnel *t, bool in,
    const struct vx_tunnel *other)
{
	for (size_t i = 0; t != NULL && i < t->nsas; i++) {
		const struct vx_sa	*sa = &t->sas[i];
		bool			 has = in ? sa->has_in : sa->has_out;
		uint32_t		 spi = in ? sa->spi_in : sa->spi_out;
		bool			 bad = false;
		char			 buf[11];

		if (i > 0)
			vx_strbuf_addstr(out, "<br>");
		if (!has) {
			vx_strbuf_addstr(out, "<span class=\"muted\">?</span>");
			continue;
		}
		if (other != NULL && sa_current(sa)) {
			if (!in) {
				bad = !has_spi_in(other, spi);
			} else {
				bad = true;
				for (size_t k = 0; k < other->nsas; k++) {
					if (other->sas[k].has_out &&
					    other->sas[k].spi_out == spi)
						bad = false;
				}
			}
		}
		vx_spi_format(spi, buf);
		vx_strbuf_addf(out, "<span class=\"spi%s%s\"%s>%s</span>",
		    sa_current(sa) ? "" : " exp", bad ? " bad" : "",
		    sa_current(sa) ? "" : " title=\"expiring (rekey overlap)\"",
		    buf);
	}
}

static const char *const spi_label[] = {
	[VX_SS_NOT_MONITORED] = "not monitored",
	[VX_SS_UNKNOWN] = "unknown",
	[VX_SS_MATCH] = "match",
	[VX_SS_DIFFER] = "differ (grace)",
	[VX_SS_MISMATCH] = "MISMATCH",
};

static void
tunnel_row(struct vx_strbuf *out, const struct vx_status_view *v,
    const struct vx_status_query *q, const struct vx_status_tun *st)
{
	const struct vx_tunnel		*t = st->t;
	const struct vx_spi_check	*c = st->check;
	const struct vx_tunnel		*o = c != NULL ? c->peer_tun : NULL;
	/* Marks only where the ends disagree. */
	bool				 differ = st->spi == VX_SS_DIFFER ||
					    st->spi == VX_SS_MISMATCH;
	const struct vx_tunnel		*cmp = differ ? o : NULL;
	const struct vx_threshold	*exp = threshold(st->dev->snap,
					    "sa_expiring", "warning");

	vx_strbuf_addstr(out, "<tr><td>");
	add_device_link(out, q, st->dev->name);
	vx_strbuf_addstr(out, "</td><td>");
	vx_html_escape(out, t->name);
	vx_strbuf_addstr(out, "</td><td>");
	vx_html_escape(out, t->peer);
	vx_strbuf_addf(out, "</td><td class=\"st st-%s\">%s</td><td>",
	    t->up ? "up" : "down", t->up ? "up" : "down");
	add_spis(out, t, true, cmp);
	vx_strbuf_addstr(out, "</td><td>");
	add_spis(out, t, false, cmp);
	vx_strbuf_addstr(out, "</td><td>");
	if (c == NULL) {
		vx_strbuf_addstr(out, "<span class=\"muted\">not monitored"
		    "</span>");
	} else {
		add_device_link(out, q, c->peer_device);
		if (o != NULL) {
			vx_strbuf_addstr(out,
			    "<br><span class=\"small muted\">");
			vx_html_escape(out, o->name);
			if (!o->up)
				vx_strbuf_addstr(out, " (down)");
			vx_strbuf_addstr(out, "</span>");
		}
	}
	vx_strbuf_addstr(out, "</td><td>");
	add_spis(out, o, true, cmp != NULL ? t : NULL);
	vx_strbuf_addstr(out, "</td><td>");
	add_spis(out, o, false, cmp != NULL ? t : NULL);
	vx_strbuf_addf(out, "</td><td class=\"st st-%s\"%s>",
	    vx_status_spi_name(st->spi),
	    st->spi == VX_SS_UNKNOWN ? " title=\"an end is down or reports no "
	    "SPIs\"" : "");
	if (st->spi == VX_SS_MISMATCH)
		vx_strbuf_addstr(out, "<span class=\"flag\">MISMATCH</span>");
	else
		vx_strbuf_addstr(out, spi_label[st->spi]);
	if (c != NULL && c->differ && c->differ_since_ms > 0) {
		vx_strbuf_addstr(out, "<br><span class=\"small muted\">for ");
		add_span(out, (v->now_ms - c->differ_since_ms) / 1000);
		vx_strbuf_addstr(out, "</span>");
	}
	vx_strbuf_addstr(out, "</td><td class=\"num\">");
	if (t->up && t->life_s_set) {
		bool low = exp != NULL && (double)t->life_s < exp->value;

		if (low)
			vx_strbuf_addstr(out, "<span class=\"st st-warn\">");
		add_span(out, t->life_s);
		if (low)
			vx_strbuf_addstr(out, "</span>");
	}
	vx_strbuf_addstr(out, "</td></tr>\n");
}

static void
add_form(struct vx_strbuf *out, const struct vx_status_query *q)
{
	vx_strbuf_addstr(out, "<form method=\"get\" action=\"status\">"
	    "<label>Device <input type=\"text\" name=\"device\" value=\"");
	vx_html_escape(out, q->device);
	vx_strbuf_addstr(out, "\"></label> <label>Tunnel or peer <input "
	    "type=\"text\" name=\"peer\" value=\"");
	vx_html_escape(out, q->peer);
	vx_strbuf_addf(out, "\"></label> <label><input type=\"checkbox\" "
	    "name=\"problems\" value=\"1\"%s> problems only</label> ",
	    q->problems ? " checked" : "");
	if (q->sort != VX_SK_DEVICE || q->sort_rev)
		vx_strbuf_addf(out, "<input type=\"hidden\" name=\"sort\" "
		    "value=\"%s%s\">", q->sort_rev ? "-" : "",
		    vx_status_key_name(q->sort));
	if (q->dsort != VX_SK_DEVICE || q->dsort_rev)
		vx_strbuf_addf(out, "<input type=\"hidden\" name=\"dsort\" "
		    "value=\"%s%s\">", q->dsort_rev ? "-" : "",
		    vx_status_key_name(q->dsort));
	vx_strbuf_addstr(out, "<button type=\"submit\">Filter</button> "
	    "<a href=\"status\">clear</a></form>\n");
}

static void
add_summary(struct vx_strbuf *out, const struct vx_status_view *v)
{
	size_t	up = 0, down = 0, tup = 0, tdown = 0, mism = 0, differ = 0;

	for (size_t i = 0; i < v->ndorder; i++) {
		const struct vx_status_dev *d = &v->devs[v->dorder[i]];

		up += d->state == VX_ST_UP;
		down += d->state == VX_ST_DOWN || d->state == VX_ST_STALE ||
		    d->state == VX_ST_PARTIAL;
	}
	for (size_t i = 0; i < v->tmatched; i++) {
		const struct vx_status_tun *t = &v->tuns[v->torder[i]];

		tup += t->t->up;
		tdown += !t->t->up;
		mism += t->spi == VX_SS_MISMATCH;
		differ += t->spi == VX_SS_DIFFER;
	}
	vx_strbuf_addf(out, "<p class=\"summary\">%zu device%s: <span "
	    "class=\"st st-up\">%zu up</span>, <span class=\"st st-%s\">%zu "
	    "down</span> &middot; %zu tunnel%s: <span class=\"st st-up\">%zu "
	    "up</span>, <span class=\"st st-%s\">%zu down</span> &middot; ",
	    v->ndorder, v->ndorder == 1 ? "" : "s", up,
	    down > 0 ? "down" : "up", down, v->tmatched,
	    v->tmatched == 1 ? "" : "s", tup, tdown > 0 ? "down" : "up", tdown);
	if (mism > 0)
		vx_strbuf_addf(out, "<span class=\"flag\">%zu SPI mismatch%s"
		    "</span>", mism, mism == 1 ? "" : "es");
	else
		vx_strbuf_addstr(out, "<span class=\"st st-match\">no SPI "
		    "mismatch</span>");
	if (differ > 0)
		vx_strbuf_addf(out, ", <span class=\"st st-differ\">%zu "
		    "differing within the grace period</span>", differ);
	vx_strbuf_addstr(out, "</p>\n");
}

void
vx_status_html(struct vx_strbuf *out, const struct vx_status_view *v,
    const struct vx_status_query *q)
{
	int refresh = q->refresh_s >= 0 ? q->refresh_s : v->refresh_s;

	vx_strbuf_addstr(out, "<!DOCTYPE html>\n<html lang=\"en\"><head>"
	    "<meta charset=\"utf-8\">\n");
	if (refresh > 0)
		vx_strbuf_addf(out, "<meta http-equiv=\"refresh\" "
		    "content=\"%d\">\n", refresh);
	vx_strbuf_addf(out, "<title>VPN status &middot; vpn_exporter</title>\n"
	    "<style>\n%s</style></head><body>\n<h1>VPN status</h1>\n"
	    "<p class=\"meta\">", style);
	add_time(out, v->now_ms);
	if (refresh > 0)
		vx_strbuf_addf(out, " &middot; refreshes every %d s", refresh);
	vx_strbuf_addstr(out, " &middot; <a href=\"./\">home</a> &middot; "
	    "<a href=\"status.json");
	add_query(out, q, NULL, NULL, false);
	vx_strbuf_addstr(out, "\">JSON</a></p>\n");
	add_form(out, q);
	add_summary(out, v);

	vx_strbuf_addstr(out, "<h2 id=\"devices\">Devices</h2>\n"
	    "<table class=\"devices\"><thead><tr>");
	add_th(out, q, "dsort", VX_SK_DEVICE, "Device");
	vx_strbuf_addstr(out, "<th>Vendor</th><th>Address</th>");
	add_th(out, q, "dsort", VX_SK_STATE, "State");
	add_th(out, q, "dsort", VX_SK_DURATION,
	    "Collectors: duration, result");
	add_th(out, q, "dsort", VX_SK_POLL, "Last poll");
	vx_strbuf_addstr(out, "<th>Tunnels up</th>");
	add_th(out, q, "dsort", VX_SK_SPI, "SPI mismatches");
	add_th(out, q, "dsort", VX_SK_RATE, "Invalid SPI/s");
	vx_strbuf_addstr(out, "<th>Last error</th></tr></thead><tbody>\n");
	for (size_t i = 0; i < v->ndorder; i++)
		device_row(out, v, q, &v->devs[v->dorder[i]]);
	vx_strbuf_addstr(out, "</tbody></table>\n");

	vx_strbuf_addstr(out, "<h2 id=\"tunnels\">Tunnels</h2>\n");
	if (v->ntorder < v->tmatched) {
		vx_strbuf_addf(out, "<p class=\"st st-warn\">Showing the first "
		    "%zu of %zu tunnels: filter by device or peer, or <a "
		    "href=\"status", v->ntorder, v->tmatched);
		add_query(out, q, "limit", "0", false);
		vx_strbuf_addstr(out, "\">show all</a>.</p>\n");
	}
	vx_strbuf_addstr(out, "<table class=\"tunnels\"><thead><tr>");
	add_th(out, q, "sort", VX_SK_DEVICE, "Device");
	add_th(out, q, "sort", VX_SK_TUNNEL, "Tunnel");
	add_th(out, q, "sort", VX_SK_PEER, "Peer");
	add_th(out, q, "sort", VX_SK_STATE, "State");
	vx_strbuf_addstr(out, "<th>SPI in</th><th>SPI out</th>"
	    "<th>Other end</th><th>Its SPI in</th><th>Its SPI out</th>");
	add_th(out, q, "sort", VX_SK_SPI, "SPIs");
	add_th(out, q, "sort", VX_SK_LIFE, "SA lifetime left");
	vx_strbuf_addstr(out, "</tr></thead><tbody>\n");
	for (size_t i = 0; i < v->ntorder; i++)
		tunnel_row(out, v, q, &v->tuns[v->torder[i]]);
	vx_strbuf_addstr(out, "</tbody></table>\n"
	    "<p class=\"meta small\">SPIs: the two ends agree when each end's "
	    "outbound SPI is one of the other's inbound SPIs (a matching pair "
	    "mirrors: this end's out is the other end's in). "
	    "<span class=\"bad\">Red</span>: an SPI the other end does not "
	    "know; <span class=\"exp\">grey</span>: the old pair during a "
	    "rekey. <i>differ (grace)</i>: the ends disagree, but for less "
	    "than <code>spi_mismatch_grace</code> (a rekey shows on one end a "
	    "poll before the other). <i>unknown</i>: an end is down or "
	    "reports no SPIs. Invalid SPI/s: the device's invalid-SPI counter "
	    "over its last polls.</p>\n</body></html>\n");
}
