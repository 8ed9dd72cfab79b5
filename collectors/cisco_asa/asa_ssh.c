/*
 * The cisco_asa_ssh collector: runs the ASA's show commands over one
 * persistent SSH CLI session (collectors/transport/ssh.c) and hands each
 * output to its pure parser (asa_parse_*.c).  It is the only source of
 * the ASA's invalid-SPI drop counter (np-sp-invalid-spi), of per-peer SPIs
 * in both directions and of remaining key lifetimes.
 *
 * Each command's output is parsed into a snapshot of its own and merged
 * into the poll's snapshot in command order; merging keeps what is
 * already there, so a value two commands report (packets from "show
 * crypto ipsec sa" and from the session database) is counted once, from
 * the first.
 */
#include "asa.h"
#include "asa_cli.h"

#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memtrim.h"
#include "ssh.h"
#include "ssh_opts.h"

#include "banned.h"

struct asa_ssh_cfg {
	struct vx_ssh_opts	 ssh;		/* the login (ssh_opts.h) */
	struct vx_secret	 enable_password;
	char			*context;
	bool			 sessiondb;
	bool			 vpn_context;
};

struct asa_ssh_state {
	struct asa_ssh_cfg	 cfg;
	char			*context_cmd;	/* "changeto context NAME" */
	const char		*setup[2];
	struct vx_ssh		*ssh;
	struct vx_strbuf	 out;
};

#define F(m)	offsetof(struct asa_ssh_cfg, m)
static const struct vx_cfg_key asa_ssh_keys[] = {
	VX_SSH_OPTS_KEYS(F, ssh),
	{ "enable_password", VX_CFG_T_SECRET, F(enable_password), false, 0, 0,
	    NULL },
	{ "context", VX_CFG_T_STRING, F(context), false, 0, 0, NULL },
	{ "sessiondb", VX_CFG_T_BOOL, F(sessiondb), false, 0, 0, NULL },
	{ "vpn_context", VX_CFG_T_BOOL, F(vpn_context), false, 0, 0, NULL },
	{ NULL, 0, 0, false, 0, 0, NULL },
};
#undef F

enum asa_cmd_when {
	ASA_ALWAYS,
	ASA_IF_SESSIONDB,
	ASA_IF_VPN_CONTEXT,
};

/*
 * The commands of a poll, in merge order.  When the CLI rejects a
 * command ("% Invalid input detected"), its fallback is tried (releases
 * before 8.4 call IKEv1 "isakmp"); an optional one is skipped (they have
 * no IKEv2 at all).  Any other rejection fails the poll.
 */
static const struct asa_cmd {
	const char		*cmd;
	vx_parse_fn		 parse;
	enum asa_cmd_when	 when;
	const char		*fallback;
	bool			 optional;
} asa_cmds[] = {
	{ ASA_CMD_ASP_DROP, asa_parse_asp_drop, ASA_ALWAYS, NULL, false },
	{ ASA_CMD_IPSEC_SA, asa_parse_ipsec_sa, ASA_ALWAYS, NULL, false },
	{ ASA_CMD_IKEV1_SA, asa_parse_ikev1_sa, ASA_ALWAYS, ASA_CMD_ISAKMP_SA,
	    false },
	{ ASA_CMD_IKEV2_SA, asa_parse_ikev2_sa, ASA_ALWAYS, NULL, true },
	{ ASA_CMD_SESSIONDB, asa_parse_sessiondb_l2l, ASA_IF_SESSIONDB, NULL,
	    false },
	{ ASA_CMD_VPN_CONTEXT, asa_parse_vpn_context, ASA_IF_VPN_CONTEXT,
	    NULL, false },
};

static void
asa_ssh_free(void *arg)
{
	struct asa_ssh_state *st = arg;

	if (st == NULL)
		return;
	vx_ssh_free(st->ssh);
	vx_strbuf_release(&st->out);
	vx_cfg_free_fields(asa_ssh_keys, &st->cfg);
	vx_ssh_opts_release(&st->cfg.ssh);
	free(st->context_cmd);
	free(st);
}

