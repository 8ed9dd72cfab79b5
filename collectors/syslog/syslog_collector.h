#ifndef VX_SYSLOG_COLLECTOR_H
#define VX_SYSLOG_COLLECTOR_H

/*
 * The "syslog" collector: a device's events pushed by syslog, for any
 * vendor with a syslog parser (registry.c).  It listens (start/stop)
 * rather than polls; collect() copies the device's event store into the
 * snapshot.
 */

#include "collector.h"

extern const struct vx_collector_ops syslog_ops;

/*
 * What a configured syslog collector claims: the source addresses (the
 * device's address by default) and host names that attribute a message
 * to its device.  A message must belong to one device only, so the
 * configuration loader refuses a claim two devices make.
 */
void	syslog_claims(const void *state, const struct vx_strlist **sources,
	    const struct vx_strlist **hostnames);

#endif
