#ifndef VX_POLLER_H
#define VX_POLLER_H

/*
 * Background polling: one scheduler thread keeps the devices in a heap by
 * due time and hands due ones to a bounded pool of worker threads.  A slow
 * or dead device holds one worker until its deadline and never delays
 * another device's schedule; with N workers, up to N devices are polled
 * at once.  Devices with "background: false" are left to /probe.
 */

#include <stddef.h>

#include "device.h"

struct vx_poller;

/*
 * Starts the scheduler; workers start as background devices need them, up
 * to nworkers.  NULL on failure.
 */
struct vx_poller	*vx_poller_start(size_t nworkers);
/*
 * Replaces the polled set (after a reload).  Takes its own references.
 * Devices seen for the first time are polled soon, spread over a few
 * seconds; kept ones continue their schedule.
 */
void			 vx_poller_set_devices(struct vx_poller *p,
			    struct vx_device *const *devs, size_t n);
/* The most workers the poller starts (0 for NULL: no poller). */
size_t			 vx_poller_workers(const struct vx_poller *p);
/*
 * Stops the threads and frees the poller.  Polls in progress are
 * cancelled (vx_deadline_cancel_all: every deadline of the process ends)
 * and waited for.
 */
void			 vx_poller_stop(struct vx_poller *p);

#endif
