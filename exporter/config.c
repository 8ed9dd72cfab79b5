/* vpn_exporter.yml -> struct vx_config. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "strbuf.h"
#include "strmap.h"

#define DEFAULT_INTERVAL_MS	60000
#define DEFAULT_TIMEOUT_MS	10000
#define DEFAULT_RETRIES		1

struct top_cfg {
	const struct vx_cfg_node	*auths;
	const struct vx_cfg_node	*modules;
	const struct vx_cfg_node	*probe_targets;
	const struct vx_cfg_node	*defaults;
	const struct vx_cfg_node	*devices;
	const struct vx_cfg_node	*alerts;
	const struct vx_cfg_node	*syslog;
};

static const struct vx_cfg_key top_keys[] = {
	{ "defaults", VX_CFG_T_NODE, offsetof(struct top_cfg, defaults),
	    false, 0, 0, NULL },
	{ "devices", VX_CFG_T_NODE, offsetof(struct top_cfg, devices),
	    true, 0, 0, NULL },
	{ "alerts", VX_CFG_T_NODE, offsetof(struct top_cfg, alerts),
	    false, 0, 0, NULL },
	{ "syslog", VX_CFG_T_NODE, offsetof(struct top_cfg, syslog),
	    false, 0, 0, NULL },
	{ "auths", VX_CFG_T_NODE, offsetof(struct top_cfg, auths),
	    false, 0, 0, NULL },
	{ "modules", VX_CFG_T_NODE, offsetof(struct top_cfg, modules),
	    false, 0, 0, NULL },
	{ "probe_targets", VX_CFG_T_NODE, offsetof(struct top_cfg,
	    probe_targets), false, 0, 0, NULL },
	{ NULL, 0, 0, false, 0, 0, NULL },
};

#define D(m)	offsetof(struct vx_defaults, m)
static const struct vx_cfg_key defaults_keys[] = {
	{ "interval", VX_CFG_T_DURATION, D(interval_ms), false, 1000,
	    86400000, NULL },
	{ "timeout", VX_CFG_T_DURATION, D(timeout_ms), false, 100, 3600000,
	    NULL },
	{ "retries", VX_CFG_T_INT, D(retries), false, 0, 10, NULL },
	{ "background", VX_CFG_T_BOOL, D(background), false, 0, 0, NULL },
	{ "forget_after", VX_CFG_T_DURATION, D(forget_after_ms), false, 1000,
	    INT64_C(31536000000), NULL },
	{ "spi_mismatch_grace", VX_CFG_T_DURATION, D(spi_mismatch_grace_ms),
	    false, 1000, 86400000, NULL },
	{ "probe_fresh", VX_CFG_T_BOOL, D(probe_fresh), false, 0, 0, NULL },
	{ NULL, 0, 0, false, 0, 0, NULL },
};
#undef D

struct device_raw {
	char				*name;
	char				*vendor;
	char				*address;
	struct vx_strlist		 labels;
	struct vx_strlist		 expected_peers;
	int64_t				 interval_ms;
	int64_t				 timeout_ms;
	int64_t				 retries;
	bool				 background;
	bool				 probe_fresh;
	const struct vx_cfg_node	*collectors;
	int64_t				 forget_after_ms;
	int64_t				 spi_mismatch_grace_ms;
	const struct vx_cfg_node	*alerts;
	const struct vx_cfg_node	*sources;
	const struct vx_cfg_node	*peer_devices;
	char				*module;
	char				*auth;
};

#define R(m)	offsetof(struct device_raw, m)
static const struct vx_cfg_key device_keys[] = {
	{ "name", VX_CFG_T_STRING, R(name), true, 0, 0, NULL },
	{ "vendor", VX_CFG_T_STRING, R(vendor), true, 0, 0, NULL },
	{ "address", VX_CFG_T_STRING, R(address), true, 0, 0, NULL },
	{ "labels", VX_CFG_T_LABELS, R(labels), false, 0, 0, NULL },
	{ "expected_peers", VX_CFG_T_STRLIST, R(expected_peers), false, 0, 0,
	    NULL },
	{ "interval", VX_CFG_T_DURATION, R(interval_ms), false, 1000,
	    86400000, NULL },
	{ "timeout", VX_CFG_T_DURATION, R(timeout_ms), false, 100, 3600000,
	    NULL },
	{ "retries", VX_CFG_T_INT, R(retries), false, 0, 10, NULL },
	{ "background", VX_CFG_T_BOOL, R(background), false, 0, 0, NULL },
	{ "probe_fresh", VX_CFG_T_BOOL, R(probe_fresh), false, 0, 0, NULL },
	{ "collectors", VX_CFG_T_NODE, R(collectors), true, 0, 0, NULL },
	{ "forget_after", VX_CFG_T_DURATION, R(forget_after_ms), false, 1000,
	    INT64_C(31536000000), NULL },
	{ "spi_mismatch_grace", VX_CFG_T_DURATION, R(spi_mismatch_grace_ms),
	    false, 1000, 86400000, NULL },
	{ "alerts", VX_CFG_T_NODE, R(alerts), false, 0, 0, NULL },
	{ "sources", VX_CFG_T_NODE, R(sources), false, 0, 0, NULL },
	{ "peer_devices", VX_CFG_T_NODE, R(peer_devices), false, 0, 0, NULL },
	{ "module", VX_CFG_T_STRING, R(module), false, 0, 0, NULL },
	{ "auth", VX_CFG_T_STRING, R(auth), false, 0, 0, NULL },
	{ NULL, 0, 0, false, 0, 0, NULL },
};
#undef R

/* Bits of device_keys, for "was it set here or inherited". */
enum {
	K_INTERVAL = 5, K_TIMEOUT = 6, K_RETRIES = 7, K_BACKGROUND = 8,
	K_PROBE_FRESH = 9, K_FORGET_AFTER = 11, K_SPI_GRACE = 12,
};

