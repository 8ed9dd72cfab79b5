/*
 * The HTTP server's worker pools (exporter/http_pool.c): FIFO within a
 * flow, flows taking turns, the thread bound, and stopping with jobs
 * still queued.  Real threads; a "gate" job holds the only worker so
 * that the others queue up in a known order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <unistd.h>

#include "http_pool.h"

struct tjob {
	struct vx_pool_job	 job;	/* first */
	int			 id;
	struct run		*run;
};

struct run {
	pthread_mutex_t	 lock;
	pthread_cond_t	 cv;
	bool		 open;		/* the gate */
	bool		 gate_in;	/* the gate job is running */
	int		 order[64];
	int		 n;
	int		 cancelled;
	int		 running, most;	/* concurrent runs */
};

static void
run_init(struct run *r)
{
	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->cv, NULL);
}

static void
run_release(struct run *r)
{
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->cv);
}

/* Records its id; the gate (id 0) waits until opened. */
static void
job_run(struct vx_pool_job *job)
{
	struct tjob	*t = (struct tjob *)(void *)job;
	struct run	*r = t->run;

	pthread_mutex_lock(&r->lock);
	if (++r->running > r->most)
		r->most = r->running;
	if (t->id == 0)
		r->gate_in = true;
	pthread_cond_broadcast(&r->cv);
	while (!r->open)
		pthread_cond_wait(&r->cv, &r->lock);
	r->order[r->n++] = t->id;
	r->running--;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->lock);
}

static void
job_cancel(struct vx_pool_job *job)
{
	struct tjob *t = (struct tjob *)(void *)job;

	pthread_mutex_lock(&t->run->lock);
	t->run->cancelled++;
	pthread_cond_broadcast(&t->run->cv);
	pthread_mutex_unlock(&t->run->lock);
}

static void
submit(struct vx_pool *p, struct tjob *t, struct run *r, int id,
    uint64_t flow)
{
	memset(t, 0, sizeof(*t));
	t->job.run = job_run;
	t->job.cancel = job_cancel;
	t->job.flow = flow;
	t->id = id;
	t->run = r;
	assert_true(vx_pool_submit(p, &t->job));
}

static void
wait_for(struct run *r, bool *flag)
{
	pthread_mutex_lock(&r->lock);
	while (!*flag)
		pthread_cond_wait(&r->cv, &r->lock);
	pthread_mutex_unlock(&r->lock);
}

static void
open_gate(struct run *r, int expect)
{
	pthread_mutex_lock(&r->lock);
	r->open = true;
	pthread_cond_broadcast(&r->cv);
	while (r->n < expect)
		pthread_cond_wait(&r->cv, &r->lock);
	pthread_mutex_unlock(&r->lock);
}

/* One flow: first come, first served. */
static void
test_fifo(void **state)
{
	struct vx_pool	*p = vx_pool_new("test", 1, 0);
	struct tjob	 jobs[10];
	struct run	 r;

	(void)state;
	run_init(&r);
	submit(p, &jobs[0], &r, 0, 0);
	wait_for(&r, &r.gate_in);
	for (int i = 1; i < 10; i++)
		submit(p, &jobs[i], &r, i, 0);
	assert_int_equal(vx_pool_waiting(p), 9);
	open_gate(&r, 10);
	for (int i = 0; i < 10; i++)
		assert_int_equal(r.order[i], i);
	vx_pool_free(p);
	run_release(&r);
}

/*
 * Flows take turns: with 8 jobs of flow 1 queued first, flow 2's job
 * runs second, and flow 3's (after it) third.
 */
static void
test_flows_take_turns(void **state)
{
	static const int want[] = { 0, 1, 20, 30, 2, 31, 3, 4, 5, 6, 7, 8 };
	struct vx_pool	*p = vx_pool_new("test", 1, 0);
	struct tjob	 jobs[12];
	struct run	 r;
	int		 k = 0;

	(void)state;
	run_init(&r);
	submit(p, &jobs[k++], &r, 0, 0);
	wait_for(&r, &r.gate_in);
	for (int i = 1; i <= 8; i++)
		submit(p, &jobs[k++], &r, i, 1);
	submit(p, &jobs[k++], &r, 20, 2);
	submit(p, &jobs[k++], &r, 30, 3);
	submit(p, &jobs[k++], &r, 31, 3);
	open_gate(&r, 12);
	for (int i = 0; i < 12; i++)
		if (r.order[i] != want[i])
			fail_msg("run %d: job %d, want %d", i, r.order[i],
			    want[i]);
	vx_pool_free(p);
	run_release(&r);
}

/* No more threads than the bound, however many jobs wait. */
static void
test_thread_bound(void **state)
{
	struct vx_pool	*p = vx_pool_new("test", 3, 5);
	struct tjob	 jobs[20];
	struct run	 r;

	(void)state;
	run_init(&r);
	for (int i = 0; i < 20; i++)
		submit(p, &jobs[i], &r, i + 1, 0);
	pthread_mutex_lock(&r.lock);
	while (r.running < 3)
		pthread_cond_wait(&r.cv, &r.lock);
	pthread_mutex_unlock(&r.lock);
	usleep(50000);
	open_gate(&r, 20);
	assert_int_equal(r.most, 3);
	vx_pool_free(p);
	run_release(&r);
}

struct stopper {
	struct vx_pool	*p;
};

static void *
stop_main(void *arg)
{
	vx_pool_stop(((struct stopper *)arg)->p);
	return NULL;
}

/*
 * Stopping cancels what is queued, lets the running job finish, and
 * refuses new jobs.
 */
static void
test_stop(void **state)
{
	struct vx_pool	*p = vx_pool_new("test", 1, 0);
	struct tjob	 jobs[4], late;
	struct stopper	 s = { p };
	struct run	 r;
	pthread_t	 tid;

	(void)state;
	run_init(&r);
	submit(p, &jobs[0], &r, 0, 0);
	wait_for(&r, &r.gate_in);
	for (int i = 1; i < 4; i++)
		submit(p, &jobs[i], &r, i, (uint64_t)i);
	assert_int_equal(pthread_create(&tid, NULL, stop_main, &s), 0);
	pthread_mutex_lock(&r.lock);
	while (r.cancelled < 3)
		pthread_cond_wait(&r.cv, &r.lock);
	pthread_mutex_unlock(&r.lock);
	open_gate(&r, 1);
	assert_int_equal(pthread_join(tid, NULL), 0);
	assert_int_equal(r.n, 1);
	assert_int_equal(r.order[0], 0);
	memset(&late, 0, sizeof(late));
	late.job.run = job_run;
	late.job.cancel = job_cancel;
	assert_false(vx_pool_submit(p, &late.job));
	vx_pool_free(p);
	run_release(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fifo),
		cmocka_unit_test(test_flows_take_turns),
		cmocka_unit_test(test_thread_bound),
		cmocka_unit_test(test_stop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
