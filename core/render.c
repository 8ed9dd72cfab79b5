#include "render.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "utf8.h"

enum mtype { T_GAUGE, T_COUNTER, T_INFO, T_STATESET };

enum metric_id {
#define VX_METRIC(id, name, type, help) M_##id,
#include "metrics.def"
#undef VX_METRIC
	M__COUNT
};

static const struct {
	const char	*name;
	enum mtype	 type;
	const char	*help;
} metrics[] = {
#define VX_METRIC(id, name, type, help) { name, T_##type, help },
#include "metrics.def"
#undef VX_METRIC
};

/*
 * Every label name the renderer writes.  Samples name their labels by
 * these ids only, so this table (with the state-set families below) is
 * the complete list: user labels may not use any of them.
 */
enum label_id {
	L_NONE = -1,
	L_DEVICE, L_TUNNEL, L_PEER, L_COLLECTOR, L_REASON, L_SECTION,
	L_DIRECTION, L_TYPE, L_SPI_IN, L_SPI_OUT, L_STATE, L_LOCAL_IDENT,
	L_REMOTE_IDENT, L_VERSION, L_ROLE, L_LOCAL_ADDRESS, L_IKE_VERSION,
	L_NAT_T, L_INTERFACE, L_CRYPTO_MAP, L_MODE, L_REVISION, L_COMPILER,
	L_ALERT, L_SEVERITY, L_PEER_DEVICE,
	L__COUNT
};

static const char *const label_names[L__COUNT] = {
	[L_DEVICE] = "device", [L_TUNNEL] = "tunnel", [L_PEER] = "peer",
	[L_COLLECTOR] = "collector", [L_REASON] = "reason",
	[L_SECTION] = "section", [L_DIRECTION] = "direction",
	[L_TYPE] = "type", [L_SPI_IN] = "spi_in", [L_SPI_OUT] = "spi_out",
	[L_STATE] = "state", [L_LOCAL_IDENT] = "local_ident",
	[L_REMOTE_IDENT] = "remote_ident", [L_VERSION] = "version",
	[L_ROLE] = "role", [L_LOCAL_ADDRESS] = "local_address",
	[L_IKE_VERSION] = "ike_version", [L_NAT_T] = "nat_t",
	[L_INTERFACE] = "interface", [L_CRYPTO_MAP] = "crypto_map",
	[L_MODE] = "mode", [L_REVISION] = "revision",
	[L_COMPILER] = "compiler", [L_ALERT] = "alert",
	[L_SEVERITY] = "severity", [L_PEER_DEVICE] = "peer_device",
};

/* Labels Prometheus attaches to every scraped series itself. */
static const char *const target_labels[] = { "instance", "job", NULL };

/* Per-tunnel counters: which metric and which distinguishing label. */
static const struct {
	enum metric_id	 metric;
	enum label_id	 label;
	const char	*value;
} tun_ctr_map[VX_TC__COUNT] = {
	[VX_TC_PKTS_IN] =		{ M_PACKETS, L_DIRECTION, "in" },
	[VX_TC_PKTS_OUT] =		{ M_PACKETS, L_DIRECTION, "out" },
	[VX_TC_BYTES_IN] =		{ M_BYTES, L_DIRECTION, "in" },
	[VX_TC_BYTES_OUT] =		{ M_BYTES, L_DIRECTION, "out" },
	[VX_TC_ERR_DECRYPT] =		{ M_ERRORS, L_TYPE, "decrypt" },
	[VX_TC_ERR_ENCRYPT] =		{ M_ERRORS, L_TYPE, "encrypt" },
	[VX_TC_ERR_AUTH] =		{ M_ERRORS, L_TYPE, "auth" },
	[VX_TC_ERR_AUTH_OUT] =		{ M_ERRORS, L_TYPE, "auth_out" },
	[VX_TC_ERR_REPLAY] =		{ M_ERRORS, L_TYPE, "replay" },
	[VX_TC_ERR_SEND] =		{ M_ERRORS, L_TYPE, "send" },
	[VX_TC_ERR_RECV] =		{ M_ERRORS, L_TYPE, "recv" },
	[VX_TC_ERR_DROP_IN] =		{ M_ERRORS, L_TYPE, "drop_in" },
	[VX_TC_ERR_DROP_OUT] =		{ M_ERRORS, L_TYPE, "drop_out" },
	[VX_TC_ERR_INVALID_SPI] =	{ M_ERRORS, L_TYPE, "invalid_spi" },
};

