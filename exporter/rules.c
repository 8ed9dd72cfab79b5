/* The Prometheus rule file generated from the configuration. */
#include "rules.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "render.h"

#define DEFAULT_RUNBOOK_URL \
	"https://github.com/vpn-exporter/vpn_exporter/blob/main/docs/runbooks/{alert}.md"
#define DEFAULT_EXPORTER_JOB	"vpn_exporter"

/* libyaml's emitter writing into a strbuf. */
struct em {
	yaml_emitter_t		 e;
	struct vx_strbuf	*out;
	bool			 failed;
};

static int
em_write(void *data, unsigned char *buf, size_t size)
{
	struct vx_strbuf *out = data;

	vx_strbuf_add(out, buf, size);
	return !out->failed;
}

static void
em_event(struct em *m, yaml_event_t *ev, int ok)
{
	if (!ok || m->failed || !yaml_emitter_emit(&m->e, ev))
		m->failed = true;
}

static void
em_scalar(struct em *m, const char *v, yaml_scalar_style_t style)
{
	yaml_event_t ev;

	em_event(m, &ev, yaml_scalar_event_initialize(&ev, NULL, NULL,
	    (yaml_char_t *)(uintptr_t)v, (int)strlen(v), 1, 1, style));
}

static void
em_map(struct em *m, bool start)
{
	yaml_event_t ev;

	if (start)
		em_event(m, &ev, yaml_mapping_start_event_initialize(&ev, NULL,
		    NULL, 1, YAML_BLOCK_MAPPING_STYLE));
	else
		em_event(m, &ev, yaml_mapping_end_event_initialize(&ev));
}

static void
em_seq(struct em *m, bool start)
{
	yaml_event_t ev;

	if (start)
		em_event(m, &ev, yaml_sequence_start_event_initialize(&ev,
		    NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE));
	else
		em_event(m, &ev, yaml_sequence_end_event_initialize(&ev));
}

static void
em_kv(struct em *m, const char *k, const char *v)
{
	em_scalar(m, k, YAML_PLAIN_SCALAR_STYLE);
	em_scalar(m, v, strchr(v, '\n') != NULL ? YAML_LITERAL_SCALAR_STYLE :
	    YAML_ANY_SCALAR_STYLE);
}

/* "5m", "90s", "1h30m", "500ms", "0s". */
static void
fmt_duration(char *buf, size_t len, double ms)
{
	long long	v;
	size_t		n = 0;

	/* NaN (an alert without this setting) is "0s" too, never cast. */
	if (!(ms >= 1)) {
		snprintf(buf, len, "0s");
		return;
	}
	v = (long long)ms;
	buf[0] = '\0';
	if (v >= 3600000) {
		n += (size_t)snprintf(buf + n, len - n, "%lldh", v / 3600000);
		v %= 3600000;
	}
	if (v >= 60000 && n < len) {
		n += (size_t)snprintf(buf + n, len - n, "%lldm", v / 60000);
		v %= 60000;
	}
	if (v >= 1000 && n < len) {
		n += (size_t)snprintf(buf + n, len - n, "%llds", v / 1000);
		v %= 1000;
	}
	if (v > 0 && n < len)
		snprintf(buf + n, len - n, "%lldms", v);
}

/* What the placeholders of one rule's template stand for. */
struct ctx {
	const char	*sel;		/* device matcher, or "" */
	const char	*window;	/* "5m" */
};

static const struct {
	const char	*token;
	enum vx_metric	 metric;
} metric_tokens[] = {
	{ "UP", VX_M_UP }, { "COLLECTOR_UP", VX_M_COLLECTOR_UP },
	{ "COLLECT_TS", VX_M_COLLECT_TS }, { "INVALID_SPI", VX_M_INVALID_SPI },
	{ "TUNNEL_UP", VX_M_TUNNEL_UP }, { "SA_LIFE_S", VX_M_SA_LIFE_S },
	{ "TUNNEL_STATE", VX_M_TUNNEL_STATE },
	{ "PACKETS", VX_M_PACKETS }, { "ERRORS", VX_M_ERRORS },
	{ "REKEYS", VX_M_REKEYS }, { "SPI_MISMATCH", VX_M_SPI_MISMATCH },
	{ "THRESHOLD", VX_M_ALERT_THRESHOLD }, { "RELOAD_OK", VX_M_RELOAD_OK },
	{ "EVENTS", VX_M_INVALID_SPI_EVENTS },
};

