#ifndef VX_SRX_COLLECT_H
#define VX_SRX_COLLECT_H

/*
 * What the NETCONF and REST collectors share: the requests of a poll
 * (the same RPCs over either transport), each reply parsed into a
 * snapshot of its own and merged in order, and the fields they report.
 */

#include "srx.h"

struct srx_request {
	const char	*what;		/* the CLI command, for messages */
	const char	*netconf;	/* the <rpc> content */
	const char	*rest;		/* the REST path */
	vx_parse_fn	 parse;
};

enum { SRX_REQ_IPSEC_SA, SRX_REQ_IKE_SA, SRX_REQ_STATS, SRX_REQ__COUNT };

extern const struct srx_request srx_requests[SRX_REQ__COUNT];

/*
 * Parses one reply with its request's parser into a snapshot of its own
 * and merges it into snap.  Returns 0 or a negative vx_errcode, err
 * naming the command.
 */
int	srx_merge_reply(const struct srx_request *r, const char *text,
	    size_t len, const struct vx_target *target,
	    struct vx_snapshot *snap, struct vx_err *err);

/* The fields a poll of these requests reports (vx_collector_ops.fields). */
void	srx_poll_fields(const void *state, struct vx_fields *out);

#endif
