#include "poller.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "backoff.h"
#include "grow.h"
#include "log.h"

struct entry {
	int64_t			 due_ms;	/* monotonic */
	struct vx_device	*dev;
};

struct vx_poller {
	pthread_mutex_t		 lock;
	pthread_cond_t		 sched_cv;	/* heap changed or stopping */
	pthread_cond_t		 work_cv;	/* queue has work or stopping */
	bool			 stopping;

	struct entry		*heap;
	size_t			 nheap, heap_cap;

	struct vx_device	**queue;	/* FIFO of due devices */
	size_t			 qhead, qlen, qcap;

	pthread_t		 scheduler;
	pthread_t		*workers;
	size_t			 nworkers;
	size_t			 max_workers;
};

static void
heap_swap(struct entry *h, size_t a, size_t b)
{
	struct entry t = h[a];

	h[a] = h[b];
	h[b] = t;
}

static bool
heap_push(struct vx_poller *p, int64_t due, struct vx_device *d)
{
	size_t i;

	if (p->nheap == p->heap_cap) {
		struct entry *h = vx_grow(p->heap, &p->heap_cap, sizeof(*h), 64);

		if (h == NULL)
			return false;
		p->heap = h;
	}
	i = p->nheap++;
	p->heap[i].due_ms = due;
	p->heap[i].dev = d;
	while (i > 0 && p->heap[(i - 1) / 2].due_ms > p->heap[i].due_ms) {
		heap_swap(p->heap, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	return true;
}

static struct entry
heap_pop(struct vx_poller *p)
{
	struct entry	top = p->heap[0];
	size_t		i = 0;

	p->heap[0] = p->heap[--p->nheap];
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < p->nheap && p->heap[l].due_ms < p->heap[m].due_ms)
			m = l;
		if (r < p->nheap && p->heap[r].due_ms < p->heap[m].due_ms)
			m = r;
		if (m == i)
			break;
		heap_swap(p->heap, i, m);
		i = m;
	}
	return top;
}

static bool
queue_push(struct vx_poller *p, struct vx_device *d)
{
	if (p->qlen == p->qcap) {
		size_t			 ncap = p->qcap == 0 ? 64 : p->qcap * 2;
		struct vx_device	**q = malloc(ncap * sizeof(*q));

		if (q == NULL)
			return false;
		for (size_t i = 0; i < p->qlen; i++)
			q[i] = p->queue[(p->qhead + i) % p->qcap];
		free(p->queue);
		p->queue = q;
		p->qcap = ncap;
		p->qhead = 0;
	}
	p->queue[(p->qhead + p->qlen) % p->qcap] = d;
	p->qlen++;
	return true;
}

