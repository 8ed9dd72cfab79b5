/* The "alerts:" section: defaults, overrides, per-device settings. */
#include "alerts.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

#define MAX_PARAMS	4
#define NONE		NAN

struct param {
	const char		*key;	/* NULL ends the list */
	enum vx_alert_slot	 slot;
	enum vx_cfg_type	 type;	/* NUMBER or DURATION */
	int64_t			 min, max;
};

static const struct alert_def {
	const char	*name;
	const char	*rule;
	const char	*severity;	/* of the alert (and its one threshold) */
	bool		 per_device;
	double		 def[VX_AS__COUNT];	/* warning, page, window, for */
	struct param	 params[MAX_PARAMS + 1];
} defs[VX_AL__COUNT] = {
	[VX_AL_INVALID_SPI] = { "invalid_spi", "VpnInvalidSpiDrops", "page",
	    true, { 0.2, 1, 300000, 300000 }, {
		{ "warning", VX_AS_WARNING, VX_CFG_T_NUMBER, 0, 1000000000 },
		{ "page", VX_AS_PAGE, VX_CFG_T_NUMBER, 0, 1000000000 },
		{ "window", VX_AS_WINDOW, VX_CFG_T_DURATION, 1000, 86400000 },
		{ "for", VX_AS_FOR, VX_CFG_T_DURATION, 0, 86400000 },
		{ NULL, 0, 0, 0, 0 } } },
	[VX_AL_TUNNEL_DOWN] = { "tunnel_down", "VpnTunnelDown", "page", true,
	    { NONE, NONE, NONE, 300000 }, {
		{ "for", VX_AS_FOR, VX_CFG_T_DURATION, 0, 86400000 },
		{ NULL, 0, 0, 0, 0 } } },
	[VX_AL_TUNNEL_FLAPPING] = { "tunnel_flapping", "VpnTunnelFlapping",
	    "warning", true, { 4, NONE, 3600000, 0 }, {
		{ "changes", VX_AS_WARNING, VX_CFG_T_NUMBER, 1, 100000 },
		{ "window", VX_AS_WINDOW, VX_CFG_T_DURATION, 1000, 86400000 },
		{ "for", VX_AS_FOR, VX_CFG_T_DURATION, 0, 86400000 },
		{ NULL, 0, 0, 0, 0 } } },
	[VX_AL_SA_EXPIRING] = { "sa_expiring", "VpnSaExpiringWithoutRekey",
	    "warning", true, { 120, NONE, NONE, 120000 }, {
		{ "seconds", VX_AS_WARNING, VX_CFG_T_NUMBER, 0, 100000000 },
		{ "for", VX_AS_FOR, VX_CFG_T_DURATION, 0, 86400000 },
		{ NULL, 0, 0, 0, 0 } } },
	[VX_AL_SPI_MISMATCH] = { "spi_mismatch", "VpnSpiMismatch", "page",
	    true, { NONE, NONE, NONE, 120000 }, {
		{ "for", VX_AS_FOR, VX_CFG_T_DURATION, 0, 86400000 },
		{ NULL, 0, 0, 0, 0 } } },
	[VX_AL_IPSEC_ERRORS] = { "ipsec_errors", "VpnIpsecErrors", "warning",
	    true, { 1, NONE, 300000, 300000 }, {
		{ "warning", VX_AS_WARNING, VX_CFG_T_NUMBER, 0, 1000000000 },
		{ "window", VX_AS_WINDOW, VX_CFG_T_DURATION, 1000, 86400000 },
		{ "for", VX_AS_FOR, VX_CFG_T_DURATION, 0, 86400000 },
		{ NULL, 0, 0, 0, 0 } } },
	[VX_AL_DEVICE_UNREACHABLE] = { "device_unreachable",
	    "VpnDeviceUnreachable", "page", true,
	    { NONE, NONE, NONE, 120000 }, {
		{ "for", VX_AS_FOR, VX_CFG_T_DURATION, 0, 86400000 },
		{ NULL, 0, 0, 0, 0 } } },
	[VX_AL_COLLECTOR_FAILING] = { "collector_failing",
	    "VpnCollectorFailing", "warning", true,
	    { NONE, NONE, NONE, 600000 }, {
		{ "for", VX_AS_FOR, VX_CFG_T_DURATION, 0, 86400000 },
		{ NULL, 0, 0, 0, 0 } } },
	[VX_AL_STALE_DATA] = { "stale_data", "VpnStaleData", "warning", true,
	    { NONE /* 3 x interval */, NONE, NONE, 0 }, {
		{ "seconds", VX_AS_WARNING, VX_CFG_T_NUMBER, 1, 100000000 },
		{ "for", VX_AS_FOR, VX_CFG_T_DURATION, 0, 86400000 },
		{ NULL, 0, 0, 0, 0 } } },
	[VX_AL_EXPORTER_DOWN] = { "exporter_down", "VpnExporterDown", "page",
	    false, { NONE, NONE, NONE, 120000 }, {
		{ "for", VX_AS_FOR, VX_CFG_T_DURATION, 0, 86400000 },
		{ NULL, 0, 0, 0, 0 } } },
	[VX_AL_RELOAD_FAILED] = { "reload_failed",
	    "VpnExporterConfigReloadFailed", "warning", false,
	    { NONE, NONE, NONE, 300000 }, {
		{ "for", VX_AS_FOR, VX_CFG_T_DURATION, 0, 86400000 },
		{ NULL, 0, 0, 0, 0 } } },
};

