#ifndef VX_DEVICE_H
#define VX_DEVICE_H

/*
 * One configured device at run time: its configuration and collectors,
 * the latest published snapshot, cumulative counters, and the state that
 * throttles failure logs.
 *
 * Concurrency: one collection per device at a time.  vx_device_collect()
 * marks the device in flight; a second caller (a /probe while the
 * background poll runs) waits for that collection and shares its result
 * instead of starting another.  Snapshots are immutable once published
 * and reference-counted: readers take a reference under the device lock
 * and render without it.
 */

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "clock.h"
#include "config.h"
#include "model.h"

struct vx_history;
struct vx_event_store;
struct vx_syslog_listener;

/*
 * How many polls of the device's invalid-SPI counter the device keeps, for
 * the status page's rate "over the last polls" (Prometheus has the rest).
 */
#define VX_DEVICE_SPI_HISTORY	16

/* A poll's error message: a collector's, with its name and reason. */
#define VX_DEVICE_ERROR_MAX	(VX_ERR_MSG_MAX + 64)

/* One poll's value of a device counter. */
struct vx_counter_sample {
	int64_t		ms;		/* wall clock of the poll */
	uint64_t	value;
};

/* Throttled logging of one collector's failures (collectd c_complain). */
struct vx_complaint {
	bool		failing;
	enum vx_errcode	code;
	int64_t		next_ms;	/* monotonic: next time to repeat */
	int64_t		interval_ms;
	unsigned long	suppressed;
};

struct vx_device {
	atomic_int		 refs;
	struct vx_device_cfg	 cfg;		/* owned; collectors' state too */
	atomic_bool		 retired;	/* removed by a reload */
	bool			 scheduled;	/* owned by the poller (its lock) */
	atomic_uint		 failures;	/* polls in a row where all failed */

	pthread_mutex_t		 lock;
	pthread_cond_t		 done;
	bool			 in_flight;
	/* The poll in flight's, until it is published (vx_device_poll). */
	char			 poll_error[VX_DEVICE_ERROR_MAX];
	int64_t			 poll_mono_ms;
	/*
	 * Completed collections (and stops): changed under the lock, read
	 * without it by what follows latest (locals_index.h).
	 */
	atomic_uint_fast64_t	 generation;
	struct vx_snapshot	*latest;
	int64_t			 latest_mono_ms;
	uint64_t		 errors_total[VX_E__COUNT];
	char			 last_error[VX_DEVICE_ERROR_MAX];
	struct vx_complaint	*complaints;	/* one per collector */
	struct vx_history	*hist;		/* core/history.h */
	/*
	 * Events the device pushed (core/events.h), counted by listening
	 * collectors between polls.  Thread-safe on its own.
	 */
	struct vx_event_store	*events;
	bool			 started;	/* listening collectors started */
	/* Ring of invalid-SPI counter samples, filled as polls publish. */
	struct vx_counter_sample spi_hist[VX_DEVICE_SPI_HISTORY];
	size_t			 spi_hist_n;
	size_t			 spi_hist_next;
};

/*
 * A new device that takes over *cfg (which is zeroed).  NULL on
 * out-of-memory.  One reference.
 */
struct vx_device	*vx_device_new(struct vx_device_cfg *cfg);
void			 vx_device_ref(struct vx_device *d);
void			 vx_device_unref(struct vx_device *d);

/*
 * Carries the state operators see across a reload that changed the
 * device's configuration: latest snapshot, counters, the device's history
 * (carried counters, rekeys), less the tunnels remembered as down, and
 * its event store (the per-peer event counts go on growing).
 */
void	vx_device_inherit(struct vx_device *d, struct vx_device *old);

/*
 * Starts the device's listening collectors (syslog: NULL if no listener
 * is configured); a collector that cannot start is logged and reports
 * why at every poll.  Called once the device is in the running table.
 */
void	vx_device_start(struct vx_device *d, struct vx_syslog_listener *syslog);
/*
 * Stops them (a device leaving the running table), after a collection in
 * flight has finished.  Idempotent.
 */
void	vx_device_stop(struct vx_device *d);

/*
 * Collects from the device now (or joins a collection in flight) and
 * publishes the result.  Returns a reference to the snapshot (release with
 * vx_snapshot_unref), or NULL on out-of-memory or if the deadline passed
 * while waiting for another collection.  The same as vx_device_poll, then
 * vx_device_publish if it was fresh.
 */
struct vx_snapshot	*vx_device_collect(struct vx_device *d,
			    struct vx_deadline deadline);

/*
 * vx_device_collect in two halves, for a caller whose polls run on
 * threads that get the CPU last (the /probe pool): the poll there, and the
 * bookkeeping after it (counter history, the tunnel index, the old
 * snapshot freed) on a thread that does not wait behind other polls.
 *
 * vx_device_poll runs the collectors, or joins a collection in flight.
 * *fresh false: the result is the other collection's (a reference), or
 * NULL; nothing more to do.  *fresh true: the device stays in flight (other
 * callers wait for it) until the caller passes the result, NULL included,
 * to vx_device_publish, which it must do exactly once; that returns what
 * vx_device_collect would have.
 */
struct vx_snapshot	*vx_device_poll(struct vx_device *d,
			    struct vx_deadline deadline, bool *fresh);
struct vx_snapshot	*vx_device_publish(struct vx_device *d,
			    struct vx_snapshot *snap);

/*
 * How old a background device's latest poll may be before it is stale:
 * its next poll is due one interval after this one started (longer while
 * it keeps failing: exporter/backoff.c), plus a poll's timeout and an
 * interval of slack.
 */
int64_t			 vx_device_max_age_ms(struct vx_device *d);

/*
 * A reference to the latest snapshot for rendering, NULL if there is none
 * yet.  A snapshot older than max_age_ms is replaced by a stale one that
 * says vpn_up 0 and carries no device data.
 */
struct vx_snapshot	*vx_device_latest(struct vx_device *d,
			    int64_t max_age_ms);

/* Copies the last error message (empty if the last poll succeeded). */
void	vx_device_last_error(struct vx_device *d, char *buf, size_t len);

/*
 * Copies the invalid-SPI counter of the last polls that reported it,
 * oldest first, into out (VX_DEVICE_SPI_HISTORY entries); returns how
 * many.
 */
size_t	vx_device_spi_history(struct vx_device *d,
	    struct vx_counter_sample *out);

#endif
