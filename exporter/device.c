#include "device.h"

#include "backoff.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "events.h"
#include "history.h"
#include "log.h"
#include "scrub.h"
#include "render.h"

#define COMPLAIN_FIRST_MS	60000
#define COMPLAIN_MAX_MS		3600000

struct vx_device *
vx_device_new(struct vx_device_cfg *cfg)
{
	struct vx_device *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return NULL;
	d->complaints = calloc(cfg->ncollectors + 1, sizeof(*d->complaints));
	d->hist = vx_history_new();
	d->events = vx_event_store_new();
	if (d->complaints == NULL || d->hist == NULL || d->events == NULL) {
		free(d->complaints);
		vx_history_free(d->hist);
		vx_event_store_unref(d->events);
		free(d);
		return NULL;
	}
	atomic_init(&d->refs, 1);
	atomic_init(&d->retired, false);
	atomic_init(&d->failures, 0);
	d->cfg = *cfg;
	/* The target points into the configuration it was built from. */
	d->cfg.target.device = d->cfg.name;
	d->cfg.target.vendor = d->cfg.vendor;
	d->cfg.target.address = d->cfg.address;
	d->cfg.target.expected_peers = &d->cfg.expected_peers;
	memset(cfg, 0, sizeof(*cfg));
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->done, NULL);
	return d;
}

void
vx_device_ref(struct vx_device *d)
{
	atomic_fetch_add(&d->refs, 1);
}

void
vx_device_unref(struct vx_device *d)
{
	struct vx_device_cfg *c;

	if (d == NULL || atomic_fetch_sub(&d->refs, 1) != 1)
		return;
	c = &d->cfg;
	vx_device_stop(d);
	for (size_t i = 0; i < c->ncollectors; i++)
		c->collectors[i].ops->free(c->collectors[i].state);
	free(c->collectors);
	free(c->name);
	free(c->vendor);
	free(c->address);
	free(c->module);
	free(c->auth);
	vx_strlist_clear(&c->labels);
	vx_strlist_clear(&c->expected_peers);
	vx_strlist_clear(&c->peer_devices);
	vx_strlist_clear_secrets(&c->secrets);
	free(c->fingerprint);
	vx_snapshot_unref(d->latest);
	vx_history_free(d->hist);
	vx_event_store_unref(d->events);
	free(d->complaints);
	pthread_mutex_destroy(&d->lock);
	pthread_cond_destroy(&d->done);
	free(d);
}

void
vx_device_inherit(struct vx_device *d, struct vx_device *old)
{
	struct vx_history	*tmp;
	struct vx_event_store	*ev;

	pthread_mutex_lock(&old->lock);
	if (old->latest != NULL) {
		vx_snapshot_ref(old->latest);
		d->latest = old->latest;
		d->latest_mono_ms = old->latest_mono_ms;
	}
	memcpy(d->errors_total, old->errors_total, sizeof(d->errors_total));
	memcpy(d->last_error, old->last_error, sizeof(d->last_error));
	memcpy(d->spi_hist, old->spi_hist, sizeof(d->spi_hist));
	d->spi_hist_n = old->spi_hist_n;
	d->spi_hist_next = old->spi_hist_next;
	/*
	 * Swap histories: the old device is retired and never polls again.
	 * Carried counters go on; tunnels remembered as down are forgotten,
	 * since the configuration that made them expected changed.
	 */
	tmp = d->hist;
	d->hist = old->hist;
	old->hist = tmp;
	vx_history_forget_absent(d->hist);
	/*
	 * The events too: the old device's listener goes on counting into
	 * the store until this one's takes its sources over.
	 */
	ev = d->events;
	d->events = old->events;
	old->events = ev;
	pthread_mutex_unlock(&old->lock);
}