/* "probe_targets:" */
struct probe_raw {
	struct vx_strlist	allowed;
	int64_t			max_devices;
	int64_t			idle_timeout_ms;
};

#define P(m)	offsetof(struct probe_raw, m)
static const struct vx_cfg_key probe_keys[] = {
	{ "allowed_targets", VX_CFG_T_STRLIST, P(allowed), true, 0, 0, NULL },
	{ "max_devices", VX_CFG_T_INT, P(max_devices), false, 1, 100000,
	    NULL },
	{ "idle_timeout", VX_CFG_T_DURATION, P(idle_timeout_ms), false, 1000,
	    INT64_C(31536000000), NULL },
	{ NULL, 0, 0, false, 0, 0, NULL },
};
#undef P

void
vx_device_cfg_release(struct vx_device_cfg *d)
{
	for (size_t i = 0; i < d->ncollectors; i++) {
		if (d->collectors[i].state != NULL)
			d->collectors[i].ops->free(d->collectors[i].state);
	}
	free(d->collectors);
	free(d->name);
	free(d->vendor);
	free(d->address);
	free(d->module);
	free(d->auth);
	vx_strlist_clear(&d->labels);
	vx_strlist_clear(&d->expected_peers);
	vx_strlist_clear(&d->peer_devices);
	vx_strlist_clear_secrets(&d->secrets);
	free(d->fingerprint);
	memset(d, 0, sizeof(*d));
}

void
vx_config_free(struct vx_config *cfg)
{
	if (cfg == NULL)
		return;
	for (size_t i = 0; i < cfg->ndevices; i++)
		vx_device_cfg_release(&cfg->devices[i]);
	vx_fleet_unref(cfg->fleet);
	free(cfg->devices);
	free(cfg->path);
	vx_alerts_global_release(&cfg->alerts);
	vx_config_syslog_release(&cfg->syslog);
	free(cfg);
}

struct vx_device_cfg *
vx_config_device(struct vx_config *cfg, const char *name)
{
	for (size_t i = 0; i < cfg->ndevices; i++) {
		if (strcmp(cfg->devices[i].name, name) == 0)
			return &cfg->devices[i];
	}
	return NULL;
}

/*
 * FNV-1a of a file's bytes, or 0 if it cannot be read (the option's own
 * check reports why).  Every file is read once per load, however many
 * devices name it: a fleet's devices often share one key or secret file.
 */
static uint64_t
file_hash(const struct vx_cfg_doc *doc, struct vx_strmap *cache,
    const char *path)
{
	char		 full[4096], why[160];
	uint64_t	 h = 1469598103934665603ULL, *cached;
	size_t		 len;
	char		*buf;

	vx_cfg_path(doc, path, full, sizeof(full));
	cached = vx_strmap_get(cache, full, strlen(full));
	if (cached != NULL)
		return *cached;
	buf = vx_cfg_file_read(full, VX_CFG_FILE_MAX, &len, why, sizeof(why));
	if (buf == NULL)
		h = 0;
	for (size_t i = 0; buf != NULL && i < len; i++)
		h = (h ^ (unsigned char)buf[i]) * 1099511628211ULL;
	if (buf != NULL) {
		explicit_bzero(buf, len);
		free(buf);
	}
	cached = malloc(sizeof(*cached));
	if (cached != NULL) {
		*cached = h;
		if (!vx_strmap_put(cache, full, strlen(full), cached))
			free(cached);
	}
	return h;
}

static bool
drop_hash(void *arg, const char *key, void *value)
{
	(void)arg;
	(void)key;
	free(value);
	return true;
}

/*
 * Whether the contents of the file a "*_file" key names belong in the
 * fingerprint: not a known_hosts file's.  It is read anew at every login
 * and never for a session already made, and it grows by itself (host_key_
 * policy accept-new writes to it): with its contents in, every device
 * sharing it would reconnect at the next reload after any one learnt a key.
 */
static bool
hash_contents(const char *key)
{
	size_t kl = strlen(key);

	return kl > 5 && strcmp(key + kl - 5, "_file") == 0 &&
	    strcmp(key, "known_hosts_file") != 0;
}

/*
 * A canonical text of a YAML subtree; the contents of files named by
 * "*_file" keys are folded in as hashes, so that a rotated secret makes a
 * reload reconnect the device.
 */
