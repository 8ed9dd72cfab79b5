/*
 * The cisco_asa_snmp collector: walks CISCO-IPSEC-FLOW-MONITOR-MIB and
 * CISCO-REMOTE-ACCESS-MONITOR-MIB and hands the varbinds to the pure
 * mapping in asa_snmp_map.c.  Only the columns the model needs are walked,
 * several per GETBULK, which is what makes a poll cheap on a real ASA where
 * each request costs milliseconds.
 */
#include "asa.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "snmp_collect.h"

#define IPSEC_MIB	1, 3, 6, 1, 4, 1, 9, 9, 171, 1
#define RAS_ACT		1, 3, 6, 1, 4, 1, 9, 9, 392, 1, 3

#define LEN(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * Two rounds of concurrent requests.  First the scalars, the tunnel
 * table and the IKE table; then the tables indexed by tunnel row: the
 * SPI table (two to four rows per tunnel row, the longest walk) and, for
 * agents without Counter64, the 32-bit octet columns, each split into
 * ranges of tunnel rows that are walked at the same time.
 */
static int
poll_device(struct vx_snmp_dev *st, struct vx_snmp *sess, void *arg,
    struct vx_deadline deadline, struct vx_err *err)
{
	static const uint32_t cike_entry[] = { IPSEC_MIB, 2, 3, 1 };
	static const uint32_t tun_entry[] = { IPSEC_MIB, 3, 2, 1 };
	static const uint32_t spi_entry[] = { IPSEC_MIB, 3, 4, 1 };
	static const uint32_t cike_cols[] = { 4, 7, 8, 15, 16 };
	static const uint32_t tun_cols[] = {
		4, 5, 8, 9, 10, 27, 32, 33, 34, 36, 38, 40, 45, 46, 48, 50,
	};
	static const uint32_t tun_cols32[] = { 26, 28, 39, 41 };
	static const uint32_t spi_cols[] = { 2, 3, 4, 5 };
	/*
	 * cikeGlobalActiveTunnels, cipSecGlobalActiveTunnels,
	 * cipSecGlobalNoSaFails, crasL2LNumSessions, crasL2LCumulateSessions.
	 */
	static const uint32_t scalar_oids[][15] = {
		{ IPSEC_MIB, 2, 1, 1, 0 },
		{ IPSEC_MIB, 3, 1, 1, 0 },
		{ IPSEC_MIB, 3, 1, 29, 0 },
		{ RAS_ACT, 29, 0 },
		{ RAS_ACT, 30, 0 },
	};
	static const size_t scalar_len[] = { 14, 14, 14, 13, 13 };
	struct asa_snmp_map	*m = arg;
	struct vx_oid		scalars[5], tun[LEN(tun_cols)];
	struct vx_oid		cike[LEN(cike_cols)], spi[LEN(spi_cols)];
	struct vx_oid		tun32[LEN(tun_cols32)];
	struct vx_snmp_walk	walks[2 * ASA_SNMP_RANGES_MAX];
	uint32_t		bounds[ASA_SNMP_RANGES_MAX];
	int			reps = (int)st->opts.max_repetitions, rc;
	size_t			nw = 0, nb;

	for (size_t i = 0; i < LEN(scalars); i++) {
		memcpy(scalars[i].sub, scalar_oids[i],
		    scalar_len[i] * sizeof(uint32_t));
		scalars[i].len = scalar_len[i];
	}
	vx_oid_columns(tun, tun_entry, LEN(tun_entry), tun_cols,
	    LEN(tun_cols));
	vx_oid_columns(cike, cike_entry, LEN(cike_entry), cike_cols,
	    LEN(cike_cols));
	vx_oid_columns(spi, spi_entry, LEN(spi_entry), spi_cols,
	    LEN(spi_cols));
	vx_oid_columns(tun32, tun_entry, LEN(tun_entry), tun_cols32,
	    LEN(tun_cols32));
	walks[nw++] = (struct vx_snmp_walk){ tun, LEN(tun), false, 0, 0 };
	walks[nw++] = (struct vx_snmp_walk){ cike, LEN(cike), false, 0, 0 };
	rc = vx_snmp_run(sess, scalars, LEN(scalars), walks, nw, reps,
	    asa_snmp_map_add, m, deadline, err);
	if (rc != 0)
		return rc;