void
vx_device_start(struct vx_device *d, struct vx_syslog_listener *syslog)
{
	struct vx_push push = { syslog, d->events };

	for (size_t i = 0; i < d->cfg.ncollectors; i++) {
		const struct vx_collector_ops	*ops = d->cfg.collectors[i].ops;
		const char			*kv[] = {
			"device", d->cfg.name, "collector", ops->name,
			"reason", NULL, NULL,
		};
		struct vx_err			 err;

		if (ops->start == NULL)
			continue;
		vx_err_clear(&err);
		if (ops->start(d->cfg.collectors[i].state, &d->cfg.target,
		    &push, &err) != 0) {
			kv[5] = vx_errcode_reason(err.code);
			vx_log_kv(VX_LOG_ERROR, kv, "cannot start: %s", err.msg);
		}
	}
	d->started = true;
}

void
vx_device_stop(struct vx_device *d)
{
	bool any = false;

	for (size_t i = 0; i < d->cfg.ncollectors; i++)
		any = any || d->cfg.collectors[i].ops->stop != NULL;
	if (!d->started || !any)
		return;
	/* Not under a collection: it reads what stop() releases. */
	pthread_mutex_lock(&d->lock);
	while (d->in_flight)
		pthread_cond_wait(&d->done, &d->lock);
	d->in_flight = true;
	pthread_mutex_unlock(&d->lock);
	for (size_t i = 0; i < d->cfg.ncollectors; i++) {
		const struct vx_collector_ops *ops = d->cfg.collectors[i].ops;

		if (ops->stop != NULL)
			ops->stop(d->cfg.collectors[i].state);
	}
	pthread_mutex_lock(&d->lock);
	d->started = false;
	d->in_flight = false;
	d->generation++;
	pthread_cond_broadcast(&d->done);
	pthread_mutex_unlock(&d->lock);
}

void
vx_device_last_error(struct vx_device *d, char *buf, size_t len)
{
	pthread_mutex_lock(&d->lock);
	snprintf(buf, len, "%s", d->last_error);
	pthread_mutex_unlock(&d->lock);
}

size_t
vx_device_spi_history(struct vx_device *d, struct vx_counter_sample *out)
{
	size_t n;

	pthread_mutex_lock(&d->lock);
	n = d->spi_hist_n;
	for (size_t i = 0; i < n; i++)
		out[i] = d->spi_hist[(d->spi_hist_next + VX_DEVICE_SPI_HISTORY -
		    n + i) % VX_DEVICE_SPI_HISTORY];
	pthread_mutex_unlock(&d->lock);
	return n;
}

/* Logs a collector failure once, then at growing intervals. */
static void
complain(struct vx_device *d, size_t ci, const struct vx_err *err,
    int64_t now)
{
	struct vx_complaint	*c = &d->complaints[ci];
	const char		*kv[] = {
		"device", d->cfg.name,
		"collector", d->cfg.collectors[ci].ops->name,
		"reason", vx_errcode_reason(err->code),
		NULL,
	};

	if (c->failing && c->code == err->code && now < c->next_ms) {
		c->suppressed++;
		vx_log_kv(VX_LOG_DEBUG, kv, "%s", err->msg);
		return;
	}
	if (c->failing && c->code == err->code)
		vx_log_kv(VX_LOG_ERROR, kv, "%s (still failing; %lu similar "
		    "failures not logged)", err->msg, c->suppressed);
	else
		vx_log_kv(VX_LOG_ERROR, kv, "%s", err->msg);
	if (!c->failing || c->code != err->code)
		c->interval_ms = d->cfg.interval_ms > COMPLAIN_FIRST_MS ?
		    d->cfg.interval_ms : COMPLAIN_FIRST_MS;
	else if (c->interval_ms < COMPLAIN_MAX_MS)
		c->interval_ms *= 2;
	c->failing = true;
	c->code = err->code;
	c->next_ms = now + c->interval_ms;
	c->suppressed = 0;
}