static void
fingerprint_node(struct vx_strbuf *sb, const struct vx_cfg_doc *doc,
    struct vx_strmap *cache, const struct vx_cfg_node *n)
{
	switch (n->kind) {
	case VX_CFG_SCALAR:
		vx_strbuf_addf(sb, "%zu:", n->len);
		vx_strbuf_add(sb, n->value, n->len);
		break;
	case VX_CFG_SEQ:
		vx_strbuf_addch(sb, '[');
		for (size_t i = 0; i < n->n; i++)
			fingerprint_node(sb, doc, cache, n->items[i]);
		vx_strbuf_addch(sb, ']');
		break;
	case VX_CFG_MAP:
		vx_strbuf_addch(sb, '{');
		for (size_t i = 0; i + 1 < n->n; i += 2) {
			const struct vx_cfg_node *k = n->items[i];
			const struct vx_cfg_node *v = n->items[i + 1];

			fingerprint_node(sb, doc, cache, k);
			vx_strbuf_addch(sb, '=');
			fingerprint_node(sb, doc, cache, v);
			if (hash_contents(k->value) && v->kind == VX_CFG_SCALAR)
				vx_strbuf_addf(sb, "#%016llx", (unsigned long long)
				    file_hash(doc, cache, v->value));
		}
		vx_strbuf_addch(sb, '}');
		break;
	}
}

static int
cmp_priority(const void *a, const void *b)
{
	const struct vx_collector_cfg *x = a, *y = b;

	return (int)y->ops->priority - (int)x->ops->priority;
}

/* What loading a device needs besides its own mapping. */
struct load_ctx {
	struct vx_cfg_doc		*doc;
	const struct vx_defaults	*defs;
	struct vx_alerts_cfg		*ac;
	struct vx_fleet_tmpl		*tmpl;
	struct vx_arena			*arena;		/* expanded devices */
	struct vx_strmap		*hashes;	/* file hashes */
	struct vx_strmap		*names;		/* device names */
};

static void
configure_collectors(struct vx_cfg_errors *errs, const struct load_ctx *ctx,
    const struct vx_fleet_use *use, const struct device_raw *raw,
    struct vx_device_cfg *d)
{
	const struct vx_cfg_doc *doc = ctx->doc;
	const struct vx_cfg_node *cols = raw->collectors;

	if (cols->kind != VX_CFG_MAP || cols->n == 0) {
		vx_cfg_error(errs, cols, "'collectors' of device '%s' must map "
		    "collector names to their options, e.g. "
		    "'cisco_asa_snmp: {community_file: ...}'", d->name);
		return;
	}
	d->collectors = calloc(cols->n / 2, sizeof(*d->collectors));
	if (d->collectors == NULL)
		return;
	for (size_t i = 0; i + 1 < cols->n; i += 2) {
		const struct vx_cfg_node	*k = cols->items[i];
		const struct vx_cfg_node	*v = cols->items[i + 1];
		const struct vx_collector_ops	*ops = vx_collector_find(k->value);
		void				*state = NULL;

		if (ops == NULL) {
			struct vx_strbuf known;

			vx_strbuf_init(&known, 128);
			for (size_t c = 0; vx_collectors[c] != NULL; c++)
				vx_strbuf_addf(&known, "%s%s", c ? ", " : "",
				    vx_collectors[c]->name);
			vx_cfg_error(errs, k, "unknown collector '%s' in device "
			    "'%s' (known: %s)", k->value, d->name, known.buf);
			vx_strbuf_release(&known);
			continue;
		}
		if (ops->vendor != NULL && strcmp(ops->vendor, d->vendor) != 0) {
			vx_cfg_error(errs, k, "collector '%s' is for vendor "
			    "'%s', but device '%s' has vendor '%s'", k->value,
			    ops->vendor, d->name, d->vendor);
			continue;
		}
		/* "cisco_asa_snmp:" with nothing after it is a null scalar. */
		if (v->kind == VX_CFG_SCALAR && v->len == 0 && v->plain)
			v = NULL;
		/*
		 * Options a module or auth alone gives: their errors were
		 * reported at the first device, with their file:line:col.
		 */
		if (vx_fleet_failed_before(ctx->tmpl, use, k->value))
			continue;
		if (ops->configure(errs, doc, k, v, &d->target, &state) != 0) {
			vx_fleet_record_failure(ctx->tmpl, use, k->value);
			continue;
		}
		d->collectors[d->ncollectors].ops = ops;
		d->collectors[d->ncollectors].state = state;
		d->ncollectors++;
	}
	qsort(d->collectors, d->ncollectors, sizeof(*d->collectors),
	    cmp_priority);
}

/* The field named name: 0..VX_DV__COUNT-1 device values, then tunnel
 * counters, then the drop table; -1 if unknown. */
static int
field_by_name(const char *name)
{
	for (int v = 0; v < VX_DV__COUNT; v++) {
		if (strcmp(vx_dev_val_name((enum vx_dev_val)v), name) == 0)
			return v;
	}
	for (int c = 0; c < VX_TC__COUNT; c++) {
		if (strcmp(vx_tun_ctr_name((enum vx_tun_ctr)c), name) == 0)
			return VX_DV__COUNT + c;
	}
	if (strcmp(name, VX_FIELD_DROPS) == 0)
		return VX_DV__COUNT + VX_TC__COUNT;
	return -1;
}

