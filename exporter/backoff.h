#ifndef VX_BACKOFF_H
#define VX_BACKOFF_H

/*
 * When a device is polled next.  A device that answers is polled every
 * interval; one that keeps failing (every collector failed) is polled
 * less and less often, from twice the interval up to a cap, with jitter,
 * so a dead device does not cost a worker and a timeout per interval and
 * many failing devices do not retry in step.  First polls are spread over
 * part of the interval, growing with the number of devices.
 */

#include <stddef.h>
#include <stdint.h>

/* The longest wait between polls of a failing device. */
#define VX_BACKOFF_MAX_MS	(10 * 60 * 1000)

/*
 * Milliseconds from the start of a poll to the next one, after failures
 * consecutive failed polls (0: the device answered).  seed varies the
 * jitter (+-10%) per device and poll.
 */
int64_t	vx_backoff_delay_ms(int64_t interval_ms, unsigned failures,
	    uint32_t seed);

/* The window first polls are spread over, for ndevices devices. */
int64_t	vx_first_poll_spread_ms(int64_t interval_ms, size_t ndevices);

#endif
