#ifndef VX_SHUTDOWN_H
#define VX_SHUTDOWN_H

#include <stdint.h>

/* How long an orderly shutdown may take before the process just exits. */
#define VX_SHUTDOWN_GRACE_MS	5000

/*
 * Called when SIGTERM (or SIGINT) arrives.  Polls in progress (background
 * and /probe) are cancelled: every deadline ends now, and SNMP waits
 * notice within VX_DEADLINE_SLICE_MS.  If the orderly shutdown that
 * follows (HTTP, polls, a reload reading the configuration) has not ended
 * the process grace_ms later, a watchdog thread logs it and exits, so
 * that a stuck device or file never keeps the exporter alive.
 */
void	vx_shutdown_begin(int64_t grace_ms);

#endif
