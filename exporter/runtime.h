#ifndef VX_RUNTIME_H
#define VX_RUNTIME_H

/*
 * The running state: the device table built from the configuration, the
 * poller, and reload bookkeeping.  A reload builds a whole new table and
 * swaps it in only if the new configuration is valid (nginx: the old
 * cycle keeps running when the new one fails).  Readers take a reference
 * to the table and never see it change under them.
 */

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>

#include "adhoc.h"
#include "correlate.h"
#include "device.h"
#include "events.h"
#include "locals_index.h"
#include "poller.h"
#include "strbuf.h"
#include "strmap.h"

struct vx_devtable {
	atomic_int		  refs;
	struct vx_device	**devs;
	size_t			  n;
	struct vx_strmap	  byname;
	struct vx_locals_index	 *locals;	/* who holds each local address */
};

struct vx_runtime {
	const char		*config_path;
	struct vx_poller	*poller;	/* NULL: no background polling */

	pthread_mutex_t		 reload_lock;	/* one reload at a time */
	pthread_mutex_t		 lock;		/* table and the fields below */
	struct vx_devtable	*table;
	bool			 reload_ok;
	int64_t			 reload_success_ms;
	int64_t			 start_ms;
	struct vx_correlator	 corr;		/* SPI agreement of pairs */
	bool			 fds_logged;	/* the need, once */

	/* The reload thread (vx_runtime_reload_async), under lock. */
	pthread_t		 reloader;
	pthread_cond_t		 reload_cv;
	bool			 reloader_started;
	bool			 reload_wanted;
	bool			 stopping;
	/* What the reload thread runs, if not vx_runtime_reload. */
	bool			(*reload_fn)(void *arg);
	void			*reload_arg;

	/*
	 * The syslog listener, created when a configuration first has a
	 * "syslog:" section; its settings as loaded (reload_lock).
	 */
	struct vx_syslog_listener *syslog;
	char			*syslog_fp;

	/*
	 * /probe of addresses not in the configuration: the running
	 * configuration's modules and auths (under lock; NULL without
	 * "probe_targets:"), and the devices made for them.
	 */
	struct vx_fleet		*fleet;
	struct vx_adhoc		 adhoc;
};

void	vx_runtime_init(struct vx_runtime *rt, const char *config_path,
	    struct vx_poller *poller);
void	vx_runtime_release(struct vx_runtime *rt);

/*
 * Loads the configuration file and, if it is valid, swaps in the new
 * device table.  Every error is logged and, if errors is not NULL,
 * appended to it one per line.  Returns true on success; on failure the
 * running table stays as it was.  A changed "syslog:" section rebinds
 * the listener first; an address that cannot be bound refuses the
 * reload.  New and changed devices start listening, removed ones stop.
 */
bool	vx_runtime_reload(struct vx_runtime *rt, struct vx_strbuf *errors);

/*
 * Asks for a reload (SIGHUP) and returns at once: the reload runs in a
 * thread of its own, so that the main thread is always free to handle
 * SIGTERM.  Requests made while a reload runs are served by one more.
 */
void	vx_runtime_reload_async(struct vx_runtime *rt);
/*
 * What the reload thread runs instead of vx_runtime_reload (which fn
 * must call), for a reload of more than the device table (the web
 * configuration).  Set before the first vx_runtime_reload_async.
 */
void	vx_runtime_set_reload_fn(struct vx_runtime *rt, bool (*fn)(void *arg),
	    void *arg);
/*
 * Ends the reload thread, after the reload in progress if any; later
 * requests are ignored.  Before freeing what reload_fn uses.
 */
void	vx_runtime_stop_reloads(struct vx_runtime *rt);

/* A reference to the running fleet settings (vx_fleet_unref), or NULL. */
struct vx_fleet		*vx_runtime_fleet(struct vx_runtime *rt);
/*
 * The device for /probe?target=ADDRESS (canonical text), made on demand:
 * see adhoc.h.  A reference, or NULL with why.
 */
struct vx_device	*vx_runtime_adhoc(struct vx_runtime *rt,
			    struct vx_fleet *f, const char *address,
			    const char *module, const char *auth,
			    struct vx_strbuf *why);

/* Devices made for /probe?target= and kept (adhoc.h). */
size_t			 vx_runtime_probe_targets(struct vx_runtime *rt);
/* References to them, most recently probed first (vx_adhoc_devices). */
size_t			 vx_runtime_probe_devices(struct vx_runtime *rt,
			    struct vx_device ***out);

/* A reference to the current table (release with vx_devtable_unref). */
struct vx_devtable	*vx_runtime_table(struct vx_runtime *rt);
void			 vx_devtable_unref(struct vx_devtable *t);
struct vx_device	*vx_devtable_find(const struct vx_devtable *t,
			    const char *name);

/*
 * The SPI agreement of the tunnels of the devices the caller renders:
 * snaps[i] is its snapshot of t->devs[i], or NULL for a device it does
 * not render (whose latest snapshot is still used as the other end).
 * Returns a malloc'd array pointing into snaps (free() it), *n checks.
 */
struct vx_spi_check	*vx_runtime_spi_checks(struct vx_runtime *rt,
			    const struct vx_devtable *t,
			    struct vx_snapshot *const *snaps, size_t *n);
/*
 * The checks of one device's tunnels alone (its snapshot snap), for
 * /probe: the same as vx_runtime_spi_checks with only d's snapshot
 * given, but the other ends are found through the table's locals index,
 * so the cost follows d's tunnels, not the size of the fleet.  No checks
 * if d is not t's (an ad-hoc /probe target).
 */
struct vx_spi_check	*vx_runtime_spi_checks_one(struct vx_runtime *rt,
			    struct vx_devtable *t, struct vx_device *d,
			    struct vx_snapshot *snap, size_t *n);
/* The same with the pairs of unknown agreement (vx_correlate_pairs). */
struct vx_spi_check	*vx_runtime_spi_pairs(struct vx_runtime *rt,
			    const struct vx_devtable *t,
			    struct vx_snapshot *const *snaps, size_t *n);

/*
 * Marks the last reload as failed (the web configuration, reloaded with
 * the configuration, was refused).
 */
void	vx_runtime_reload_failed(struct vx_runtime *rt);
/* The syslog listener's figures for the self-metrics (zero: none). */
void	vx_runtime_syslog_stats(struct vx_runtime *rt,
	    struct vx_syslog_stats *out);

/* Reload status for the self-metrics. */
void	vx_runtime_reload_status(struct vx_runtime *rt, bool *ok,
	    int64_t *success_ms);

#endif