	/*
	 * As many ranges as requests may be in flight, but no range smaller
	 * than one request's worth of tunnel rows: a small table is walked
	 * whole.
	 */
	nb = asa_snmp_map_tunnel_bounds(m, asa_snmp_map_tunnel_rows(m) /
	    (size_t)reps < (size_t)st->opts.max_in_flight ?
	    asa_snmp_map_tunnel_rows(m) / (size_t)reps :
	    (size_t)st->opts.max_in_flight, bounds, LEN(bounds));
	nw = 0;
	for (size_t r = 0; r <= nb; r++) {
		uint32_t lo = r == 0 ? 0 : bounds[r - 1];
		uint32_t hi = r == nb ? 0 : bounds[r];

		walks[nw++] = (struct vx_snmp_walk){ spi, LEN(spi), nb > 0, lo,
		    hi };
		/* Counter64 columns need v2c or v3; else 32-bit + wraps. */
		if (!asa_snmp_map_has_hc(m) &&
		    asa_snmp_map_tunnel_rows(m) > 0)
			walks[nw++] = (struct vx_snmp_walk){ tun32,
			    LEN(tun32), nb > 0, lo, hi };
	}
	return vx_snmp_run(sess, NULL, 0, walks, nw, reps, asa_snmp_map_add,
	    m, deadline, err);
}

static const struct vx_snmp_poller poller = {
	poll_device, &asa_snmp_mapper,
};

static int
asa_snmp_configure(struct vx_cfg_errors *errs, const struct vx_cfg_doc *doc,
    const struct vx_cfg_node *key, const struct vx_cfg_node *opts,
    const struct vx_target *target, void **state)
{
	return vx_snmp_dev_configure(errs, doc, key, opts, "cisco_asa_snmp",
	    &poller, target, (struct vx_snmp_dev **)state);
}

/*
 * Everything the MIBs have, at normal authority; the invalid-SPI value
 * (cipSecGlobalNoSaFails) only as a fallback, since the CLI's
 * np-sp-invalid-spi is the real count.
 */
static void
asa_snmp_fields(const void *state, struct vx_fields *out)
{
	static const enum vx_tun_ctr tun[] = {
		VX_TC_PKTS_IN, VX_TC_PKTS_OUT, VX_TC_BYTES_IN, VX_TC_BYTES_OUT,
		VX_TC_ERR_DECRYPT, VX_TC_ERR_ENCRYPT, VX_TC_ERR_AUTH,
		VX_TC_ERR_AUTH_OUT, VX_TC_ERR_REPLAY, VX_TC_ERR_DROP_IN,
		VX_TC_ERR_DROP_OUT,
	};

	(void)state;
	memset(out, 0, sizeof(*out));
	out->dev[VX_DV_INVALID_SPI] = VX_PRIO_FALLBACK;
	out->dev[VX_DV_NO_SA_FAILS] = VX_PRIO_NORMAL;
	out->dev[VX_DV_IKE_ACTIVE_TUNNELS] = VX_PRIO_NORMAL;
	out->dev[VX_DV_IPSEC_ACTIVE_TUNNELS] = VX_PRIO_NORMAL;
	out->dev[VX_DV_L2L_SESSIONS] = VX_PRIO_NORMAL;
	out->dev[VX_DV_L2L_SESSIONS_TOTAL] = VX_PRIO_NORMAL;
	for (size_t i = 0; i < sizeof(tun) / sizeof(tun[0]); i++)
		out->tun[tun[i]] = VX_PRIO_NORMAL;
}

const struct vx_collector_ops asa_snmp_ops = {
	.name = "cisco_asa_snmp",
	.vendor = "cisco_asa",
	.transport = VX_TRANSPORT_SNMP,
	.priority = VX_PRIO_NORMAL,
	.fds_kept = 0,
	.fds_polling = 1,	/* the poll's UDP socket */
	.configure = asa_snmp_configure,
	.collect = vx_snmp_dev_collect,
	.fields = asa_snmp_fields,
	.reset = vx_snmp_dev_reset,
	.free = vx_snmp_dev_free,
};