/*
 * Expands a template: {NAME} a metric name (metric_tokens), {D} the
 * device matcher as a selector ({device=~"..."}, or nothing), {,D} the
 * same inside a selector, {W} the window, {T:alert:severity} the
 * device's threshold.
 */
static void
expand(struct vx_strbuf *sb, const char *tmpl, const struct ctx *x)
{
	for (const char *p = tmpl; *p != '\0'; p++) {
		const char	*end;
		char		 tok[64];
		size_t		 len;
		bool		 done = false;

		if (*p != '{' || (end = strchr(p, '}')) == NULL ||
		    (len = (size_t)(end - p - 1)) >= sizeof(tok) || len == 0 ||
		    !(p[1] == ',' || p[1] == 'T' || (p[1] >= 'A' &&
		    p[1] <= 'Z'))) {
			vx_strbuf_addch(sb, *p);
			continue;
		}
		memcpy(tok, p + 1, len);
		tok[len] = '\0';
		if (strcmp(tok, "D") == 0) {
			if (x->sel[0] != '\0')
				vx_strbuf_addf(sb, "{%s}", x->sel);
			done = true;
		} else if (strcmp(tok, ",D") == 0) {
			if (x->sel[0] != '\0')
				vx_strbuf_addf(sb, ",%s", x->sel);
			done = true;
		} else if (strcmp(tok, "W") == 0) {
			vx_strbuf_addstr(sb, x->window);
			done = true;
		} else if (strncmp(tok, "T:", 2) == 0) {
			char *sev = strchr(tok + 2, ':');

			if (sev != NULL) {
				*sev++ = '\0';
				vx_strbuf_addf(sb, "max by (device) (%s{alert=\"%s\","
				    "severity=\"%s\"})",
				    vx_metric_name(VX_M_ALERT_THRESHOLD), tok + 2,
				    sev);
				done = true;
			}
		} else {
			for (size_t i = 0; i < sizeof(metric_tokens) /
			    sizeof(metric_tokens[0]); i++) {
				if (strcmp(tok, metric_tokens[i].token) == 0) {
					vx_strbuf_addstr(sb, vx_metric_name(
					    metric_tokens[i].metric));
					done = true;
				}
			}
		}
		if (!done) {
			vx_strbuf_addch(sb, *p);
			continue;
		}
		p = end;
	}
}

/*
 * The invalid-SPI alert at one severity: the peer from the best source.
 * The device's own per-peer counter first; else the invalid-SPI messages
 * it logged (syslog), which name the peer but count fewer than the
 * packets, since devices rate-limit them: while the device-wide counter
 * is above the threshold they name its peers (two or more messages in the
 * window: a routine rekey leaves one), with the device's rate; without
 * such a counter (ScreenOS) their own rate is compared.  Then the tunnels
 * whose inbound traffic stopped; then "unknown".
 */
