/* Worker threads for the HTTP server: a queue of flows taking turns. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE 1	/* SCHED_IDLE, pthread_setname_np */
#endif
#include "http_pool.h"

#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "grow.h"
#include "log.h"

/*
 * Longer than the usual scrape intervals (15 s to 60 s): a pool's threads
 * wait from one scrape to the next instead of being started again.
 */
#define IDLE_EXIT_MS	120000u
#define NICE_LOW	10

/* The queued jobs of one flow. */
struct flow {
	struct flow		*next;		/* turn order */
	uint64_t		 key;
	struct vx_pool_job	*head, *tail;
};

struct vx_pool {
	char		 name[32];
	pthread_mutex_t	 lock;
	pthread_cond_t	 work_cv;	/* a job was queued, or stopping */
	pthread_cond_t	 gone_cv;	/* a thread ended */
	pthread_cond_t	 spawn_cv;	/* threads wanted, or stopping */
	struct flow	*flows, *flows_tail;
	struct flow	*spare;		/* emptied flows, for reuse */
	size_t		 waiting;
	size_t		 threads, idle, max;
	size_t		 starting;	/* started, not yet looking for work */
	/*
	 * Workers that ended, to be joined: a thread's own destructors
	 * (OpenSSL's per-thread state, say) run after its last line, and
	 * the process must not exit under them.
	 */
	pthread_t	*ended;
	size_t		 nended, ended_cap;
	pthread_t	 spawner;
	bool		 has_spawner, spawner_joined;
	bool		 stopping;
	bool		 spawn_failed;	/* logged once */
	bool		 idle_refused;	/* logged once */
	enum vx_pool_prio prio;
	unsigned	 idle_exit_ms;
	void		(*on_empty)(void);
};

static bool	start_worker(struct vx_pool *p, bool unlock);
static void	*spawner_main(void *arg);

struct vx_pool *
vx_pool_new(const char *name, size_t max_threads, enum vx_pool_prio prio)
{
	struct vx_pool		*p = calloc(1, sizeof(*p));
	pthread_condattr_t	 ca;

	if (p == NULL)
		return NULL;
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->max = max_threads > 0 ? max_threads : 1;
	p->prio = prio;
	p->idle_exit_ms = IDLE_EXIT_MS;
	pthread_mutex_init(&p->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->work_cv, &ca);
	pthread_condattr_destroy(&ca);
	pthread_cond_init(&p->gone_cv, NULL);
	pthread_cond_init(&p->spawn_cv, NULL);
	/*
	 * Starting a thread takes up to half a millisecond here (its stack
	 * mapped while other threads fault pages in): 1,000 of them in the
	 * event loop held up reading requests by as much.  A pool that grows
	 * on demand has a thread of its own for that (at the caller's
	 * priority); without it, submitters start them.
	 */
	if (prio != VX_POOL_NORMAL && p->max > 1)
		p->has_spawner = pthread_create(&p->spawner, NULL,
		    spawner_main, p) == 0;
	if (prio == VX_POOL_NORMAL) {
		pthread_mutex_lock(&p->lock);
		while (p->threads < p->max && start_worker(p, false))
			;
		pthread_mutex_unlock(&p->lock);
		if (p->threads == 0) {
			vx_pool_free(p);
			return NULL;
		}
	}
	return p;
}

/* The next job: the head of the flow whose turn it is.  Under the lock. */
static struct vx_pool_job *
take(struct vx_pool *p)
{
	struct flow		*f = p->flows;
	struct vx_pool_job	*job;

	if (f == NULL)
		return NULL;
	job = f->head;
	f->head = job->next;
	job->next = NULL;
	p->flows = f->next;
	if (p->flows == NULL)
		p->flows_tail = NULL;
	f->next = NULL;
	if (f->head != NULL) {
		/* Its next job waits for the other flows' turns. */
		if (p->flows_tail != NULL)
			p->flows_tail->next = f;
		else
			p->flows = f;
		p->flows_tail = f;
	} else {
		/* Kept: no malloc or free under the lock (see submit). */
		f->next = p->spare;
		p->spare = f;
	}
	p->waiting--;
	return job;
}

/*
 * The calling worker is about to end: listed to be joined (by the spawner,
 * the next submitter of a pool without one, or vx_pool_stop).  Under the
 * lock.
 */
static void
ended(struct vx_pool *p)
{
	if (p->nended == p->ended_cap) {
		pthread_t *n = vx_grow(p->ended, &p->ended_cap, sizeof(*n), 16);

		if (n == NULL) {
			/* Not joined, then, but not left behind either. */
			pthread_detach(pthread_self());
			return;
		}
		p->ended = n;
	}
	p->ended[p->nended++] = pthread_self();
	if (p->has_spawner)
		pthread_cond_signal(&p->spawn_cv);
}

