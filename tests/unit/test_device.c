/*
 * One device's poll (exporter/device.c): its deadline bounds the whole
 * poll.  A collector that returns data after the deadline (the answers
 * came in time; reading them took too long) fails the poll as a timeout,
 * and none of its data is published.  The collector here is the test's
 * own: it fills a tunnel and then takes its time, as a big device's
 * mapping does.  A poll in two halves (vx_device_poll, vx_device_publish:
 * /probe's) publishes nothing until the second, and a caller that comes
 * in between shares its result rather than polling again.
 */
#include <pthread.h>
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

struct joiner {
	struct vx_device	*d;
	struct vx_snapshot	*got;
	bool			 fresh;
};

static void *
joiner_main(void *arg)
{
	struct joiner *j = arg;

	j->got = vx_device_poll(j->d, vx_deadline_in(10000), &j->fresh);
	return NULL;
}

static void
test_poll_then_publish(void **state)
{
	struct vx_device	*d = new_device();
	struct vx_snapshot	*s, *got;
	struct joiner		 j = { .d = d };
	struct timespec		 wait = { 0, 300 * 1000000L };
	pthread_t		 t;
	bool			 fresh = false;

	(void)state;
	work_ms = 0;
	s = vx_device_poll(d, vx_deadline_in(2000), &fresh);
	assert_true(fresh);
	assert_non_null(s);
	assert_int_equal(s->ntunnels, 1);
	/* Polled, not yet published: nothing served, no history yet. */
	assert_null(vx_device_latest(d, 0));
	assert_int_equal(s->collected_ms, 0);
	assert_true(d->in_flight);
	/* A second caller meanwhile waits for this poll's result. */
	assert_int_equal(pthread_create(&t, NULL, joiner_main, &j), 0);
	nanosleep(&wait, NULL);
	got = vx_device_publish(d, s);
	assert_ptr_equal(got, s);
	pthread_join(t, NULL);
	assert_false(j.fresh);
	assert_ptr_equal(j.got, s);
	assert_false(d->in_flight);
	assert_true(s->collected_ms > 0);
	got = vx_device_latest(d, 0);
	assert_ptr_equal(got, s);
	vx_snapshot_unref(got);
	vx_snapshot_unref(j.got);
	/* The next poll is a poll of its own again. */
	got = vx_device_collect(d, vx_deadline_in(2000));
	assert_non_null(got);
	assert_ptr_not_equal(got, s);
	vx_snapshot_unref(got);
	vx_snapshot_unref(s);
	vx_device_unref(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_time),
		cmocka_unit_test(test_past_deadline),
		cmocka_unit_test(test_poll_then_publish),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