static unsigned char *
field_slot(struct vx_fields *f, int field)
{
	if (field < VX_DV__COUNT)
		return &f->dev[field];
	if (field < VX_DV__COUNT + VX_TC__COUNT)
		return &f->tun[field - VX_DV__COUNT];
	return &f->drops;
}

static void
unknown_field(struct vx_cfg_errors *errs, const struct vx_cfg_node *k,
    const char *device)
{
	const char	*best = NULL;
	size_t		 bestd = 3;

	for (int f = 0; f < VX_DV__COUNT + VX_TC__COUNT + 1; f++) {
		const char *name = f < VX_DV__COUNT ?
		    vx_dev_val_name((enum vx_dev_val)f) :
		    f < VX_DV__COUNT + VX_TC__COUNT ?
		    vx_tun_ctr_name((enum vx_tun_ctr)(f - VX_DV__COUNT)) :
		    VX_FIELD_DROPS;
		size_t d = vx_cfg_edit_distance(k->value, name);

		if (d < bestd) {
			bestd = d;
			best = name;
		}
	}
	if (best != NULL)
		vx_cfg_error(errs, k, "unknown field '%s' in 'sources' of "
		    "device '%s' (did you mean '%s'?)", k->value, device, best);
	else
		vx_cfg_error(errs, k, "unknown field '%s' in 'sources' of "
		    "device '%s' (the field names are listed under \"Sources\" "
		    "in the README)", k->value, device);
}

/*
 * One source collector per field: the most authoritative configured one
 * that can report it, unless "sources:" names one.
 */
static void
resolve_sources(struct vx_cfg_errors *errs, const struct vx_cfg_node *node,
    struct vx_device_cfg *d)
{
	enum { NFIELDS = VX_DV__COUNT + VX_TC__COUNT + 1 };
	struct vx_fields	*caps;
	int			 src[NFIELDS];

	caps = calloc(d->ncollectors + 1, sizeof(*caps));
	if (caps == NULL)
		return;
	for (size_t i = 0; i < d->ncollectors; i++) {
		if (d->collectors[i].ops->fields != NULL)
			d->collectors[i].ops->fields(d->collectors[i].state,
			    &caps[i]);
	}
	for (int f = 0; f < NFIELDS; f++) {
		unsigned char best = 0;

		src[f] = -1;
		for (size_t i = 0; i < d->ncollectors; i++) {
			unsigned char p = *field_slot(&caps[i], f);

			if (p > best) {
				best = p;
				src[f] = (int)i;
			}
		}
	}
	if (node != NULL && node->kind != VX_CFG_MAP) {
		vx_cfg_error(errs, node, "'sources' of device '%s' must map "
		    "field names to collector names, e.g. 'sources: "
		    "{invalid_spi: cisco_asa_ssh}'", d->name);
	} else if (node != NULL) {
		for (size_t k = 0; k + 1 < node->n; k += 2) {
			const struct vx_cfg_node *kn = node->items[k];
			const struct vx_cfg_node *vn = node->items[k + 1];
			int f = field_by_name(kn->value), ci = -1;

			if (f < 0) {
				unknown_field(errs, kn, d->name);
				continue;
			}
			for (size_t i = 0; vn->kind == VX_CFG_SCALAR &&
			    i < d->ncollectors; i++) {
				if (strcmp(d->collectors[i].ops->name,
				    vn->value) == 0)
					ci = (int)i;
			}
			if (ci < 0) {
				vx_cfg_error(errs, vn, "source '%s' for '%s' is "
				    "not a collector of device '%s'",
				    vn->kind == VX_CFG_SCALAR ? vn->value : "?",
				    kn->value, d->name);
				continue;
			}
			if (*field_slot(&caps[ci], f) == 0) {
				vx_cfg_error(errs, vn, "collector '%s' of device "
				    "'%s' cannot report '%s'", vn->value,
				    d->name, kn->value);
				continue;
			}
			src[f] = ci;
		}
	}
	for (int f = 0; f < NFIELDS; f++) {
		if (src[f] >= 0)
			*field_slot(&d->collectors[src[f]].allow, f) = 1;
	}
	free(caps);
}

/* "peer_devices: {203.0.113.9: asa-par2}": names are checked later. */
static void
load_peer_devices(struct vx_cfg_errors *errs, const struct vx_cfg_node *node,
    struct vx_device_cfg *d)
{
	if (node == NULL)
		return;
	if (node->kind != VX_CFG_MAP) {
		vx_cfg_error(errs, node, "'peer_devices' of device '%s' must map "
		    "tunnel peers to device names, e.g. 'peer_devices: "
		    "{203.0.113.9: asa-par2}'", d->name);
		return;
	}
	d->peer_devices.v = calloc(node->n + 1, sizeof(char *));
	if (d->peer_devices.v == NULL)
		return;
	for (size_t k = 0; k + 1 < node->n; k += 2) {
		const struct vx_cfg_node *kn = node->items[k];
		const struct vx_cfg_node *vn = node->items[k + 1];
		char **v = d->peer_devices.v;

		if (vn->kind != VX_CFG_SCALAR || vn->len == 0) {
			vx_cfg_error(errs, vn, "'peer_devices' of device '%s': "
			    "the device at the other end of '%s' must be a "
			    "device name", d->name, kn->value);
			continue;
		}
		v[d->peer_devices.n] = strdup(kn->value);
		v[d->peer_devices.n + 1] = strdup(vn->value);
		if (v[d->peer_devices.n] == NULL ||
		    v[d->peer_devices.n + 1] == NULL) {
			free(v[d->peer_devices.n]);
			free(v[d->peer_devices.n + 1]);
			continue;
		}
		d->peer_devices.n += 2;
	}
}

