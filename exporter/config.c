/* vpn_exporter.yml -> struct vx_config. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "strbuf.h"

#define DEFAULT_INTERVAL_MS	60000
#define DEFAULT_TIMEOUT_MS	10000
#define DEFAULT_RETRIES		1

struct top_cfg {
	const struct vx_cfg_node	*defaults;
	const struct vx_cfg_node	*devices;
};

static const struct vx_cfg_key top_keys[] = {
	{ "defaults", VX_CFG_T_NODE, offsetof(struct top_cfg, defaults),
	    false, 0, 0, NULL },
	{ "devices", VX_CFG_T_NODE, offsetof(struct top_cfg, devices),
	    true, 0, 0, NULL },
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
	{ NULL, 0, 0, false, 0, 0, NULL },
};
#undef R

/* Bits of device_keys, for "was it set here or inherited". */
enum {
	K_INTERVAL = 5, K_TIMEOUT = 6, K_RETRIES = 7, K_BACKGROUND = 8,
	K_PROBE_FRESH = 9,
};

static void
device_cfg_release(struct vx_device_cfg *d)
{
	for (size_t i = 0; i < d->ncollectors; i++) {
		if (d->collectors[i].state != NULL)
			d->collectors[i].ops->free(d->collectors[i].state);
	}
	free(d->collectors);
	free(d->name);
	free(d->vendor);
	free(d->address);
	vx_strlist_clear(&d->labels);
	vx_strlist_clear(&d->expected_peers);
	free(d->fingerprint);
	memset(d, 0, sizeof(*d));
}

void
vx_config_free(struct vx_config *cfg)
{
	if (cfg == NULL)
		return;
	for (size_t i = 0; i < cfg->ndevices; i++)
		device_cfg_release(&cfg->devices[i]);
	free(cfg->devices);
	free(cfg->path);
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

/* FNV-1a of a file's bytes, or 0 if it cannot be read. */
static uint64_t
file_hash(const struct vx_cfg_doc *doc, const char *path)
{
	char		 full[4096];
	unsigned char	 buf[4096];
	uint64_t	 h = 1469598103934665603ULL;
	size_t		 n;
	FILE		*f;

	vx_cfg_path(doc, path, full, sizeof(full));
	f = fopen(full, "rb");
	if (f == NULL)
		return 0;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		for (size_t i = 0; i < n; i++)
			h = (h ^ buf[i]) * 1099511628211ULL;
	}
	fclose(f);
	return h;
}

/*
 * A canonical text of a YAML subtree; the contents of files named by
 * "*_file" keys are folded in as hashes, so that a rotated secret makes a
 * reload reconnect the device.
 */
