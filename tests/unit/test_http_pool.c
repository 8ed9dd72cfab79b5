/*
 * The HTTP server's worker pools (exporter/http_pool.c): FIFO within a
 * flow, flows taking turns, the thread bound, stopping with jobs still
 * queued (and waiting for the threads' own ends), the threads' names
 * and priorities, and the hook run when a burst's threads have ended.  Real threads; a "gate"
 * job holds the only worker so that the others queue up in a known order.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1	/* SCHED_IDLE, pthread_getname_np */
#endif
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
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

/* Sets *flag under r's lock and wakes wait_for(). */
static void
set_flag(struct run *r, bool *flag)
{
	pthread_mutex_lock(&r->lock);
	*flag = true;
	pthread_cond_broadcast(&r->cv);
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
	struct vx_pool	*p = vx_pool_new("test", 1, VX_POOL_NORMAL);
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
	struct vx_pool	*p = vx_pool_new("test", 1, VX_POOL_NORMAL);
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
	struct vx_pool	*p = vx_pool_new("test", 3, VX_POOL_NICE);
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
	struct vx_pool	*p = vx_pool_new("test", 1, VX_POOL_NORMAL);
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

/* What a job saw of its own thread. */
struct seen {
	struct vx_pool_job	 job;	/* first */
	struct run		*run;
	bool			 done;
	char			 name[16];
	int			 policy;
	int			 nice;
};

static void
see_run(struct vx_pool_job *job)
{
	struct seen *s = (struct seen *)(void *)job;

	pthread_getname_np(pthread_self(), s->name, sizeof(s->name));
	/* The kernel's view (glibc's pthread_getschedparam may cache). */
	s->policy = sched_getscheduler(0);
	errno = 0;
	s->nice = getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid));
	set_flag(s->run, &s->done);
}

static void
see_on(struct vx_pool *p, struct seen *s)
{
	struct run r;

	run_init(&r);
	memset(s, 0, sizeof(*s));
	s->run = &r;
	s->job.run = see_run;
	s->job.cancel = see_run;
	assert_true(vx_pool_submit(p, &s->job));
	wait_for(&r, &s->done);
	s->run = NULL;
	run_release(&r);
}

static void
see(const char *name, enum vx_pool_prio prio, struct seen *s)
{
	struct vx_pool *p = vx_pool_new(name, 1, prio);

	see_on(p, s);
	vx_pool_free(p);
}

/*
 * Threads are named after their pool, not after the thread that started
 * them; NORMAL keeps the process's priority, NICE is 10 nicer (at most
 * 19), IDLE is SCHED_IDLE.
 */
static void
test_names_and_priorities(void **state)
{
	struct seen	s;
	int		base;

	(void)state;
	errno = 0;
	base = getpriority(PRIO_PROCESS, 0);
	assert_int_equal(errno, 0);
	see("render", VX_POOL_NORMAL, &s);
	assert_string_equal(s.name, "vx-render");
	assert_int_equal(s.policy, SCHED_OTHER);
	assert_int_equal(s.nice, base);
	see("auth", VX_POOL_NICE, &s);
	assert_string_equal(s.name, "vx-auth");
	assert_int_equal(s.policy, SCHED_OTHER);
	assert_int_equal(s.nice, base + 10 < 19 ? base + 10 : 19);
	see("probe-with-a-long-name", VX_POOL_IDLE, &s);
	assert_string_equal(s.name, "vx-probe-with-");
	assert_int_equal(s.policy, SCHED_IDLE);
}

/* A job on an idle thread that hands a job to another pool, as /probe
 * hands its answer to the render pool. */
struct handoff {
	struct vx_pool_job	 job;	/* first */
	struct vx_pool		*to;
	struct seen		 seen;
	struct run		 run;
	bool			 finished;
};

static void
handoff_run(struct vx_pool_job *job)
{
	struct handoff *h = (struct handoff *)(void *)job;

	see_on(h->to, &h->seen);
	set_flag(&h->run, &h->finished);
}

static void
handoff_cancel(struct vx_pool_job *job)
{
	(void)job;
	fail_msg("the handoff job was cancelled, not run");
}