/* Every peer_devices value must name another configured device. */
static void
check_peer_devices(struct vx_cfg_errors *errs, const struct vx_cfg_node *seq,
    struct vx_config *cfg, const struct vx_strmap *names)
{
	for (size_t i = 0; i < cfg->ndevices; i++) {
		const struct vx_device_cfg	*d = &cfg->devices[i];
		const struct vx_cfg_node	*node = NULL;

		for (size_t k = 0; d->peer_devices.n > 0 && k < seq->n &&
		    node == NULL; k++) {
			const struct vx_cfg_node *nm =
			    vx_cfg_map_get(seq->items[k], "name");

			if (nm != NULL && nm->kind == VX_CFG_SCALAR &&
			    strcmp(nm->value, d->name) == 0)
				node = vx_cfg_map_get(seq->items[k],
				    "peer_devices");
		}
		for (size_t k = 0; k + 1 < d->peer_devices.n; k += 2) {
			const char			*want =
							    d->peer_devices.v[k + 1];
			const struct vx_cfg_node	*at = node != NULL ?
			    vx_cfg_map_get(node, d->peer_devices.v[k]) : NULL;

			if (strcmp(want, d->name) == 0)
				vx_cfg_error(errs, at, "'peer_devices' of device "
				    "'%s' names the device itself", d->name);
			else if (vx_strmap_get(names, want, strlen(want)) ==
			    NULL)
				vx_cfg_error(errs, at, "'peer_devices' of device "
				    "'%s' names '%s', which is not a configured "
				    "device", d->name, want);
		}
	}
}