/* One source of settings: the section, an override, a device's own. */
struct layer {
	const struct vx_cfg_node	*match;		/* overrides only */
	struct vx_strlist		 sel;		/* name, value pairs */
	bool				 used;
	double				 v[VX_AL__COUNT][VX_AS__COUNT];
	const struct vx_cfg_node	*at[VX_AL__COUNT][VX_AS__COUNT];
	int				 enabled[VX_AL__COUNT];	/* -1 unset */
	const struct vx_cfg_node	*enabled_at[VX_AL__COUNT];
};

struct vx_alerts_cfg {
	struct layer	 top;
	struct layer	*ovr;
	size_t		 novr;
	char		*runbook_url;
	char		*exporter_job;
};

const char *
vx_alert_name(enum vx_alert a)
{
	return defs[a].name;
}

const char *
vx_alert_rule_name(enum vx_alert a)
{
	return defs[a].rule;
}

const char *
vx_alert_severity(enum vx_alert a, enum vx_alert_slot s)
{
	if (s == VX_AS_WARNING)
		return "warning";
	if (s == VX_AS_PAGE)
		return "page";
	return defs[a].severity;
}

bool
vx_alert_per_device(enum vx_alert a)
{
	return defs[a].per_device;
}

const char *
vx_alert_slot_key(enum vx_alert a, enum vx_alert_slot s)
{
	for (const struct param *p = defs[a].params; p->key != NULL; p++) {
		if (p->slot == s)
			return p->key;
	}
	return NULL;
}

static void
layer_init(struct layer *l)
{
	memset(l, 0, sizeof(*l));
	for (int a = 0; a < VX_AL__COUNT; a++)
		l->enabled[a] = -1;
}

/* Records an error unless the same text is already recorded. */
static void
error_once(struct vx_cfg_errors *errs, const struct vx_cfg_node *at,
    const char *msg)
{
	struct vx_cfg_errors	one = { NULL, 0, 0 };

	vx_cfg_error(&one, at, "%s", msg);
	if (one.n == 1) {
		for (size_t i = 0; i < errs->n; i++) {
			if (strcmp(errs->msgs[i], one.msgs[0]) == 0) {
				vx_cfg_errors_release(&one);
				return;
			}
		}
	}
	vx_cfg_errors_release(&one);
	vx_cfg_error(errs, at, "%s", msg);
}

/* The values of one alert's node, as a vx_cfg_apply target. */
struct alert_raw {
	double	num[VX_AS__COUNT];
	int64_t	dur[VX_AS__COUNT];
	bool	enabled;
};

static void
parse_alert(struct vx_cfg_errors *errs, const struct vx_cfg_doc *doc,
    enum vx_alert a, const struct vx_cfg_node *node, struct layer *l,
    const char *where)
{
	struct vx_cfg_key	 keys[MAX_PARAMS + 2];
	struct alert_raw	 raw;
	char			 w[400];
	uint64_t		 seen = 0;
	size_t			 n = 0;

	memset(&raw, 0, sizeof(raw));
	for (const struct param *p = defs[a].params; p->key != NULL; p++) {
		keys[n].name = p->key;
		keys[n].type = p->type;
		keys[n].offset = p->type == VX_CFG_T_NUMBER ?
		    offsetof(struct alert_raw, num) + p->slot * sizeof(double) :
		    offsetof(struct alert_raw, dur) + p->slot * sizeof(int64_t);
		keys[n].required = false;
		keys[n].min = p->min;
		keys[n].max = p->max;
		keys[n].enum_names = NULL;
		n++;
	}
	keys[n] = (struct vx_cfg_key){ "enabled", VX_CFG_T_BOOL,
	    offsetof(struct alert_raw, enabled), false, 0, 0, NULL };
	keys[n + 1] = (struct vx_cfg_key){ NULL, 0, 0, false, 0, 0, NULL };
	snprintf(w, sizeof(w), "alert '%s' of %s", defs[a].name, where);
	if (vx_cfg_apply(errs, doc, keys, node, &raw, w, &seen) != 0)
		return;
	for (size_t i = 0; i < n; i++) {
		const struct param *p = &defs[a].params[i];

		if (!(seen & (UINT64_C(1) << i)))
			continue;
		l->v[a][p->slot] = p->type == VX_CFG_T_NUMBER ?
		    raw.num[p->slot] : (double)raw.dur[p->slot];
		l->at[a][p->slot] = vx_cfg_map_get(node, p->key);
	}
	if (seen & (UINT64_C(1) << n)) {
		l->enabled[a] = raw.enabled;
		l->enabled_at[a] = vx_cfg_map_get(node, "enabled");
	}
}