static const enum label_id tun_attr_label[VX_TA__COUNT] = {
	[VX_TA_LOCAL_ADDR] = L_LOCAL_ADDRESS,
	[VX_TA_IKE_VERSION] = L_IKE_VERSION,
	[VX_TA_NAT_T] = L_NAT_T,
	[VX_TA_INTERFACE] = L_INTERFACE,
	[VX_TA_CRYPTO_MAP] = L_CRYPTO_MAP,
	[VX_TA_MODE] = L_MODE,
};

static const enum label_id ike_attr_label[VX_IA__COUNT] = {
	[VX_IA_VERSION] = L_VERSION,
	[VX_IA_ROLE] = L_ROLE,
	[VX_IA_LOCAL_ADDR] = L_LOCAL_ADDRESS,
};

/* Device values rendered as plain gauges or counters, maybe one label. */
static const struct {
	enum metric_id	 metric;
	enum label_id	 label;
	const char	*value;
} dev_val_map[VX_DV__COUNT] = {
	[VX_DV_INVALID_SPI] =		{ M_INVALID_SPI, L_NONE, NULL },
	[VX_DV_NO_SA_FAILS] =		{ M_NO_SA_FAILS, L_NONE, NULL },
	[VX_DV_IKE_ACTIVE_TUNNELS] =	{ M_IKE_ACTIVE, L_NONE, NULL },
	[VX_DV_IPSEC_ACTIVE_TUNNELS] =	{ M_IPSEC_ACTIVE, L_NONE, NULL },
	[VX_DV_L2L_SESSIONS] =		{ M_SESSIONS, L_TYPE, "l2l" },
	[VX_DV_L2L_SESSIONS_TOTAL] =	{ M_SESSIONS_TOTAL, L_TYPE, "l2l" },
	[VX_DV_DROPS_CLEARED_TS] =	{ M_DROPS_CLEARED, L_NONE, NULL },
};

static const char *const sa_state_names[] = {
	[VX_SA_UNKNOWN] = "unknown",
	[VX_SA_ACTIVE] = "active",
	[VX_SA_EXPIRING] = "expiring",
};

struct lbl {
	enum label_id	 name;
	const char	*value;
};

const char *
vx_format_content_type(enum vx_format fmt)
{
	switch (fmt) {
	case VX_FMT_OPENMETRICS:
		return "application/openmetrics-text; version=1.0.0; "
		    "charset=utf-8";
	case VX_FMT_TEXT:
		break;
	}
	return "text/plain; version=0.0.4; charset=utf-8";
}

bool
vx_label_name_valid(const char *name)
{
	if (name[0] == '\0' || (name[0] == '_' && name[1] == '_'))
		return false;
	for (const char *p = name; *p; p++) {
		char c = *p;

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    c == '_' || (p != name && c >= '0' && c <= '9')))
			return false;
	}
	return true;
}

bool
vx_label_name_reserved(const char *name)
{
	for (int i = 0; i < L__COUNT; i++) {
		if (strcmp(label_names[i], name) == 0)
			return true;
	}
	for (size_t i = 0; target_labels[i] != NULL; i++) {
		if (strcmp(target_labels[i], name) == 0)
			return true;
	}
	/* A state set's state label is named after its family. */
	for (int id = 0; id < M__COUNT; id++) {
		if (metrics[id].type == T_STATESET &&
		    strcmp(metrics[id].name, name) == 0)
			return true;
	}
	return false;
}

size_t
vx_label_names_reserved(const char **out, size_t max)
{
	size_t n = 0;

	for (int i = 0; i < L__COUNT && n < max; i++)
		out[n++] = label_names[i];
	for (size_t i = 0; target_labels[i] != NULL && n < max; i++)
		out[n++] = target_labels[i];
	for (int id = 0; id < M__COUNT && n < max; id++) {
		if (metrics[id].type == T_STATESET)
			out[n++] = metrics[id].name;
	}
	return n;
}

const char *
vx_metric_name(enum vx_metric m)
{
	return (int)m >= 0 && (int)m < M__COUNT ? metrics[m].name : NULL;
}

