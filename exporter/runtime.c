#include "runtime.h"

#include <stdlib.h>
#include <string.h>

#include "fdlimit.h"
#include "log.h"
#include "probe_peers.h"
#include "syslog_listener.h"

void
vx_runtime_init(struct vx_runtime *rt, const char *config_path,
    struct vx_poller *poller)
{
	memset(rt, 0, sizeof(*rt));
	rt->config_path = config_path;
	rt->poller = poller;
	pthread_mutex_init(&rt->reload_lock, NULL);
	pthread_mutex_init(&rt->lock, NULL);
	pthread_cond_init(&rt->reload_cv, NULL);
	rt->start_ms = vx_now_wall_ms();
	vx_correlator_init(&rt->corr);
	vx_adhoc_init(&rt->adhoc);
}

void
vx_devtable_unref(struct vx_devtable *t)
{
	if (t == NULL || atomic_fetch_sub(&t->refs, 1) != 1)
		return;
	for (size_t i = 0; i < t->n; i++)
		vx_device_unref(t->devs[i]);
	vx_locals_index_free(t->locals);
	free(t->devs);
	vx_strmap_release(&t->byname);
	free(t);
}

void
vx_runtime_set_reload_fn(struct vx_runtime *rt, bool (*fn)(void *arg),
    void *arg)
{
	pthread_mutex_lock(&rt->lock);
	rt->reload_fn = fn;
	rt->reload_arg = arg;
	pthread_mutex_unlock(&rt->lock);
}

void
vx_runtime_stop_reloads(struct vx_runtime *rt)
{
	bool join;

	pthread_mutex_lock(&rt->lock);
	rt->stopping = true;
	pthread_cond_signal(&rt->reload_cv);
	join = rt->reloader_started;
	rt->reloader_started = false;
	pthread_mutex_unlock(&rt->lock);
	if (join)
		pthread_join(rt->reloader, NULL);
}

void
vx_runtime_release(struct vx_runtime *rt)
{
	vx_runtime_stop_reloads(rt);
	if (rt->table != NULL) {
		for (size_t i = 0; i < rt->table->n; i++) {
			atomic_store(&rt->table->devs[i]->retired, true);
			vx_device_stop(rt->table->devs[i]);
		}
	}
	vx_devtable_unref(rt->table);
	rt->table = NULL;
	vx_adhoc_release(&rt->adhoc);
	vx_fleet_unref(rt->fleet);
	rt->fleet = NULL;
	/* Every device has stopped: no route into a store is left. */
	vx_syslog_listener_free(rt->syslog);
	rt->syslog = NULL;
	free(rt->syslog_fp);
	rt->syslog_fp = NULL;
	pthread_mutex_destroy(&rt->reload_lock);
	pthread_mutex_destroy(&rt->lock);
	pthread_cond_destroy(&rt->reload_cv);
	vx_correlator_release(&rt->corr);
}

static void *
reloader_main(void *arg)
{
	struct vx_runtime *rt = arg;

	pthread_mutex_lock(&rt->lock);
	for (;;) {
		while (!rt->reload_wanted && !rt->stopping)
			pthread_cond_wait(&rt->reload_cv, &rt->lock);
		if (rt->stopping)
			break;
		rt->reload_wanted = false;
		pthread_mutex_unlock(&rt->lock);
		if (rt->reload_fn != NULL)
			rt->reload_fn(rt->reload_arg);
		else
			vx_runtime_reload(rt, NULL);
		pthread_mutex_lock(&rt->lock);
	}
	pthread_mutex_unlock(&rt->lock);
	return NULL;
}

void
vx_runtime_reload_async(struct vx_runtime *rt)
{
	pthread_mutex_lock(&rt->lock);
	if (!rt->reloader_started && !rt->stopping) {
		if (pthread_create(&rt->reloader, NULL, reloader_main, rt) != 0) {
			pthread_mutex_unlock(&rt->lock);
			vx_log_error("cannot start a reload thread; reloading "
			    "in the signal handler's thread");
			if (rt->reload_fn != NULL)
				rt->reload_fn(rt->reload_arg);
			else
				vx_runtime_reload(rt, NULL);
			return;
		}
		rt->reloader_started = true;
	}
	rt->reload_wanted = true;
	pthread_cond_signal(&rt->reload_cv);
	pthread_mutex_unlock(&rt->lock);
}