static int
alert_by_name(const char *name)
{
	for (int a = 0; a < VX_AL__COUNT; a++) {
		if (strcmp(defs[a].name, name) == 0)
			return a;
	}
	return -1;
}

static void
unknown_alert(struct vx_cfg_errors *errs, const struct vx_cfg_node *k,
    const char *where)
{
	struct vx_strbuf known;

	vx_strbuf_init(&known, 256);
	for (int a = 0; a < VX_AL__COUNT; a++)
		vx_strbuf_addf(&known, "%s%s", a ? ", " : "", defs[a].name);
	vx_cfg_error(errs, k, "unknown alert '%s' in %s (known: %s)",
	    k->value, where, known.buf);
	vx_strbuf_release(&known);
}

/*
 * Parses a mapping of alert names to their settings into l.  extra names
 * keys the caller handles itself (skipped here).
 */
static void
parse_layer(struct vx_cfg_errors *errs, const struct vx_cfg_doc *doc,
    const struct vx_cfg_node *map, struct layer *l, const char *where,
    const char *const *extra)
{
	if (map->kind != VX_CFG_MAP) {
		vx_cfg_error(errs, map, "%s must be a mapping of alert names "
		    "to their settings, not %s", where,
		    vx_cfg_kind_name(map->kind));
		return;
	}
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		const struct vx_cfg_node	*k = map->items[i];
		const struct vx_cfg_node	*v = map->items[i + 1];
		bool				 skip = false;
		int				 a;

		for (size_t e = 0; extra != NULL && extra[e] != NULL; e++)
			skip = skip || strcmp(extra[e], k->value) == 0;
		if (skip)
			continue;
		if ((a = alert_by_name(k->value)) < 0) {
			unknown_alert(errs, k, where);
			continue;
		}
		if (!defs[a].per_device && l->match != NULL) {
			vx_cfg_error(errs, k, "alert '%s' is about the exporter, "
			    "not a device: set it in 'alerts:' only",
			    k->value);
			continue;
		}
		parse_alert(errs, doc, (enum vx_alert)a, v, l, where);
	}
}

static void
parse_override(struct vx_cfg_errors *errs, const struct vx_cfg_doc *doc,
    const struct vx_cfg_node *node, struct layer *l, size_t index)
{
	static const char *const extra[] = { "match", NULL };
	const struct vx_cfg_node	*m;
	char				 where[64];

	snprintf(where, sizeof(where), "alerts override #%zu", index + 1);
	if (node->kind != VX_CFG_MAP) {
		vx_cfg_error(errs, node, "%s must be a mapping with 'match:' "
		    "and alert settings, not %s", where,
		    vx_cfg_kind_name(node->kind));
		return;
	}
	m = vx_cfg_map_get(node, "match");
	if (m == NULL || m->kind != VX_CFG_MAP || m->n == 0) {
		vx_cfg_error(errs, m != NULL ? m : node, "%s needs 'match:', a "
		    "mapping of label names (or 'device') to values, e.g. "
		    "'match: {site: fra1}'", where);
		return;
	}
	l->sel.v = calloc(m->n + 1, sizeof(*l->sel.v));
	if (l->sel.v == NULL)
		return;
	for (size_t i = 0; i + 1 < m->n; i += 2) {
		const struct vx_cfg_node *k = m->items[i], *v = m->items[i + 1];

		if (v->kind != VX_CFG_SCALAR) {
			vx_cfg_error(errs, v, "'%s' in the selector of %s must "
			    "be a string, not %s", k->value, where,
			    vx_cfg_kind_name(v->kind));
			continue;
		}
		l->sel.v[l->sel.n] = strdup(k->value);
		l->sel.v[l->sel.n + 1] = strdup(v->value);
		if (l->sel.v[l->sel.n] == NULL ||
		    l->sel.v[l->sel.n + 1] == NULL) {
			free(l->sel.v[l->sel.n]);
			free(l->sel.v[l->sel.n + 1]);
			continue;
		}
		l->sel.n += 2;
	}
	l->match = m;
	parse_layer(errs, doc, node, l, where, extra);
}