void
vx_render_escape_label(struct vx_strbuf *out, const char *value)
{
	const unsigned char	*p = (const unsigned char *)value;
	size_t			 n = strlen(value);

	while (n > 0) {
		size_t len = vx_utf8_seq_len(p, n);

		if (len == 0) {
			vx_strbuf_addstr(out, VX_UTF8_REPLACEMENT);
			len = 1;
		} else if (*p == '\\') {
			vx_strbuf_addstr(out, "\\\\");
		} else if (*p == '"') {
			vx_strbuf_addstr(out, "\\\"");
		} else if (*p == '\n') {
			vx_strbuf_addstr(out, "\\n");
		} else {
			vx_strbuf_add(out, p, len);
		}
		p += len;
		n -= len;
	}
}

static void
add_help_escaped(struct vx_strbuf *out, const char *help, enum vx_format fmt)
{
	for (const char *p = help; *p; p++) {
		if (*p == '\\')
			vx_strbuf_addstr(out, "\\\\");
		else if (*p == '\n')
			vx_strbuf_addstr(out, "\\n");
		else if (*p == '"' && fmt == VX_FMT_OPENMETRICS)
			vx_strbuf_addstr(out, "\\\"");
		else
			vx_strbuf_addch(out, *p);
	}
}

/* The OpenMetrics family name: the name without _total or _info. */
static void
add_family_name(struct vx_strbuf *out, enum metric_id id, enum vx_format fmt)
{
	const char	*name = metrics[id].name;
	size_t		 len = strlen(name);

	if (fmt == VX_FMT_OPENMETRICS && metrics[id].type == T_COUNTER)
		len -= strlen("_total");
	else if (fmt == VX_FMT_OPENMETRICS && metrics[id].type == T_INFO)
		len -= strlen("_info");
	vx_strbuf_add(out, name, len);
}

static void
add_header(struct vx_strbuf *out, enum metric_id id, enum vx_format fmt)
{
	const char *type = "gauge";

	if (metrics[id].type == T_COUNTER)
		type = "counter";
	else if (metrics[id].type == T_INFO && fmt == VX_FMT_OPENMETRICS)
		type = "info";
	else if (metrics[id].type == T_STATESET && fmt == VX_FMT_OPENMETRICS)
		type = "stateset";
	vx_strbuf_addstr(out, "# HELP ");
	add_family_name(out, id, fmt);
	vx_strbuf_addch(out, ' ');
	add_help_escaped(out, metrics[id].help, fmt);
	vx_strbuf_addstr(out, "\n# TYPE ");
	add_family_name(out, id, fmt);
	vx_strbuf_addch(out, ' ');
	vx_strbuf_addstr(out, type);
	vx_strbuf_addch(out, '\n');
}

/*
 * One sample line: name{device labels, extra labels} value.  Labels with a
 * NULL value (or no name) are left out.  A state set's sample gets its
 * state label, named after the family, last.
 */
static void
add_sample_state(struct vx_strbuf *out, enum metric_id id,
    const struct vx_snapshot *s, const struct lbl *l, size_t nl,
    const char *state, const char *value)
{
	bool first = true;

	vx_strbuf_addstr(out, metrics[id].name);
	if (s != NULL) {
		vx_strbuf_addstr(out, "{device=\"");
		vx_render_escape_label(out, s->device);
		vx_strbuf_addch(out, '"');
		for (size_t i = 0; i < s->nlabels; i++) {
			vx_strbuf_addf(out, ",%s=\"", s->labels[i].name);
			vx_render_escape_label(out, s->labels[i].value);
			vx_strbuf_addch(out, '"');
		}
		first = false;
	}
	for (size_t i = 0; i < nl; i++) {
		if (l[i].value == NULL || l[i].name == L_NONE)
			continue;
		vx_strbuf_addstr(out, first ? "{" : ",");
		vx_strbuf_addstr(out, label_names[l[i].name]);
		vx_strbuf_addstr(out, "=\"");
		vx_render_escape_label(out, l[i].value);
		vx_strbuf_addch(out, '"');
		first = false;
	}
	if (state != NULL) {
		vx_strbuf_addstr(out, first ? "{" : ",");
		vx_strbuf_addstr(out, metrics[id].name);
		vx_strbuf_addstr(out, "=\"");
		vx_strbuf_addstr(out, state);
		vx_strbuf_addch(out, '"');
		first = false;
	}
	if (!first)
		vx_strbuf_addch(out, '}');
	vx_strbuf_addch(out, ' ');
	vx_strbuf_addstr(out, value);
	vx_strbuf_addch(out, '\n');
}