/* Joins the workers that ended.  Under the lock, released meanwhile. */
static void
reap(struct vx_pool *p)
{
	while (p->nended > 0) {
		pthread_t tid = p->ended[--p->nended];

		pthread_mutex_unlock(&p->lock);
		pthread_join(tid, NULL);
		pthread_mutex_lock(&p->lock);
	}
}

/* The calling thread's name and priority, as its pool's. */
static void
thread_setup(struct vx_pool *p)
{
	struct sched_param	sp = { .sched_priority = 0 };
	char			name[16];
	int			rc;

	/* Not the name of the thread that started it (an event loop's). */
	snprintf(name, sizeof(name), VX_POOL_THREAD_PREFIX "%.11s", p->name);
	pthread_setname_np(pthread_self(), name);
	if (p->prio == VX_POOL_IDLE) {
		rc = pthread_setschedparam(pthread_self(), SCHED_IDLE, &sp);
		if (rc == 0)
			return;
		pthread_mutex_lock(&p->lock);
		if (!p->idle_refused)
			vx_log_warn("%s pool: the system refused SCHED_IDLE "
			    "(%s); its threads run at nice %d instead",
			    p->name, strerror(rc), NICE_LOW);
		p->idle_refused = true;
		pthread_mutex_unlock(&p->lock);
	}
	/* Linux keeps a nice value per thread; 10 more than the process's. */
	if (p->prio != VX_POOL_NORMAL) {
		id_t	tid = (id_t)syscall(SYS_gettid);
		int	nice;

		errno = 0;
		nice = getpriority(PRIO_PROCESS, tid);
		if (errno == 0)
			setpriority(PRIO_PROCESS, tid,
			    nice + NICE_LOW < 19 ? nice + NICE_LOW : 19);
	}
}