static void
load_device(struct vx_cfg_errors *errs, const struct load_ctx *ctx,
    const struct vx_cfg_node *node, struct vx_config *cfg, size_t index)
{
	struct vx_cfg_doc		*doc = ctx->doc;
	const struct vx_defaults	*defs = ctx->defs;
	struct vx_strmap		*names = ctx->names;
	struct device_raw		 raw;
	struct vx_device_cfg		*d = &cfg->devices[cfg->ndevices];
	uint64_t			 seen = 0;
	char				 where[320];
	struct vx_strbuf		 fp;
	struct vx_fleet_use		 use;
	const struct vx_cfg_node	*given = node;

	memset(&raw, 0, sizeof(raw));
	/* With its module and auth, as if written out in full. */
	node = vx_fleet_expand(ctx->tmpl, errs, ctx->arena, node, &use);
	if (node == NULL) {
		const struct vx_cfg_node *nm = vx_cfg_map_get(given, "name");

		/* Known by name all the same: no error about references. */
		if (nm != NULL && nm->kind == VX_CFG_SCALAR)
			vx_strmap_put(names, nm->value, nm->len,
			    (void *)(uintptr_t)SIZE_MAX);
		return;
	}
	if (node->kind == VX_CFG_MAP) {
		const struct vx_cfg_node *nm = vx_cfg_map_get(node, "name");

		if (nm != NULL && nm->kind == VX_CFG_SCALAR)
			snprintf(where, sizeof(where), "device '%s'",
			    nm->value);
		else
			snprintf(where, sizeof(where), "device #%zu",
			    index + 1);
	} else {
		snprintf(where, sizeof(where), "device #%zu", index + 1);
	}
	vx_cfg_apply(errs, doc, device_keys, node, &raw, where, &seen);
	/*
	 * With a name, a vendor and collectors, the collectors are checked
	 * even after another key's error, so that one run reports all.
	 */
	if (raw.name == NULL || raw.vendor == NULL || raw.address == NULL ||
	    raw.collectors == NULL) {
		vx_cfg_free_fields(device_keys, &raw);
		return;
	}
	if (vx_strmap_get(names, raw.name, strlen(raw.name)) != NULL) {
		vx_cfg_error(errs, vx_cfg_map_get(node, "name"),
		    "duplicate device name '%s'", raw.name);
		vx_cfg_free_fields(device_keys, &raw);
		return;
	}
	if (!vx_vendor_known(raw.vendor)) {
		vx_cfg_error(errs, vx_cfg_map_get(node, "vendor"), "unknown "
		    "vendor '%s' in %s", raw.vendor, where);
		vx_cfg_free_fields(device_keys, &raw);
		return;
	}
	memset(d, 0, sizeof(*d));
	d->name = raw.name;
	d->vendor = raw.vendor;
	d->address = raw.address;
	d->labels = raw.labels;
	d->expected_peers = raw.expected_peers;
	d->interval_ms = seen & (1u << K_INTERVAL) ? raw.interval_ms :
	    defs->interval_ms;
	d->timeout_ms = seen & (1u << K_TIMEOUT) ? raw.timeout_ms :
	    defs->timeout_ms;
	d->retries = seen & (1u << K_RETRIES) ? raw.retries : defs->retries;
	d->background = seen & (1u << K_BACKGROUND) ? raw.background :
	    defs->background;
	d->forget_after_ms = seen & (1u << K_FORGET_AFTER) ?
	    raw.forget_after_ms : defs->forget_after_ms;
	d->spi_mismatch_grace_ms = seen & (1u << K_SPI_GRACE) ?
	    raw.spi_mismatch_grace_ms : defs->spi_mismatch_grace_ms;
	if (d->spi_mismatch_grace_ms == 0)
		d->spi_mismatch_grace_ms = 2 * d->interval_ms;
	d->probe_fresh = seen & (1u << K_PROBE_FRESH) ? raw.probe_fresh :
	    defs->probe_fresh;
	d->module = raw.module;
	d->auth = raw.auth;
	if (d->timeout_ms > d->interval_ms) {
		const struct vx_cfg_node *at = vx_cfg_map_get(node, "timeout");

		vx_cfg_error(errs, at != NULL ? at : node, "timeout (%lldms) "
		    "of %s must not exceed its interval (%lldms)",
		    (long long)d->timeout_ms, where,
		    (long long)d->interval_ms);
	}
	d->target.device = d->name;
	d->target.vendor = d->vendor;
	d->target.address = d->address;
	d->target.timeout_ms = d->timeout_ms;
	d->target.retries = (int)d->retries;
	d->target.expected_peers = &d->expected_peers;
	cfg->ndevices++;
	/* The value is the device's index + 1 (devices never move). */
	if (!vx_strmap_put(names, d->name, strlen(d->name),
	    (void *)(uintptr_t)cfg->ndevices))
		vx_cfg_error(errs, node, "out of memory");

	doc->secret_sink = &d->secrets;
	configure_collectors(errs, ctx, &use, &raw, d);
	doc->secret_sink = NULL;
	resolve_sources(errs, raw.sources, d);
	load_peer_devices(errs, raw.peer_devices, d);
	vx_alerts_resolve(ctx->ac, errs, doc, d->name, &d->labels, raw.alerts,
	    d->interval_ms, &d->alerts);
	d->nthresholds = vx_alerts_thresholds(&d->alerts, d->thresholds);

	vx_strbuf_init(&fp, 256);
	vx_strbuf_addf(&fp, "%lld/%lld/%lld/%d/%d/%lld/%lld/",
	    (long long)d->interval_ms, (long long)d->timeout_ms,
	    (long long)d->retries, d->background, d->probe_fresh,
	    (long long)d->forget_after_ms, (long long)d->spi_mismatch_grace_ms);
	/* Settings inherited from "alerts:" are part of the device too. */
	for (int a = 0; a < VX_AL__COUNT; a++) {
		vx_strbuf_addf(&fp, "%d", d->alerts.a[a].enabled);
		for (int k = 0; k < VX_AS__COUNT; k++)
			vx_strbuf_addf(&fp, ",%.17g", d->alerts.a[a].v[k]);
		vx_strbuf_addch(&fp, ';');
	}
	/* The expanded device: a changed module, auth or secret counts. */
	fingerprint_node(&fp, doc, ctx->hashes, node);
	d->fingerprint = vx_strbuf_detach(&fp, NULL);
}

/*
 * A module's keys, checked once as device keys (none required), so that
 * a mistake in it is reported once and not at every device using it.
 */
static size_t
check_module_keys(struct vx_cfg_errors *errs, const struct vx_cfg_node *map,
    const char *where, void *arg)
{
	struct vx_cfg_key	 keys[sizeof(device_keys) / sizeof(device_keys[0])];
	struct device_raw	 raw;
	size_t			 n;

	(void)arg;
	memcpy(keys, device_keys, sizeof(keys));
	for (size_t i = 0; keys[i].name != NULL; i++)
		keys[i].required = false;
	memset(&raw, 0, sizeof(raw));
	n = vx_cfg_apply(errs, NULL, keys, map, &raw, where, NULL);
	if (raw.vendor != NULL && !vx_vendor_known(raw.vendor)) {
		vx_cfg_error(errs, vx_cfg_map_get(map, "vendor"), "unknown "
		    "vendor '%s' in %s", raw.vendor, where);
		n++;
	}
	vx_cfg_free_fields(device_keys, &raw);
	return n;
}