static const char invalid_spi_expr[] =
"# 1. Peers with an invalid-SPI packet count of their own above the\n"
"#    threshold.\n"
"(\n"
"  max without (type) (rate({ERRORS}{type=\"invalid_spi\"{,D}}[{W}]))\n"
"    > on (device) group_left () {T:invalid_spi:SEV}\n"
")\n"
"or\n"
"# 2. Peers named by the invalid-SPI messages the device logged (syslog):\n"
"#    with the device's rate while its own count is above the threshold,\n"
"#    else at the rate of the messages (a lower bound: devices rate-limit\n"
"#    them).\n"
"(\n"
"  (\n"
"    (increase({EVENTS}{D}[{W}]) >= 2) * 0\n"
"      + on (device) group_left ()\n"
"    (rate({INVALID_SPI}{D}[{W}]) > on (device) group_left () {T:invalid_spi:SEV})\n"
"    or\n"
"    rate({EVENTS}{D}[{W}]) > on (device) group_left () {T:invalid_spi:SEV}\n"
"  )\n"
"  unless on (device) {ERRORS}{type=\"invalid_spi\"{,D}}\n"
")\n"
"or\n"
"# 3. The device drops above the threshold: name the tunnels whose\n"
"#    inbound packets stopped while their outbound kept rising.\n"
"(\n"
"  (\n"
"    max without (direction) (\n"
"        (increase({PACKETS}{direction=\"in\"{,D}}[{W}]) == 0)\n"
"      and on (device, tunnel, peer)\n"
"        (increase({PACKETS}{direction=\"out\"{,D}}[{W}]) > 0)\n"
"    ) * 0\n"
"    + on (device) group_left ()\n"
"    (rate({INVALID_SPI}{D}[{W}]) > on (device) group_left () {T:invalid_spi:SEV})\n"
"  )\n"
"  unless on (device)\n"
"  (\n"
"    (max without (type) (rate({ERRORS}{type=\"invalid_spi\"{,D}}[{W}]))\n"
"      > on (device) group_left () {T:invalid_spi:SEV})\n"
"    or\n"
"    increase({EVENTS}{D}[{W}]) >= 2\n"
"  )\n"
")\n"
"or\n"
"# 4. Only the device's count, for two windows (time enough for case 3\n"
"#    to see a tunnel stop): the peer is unknown.\n"
"label_replace(\n"
"  (rate({INVALID_SPI}{D}[{W}]) > on (device) group_left () {T:invalid_spi:SEV})\n"
"  and on (device)\n"
"  (rate({INVALID_SPI}{D}[{W}] offset {W}) > on (device) group_left () {T:invalid_spi:SEV})\n"
"  unless on (device)\n"
"  (\n"
"    (max without (type) (rate({ERRORS}{type=\"invalid_spi\"{,D}}[{W}]))\n"
"      > on (device) group_left () {T:invalid_spi:SEV})\n"
"    or\n"
"    increase({EVENTS}{D}[{W}]) >= 2\n"
"    or\n"
"    max without (direction) (\n"
"        (increase({PACKETS}{direction=\"in\"{,D}}[{W}]) == 0)\n"
"      and on (device, tunnel, peer)\n"
"        (increase({PACKETS}{direction=\"out\"{,D}}[{W}]) > 0)\n"
"    )\n"
"  ),\n"
"  \"peer\", \"unknown\", \"\", \"\")\n";

#define INVALID_SPI_SUMMARY \
	"{{ $labels.device }} drops packets with an invalid SPI{{ if ne " \
	"$labels.peer \"unknown\" }} from {{ $labels.peer }}{{ end }}"
#define INVALID_SPI_DESCRIPTION \
	"{{ $labels.device }} drops {{ printf \"%.3g\" $value }} packets/s " \
	"with an invalid SPI{{ if eq $labels.peer \"unknown\" }} (the peer " \
	"is unknown: the device has no per-peer count and no tunnel's " \
	"inbound traffic stopped){{ else }}, peer {{ $labels.peer }}" \
	"{{ end }}. Usually a one-sided rekey: compare the SPIs of both " \
	"ends (vpn_ipsec_sa_info) and clear the SAs on both."

struct rule_def {
	enum vx_alert		 alert;
	enum vx_alert_slot	 slot;		/* whose severity; FOR: the alert's */
	const char		*expr;
	const char		*summary;
	const char		*description;
};

