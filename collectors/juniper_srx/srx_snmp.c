/*
 * The juniper_srx_snmp collector: walks the columns of
 * JUNIPER-IPSEC-FLOW-MON-MIB and the tunnel state of
 * JUNIPER-JS-IPSEC-VPN-MIB that the model needs, several per GETBULK,
 * over the shared SNMP transport, and hands the varbinds to the pure
 * mapping (srx_snmp_map.c).  Neither MIB has an invalid-SPI counter:
 * that one comes from juniper_srx_netconf or juniper_srx_rest.
 */
#include "srx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snmp_collect.h"

#include "banned.h"

#define NAME		"juniper_srx_snmp"
#define FLOW_MIB	1, 3, 6, 1, 4, 1, 2636, 3, 52, 1
#define JS_VPN_MIB	1, 3, 6, 1, 4, 1, 2636, 3, 39, 1, 5, 1

/* One table: its entry OID and the columns walked. */
struct table {
	uint32_t	entry[16];
	size_t		elen;
	uint32_t	cols[16];
	size_t		ncols;
};

static const struct table tables[] = {
	/* jnxIpSecTunnelMonTable: local gateway, counters, VPN name. */
	{ { FLOW_MIB, 2, 2, 1 }, 13,
	  { 5, 10, 11, 12, 13, 18, 20, 21, 22, 23, 26, 27 }, 12 },
	/* jnxIpSecSaMonTable: SPIs, mode, lifetime, active time, state. */
	{ { FLOW_MIB, 2, 3, 1 }, 13, { 3, 4, 6, 8, 9, 14 }, 6 },
	/* jnxIkeTunnelMonTable. */
	{ { FLOW_MIB, 1, 2, 1 }, 13, { 4, 6, 9, 15, 20, 21 }, 6 },
	/* jnxJsIpSecTunnelTable: jnxJsIpSecTunState. */
	{ { JS_VPN_MIB, 2, 1, 1 }, 15, { 4 }, 1 },
};

#define NTABLES	(sizeof(tables) / sizeof(tables[0]))

/* The scalars and every table's columns, walked concurrently. */
static int
poll_device(struct vx_snmp_dev *st, struct vx_snmp *sess, void *m,
    struct vx_deadline deadline, struct vx_err *err)
{
	static const uint32_t counts[][13] = {
		{ FLOW_MIB, 1, 1, 0 },		/* jnxIkeNumOfTunnels */
		{ FLOW_MIB, 2, 1, 0 },		/* jnxIpSecNumOfTunnels */
	};
	struct vx_oid		scalars[2], cols[NTABLES][16];
	struct vx_snmp_walk	walks[NTABLES];

	for (size_t i = 0; i < 2; i++) {
		memcpy(scalars[i].sub, counts[i], sizeof(counts[i]));
		scalars[i].len = 13;
	}
	for (size_t t = 0; t < NTABLES; t++) {
		vx_oid_columns(cols[t], tables[t].entry, tables[t].elen,
		    tables[t].cols, tables[t].ncols);
		walks[t] = (struct vx_snmp_walk){ cols[t], tables[t].ncols,
		    false, 0, 0 };
	}
	return vx_snmp_run(sess, scalars, 2, walks, NTABLES,
	    (int)st->opts.max_repetitions, srx_snmp_map_add, m, deadline,
	    err);
}

static const struct vx_snmp_poller poller = {
	poll_device, &srx_snmp_mapper,
};

static int
srx_snmp_configure(struct vx_cfg_errors *errs, const struct vx_cfg_doc *doc,
    const struct vx_cfg_node *key, const struct vx_cfg_node *opts,
    const struct vx_target *target, void **state)
{
	return vx_snmp_dev_configure(errs, doc, key, opts, NAME, &poller,
	    target, (struct vx_snmp_dev **)state);
}

/* The per-tunnel counters (only SNMP has them) and the tunnel counts. */
static void
srx_snmp_fields(const void *state, struct vx_fields *out)
{
	static const enum vx_tun_ctr tun[] = {
		VX_TC_PKTS_IN, VX_TC_PKTS_OUT, VX_TC_BYTES_IN, VX_TC_BYTES_OUT,
		VX_TC_ERR_REPLAY, VX_TC_ERR_AUTH, VX_TC_ERR_DECRYPT,
		VX_TC_ERR_BAD_HEADER, VX_TC_ERR_BAD_TRAILER, VX_TC_ERR_DROP_IN,
	};

	(void)state;
	memset(out, 0, sizeof(*out));
	out->dev[VX_DV_IKE_ACTIVE_TUNNELS] = VX_PRIO_NORMAL;
	out->dev[VX_DV_IPSEC_ACTIVE_TUNNELS] = VX_PRIO_NORMAL;
	for (size_t i = 0; i < sizeof(tun) / sizeof(tun[0]); i++)
		out->tun[tun[i]] = VX_PRIO_NORMAL;
}

const struct vx_collector_ops srx_snmp_ops = {
	.name = NAME,
	.vendor = "juniper_srx",
	.transport = VX_TRANSPORT_SNMP,
	.priority = VX_PRIO_NORMAL,
	.configure = srx_snmp_configure,
	.collect = vx_snmp_dev_collect,
	.fields = srx_snmp_fields,
	.fds_kept = 0,
	.fds_polling = 1,	/* the poll's UDP socket */
	.reset = vx_snmp_dev_reset,
	.free = vx_snmp_dev_free,
};