/* Logs, once, what the configuration needs against the limit. */
static void
log_fds(struct vx_runtime *rt, const struct vx_fd_need *need)
{
	struct vx_fd_need	n = *need;
	unsigned long long	limit = vx_fd_limit(false);

	if (rt->fds_logged)
		return;
	rt->fds_logged = true;
	if (limit == 0)
		vx_log_info("file descriptors: the configuration needs about "
		    "%zu (%zu kept by devices, %zu for polls, %zu for HTTP); "
		    "no limit", n.total, n.kept, n.polling, n.http);
	else
		vx_log_info("file descriptors: the configuration needs about "
		    "%zu (%zu kept by devices, %zu for polls, %zu for HTTP) of "
		    "the limit of %llu", n.total, n.kept, n.polling, n.http,
		    limit);
}

/*
 * The SPI checks of the tunnels of dv[i] for each snaps[i] given (the
 * snapshot its caller renders); the others' latest snapshots serve as
 * the other ends.
 */
static struct vx_spi_check *
spi_checks(struct vx_runtime *rt, struct vx_device *const *dv, size_t nd,
    struct vx_snapshot *const *snaps, size_t *n, bool unknown_too)
{
	struct vx_corr_dev	*devs;
	struct vx_snapshot	**held;
	struct vx_spi_check	*checks = NULL;

	*n = 0;
	devs = calloc(nd + 1, sizeof(*devs));
	held = calloc(nd + 1, sizeof(*held));
	if (devs != NULL && held != NULL) {
		for (size_t i = 0; i < nd; i++) {
			struct vx_device *d = dv[i];

			if (snaps[i] == NULL)
				held[i] = vx_device_latest(d,
				    vx_device_max_age_ms(d));
			devs[i].name = d->cfg.name;
			devs[i].snap = snaps[i] != NULL ? snaps[i] : held[i];
			devs[i].peer_devices = &d->cfg.peer_devices;
			devs[i].grace_ms = d->cfg.spi_mismatch_grace_ms;
			devs[i].wanted = snaps[i] != NULL;
		}
		checks = (unknown_too ? vx_correlate_pairs : vx_correlate)(
		    &rt->corr, devs, nd, vx_now_wall_ms(), n);
	}
	for (size_t i = 0; held != NULL && i < nd; i++)
		vx_snapshot_unref(held[i]);
	free(held);
	free(devs);
	return checks;
}

struct vx_fleet *
vx_runtime_fleet(struct vx_runtime *rt)
{
	struct vx_fleet *f;

	pthread_mutex_lock(&rt->lock);
	f = rt->fleet;
	if (f != NULL)
		vx_fleet_ref(f);
	pthread_mutex_unlock(&rt->lock);
	return f;
}

/* Drops the /probe devices idle for longer than the config keeps them. */
static void
expire_adhoc(struct vx_runtime *rt)
{
	int64_t idle_ms = -1;

	pthread_mutex_lock(&rt->lock);
	if (rt->fleet != NULL)
		idle_ms = rt->fleet->probe.idle_timeout_ms;
	pthread_mutex_unlock(&rt->lock);
	if (idle_ms >= 0)
		vx_adhoc_expire(&rt->adhoc, idle_ms);
}

size_t
vx_runtime_probe_targets(struct vx_runtime *rt)
{
	expire_adhoc(rt);
	return vx_adhoc_count(&rt->adhoc);
}

size_t
vx_runtime_probe_devices(struct vx_runtime *rt, struct vx_device ***out)
{
	expire_adhoc(rt);
	return vx_adhoc_devices(&rt->adhoc, out);
}

struct vx_device *
vx_runtime_adhoc(struct vx_runtime *rt, struct vx_fleet *f,
    const char *address, const char *module, const char *auth,
    struct vx_strbuf *why)
{
	struct vx_syslog_listener *l;

	pthread_mutex_lock(&rt->lock);
	l = rt->syslog;
	pthread_mutex_unlock(&rt->lock);
	return vx_adhoc_get(&rt->adhoc, f, address, module, auth, l, why);
}

struct vx_spi_check *
vx_runtime_spi_checks(struct vx_runtime *rt, const struct vx_devtable *t,
    struct vx_snapshot *const *snaps, size_t *n)
{
	return spi_checks(rt, t->devs, t->n, snaps, n, false);
}

struct vx_spi_check *
vx_runtime_spi_checks_one(struct vx_runtime *rt, struct vx_devtable *t,
    struct vx_device *d, struct vx_snapshot *snap, size_t *n)
{
	struct vx_device	**cand;
	struct vx_snapshot	**snaps = NULL;
	struct vx_spi_check	 *checks = NULL;
	size_t			  ncand = 0;

