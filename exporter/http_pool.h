#ifndef VX_HTTP_POOL_H
#define VX_HTTP_POOL_H

/*
 * A bounded pool of worker threads with a queue, for the HTTP server's
 * blocking work (rendering, bcrypt, polling a device for /probe), so that
 * libmicrohttpd's event loop never blocks.
 *
 * Jobs carry a flow key.  Jobs of one flow run in the order they came;
 * flows take turns, one job each (round robin), so a flood in one flow
 * delays another flow's job by at most one job per busy flow.  With one
 * key for everything (0) the queue is plain FIFO.
 *
 * Threads start when jobs are waiting and no thread is idle, up to the
 * maximum, and end after a while without work; except in NORMAL pools
 * (below), whose threads all start with the pool and stay.  The job
 * struct is the caller's (embed it); the pool does not touch it once
 * run() or cancel() has been called.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vx_pool;

struct vx_pool_job {
	struct vx_pool_job	*next;		/* the pool's */
	uint64_t		 flow;
	/* Runs on a pool thread. */
	void			(*run)(struct vx_pool_job *job);
	/* Instead of run(), for a job still queued when the pool stops. */
	void			(*cancel)(struct vx_pool_job *job);
};

/*
 * How a pool's threads share the CPU with the process's other threads.
 * Linux weighs every runnable thread on its own: a nice-10 thread has a
 * tenth of a nice-0 thread's share, so 100 of them outweigh ten nice-0
 * threads, and 1,000 starved the HTTP event loop (up to 1.3 s to read a
 * request, bench/README.md).  SCHED_IDLE threads run on what the others
 * leave: the exporter's scheduling group (its systemd service, or its
 * session) keeps its share of the machine against other programs, and
 * inside it the idle threads come last, however many they are.
 *
 * A new thread has the priority of the thread that started it, and an
 * unprivileged thread cannot raise its own again: a render thread started
 * by a probe thread (as answers used to be handed over) ran at nice 10.
 * So the threads of a NORMAL pool are started by vx_pool_new(), on the
 * caller's thread (at the process's priority), and never by a submit.
 */
enum vx_pool_prio {
	VX_POOL_NORMAL,		/* the process's */
	VX_POOL_NICE,		/* nice 10 */
	VX_POOL_IDLE,		/* SCHED_IDLE; nice 10 where it is refused */
};

/* A pool's threads are named "vx-" and the first 11 bytes of its name. */
#define VX_POOL_THREAD_PREFIX	"vx-"

/* NULL on out-of-memory.  name appears in the log and the thread names. */
struct vx_pool	*vx_pool_new(const char *name, size_t max_threads,
		    enum vx_pool_prio prio);

/*
 * Queues job.  False if the pool is stopping or out of memory, or if no
 * thread runs and none could be started; the job is then not queued.
 */
bool		 vx_pool_submit(struct vx_pool *p, struct vx_pool_job *job);

/*
 * After a burst: fn runs (on the pool's spawner, without the pool's lock)
 * each time the last of the pool's threads has ended, which they do after
 * idle_exit_ms without work (120 s unless set).  Only pools that grow on
 * demand (not NORMAL, more than one thread) have a spawner; for others fn
 * never runs.  Set both before the first submit.
 */
void		 vx_pool_on_empty(struct vx_pool *p, void (*fn)(void));
void		 vx_pool_set_idle_exit(struct vx_pool *p, unsigned idle_exit_ms);

/* Jobs waiting (not running). */
size_t		 vx_pool_waiting(struct vx_pool *p);

/*
 * Refuses new jobs, cancels the queued ones and waits for the running
 * ones to end, then for the pool's threads to end (their thread-local
 * destructors included).
 */
void		 vx_pool_stop(struct vx_pool *p);
/* Stops p if needed, then frees it.  p may be NULL. */
void		 vx_pool_free(struct vx_pool *p);

#endif
