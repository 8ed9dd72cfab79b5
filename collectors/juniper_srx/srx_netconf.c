/*
 * The juniper_srx_netconf collector: Junos over NETCONF (the "netconf"
 * SSH subsystem, collectors/transport/netconf.c), one kept session per
 * device.  A poll sends three RPCs (srx_collect.c) and hands each reply to
 * its pure parser.
 */
#include "srx_collect.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memtrim.h"
#include "netconf.h"
#include "ssh_opts.h"

#include "banned.h"

#define NAME		"juniper_srx_netconf"

struct srx_nc_cfg {
	struct vx_ssh_opts	 ssh;
};

struct srx_nc_state {
	struct srx_nc_cfg	 cfg;
	struct vx_netconf	*nc;
	struct vx_strbuf	 reply;
};

#define F(m)	offsetof(struct srx_nc_cfg, m)
static const struct vx_cfg_key srx_nc_keys[] = {
	VX_SSH_OPTS_KEYS(F, ssh),
	{ NULL, 0, 0, false, 0, 0, NULL },
};
#undef F

static void
srx_nc_free(void *arg)
{
	struct srx_nc_state *st = arg;

	if (st == NULL)
		return;
	vx_netconf_free(st->nc);
	vx_strbuf_release(&st->reply);
	vx_cfg_free_fields(srx_nc_keys, &st->cfg);
	vx_ssh_opts_release(&st->cfg.ssh);
	free(st);
}

static int
srx_nc_configure(struct vx_cfg_errors *errs, const struct vx_cfg_doc *doc,
    const struct vx_cfg_node *key, const struct vx_cfg_node *opts,
    const struct vx_target *target, void **state)
{
	struct srx_nc_state	*st;
	char			 where[300];

	snprintf(where, sizeof(where), NAME " of device '%s'", target->device);
	if (!vx_ssh_opts_start(errs, key, opts, where))
		return -1;
	st = calloc(1, sizeof(*st));
	if (st == NULL)
		return -1;
	vx_strbuf_init(&st->reply, 0);
	vx_ssh_opts_init(&st->cfg.ssh, 830,
	    (int64_t)VX_NETCONF_MAX_REPLY_DEFAULT);
	if (vx_ssh_opts_apply(errs, doc, srx_nc_keys, opts, &st->cfg,
	    &st->cfg.ssh, where) > 0) {
		srx_nc_free(st);
		return -1;
	}
	*state = st;
	return 0;
}

static void
srx_nc_reset(void *arg)
{
	struct srx_nc_state *st = arg;

	vx_netconf_close(st->nc);
}

static int
srx_nc_collect(void *arg, const struct vx_target *target,
    struct vx_deadline deadline, struct vx_snapshot *snap, struct vx_err *err)
{
	struct srx_nc_state	*st = arg;
	int			 rc = 0;

	if (st->nc == NULL) {
		struct vx_netconf_params p = {
			.max_reply = (size_t)st->cfg.ssh.max_output,
		};

		vx_ssh_opts_params(&st->cfg.ssh, target->address, &p.ssh);
		st->nc = vx_netconf_new(&p);
		if (st->nc == NULL)
			return vx_err_set(err, VX_E_NOMEM, "out of memory");
	}
	for (int i = 0; rc == 0 && i < SRX_REQ__COUNT; i++) {
		const struct srx_request *r = &srx_requests[i];

		rc = vx_netconf_rpc(st->nc, r->netconf, &st->reply, deadline,
		    err);
		if (rc != 0)
			vx_err_prefix(err, "'%s'", r->what);
		else
			rc = srx_merge_reply(r, st->reply.buf, st->reply.len,
			    target, snap, err);
	}
	vx_shrink_buffer(&st->reply, 0);
	return rc;
}

const struct vx_collector_ops srx_netconf_ops = {
	.name = NAME,
	.vendor = "juniper_srx",
	.transport = VX_TRANSPORT_SSH,
	.priority = VX_PRIO_AUTHORITATIVE,
	/*
	 * One SSH session per device, kept; libssh reads known_hosts while
	 * connecting.
	 */
	.fds_kept = 1,
	.fds_polling = 1,
	.configure = srx_nc_configure,
	.collect = srx_nc_collect,
	.fields = srx_poll_fields,
	.reset = srx_nc_reset,
	.free = srx_nc_free,
};