	*n = 0;
	if (t == NULL || snap == NULL || t->locals == NULL ||
	    vx_devtable_find(t, d->cfg.name) != d)
		return NULL;
	if ((cand = vx_probe_peers(t, d, snap, &ncand)) == NULL)
		return NULL;
	/* cand[0] is d, with the snapshot being rendered. */
	if ((snaps = calloc(ncand, sizeof(*snaps))) != NULL) {
		snaps[0] = snap;
		checks = spi_checks(rt, cand, ncand, snaps, n, false);
	}
	free(snaps);
	free(cand);
	return checks;
}

struct vx_spi_check *
vx_runtime_spi_pairs(struct vx_runtime *rt, const struct vx_devtable *t,
    struct vx_snapshot *const *snaps, size_t *n)
{
	return spi_checks(rt, t->devs, t->n, snaps, n, true);
}

struct vx_devtable *
vx_runtime_table(struct vx_runtime *rt)
{
	struct vx_devtable *t;

	pthread_mutex_lock(&rt->lock);
	t = rt->table;
	if (t != NULL)
		atomic_fetch_add(&t->refs, 1);
	pthread_mutex_unlock(&rt->lock);
	return t;
}

struct vx_device *
vx_devtable_find(const struct vx_devtable *t, const char *name)
{
	return vx_strmap_get(&t->byname, name, strlen(name));
}

void
vx_runtime_syslog_stats(struct vx_runtime *rt, struct vx_syslog_stats *out)
{
	struct vx_syslog_listener *l;

	pthread_mutex_lock(&rt->lock);
	l = rt->syslog;
	pthread_mutex_unlock(&rt->lock);
	vx_syslog_listener_stats(l, out);
}

/*
 * Applies a changed "syslog:" section.  Returns false (with err) if a new
 * address cannot be bound; the listener is then as it was.
 */
static bool
apply_syslog(struct vx_runtime *rt, const struct vx_config *cfg,
    struct vx_err *err)
{
	const struct vx_syslog_cfg *c = &cfg->syslog;

	if (rt->syslog_fp != NULL && strcmp(rt->syslog_fp, c->fingerprint) == 0)
		return true;
	if (c->enabled) {
		if (rt->syslog == NULL) {
			struct vx_syslog_listener *l = vx_syslog_listener_new();

			if (l == NULL) {
				vx_err_set(err, VX_E_NOMEM, "out of memory");
				return false;
			}
			pthread_mutex_lock(&rt->lock);
			rt->syslog = l;
			pthread_mutex_unlock(&rt->lock);
		}
		if (vx_syslog_listener_bind(rt->syslog, &c->s, err) != 0)
			return false;
		for (size_t i = 0; i < c->s.udp.n; i++)
			vx_log_info("syslog: listening on udp %s", c->s.udp.v[i]);
		for (size_t i = 0; i < c->s.tcp.n; i++)
			vx_log_info("syslog: listening on tcp %s", c->s.tcp.v[i]);
	} else if (rt->syslog != NULL) {
		vx_syslog_listener_close(rt->syslog);
		vx_log_info("syslog: not listening any more");
	}
	free(rt->syslog_fp);
	rt->syslog_fp = strdup(c->fingerprint);
	return true;
}

void
vx_runtime_reload_status(struct vx_runtime *rt, bool *ok, int64_t *success_ms)
{
	pthread_mutex_lock(&rt->lock);
	*ok = rt->reload_ok;
	*success_ms = rt->reload_success_ms;
	pthread_mutex_unlock(&rt->lock);
}

void
vx_runtime_reload_failed(struct vx_runtime *rt)
{
	pthread_mutex_lock(&rt->lock);
	rt->reload_ok = false;
	pthread_mutex_unlock(&rt->lock);
}

/* The new table: unchanged devices are kept (sessions and all). */
static struct vx_devtable *
build_table(struct vx_config *cfg, const struct vx_devtable *old)
{
	struct vx_devtable *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return NULL;
	atomic_init(&t->refs, 1);
	t->devs = calloc(cfg->ndevices + 1, sizeof(*t->devs));
	if (t->devs == NULL) {
		free(t);
		return NULL;
	}
	for (size_t i = 0; i < cfg->ndevices; i++) {
		struct vx_device_cfg	*dc = &cfg->devices[i];
		struct vx_device	*prev = old == NULL ? NULL :
					    vx_devtable_find(old, dc->name);
		struct vx_device	*d;

		if (prev != NULL &&
		    strcmp(prev->cfg.fingerprint, dc->fingerprint) == 0) {
			vx_device_ref(prev);
			d = prev;
		} else {
			d = vx_device_new(dc);
			if (d == NULL)
				goto fail;
			if (prev != NULL)
				vx_device_inherit(d, prev);
		}
		t->devs[t->n++] = d;
		if (!vx_strmap_put(&t->byname, d->cfg.name,
		    strlen(d->cfg.name), d))
			goto fail;
	}
	if ((t->locals = vx_locals_index_new(t->devs, t->n)) == NULL)
		goto fail;
	return t;
fail:
	vx_devtable_unref(t);
	return NULL;
}

