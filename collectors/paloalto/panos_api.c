/*
 * The paloalto_api collector: PAN-OS firewalls over the XML API
 * (https://<fw>/api/), through the HTTPS transport, each reply handed to
 * its pure parser (panos_parse_*.c).
 *
 * A poll sends four op commands, then the per-tunnel details:
 *   show vpn flow        every configured tunnel, its state and monitor
 *   show vpn ipsec-sa    the SAs: SPIs (decimal), remaining lifetimes
 *   show vpn ike-sa      IKE SA state per gateway
 *   show counter global  drops, and the invalid-SPI counter by name
 *   show vpn flow tunnel-id N   counters, for at most max_tunnel_details
 *                        active tunnels (panos_detail.c)
 * one at a time by default (max_concurrent_requests): scraping loads the
 * management plane the administrators use.  Each reply is parsed into a
 * snapshot of its own and merged in that order.
 *
 * Two things are logged here rather than by the core, because they are
 * notices about the configuration, not failures: that TLS verification
 * is off (when configured), and which counters matched the invalid-SPI
 * patterns (when that changes), so that users can pin them.
 */
#include "panos_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

#include "banned.h"

#define NAME	"paloalto_api"

#define F(m)	offsetof(struct panos_cfg, m)
static const struct vx_cfg_key panos_keys[] = {
	VX_HTTPS_OPTS_KEYS(F, https),
	{ "api_key", VX_CFG_T_SECRET, F(api_key), false, 0, 0, NULL },
	{ "username", VX_CFG_T_SECRET, F(username), false, 0, 0, NULL },
	{ "password", VX_CFG_T_SECRET, F(password), false, 0, 0, NULL },
	{ "max_concurrent_requests", VX_CFG_T_INT, F(max_concurrent_requests),
	    false, 1, VX_HTTPS_MAX_PARALLEL, NULL },
	{ "max_tunnel_details", VX_CFG_T_INT, F(max_tunnel_details), false, 0,
	    100000, NULL },
	{ "drop_categories", VX_CFG_T_STRLIST, F(drop_categories), false, 0,
	    0, NULL },
	{ "invalid_spi_counters", VX_CFG_T_STRLIST, F(invalid_spi_counters),
	    false, 0, 0, NULL },
	{ NULL, 0, 0, false, 0, 0, NULL },
};
#undef F

/* Indexes into panos_keys, for the "seen" bits of vx_cfg_apply. */
enum {
	K_API_KEY = VX_HTTPS_OPTS_NKEYS, K_USERNAME, K_PASSWORD,
	K_DROP_CATS = VX_HTTPS_OPTS_NKEYS + 5, K_INVALID_SPI,
};
#define KEY_BIT(k)	(UINT64_C(1) << (k))

/* Defaults; see the README. */
#define DEF_MAX_TUNNEL_DETAILS	50

/* The four commands of every poll, in merge order. */
enum { OP_FLOW, OP_IPSEC_SA, OP_IKE_SA, OP_COUNTERS, OP__COUNT };
static const struct {
	const char	*cmd;
	const char	*xml;
} base_ops[OP__COUNT] = {
	[OP_FLOW] = { PANOS_CMD_FLOW, "<show><vpn><flow></flow></vpn></show>" },
	[OP_IPSEC_SA] = { PANOS_CMD_IPSEC_SA,
	    "<show><vpn><ipsec-sa></ipsec-sa></vpn></show>" },
	[OP_IKE_SA] = { PANOS_CMD_IKE_SA,
	    "<show><vpn><ike-sa></ike-sa></vpn></show>" },
	[OP_COUNTERS] = { PANOS_CMD_COUNTERS,
	    "<show><counter><global></global></counter></show>" },
};