/* A context name we may paste into a command line. */
static bool
context_name_ok(const char *s)
{
	if (s[0] == '\0' || strlen(s) > 64)
		return false;
	for (; *s != '\0'; s++) {
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_' &&
		    *s != '.')
			return false;
	}
	return true;
}

/* The checks of the options beyond the login's (vx_ssh_opts_apply). */
static size_t
check_options(struct vx_cfg_errors *errs, const struct vx_cfg_node *opts,
    struct asa_ssh_state *st, const char *where)
{
	struct asa_ssh_cfg	*c = &st->cfg;
	size_t			 nerr = 0;

	if (vx_has_line_break(c->enable_password.value)) {
		vx_cfg_error(errs, opts, "%s: a password contains a line "
		    "break", where);
		nerr++;
	}
	if (c->context != NULL) {
		if (!context_name_ok(c->context)) {
			vx_cfg_error(errs, vx_cfg_map_get(opts, "context"),
			    "%s: context '%s' is not a context name (letters, "
			    "digits, '-', '_', '.')", where, c->context);
			nerr++;
		} else {
			size_t n = strlen(c->context) + 18;

			st->context_cmd = malloc(n);
			if (st->context_cmd == NULL)
				nerr++;
			else
				snprintf(st->context_cmd, n,
				    "changeto context %s", c->context);
		}
	}
	return nerr;
}

static int
asa_ssh_configure(struct vx_cfg_errors *errs, const struct vx_cfg_doc *doc,
    const struct vx_cfg_node *key, const struct vx_cfg_node *opts,
    const struct vx_target *target, void **state)
{
	struct asa_ssh_state	*st;
	char			 where[300];
	size_t			 nerr, ns = 0;

	snprintf(where, sizeof(where), "cisco_asa_ssh of device '%s'",
	    target->device);
	if (!vx_ssh_opts_start(errs, key, opts, where))
		return -1;
	st = calloc(1, sizeof(*st));
	if (st == NULL)
		return -1;
	vx_strbuf_init(&st->out, 0);
	vx_ssh_opts_init(&st->cfg.ssh, 22, (int64_t)VX_SSH_MAX_OUTPUT_DEFAULT);
	nerr = vx_ssh_opts_apply(errs, doc, asa_ssh_keys, opts, &st->cfg,
	    &st->cfg.ssh, where);
	nerr += check_options(errs, opts, st, where);
	if (nerr > 0) {
		asa_ssh_free(st);
		return -1;
	}
	/*
	 * changeto before the dialect's "terminal pager 0": in multiple
	 * context mode the pager setting that counts is the one of the
	 * session in the context we end up in.
	 */
	if (st->context_cmd != NULL)
		st->setup[ns++] = st->context_cmd;
	st->setup[ns] = NULL;
	*state = st;
	return 0;
}

static void
asa_ssh_reset(void *arg)
{
	struct asa_ssh_state *st = arg;

	/*
	 * A failed poll leaves the session in an unknown state, unless the
	 * CLI merely refused a command: then it sits at its prompt, and a
	 * new login per poll would flood the device's AAA log.
	 */
	if (!vx_ssh_rejected(st->ssh))
		vx_ssh_close(st->ssh);
}

static int
run_command(struct asa_ssh_state *st, const struct asa_cmd *c,
    const struct vx_target *target, struct vx_deadline deadline,
    struct vx_snapshot *snap, struct vx_err *err)
{
	struct vx_snapshot	*sub;
	const char		*cmd = c->cmd;
	int			 rc;

	rc = vx_ssh_run(st->ssh, cmd, &st->out, deadline, err);
	if (rc != 0 && c->fallback != NULL && vx_ssh_rejected(st->ssh)) {
		cmd = c->fallback;
		rc = vx_ssh_run(st->ssh, cmd, &st->out, deadline, err);
	}
	if (rc != 0 && c->optional && vx_ssh_rejected(st->ssh)) {
		vx_err_clear(err);
		return 0;
	}
	if (rc != 0)
		return rc;
	sub = vx_snapshot_new(target->device);
	if (sub == NULL)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	rc = c->parse(st->out.buf, st->out.len, sub, err);
	if (rc != 0)
		vx_err_prefix(err, "'%s'", cmd);
	else if (vx_snapshot_merge(snap, sub) != 0)
		rc = vx_err_set(err, VX_E_NOMEM, "out of memory");
	vx_snapshot_unref(sub);
	return rc;
}