static const struct rule_def rule_defs[] = {
	{ VX_AL_INVALID_SPI, VX_AS_WARNING, invalid_spi_expr,
	  INVALID_SPI_SUMMARY, INVALID_SPI_DESCRIPTION },
	{ VX_AL_INVALID_SPI, VX_AS_PAGE, invalid_spi_expr,
	  INVALID_SPI_SUMMARY, INVALID_SPI_DESCRIPTION },
	{ VX_AL_TUNNEL_DOWN, VX_AS_FOR,
	  "{TUNNEL_UP}{D} == 0\n"
	  "# An on-demand tunnel idle in init (PAN-OS) is not down.\n"
	  "  unless on (device, tunnel, peer) "
	  "{TUNNEL_STATE}{{TUNNEL_STATE}=\"init\"{,D}} == 1\n"
	  "or\n"
	  "# Down before the device stopped answering: stays down (the\n"
	  "# device-unreachable alert takes over; Alertmanager inhibits this).\n"
	  "(last_over_time({TUNNEL_UP}{D}[1h]) == 0\n"
	  "  unless on (device, tunnel, peer) last_over_time("
	  "{TUNNEL_STATE}{{TUNNEL_STATE}=\"init\"{,D}}[1h]) == 1\n"
	  "  unless on (device) {UP} == 1)\n",
	  "{{ $labels.device }}: tunnel to {{ $labels.peer }} is down",
	  "The tunnel {{ $labels.tunnel }} of {{ $labels.device }} to "
	  "{{ $labels.peer }} has no IPsec SA." },
	{ VX_AL_TUNNEL_FLAPPING, VX_AS_WARNING,
	  "changes({TUNNEL_UP}{D}[{W}])\n"
	  "  >= on (device) group_left () {T:tunnel_flapping:warning}\n",
	  "{{ $labels.device }}: tunnel to {{ $labels.peer }} is flapping",
	  "The tunnel {{ $labels.tunnel }} went up or down {{ $value }} "
	  "times in the window." },
	{ VX_AL_SA_EXPIRING, VX_AS_WARNING,
	  "{SA_LIFE_S}{D}\n"
	  "  < on (device) group_left () {T:sa_expiring:warning}\n",
	  "{{ $labels.device }}: the SA to {{ $labels.peer }} expires without a rekey",
	  "The current IPsec SA of {{ $labels.tunnel }} has "
	  "{{ $value | humanizeDuration }} left and no new SA replaced it." },
	{ VX_AL_SPI_MISMATCH, VX_AS_FOR,
	  "{SPI_MISMATCH}{D} == 1\n",
	  "{{ $labels.device }} and {{ $labels.peer_device }} disagree on the SPIs of {{ $labels.tunnel }}",
	  "The outbound SPI of one end is not an inbound SPI of the other "
	  "(a one-sided rekey). Clear the SAs of the tunnel on both ends." },
	{ VX_AL_IPSEC_ERRORS, VX_AS_WARNING,
	  "sum without (type) (rate({ERRORS}{type=~\"decrypt|auth|replay\"{,D}}[{W}]))\n"
	  "  > on (device) group_left () {T:ipsec_errors:warning}\n",
	  "{{ $labels.device }}: IPsec errors on the tunnel to {{ $labels.peer }}",
	  "{{ printf \"%.3g\" $value }} decryption, authentication or replay "
	  "errors per second." },
	{ VX_AL_DEVICE_UNREACHABLE, VX_AS_FOR,
	  "{UP}{D} == 0 unless on (device) {COLLECTOR_UP} == 1\n",
	  "vpn_exporter cannot collect from {{ $labels.device }}",
	  "No collector of {{ $labels.device }} succeeded; its tunnel alerts "
	  "are held under this one." },
	{ VX_AL_COLLECTOR_FAILING, VX_AS_FOR,
	  "{COLLECTOR_UP}{D} == 0\n"
	  "  and on (device) (max without (collector) ({COLLECTOR_UP}{D}) == 1)\n",
	  "{{ $labels.device }}: collector {{ $labels.collector }} is failing",
	  "The other collectors of the device still work; the fields this "
	  "one is the source of are absent." },
	{ VX_AL_STALE_DATA, VX_AS_WARNING,
	  "time() - {COLLECT_TS}{D}\n"
	  "  > on (device) group_left () {T:stale_data:warning}\n",
	  "{{ $labels.device }}: data is {{ $value | humanizeDuration }} old",
	  "The exporter has not completed a poll of the device for longer "
	  "than the threshold (a stuck or overloaded poller)." },
	{ VX_AL_EXPORTER_DOWN, VX_AS_FOR, NULL,
	  "vpn_exporter {{ $labels.instance }} is down",
	  "Prometheus cannot scrape the exporter; every VPN alert it feeds is "
	  "silent." },
	{ VX_AL_RELOAD_FAILED, VX_AS_FOR,
	  "{RELOAD_OK} == 0\n",
	  "vpn_exporter refused its new configuration",
	  "The previous configuration keeps running; the log names each "
	  "error as file:line:col." },
};