struct vx_alerts_cfg *
vx_alerts_parse(struct vx_cfg_errors *errs, const struct vx_cfg_doc *doc,
    const struct vx_cfg_node *node)
{
	static const char *const extra[] = { "overrides", "runbook_url",
	    "exporter_job", NULL };
	struct vx_alerts_cfg		*ac = calloc(1, sizeof(*ac));
	const struct vx_cfg_node	*n;

	if (ac == NULL)
		return NULL;
	layer_init(&ac->top);
	if (node == NULL || (node->kind == VX_CFG_SCALAR && node->len == 0))
		return ac;
	parse_layer(errs, doc, node, &ac->top, "'alerts'", extra);
	if (node->kind != VX_CFG_MAP)
		return ac;
	if ((n = vx_cfg_map_get(node, "runbook_url")) != NULL) {
		if (n->kind != VX_CFG_SCALAR || n->len == 0 ||
		    strstr(n->value, "{alert}") == NULL)
			vx_cfg_error(errs, n, "'runbook_url' in 'alerts' must "
			    "be a URL template containing {alert}, e.g. "
			    "https://wiki.example.net/runbooks/{alert}");
		else
			ac->runbook_url = strdup(n->value);
	}
	if ((n = vx_cfg_map_get(node, "exporter_job")) != NULL) {
		if (n->kind != VX_CFG_SCALAR || n->len == 0 ||
		    strpbrk(n->value, "\"\\\n") != NULL)
			vx_cfg_error(errs, n, "'exporter_job' in 'alerts' must "
			    "be the Prometheus job name that scrapes the "
			    "exporter's /metrics");
		else
			ac->exporter_job = strdup(n->value);
	}
	if ((n = vx_cfg_map_get(node, "overrides")) != NULL) {
		if (n->kind != VX_CFG_SEQ) {
			vx_cfg_error(errs, n, "'overrides' in 'alerts' must be "
			    "a list, not %s", vx_cfg_kind_name(n->kind));
			return ac;
		}
		ac->ovr = calloc(n->n + 1, sizeof(*ac->ovr));
		if (ac->ovr == NULL)
			return ac;
		for (size_t i = 0; i < n->n; i++) {
			layer_init(&ac->ovr[i]);
			parse_override(errs, doc, n->items[i], &ac->ovr[i], i);
			ac->novr++;
		}
	}
	return ac;
}

void
vx_alerts_free(struct vx_alerts_cfg *ac)
{
	if (ac == NULL)
		return;
	for (size_t i = 0; i < ac->novr; i++)
		vx_strlist_clear(&ac->ovr[i].sel);
	free(ac->ovr);
	free(ac->runbook_url);
	free(ac->exporter_job);
	free(ac);
}

static void
builtin(struct vx_alert_settings *s, int64_t interval_ms)
{
	for (int a = 0; a < VX_AL__COUNT; a++) {
		s->a[a].enabled = true;
		for (int k = 0; k < VX_AS__COUNT; k++)
			s->a[a].v[k] = defs[a].def[k];
	}
	/* Three missed polls. */
	s->a[VX_AL_STALE_DATA].v[VX_AS_WARNING] = 3.0 * (double)interval_ms /
	    1000.0;
}

/* Applies a layer; at[] tracks which node set each value last. */
static void
apply_layer(const struct layer *l, struct vx_alert_settings *s,
    const struct vx_cfg_node *at[VX_AL__COUNT][VX_AS__COUNT])
{
	for (int a = 0; a < VX_AL__COUNT; a++) {
		if (l->enabled[a] >= 0)
			s->a[a].enabled = l->enabled[a] != 0;
		for (int k = 0; k < VX_AS__COUNT; k++) {
			if (l->at[a][k] == NULL)
				continue;
			s->a[a].v[k] = l->v[a][k];
			at[a][k] = l->at[a][k];
		}
	}
}

static bool
selector_matches(const struct layer *l, const char *device,
    const struct vx_strlist *labels)
{
	for (size_t i = 0; i + 1 < l->sel.n; i += 2) {
		const char	*name = l->sel.v[i], *want = l->sel.v[i + 1];
		const char	*have = NULL;

		if (strcmp(name, "device") == 0)
			have = device;
		for (size_t j = 0; have == NULL && j + 1 < labels->n; j += 2) {
			if (strcmp(labels->v[j], name) == 0)
				have = labels->v[j + 1];
		}
		if (have == NULL || strcmp(have, want) != 0)
			return false;
	}
	return true;
}

