#ifndef VX_CLOCK_H
#define VX_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

/* Monotonic milliseconds (CLOCK_MONOTONIC), for deadlines and intervals. */
int64_t	vx_now_mono_ms(void);
/* Wall-clock milliseconds since the epoch, for timestamps we export. */
int64_t	vx_now_wall_ms(void);

/* An absolute point on the monotonic clock by which work must finish. */
struct vx_deadline {
	int64_t	at_ms;
};

struct vx_deadline	vx_deadline_in(int64_t ms);
/* Milliseconds left, never negative. */
int64_t			vx_deadline_left_ms(struct vx_deadline d);
bool			vx_deadline_passed(struct vx_deadline d);
/* The earlier of two deadlines. */
struct vx_deadline	vx_deadline_min(struct vx_deadline a,
			    struct vx_deadline b);

#endif