/* RE2 metacharacters escaped, then the PromQL string's quoting. */
static void
add_regex_literal(struct vx_strbuf *sb, const char *s)
{
	for (; *s != '\0'; s++) {
		if (strchr(".+*?()|[]{}^$\\", *s) != NULL)
			vx_strbuf_addstr(sb, "\\\\");
		if (*s == '"')
			vx_strbuf_addch(sb, '\\');
		vx_strbuf_addch(sb, *s);
	}
}

static bool
same_slot(const struct vx_alert_setting *a, const struct vx_alert_setting *b,
    enum vx_alert_slot k)
{
	return isnan(a->v[k]) == isnan(b->v[k]) &&
	    (isnan(a->v[k]) || a->v[k] == b->v[k]);
}

static void
runbook(struct vx_strbuf *sb, const char *tmpl, const char *alert)
{
	for (const char *p = tmpl; *p != '\0'; p++) {
		if (strncmp(p, "{alert}", 7) == 0) {
			vx_strbuf_addstr(sb, alert);
			p += 6;
		} else {
			vx_strbuf_addch(sb, *p);
		}
	}
}

/* The rule's expression for one window and device matcher, into sb. */
static void
rule_expr(struct vx_strbuf *sb, const struct vx_config *cfg,
    const struct rule_def *r, double window_ms, const char *sel)
{
	struct vx_strbuf	 tmpl;
	char			 window[32];
	struct ctx		 x = { sel, window };
	const char		*sev = vx_alert_severity(r->alert, r->slot);

	if (r->expr == NULL) {
		vx_strbuf_addf(sb, "up{job=\"%s\"} == 0\n",
		    cfg->alerts.exporter_job != NULL ?
		    cfg->alerts.exporter_job : DEFAULT_EXPORTER_JOB);
		return;
	}
	fmt_duration(window, sizeof(window), window_ms);
	vx_strbuf_init(&tmpl, 2048);
	/* SEV: the severity this rule compares against. */
	for (const char *p = r->expr; *p != '\0'; p++) {
		if (strncmp(p, "SEV}", 4) == 0) {
			vx_strbuf_addstr(&tmpl, sev);
			vx_strbuf_addch(&tmpl, '}');
			p += 3;
		} else {
			vx_strbuf_addch(&tmpl, *p);
		}
	}
	expand(sb, tmpl.buf, &x);
	vx_strbuf_release(&tmpl);
}

static void
emit_rule(struct em *m, const struct vx_config *cfg,
    const struct rule_def *r, const char *expr, double for_ms,
    bool label_for)
{
	struct vx_strbuf	 url;
	char			 forv[32];
	const char		*sev = vx_alert_severity(r->alert, r->slot);

	fmt_duration(forv, sizeof(forv), for_ms);
	vx_strbuf_init(&url, 128);
	runbook(&url, cfg->alerts.runbook_url != NULL ?
	    cfg->alerts.runbook_url : DEFAULT_RUNBOOK_URL,
	    vx_alert_name(r->alert));
	em_map(m, true);
	em_kv(m, "alert", vx_alert_rule_name(r->alert));
	em_kv(m, "expr", expr);
	if (!isnan(for_ms) && for_ms > 0)
		em_kv(m, "for", forv);
	em_scalar(m, "labels", YAML_PLAIN_SCALAR_STYLE);
	em_map(m, true);
	em_kv(m, "severity", sev);
	/* Rules split by their "for" differ in a label, as promtool asks. */
	if (label_for)
		em_kv(m, "alert_for", forv);
	em_map(m, false);
	em_scalar(m, "annotations", YAML_PLAIN_SCALAR_STYLE);
	em_map(m, true);
	em_kv(m, "summary", r->summary);
	em_kv(m, "description", r->description);
	em_kv(m, "runbook_url", url.buf);
	em_map(m, false);
	em_map(m, false);
	vx_strbuf_release(&url);
}