static void
add_sample(struct vx_strbuf *out, enum metric_id id,
    const struct vx_snapshot *s, const struct lbl *l, size_t nl,
    const char *value)
{
	add_sample_state(out, id, s, l, nl, NULL, value);
}

static const char *
fmt_u64(char *buf, size_t len, uint64_t v)
{
	snprintf(buf, len, "%" PRIu64, v);
	return buf;
}

static const char *
fmt_i64(char *buf, size_t len, int64_t v)
{
	snprintf(buf, len, "%" PRId64, v);
	return buf;
}

static const char *
fmt_ms_as_s(char *buf, size_t len, int64_t ms)
{
	snprintf(buf, len, "%" PRId64 ".%03d", ms / 1000, (int)(ms % 1000));
	return buf;
}

/* A configured number: shortest form that reads back the same. */
static const char *
fmt_double(char *buf, size_t len, double v)
{
	snprintf(buf, len, "%.15g", v);
	return buf;
}

/* Seconds with millisecond precision: CPU time, start time. */
static const char *
fmt_seconds(char *buf, size_t len, double v)
{
	snprintf(buf, len, "%.3f", v);
	return buf;
}

static void
render_device_family(struct vx_strbuf *out, enum metric_id id,
    const struct vx_snapshot *s)
{
	char buf[32];

	/*
	 * Collection bookkeeping exists only for snapshots the core made
	 * (collected_ms set), not for offline parses of pasted output.
	 */
	switch (id) {
	case M_UP:
		if (s->collected_ms == 0)
			return;
		add_sample(out, id, s, NULL, 0,
		    s->up && !s->stale ? "1" : "0");
		return;
	case M_COLLECT_DURATION:
	case M_COLLECTOR_UP:
		for (size_t i = 0; i < s->nruns; i++) {
			struct lbl l = { L_COLLECTOR, s->runs[i].collector };

			if (id == M_COLLECT_DURATION)
				fmt_ms_as_s(buf, sizeof(buf),
				    s->runs[i].duration_ms);
			else
				snprintf(buf, sizeof(buf), "%d",
				    s->runs[i].code == VX_E_OK && !s->stale);
			add_sample(out, id, s, &l, 1, buf);
		}
		return;
	case M_COLLECT_TS:
		if (s->collected_ms > 0)
			add_sample(out, id, s, NULL, 0,
			    fmt_ms_as_s(buf, sizeof(buf), s->collected_ms));
		return;
	case M_COLLECT_ERRORS:
		if (s->collected_ms == 0)
			return;
		for (int e = 1; e < VX_E__COUNT; e++) {
			struct lbl l = { L_REASON,
			    vx_errcode_reason((enum vx_errcode)e) };

			if (e == VX_E_CONFIG)
				continue;
			add_sample(out, id, s, &l, 1,
			    fmt_u64(buf, sizeof(buf), s->errors_total[e]));
		}
		return;
	case M_ALERT_THRESHOLD:
		for (size_t i = 0; i < s->nthresholds; i++) {
			struct lbl l[] = {
				{ L_ALERT, s->thresholds[i].alert },
				{ L_SEVERITY, s->thresholds[i].severity },
			};

			add_sample(out, id, s, l, 2, fmt_double(buf,
			    sizeof(buf), s->thresholds[i].value));
		}
		return;
	default:
		break;
	}

	/* Everything below is device data, which a stale snapshot lacks. */
	if (s->stale)
		return;

	for (int v = 0; v < VX_DV__COUNT; v++) {
		struct lbl l = { dev_val_map[v].label, dev_val_map[v].value };

		if (dev_val_map[v].metric != id ||
		    !(s->dev_set & (1u << v)))
			continue;
		add_sample(out, id, s, &l, l.name != L_NONE,
		    fmt_u64(buf, sizeof(buf), s->dev[v]));
	}

	if (id == M_DROPPED) {
		for (size_t i = 0; i < s->ndrops; i++) {
			struct lbl l[] = {
				{ L_SECTION, s->drops[i].section },
				{ L_REASON, s->drops[i].reason },
			};

			add_sample(out, id, s, l, 2,
			    fmt_u64(buf, sizeof(buf), s->drops[i].count));
		}
	}

	/* The tunnel labels, then the attributes or the 5 SA labels. */
	_Static_assert(VX_TA__COUNT >= 5, "no room for the SA labels");
	for (size_t i = 0; i < s->ntunnels; i++) {
		const struct vx_tunnel	*t = s->tunnels[i];
		struct lbl		 l[2 + VX_TA__COUNT] = {
			{ L_TUNNEL, t->name }, { L_PEER, t->peer },
		};

		switch (id) {
		case M_TUNNEL_UP:
			add_sample(out, id, s, l, 2, t->up ? "1" : "0");
			break;
		case M_TUNNEL_INFO: {
			bool any = false;

			for (int a = 0; a < VX_TA__COUNT; a++) {
				l[2 + a].name = tun_attr_label[a];
				l[2 + a].value = t->attr[a];
				any = any || t->attr[a] != NULL;
			}
			if (any)
				add_sample(out, id, s, l, 2 + VX_TA__COUNT,
				    "1");
			break;
		}
		case M_SA_LIFE_S:
			if (t->life_s_set)
				add_sample(out, id, s, l, 2,
				    fmt_i64(buf, sizeof(buf), t->life_s));
			break;
		case M_SA_LIFE_BYTES:
			/* Devices count kilobytes of 1024 bytes; base unit. */
			if (t->life_kb_set)
				add_sample(out, id, s, l, 2,
				    fmt_i64(buf, sizeof(buf),
				    t->life_kb > INT64_MAX / 1024 ? INT64_MAX :
				    t->life_kb * 1024));
			break;
		case M_REKEYS:
			if (t->rekeys_set)
				add_sample(out, id, s, l, 2,
				    fmt_u64(buf, sizeof(buf), t->rekeys));
			break;
		case M_SA_INFO:
			for (size_t k = 0; k < t->nsas; k++) {
				char in[11], outspi[11];

				vx_spi_format(t->sas[k].spi_in, in);
				vx_spi_format(t->sas[k].spi_out, outspi);
				l[2].name = L_SPI_IN;
				l[2].value = t->sas[k].has_in ? in : NULL;
				l[3].name = L_SPI_OUT;
				l[3].value = t->sas[k].has_out ? outspi : NULL;
				l[4].name = L_STATE;
				l[4].value = sa_state_names[t->sas[k].state];
				l[5].name = L_LOCAL_IDENT;
				l[5].value = t->sas[k].local_ident;
				l[6].name = L_REMOTE_IDENT;
				l[6].value = t->sas[k].remote_ident;
				add_sample(out, id, s, l, 7, "1");
			}
			break;
		default:
			for (int c = 0; c < VX_TC__COUNT; c++) {
				if (tun_ctr_map[c].metric != id ||
				    !(t->ctr_set & (1u << c)))
					continue;
				l[2].name = tun_ctr_map[c].label;
				l[2].value = tun_ctr_map[c].value;
				add_sample(out, id, s, l, 3,
				    fmt_u64(buf, sizeof(buf), t->ctr[c]));
			}
			break;
		}
	}

	for (size_t i = 0; i < s->nike; i++) {
		const struct vx_ike_sa	*ike = s->ike[i];
		struct lbl		 l[1 + VX_IA__COUNT] = {
			{ L_PEER, ike->peer },
		};

		if (id == M_IKE_SA_UP) {
			add_sample(out, id, s, l, 1, ike->up ? "1" : "0");
		} else if (id == M_IKE_SA_STATE &&
		    ike->state != VX_IKE_UNKNOWN) {
			for (int st = 1; st < VX_IKE__COUNT; st++)
				add_sample_state(out, id, s, l, 1,
				    vx_ike_state_name((enum vx_ike_state)st),
				    st == (int)ike->state ? "1" : "0");
		} else if (id == M_IKE_SA_LIFE && ike->life_s_set) {
			add_sample(out, id, s, l, 1,
			    fmt_i64(buf, sizeof(buf), ike->life_s));
		} else if (id == M_IKE_SA_INFO) {
			bool any = false;

			for (int a = 0; a < VX_IA__COUNT; a++) {
				l[1 + a].name = ike_attr_label[a];
				l[1 + a].value = ike->attr[a];
				any = any || ike->attr[a] != NULL;
			}
			if (any)
				add_sample(out, id, s, l, 1 + VX_IA__COUNT,
				    "1");
		}
	}
}