static void
release(struct vx_device *d, size_t ci)
{
	struct vx_complaint	*c = &d->complaints[ci];
	const char		*kv[] = {
		"device", d->cfg.name,
		"collector", d->cfg.collectors[ci].ops->name,
		NULL,
	};

	if (!c->failing)
		return;
	vx_log_kv(VX_LOG_INFO, kv, "collection recovered");
	memset(c, 0, sizeof(*c));
}

/* Copies the device's labels and alert thresholds into snap. */
static int
add_config_data(const struct vx_device_cfg *c, struct vx_snapshot *snap)
{
	for (size_t i = 0; i + 1 < c->labels.n; i += 2) {
		if (vx_snapshot_add_label(snap, c->labels.v[i],
		    c->labels.v[i + 1]) != 0)
			return -VX_E_NOMEM;
	}
	for (size_t i = 0; i < c->nthresholds; i++) {
		if (vx_snapshot_add_threshold(snap, c->thresholds[i].alert,
		    c->thresholds[i].severity, c->thresholds[i].value) != 0)
			return -VX_E_NOMEM;
	}
	return 0;
}

/*
 * Runs every collector into one snapshot; never returns partial garbage.
 * Each field (a device value, a tunnel counter, the drop table) comes from
 * its one source collector: a failed source leaves the field absent for
 * this poll instead of letting another collector's different counter
 * fill the same series.
 */
static struct vx_snapshot *
run_collectors(struct vx_device *d, struct vx_deadline deadline,
    char *errbuf, size_t errlen)
{
	struct vx_device_cfg	*c = &d->cfg;
	struct vx_snapshot	*snap = NULL;
	struct vx_collector_run	*runs;
	uint32_t		 known = 0;
	size_t			 ok = 0;
	int64_t			 now, start = vx_now_mono_ms();

	errbuf[0] = '\0';
	runs = calloc(c->ncollectors + 1, sizeof(*runs));
	if (runs == NULL)
		return NULL;
	for (size_t i = 0; i < c->ncollectors; i++) {
		const struct vx_collector_ops	*ops = c->collectors[i].ops;
		const struct vx_fields		*allow = &c->collectors[i].allow;
		struct vx_snapshot		*sub = vx_snapshot_new(c->name);
		struct vx_err			 err;
		int64_t				 t0 = vx_now_mono_ms();
		uint64_t			 requests;
		int				 rc;

		vx_err_clear(&err);
		if (sub == NULL)
			goto oom;
		rc = ops->collect(c->collectors[i].state, &c->target, deadline,
		    sub, &err);
		/*
		 * The deadline bounds the whole poll, parsing and mapping
		 * included: data that took longer is not served as current.
		 */
		if (rc == 0 && vx_deadline_passed(deadline))
			rc = vx_err_set(&err, VX_E_TIMEOUT, "the poll took "
			    "%lldms, past its deadline of %lldms (the device "
			    "answered; reading its answers took too long)",
			    (long long)(vx_now_mono_ms() - start),
			    (long long)(deadline.at_ms - start));
		/* Whatever the device sent back, its secrets stay here. */
		vx_scrub_text(err.msg, (const char *const *)c->secrets.v,
		    c->secrets.n);
		if (rc == 0 && vx_snapshot_scrub(sub,
		    (const char *const *)c->secrets.v, c->secrets.n) > 0 &&
		    vx_snapshot_reindex(sub) != 0)
			rc = vx_err_set(&err, VX_E_NOMEM, "out of memory");
		if (rc == 0) {
			vx_snapshot_restrict(sub, allow);
			/*
			 * The first collector's snapshot becomes the poll's:
			 * merging it into an empty one would copy every
			 * tunnel of a big device once more.
			 */
			if (snap == NULL) {
				snap = sub;
				vx_snapshot_ref(snap);
			} else if (vx_snapshot_merge(snap, sub) != 0) {
				rc = vx_err_set(&err, VX_E_NOMEM,
				    "out of memory");
			}
		}
		requests = sub->requests;
		vx_snapshot_unref(sub);
		if (rc == 0) {
			for (int k = 0; k < VX_TC__COUNT; k++) {
				if (allow->tun[k])
					known |= 1u << k;
			}
		}
		runs[i].collector = ops->name;
		runs[i].duration_ms = vx_now_mono_ms() - t0;
		runs[i].code = rc == 0 ? VX_E_OK : err.code;
		runs[i].requests = requests;
		runs[i].requests_set = requests > 0;
		now = vx_now_mono_ms();
		pthread_mutex_lock(&d->lock);
		if (rc == 0) {
			ok++;
			release(d, i);
		} else {
			if (err.code <= VX_E_OK || err.code >= VX_E__COUNT)
				err.code = VX_E_INTERNAL;
			runs[i].code = err.code;
			ops->reset(c->collectors[i].state);
			/* A poll cancelled by a shutdown is not the device's. */
			if (!vx_deadline_cancelled()) {
				d->errors_total[err.code]++;
				complain(d, i, &err, now);
			}
			if (errbuf[0] == '\0')
				snprintf(errbuf, errlen, "%s: %s: %s",
				    ops->name, vx_errcode_reason(err.code),
				    err.msg);
		}
		pthread_mutex_unlock(&d->lock);
	}
	if (snap == NULL && (snap = vx_snapshot_new(c->name)) == NULL)
		goto oom;
	snap->requests = 0;
	snap->tun_ctr_known = known;
	snap->runs = vx_arena_alloc(&snap->arena,
	    (c->ncollectors + 1) * sizeof(*snap->runs));
	if (snap->runs == NULL || add_config_data(c, snap) != 0)
		goto oom;
	memcpy(snap->runs, runs, c->ncollectors * sizeof(*runs));
	snap->nruns = c->ncollectors;
	free(runs);
	runs = NULL;
	snap->up = ok == c->ncollectors && ok > 0;
	snap->complete = snap->up;
	if (ok > 0 && vx_snapshot_expect_peers(snap,
	    (const char *const *)c->expected_peers.v,
	    c->expected_peers.n) != 0)
		goto oom;
	return snap;
oom:
	free(runs);
	vx_snapshot_unref(snap);
	return NULL;
}