static void *
scheduler_main(void *arg)
{
	struct vx_poller *p = arg;

	pthread_mutex_lock(&p->lock);
	while (!p->stopping) {
		int64_t now = vx_now_mono_ms();

		if (p->nheap == 0) {
			pthread_cond_wait(&p->sched_cv, &p->lock);
			continue;
		}
		if (p->heap[0].due_ms > now) {
			/* sched_cv uses CLOCK_MONOTONIC (see start). */
			struct timespec ts = vx_ms_timespec(p->heap[0].due_ms);

			pthread_cond_timedwait(&p->sched_cv, &p->lock, &ts);
			continue;
		}
		{
			struct entry e = heap_pop(p);

			if (atomic_load(&e.dev->retired) ||
			    !queue_push(p, e.dev)) {
				e.dev->scheduled = false;
				vx_device_unref(e.dev);
				continue;
			}
			pthread_cond_signal(&p->work_cv);
		}
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

static void *
worker_main(void *arg)
{
	struct vx_poller *p = arg;

	pthread_mutex_lock(&p->lock);
	for (;;) {
		struct vx_device	*d;
		struct vx_snapshot	*snap;
		int64_t			 start;

		while (p->qlen == 0 && !p->stopping)
			pthread_cond_wait(&p->work_cv, &p->lock);
		if (p->stopping)
			break;
		d = p->queue[p->qhead];
		p->qhead = (p->qhead + 1) % p->qcap;
		p->qlen--;
		pthread_mutex_unlock(&p->lock);

		start = vx_now_mono_ms();
		snap = vx_device_collect(d,
		    vx_deadline_in(d->cfg.timeout_ms));
		vx_snapshot_unref(snap);

		pthread_mutex_lock(&p->lock);
		/*
		 * Next poll one interval after this one started (later for a
		 * device that keeps failing); a device that took longer than
		 * its interval is polled again at once.
		 */
		if (p->stopping || atomic_load(&d->retired) ||
		    !heap_push(p, start + vx_backoff_delay_ms(
		    d->cfg.interval_ms, atomic_load(&d->failures),
		    (uint32_t)start ^ (uint32_t)(uintptr_t)d), d)) {
			d->scheduled = false;
			vx_device_unref(d);
		} else
			pthread_cond_signal(&p->sched_cv);
	}
	pthread_mutex_unlock(&p->lock);
	return NULL;
}

struct vx_poller *
vx_poller_start(size_t nworkers)
{
	struct vx_poller	*p = calloc(1, sizeof(*p));
	pthread_condattr_t	 ca;

	if (p == NULL)
		return NULL;
	p->max_workers = nworkers;
	p->workers = calloc(nworkers, sizeof(*p->workers));
	if (p->workers == NULL) {
		free(p);
		return NULL;
	}
	pthread_mutex_init(&p->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&p->sched_cv, &ca);
	pthread_cond_init(&p->work_cv, &ca);
	pthread_condattr_destroy(&ca);
	if (pthread_create(&p->scheduler, NULL, scheduler_main, p) != 0) {
		free(p->workers);
		free(p);
		return NULL;
	}
	return p;
}

/*
 * Workers are started as devices need them, up to max_workers: a small
 * configuration does not pay for 64 idle threads.  Called with the lock.
 */
static void
grow_workers(struct vx_poller *p, size_t want)
{
	if (want > p->max_workers)
		want = p->max_workers;
	while (p->nworkers < want) {
		if (pthread_create(&p->workers[p->nworkers], NULL, worker_main,
		    p) != 0)
			break;
		p->nworkers++;
	}
}

/*
 * Spreads first polls by name so a restart does not hit every device at
 * once; their phases stay spread from then on.
 */
static int64_t
first_delay_ms(const struct vx_device *d, size_t background)
{
	uint32_t	h = 2166136261u;
	int64_t		spread = vx_first_poll_spread_ms(d->cfg.interval_ms,
			    background);

	for (const char *c = d->cfg.name; *c; c++)
		h = (h ^ (unsigned char)*c) * 16777619u;
	return spread > 0 ? (int64_t)(h % (uint32_t)spread) : 0;
}

void
vx_poller_set_devices(struct vx_poller *p, struct vx_device *const *devs,
    size_t n)
{
	int64_t	now = vx_now_mono_ms();
	size_t	background = 0;

	pthread_mutex_lock(&p->lock);
	for (size_t i = 0; i < n; i++)
		background += devs[i]->cfg.background;
	grow_workers(p, background);
	/* Retired devices leave the heap lazily (scheduler and workers). */
	for (size_t i = 0; i < n; i++) {
		struct vx_device *d = devs[i];

		if (!d->cfg.background || d->scheduled)
			continue;
		vx_device_ref(d);
		if (!heap_push(p, now + first_delay_ms(d, background), d)) {
			vx_device_unref(d);
			continue;
		}
		d->scheduled = true;
	}
	pthread_cond_signal(&p->sched_cv);
	pthread_mutex_unlock(&p->lock);
}

size_t
vx_poller_workers(const struct vx_poller *p)
{
	return p != NULL ? p->max_workers : 0;
}

void
vx_poller_stop(struct vx_poller *p)
{
	if (p == NULL)
		return;
	/* Polls in progress end at once instead of at their deadlines. */
	vx_deadline_cancel_all();
	pthread_mutex_lock(&p->lock);
	p->stopping = true;
	pthread_cond_broadcast(&p->sched_cv);
	pthread_cond_broadcast(&p->work_cv);
	pthread_mutex_unlock(&p->lock);
	pthread_join(p->scheduler, NULL);
	for (size_t i = 0; i < p->nworkers; i++)
		pthread_join(p->workers[i], NULL);
	while (p->nheap > 0)
		vx_device_unref(heap_pop(p).dev);
	while (p->qlen > 0) {
		vx_device_unref(p->queue[p->qhead]);
		p->qhead = (p->qhead + 1) % p->qcap;
		p->qlen--;
	}
	free(p->heap);
	free(p->queue);
	free(p->workers);
	pthread_mutex_destroy(&p->lock);
	pthread_cond_destroy(&p->sched_cv);
	pthread_cond_destroy(&p->work_cv);
	free(p);
}
