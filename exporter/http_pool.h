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
 * maximum, and end after a while without work.  The job struct is the
 * caller's (embed it); the pool does not touch it once run() or cancel()
 * has been called.
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
 * NULL on out-of-memory.  name appears in the log.  The threads run at
 * nice (0: the process's; more: they yield the CPU to the others).
 */
struct vx_pool	*vx_pool_new(const char *name, size_t max_threads, int nice);

/*
 * Queues job.  False if the pool is stopping or out of memory, or if no
 * thread runs and none could be started; the job is then not queued.
 */
bool		 vx_pool_submit(struct vx_pool *p, struct vx_pool_job *job);

/* Jobs waiting (not running). */
size_t		 vx_pool_waiting(struct vx_pool *p);

/*
 * Refuses new jobs, cancels the queued ones and waits for the running
 * ones to end.
 */
void		 vx_pool_stop(struct vx_pool *p);
/* Stops p if needed, then frees it.  p may be NULL. */
void		 vx_pool_free(struct vx_pool *p);

#endif