/* The device matcher for the enabled devices sharing d's value of k. */
static void
matcher(struct vx_strbuf *sel, const struct vx_config *cfg,
    enum vx_alert a, const struct vx_alert_setting *d, const bool *taken,
    const struct vx_alert_setting *same_for)
{
	size_t k = 0;

	vx_strbuf_addstr(sel, "device=~\"");
	for (size_t j = 0; j < cfg->ndevices; j++) {
		const struct vx_alert_setting *x = &cfg->devices[j].alerts.a[a];

		if (taken[j] || !x->enabled ||
		    !same_slot(x, same_for, VX_AS_FOR) ||
		    !same_slot(x, d, VX_AS_WINDOW))
			continue;
		vx_strbuf_addstr(sel, k++ == 0 ? "" : "|");
		add_regex_literal(sel, cfg->devices[j].name);
	}
	vx_strbuf_addch(sel, '"');
}

/*
 * One rule per distinct "for" among the devices (a rule's "for" is fixed);
 * devices whose windows differ share it, each window in a branch of an
 * "or" selected by device name.  No matcher at all when every device has
 * the same settings.
 */
static void
emit_alert(struct em *m, const struct vx_config *cfg,
    const struct rule_def *r)
{
	const enum vx_alert	 a = r->alert;
	size_t			 n = cfg->ndevices, enabled = 0, nfor = 0;
	bool			 uniform = true, *done, *taken;

	if (!vx_alert_per_device(a) || n == 0) {
		const struct vx_alert_setting	*d = &cfg->alerts.defaults.a[a];
		struct vx_strbuf		 expr;

		if (!d->enabled)
			return;
		vx_strbuf_init(&expr, 1024);
		rule_expr(&expr, cfg, r, d->v[VX_AS_WINDOW], "");
		emit_rule(m, cfg, r, expr.buf, d->v[VX_AS_FOR], false);
		vx_strbuf_release(&expr);
		return;
	}
	done = calloc(n + 1, sizeof(*done));
	taken = calloc(n + 1, sizeof(*taken));
	if (done == NULL || taken == NULL) {
		free(done);
		free(taken);
		m->failed = true;
		return;
	}
	for (size_t i = 0; i < n; i++) {
		const struct vx_alert_setting *x = &cfg->devices[i].alerts.a[a];

		if (!x->enabled)
			continue;
		enabled++;
		if (!same_slot(x, &cfg->devices[0].alerts.a[a], VX_AS_FOR) ||
		    !same_slot(x, &cfg->devices[0].alerts.a[a], VX_AS_WINDOW))
			uniform = false;
	}
	uniform = uniform && enabled == n;
	for (size_t i = 0; i < n; i++) {
		const struct vx_alert_setting *x = &cfg->devices[i].alerts.a[a];
		bool first = x->enabled;

		for (size_t j = 0; first && j < i; j++)
			first = !(cfg->devices[j].alerts.a[a].enabled &&
			    same_slot(&cfg->devices[j].alerts.a[a], x,
			    VX_AS_FOR));
		nfor += first;
	}
	for (size_t i = 0; i < n; i++) {
		const struct vx_alert_setting	*f = &cfg->devices[i].alerts.a[a];
		struct vx_strbuf		 expr;
		size_t				 branches = 0;

		if (done[i] || !f->enabled)
			continue;
		vx_strbuf_init(&expr, 2048);
		/* Every window among the devices with this "for". */
		for (size_t j = i; j < n; j++) {
			const struct vx_alert_setting *w =
			    &cfg->devices[j].alerts.a[a];
			struct vx_strbuf sel, part;

			if (taken[j] || !w->enabled ||
			    !same_slot(w, f, VX_AS_FOR))
				continue;
			vx_strbuf_init(&sel, 256);
			vx_strbuf_init(&part, 2048);
			if (!uniform)
				matcher(&sel, cfg, a, w, taken, f);
			rule_expr(&part, cfg, r, w->v[VX_AS_WINDOW], sel.buf);
			for (size_t k = j; k < n; k++) {
				const struct vx_alert_setting *y =
				    &cfg->devices[k].alerts.a[a];

				if (!taken[k] && y->enabled &&
				    same_slot(y, f, VX_AS_FOR) &&
				    same_slot(y, w, VX_AS_WINDOW)) {
					taken[k] = true;
					done[k] = true;
				}
			}
			if (branches++ > 0)
				vx_strbuf_addstr(&expr, "or\n");
			vx_strbuf_addstr(&expr, "(\n");
			vx_strbuf_add(&expr, part.buf, part.len);
			vx_strbuf_addstr(&expr, ")\n");
			vx_strbuf_release(&sel);
			vx_strbuf_release(&part);
		}
		/* One branch needs no parentheses around it. */
		if (branches == 1) {
			struct vx_strbuf one;

			vx_strbuf_init(&one, expr.len);
			vx_strbuf_add(&one, expr.buf + 2, expr.len - 4);
			vx_strbuf_addch(&one, '\n');
			emit_rule(m, cfg, r, one.buf, f->v[VX_AS_FOR], nfor > 1);
			vx_strbuf_release(&one);
		} else {
			emit_rule(m, cfg, r, expr.buf, f->v[VX_AS_FOR], nfor > 1);
		}
		vx_strbuf_release(&expr);
	}
	free(done);
	free(taken);
}

