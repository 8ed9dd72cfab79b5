/*
 * The screenos_snmp collector: walks the nsVpnMonTable columns of
 * NETSCREEN-VPN-MON-MIB that the model needs, all in the same GETBULK
 * requests, over the shared SNMP transport, and hands the varbinds to the
 * pure mapping (screenos_snmp_map.c).
 */
#include "screenos.h"

#include <string.h>

#include "snmp_collect.h"

#include "banned.h"

#define NAME	"screenos_snmp"

/* The nsVpnMonTable columns, all in the same requests. */
static int
poll_device(struct vx_snmp_dev *st, struct vx_snmp *sess, void *m,
    struct vx_deadline deadline, struct vx_err *err)
{
	struct vx_oid cols[24];

	vx_oid_columns(cols, screenos_snmp_entry, screenos_snmp_entry_len,
	    screenos_snmp_cols, screenos_snmp_ncols);
	return vx_snmp_walk_columns(sess, cols, screenos_snmp_ncols,
	    (int)st->opts.max_repetitions, screenos_snmp_map_add, m, deadline,
	    err);
}

static const struct vx_snmp_poller poller = {
	poll_device, &screenos_snmp_mapper,
};

static int
screenos_snmp_configure(struct vx_cfg_errors *errs,
    const struct vx_cfg_doc *doc, const struct vx_cfg_node *key,
    const struct vx_cfg_node *opts, const struct vx_target *target,
    void **state)
{
	return vx_snmp_dev_configure(errs, doc, key, opts, NAME, &poller,
	    target, (struct vx_snmp_dev **)state);
}

/* Per-tunnel bytes and packets (the CLI has no packets), the counts. */
static void
screenos_snmp_fields(const void *state, struct vx_fields *out)
{
	(void)state;
	memset(out, 0, sizeof(*out));
	out->dev[VX_DV_IKE_ACTIVE_TUNNELS] = VX_PRIO_NORMAL;
	out->dev[VX_DV_IPSEC_ACTIVE_TUNNELS] = VX_PRIO_NORMAL;
	out->tun[VX_TC_PKTS_IN] = VX_PRIO_NORMAL;
	out->tun[VX_TC_PKTS_OUT] = VX_PRIO_NORMAL;
	out->tun[VX_TC_BYTES_IN] = VX_PRIO_NORMAL;
	out->tun[VX_TC_BYTES_OUT] = VX_PRIO_NORMAL;
}

const struct vx_collector_ops screenos_snmp_ops = {
	.name = NAME,
	.vendor = SCREENOS_VENDOR,
	.transport = VX_TRANSPORT_SNMP,
	.priority = VX_PRIO_NORMAL,
	.fds_kept = 0,
	.fds_polling = 1,	/* the poll's UDP socket */
	.configure = screenos_snmp_configure,
	.collect = vx_snmp_dev_collect,
	.fields = screenos_snmp_fields,
	.reset = vx_snmp_dev_reset,
	.free = vx_snmp_dev_free,
};
