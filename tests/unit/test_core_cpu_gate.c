/*
 * The CPU gate (core/cpu_gate.c): no more threads inside than it has
 * slots; a freed slot goes to the waiter with the smallest ticket, not to
 * whoever asked first; a thread that blocks gives its slot up until it
 * computes again; nesting counts the outermost pair; a thread without a
 * gate is not held at all.  Waits are counted, with their time.
 */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "cpu_gate.h"

static unsigned
free_slots(struct vx_cpu_gate *g)
{
	struct vx_cpu_gate_stats st;

	vx_cpu_gate_stats(g, &st);
	return st.free;
}

/* Waits (sleeping) until the gate has n waiters. */
static void
wait_for_waiters(struct vx_cpu_gate *g, unsigned n)
{
	struct vx_cpu_gate_stats st = { 0 };

	for (int i = 0; i < 100000; i++) {
		vx_cpu_gate_stats(g, &st);
		if (st.waiting == n)
			break;
		usleep(100);
	}
	assert_int_equal(st.waiting, n);
}

/* ---- at most N inside ---- */

struct crowd {
	struct vx_cpu_gate	*g;
	atomic_int		 inside, most, done;
};

static void *
crowd_main(void *arg)
{
	struct crowd	*c = arg;
	int		 now;

	vx_cpu_gate_join(c->g, 0);
	for (int round = 0; round < 20; round++) {
		vx_cpu_enter();
		now = atomic_fetch_add(&c->inside, 1) + 1;
		for (int m = atomic_load(&c->most); now > m &&
		    !atomic_compare_exchange_weak(&c->most, &m, now);)
			;
		usleep(200);
		atomic_fetch_sub(&c->inside, 1);
		vx_cpu_leave();
	}
	atomic_fetch_add(&c->done, 1);
	return NULL;
}

static void
test_at_most_slots_inside(void **state)
{
	struct crowd	c = { .g = vx_cpu_gate_new(2) };
	pthread_t	t[6];

	(void)state;
	assert_non_null(c.g);
	for (int i = 0; i < 6; i++)
		assert_int_equal(pthread_create(&t[i], NULL, crowd_main, &c),
		    0);
	for (int i = 0; i < 6; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(atomic_load(&c.done), 6);
	assert_true(atomic_load(&c.most) <= 2);
	assert_true(atomic_load(&c.most) >= 1);
	assert_int_equal(free_slots(c.g), 2);
	wait_for_waiters(c.g, 0);
	vx_cpu_gate_free(c.g);
}

/* ---- the smallest ticket first ---- */

struct queue {
	struct vx_cpu_gate	*g;
	pthread_mutex_t		 lock;
	uint64_t		 order[5];
	size_t			 n;
};

struct ticketed {
	struct queue	*q;
	uint64_t	 ticket;
};

static void *
ticketed_main(void *arg)
{
	struct ticketed *t = arg;

	vx_cpu_gate_join(t->q->g, t->ticket);
	vx_cpu_enter();
	pthread_mutex_lock(&t->q->lock);
	t->q->order[t->q->n++] = t->ticket;
	pthread_mutex_unlock(&t->q->lock);
	vx_cpu_leave();
	return NULL;
}

static void
test_smallest_ticket_first(void **state)
{
	struct queue	q = { .g = vx_cpu_gate_new(1),
			      .lock = PTHREAD_MUTEX_INITIALIZER };
	struct ticketed	tk[5] = { { &q, 30 }, { &q, 10 }, { &q, 20 },
			      { &q, 40 }, { &q, 25 } };
	struct timespec	hold = { 0, 20 * 1000000L };
	struct vx_cpu_gate_stats st;
	pthread_t	t[5];

	(void)state;
	assert_non_null(q.g);
	vx_cpu_gate_join(q.g, 0);
	vx_cpu_enter();
	assert_int_equal(free_slots(q.g), 0);
	/* Asking in the order 30, 10, 20, 40, 25. */
	for (unsigned i = 0; i < 5; i++) {
		assert_int_equal(pthread_create(&t[i], NULL, ticketed_main,
		    &tk[i]), 0);
		wait_for_waiters(q.g, i + 1);
	}
	nanosleep(&hold, NULL);
	vx_cpu_leave();
	for (int i = 0; i < 5; i++)
		pthread_join(t[i], NULL);
	assert_int_equal(q.n, 5);
	assert_int_equal(q.order[0], 10);
	assert_int_equal(q.order[1], 20);
	assert_int_equal(q.order[2], 25);
	assert_int_equal(q.order[3], 30);
	assert_int_equal(q.order[4], 40);
	assert_int_equal(free_slots(q.g), 1);
	/* Five waited, each at least the 20 ms the slot was held after. */
	vx_cpu_gate_stats(q.g, &st);
	assert_int_equal(st.waits, 5);
	assert_true(st.wait_ns >= 5 * 20 * 1000000ull);
	vx_cpu_gate_join(NULL, 0);
	vx_cpu_gate_free(q.g);
}

/* ---- blocking gives the slot up; nesting ---- */

static void *
enter_leave_main(void *arg)
{
	vx_cpu_gate_join(arg, 5);
	vx_cpu_enter();
	vx_cpu_leave();
	return NULL;
}

static void
test_block_gives_the_slot_up(void **state)
{
	struct vx_cpu_gate	*g = vx_cpu_gate_new(1);
	pthread_t		 t;

	(void)state;
	assert_non_null(g);
	vx_cpu_gate_join(g, 1);
	vx_cpu_enter();
	vx_cpu_enter();			/* nested: still one slot */
	assert_int_equal(free_slots(g), 0);
	vx_cpu_leave();
	assert_int_equal(free_slots(g), 0);
	vx_cpu_block_begin();
	assert_int_equal(free_slots(g), 1);
	vx_cpu_block_begin();		/* nested */
	vx_cpu_block_end();
	assert_int_equal(free_slots(g), 1);
	/* Another thread computes meanwhile. */
	assert_int_equal(pthread_create(&t, NULL, enter_leave_main, g), 0);
	pthread_join(t, NULL);
	vx_cpu_block_end();
	assert_int_equal(free_slots(g), 0);
	vx_cpu_leave();
	assert_int_equal(free_slots(g), 1);
	/* Blocking outside enter/leave holds nothing. */
	vx_cpu_block_begin();
	vx_cpu_block_end();
	assert_int_equal(free_slots(g), 1);
	vx_cpu_gate_join(NULL, 0);
	vx_cpu_gate_free(g);
}

static void
test_without_a_gate(void **state)
{
	struct vx_cpu_gate *g = vx_cpu_gate_new(1);

	(void)state;
	assert_non_null(g);
	/* This thread has left its gate: nothing to take or give back. */
	vx_cpu_gate_join(g, 1);
	vx_cpu_gate_join(NULL, 0);
	vx_cpu_enter();
	vx_cpu_block_begin();
	vx_cpu_block_end();
	vx_cpu_leave();
	assert_int_equal(free_slots(g), 1);
	vx_cpu_gate_free(g);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_at_most_slots_inside),
		cmocka_unit_test(test_smallest_ticket_first),
		cmocka_unit_test(test_block_gives_the_slot_up),
		cmocka_unit_test(test_without_a_gate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
