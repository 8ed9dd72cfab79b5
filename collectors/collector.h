#ifndef VX_COLLECTOR_H
#define VX_COLLECTOR_H

/*
 * What every collector implements.  A collector reads one device family
 * over one transport and fills a snapshot; it never logs, never knows a
 * metric name, and keeps device sessions in its private state between
 * calls.  The core calls one device's collectors from one thread at a time
 * (collect, reset and free are never concurrent for one state).
 */

#include <stdint.h>

#include "cfg.h"
#include "clock.h"
#include "err.h"
#include "model.h"

enum vx_transport {
	VX_TRANSPORT_SNMP,
	VX_TRANSPORT_SSH,
	VX_TRANSPORT_HTTPS,
	VX_TRANSPORT_SYSLOG,
};

/* The device as configured; valid for the life of the collector state. */
struct vx_target {
	const char		*device;	/* config name, the device label */
	const char		*address;	/* host name or IP address */
	int64_t			 timeout_ms;	/* whole-collection budget */
	int			 retries;	/* per request */
	const struct vx_strlist	*expected_peers;
};

struct vx_collector_ops {
	const char		*name;		/* config key, "cisco_asa_snmp" */
	const char		*vendor;	/* device vendor, "cisco_asa" */
	enum vx_transport	 transport;
	/*
	 * Merge order when a device has several collectors: the snapshot of
	 * the highest priority is merged first, so its values win.
	 */
	enum vx_prio		 priority;
	/*
	 * File descriptors one device's collector holds between polls (a
	 * kept session) and in addition while it polls (a socket opened for
	 * the poll), for the estimate of what a configuration needs against
	 * the process's limit.
	 */
	unsigned		 fds_kept;
	unsigned		 fds_polling;

	/*
	 * Checks this collector's options (opts: the mapping under the
	 * collector's name in the device's "collectors:", or NULL when it has
	 * none; key: that name, the place to blame for the entry as a whole)
	 * and allocates the private state.  Problems are recorded in errs
	 * with their file:line:col (vx_cfg_apply does this).  Returns 0 and
	 * sets *state, or -1.
	 */
	int	(*configure)(struct vx_cfg_errors *errs,
		    const struct vx_cfg_doc *doc, const struct vx_cfg_node *key,
		    const struct vx_cfg_node *opts,
		    const struct vx_target *target, void **state);

	/*
	 * Collects one snapshot from the target before the deadline.  Fills
	 * snap only; a partly filled snap is discarded by the caller on
	 * failure.  Returns 0, or a negative vx_errcode with err filled in
	 * (err->msg names the cause, not the device: the core adds that).
	 */
	int	(*collect)(void *state, const struct vx_target *target,
		    struct vx_deadline deadline, struct vx_snapshot *snap,
		    struct vx_err *err);

	/*
	 * The fields this collector, as configured, can report, and how
	 * authoritative it is for each (0: never; higher wins).  The core
	 * gives every field of a device one source collector, so that a
	 * series never changes its source (see "sources:" in the config).
	 */
	void	(*fields)(const void *state, struct vx_fields *out);

	/* Drops cached sessions; called after a failed collect. */
	void	(*reset)(void *state);

	/* Releases everything configure() allocated; state may be NULL. */
	void	(*free)(void *state);
};

/* A pure parser: device output in, model out (for tests and "parse"). */
typedef int (*vx_parse_fn)(const char *text, size_t len,
	    struct vx_snapshot *snap, struct vx_err *err);

struct vx_parser {
	const char	*vendor;	/* "cisco_asa" */
	const char	*command;	/* "show asp drop", "snmpwalk" */
	vx_parse_fn	 parse;
};

#endif
