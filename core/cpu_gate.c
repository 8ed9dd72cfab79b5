/* A gate that lets N threads compute at once, the oldest ticket first. */
#include "cpu_gate.h"

#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>

#include "clock.h"

/* A thread waiting for a slot: on its own stack, in ticket order. */
struct waiter {
	struct waiter	*next;
	uint64_t	 ticket;
	sem_t		*sem;
};

struct vx_cpu_gate {
	pthread_mutex_t	 lock;
	unsigned	 free;		/* slots nobody holds (none waits then) */
	unsigned	 waiting;
	struct waiter	*head, *tail;
	uint64_t	 waits;
	atomic_uint_fast64_t wait_ns;	/* added to without the lock */
};

/* The calling thread's part. */
static _Thread_local struct {
	struct vx_cpu_gate	*gate;
	uint64_t		 ticket;
	unsigned		 depth;		/* vx_cpu_enter nesting */
	unsigned		 blocked;	/* vx_cpu_block_begin nesting */
	bool			 sem_ready;
	sem_t			 sem;		/* posted when given a slot */
} me;

struct vx_cpu_gate *
vx_cpu_gate_new(unsigned slots)
{
	struct vx_cpu_gate *g = calloc(1, sizeof(*g));

	if (g == NULL)
		return NULL;
	pthread_mutex_init(&g->lock, NULL);
	g->free = slots > 0 ? slots : 1;
	return g;
}

void
vx_cpu_gate_free(struct vx_cpu_gate *g)
{
	if (g == NULL)
		return;
	pthread_mutex_destroy(&g->lock);
	free(g);
}

void
vx_cpu_gate_join(struct vx_cpu_gate *g, uint64_t ticket)
{
	me.gate = g;
	me.ticket = ticket;
	me.depth = 0;
	me.blocked = 0;
}

static void
acquire(struct vx_cpu_gate *g)
{
	struct waiter	  w = { NULL, me.ticket, &me.sem };
	struct waiter	**pp;
	int64_t		  t0;

	pthread_mutex_lock(&g->lock);
	if (g->free > 0) {
		g->free--;
		pthread_mutex_unlock(&g->lock);
		return;
	}
	if (!me.sem_ready) {
		/* Cannot fail for these arguments (sem_init(3)). */
		(void)sem_init(&me.sem, 0, 0);
		me.sem_ready = true;
	}
	/*
	 * After every waiter with the same ticket or an older one: mostly
	 * the newest request, at the end (looked at first: the lock is held
	 * by threads that may get the CPU last).
	 */
	if (g->tail == NULL || g->tail->ticket <= w.ticket)
		pp = g->tail != NULL ? &g->tail->next : &g->head;
	else
		for (pp = &g->head; (*pp)->ticket <= w.ticket;
		    pp = &(*pp)->next)
			;
	w.next = *pp;
	*pp = &w;
	if (w.next == NULL)
		g->tail = &w;
	g->waiting++;
	g->waits++;
	pthread_mutex_unlock(&g->lock);
	t0 = vx_now_mono_ns();
	/* The releaser hands its slot over: posts once it took w off. */
	while (sem_wait(&me.sem) != 0 && errno == EINTR)
		;
	atomic_fetch_add(&g->wait_ns, (uint64_t)(vx_now_mono_ns() - t0));
}

static void
release(struct vx_cpu_gate *g)
{
	struct waiter	*w;
	sem_t		*wake = NULL;

	pthread_mutex_lock(&g->lock);
	if ((w = g->head) != NULL) {
		g->head = w->next;
		if (g->head == NULL)
			g->tail = NULL;
		g->waiting--;
		wake = w->sem;	/* w is gone once its thread wakes */
	} else {
		g->free++;
	}
	pthread_mutex_unlock(&g->lock);
	/*
	 * Outside the lock: the woken thread need not wait for it.  Its
	 * semaphore is its thread's, which waits in sem_wait until this.
	 */
	if (wake != NULL)
		sem_post(wake);
}

void
vx_cpu_enter(void)
{
	if (me.gate != NULL && me.depth++ == 0 && me.blocked == 0)
		acquire(me.gate);
}

void
vx_cpu_leave(void)
{
	if (me.gate != NULL && me.depth > 0 && --me.depth == 0 &&
	    me.blocked == 0)
		release(me.gate);
}

void
vx_cpu_block_begin(void)
{
	if (me.gate != NULL && me.blocked++ == 0 && me.depth > 0)
		release(me.gate);
}

void
vx_cpu_block_end(void)
{
	if (me.gate != NULL && me.blocked > 0 && --me.blocked == 0 &&
	    me.depth > 0)
		acquire(me.gate);
}

void
vx_cpu_gate_stats(struct vx_cpu_gate *g, struct vx_cpu_gate_stats *st)
{
	pthread_mutex_lock(&g->lock);
	st->free = g->free;
	st->waiting = g->waiting;
	st->waits = g->waits;
	st->wait_ns = atomic_load(&g->wait_ns);
	pthread_mutex_unlock(&g->lock);
}