struct vx_snapshot *
vx_device_poll(struct vx_device *d, struct vx_deadline deadline, bool *fresh)
{
	struct vx_snapshot	*snap;

	*fresh = false;
	pthread_mutex_lock(&d->lock);
	if (d->in_flight) {
		uint64_t	gen = d->generation;
		struct timespec	ts = vx_ms_timespec(vx_now_wall_ms() +
			    vx_deadline_left_ms(deadline));

		while (d->in_flight && d->generation == gen) {
			if (pthread_cond_timedwait(&d->done, &d->lock,
			    &ts) != 0)
				break;
		}
		snap = d->generation != gen ? d->latest : NULL;
		if (snap != NULL)
			vx_snapshot_ref(snap);
		pthread_mutex_unlock(&d->lock);
		return snap;
	}
	d->in_flight = true;
	pthread_mutex_unlock(&d->lock);

	/* in_flight: the poll's own until vx_device_publish. */
	snap = run_collectors(d, deadline, d->poll_error,
	    sizeof(d->poll_error));
	d->poll_mono_ms = vx_now_mono_ms();
	*fresh = true;
	return snap;
}

struct vx_snapshot *
vx_device_publish(struct vx_device *d, struct vx_snapshot *snap)
{
	struct vx_snapshot	*old = NULL;
	int64_t			 mono = d->poll_mono_ms;

	pthread_mutex_lock(&d->lock);
	if (snap != NULL) {
		struct vx_history_opts	ho = { d->cfg.forget_after_ms };
		bool			any_ok = false;

		for (size_t i = 0; i < snap->nruns; i++)
			any_ok = any_ok || snap->runs[i].code == VX_E_OK;
		if (any_ok)
			atomic_store(&d->failures, 0);
		else
			atomic_fetch_add(&d->failures, 1);
		int64_t			wall = vx_now_wall_ms();
		uint64_t		spi;

		if (vx_history_apply(d->hist, snap, &ho, wall) != 0)
			vx_log_kv(VX_LOG_ERROR, (const char *[]){ "device",
			    d->cfg.name, NULL }, "out of memory applying the "
			    "device's history; counters may be off this once");
		snap->collected_ms = wall;
		memcpy(snap->errors_total, d->errors_total,
		    sizeof(snap->errors_total));
		/*
		 * /metrics serves background devices' latest snapshots: their
		 * samples are rendered and compressed once, here, outside the
		 * lock, rather than at every scrape (core/render.h).  A
		 * snapshot without its cache is rendered at scrape time.
		 */
		pthread_mutex_unlock(&d->lock);
		/* For matching tunnel ends across devices (correlate.c). */
		(void)vx_snapshot_index_locals(snap);
		if (d->cfg.background)
			(void)vx_render_cache_build(snap);
		pthread_mutex_lock(&d->lock);
		old = d->latest;
		vx_snapshot_ref(snap);
		d->latest = snap;
		d->latest_mono_ms = mono;
		memcpy(d->last_error, d->poll_error, sizeof(d->last_error));
		if (vx_snapshot_get_dev(snap, VX_DV_INVALID_SPI, &spi)) {
			d->spi_hist[d->spi_hist_next] =
			    (struct vx_counter_sample){ wall, spi };
			d->spi_hist_next = (d->spi_hist_next + 1) %
			    VX_DEVICE_SPI_HISTORY;
			if (d->spi_hist_n < VX_DEVICE_SPI_HISTORY)
				d->spi_hist_n++;
		}
	}
	d->in_flight = false;
	d->generation++;
	pthread_cond_broadcast(&d->done);
	pthread_mutex_unlock(&d->lock);
	/* A whole snapshot: freed outside the lock that readers take. */
	vx_snapshot_unref(old);
	return snap;
}