static void *
worker_main(void *arg)
{
	struct vx_pool *p = arg;

	thread_setup(p);
	pthread_mutex_lock(&p->lock);
	p->starting--;
	for (;;) {
		struct vx_pool_job	*job = take(p);
		struct timespec		 ts;
		int			 rc;

		if (job != NULL) {
			pthread_mutex_unlock(&p->lock);
			job->run(job);
			pthread_mutex_lock(&p->lock);
			continue;
		}
		if (p->stopping)
			break;
		/* work_cv uses CLOCK_MONOTONIC (vx_pool_new). */
		ts = vx_ms_timespec(vx_now_mono_ms() + p->idle_exit_ms);
		p->idle++;
		rc = pthread_cond_timedwait(&p->work_cv, &p->lock, &ts);
		p->idle--;
		if (rc == ETIMEDOUT && p->waiting == 0 &&
		    p->prio != VX_POOL_NORMAL)
			break;
	}
	p->threads--;
	ended(p);
	pthread_cond_broadcast(&p->gone_cv);
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/* pthread_create() of a worker (joined once ended); 0 or an errno. */
static int
create_worker(struct vx_pool *p)
{
	pthread_t tid;

	return pthread_create(&tid, NULL, worker_main, p);
}

/* Jobs outnumber the threads that are or will be free.  Under the lock. */
static bool
wanted(const struct vx_pool *p)
{
	return p->waiting > p->idle + p->starting && p->threads < p->max;
}

/*
 * Starts a thread.  Under the lock; released meanwhile if unlock (the
 * thread is counted first, so that it is not wanted twice).
 */
static bool
start_worker(struct vx_pool *p, bool unlock)
{
	int rc;

	p->threads++;
	p->starting++;
	if (unlock)
		pthread_mutex_unlock(&p->lock);
	rc = create_worker(p);
	if (unlock)
		pthread_mutex_lock(&p->lock);
	if (rc == 0)
		return true;
	p->threads--;
	p->starting--;
	pthread_cond_broadcast(&p->gone_cv);
	if (!p->spawn_failed)
		vx_log_error("http: cannot start a %s worker thread (%s); %zu "
		    "running", p->name, strerror(rc), p->threads);
	p->spawn_failed = true;
	return false;
}

/* The spawner: starts threads while jobs outnumber them. */
static void *
spawner_main(void *arg)
{
	struct vx_pool	*p = arg;
	char		 name[16];

	snprintf(name, sizeof(name), VX_POOL_THREAD_PREFIX "%.5s-spawn",
	    p->name);
	pthread_setname_np(pthread_self(), name);
	pthread_mutex_lock(&p->lock);
	while (!p->stopping) {
		if (p->nended > 0) {
			void (*on_empty)(void) = p->on_empty;

			reap(p);
			if (p->threads == 0 && on_empty != NULL &&
			    !p->stopping) {
				pthread_mutex_unlock(&p->lock);
				on_empty();
				pthread_mutex_lock(&p->lock);
			}
			continue;
		}
		if (!wanted(p)) {
			pthread_cond_wait(&p->spawn_cv, &p->lock);
			continue;
		}
		if (start_worker(p, true))
			continue;
		/* The running threads take the queue meanwhile. */
		pthread_mutex_unlock(&p->lock);
		sleep(1);
		pthread_mutex_lock(&p->lock);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

/*
 * Makes sure that threads will run the jobs waiting, one more included.
 * Under the lock.  NORMAL pools have theirs from the start; with a
 * spawner, the submitter starts a thread only if none runs at all, so
 * that a job queued is a job that will run.
 */
static void
maybe_spawn(struct vx_pool *p)
{
	if (p->prio == VX_POOL_NORMAL)
		return;
	p->waiting++;
	if (wanted(p)) {
		if (!p->has_spawner || p->threads == 0)
			(void)start_worker(p, false);
		else
			pthread_cond_signal(&p->spawn_cv);
	}
	p->waiting--;
}

bool
vx_pool_submit(struct vx_pool *p, struct vx_pool_job *job)
{
	struct flow	*f, *fresh = NULL;

	/*
	 * The lock is shared with threads that may get the CPU last (a
	 * SCHED_IDLE pool's workers, or one submitting here): held as
	 * briefly as possible, without allocating under it or waking a
	 * thread that would then wait for it.
	 */
	for (;;) {
		pthread_mutex_lock(&p->lock);
		if (!p->has_spawner)
			reap(p);
		if (p->stopping)
			goto refuse;
		/* First make sure that a thread will run it. */
		maybe_spawn(p);
		if (p->threads == 0)
			goto refuse;
		for (f = p->flows; f != NULL && f->key != job->flow;
		    f = f->next)
			;
		if (f != NULL || p->spare != NULL || fresh != NULL)
			break;
		pthread_mutex_unlock(&p->lock);
		if ((fresh = malloc(sizeof(*fresh))) == NULL)
			return false;
	}
	if (f == NULL) {
		if (p->spare != NULL) {
			f = p->spare;
			p->spare = f->next;
		} else {
			f = fresh;
			fresh = NULL;
		}
		memset(f, 0, sizeof(*f));
		f->key = job->flow;
		if (p->flows_tail != NULL)
			p->flows_tail->next = f;
		else
			p->flows = f;
		p->flows_tail = f;
	}
	job->next = NULL;
	if (f->tail != NULL)
		f->tail->next = job;
	else
		f->head = job;
	f->tail = job;
	p->waiting++;
	pthread_mutex_unlock(&p->lock);
	/* Only the stop frees the pool, after every submitter is done. */
	pthread_cond_signal(&p->work_cv);
	free(fresh);
	return true;
refuse:
	pthread_mutex_unlock(&p->lock);
	free(fresh);
	return false;
}

void
vx_pool_on_empty(struct vx_pool *p, void (*fn)(void))
{
	pthread_mutex_lock(&p->lock);
	p->on_empty = fn;
	pthread_mutex_unlock(&p->lock);
}

void
vx_pool_set_idle_exit(struct vx_pool *p, unsigned idle_exit_ms)
{
	pthread_mutex_lock(&p->lock);
	p->idle_exit_ms = idle_exit_ms;
	pthread_mutex_unlock(&p->lock);
}

size_t
vx_pool_waiting(struct vx_pool *p)
{
	size_t n;

	pthread_mutex_lock(&p->lock);
	n = p->waiting;
	pthread_mutex_unlock(&p->lock);
	return n;
}

void
vx_pool_stop(struct vx_pool *p)
{
	struct vx_pool_job	*cancelled = NULL, *job;

	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	while ((job = take(p)) != NULL) {
		job->next = cancelled;
		cancelled = job;
	}
	pthread_cond_broadcast(&p->work_cv);
	pthread_cond_broadcast(&p->spawn_cv);
	pthread_mutex_unlock(&p->lock);
	while ((job = cancelled) != NULL) {
		cancelled = job->next;
		job->cancel(job);
	}
	if (p->has_spawner && !p->spawner_joined) {
		pthread_join(p->spawner, NULL);
		p->spawner_joined = true;
	}
	pthread_mutex_lock(&p->lock);
	while (p->threads > 0)
		pthread_cond_wait(&p->gone_cv, &p->lock);
	reap(p);
	pthread_mutex_unlock(&p->lock);
}

void
vx_pool_free(struct vx_pool *p)
{
	if (p == NULL)
		return;
	vx_pool_stop(p);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->work_cv);
	pthread_cond_destroy(&p->gone_cv);
	pthread_cond_destroy(&p->spawn_cv);
	while (p->spare != NULL) {
		struct flow *f = p->spare;

		p->spare = f->next;
		free(f);
	}
	free(p->ended);
	free(p);
}