static void
free_strv(char **v)
{
	for (size_t i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

static void
panos_free(void *arg)
{
	struct panos_state *st = arg;

	if (st == NULL)
		return;
	vx_https_free(st->https);
	panos_forget_key(st);
	panos_details_free(st);
	vx_cfg_free_fields(panos_keys, &st->cfg);
	vx_https_opts_release(&st->cfg.https);
	free_strv(st->drop_v);
	free_strv(st->spi_v);
	free(st->matched);
	free(st->device);
	free(st);
}

/* A NULL-terminated copy of l, or of defaults when the key was absent. */
static char **
strv(const struct vx_strlist *l, bool seen, const char *const *defaults)
{
	size_t	  n = 0;
	char	**v;

	if (!seen)
		while (defaults[n] != NULL)
			n++;
	else
		n = l->n;
	v = calloc(n + 1, sizeof(*v));
	if (v == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		v[i] = strdup(seen ? l->v[i] : defaults[i]);
		if (v[i] == NULL) {
			free_strv(v);
			return NULL;
		}
	}
	return v;
}

static bool
has_line_break(const char *s)
{
	return s != NULL && strpbrk(s, "\r\n") != NULL;
}

static size_t
check_options(struct vx_cfg_errors *errs, const struct vx_cfg_doc *doc,
    const struct vx_cfg_node *opts, struct panos_state *st,
    const char *where, uint64_t seen)
{
	struct panos_cfg	*c = &st->cfg;
	bool			 key = c->api_key.value != NULL ||
				    (seen & KEY_BIT(K_API_KEY));
	bool			 user = c->username.value != NULL ||
				    (seen & KEY_BIT(K_USERNAME));
	bool			 pass = c->password.value != NULL ||
				    (seen & KEY_BIT(K_PASSWORD));
	size_t			 nerr = 0;

	if (!key && !(user && pass)) {
		vx_cfg_error(errs, opts, "%s: needs 'api_key' (or api_key_file "
		    "/ api_key_env), or 'username' and 'password' to make a "
		    "key", where);
		nerr++;
	} else if (user != pass) {
		vx_cfg_error(errs, opts, "%s: 'username' and 'password' go "
		    "together", where);
		nerr++;
	}
	if (has_line_break(c->api_key.value) ||
	    has_line_break(c->username.value)) {
		vx_cfg_error(errs, opts, "%s: the API key or the username "
		    "contains a line break", where);
		nerr++;
	}
	nerr += vx_https_opts_check(errs, doc, opts, &c->https, where);
	st->drop_v = strv(&c->drop_categories, seen & KEY_BIT(K_DROP_CATS),
	    panos_default_drop_categories);
	st->spi_v = strv(&c->invalid_spi_counters,
	    seen & KEY_BIT(K_INVALID_SPI), panos_default_invalid_spi);
	if (st->drop_v == NULL || st->spi_v == NULL)
		nerr++;
	return nerr;
}

static int
panos_configure(struct vx_cfg_errors *errs, const struct vx_cfg_doc *doc,
    const struct vx_cfg_node *key, const struct vx_cfg_node *opts,
    const struct vx_target *target, void **state)
{
	struct panos_state	*st;
	char			 where[300];
	uint64_t		 seen = 0;
	size_t			 nerr;

	snprintf(where, sizeof(where), NAME " of device '%s'", target->device);
	if (!vx_https_opts_start(errs, key, opts, where,
	    "api_key_file, or username and password_file"))
		return -1;
	st = calloc(1, sizeof(*st));
	if (st == NULL)
		return -1;
	vx_https_opts_init(&st->cfg.https, 443);
	st->cfg.max_concurrent_requests = 1;
	st->cfg.max_tunnel_details = DEF_MAX_TUNNEL_DETAILS;
	st->device = strdup(target->device);
	nerr = vx_cfg_apply(errs, doc, panos_keys, opts, &st->cfg, where,
	    &seen);
	nerr += check_options(errs, doc, opts, st, where, seen);
	if (nerr > 0 || st->device == NULL) {
		panos_free(st);
		return -1;
	}
	st->copts.drop_categories = (const char *const *)st->drop_v;
	st->copts.invalid_spi = (const char *const *)st->spi_v;
	vx_https_opts_warn(&st->cfg.https, st->device, NAME, "the API key");
	*state = st;
	return 0;
}

static void
panos_reset(void *arg)
{
	struct panos_state *st = arg;

	vx_https_close(st->https);
}

/*
 * Logs the counters that matched the invalid-SPI patterns when the set
 * changes; once a name has matched, the device's counter is reported
 * (0 when the device no longer lists it: PAN-OS may omit counters that
 * are 0, as after "clear counter global").
 */
static void
note_matched(struct panos_state *st, struct vx_snapshot *snap,
    const struct vx_strbuf *names)
{
	const char		*kv[] = { "device", st->device, "collector",
				    NAME, NULL };
	struct vx_strbuf	 list;

	if (names->len == 0) {
		if (st->matched_ever)
			vx_snapshot_set_dev(snap, VX_DV_INVALID_SPI, 0,
			    VX_PRIO_AUTHORITATIVE);
		else if (!st->told_none)
			vx_log_kv(VX_LOG_INFO, kv, "no global counter matches "
			    "invalid_spi_counters; vpn_invalid_spi_packets_total "
			    "is left out until one does");
		st->told_none = true;
		return;
	}
	if (st->matched != NULL && strcmp(st->matched, names->buf) == 0)
		return;
	vx_strbuf_init(&list, names->len + 16);
	for (size_t i = 0; i < names->len; i++) {
		if (names->buf[i] != '\n')
			vx_strbuf_addch(&list, names->buf[i]);
		else if (i + 1 < names->len)
			vx_strbuf_addstr(&list, ", ");
	}
	if (!list.failed)
		vx_log_kv(VX_LOG_INFO, kv, "vpn_invalid_spi_packets_total is "
		    "the sum of the global counters %s (pin them with "
		    "invalid_spi_counters)", list.buf);
	vx_strbuf_release(&list);
	free(st->matched);
	st->matched = strdup(names->buf);
	st->matched_ever = true;
}

/* Parses one base reply into its own snapshot and merges it. */
static int
merge_reply(struct panos_state *st, int which, struct panos_op *op,
    const struct vx_target *target, struct vx_snapshot *snap,
    struct vx_strbuf *matched, struct vx_err *err)
{
	struct vx_snapshot	*sub = vx_snapshot_new(target->device);
	const char		*text = op->req.body.buf;
	size_t			 len = op->req.body.len;
	int			 rc;

	if (sub == NULL)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	if (text == NULL)
		text = "";
	switch (which) {
	case OP_FLOW:
		st->nactive = 0;
		rc = panos_parse_flow_ex(text, len, sub, panos_note_tunnel, st,
		    err);
		break;
	case OP_IPSEC_SA:
		rc = panos_parse_ipsec_sa(text, len, sub, err);
		break;
	case OP_IKE_SA:
		rc = panos_parse_ike_sa(text, len, sub, err);
		break;
	default:
		rc = panos_map_counters(text, len, &st->copts, sub, matched,
		    err);
		break;
	}
	if (rc != 0)
		vx_err_prefix(err, "'%s'", op->cmd);
	else if (vx_snapshot_merge(snap, sub) != 0)
		rc = vx_err_set(err, VX_E_NOMEM, "out of memory");
	/* The active list points into sub's strings: re-point to snap's. */
	for (size_t i = 0; rc == 0 && which == OP_FLOW && i < st->nactive;
	    i++) {
		const struct vx_tunnel *t = vx_snapshot_find_tunnel(snap,
		    st->active[i].name, st->active[i].peer);

		st->active[i].name = t->name;
		st->active[i].peer = t->peer;
	}
	vx_snapshot_unref(sub);
	return rc;
}

static int
panos_collect(void *arg, const struct vx_target *target,
    struct vx_deadline deadline, struct vx_snapshot *snap, struct vx_err *err)
{
	struct panos_state	*st = arg;
	struct panos_op		 ops[OP__COUNT];
	struct vx_strbuf	 matched;
	int64_t			 slowest = 0;
	int			 rc;

	if (st->https == NULL) {
		struct vx_https_params p;

		vx_https_opts_params(&st->cfg.https, target->address, &p);
		p.max_parallel = (unsigned)st->cfg.max_concurrent_requests;
		st->https = vx_https_new(&p);
		if (st->https == NULL)
			return vx_err_set(err, VX_E_NOMEM, "out of memory");
	}
	st->poll++;
	st->nactive = 0;
	vx_strbuf_init(&matched, 0);
	for (int i = 0; i < OP__COUNT; i++)
		panos_op_init(&ops[i], base_ops[i].cmd, base_ops[i].xml);
	rc = panos_run_ops(st, ops, OP__COUNT, 0, deadline, err);
	for (int i = 0; rc == 0 && i < OP__COUNT; i++) {
		if (!ops[i].req.started) {
			rc = vx_err_set(err, VX_E_TIMEOUT, "'%s': the deadline "
			    "passed before it could be sent", ops[i].cmd);
			break;
		}
		if (ops[i].req.ms > slowest)
			slowest = ops[i].req.ms;
		rc = merge_reply(st, i, &ops[i], target, snap, &matched, err);
	}
	panos_ops_release(ops, OP__COUNT);
	if (rc == 0 && matched.failed)
		rc = vx_err_set(err, VX_E_NOMEM, "out of memory");
	if (rc == 0)
		note_matched(st, snap, &matched);
	vx_strbuf_release(&matched);
	/*
	 * A detail request is started only with time for it to finish: twice
	 * the slowest command so far.  The others wait for the next poll.
	 */
	if (rc == 0)
		rc = panos_details(st, snap, 2 * slowest + 20, deadline, err);
	return rc;
}

/*
 * Only what the collector reports: the invalid-SPI counter and the drops
 * from "show counter global" (unless their lists are empty), and the
 * flow detail's counters (unless details are off).
 */
static void
panos_fields(const void *state, struct vx_fields *out)
{
	const struct panos_state *st = state;

	memset(out, 0, sizeof(*out));
	if (st->spi_v != NULL && st->spi_v[0] != NULL)
		out->dev[VX_DV_INVALID_SPI] = VX_PRIO_AUTHORITATIVE;
	if (st->drop_v != NULL && st->drop_v[0] != NULL)
		out->drops = VX_PRIO_AUTHORITATIVE;
	if (st->cfg.max_tunnel_details > 0) {
		static const enum vx_tun_ctr ctrs[] = {
			VX_TC_PKTS_IN, VX_TC_PKTS_OUT, VX_TC_BYTES_IN,
			VX_TC_BYTES_OUT, VX_TC_ERR_DECRYPT, VX_TC_ERR_AUTH,
			VX_TC_ERR_REPLAY,
		};

		for (size_t i = 0; i < sizeof(ctrs) / sizeof(ctrs[0]); i++)
			out->tun[ctrs[i]] = VX_PRIO_AUTHORITATIVE;
	}
}

const struct vx_collector_ops panos_api_ops = {
	.name = NAME,
	.vendor = "paloalto",
	.transport = VX_TRANSPORT_HTTPS,
	.priority = VX_PRIO_AUTHORITATIVE,
	/*
	 * Kept HTTPS connections (libcurl's pool, one per
	 * max_concurrent_requests; one by default); a poll may open a new
	 * one if the firewall closed it.
	 */
	.fds_kept = 1,
	.fds_polling = 1,
	.configure = panos_configure,
	.collect = panos_collect,
	.fields = panos_fields,
	.reset = panos_reset,
	.free = panos_free,
};
