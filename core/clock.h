#ifndef VX_CLOCK_H
#define VX_CLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

/* Monotonic milliseconds (CLOCK_MONOTONIC), for deadlines and intervals. */
int64_t	vx_now_mono_ms(void);
/* The same clock in nanoseconds, for waits too short for milliseconds. */
int64_t	vx_now_mono_ns(void);
/* Wall-clock milliseconds since the epoch, for timestamps we export. */
int64_t	vx_now_wall_ms(void);
/*
 * A point in milliseconds of either clock as a timespec, for the
 * absolute timeout of pthread_cond_timedwait (whose condition variable
 * must use the same clock).
 */
struct timespec	vx_ms_timespec(int64_t ms);

/* An absolute point on the monotonic clock by which work must finish. */
struct vx_deadline {
	int64_t	at_ms;
};

struct vx_deadline	vx_deadline_in(int64_t ms);
/* Milliseconds left, never negative. */
int64_t			vx_deadline_left_ms(struct vx_deadline d);
bool			vx_deadline_passed(struct vx_deadline d);
/*
 * Ends every deadline now and from now on (at shutdown): passed is true
 * and left is 0, so work in progress stops at its next check.  Waits that
 * should notice it block for VX_DEADLINE_SLICE_MS at most at a time.
 */
#define VX_DEADLINE_SLICE_MS	200
void			vx_deadline_cancel_all(void);
bool			vx_deadline_cancelled(void);
/* The earlier of two deadlines. */
struct vx_deadline	vx_deadline_min(struct vx_deadline a,
			    struct vx_deadline b);

#endif