static void
render_self_family(struct vx_strbuf *out, enum metric_id id,
    const struct vx_selfstats *self)
{
	char				 buf[40];
	const struct vx_process_stats	*p = &self->proc;

	switch (id) {
	case M_BUILD_INFO: {
		struct lbl l[] = {
			{ L_VERSION, self->version },
			{ L_REVISION, self->revision },
			{ L_COMPILER, self->compiler },
		};

		add_sample(out, id, NULL, l, 3, "1");
		break;
	}
	case M_RELOAD_OK:
		add_sample(out, id, NULL, NULL, 0, self->reload_ok ? "1" : "0");
		break;
	case M_RELOAD_TS:
		if (self->reload_success_ms > 0)
			add_sample(out, id, NULL, NULL, 0, fmt_ms_as_s(buf,
			    sizeof(buf), self->reload_success_ms));
		break;
	case M_DEVICES:
		add_sample(out, id, NULL, NULL, 0,
		    fmt_u64(buf, sizeof(buf), self->ndevices));
		break;
	case M_PROC_CPU:
		if (p->valid)
			add_sample(out, id, NULL, NULL, 0,
			    fmt_seconds(buf, sizeof(buf), p->cpu_seconds));
		break;
	case M_PROC_RSS:
		if (p->valid)
			add_sample(out, id, NULL, NULL, 0,
			    fmt_u64(buf, sizeof(buf), p->rss_bytes));
		break;
	case M_PROC_VSZ:
		if (p->valid)
			add_sample(out, id, NULL, NULL, 0,
			    fmt_u64(buf, sizeof(buf), p->vsize_bytes));
		break;
	case M_PROC_FDS:
		if (p->valid)
			add_sample(out, id, NULL, NULL, 0,
			    fmt_u64(buf, sizeof(buf), p->open_fds));
		break;
	case M_PROC_MAX_FDS:
		if (p->valid && p->max_fds > 0)
			add_sample(out, id, NULL, NULL, 0,
			    fmt_u64(buf, sizeof(buf), p->max_fds));
		break;
	case M_PROC_START:
		if (p->valid)
			add_sample(out, id, NULL, NULL, 0,
			    fmt_seconds(buf, sizeof(buf),
			    p->start_time_seconds));
		break;
	default:
		break;
	}
}