static void
load_probe_targets(struct vx_cfg_errors *errs, const struct vx_cfg_doc *doc,
    const struct vx_cfg_node *node, struct vx_probe_targets *p)
{
	struct probe_raw		raw;
	const struct vx_cfg_node	*list;

	memset(&raw, 0, sizeof(raw));
	raw.max_devices = 1000;
	raw.idle_timeout_ms = 3600 * 1000;
	vx_cfg_apply(errs, doc, probe_keys, node, &raw, "probe_targets", NULL);
	p->max_devices = raw.max_devices;
	p->idle_timeout_ms = raw.idle_timeout_ms;
	p->allowed = calloc(raw.allowed.n + 1, sizeof(*p->allowed));
	list = vx_cfg_map_get(node, "allowed_targets");
	for (size_t i = 0; p->allowed != NULL && i < raw.allowed.n; i++) {
		if (vx_cidr_parse(raw.allowed.v[i], &p->allowed[p->nallowed])) {
			p->nallowed++;
			continue;
		}
		vx_cfg_error(errs, list != NULL && list->kind == VX_CFG_SEQ &&
		    i < list->n ? list->items[i] : node, "'%s' in "
		    "probe_targets.allowed_targets is not an IPv4 or IPv6 "
		    "prefix (192.0.2.0/24, 2001:db8::/32) or address; host "
		    "names are not accepted", raw.allowed.v[i]);
	}
	vx_strlist_clear(&raw.allowed);
}

void
vx_fleet_ref(struct vx_fleet *f)
{
	atomic_fetch_add(&f->refs, 1);
}

void
vx_fleet_unref(struct vx_fleet *f)
{
	if (f == NULL || atomic_fetch_sub(&f->refs, 1) != 1)
		return;
	vx_fleet_tmpl_release(&f->tmpl);
	vx_alerts_free(f->ac);
	vx_cfg_doc_free(f->doc);
	free(f->probe.allowed);
	pthread_mutex_destroy(&f->lock);
	free(f);
}

bool
vx_fleet_allowed(const struct vx_fleet *f, const struct vx_ipaddr *ip)
{
	for (size_t i = 0; i < f->probe.nallowed; i++) {
		if (vx_cidr_contains(&f->probe.allowed[i], ip))
			return true;
	}
	return false;
}

int
vx_fleet_device(struct vx_fleet *f, const char *address, const char *module,
    const char *auth, struct vx_device_cfg *out, struct vx_cfg_errors *errs)
{
	const struct vx_cfg_node	*mod = vx_fleet_module(&f->tmpl, module);
	struct vx_cfg_node		*node;
	struct vx_config		 one;
	struct vx_arena			 arena;
	struct vx_strmap		 hashes = VX_STRMAP_INIT;
	struct vx_strmap		 names = VX_STRMAP_INIT;
	struct load_ctx			 ctx;
	size_t				 before = errs->n;
	const char			*keys[4] = { "name", "address", "module",
					    "auth" };
	const char			*vals[4] = { address, address, module,
					    auth };

	memset(out, 0, sizeof(*out));
	if (mod == NULL) {
		vx_cfg_error(errs, NULL, "unknown module '%s'", module);
		return -1;
	}
	if (auth != NULL && vx_fleet_auth(&f->tmpl, auth) == NULL) {
		vx_cfg_error(errs, NULL, "unknown auth '%s'", auth);
		return -1;
	}
	memset(&one, 0, sizeof(one));
	one.devices = out;
	vx_arena_init(&arena);
	/* The device as if listed: errors point at the module. */
	node = vx_arena_alloc(&arena, sizeof(*node));
	if (node != NULL) {
		memset(node, 0, sizeof(*node));
		node->kind = VX_CFG_MAP;
		node->file = mod->file;
		node->line = mod->line;
		node->col = mod->col;
		node->items = vx_arena_alloc(&arena, 8 * sizeof(*node->items));
	}
	for (size_t i = 0; node != NULL && node->items != NULL && i < 4; i++) {
		if (vals[i] == NULL)
			continue;
		node->items[node->n++] = vx_fleet_scalar(&arena, mod, keys[i]);
		node->items[node->n++] = vx_fleet_scalar(&arena, mod, vals[i]);
		if (node->items[node->n - 1] == NULL ||
		    node->items[node->n - 2] == NULL)
			node = NULL;
	}
	if (node == NULL || node->items == NULL) {
		vx_arena_release(&arena);
		vx_cfg_error(errs, NULL, "out of memory");
		return -1;
	}
	ctx.doc = f->doc;
	ctx.defs = &f->defaults;
	ctx.ac = f->ac;
	ctx.tmpl = &f->tmpl;
	ctx.arena = &arena;
	ctx.hashes = &hashes;
	ctx.names = &names;
	pthread_mutex_lock(&f->lock);
	/* Every build reports its own errors. */
	vx_strmap_release(&f->tmpl.failed);
	load_device(errs, &ctx, node, &one, 0);
	vx_strmap_release(&f->tmpl.failed);
	pthread_mutex_unlock(&f->lock);
	vx_strmap_filter(&hashes, drop_hash, NULL);
	vx_strmap_release(&hashes);
	vx_strmap_release(&names);
	vx_arena_release(&arena);
	if (one.ndevices == 1 && errs->n == before)
		return 0;
	if (one.ndevices == 1)
		vx_device_cfg_release(out);
	if (errs->n == before)
		vx_cfg_error(errs, NULL, "cannot configure a device with "
		    "module '%s'", module);
	return -1;
}

