#ifndef VX_SHUTDOWN_H
#define VX_SHUTDOWN_H

#include <stdint.h>

/* How long an orderly shutdown may take before the process just exits. */
#define VX_SHUTDOWN_GRACE_MS	5000

/*
 * Called when SIGTERM (or SIGINT) arrives: if the orderly shutdown that
 * follows (HTTP, polls in progress, a reload reading the configuration)
 * has not ended the process grace_ms later, a watchdog thread logs it and
 * exits, so that a stuck device or file never keeps the exporter alive.
 */
void	vx_shutdown_watchdog(int64_t grace_ms);

#endif