static void
render_checks(struct vx_strbuf *out, const struct vx_spi_check *checks,
    size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct vx_spi_check	*c = &checks[i];
		struct lbl			 l[] = {
			{ L_TUNNEL, c->tunnel }, { L_PEER, c->peer },
			{ L_PEER_DEVICE, c->peer_device },
		};

		add_sample(out, M_SPI_MISMATCH, c->snap, l, 3,
		    c->mismatch ? "1" : "0");
	}
}

void
vx_render(struct vx_strbuf *out, enum vx_format fmt,
    struct vx_snapshot *const *snaps, size_t nsnaps,
    const struct vx_selfstats *self)
{
	vx_render_ex(out, fmt, snaps, nsnaps, NULL, 0, self);
}

void
vx_render_ex(struct vx_strbuf *out, enum vx_format fmt,
    struct vx_snapshot *const *snaps, size_t nsnaps,
    const struct vx_spi_check *checks, size_t nchecks,
    const struct vx_selfstats *self)
{
	struct vx_strbuf samples;

	vx_strbuf_init(&samples, 4096);
	for (int id = 0; id < M__COUNT; id++) {
		vx_strbuf_reset(&samples);
		for (size_t i = 0; i < nsnaps; i++) {
			if (snaps[i] != NULL)
				render_device_family(&samples,
				    (enum metric_id)id, snaps[i]);
		}
		if (id == M_SPI_MISMATCH)
			render_checks(&samples, checks, nchecks);
		if (self != NULL)
			render_self_family(&samples, (enum metric_id)id, self);
		if (samples.len == 0)
			continue;
		add_header(out, (enum metric_id)id, fmt);
		vx_strbuf_add(out, samples.buf, samples.len);
	}
	if (samples.failed)
		out->failed = true;
	vx_strbuf_release(&samples);
	if (fmt == VX_FMT_OPENMETRICS)
		vx_strbuf_addstr(out, "# EOF\n");
}