struct vx_config *
vx_config_load(const char *path, struct vx_cfg_errors *errs)
{
	struct vx_cfg_doc	*doc;
	struct vx_config	*cfg;
	struct vx_alerts_cfg	*ac = NULL;
	struct top_cfg		 top;
	size_t			 before = errs->n;
	struct vx_strmap	 hashes = VX_STRMAP_INIT;	/* file hashes */
	struct vx_strmap	 names = VX_STRMAP_INIT;	/* device names */
	struct vx_fleet_tmpl	 tmpl;
	struct load_ctx		 ctx;
	static atomic_uint_fast64_t generation;

	memset(&top, 0, sizeof(top));
	memset(&tmpl, 0, sizeof(tmpl));
	doc = vx_cfg_doc_load_file(path, errs);
	if (doc == NULL)
		return NULL;
	cfg = calloc(1, sizeof(*cfg));
	if (cfg == NULL || (cfg->path = strdup(path)) == NULL) {
		vx_cfg_error(errs, NULL, "%s: out of memory", path);
		free(cfg);
		vx_cfg_doc_free(doc);
		return NULL;
	}
	cfg->defaults.interval_ms = DEFAULT_INTERVAL_MS;
	cfg->defaults.timeout_ms = DEFAULT_TIMEOUT_MS;
	cfg->defaults.retries = DEFAULT_RETRIES;
	cfg->defaults.background = true;
	cfg->defaults.forget_after_ms = VX_DEFAULT_FORGET_AFTER_MS;

	if (doc->root == NULL) {
		vx_cfg_error(errs, NULL, "%s: the file is empty (it needs at "
		    "least 'devices:')", path);
		goto fail;
	}
	vx_cfg_apply(errs, doc, top_keys, doc->root, &top, "the top level",
	    NULL);
	if (top.defaults != NULL)
		vx_cfg_apply(errs, doc, defaults_keys, top.defaults,
		    &cfg->defaults, "defaults", NULL);
	if (cfg->defaults.timeout_ms > cfg->defaults.interval_ms)
		vx_cfg_error(errs, top.defaults, "default timeout (%lldms) must "
		    "not exceed the default interval (%lldms)",
		    (long long)cfg->defaults.timeout_ms,
		    (long long)cfg->defaults.interval_ms);
	if (top.devices != NULL && top.devices->kind != VX_CFG_SEQ &&
	    !(top.devices->kind == VX_CFG_SCALAR && top.devices->len == 0)) {
		vx_cfg_error(errs, top.devices, "'devices' must be a list, not "
		    "%s", vx_cfg_kind_name(top.devices->kind));
	} else if (top.devices != NULL && top.devices->kind == VX_CFG_SEQ) {
		ac = vx_alerts_parse(errs, doc, top.alerts);
		cfg->devices = calloc(top.devices->n + 1,
		    sizeof(*cfg->devices));
		if (cfg->devices == NULL || ac == NULL)
			goto fail;
		vx_fleet_tmpl_parse(&tmpl, errs, top.auths, top.modules,
		    check_module_keys, NULL);
		ctx.doc = doc;
		ctx.defs = &cfg->defaults;
		ctx.ac = ac;
		ctx.tmpl = &tmpl;
		ctx.arena = &doc->arena;
		ctx.hashes = &hashes;
		ctx.names = &names;
		for (size_t i = 0; i < top.devices->n; i++)
			load_device(errs, &ctx, top.devices->items[i], cfg, i);
		vx_alerts_check_unused(ac, errs);
		check_peer_devices(errs, top.devices, cfg, &names);
		vx_alerts_take_global(ac, &cfg->alerts);
	}
	vx_config_syslog_load(errs, doc, top.syslog, top.devices != NULL &&
	    top.devices->kind == VX_CFG_SEQ ? top.devices : NULL, cfg);
	if (top.probe_targets != NULL && ac != NULL) {
		cfg->fleet = calloc(1, sizeof(*cfg->fleet));
		if (cfg->fleet == NULL) {
			vx_cfg_error(errs, NULL, "%s: out of memory", path);
			goto fail;
		}
		atomic_init(&cfg->fleet->refs, 1);
		pthread_mutex_init(&cfg->fleet->lock, NULL);
		cfg->fleet->generation = atomic_fetch_add(&generation, 1) + 1;
		load_probe_targets(errs, doc, top.probe_targets,
		    &cfg->fleet->probe);
	}
	vx_strmap_filter(&hashes, drop_hash, NULL);
	vx_strmap_release(&hashes);
	vx_strmap_release(&names);
	if (errs->n > before)
		goto fail;
	if (cfg->fleet != NULL) {
		/* Kept for devices made on demand (vx_fleet_device). */
		cfg->fleet->doc = doc;
		cfg->fleet->ac = ac;
		cfg->fleet->tmpl = tmpl;
		cfg->fleet->defaults = cfg->defaults;
		vx_strmap_release(&cfg->fleet->tmpl.failed);
		return cfg;
	}
	vx_fleet_tmpl_release(&tmpl);
	vx_alerts_free(ac);
	vx_cfg_doc_free(doc);
	return cfg;
fail:
	vx_strmap_filter(&hashes, drop_hash, NULL);
	vx_strmap_release(&hashes);
	vx_strmap_release(&names);
	vx_fleet_tmpl_release(&tmpl);
	vx_alerts_free(ac);
	vx_cfg_doc_free(doc);
	vx_config_free(cfg);
	return NULL;
}