/*
 * A NORMAL pool's threads keep the process's priority when its jobs come
 * from SCHED_IDLE threads (a thread started there would inherit it, and
 * could not be raised again).
 */
static void
test_normal_pool_fed_by_idle_threads(void **state)
{
	struct vx_pool	*render = vx_pool_new("render", 2, VX_POOL_NORMAL);
	struct handoff	 h;
	int		 base;

	(void)state;
	errno = 0;
	base = getpriority(PRIO_PROCESS, 0);
	for (int i = 0; i < 3; i++) {
		struct vx_pool *probe = vx_pool_new("probe", 4, VX_POOL_IDLE);

		memset(&h, 0, sizeof(h));
		run_init(&h.run);
		h.to = render;
		h.job.run = handoff_run;
		h.job.cancel = handoff_cancel;
		assert_true(vx_pool_submit(probe, &h.job));
		wait_for(&h.run, &h.finished);
		vx_pool_free(probe);
		assert_string_equal(h.seen.name, "vx-render");
		assert_int_equal(h.seen.policy, SCHED_OTHER);
		assert_int_equal(h.seen.nice, base);
		run_release(&h.run);
	}
	vx_pool_free(render);
}

/* Jobs that record their thread's nice, then wait at the gate. */
struct niced {
	struct vx_pool_job	 job;	/* first */
	struct run		*run;
	int			 nice;
};

static void
niced_run(struct vx_pool_job *job)
{
	struct niced	*n = (struct niced *)(void *)job;
	struct run	*r = n->run;

	n->nice = getpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid));
	pthread_mutex_lock(&r->lock);
	r->running++;
	pthread_cond_broadcast(&r->cv);
	while (!r->open)
		pthread_cond_wait(&r->cv, &r->lock);
	pthread_mutex_unlock(&r->lock);
}

struct submitter {
	struct vx_pool	*p;
	struct niced	*jobs;
	int		 n;
};

static void *
submit_at_nice_15(void *arg)
{
	struct submitter *s = arg;

	setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 15);
	for (int i = 0; i < s->n; i++)
		assert_true(vx_pool_submit(s->p, &s->jobs[i].job));
	return NULL;
}

/*
 * A growing pool's threads are started by its spawner, not by whoever
 * submits (an event loop that must not wait for pthread_create): a
 * submitter at nice 15 starts at most the first thread, whose nice
 * (15 + 10) shows it, while the others have the pool's creator's plus 10.
 */
static void
test_spawner_starts_threads(void **state)
{
	struct vx_pool		*p = vx_pool_new("test", 6, VX_POOL_NICE);
	struct niced		 jobs[6];
	struct submitter	 s = { p, jobs, 6 };
	struct run		 r;
	pthread_t		 tid;
	int			 base, from_spawner = 0;

	(void)state;
	errno = 0;
	base = getpriority(PRIO_PROCESS, 0);
	run_init(&r);
	memset(jobs, 0, sizeof(jobs));
	for (int i = 0; i < 6; i++) {
		jobs[i].run = &r;
		jobs[i].job.run = niced_run;
		jobs[i].job.cancel = niced_run;
	}
	assert_int_equal(pthread_create(&tid, NULL, submit_at_nice_15, &s), 0);
	assert_int_equal(pthread_join(tid, NULL), 0);
	pthread_mutex_lock(&r.lock);
	while (r.running < 6)		/* all at once: six threads */
		pthread_cond_wait(&r.cv, &r.lock);
	r.open = true;
	pthread_cond_broadcast(&r.cv);
	pthread_mutex_unlock(&r.lock);
	vx_pool_free(p);
	for (int i = 0; i < 6; i++)
		from_spawner += jobs[i].nice == (base + 10 < 19 ? base + 10 :
		    19);
	assert_true(from_spawner >= 5);
	run_release(&r);
}

/*
 * A thread's own destructors (OpenSSL frees its per-thread error state in
 * one) run after the thread's function returns.  Stopping a pool waits
 * for them: the process exits right after, and LeakSanitizer saw that
 * state as leaked when the exit overtook them.
 */
static pthread_key_t	slow_key;
static int		slow_ends;