static const struct {
	const char	*record;
	const char	*expr;
} recordings[] = {
	{ "device:vpn_invalid_spi_packets:rate5m",
	  "rate({INVALID_SPI}[5m])" },
	{ "tunnel:vpn_invalid_spi_packets:rate5m",
	  "max without (type) (rate({ERRORS}{type=\"invalid_spi\"}[5m]))" },
	{ "peer:vpn_invalid_spi_events:rate5m",
	  "rate({EVENTS}[5m])" },
	{ "tunnel:vpn_inbound_stalled:5m",
	  "max without (direction) (\n"
	  "    (increase({PACKETS}{direction=\"in\"}[5m]) == 0)\n"
	  "  and on (device, tunnel, peer)\n"
	  "    (increase({PACKETS}{direction=\"out\"}[5m]) > 0)\n"
	  ") * 0 + 1\n" },
	{ "tunnel:vpn_ipsec_errors:rate5m",
	  "sum without (type) (rate({ERRORS}{type=~\"decrypt|auth|replay\"}[5m]))" },
	{ "tunnel:vpn_ipsec_rekeys:increase1h",
	  "increase({REKEYS}[1h])" },
};

static void
emit_group(struct em *m, const char *name)
{
	em_map(m, true);
	em_kv(m, "name", name);
	em_scalar(m, "rules", YAML_PLAIN_SCALAR_STYLE);
	em_seq(m, true);
}

static void
emit_group_end(struct em *m)
{
	em_seq(m, false);
	em_map(m, false);
}

