/*
 * The screenos_ssh collector: runs "get sa" and "get sa stat" over one
 * persistent SSH CLI session (collectors/transport/ssh.c, with the
 * ScreenOS dialect) and hands their output to the pure readers
 * (screenos_parse_*.c) and the model builder (screenos_build.c).
 *
 * "get sa" lists SAs by id and gateway, not by VPN name.  With vpn_names
 * (the default) the collector asks "get sa id N" once for each SA id it
 * has not seen with that gateway and keeps the answer, so that tunnels
 * carry the VPN names an operator knows (and the names SNMP gives, so
 * that both collectors' tunnels merge); ids gone from "get sa" are
 * forgotten.  Without it tunnels are named by the SA id in decimal.
 */
#include "screenos.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memtrim.h"
#include "rows.h"
#include "ssh.h"
#include "ssh_opts.h"

#include "banned.h"

#define NAME		"screenos_ssh"

struct screenos_ssh_cfg {
	struct vx_ssh_opts	 ssh;		/* the login (ssh_opts.h) */
	bool			 sa_stat;
	bool			 vpn_names;
};

/* A VPN name learnt from "get sa id N", for SA id N with that gateway. */
struct name_entry {
	uint32_t id;
	char	gateway[SCREENOS_GW_MAX];
	char	name[SCREENOS_NAME_MAX];
};

struct screenos_ssh_state {
	struct screenos_ssh_cfg	 cfg;
	struct vx_ssh		*ssh;
	struct vx_strbuf	 out;
	struct vx_rows		 names;		/* SA id -> struct name_entry */
};

#define F(m)	offsetof(struct screenos_ssh_cfg, m)
static const struct vx_cfg_key screenos_ssh_keys[] = {
	VX_SSH_OPTS_KEYS(F, ssh),
	{ "sa_stat", VX_CFG_T_BOOL, F(sa_stat), false, 0, 0, NULL },
	{ "vpn_names", VX_CFG_T_BOOL, F(vpn_names), false, 0, 0, NULL },
	{ NULL, 0, 0, false, 0, 0, NULL },
};
#undef F

static void
screenos_ssh_free(void *arg)
{
	struct screenos_ssh_state *st = arg;

	if (st == NULL)
		return;
	vx_ssh_free(st->ssh);
	vx_strbuf_release(&st->out);
	vx_rows_release(&st->names);
	vx_cfg_free_fields(screenos_ssh_keys, &st->cfg);
	vx_ssh_opts_release(&st->cfg.ssh);
	free(st);
}

static int
screenos_ssh_configure(struct vx_cfg_errors *errs,
    const struct vx_cfg_doc *doc, const struct vx_cfg_node *key,
    const struct vx_cfg_node *opts, const struct vx_target *target,
    void **state)
{
	struct screenos_ssh_state	*st;
	char				 where[300];

	snprintf(where, sizeof(where), NAME " of device '%s'", target->device);
	if (!vx_ssh_opts_start(errs, key, opts, where))
		return -1;
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return -1;
	vx_strbuf_init(&st->out, 0);
	st->names = VX_ROWS_INIT(sizeof(struct name_entry));
	vx_ssh_opts_init(&st->cfg.ssh, 22, (int64_t)VX_SSH_MAX_OUTPUT_DEFAULT);
	st->cfg.sa_stat = true;
	st->cfg.vpn_names = true;
	if (vx_ssh_opts_apply(errs, doc, screenos_ssh_keys, opts, &st->cfg,
	    &st->cfg.ssh, where) > 0) {
		screenos_ssh_free(st);
		return -1;
	}
	*state = st;
	return 0;
}

static void
screenos_ssh_reset(void *arg)
{
	struct screenos_ssh_state *st = arg;

	/* A refused command leaves the session at its prompt: keep it. */
	if (!vx_ssh_rejected(st->ssh))
		vx_ssh_close(st->ssh);
}

/* Runs cmd; its output is in st->out.  err names the command. */
static int
run(struct screenos_ssh_state *st, const char *cmd,
    struct vx_deadline deadline, struct vx_err *err)
{
	return vx_ssh_run(st->ssh, cmd, &st->out, deadline, err);
}

static const char *
name_of(void *arg, uint32_t id, const char *gateway)
{
	struct vx_rows		*names = arg;
	struct name_entry	*e = vx_rows_get(names, id, false, NULL);

	(void)gateway;
	return e != NULL && e->name[0] != '\0' ? e->name : NULL;
}

/*
 * The VPN name of every SA id of rows: kept from the last poll when the
 * id still has the same gateway, else asked with "get sa id N".  The
 * table then holds the ids of rows only.  On a failure (a deadline passed
 * half-way through the lookups of a large firewall's first poll) the
 * names learnt so far are kept, so that the next poll goes on from there.
 */
static int
resolve_names(struct screenos_ssh_state *st, const struct screenos_sa_rows *rows,
    struct vx_deadline deadline, struct vx_err *err)
{
	struct vx_rows	fresh = VX_ROWS_INIT(sizeof(struct name_entry));
	int		rc = 0;