static void
fingerprint_node(struct vx_strbuf *sb, const struct vx_cfg_doc *doc,
    const struct vx_cfg_node *n)
{
	switch (n->kind) {
	case VX_CFG_SCALAR:
		vx_strbuf_addf(sb, "%zu:", n->len);
		vx_strbuf_add(sb, n->value, n->len);
		break;
	case VX_CFG_SEQ:
		vx_strbuf_addch(sb, '[');
		for (size_t i = 0; i < n->n; i++)
			fingerprint_node(sb, doc, n->items[i]);
		vx_strbuf_addch(sb, ']');
		break;
	case VX_CFG_MAP:
		vx_strbuf_addch(sb, '{');
		for (size_t i = 0; i + 1 < n->n; i += 2) {
			const struct vx_cfg_node *k = n->items[i];
			const struct vx_cfg_node *v = n->items[i + 1];
			size_t kl = strlen(k->value);

			fingerprint_node(sb, doc, k);
			vx_strbuf_addch(sb, '=');
			fingerprint_node(sb, doc, v);
			if (kl > 5 && strcmp(k->value + kl - 5, "_file") == 0 &&
			    v->kind == VX_CFG_SCALAR)
				vx_strbuf_addf(sb, "#%016llx", (unsigned long long)
				    file_hash(doc, v->value));
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

static void
configure_collectors(struct vx_cfg_errors *errs, const struct vx_cfg_doc *doc,
    const struct device_raw *raw, struct vx_device_cfg *d)
{
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
		if (strcmp(ops->vendor, d->vendor) != 0) {
			vx_cfg_error(errs, k, "collector '%s' is for vendor "
			    "'%s', but device '%s' has vendor '%s'", k->value,
			    ops->vendor, d->name, d->vendor);
			continue;
		}
		/* "cisco_asa_snmp:" with nothing after it is a null scalar. */
		if (v->kind == VX_CFG_SCALAR && v->len == 0 && v->plain)
			v = NULL;
		if (ops->configure(errs, doc, k, v, &d->target, &state) != 0)
			continue;
		d->collectors[d->ncollectors].ops = ops;
		d->collectors[d->ncollectors].state = state;
		d->ncollectors++;
	}
	qsort(d->collectors, d->ncollectors, sizeof(*d->collectors),
	    cmp_priority);
}

static void
load_device(struct vx_cfg_errors *errs, const struct vx_cfg_doc *doc,
    const struct vx_cfg_node *node, const struct vx_defaults *defs,
    struct vx_config *cfg, size_t index)
{
	struct device_raw	 raw;
	struct vx_device_cfg	*d = &cfg->devices[cfg->ndevices];
	uint64_t		 seen = 0;
	char			 where[320];
	struct vx_strbuf	 fp;

	memset(&raw, 0, sizeof(raw));
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
	for (size_t i = 0; i < cfg->ndevices; i++) {
		if (strcmp(cfg->devices[i].name, raw.name) == 0) {
			vx_cfg_error(errs, vx_cfg_map_get(node, "name"),
			    "duplicate device name '%s'", raw.name);
			vx_cfg_free_fields(device_keys, &raw);
			return;
		}
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
	d->probe_fresh = seen & (1u << K_PROBE_FRESH) ? raw.probe_fresh :
	    defs->probe_fresh;
	if (d->timeout_ms > d->interval_ms) {
		const struct vx_cfg_node *at = vx_cfg_map_get(node, "timeout");

		vx_cfg_error(errs, at != NULL ? at : node, "timeout (%lldms) "
		    "of %s must not exceed its interval (%lldms)",
		    (long long)d->timeout_ms, where,
		    (long long)d->interval_ms);
	}
	d->target.device = d->name;
	d->target.address = d->address;
	d->target.timeout_ms = d->timeout_ms;
	d->target.retries = (int)d->retries;
	d->target.expected_peers = &d->expected_peers;
	cfg->ndevices++;

	configure_collectors(errs, doc, &raw, d);

	vx_strbuf_init(&fp, 256);
	vx_strbuf_addf(&fp, "%lld/%lld/%lld/%d/%d/", (long long)d->interval_ms,
	    (long long)d->timeout_ms, (long long)d->retries, d->background,
	    d->probe_fresh);
	fingerprint_node(&fp, doc, node);
	d->fingerprint = vx_strbuf_detach(&fp, NULL);
}

struct vx_config *
vx_config_load(const char *path, struct vx_cfg_errors *errs)
{
	struct vx_cfg_doc	*doc;
	struct vx_config	*cfg;
	struct top_cfg		 top = { NULL, NULL };
	size_t			 before = errs->n;

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
		cfg->devices = calloc(top.devices->n + 1,
		    sizeof(*cfg->devices));
		if (cfg->devices == NULL)
			goto fail;
		for (size_t i = 0; i < top.devices->n; i++)
			load_device(errs, doc, top.devices->items[i],
			    &cfg->defaults, cfg, i);
	}
	if (errs->n > before)
		goto fail;
	vx_cfg_doc_free(doc);
	return cfg;
fail:
	vx_cfg_doc_free(doc);
	vx_config_free(cfg);
	return NULL;
}