static int
asa_ssh_collect(void *arg, const struct vx_target *target,
    struct vx_deadline deadline, struct vx_snapshot *snap, struct vx_err *err)
{
	struct asa_ssh_state	*st = arg;
	int			 rc = 0;

	if (st->ssh == NULL) {
		struct asa_ssh_cfg	*c = &st->cfg;
		struct vx_ssh_params	 p = {
			.dialect = &asa_cli_dialect,
			.enable_password = c->enable_password.value,
			.setup = st->setup,
			.max_output = (size_t)c->ssh.max_output,
		};

		vx_ssh_opts_params(&c->ssh, target->address, &p.sess);
		st->ssh = vx_ssh_new(&p);
		if (st->ssh == NULL)
			return vx_err_set(err, VX_E_NOMEM, "out of memory");
	}
	for (size_t i = 0; rc == 0 && i < sizeof(asa_cmds) /
	    sizeof(asa_cmds[0]); i++) {
		const struct asa_cmd *c = &asa_cmds[i];

		if ((c->when == ASA_IF_SESSIONDB && !st->cfg.sessiondb) ||
		    (c->when == ASA_IF_VPN_CONTEXT && !st->cfg.vpn_context))
			continue;
		rc = run_command(st, c, target, deadline, snap, err);
	}
	vx_shrink_buffer(&st->out, 0);
	return rc;
}

/*
 * The CLI's counters are the authoritative ones: np-sp-invalid-spi and
 * the drop table; per tunnel the packets and send/receive errors of
 * "show crypto ipsec sa" (its other error lines are "detail" only), the
 * bytes of the session database and the per-SA Bad SPI counts.
 */
static void
asa_ssh_fields(const void *state, struct vx_fields *out)
{
	const struct asa_ssh_state *st = state;

	memset(out, 0, sizeof(*out));
	out->dev[VX_DV_INVALID_SPI] = VX_PRIO_AUTHORITATIVE;
	out->dev[VX_DV_DROPS_CLEARED_TS] = VX_PRIO_AUTHORITATIVE;
	out->drops = VX_PRIO_AUTHORITATIVE;
	out->tun[VX_TC_PKTS_IN] = VX_PRIO_AUTHORITATIVE;
	out->tun[VX_TC_PKTS_OUT] = VX_PRIO_AUTHORITATIVE;
	out->tun[VX_TC_ERR_SEND] = VX_PRIO_AUTHORITATIVE;
	out->tun[VX_TC_ERR_RECV] = VX_PRIO_AUTHORITATIVE;
	if (st->cfg.sessiondb) {
		out->tun[VX_TC_BYTES_IN] = VX_PRIO_AUTHORITATIVE;
		out->tun[VX_TC_BYTES_OUT] = VX_PRIO_AUTHORITATIVE;
	}
	if (st->cfg.vpn_context)
		out->tun[VX_TC_ERR_INVALID_SPI] = VX_PRIO_AUTHORITATIVE;
}

const struct vx_collector_ops asa_ssh_ops = {
	.name = "cisco_asa_ssh",
	.vendor = "cisco_asa",
	.transport = VX_TRANSPORT_SSH,
	.priority = VX_PRIO_AUTHORITATIVE,
	/*
	 * One TCP socket per device, kept: a login per poll floods the
	 * device's AAA log.  While connecting, libssh reads known_hosts.
	 */
	.fds_kept = 1,
	.fds_polling = 1,
	.configure = asa_ssh_configure,
	.collect = asa_ssh_collect,
	.fields = asa_ssh_fields,
	.reset = asa_ssh_reset,
	.free = asa_ssh_free,
};
