/* The "syslog:" section, and the devices' claims on messages. */
#include "config_syslog.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "strbuf.h"
#include "strmap.h"
#include "syslog/syslog_collector.h"

#define S(m)	offsetof(struct vx_syslog_settings, m)
static const struct vx_cfg_key syslog_section_keys[] = {
	{ "udp", VX_CFG_T_STRLIST, S(udp), false, 0, 0, NULL },
	{ "tcp", VX_CFG_T_STRLIST, S(tcp), false, 0, 0, NULL },
	{ "max_message_size", VX_CFG_T_INT, S(max_message_size), false, 480,
	    65535, NULL },
	{ "max_connections", VX_CFG_T_INT, S(max_connections), false, 1,
	    10000, NULL },
	{ "idle_timeout", VX_CFG_T_DURATION, S(idle_timeout_ms), false, 1000,
	    86400000, NULL },
	{ "receive_buffer", VX_CFG_T_INT, S(receive_buffer), false, 0,
	    1073741824, NULL },
	{ NULL, 0, 0, false, 0, 0, NULL },
};
#undef S

void
vx_config_syslog_release(struct vx_syslog_cfg *c)
{
	vx_cfg_free_fields(syslog_section_keys, &c->s);
	free(c->fingerprint);
	memset(c, 0, sizeof(*c));
}

/* The "syslog" key under the device's "collectors:", for positions. */
static const struct vx_cfg_node *
collector_node(const struct vx_cfg_node *devices, const char *name)
{
	for (size_t k = 0; devices != NULL && k < devices->n; k++) {
		const struct vx_cfg_node *nm =
		    vx_cfg_map_get(devices->items[k], "name");
		const struct vx_cfg_node *cols;

		if (nm == NULL || nm->kind != VX_CFG_SCALAR ||
		    strcmp(nm->value, name) != 0)
			continue;
		cols = vx_cfg_map_get(devices->items[k], "collectors");
		if (cols == NULL || cols->kind != VX_CFG_MAP)
			return devices->items[k];
		for (size_t i = 0; i + 1 < cols->n; i += 2) {
			if (strcmp(cols->items[i]->value, syslog_ops.name) == 0)
				return cols->items[i];
		}
		return devices->items[k];
	}
	return NULL;
}

/* Records key for device; an error if another device has it. */
static void
claim(struct vx_cfg_errors *errs, struct vx_strmap *owners, const char *key,
    const char *what, const char *device, const struct vx_cfg_node *at)
{
	const char *owner = vx_strmap_get(owners, key, strlen(key));

	if (owner == NULL) {
		vx_strmap_put(owners, key, strlen(key),
		    (void *)(uintptr_t)device);
		return;
	}
	vx_cfg_error(errs, at, "syslog of device '%s': %s '%s' already "
	    "belongs to device '%s' (a message must name one device: give "
	    "the devices their own 'sources' or 'hostnames')", device, what,
	    key + 2, owner);
}

static void
check_devices(struct vx_cfg_errors *errs, const struct vx_cfg_node *devices,
    struct vx_config *cfg, const struct vx_cfg_node *section)
{
	struct vx_strmap owners = VX_STRMAP_INIT;

	for (size_t i = 0; i < cfg->ndevices; i++) {
		const struct vx_device_cfg *d = &cfg->devices[i];

		for (size_t c = 0; c < d->ncollectors; c++) {
			const struct vx_strlist		*src, *hosts;
			const struct vx_cfg_node	*at;
			char				 key[VX_SYSLOG_HOST_MAX + 3];

			if (d->collectors[c].ops != &syslog_ops)
				continue;
			at = collector_node(devices, d->name);
			if (!cfg->syslog.enabled) {
				vx_cfg_error(errs, at, "device '%s' has a "
				    "syslog collector, but no syslog listener "
				    "is configured: add a top-level 'syslog:' "
				    "section with 'udp' or 'tcp' addresses",
				    d->name);
				continue;
			}
			syslog_claims(d->collectors[c].state, &src, &hosts);
			for (size_t k = 0; k < src->n; k++) {
				char canon[VX_EVENT_ADDR_MAX];

				if (!vx_syslog_canon_addr(src->v[k], canon))
					continue;
				snprintf(key, sizeof(key), "a:%s", canon);
				claim(errs, &owners, key, "source address",
				    d->name, at);
			}
			for (size_t k = 0; k < hosts->n; k++) {
				size_t n = strlen(hosts->v[k]);

				snprintf(key, sizeof(key), "h:%s", hosts->v[k]);
				for (size_t j = 2; j < n + 2 && key[j]; j++) {
					if (key[j] >= 'A' && key[j] <= 'Z')
						key[j] = (char)(key[j] + 32);
				}
				claim(errs, &owners, key, "host name", d->name,
				    at);
			}
		}
	}
	(void)section;
	vx_strmap_release(&owners);
}

void
vx_config_syslog_load(struct vx_cfg_errors *errs,
    const struct vx_cfg_doc *doc, const struct vx_cfg_node *node,
    const struct vx_cfg_node *devices, struct vx_config *cfg)
{
	struct vx_syslog_cfg	*c = &cfg->syslog;
	struct vx_strbuf	 fp;

	c->s.max_message_size = VX_SYSLOG_DEFAULT_MAX_MESSAGE;
	c->s.max_connections = VX_SYSLOG_DEFAULT_MAX_CONNS;
	c->s.idle_timeout_ms = VX_SYSLOG_DEFAULT_IDLE_MS;
	c->s.receive_buffer = VX_SYSLOG_DEFAULT_RCVBUF;
	if (node != NULL) {
		size_t before = errs->n;

		c->enabled = true;
		vx_cfg_apply(errs, doc, syslog_section_keys, node, &c->s,
		    "syslog", NULL);
		for (size_t i = 0; i < c->s.udp.n + c->s.tcp.n; i++) {
			const char *a = i < c->s.udp.n ? c->s.udp.v[i] :
			    c->s.tcp.v[i - c->s.udp.n];

			if (!vx_syslog_listen_addr_valid(a))
				vx_cfg_error(errs, vx_cfg_map_get(node,
				    i < c->s.udp.n ? "udp" : "tcp"), "syslog: "
				    "invalid listen address '%s' (use "
				    "host:port, [ipv6]:port or :port)", a);
		}
		if (errs->n == before && c->s.udp.n + c->s.tcp.n == 0)
			vx_cfg_error(errs, node, "syslog: give at least one "
			    "'udp' or 'tcp' address to listen on, e.g. "
			    "'udp: [\":5514\"]'");
	}
	check_devices(errs, devices, cfg, node);
	vx_strbuf_init(&fp, 128);
	vx_strbuf_addf(&fp, "%d/%lld/%lld/%lld/%lld", c->enabled,
	    (long long)c->s.max_message_size, (long long)c->s.max_connections,
	    (long long)c->s.idle_timeout_ms, (long long)c->s.receive_buffer);
	for (size_t i = 0; i < c->s.udp.n; i++)
		vx_strbuf_addf(&fp, " udp:%s", c->s.udp.v[i]);
	for (size_t i = 0; i < c->s.tcp.n; i++)
		vx_strbuf_addf(&fp, " tcp:%s", c->s.tcp.v[i]);
	c->fingerprint = vx_strbuf_detach(&fp, NULL);
}
