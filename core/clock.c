#include "clock.h"

#include <stdatomic.h>
#include <time.h>

static atomic_bool cancelled;

int64_t
vx_now_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t
vx_now_mono_ms(void)
{
	return vx_now_mono_ns() / 1000000;
}

int64_t
vx_now_wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct timespec
vx_ms_timespec(int64_t ms)
{
	struct timespec ts;

	ts.tv_sec = (time_t)(ms / 1000);
	ts.tv_nsec = (long)(ms % 1000) * 1000000L;
	return ts;
}

struct vx_deadline
vx_deadline_in(int64_t ms)
{
	struct vx_deadline d = { vx_now_mono_ms() + (ms > 0 ? ms : 0) };

	return d;
}

int64_t
vx_deadline_left_ms(struct vx_deadline d)
{
	int64_t left = d.at_ms - vx_now_mono_ms();

	return left > 0 && !atomic_load(&cancelled) ? left : 0;
}

bool
vx_deadline_passed(struct vx_deadline d)
{
	return vx_now_mono_ms() >= d.at_ms || atomic_load(&cancelled);
}

void
vx_deadline_cancel_all(void)
{
	atomic_store(&cancelled, true);
}

bool
vx_deadline_cancelled(void)
{
	return atomic_load(&cancelled);
}

struct vx_deadline
vx_deadline_min(struct vx_deadline a, struct vx_deadline b)
{
	return a.at_ms <= b.at_ms ? a : b;
}
