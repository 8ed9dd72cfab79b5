/*
 * The requests of a Junos poll, shared by the NETCONF and REST
 * collectors: the SAs in detail form, and the statistics as text, since
 * the "Invalid SPI:" line exists only on newer releases and its XML tag
 * is not documented.
 */
#include "srx_collect.h"

#include <string.h>

#include "banned.h"

const struct srx_request srx_requests[SRX_REQ__COUNT] = {
	[SRX_REQ_IPSEC_SA] = {
		SRX_CMD_IPSEC_SA " detail",
		"<" SRX_RPC_IPSEC_SA "><detail/></" SRX_RPC_IPSEC_SA ">",
		"/rpc/" SRX_RPC_IPSEC_SA "?detail=",
		srx_parse_ipsec_sa,
	},
	[SRX_REQ_IKE_SA] = {
		SRX_CMD_IKE_SA " detail",
		"<" SRX_RPC_IKE_SA "><detail/></" SRX_RPC_IKE_SA ">",
		"/rpc/" SRX_RPC_IKE_SA "?detail=",
		srx_parse_ike_sa,
	},
	[SRX_REQ_STATS] = {
		SRX_CMD_STATS,
		"<command format=\"text\">" SRX_CMD_STATS "</command>",
		"/rpc/" SRX_RPC_STATS "@format=text",
		srx_parse_stats,
	},
};

int
srx_merge_reply(const struct srx_request *r, const char *text, size_t len,
    const struct vx_target *target, struct vx_snapshot *snap,
    struct vx_err *err)
{
	struct vx_snapshot	*sub = vx_snapshot_new(target->device);
	int			 rc;

	if (sub == NULL)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	rc = r->parse(text != NULL ? text : "", len, sub, err);
	if (rc != 0)
		vx_err_prefix(err, "'%s'", r->what);
	else if (vx_snapshot_merge(snap, sub) != 0)
		rc = vx_err_set(err, VX_E_NOMEM, "out of memory");
	vx_snapshot_unref(sub);
	return rc;
}

/*
 * The invalid-SPI counter (the one source Junos has), and the counters
 * and gauges of the statistics and SA lists.
 */
void
srx_poll_fields(const void *state, struct vx_fields *out)
{
	static const enum vx_dev_val stats[] = {
		VX_DV_INVALID_SPI, VX_DV_PKTS_IN, VX_DV_PKTS_OUT,
		VX_DV_BYTES_IN, VX_DV_BYTES_OUT, VX_DV_ERR_AUTH,
		VX_DV_ERR_DECRYPT, VX_DV_ERR_REPLAY, VX_DV_ERR_BAD_HEADER,
		VX_DV_ERR_BAD_TRAILER,
	};

	(void)state;
	memset(out, 0, sizeof(*out));
	for (size_t i = 0; i < sizeof(stats) / sizeof(stats[0]); i++)
		out->dev[stats[i]] = VX_PRIO_AUTHORITATIVE;
	out->dev[VX_DV_IKE_ACTIVE_TUNNELS] = VX_PRIO_NORMAL;
	out->dev[VX_DV_IPSEC_ACTIVE_TUNNELS] = VX_PRIO_NORMAL;
}
