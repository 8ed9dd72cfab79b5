#include "render.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>
#include "utf8.h"
#include "zpool.h"

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
	L_RAW = -2,	/* value: labels already escaped, ",a=\"b\",..." */
	L_NONE = -1,
	L_DEVICE, L_TUNNEL, L_PEER, L_COLLECTOR, L_REASON, L_SECTION,
	L_DIRECTION, L_TYPE, L_SPI_IN, L_SPI_OUT, L_STATE, L_LOCAL_IDENT,
	L_REMOTE_IDENT, L_VERSION, L_ROLE, L_LOCAL_ADDRESS, L_IKE_VERSION,
	L_NAT_T, L_INTERFACE, L_CRYPTO_MAP, L_MODE, L_REVISION, L_COMPILER,
	L_ALERT, L_SEVERITY, L_PEER_DEVICE, L_MONITOR, L_NODE, L_METRIC, L_SPI,
	L_RESULT,
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
	[L_MONITOR] = "monitor", [L_NODE] = "node", [L_METRIC] = "metric",
	[L_SPI] = "spi", [L_RESULT] = "result",
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
	[VX_TC_ERR_BAD_HEADER] =	{ M_ERRORS, L_TYPE, "bad_header" },
	[VX_TC_ERR_BAD_TRAILER] =	{ M_ERRORS, L_TYPE, "bad_trailer" },
};

static const enum label_id tun_attr_label[VX_TA__COUNT] = {
	[VX_TA_LOCAL_ADDR] = L_LOCAL_ADDRESS,
	[VX_TA_IKE_VERSION] = L_IKE_VERSION,
	[VX_TA_NAT_T] = L_NAT_T,
	[VX_TA_INTERFACE] = L_INTERFACE,
	[VX_TA_CRYPTO_MAP] = L_CRYPTO_MAP,
	[VX_TA_MODE] = L_MODE,
	[VX_TA_MONITOR] = L_MONITOR,
};

