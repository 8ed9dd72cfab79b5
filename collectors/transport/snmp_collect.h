#ifndef VX_TRANSPORT_SNMP_COLLECT_H
#define VX_TRANSPORT_SNMP_COLLECT_H

/*
 * The collect step every SNMP collector shares, around the requests that
 * are its own: open the poll's session, send the requests with their
 * varbinds going to a new mapping, count them, close the session, and
 * write the mapping into the snapshot.
 */

#include "snmp.h"
#include "snmp_opts.h"
#include "varbind.h"

struct vx_snapshot;
struct vx_target;

/*
 * Sends a poll's requests on sess (d: the device's options), their
 * varbinds going to map.  Returns 0 or a negative vx_errcode.
 */
typedef int (*vx_snmp_poll_fn)(struct vx_snmp_dev *d, struct vx_snmp *sess,
	    void *map, struct vx_deadline deadline, struct vx_err *err);

/* What a collector brings to the shared poll (vx_snmp_dev_configure). */
struct vx_snmp_poller {
	vx_snmp_poll_fn			 poll;
	const struct vx_snmp_mapper	*mapper;
};

/*
 * A collector's collect (vx_collector_ops.collect) for the struct
 * vx_snmp_dev d: opens the session (vx_snmp_dev_open), runs the poller's
 * poll with a new mapping, puts the requests sent into snap->requests,
 * closes the session, then writes the mapping into snap if all went well.
 * Returns 0 or a negative vx_errcode with err filled in.
 */
int	vx_snmp_dev_collect(void *d, const struct vx_target *target,
	    struct vx_deadline deadline, struct vx_snapshot *snap,
	    struct vx_err *err);

#endif