static void
slow_destructor(void *value)
{
	(void)value;
	usleep(100 * 1000);
	__atomic_add_fetch(&slow_ends, 1, __ATOMIC_SEQ_CST);
}

static void
keyed_run(struct vx_pool_job *job)
{
	struct seen *s = (struct seen *)(void *)job;

	pthread_setspecific(slow_key, s);
	set_flag(s->run, &s->done);
}

static void
test_stop_waits_for_thread_ends(void **state)
{
	static const struct {
		enum vx_pool_prio	prio;
		size_t			max;	/* 4: with a spawner */
	} pools[] = {
		{ VX_POOL_NORMAL, 1 }, { VX_POOL_IDLE, 4 }, { VX_POOL_NICE, 1 },
	};

	(void)state;
	assert_int_equal(pthread_key_create(&slow_key, slow_destructor), 0);
	for (size_t i = 0; i < sizeof(pools) / sizeof(pools[0]); i++) {
		struct vx_pool	*p = vx_pool_new("slow", pools[i].max,
		    pools[i].prio);
		struct seen	 s;
		struct run	 r;

		assert_non_null(p);
		run_init(&r);
		memset(&s, 0, sizeof(s));
		s.run = &r;
		s.job.run = keyed_run;
		s.job.cancel = keyed_run;
		assert_true(vx_pool_submit(p, &s.job));
		wait_for(&r, &s.done);
		__atomic_store_n(&slow_ends, 0, __ATOMIC_SEQ_CST);
		vx_pool_free(p);
		/* Each thread that set the key has run its destructor. */
		assert_int_equal(__atomic_load_n(&slow_ends,
		    __ATOMIC_SEQ_CST), 1);
		run_release(&r);
	}
	pthread_key_delete(slow_key);
}

static int emptied;

static void
count_empty(void)
{
	__atomic_add_fetch(&emptied, 1, __ATOMIC_SEQ_CST);
}

/* Waits up to 10 s for emptied to reach n. */
static int
wait_emptied(int n)
{
	for (int i = 0; i < 1000; i++) {
		if (__atomic_load_n(&emptied, __ATOMIC_SEQ_CST) >= n)
			break;
		usleep(10 * 1000);
	}
	return __atomic_load_n(&emptied, __ATOMIC_SEQ_CST);
}

/*
 * Once a burst's threads have all ended for want of work, on_empty runs:
 * once a burst, not again while the pool stays empty, and not at stop.
 */
static void
test_on_empty_after_a_burst(void **state)
{
	struct vx_pool	*p = vx_pool_new("probe", 4, VX_POOL_IDLE);
	struct tjob	 t[8];
	struct run	 r;

	(void)state;
	assert_non_null(p);
	vx_pool_set_idle_exit(p, 50);
	vx_pool_on_empty(p, count_empty);
	for (int burst = 1; burst <= 2; burst++) {
		run_init(&r);
		for (int i = 0; i < 8; i++)
			submit(p, &t[i], &r, i + 1, (uint64_t)i);
		/* Every job waits for the gate: four threads start. */
		pthread_mutex_lock(&r.lock);
		while (r.running < 4)
			pthread_cond_wait(&r.cv, &r.lock);
		pthread_mutex_unlock(&r.lock);
		assert_int_equal(__atomic_load_n(&emptied, __ATOMIC_SEQ_CST),
		    burst - 1);
		open_gate(&r, 8);
		assert_int_equal(wait_emptied(burst), burst);
		run_release(&r);
	}
	usleep(300 * 1000);
	assert_int_equal(__atomic_load_n(&emptied, __ATOMIC_SEQ_CST), 2);
	vx_pool_free(p);
	assert_int_equal(__atomic_load_n(&emptied, __ATOMIC_SEQ_CST), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fifo),
		cmocka_unit_test(test_flows_take_turns),
		cmocka_unit_test(test_thread_bound),
		cmocka_unit_test(test_stop),
		cmocka_unit_test(test_names_and_priorities),
		cmocka_unit_test(test_normal_pool_fed_by_idle_threads),
		cmocka_unit_test(test_spawner_starts_threads),
		cmocka_unit_test(test_stop_waits_for_thread_ends),
		cmocka_unit_test(test_on_empty_after_a_burst),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
