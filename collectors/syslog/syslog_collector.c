/*
 * The "syslog" collector: attributes a device's syslog messages to it
 * (by the addresses it sends from, or the host name it writes) and has
 * its vendor's parser count the events in the device's store.  Nothing
 * is asked of the device: collect() only copies what was counted.
 */
#include "syslog_collector.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "syslog_listener.h"

#include "banned.h"

struct syslog_cfg {
	struct vx_strlist	sources;
	struct vx_strlist	hostnames;
	int64_t			max_peers;
	int64_t			expire_after_ms;
};

struct syslog_state {
	struct syslog_cfg		 cfg;
	vx_syslog_parse_fn		 parse;
	struct vx_syslog_listener	*listener;
	struct vx_syslog_route		*route;
	struct vx_event_store		*store;
	enum vx_errcode			 start_code;
	char				 start_err[VX_ERR_MSG_MAX];
};

#define F(m)	offsetof(struct syslog_cfg, m)
static const struct vx_cfg_key syslog_keys[] = {
	{ "sources", VX_CFG_T_STRLIST, F(sources), false, 0, 0, NULL },
	{ "hostnames", VX_CFG_T_STRLIST, F(hostnames), false, 0, 0, NULL },
	{ "max_peers", VX_CFG_T_INT, F(max_peers), false, 1, 1000000, NULL },
	{ "expire_after", VX_CFG_T_DURATION, F(expire_after_ms), false, 60000,
	    INT64_C(31536000000), NULL },
	{ NULL, 0, 0, false, 0, 0, NULL },
};
#undef F

/* Indexes into syslog_keys, for the "seen" bits of vx_cfg_apply. */
enum { K_SOURCES = 0, K_HOSTNAMES = 1 };

static void
syslog_stop(void *arg)
{
	struct syslog_state *st = arg;

	if (st->route != NULL)
		vx_syslog_route_remove(st->listener, st->route);
	st->route = NULL;
	vx_event_store_unref(st->store);
	st->store = NULL;
	st->listener = NULL;
}

static void
syslog_free(void *arg)
{
	struct syslog_state *st = arg;

	if (st == NULL)
		return;
	syslog_stop(st);
	vx_cfg_free_fields(syslog_keys, &st->cfg);
	free(st);
}

static bool
host_name_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > VX_SYSLOG_HOST_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '.' || c == '-' ||
		    c == '_' || c == ':'))
			return false;
	}
	return true;
}

/* Every source an IP literal, every host name a host name. */
static size_t
check_options(struct vx_cfg_errors *errs, const struct vx_cfg_node *opts,
    struct syslog_state *st, const char *where)
{
	const struct vx_cfg_node	*src = vx_cfg_map_get(opts, "sources");
	const struct vx_cfg_node	*hn = vx_cfg_map_get(opts, "hostnames");
	char				 canon[VX_EVENT_ADDR_MAX];
	size_t				 nerr = 0;

	for (size_t i = 0; i < st->cfg.sources.n; i++) {
		if (vx_syslog_canon_addr(st->cfg.sources.v[i], canon))
			continue;
		vx_cfg_error(errs, src != NULL && src->kind == VX_CFG_SEQ &&
		    i < src->n ? src->items[i] : src, "%s: source '%s' is "
		    "not an IP address (the address the device sends its "
		    "syslog from)", where, st->cfg.sources.v[i]);
		nerr++;
	}
	for (size_t i = 0; i < st->cfg.hostnames.n; i++) {
		if (host_name_ok(st->cfg.hostnames.v[i]))
			continue;
		vx_cfg_error(errs, hn != NULL && hn->kind == VX_CFG_SEQ &&
		    i < hn->n ? hn->items[i] : hn, "%s: '%s' is not a host "
		    "name", where, st->cfg.hostnames.v[i]);
		nerr++;
	}
	return nerr;
}