bool
vx_runtime_reload(struct vx_runtime *rt, struct vx_strbuf *errors)
{
	struct vx_cfg_errors	 errs = { NULL, 0, 0 };
	struct vx_config	*cfg;
	struct vx_devtable	*old, *t = NULL;
	struct vx_err		 serr;
	size_t			 kept = 0;
	struct vx_fd_need	 need;

	pthread_mutex_lock(&rt->reload_lock);
	vx_err_clear(&serr);
	cfg = vx_config_load(rt->config_path, &errs);
	/* A configuration that cannot fit in the descriptor limit. */
	if (cfg != NULL && !vx_fd_check(cfg, vx_poller_workers(rt->poller),
	    vx_fd_limit(false), &errs)) {
		vx_config_free(cfg);
		cfg = NULL;
	}
	old = vx_runtime_table(rt);
	if (cfg != NULL && !apply_syslog(rt, cfg, &serr)) {
		vx_cfg_error(&errs, NULL, "%s: %s", rt->config_path, serr.msg);
		vx_config_free(cfg);
		cfg = NULL;
	}
	/* Before build_table, which takes the devices' configurations. */
	if (cfg != NULL)
		vx_fd_need(cfg, vx_poller_workers(rt->poller), &need);
	if (cfg != NULL)
		t = build_table(cfg, old);
	if (t == NULL) {
		for (size_t i = 0; i < errs.n; i++) {
			vx_log_error("%s", errs.msgs[i]);
			if (errors != NULL)
				vx_strbuf_addf(errors, "%s\n", errs.msgs[i]);
		}
		if (cfg != NULL) {
			vx_log_error("%s: out of memory building devices",
			    rt->config_path);
			if (errors != NULL)
				vx_strbuf_addstr(errors, "out of memory\n");
		}
		vx_log_error("%s: configuration not loaded (%zu error%s); "
		    "%s", rt->config_path, errs.n, errs.n == 1 ? "" : "s",
		    old != NULL ? "keeping the running configuration" :
		    "nothing to run");
		pthread_mutex_lock(&rt->lock);
		rt->reload_ok = false;
		pthread_mutex_unlock(&rt->lock);
		vx_cfg_errors_release(&errs);
		vx_config_free(cfg);
		vx_devtable_unref(old);
		pthread_mutex_unlock(&rt->reload_lock);
		return false;
	}
	/*
	 * New and changed devices listen before they are polled; a changed
	 * one takes its sources over from the old one before that stops.
	 */
	for (size_t i = 0; i < t->n; i++) {
		if (!t->devs[i]->started)
			vx_device_start(t->devs[i], rt->syslog);
	}
	/* Devices the new table does not keep stop being polled. */
	if (old != NULL) {
		for (size_t i = 0; i < old->n; i++) {
			struct vx_device *d = old->devs[i];

			if (vx_devtable_find(t, d->cfg.name) == d)
				kept++;
			else
				atomic_store(&d->retired, true);
		}
	}
	pthread_mutex_lock(&rt->lock);
	rt->table = t;
	vx_fleet_unref(rt->fleet);
	rt->fleet = cfg->fleet;		/* the configuration's reference */
	cfg->fleet = NULL;
	rt->reload_ok = true;
	rt->reload_success_ms = vx_now_wall_ms();
	pthread_mutex_unlock(&rt->lock);
	log_fds(rt, &need);
	if (rt->poller != NULL)
		vx_poller_set_devices(rt->poller, t->devs, t->n);
	for (size_t i = 0; old != NULL && i < old->n; i++) {
		if (atomic_load(&old->devs[i]->retired))
			vx_device_stop(old->devs[i]);
	}
	if (rt->fleet == NULL)
		vx_adhoc_clear(&rt->adhoc);
	vx_log_info("%s: configuration loaded: %zu device%s (%zu unchanged)",
	    rt->config_path, t->n, t->n == 1 ? "" : "s", kept);
	if (old != NULL) {
		vx_devtable_unref(old);	/* our reference */
		vx_devtable_unref(old);	/* the runtime's */
	}
	vx_config_free(cfg);
	pthread_mutex_unlock(&rt->reload_lock);
	return true;
}