struct vx_snapshot *
vx_device_collect(struct vx_device *d, struct vx_deadline deadline)
{
	bool			 fresh;
	struct vx_snapshot	*snap = vx_device_poll(d, deadline, &fresh);

	return fresh ? vx_device_publish(d, snap) : snap;
}

int64_t
vx_device_max_age_ms(struct vx_device *d)
{
	int64_t next = vx_backoff_delay_ms(d->cfg.interval_ms,
	    atomic_load(&d->failures), 0);

	/* Its jitter adds up to a tenth. */
	return next + next / 10 + d->cfg.interval_ms + d->cfg.timeout_ms;
}

struct vx_snapshot *
vx_device_latest(struct vx_device *d, int64_t max_age_ms)
{
	struct vx_snapshot	*snap, *stale;
	int64_t			 age;

	pthread_mutex_lock(&d->lock);
	snap = d->latest;
	age = vx_now_mono_ms() - d->latest_mono_ms;
	if (snap != NULL)
		vx_snapshot_ref(snap);
	pthread_mutex_unlock(&d->lock);
	if (snap == NULL || max_age_ms <= 0 || age <= max_age_ms)
		return snap;

	/*
	 * The poller has not refreshed this device in time (a stuck worker,
	 * an overloaded pool): say so instead of serving old tunnels.
	 */
	stale = vx_snapshot_new(d->cfg.name);
	if (stale != NULL) {
		add_config_data(&d->cfg, stale);
		memcpy(stale->errors_total, snap->errors_total,
		    sizeof(stale->errors_total));
		stale->collected_ms = snap->collected_ms;
		stale->stale = true;
	}
	vx_snapshot_unref(snap);
	return stale;
}