	for (size_t i = 0; rc == 0 && i < rows->n; i++) {
		const struct screenos_sa_row	*r = &rows->v[i];
		struct name_entry		*old, *e;
		struct screenos_sa_detail	 d;
		bool				 created;
		char				 cmd[32];

		e = vx_rows_get(&fresh, r->id, true, &created);
		if (e == NULL) {
			rc = vx_err_set(err, VX_E_NOMEM, "out of memory");
			break;
		}
		if (!created)
			continue;
		old = vx_rows_get(&st->names, r->id, false, NULL);
		if (old != NULL && strcmp(old->gateway, r->gateway) == 0) {
			*e = *old;
			continue;
		}
		e->id = r->id;
		snprintf(e->gateway, sizeof(e->gateway), "%s", r->gateway);
		snprintf(cmd, sizeof(cmd), SCREENOS_CMD_SA_ID " %u", r->id);
		rc = run(st, cmd, deadline, err);
		if (rc == 0)
			rc = screenos_read_sa_id(st->out.buf, st->out.len, &d,
			    err);
		if (rc != 0)
			vx_err_prefix(err, "'%s'", cmd);
		else
			snprintf(e->name, sizeof(e->name), "%s", d.name);
	}
	if (rc == 0) {
		vx_rows_release(&st->names);
		st->names = fresh;
		return 0;
	}
	for (size_t i = 0; i < fresh.n; i++) {
		const struct name_entry	*f = (const struct name_entry *)
					    fresh.v + i;
		struct name_entry	*e;

		if (f->name[0] != '\0' && (e = vx_rows_get(&st->names, f->id,
		    true, NULL)) != NULL)
			*e = *f;
	}
	vx_rows_release(&fresh);
	return rc;
}

static int
screenos_ssh_collect(void *arg, const struct vx_target *target,
    struct vx_deadline deadline, struct vx_snapshot *snap, struct vx_err *err)
{
	struct screenos_ssh_state	*st = arg;
	struct screenos_sa_rows		 sa = { 0 };
	struct screenos_stat_rows	 stat = { 0 };
	int				 rc;

	if (st->ssh == NULL) {
		struct vx_ssh_params p = {
			.dialect = &screenos_cli_dialect,
			.max_output = (size_t)st->cfg.ssh.max_output,
		};

		vx_ssh_opts_params(&st->cfg.ssh, target->address, &p.sess);
		if ((st->ssh = vx_ssh_new(&p)) == NULL)
			return vx_err_set(err, VX_E_NOMEM, "out of memory");
	}
	rc = run(st, SCREENOS_CMD_SA, deadline, err);
	if (rc == 0 && (rc = screenos_read_sa(st->out.buf, st->out.len, &sa,
	    err)) != 0)
		vx_err_prefix(err, "'" SCREENOS_CMD_SA "'");
	if (rc == 0 && st->cfg.vpn_names)
		rc = resolve_names(st, &sa, deadline, err);
	if (rc == 0 && st->cfg.sa_stat) {
		rc = run(st, SCREENOS_CMD_SA_STAT, deadline, err);
		if (rc == 0 && (rc = screenos_read_stat(st->out.buf,
		    st->out.len, &stat, err)) != 0)
			vx_err_prefix(err, "'" SCREENOS_CMD_SA_STAT "'");
	}
	if (rc == 0)
		rc = screenos_build(snap, &sa, st->cfg.sa_stat ? &stat : NULL,
		    st->cfg.vpn_names ? name_of : NULL, &st->names, err);
	screenos_sa_rows_release(&sa);
	screenos_stat_rows_release(&stat);
	vx_shrink_buffer(&st->out, 0);
	return rc;
}

/*
 * The CLI is the source of the per-tunnel bytes and errors of "get sa
 * stat" (with sa_stat) and of the count of active SAs.
 */
static void
screenos_ssh_fields(const void *state, struct vx_fields *out)
{
	const struct screenos_ssh_state *st = state;

	memset(out, 0, sizeof(*out));
	out->dev[VX_DV_IPSEC_ACTIVE_TUNNELS] = VX_PRIO_AUTHORITATIVE;
	if (!st->cfg.sa_stat)
		return;
	out->tun[VX_TC_BYTES_IN] = VX_PRIO_AUTHORITATIVE;
	out->tun[VX_TC_BYTES_OUT] = VX_PRIO_AUTHORITATIVE;
	out->tun[VX_TC_ERR_AUTH] = VX_PRIO_AUTHORITATIVE;
	out->tun[VX_TC_ERR_AUTH_OUT] = VX_PRIO_AUTHORITATIVE;
	out->tun[VX_TC_ERR_DROP_IN] = VX_PRIO_AUTHORITATIVE;
	out->tun[VX_TC_ERR_DROP_OUT] = VX_PRIO_AUTHORITATIVE;
}

const struct vx_collector_ops screenos_ssh_ops = {
	.name = NAME,
	.vendor = SCREENOS_VENDOR,
	.transport = VX_TRANSPORT_SSH,
	.priority = VX_PRIO_AUTHORITATIVE,
	/*
	 * One SSH session per device, kept (a login per poll floods the
	 * AAA log); libssh reads known_hosts while connecting.
	 */
	.fds_kept = 1,
	.fds_polling = 1,
	.configure = screenos_ssh_configure,
	.collect = screenos_ssh_collect,
	.fields = screenos_ssh_fields,
	.reset = screenos_ssh_reset,
	.free = screenos_ssh_free,
};