int
vx_rules_write(struct vx_strbuf *out, const struct vx_config *cfg)
{
	struct em	m;
	yaml_event_t	ev;
	struct ctx	x = { "", "5m" };

	memset(&m, 0, sizeof(m));
	m.out = out;
	vx_strbuf_addstr(out, "# Prometheus rules for vpn_exporter, generated "
	    "from its configuration by\n#   vpn_exporter rules "
	    "--config.file=vpn_exporter.yml\n# Do not edit: change the "
	    "'alerts:' section and generate again.\n");
	if (!yaml_emitter_initialize(&m.e))
		return -VX_E_NOMEM;
	yaml_emitter_set_output(&m.e, em_write, out);
	yaml_emitter_set_width(&m.e, 100);
	yaml_emitter_set_unicode(&m.e, 1);
	em_event(&m, &ev, yaml_stream_start_event_initialize(&ev,
	    YAML_UTF8_ENCODING));
	em_event(&m, &ev, yaml_document_start_event_initialize(&ev, NULL,
	    NULL, NULL, 1));
	em_map(&m, true);
	em_scalar(&m, "groups", YAML_PLAIN_SCALAR_STYLE);
	em_seq(&m, true);

	emit_group(&m, "vpn_recording");
	for (size_t i = 0; i < sizeof(recordings) / sizeof(recordings[0]);
	    i++) {
		struct vx_strbuf expr;

		vx_strbuf_init(&expr, 256);
		expand(&expr, recordings[i].expr, &x);
		em_map(&m, true);
		em_kv(&m, "record", recordings[i].record);
		em_kv(&m, "expr", expr.buf);
		em_map(&m, false);
		vx_strbuf_release(&expr);
	}
	emit_group_end(&m);

	emit_group(&m, "vpn_alerts");
	for (size_t i = 0; i < sizeof(rule_defs) / sizeof(rule_defs[0]); i++)
		emit_alert(&m, cfg, &rule_defs[i]);
	emit_group_end(&m);

	em_seq(&m, false);
	em_map(&m, false);
	em_event(&m, &ev, yaml_document_end_event_initialize(&ev, 1));
	em_event(&m, &ev, yaml_stream_end_event_initialize(&ev));
	yaml_emitter_flush(&m.e);
	yaml_emitter_delete(&m.e);
	return m.failed || out->failed ? -VX_E_NOMEM : 0;
}

static const char rules_usage[] =
"usage: vpn_exporter rules --config.file=FILE\n"
"\n"
"Prints the Prometheus rule file (recording and alerting rules) for the\n"
"configuration's 'alerts:' section, on standard output.\n";

int
vx_cli_rules_cmd(int argc, char **argv)
{
	struct vx_cfg_errors	 errs = { NULL, 0, 0 };
	struct vx_config	*cfg;
	struct vx_strbuf	 out;
	const char		*path = NULL;
	int			 rc;

	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "--config.file=", 14) == 0) {
			path = argv[i] + 14;
		} else if (strcmp(argv[i], "--config.file") == 0 &&
		    i + 1 < argc) {
			path = argv[++i];
		} else if (strcmp(argv[i], "-h") == 0 ||
		    strcmp(argv[i], "--help") == 0) {
			fputs(rules_usage, stdout);
			return 0;
		} else {
			fprintf(stderr, "vpn_exporter rules: unknown argument "
			    "'%s'\n%s", argv[i], rules_usage);
			return 2;
		}
	}
	if (path == NULL) {
		fprintf(stderr, "vpn_exporter rules: --config.file is "
		    "required\n%s", rules_usage);
		return 2;
	}
	cfg = vx_config_load(path, &errs);
	if (cfg == NULL) {
		for (size_t i = 0; i < errs.n; i++)
			fprintf(stderr, "%s\n", errs.msgs[i]);
		fprintf(stderr, "%s: configuration has %zu error%s\n", path,
		    errs.n, errs.n == 1 ? "" : "s");
		vx_cfg_errors_release(&errs);
		return 1;
	}
	vx_strbuf_init(&out, 16384);
	rc = vx_rules_write(&out, cfg);
	if (rc == 0)
		fwrite(out.buf, 1, out.len, stdout);
	else
		fprintf(stderr, "vpn_exporter rules: out of memory\n");
	vx_strbuf_release(&out);
	vx_config_free(cfg);
	return rc == 0 ? 0 : 1;
}