static void
check(struct vx_cfg_errors *errs, const struct vx_alert_settings *s,
    const struct vx_cfg_node *at[VX_AL__COUNT][VX_AS__COUNT],
    const char *device)
{
	char msg[400];

	for (int a = 0; a < VX_AL__COUNT; a++) {
		const struct vx_alert_setting	*x = &s->a[a];
		const struct vx_cfg_node	*where;

		if (isnan(x->v[VX_AS_WARNING]) || isnan(x->v[VX_AS_PAGE]) ||
		    x->v[VX_AS_WARNING] <= x->v[VX_AS_PAGE])
			continue;
		where = at[a][VX_AS_WARNING] != NULL ? at[a][VX_AS_WARNING] :
		    at[a][VX_AS_PAGE];
		if (at[a][VX_AS_PAGE] != NULL && (where == NULL ||
		    at[a][VX_AS_PAGE]->line > where->line))
			where = at[a][VX_AS_PAGE];
		snprintf(msg, sizeof(msg), "alert '%s': warning threshold "
		    "(%g) is above the page threshold (%g) for device '%s'",
		    defs[a].name, x->v[VX_AS_WARNING], x->v[VX_AS_PAGE],
		    device);
		error_once(errs, where, msg);
	}
}

void
vx_alerts_resolve(struct vx_alerts_cfg *ac, struct vx_cfg_errors *errs,
    const struct vx_cfg_doc *doc, const char *device,
    const struct vx_strlist *labels, const struct vx_cfg_node *own,
    int64_t interval_ms, struct vx_alert_settings *out)
{
	const struct vx_cfg_node	*at[VX_AL__COUNT][VX_AS__COUNT];
	struct layer			 dl;

	memset(at, 0, sizeof(at));
	builtin(out, interval_ms);
	apply_layer(&ac->top, out, at);
	for (size_t i = 0; i < ac->novr; i++) {
		if (ac->ovr[i].match == NULL ||
		    !selector_matches(&ac->ovr[i], device, labels))
			continue;
		ac->ovr[i].used = true;
		apply_layer(&ac->ovr[i], out, at);
	}
	if (own != NULL) {
		char where[320];

		layer_init(&dl);
		dl.match = own;		/* per-device: no exporter alerts */
		snprintf(where, sizeof(where), "'alerts' of device '%s'",
		    device);
		parse_layer(errs, doc, own, &dl, where, NULL);
		apply_layer(&dl, out, at);
	}
	check(errs, out, at, device);
}

void
vx_alerts_check_unused(struct vx_alerts_cfg *ac, struct vx_cfg_errors *errs)
{
	for (size_t i = 0; i < ac->novr; i++) {
		if (ac->ovr[i].match != NULL && !ac->ovr[i].used)
			vx_cfg_error(errs, ac->ovr[i].match, "the selector of "
			    "alerts override #%zu matches no device", i + 1);
	}
}

void
vx_alerts_take_global(struct vx_alerts_cfg *ac, struct vx_alerts_global *out)
{
	const struct vx_cfg_node *at[VX_AL__COUNT][VX_AS__COUNT];

	memset(out, 0, sizeof(*out));
	out->runbook_url = ac->runbook_url;
	out->exporter_job = ac->exporter_job;
	ac->runbook_url = NULL;
	ac->exporter_job = NULL;
	memset(at, 0, sizeof(at));
	builtin(&out->defaults, 60000);
	apply_layer(&ac->top, &out->defaults, at);
}

void
vx_alerts_global_release(struct vx_alerts_global *g)
{
	free(g->runbook_url);
	free(g->exporter_job);
	memset(g, 0, sizeof(*g));
}

size_t
vx_alerts_thresholds(const struct vx_alert_settings *s,
    struct vx_threshold_cfg *out)
{
	size_t n = 0;

	for (int a = 0; a < VX_AL__COUNT; a++) {
		if (!defs[a].per_device || !s->a[a].enabled)
			continue;
		for (int k = VX_AS_WARNING; k <= VX_AS_PAGE; k++) {
			if (isnan(s->a[a].v[k]))
				continue;
			out[n].alert = defs[a].name;
			out[n].severity = vx_alert_severity((enum vx_alert)a,
			    (enum vx_alert_slot)k);
			out[n].value = s->a[a].v[k];
			n++;
		}
	}
	return n;
}