static int
syslog_configure(struct vx_cfg_errors *errs, const struct vx_cfg_doc *doc,
    const struct vx_cfg_node *key, const struct vx_cfg_node *opts,
    const struct vx_target *target, void **state)
{
	const struct vx_syslog_parser	*p = vx_syslog_parser_find(
					    target->vendor);
	struct syslog_state		*st;
	char				 where[300], canon[VX_EVENT_ADDR_MAX];
	uint64_t			 seen = 0;
	size_t				 nerr = 0;

	snprintf(where, sizeof(where), "syslog of device '%s'",
	    target->device);
	if (p == NULL) {
		char known[256];
		size_t n = 0;

		known[0] = '\0';
		for (size_t i = 0; vx_syslog_parsers[i].vendor != NULL; i++)
			n += (size_t)snprintf(known + n, n < sizeof(known) ?
			    sizeof(known) - n : 0, "%s%s", i ? ", " : "",
			    vx_syslog_parsers[i].vendor);
		vx_cfg_error(errs, key, "%s: no syslog parser for vendor '%s' "
		    "(there is one for %s)", where, target->vendor, known);
		return -1;
	}
	st = calloc(1, sizeof(*st));
	if (st == NULL)
		return -1;
	st->parse = p->parse;
	st->cfg.max_peers = VX_EVENT_DEFAULT_MAX_PEERS;
	st->cfg.expire_after_ms = VX_EVENT_DEFAULT_EXPIRE_MS;
	if (opts != NULL) {
		nerr = vx_cfg_apply(errs, doc, syslog_keys, opts, &st->cfg,
		    where, &seen);
		nerr += check_options(errs, opts, st, where);
	}
	/* By default the device sends from its configured address. */
	if (nerr == 0 && !(seen & (UINT64_C(1) << K_SOURCES)) &&
	    vx_syslog_canon_addr(target->address, canon)) {
		st->cfg.sources.v = calloc(2, sizeof(char *));
		if (st->cfg.sources.v == NULL ||
		    (st->cfg.sources.v[0] = strdup(target->address)) == NULL) {
			syslog_free(st);
			return -1;
		}
		st->cfg.sources.n = 1;
	}
	if (nerr == 0 && st->cfg.sources.n == 0 && st->cfg.hostnames.n == 0) {
		if (seen & (UINT64_C(1) << K_SOURCES))
			vx_cfg_error(errs, opts, "%s: nothing tells its "
			    "messages apart: 'sources' is empty and there are "
			    "no 'hostnames'", where);
		else
			vx_cfg_error(errs, opts != NULL ? opts : key, "%s: "
			    "nothing tells its messages apart: its address "
			    "'%s' is not an IP address; list 'sources' (the "
			    "addresses it sends from) or 'hostnames' (the host "
			    "name in its messages)", where, target->address);
		nerr++;
	}
	if (nerr > 0) {
		syslog_free(st);
		return -1;
	}
	*state = st;
	return 0;
}

static int
syslog_start(void *arg, const struct vx_target *target,
    const struct vx_push *push, struct vx_err *err)
{
	struct syslog_state *st = arg;

	syslog_stop(st);
	st->start_code = VX_E_OK;
	if (push->syslog == NULL || push->store == NULL) {
		st->start_code = VX_E_CONFIG;
		snprintf(st->start_err, sizeof(st->start_err), "no syslog "
		    "listener is configured (top-level 'syslog:')");
		return vx_err_set(err, st->start_code, "%s", st->start_err);
	}
	vx_event_store_set_limits(push->store, (size_t)st->cfg.max_peers,
	    st->cfg.expire_after_ms);
	st->route = vx_syslog_route_add(push->syslog, target->device,
	    (const char *const *)st->cfg.sources.v, st->cfg.sources.n,
	    (const char *const *)st->cfg.hostnames.v, st->cfg.hostnames.n,
	    st->parse, push->store);
	if (st->route == NULL) {
		st->start_code = VX_E_NOMEM;
		snprintf(st->start_err, sizeof(st->start_err), "out of memory "
		    "adding the device to the syslog listener");
		return vx_err_set(err, st->start_code, "%s", st->start_err);
	}
	st->listener = push->syslog;
	st->store = push->store;
	vx_event_store_ref(st->store);
	return 0;
}

static int
syslog_collect(void *arg, const struct vx_target *target,
    struct vx_deadline deadline, struct vx_snapshot *snap, struct vx_err *err)
{
	struct syslog_state *st = arg;

	(void)target;
	(void)deadline;
	if (st->route == NULL)
		return vx_err_set(err, st->start_code != VX_E_OK ?
		    st->start_code : VX_E_INTERNAL, "not receiving syslog: %s",
		    st->start_code != VX_E_OK ? st->start_err : "not started");
	if (!vx_syslog_listener_running(st->listener))
		return vx_err_set(err, VX_E_CONNECT, "the syslog listener is "
		    "not running");
	if (vx_event_store_fill(st->store, snap, vx_now_wall_ms()) != 0)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	return 0;
}

/* Events are no field of the device's: they have no other source. */
static void
syslog_fields(const void *state, struct vx_fields *out)
{
	(void)state;
	memset(out, 0, sizeof(*out));
}

/* Nothing to reset: no session with the device. */
static void
syslog_reset(void *state)
{
	(void)state;
}

void
syslog_claims(const void *state, const struct vx_strlist **sources,
    const struct vx_strlist **hostnames)
{
	const struct syslog_state *st = state;

	*sources = &st->cfg.sources;
	*hostnames = &st->cfg.hostnames;
}

const struct vx_collector_ops syslog_ops = {
	.name = "syslog",
	.vendor = NULL,
	.transport = VX_TRANSPORT_SYSLOG,
	.priority = VX_PRIO_FALLBACK,
	.configure = syslog_configure,
	.collect = syslog_collect,
	.fields = syslog_fields,
	.reset = syslog_reset,
	.free = syslog_free,
	.start = syslog_start,
	.stop = syslog_stop,
};
