/*
 * One device's poll (exporter/device.c): its deadline bounds the whole
 * poll.  A collector that returns data after the deadline (the answers
 * came in time; reading them took too long) fails the poll as a timeout,
 * and none of its data is published.  The collector here is the test's
 * own: it fills a tunnel and then takes its time, as a big device's
 * mapping does.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "device.h"
#include "test_collector.h"

/* How long the test collector works after filling its snapshot. */
static int64_t	work_ms;

static int
busy_collect(void *state, const struct vx_target *target,
    struct vx_deadline deadline, struct vx_snapshot *snap, struct vx_err *err)
{
	struct vx_tunnel	*t = vx_snapshot_tunnel(snap, NULL,
				    "198.51.100.7");
	struct timespec		 ms = { 0, 1000000 };
	int64_t			 until = vx_now_mono_ms() + work_ms;

	(void)state;
	(void)target;
	(void)deadline;
	(void)err;
	assert_non_null(t);
	assert_int_equal(vx_tunnel_count(snap, t, VX_PART_INDEX(1),
	    VX_TC_PKTS_IN, 42, 0), 0);
	snap->requests = 7;
	while (vx_now_mono_ms() < until)
		nanosleep(&ms, NULL);
	return 0;
}

static const struct vx_collector_ops busy_ops =
    TEST_COLLECTOR_OPS("busy", busy_collect);

static struct vx_device *
new_device(void)
{
	return test_device_new("dev-1", &busy_ops, NULL, 100);
}

static void
test_in_time(void **state)
{
	struct vx_device	*d = new_device();
	struct vx_snapshot	*s;

	(void)state;
	work_ms = 0;
	s = vx_device_collect(d, vx_deadline_in(2000));
	assert_non_null(s);
	assert_true(s->up);
	assert_int_equal(s->ntunnels, 1);
	assert_int_equal(s->nruns, 1);
	assert_int_equal(s->runs[0].code, VX_E_OK);
	assert_int_equal(s->runs[0].requests, 7);
	assert_true(s->runs[0].requests_set);
	vx_snapshot_unref(s);
	vx_device_unref(d);
}

static void
test_past_deadline(void **state)
{
	struct vx_device	*d = new_device();
	struct vx_snapshot	*s;
	char			 msg[512];

	(void)state;
	work_ms = 150;
	s = vx_device_collect(d, vx_deadline_in(50));
	assert_non_null(s);
	assert_false(s->up);
	assert_false(s->complete);
	/* None of what the late collector read is served as current. */
	assert_int_equal(s->ntunnels, 0);
	assert_int_equal(s->runs[0].code, VX_E_TIMEOUT);
	assert_int_equal(s->runs[0].requests, 7);
	assert_int_equal(s->errors_total[VX_E_TIMEOUT], 1);
	vx_device_last_error(d, msg, sizeof(msg));
	if (strstr(msg, "busy: timeout: the poll took") == NULL ||
	    strstr(msg, "past its deadline of") == NULL)
		fail_msg("last error: %s", msg);
	vx_snapshot_unref(s);
	vx_device_unref(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_time),
		cmocka_unit_test(test_past_deadline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
