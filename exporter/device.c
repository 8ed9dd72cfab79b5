#include "device.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "strmap.h"

#define COMPLAIN_FIRST_MS	60000
#define COMPLAIN_MAX_MS		3600000
#define HIST_MAX_AGE_MS		(24 * 3600 * 1000)

/* SPI pairs a tunnel had at the previous poll, and its rekey count. */
struct tunnel_hist {
	uint64_t	*pairs;		/* spi_in << 32 | spi_out */
	size_t		 npairs;
	uint64_t	 rekeys;
	int64_t		 seen_ms;
};

struct vx_spi_hist {
	struct vx_strmap	map;	/* "tunnel\npeer" -> tunnel_hist */
};

struct vx_device *
vx_device_new(struct vx_device_cfg *cfg)
{
	struct vx_device *d = calloc(1, sizeof(*d));

	if (d == NULL)
		return NULL;
	d->complaints = calloc(cfg->ncollectors + 1, sizeof(*d->complaints));
	d->hist = calloc(1, sizeof(*d->hist));
	if (d->complaints == NULL || d->hist == NULL) {
		free(d->complaints);
		free(d->hist);
		free(d);
		return NULL;
	}
	atomic_init(&d->refs, 1);
	atomic_init(&d->retired, false);
	d->cfg = *cfg;
	/* The target points into the configuration it was built from. */
	d->cfg.target.device = d->cfg.name;
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

static bool
drop_hist(void *arg, const char *key, void *value)
{
	struct tunnel_hist *h = value;

	(void)arg;
	(void)key;
	free(h->pairs);
	free(h);
	return true;
}

void
vx_device_unref(struct vx_device *d)
{
	struct vx_device_cfg *c;

	if (d == NULL || atomic_fetch_sub(&d->refs, 1) != 1)
		return;
	c = &d->cfg;
	for (size_t i = 0; i < c->ncollectors; i++)
		c->collectors[i].ops->free(c->collectors[i].state);
	free(c->collectors);
	free(c->name);
	free(c->vendor);
	free(c->address);
	vx_strlist_clear(&c->labels);
	vx_strlist_clear(&c->expected_peers);
	free(c->fingerprint);
	vx_snapshot_unref(d->latest);
	vx_strmap_filter(&d->hist->map, drop_hist, NULL);
	vx_strmap_release(&d->hist->map);
	free(d->hist);
	free(d->complaints);
	pthread_mutex_destroy(&d->lock);
	pthread_cond_destroy(&d->done);
	free(d);
}

void
vx_device_inherit(struct vx_device *d, struct vx_device *old)
{
	struct vx_spi_hist *tmp;

	pthread_mutex_lock(&old->lock);
	if (old->latest != NULL) {
		vx_snapshot_ref(old->latest);
		d->latest = old->latest;
		d->latest_mono_ms = old->latest_mono_ms;
	}
	memcpy(d->errors_total, old->errors_total, sizeof(d->errors_total));
	memcpy(d->last_error, old->last_error, sizeof(d->last_error));
	/* Swap histories: the old device is retired and never polls again. */
	tmp = d->hist;
	d->hist = old->hist;
	old->hist = tmp;
	pthread_mutex_unlock(&old->lock);
}

void
vx_device_last_error(struct vx_device *d, char *buf, size_t len)
{
	pthread_mutex_lock(&d->lock);
	snprintf(buf, len, "%s", d->last_error);
	pthread_mutex_unlock(&d->lock);
}

static bool
pair_in(const uint64_t *pairs, size_t n, uint64_t p)
{
	for (size_t i = 0; i < n; i++) {
		if (pairs[i] == p)
			return true;
	}
	return false;
}

static uint64_t
sa_pair(const struct vx_sa *sa)
{
	return (uint64_t)(sa->has_in ? sa->spi_in : 0) << 32 |
	    (sa->has_out ? sa->spi_out : 0);
}

static bool
drop_old_hist(void *arg, const char *key, void *value)
{
	struct tunnel_hist	*h = value;
	const int64_t		*now = arg;

	if (*now - h->seen_ms < HIST_MAX_AGE_MS)
		return false;
	return drop_hist(NULL, key, value);
}

/*
 * Rekey tracking: an active SA pair the tunnel did not have at the
 * previous poll is a rekey (several phase-2 children of one peer each
 * count).  Pairs are compared as sets, so the order a device lists them
 * in does not matter.  Called with the snapshot not yet published.
 */
static void
track_rekeys(struct vx_device *d, struct vx_snapshot *snap, int64_t now)
{
	struct vx_strmap	*map = &d->hist->map;
	char			 key[2 * VX_MODEL_STR_MAX + 2];

	for (size_t i = 0; i < snap->ntunnels; i++) {
		struct vx_tunnel	*t = snap->tunnels[i];
		struct tunnel_hist	*h;
		uint64_t		*pairs;
		int			 klen;

		if (t->nsas == 0)
			continue;
		klen = snprintf(key, sizeof(key), "%s\n%s", t->name, t->peer);
		h = vx_strmap_get(map, key, (size_t)klen);
		pairs = malloc(t->nsas * sizeof(*pairs));
		if (pairs == NULL)
			continue;
		for (size_t k = 0; k < t->nsas; k++)
			pairs[k] = sa_pair(&t->sas[k]);
		if (h == NULL) {
			h = calloc(1, sizeof(*h));
			if (h == NULL ||
			    !vx_strmap_put(map, key, (size_t)klen, h)) {
				free(h);
				free(pairs);
				continue;
			}
		} else if (h->npairs > 0) {
			for (size_t k = 0; k < t->nsas; k++) {
				if (t->sas[k].state != VX_SA_EXPIRING &&
				    !pair_in(h->pairs, h->npairs, pairs[k]))
					h->rekeys++;
			}
		}
		free(h->pairs);
		h->pairs = pairs;
		h->npairs = t->nsas;
		h->seen_ms = now;
		t->rekeys = h->rekeys;
		t->rekeys_set = true;
	}
	vx_strmap_filter(map, drop_old_hist, &now);
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

/* Runs every collector into one snapshot; never returns partial garbage. */
static struct vx_snapshot *
run_collectors(struct vx_device *d, struct vx_deadline deadline,
    char *errbuf, size_t errlen)
{
	struct vx_device_cfg	*c = &d->cfg;
	struct vx_snapshot	*snap = vx_snapshot_new(c->name);
	size_t			 ok = 0;
	int64_t			 now;

	if (snap == NULL)
		return NULL;
	errbuf[0] = '\0';
	for (size_t i = 0; i + 1 < c->labels.n; i += 2) {
		if (vx_snapshot_add_label(snap, c->labels.v[i],
		    c->labels.v[i + 1]) != 0)
			goto oom;
	}
	snap->runs = vx_arena_alloc(&snap->arena,
	    (c->ncollectors + 1) * sizeof(*snap->runs));
	if (snap->runs == NULL)
		goto oom;
	for (size_t i = 0; i < c->ncollectors; i++) {
		const struct vx_collector_ops	*ops = c->collectors[i].ops;
		struct vx_snapshot		*sub = vx_snapshot_new(c->name);
		struct vx_err			 err;
		int64_t				 t0 = vx_now_mono_ms();
		int				 rc;

		vx_err_clear(&err);
		if (sub == NULL)
			goto oom;
		rc = ops->collect(c->collectors[i].state, &c->target, deadline,
		    sub, &err);
		if (rc == 0 && vx_snapshot_merge(snap, sub) != 0)
			rc = vx_err_set(&err, VX_E_NOMEM, "out of memory");
		vx_snapshot_unref(sub);
		snap->runs[i].collector = ops->name;
		snap->runs[i].duration_ms = vx_now_mono_ms() - t0;
		snap->runs[i].code = rc == 0 ? VX_E_OK : err.code;
		snap->nruns++;
		now = vx_now_mono_ms();
		pthread_mutex_lock(&d->lock);
		if (rc == 0) {
			ok++;
			release(d, i);
		} else {
			if (err.code <= VX_E_OK || err.code >= VX_E__COUNT)
				err.code = VX_E_INTERNAL;
			ops->reset(c->collectors[i].state);
			d->errors_total[err.code]++;
			complain(d, i, &err, now);
			if (errbuf[0] == '\0')
				snprintf(errbuf, errlen, "%s: %s: %s",
				    ops->name, vx_errcode_reason(err.code),
				    err.msg);
		}
		pthread_mutex_unlock(&d->lock);
	}
	snap->up = ok == c->ncollectors && ok > 0;
	if (ok > 0) {
		for (size_t i = 0; i < c->expected_peers.n; i++) {
			if (vx_snapshot_expect_peer(snap,
			    c->expected_peers.v[i]) != 0)
				goto oom;
		}
	}
	return snap;
oom:
	vx_snapshot_unref(snap);
	return NULL;
}

struct vx_snapshot *
vx_device_collect(struct vx_device *d, struct vx_deadline deadline)
{
	struct vx_snapshot	*snap;
	char			 errbuf[sizeof(d->last_error)];
	int64_t			 mono;

	pthread_mutex_lock(&d->lock);
	if (d->in_flight) {
		uint64_t	gen = d->generation;
		struct timespec	ts;
		int64_t		at = vx_now_wall_ms() +
				    vx_deadline_left_ms(deadline);

		ts.tv_sec = at / 1000;
		ts.tv_nsec = (at % 1000) * 1000000;
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

	snap = run_collectors(d, deadline, errbuf, sizeof(errbuf));
	mono = vx_now_mono_ms();

	pthread_mutex_lock(&d->lock);
	if (snap != NULL) {
		track_rekeys(d, snap, mono);
		snap->collected_ms = vx_now_wall_ms();
		memcpy(snap->errors_total, d->errors_total,
		    sizeof(snap->errors_total));
		vx_snapshot_unref(d->latest);
		vx_snapshot_ref(snap);
		d->latest = snap;
		d->latest_mono_ms = mono;
		memcpy(d->last_error, errbuf, sizeof(d->last_error));
	}
	d->in_flight = false;
	d->generation++;
	pthread_cond_broadcast(&d->done);
	pthread_mutex_unlock(&d->lock);
	return snap;
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
		for (size_t i = 0; i < snap->nlabels; i++)
			vx_snapshot_add_label(stale, snap->labels[i].name,
			    snap->labels[i].value);
		memcpy(stale->errors_total, snap->errors_total,
		    sizeof(stale->errors_total));
		stale->collected_ms = snap->collected_ms;
		stale->stale = true;
	}
	vx_snapshot_unref(snap);
	return stale;
}