static const char *const http_drop_reason[VX_HTTP_DROP__COUNT] = {
	[VX_HTTP_DROP_LIMIT] = "limit",
	[VX_HTTP_DROP_EVICTED] = "evicted",
	[VX_HTTP_DROP_TIMEOUT] = "timeout",
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
	[VX_DV_PKTS_IN] =		{ M_PACKETS, L_DIRECTION, "in" },
	[VX_DV_PKTS_OUT] =		{ M_PACKETS, L_DIRECTION, "out" },
	[VX_DV_BYTES_IN] =		{ M_BYTES, L_DIRECTION, "in" },
	[VX_DV_BYTES_OUT] =		{ M_BYTES, L_DIRECTION, "out" },
	[VX_DV_ERR_AUTH] =		{ M_ERRORS, L_TYPE, "auth" },
	[VX_DV_ERR_DECRYPT] =		{ M_ERRORS, L_TYPE, "decrypt" },
	[VX_DV_ERR_REPLAY] =		{ M_ERRORS, L_TYPE, "replay" },
	[VX_DV_ERR_BAD_HEADER] =	{ M_ERRORS, L_TYPE, "bad_header" },
	[VX_DV_ERR_BAD_TRAILER] =	{ M_ERRORS, L_TYPE, "bad_trailer" },
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

/*
 * One snapshot as the renderer sees it: the label text shared by all its
 * series, escaped once per rendering rather than once per sample: the
 * device's labels ("{device=\"x\",site=\"y\"", no closing brace) and, per
 * tunnel and per IKE SA, their own (",tunnel=\"t\",peer=\"p\"").
 */
struct devctx {
	const struct vx_snapshot	*s;
	struct vx_strbuf		 text;
	size_t				 prefix_len;
	size_t				*tun;	/* offsets into text */
	size_t				*ike;
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
	size_t			 n, plain = 0;

	/* Most values are plain ASCII: copied in one go. */
	while (p[plain] != '\0' && p[plain] < 0x80 && p[plain] != '\\' &&
	    p[plain] != '"' && p[plain] != '\n')
		plain++;
	vx_strbuf_add(out, p, plain);
	p += plain;
	n = strlen((const char *)p);
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
    const struct devctx *d, const struct lbl *l, size_t nl,
    const char *state, const char *value)
{
	bool first = true;

	vx_strbuf_addstr(out, metrics[id].name);
	if (d != NULL) {
		vx_strbuf_add(out, d->text.buf, d->prefix_len);
		first = false;
	}
	for (size_t i = 0; i < nl; i++) {
		if (l[i].value == NULL || l[i].name == L_NONE)
			continue;
		if (l[i].name == L_RAW) {
			vx_strbuf_addstr(out, l[i].value);
			continue;
		}
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
    const struct devctx *d, const struct lbl *l, size_t nl,
    const char *value)
{
	add_sample_state(out, id, d, l, nl, NULL, value);
}

/* Appends ,name="escaped value". */
static void
add_label(struct vx_strbuf *out, const char *name, const char *value)
{
	vx_strbuf_addch(out, ',');
	vx_strbuf_addstr(out, name);
	vx_strbuf_addstr(out, "=\"");
	vx_render_escape_label(out, value);
	vx_strbuf_addch(out, '"');
}

/*
 * The label text of snapshot s; with_parts, that of its tunnels and IKE
 * SAs too.  Release with devctx_release.
 */
static void
devctx_init(struct devctx *d, const struct vx_snapshot *s, bool with_parts)
{
	memset(d, 0, sizeof(*d));
	d->s = s;
	vx_strbuf_init(&d->text, 256 + (with_parts ? 64 * (s->ntunnels +
	    s->nike) : 0));
	vx_strbuf_addstr(&d->text, "{device=\"");
	vx_render_escape_label(&d->text, s->device);
	vx_strbuf_addch(&d->text, '"');
	for (size_t i = 0; i < s->nlabels; i++)
		add_label(&d->text, s->labels[i].name, s->labels[i].value);
	d->prefix_len = d->text.len;
	vx_strbuf_addch(&d->text, '\0');
	if (!with_parts)
		return;
	d->tun = calloc(s->ntunnels + 1, sizeof(*d->tun));
	d->ike = calloc(s->nike + 1, sizeof(*d->ike));
	if (d->tun == NULL || d->ike == NULL) {
		d->text.failed = true;
		return;
	}
	for (size_t i = 0; i < s->ntunnels; i++) {
		d->tun[i] = d->text.len;
		add_label(&d->text, label_names[L_TUNNEL], s->tunnels[i]->name);
		add_label(&d->text, label_names[L_PEER], s->tunnels[i]->peer);
		if (s->tunnels[i]->node != NULL)
			add_label(&d->text, label_names[L_NODE],
			    s->tunnels[i]->node);
		vx_strbuf_addch(&d->text, '\0');
	}
	for (size_t i = 0; i < s->nike; i++) {
		d->ike[i] = d->text.len;
		add_label(&d->text, label_names[L_PEER], s->ike[i]->peer);
		if (s->ike[i]->node != NULL)
			add_label(&d->text, label_names[L_NODE], s->ike[i]->node);
		vx_strbuf_addch(&d->text, '\0');
	}
}

static void
devctx_release(struct devctx *d)
{
	vx_strbuf_release(&d->text);
	free(d->tun);
	free(d->ike);
}

/* Decimal digits without printf: there are millions of them. */
static const char *
fmt_u64(char *buf, size_t len, uint64_t v)
{
	char	tmp[24];
	size_t	i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	if (sizeof(tmp) - i >= len)
		i = sizeof(tmp) - (len - 1);
	memcpy(buf, tmp + i, sizeof(tmp) - i);
	buf[sizeof(tmp) - i] = '\0';
	return buf;
}

static const char *
fmt_i64(char *buf, size_t len, int64_t v)
{
	if (v >= 0)
		return fmt_u64(buf, len, (uint64_t)v);
	buf[0] = '-';
	fmt_u64(buf + 1, len - 1, (uint64_t)0 - (uint64_t)v);
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

/* Events the device pushed (syslog), per peer. */
static void
render_events(struct vx_strbuf *out, enum metric_id id,
    const struct vx_snapshot *s, const struct devctx *d)
{
	char buf[32];

	if (!s->events_known)
		return;
	if (id == M_EVENTS_DROPPED) {
		add_sample(out, id, d, NULL, 0,
		    fmt_u64(buf, sizeof(buf), s->events_dropped));
		return;
	}
	for (size_t i = 0; i < s->nevents; i++) {
		const struct vx_peer_events	*pe = &s->events[i];
		struct lbl			 l[2] = { { L_PEER, pe->peer } };
		char				 spi[11];

		switch (id) {
		case M_INVALID_SPI_EVENTS:
			add_sample(out, id, d, l, 1, fmt_u64(buf, sizeof(buf),
			    pe->count[VX_EV_INVALID_SPI]));
			break;
		case M_ERROR_EVENTS:
			for (int t = 0; t < VX_EV__COUNT; t++) {
				if (t == VX_EV_INVALID_SPI)
					continue;
				l[1].name = L_TYPE;
				l[1].value = vx_event_type_name(
				    (enum vx_event_type)t);
				add_sample(out, id, d, l, 2, fmt_u64(buf,
				    sizeof(buf), pe->count[t]));
			}
			break;
		case M_INVALID_SPI_LAST:
			if (!pe->has_last_spi)
				break;
			vx_spi_format(pe->last_spi, spi);
			l[1].name = L_SPI;
			l[1].value = spi;
			add_sample(out, id, d, l, 2, "1");
			break;
		case M_INVALID_SPI_LAST_TS:
			if (pe->last_ms > 0)
				add_sample(out, id, d, l, 1, fmt_ms_as_s(buf,
				    sizeof(buf), pe->last_ms));
			break;
		default:
			return;
		}
	}
}

static void
render_device_family(struct vx_strbuf *out, enum metric_id id,
    const struct devctx *d)
{
	const struct vx_snapshot	*s = d->s;
	char				 buf[32];

	/*
	 * Collection bookkeeping exists only for snapshots the core made
	 * (collected_ms set), not for offline parses of pasted output.
	 */
	switch (id) {
	case M_UP:
		if (s->collected_ms == 0)
			return;
		add_sample(out, id, d, NULL, 0,
		    s->up && !s->stale ? "1" : "0");
		return;
	case M_COLLECT_DURATION:
	case M_COLLECTOR_UP:
	case M_COLLECT_REQUESTS:
		for (size_t i = 0; i < s->nruns; i++) {
			struct lbl l = { L_COLLECTOR, s->runs[i].collector };

			if (id == M_COLLECT_DURATION)
				fmt_ms_as_s(buf, sizeof(buf),
				    s->runs[i].duration_ms);
			else if (id == M_COLLECT_REQUESTS) {
				if (!s->runs[i].requests_set || s->stale)
					continue;
				fmt_u64(buf, sizeof(buf), s->runs[i].requests);
			} else
				snprintf(buf, sizeof(buf), "%d",
				    s->runs[i].code == VX_E_OK && !s->stale);
			add_sample(out, id, d, &l, 1, buf);
		}
		return;
	case M_COLLECT_TS:
		if (s->collected_ms > 0)
			add_sample(out, id, d, NULL, 0,
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
			add_sample(out, id, d, &l, 1,
			    fmt_u64(buf, sizeof(buf), s->errors_total[e]));
		}
		return;
	case M_ALERT_THRESHOLD:
		for (size_t i = 0; i < s->nthresholds; i++) {
			struct lbl l[] = {
				{ L_ALERT, s->thresholds[i].alert },
				{ L_SEVERITY, s->thresholds[i].severity },
			};

			add_sample(out, id, d, l, 2, fmt_double(buf,
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
		struct lbl l[2] = {
			{ dev_val_map[v].label, dev_val_map[v].value },
			{ L_NODE, NULL },
		};

		if (dev_val_map[v].metric != id)
			continue;
		if (s->dev_set & (1u << v))
			add_sample(out, id, d, l, 1, fmt_u64(buf, sizeof(buf),
			    s->dev[v]));
		for (size_t i = 0; i < s->nnodes; i++) {
			if (!(s->nodes[i]->dev_set & (1u << v)))
				continue;
			l[1].value = s->nodes[i]->node;
			add_sample(out, id, d, l, 2, fmt_u64(buf, sizeof(buf),
			    s->nodes[i]->dev[v]));
		}
	}

	/* What the device cannot supply, named by its series. */
	for (int v = 0; id == M_NOT_REPORTED && v < VX_DV__COUNT; v++) {
		struct lbl l[2] = {
			{ L_METRIC, metrics[dev_val_map[v].metric].name },
			{ dev_val_map[v].label, dev_val_map[v].value },
		};

		if ((s->dev_unsupported & (1u << v)) &&
		    !(s->dev_set & (1u << v)))
			add_sample(out, id, d, l, 2, "1");
	}

	if (id == M_DROPPED) {
		for (size_t i = 0; i < s->ndrops; i++) {
			struct lbl l[] = {
				{ L_SECTION, s->drops[i].section },
				{ L_REASON, s->drops[i].reason },
			};

			add_sample(out, id, d, l, 2,
			    fmt_u64(buf, sizeof(buf), s->drops[i].count));
		}
	}

	render_events(out, id, s, d);

	/*
	 * The tunnel labels (the node's only on a cluster), then the
	 * attributes or the 5 SA labels.
	 */
	_Static_assert(VX_TA__COUNT >= 5, "no room for the SA labels");
	for (size_t i = 0; i < s->ntunnels; i++) {
		const struct vx_tunnel	*t = s->tunnels[i];
		struct lbl		 l[2 + VX_TA__COUNT] = {
			{ L_RAW, d->text.buf + d->tun[i] }, { L_NONE, NULL },
		};

		switch (id) {
		case M_TUNNEL_UP:
			add_sample(out, id, d, l, 2, t->up ? "1" : "0");
			break;
		case M_TUNNEL_STATE: {
			enum vx_tunnel_state cur = vx_tunnel_state_of(t);

			for (int st = 1; st < VX_TUN__COUNT; st++)
				add_sample_state(out, id, d, l, 2,
				    vx_tunnel_state_name(
				    (enum vx_tunnel_state)st),
				    st == (int)cur ? "1" : "0");
			break;
		}
		case M_TUNNEL_INFO: {
			bool any = false;

			for (int a = 0; a < VX_TA__COUNT; a++) {
				l[2 + a].name = tun_attr_label[a];
				l[2 + a].value = t->attr[a];
				any = any || t->attr[a] != NULL;
			}
			if (any)
				add_sample(out, id, d, l, 2 + VX_TA__COUNT,
				    "1");
			break;
		}
		case M_SA_LIFE_S:
			if (t->life_s_set)
				add_sample(out, id, d, l, 2,
				    fmt_i64(buf, sizeof(buf), t->life_s));
			break;
		case M_SA_LIFE_BYTES:
			/* Devices count kilobytes of 1024 bytes; base unit. */
			if (t->life_kb_set)
				add_sample(out, id, d, l, 2,
				    fmt_i64(buf, sizeof(buf),
				    t->life_kb > INT64_MAX / 1024 ? INT64_MAX :
				    t->life_kb * 1024));
			break;
		case M_REKEYS:
			if (t->rekeys_set)
				add_sample(out, id, d, l, 2,
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
				add_sample(out, id, d, l, 7, "1");
			}
			break;
		default:
			for (int c = 0; c < VX_TC__COUNT; c++) {
				if (tun_ctr_map[c].metric != id ||
				    !(t->ctr_set & (1u << c)))
					continue;
				l[2].name = tun_ctr_map[c].label;
				l[2].value = tun_ctr_map[c].value;
				add_sample(out, id, d, l, 3,
				    fmt_u64(buf, sizeof(buf), t->ctr[c]));
			}
			break;
		}
	}

	for (size_t i = 0; i < s->nike; i++) {
		const struct vx_ike_sa	*ike = s->ike[i];
		struct lbl		 l[1 + VX_IA__COUNT] = {
			{ L_RAW, d->text.buf + d->ike[i] },
		};

		if (id == M_IKE_SA_UP) {
			add_sample(out, id, d, l, 1, ike->up ? "1" : "0");
		} else if (id == M_IKE_SA_STATE &&
		    ike->state != VX_IKE_UNKNOWN) {
			for (int st = 1; st < VX_IKE__COUNT; st++)
				add_sample_state(out, id, d, l, 1,
				    vx_ike_state_name((enum vx_ike_state)st),
				    st == (int)ike->state ? "1" : "0");
		} else if (id == M_IKE_SA_LIFE && ike->life_s_set) {
			add_sample(out, id, d, l, 1,
			    fmt_i64(buf, sizeof(buf), ike->life_s));
		} else if (id == M_IKE_SA_INFO) {
			bool any = false;

			for (int a = 0; a < VX_IA__COUNT; a++) {
				l[1 + a].name = ike_attr_label[a];
				l[1 + a].value = ike->attr[a];
				any = any || ike->attr[a] != NULL;
			}
			if (any)
				add_sample(out, id, d, l, 1 + VX_IA__COUNT,
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
	case M_PROBE_TARGETS:
		add_sample(out, id, NULL, NULL, 0,
		    fmt_u64(buf, sizeof(buf), self->nprobe_targets));
		break;
	case M_HTTP_CONNS:
		if (self->http.valid)
			add_sample(out, id, NULL, NULL, 0,
			    fmt_u64(buf, sizeof(buf), self->http.open));
		break;
	case M_HTTP_MAX_CONNS:
		if (self->http.valid)
			add_sample(out, id, NULL, NULL, 0,
			    fmt_u64(buf, sizeof(buf), self->http.max));
		break;
	case M_HTTP_DROPPED:
		for (int i = 0; self->http.valid && i < VX_HTTP_DROP__COUNT;
		    i++) {
			struct lbl l[] = { { L_REASON, http_drop_reason[i] } };

			add_sample(out, id, NULL, l, 1, fmt_u64(buf,
			    sizeof(buf), self->http.dropped[i]));
		}
		break;
	case M_PROBE_CPU_WAIT:
		if (self->http.valid)
			add_sample(out, id, NULL, NULL, 0, fmt_seconds(buf,
			    sizeof(buf), (double)self->http.probe_cpu_wait_ns /
			    1e9));
		break;
	case M_SYSLOG_MESSAGES:
		for (int r = 0; self->syslog.enabled && r < VX_SR__COUNT; r++) {
			struct lbl l = { L_RESULT,
			    vx_syslog_result_name((enum vx_syslog_result)r) };

			add_sample(out, id, NULL, &l, 1, fmt_u64(buf,
			    sizeof(buf), self->syslog.messages[r]));
		}
		break;
	case M_SYSLOG_TCP_CONNS:
		if (self->syslog.enabled)
			add_sample(out, id, NULL, NULL, 0, fmt_u64(buf,
			    sizeof(buf), self->syslog.tcp_connections));
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
			{ L_NODE, c->node }, { L_PEER_DEVICE, c->peer_device },
		};

		struct devctx			 d;

		devctx_init(&d, c->snap, false);
		add_sample(out, M_SPI_MISMATCH, &d, l, 4,
		    c->mismatch ? "1" : "0");
		if (d.text.failed)
			out->failed = true;
		devctx_release(&d);
	}
}

void
vx_render(struct vx_strbuf *out, enum vx_format fmt,
    struct vx_snapshot *const *snaps, size_t nsnaps,
    const struct vx_selfstats *self)
{
	vx_render_ex(out, fmt, snaps, nsnaps, NULL, 0, self);
}

/* Label texts for every snapshot; NULL (with out failed) on failure. */
static struct devctx *
devctxs_new(struct vx_strbuf *out, struct vx_snapshot *const *snaps,
    size_t nsnaps, bool cached_too)
{
	struct devctx *ctx = calloc(nsnaps + 1, sizeof(*ctx));

	if (ctx == NULL) {
		out->failed = true;
		return NULL;
	}
	for (size_t i = 0; i < nsnaps; i++) {
		if (snaps[i] == NULL ||
		    (!cached_too && snaps[i]->render_cache != NULL))
			continue;
		devctx_init(&ctx[i], snaps[i], true);
		if (ctx[i].text.failed)
			out->failed = true;
	}
	return ctx;
}

static void
devctxs_free(struct devctx *ctx, size_t nsnaps)
{
	for (size_t i = 0; ctx != NULL && i < nsnaps; i++) {
		if (ctx[i].s != NULL)
			devctx_release(&ctx[i]);
	}
	free(ctx);
}

void
vx_render_ex(struct vx_strbuf *out, enum vx_format fmt,
    struct vx_snapshot *const *snaps, size_t nsnaps,
    const struct vx_spi_check *checks, size_t nchecks,
    const struct vx_selfstats *self)
{
	struct devctx	*ctx = devctxs_new(out, snaps, nsnaps, true);
	size_t		 guess = 4096;

	if (ctx == NULL)
		return;
	/* About 2.5 KB a tunnel: one allocation, not a dozen copies. */
	for (size_t i = 0; i < nsnaps; i++)
		guess += snaps[i] != NULL ? 1024 + 2560 * snaps[i]->ntunnels : 0;
	vx_strbuf_grow(out, guess);
	for (int id = 0; id < M__COUNT && !out->failed; id++) {
		size_t mark = out->len, body;

		/* The header goes first, and away again if no sample follows. */
		add_header(out, (enum metric_id)id, fmt);
		body = out->len;
		for (size_t i = 0; i < nsnaps; i++) {
			if (snaps[i] != NULL)
				render_device_family(out, (enum metric_id)id,
				    &ctx[i]);
		}
		if (id == M_SPI_MISMATCH)
			render_checks(out, checks, nchecks);
		if (self != NULL)
			render_self_family(out, (enum metric_id)id, self);
		if (out->len == body)
			vx_strbuf_truncate(out, mark);
	}
	devctxs_free(ctx, nsnaps);
	if (fmt == VX_FMT_OPENMETRICS)
		vx_strbuf_addstr(out, "# EOF\n");
}

/*
 * The render cache.  Each family's samples of a snapshot are compressed
 * as a raw deflate segment of their own: the stream is fully flushed
 * after each, so no segment refers to data outside itself and any of
 * them can be placed anywhere in a deflate stream (pigz builds its
 * output the same way).  /metrics then copies segments instead of
 * rendering and compressing every sample at every scrape.
 */
struct rc_family {
	size_t		off;		/* into z */
	size_t		zlen;
	size_t		len;		/* of the text */
	uint32_t	crc;		/* of the text */
};

struct vx_render_cache {
	struct rc_family	fam[M__COUNT];
	unsigned char		z[];		/* every segment */
};

/* Compresses in[0..len) into out with flush; false on failure. */
static bool
deflate_into(z_stream *zs, struct vx_strbuf *out, const void *in, size_t len,
    int flush)
{
	zs->next_in = (Bytef *)(uintptr_t)in;
	zs->avail_in = (uInt)len;
	for (;;) {
		size_t	room = deflateBound(zs, zs->avail_in) + 64;
		int	rc;

		if (!vx_strbuf_grow(out, room))
			return false;
		zs->next_out = (Bytef *)out->buf + out->len;
		zs->avail_out = (uInt)room;
		rc = deflate(zs, flush);
		out->len = (size_t)((char *)zs->next_out - out->buf);
		if (rc == Z_STREAM_END)
			return true;
		if (rc != Z_OK && rc != Z_BUF_ERROR)
			return false;
		if (zs->avail_in == 0 && zs->avail_out > 0)
			return true;
	}
}

/*
 * One deflate stream per poll worker, reset for each snapshot: setting one
 * up allocates (and clears) about 256 KB, which cost a fleet of small
 * devices more than rendering them.
 */
int
vx_render_cache_build(struct vx_snapshot *s)
{
	struct rc_family	 fam[M__COUNT];
	struct vx_render_cache	*rc;
	struct vx_strbuf	 text, z;
	struct devctx		 d;
	z_stream		*zs;
	bool			 ok = true;

	if (s->render_cache != NULL)
		return 0;
	if ((zs = vx_zpool_get()) == NULL)
		return -VX_E_NOMEM;
	memset(fam, 0, sizeof(fam));
	devctx_init(&d, s, true);
	vx_strbuf_init(&text, 0);
	vx_strbuf_init(&z, 0);
	for (int id = 0; ok && id < M__COUNT; id++) {
		struct rc_family *f = &fam[id];

		vx_strbuf_reset(&text);
		render_device_family(&text, (enum metric_id)id, &d);
		if (text.failed || d.text.failed) {
			ok = false;
			break;
		}
		f->off = z.len;
		f->len = text.len;
		if (text.len == 0)
			continue;
		f->crc = (uint32_t)crc32_z(0, (const Bytef *)text.buf,
		    text.len);
		ok = deflate_into(zs, &z, text.buf, text.len, Z_FULL_FLUSH);
		f->zlen = z.len - f->off;
	}
	vx_zpool_put(zs);
	devctx_release(&d);
	vx_strbuf_release(&text);
	rc = ok && !z.failed ? malloc(sizeof(*rc) + z.len + 1) : NULL;
	if (rc != NULL) {
		memcpy(rc->fam, fam, sizeof(fam));
		memcpy(rc->z, z.buf, z.len);
		s->render_cache = rc;
	}
	vx_strbuf_release(&z);
	return rc != NULL ? 0 : -VX_E_NOMEM;
}

/* The gzip member being written: a stream from the pool and the running CRC. */
struct gz {
	struct vx_strbuf	*out;
	z_stream		*zs;
	uint32_t		 crc;
	uint64_t		 isize;
	bool			 pending;	/* fresh input since a flush */
	bool			 ok;
};

static void
gz_text(struct gz *g, const char *text, size_t len)
{
	if (!g->ok || len == 0)
		return;
	g->crc = (uint32_t)crc32_z(g->crc, (const Bytef *)text, len);
	g->isize += len;
	g->ok = deflate_into(g->zs, g->out, text, len, Z_NO_FLUSH);
	g->pending = true;
}

/* A cached segment, after the fresh stream is fully flushed. */
static void
gz_segment(struct gz *g, const struct vx_render_cache *rc,
    const struct rc_family *f)
{
	if (!g->ok || f->len == 0)
		return;
	if (g->pending)
		g->ok = deflate_into(g->zs, g->out, NULL, 0, Z_FULL_FLUSH);
	g->pending = false;
	vx_strbuf_add(g->out, rc->z + f->off, f->zlen);
	g->crc = (uint32_t)crc32_combine(g->crc, f->crc, (z_off_t)f->len);
	g->isize += f->len;
}

static void
put_le32(struct vx_strbuf *out, uint32_t v)
{
	unsigned char b[4] = { (unsigned char)v, (unsigned char)(v >> 8),
	    (unsigned char)(v >> 16), (unsigned char)(v >> 24) };

	vx_strbuf_add(out, b, sizeof(b));
}

void
vx_render_gzip(struct vx_strbuf *out, enum vx_format fmt,
    struct vx_snapshot *const *snaps, size_t nsnaps,
    const struct vx_spi_check *checks, size_t nchecks,
    const struct vx_selfstats *self)
{
	/*
	 * RFC 1952: a gzip member is this header, a deflate stream, and the
	 * CRC-32 and length of the text.  zlib writes both ends only around
	 * a stream it compressed whole, which cached segments are not.
	 */
	static const unsigned char header[10] = {
		0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255,
	};
	struct devctx	*ctx = devctxs_new(out, snaps, nsnaps, false);
	/*
	 * Per family: the text of the devices without a cache, one after
	 * the other (each from at[i] to at[i + 1]), rendered once, before
	 * the header they need.
	 */
	struct vx_strbuf body, text, head;
	size_t		*at = calloc(nsnaps + 1, sizeof(*at));
	struct gz	 g = { out, vx_zpool_get(), 0, 0, false, true };
	size_t		 guess = 4096;

	if (ctx == NULL || at == NULL || g.zs == NULL) {
		out->failed = true;
		goto done;
	}
	for (size_t i = 0; i < nsnaps; i++) {
		const struct vx_render_cache *rc = snaps[i] != NULL ?
		    snaps[i]->render_cache : NULL;

		if (rc != NULL)
			guess += rc->fam[M__COUNT - 1].off +
			    rc->fam[M__COUNT - 1].zlen;
		else if (snaps[i] != NULL)
			guess += 256 + 256 * snaps[i]->ntunnels;
	}
	vx_strbuf_grow(out, guess);
	vx_strbuf_add(out, header, sizeof(header));
	vx_strbuf_init(&body, 16 * 1024);
	vx_strbuf_init(&text, 4 * 1024);
	vx_strbuf_init(&head, 512);
	for (int id = 0; g.ok && id < M__COUNT; id++) {
		bool any = false;

		vx_strbuf_reset(&body);
		for (size_t i = 0; i < nsnaps; i++) {
			const struct vx_render_cache *rc = snaps[i] != NULL ?
			    snaps[i]->render_cache : NULL;

			at[i] = body.len;
			if (rc != NULL)
				any = any || rc->fam[id].len > 0;
			else if (snaps[i] != NULL)
				render_device_family(&body, (enum metric_id)id,
				    &ctx[i]);
		}
		at[nsnaps] = body.len;
		any = any || body.len > 0;
		vx_strbuf_reset(&text);
		if (id == M_SPI_MISMATCH)
			render_checks(&text, checks, nchecks);
		if (self != NULL)
			render_self_family(&text, (enum metric_id)id, self);
		if (body.failed || text.failed || head.failed) {
			g.ok = false;
			break;
		}
		if (!any && text.len == 0)
			continue;
		vx_strbuf_reset(&head);
		add_header(&head, (enum metric_id)id, fmt);
		gz_text(&g, head.buf, head.len);
		for (size_t i = 0; i < nsnaps; i++) {
			const struct vx_render_cache *rc = snaps[i] != NULL ?
			    snaps[i]->render_cache : NULL;

			if (rc != NULL)
				gz_segment(&g, rc, &rc->fam[id]);
			else
				gz_text(&g, body.buf + at[i],
				    at[i + 1] - at[i]);
		}
		gz_text(&g, text.buf, text.len);
	}
	if (fmt == VX_FMT_OPENMETRICS)
		gz_text(&g, "# EOF\n", 6);
	if (g.ok)
		g.ok = deflate_into(g.zs, out, NULL, 0, Z_FINISH);
	put_le32(out, g.crc);
	put_le32(out, (uint32_t)g.isize);
	if (!g.ok)
		out->failed = true;
	vx_strbuf_release(&body);
	vx_strbuf_release(&text);
	vx_strbuf_release(&head);
done:
	vx_zpool_put(g.zs);
	free(at);
	devctxs_free(ctx, nsnaps);
}
