#include "runtime.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"

void
vx_runtime_init(struct vx_runtime *rt, const char *config_path,
    struct vx_poller *poller)
{
	memset(rt, 0, sizeof(*rt));
	rt->config_path = config_path;
	rt->poller = poller;
	pthread_mutex_init(&rt->reload_lock, NULL);
	pthread_mutex_init(&rt->lock, NULL);
	rt->start_ms = vx_now_wall_ms();
	vx_correlator_init(&rt->corr);
}

void
vx_devtable_unref(struct vx_devtable *t)
{
	if (t == NULL || atomic_fetch_sub(&t->refs, 1) != 1)
		return;
	for (size_t i = 0; i < t->n; i++)
		vx_device_unref(t->devs[i]);
	free(t->devs);
	vx_strmap_release(&t->byname);
	free(t);
}

void
vx_runtime_release(struct vx_runtime *rt)
{
	if (rt->table != NULL) {
		for (size_t i = 0; i < rt->table->n; i++)
			atomic_store(&rt->table->devs[i]->retired, true);
	}
	vx_devtable_unref(rt->table);
	rt->table = NULL;
	pthread_mutex_destroy(&rt->reload_lock);
	pthread_mutex_destroy(&rt->lock);
	vx_correlator_release(&rt->corr);
}

static struct vx_spi_check *
spi_checks(struct vx_runtime *rt, const struct vx_devtable *t,
    struct vx_snapshot *const *snaps, size_t *n, bool unknown_too)
{
	struct vx_corr_dev	*devs;
	struct vx_snapshot	**held;
	struct vx_spi_check	*checks = NULL;

	*n = 0;
	devs = calloc(t->n + 1, sizeof(*devs));
	held = calloc(t->n + 1, sizeof(*held));
	if (devs != NULL && held != NULL) {
		for (size_t i = 0; i < t->n; i++) {
			const struct vx_device *d = t->devs[i];

			if (snaps[i] == NULL)
				held[i] = vx_device_latest(t->devs[i],
				    2 * d->cfg.interval_ms + d->cfg.timeout_ms);
			devs[i].name = d->cfg.name;
			devs[i].snap = snaps[i] != NULL ? snaps[i] : held[i];
			devs[i].peer_devices = &d->cfg.peer_devices;
			devs[i].grace_ms = d->cfg.spi_mismatch_grace_ms;
			devs[i].wanted = snaps[i] != NULL;
		}
		checks = (unknown_too ? vx_correlate_pairs : vx_correlate)(
		    &rt->corr, devs, t->n, vx_now_wall_ms(), n);
	}
	for (size_t i = 0; held != NULL && i < t->n; i++)
		vx_snapshot_unref(held[i]);
	free(held);
	free(devs);
	return checks;
}

struct vx_spi_check *
vx_runtime_spi_checks(struct vx_runtime *rt, const struct vx_devtable *t,
    struct vx_snapshot *const *snaps, size_t *n)
{
	return spi_checks(rt, t, snaps, n, false);
}

struct vx_spi_check *
vx_runtime_spi_pairs(struct vx_runtime *rt, const struct vx_devtable *t,
    struct vx_snapshot *const *snaps, size_t *n)
{
	return spi_checks(rt, t, snaps, n, true);
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
vx_runtime_reload_status(struct vx_runtime *rt, bool *ok, int64_t *success_ms)
{
	pthread_mutex_lock(&rt->lock);
	*ok = rt->reload_ok;
	*success_ms = rt->reload_success_ms;
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
	size_t			 kept = 0;

	pthread_mutex_lock(&rt->reload_lock);
	cfg = vx_config_load(rt->config_path, &errs);
	old = vx_runtime_table(rt);
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
	rt->reload_ok = true;
	rt->reload_success_ms = vx_now_wall_ms();
	pthread_mutex_unlock(&rt->lock);
	if (rt->poller != NULL)
		vx_poller_set_devices(rt->poller, t->devs, t->n);
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
