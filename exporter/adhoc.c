/* Devices made on demand for /probe (adhoc.h). */
#include "adhoc.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "log.h"

#include "banned.h"

static void
unref(struct vx_device *d)
{
	if (d != NULL)
		vx_device_unref(d);
}

struct adhoc_entry {
	char			*key;
	size_t			 klen;
	struct vx_device	*dev;
	uint64_t		 generation;	/* of the fleet it was made with */
	int64_t			 used_ms;	/* monotonic */
	struct adhoc_entry	*prev, *next;
};

void
vx_adhoc_init(struct vx_adhoc *a)
{
	memset(a, 0, sizeof(*a));
	pthread_mutex_init(&a->lock, NULL);
}

static void
unlink_entry(struct vx_adhoc *a, struct adhoc_entry *e)
{
	if (e->prev != NULL)
		e->prev->next = e->next;
	else
		a->head = e->next;
	if (e->next != NULL)
		e->next->prev = e->prev;
	else
		a->tail = e->prev;
	e->prev = e->next = NULL;
}

static void
push_front(struct vx_adhoc *a, struct adhoc_entry *e)
{
	e->prev = NULL;
	e->next = a->head;
	if (a->head != NULL)
		a->head->prev = e;
	a->head = e;
	if (a->tail == NULL)
		a->tail = e;
}

static bool
is_entry(void *arg, const char *key, void *value)
{
	(void)key;
	return value == arg;
}

/* Takes e out of the cache; its device is the caller's to unref. */
static struct vx_device *
remove_entry(struct vx_adhoc *a, struct adhoc_entry *e)
{
	struct vx_device *d = e->dev;

	unlink_entry(a, e);
	vx_strmap_filter(&a->bykey, is_entry, e);
	a->n--;
	free(e->key);
	free(e);
	return d;
}

/* Drops the entries last used before cutoff (all: INT64_MAX). */
static void
drop_older(struct vx_adhoc *a, int64_t cutoff)
{
	struct vx_device	**drop;
	size_t			  n = 0;

	pthread_mutex_lock(&a->lock);
	if (a->tail == NULL || a->tail->used_ms >= cutoff) {
		pthread_mutex_unlock(&a->lock);
		return;
	}
	drop = calloc(a->n + 1, sizeof(*drop));
	while (a->tail != NULL && a->tail->used_ms < cutoff) {
		struct vx_device *d = remove_entry(a, a->tail);

		if (drop != NULL)
			drop[n++] = d;
		else
			vx_device_unref(d);
	}
	pthread_mutex_unlock(&a->lock);
	/* Outside the lock: the last reference waits for a poll in flight. */
	for (size_t i = 0; i < n; i++)
		vx_device_unref(drop[i]);
	free(drop);
}

void
vx_adhoc_clear(struct vx_adhoc *a)
{
	drop_older(a, INT64_MAX);
}

void
vx_adhoc_expire(struct vx_adhoc *a, int64_t idle_ms)
{
	drop_older(a, vx_now_mono_ms() - idle_ms);
}

void
vx_adhoc_release(struct vx_adhoc *a)
{
	vx_adhoc_clear(a);
	vx_strmap_release(&a->bykey);
	pthread_mutex_destroy(&a->lock);
}

size_t
vx_adhoc_count(struct vx_adhoc *a)
{
	size_t n;

	pthread_mutex_lock(&a->lock);
	n = a->n;
	pthread_mutex_unlock(&a->lock);
	return n;
}

size_t
vx_adhoc_devices(struct vx_adhoc *a, struct vx_device ***out)
{
	size_t n = 0;

	*out = NULL;
	pthread_mutex_lock(&a->lock);
	if (a->n > 0 && (*out = calloc(a->n, sizeof(**out))) != NULL) {
		for (struct adhoc_entry *e = a->head; e != NULL; e = e->next) {
			vx_device_ref(e->dev);
			(*out)[n++] = e->dev;
		}
	}
	pthread_mutex_unlock(&a->lock);
	return n;
}

/* The device for key, current for fleet generation gen; a reference. */
static struct vx_device *
lookup(struct vx_adhoc *a, const char *key, size_t klen, uint64_t gen,
    struct adhoc_entry **stale)
{
	struct adhoc_entry	*e = vx_strmap_get(&a->bykey, key, klen);

	*stale = NULL;
	if (e == NULL)
		return NULL;
	if (e->generation != gen) {
		*stale = e;
		return NULL;
	}
	e->used_ms = vx_now_mono_ms();
	unlink_entry(a, e);
	push_front(a, e);
	vx_device_ref(e->dev);
	return e->dev;
}

/*
 * Puts d in the cache under key (replacing what is there), and takes out
 * what is beyond the limit, into drop (4 entries at most: the limit is
 * passed by one at a time).  Takes the caller's reference to d; returns
 * the device to use (a new reference): d, or one another request made
 * first.
 */
static struct vx_device *
insert(struct vx_adhoc *a, const struct vx_fleet *f, const char *key,
    size_t klen, struct vx_device *d, struct vx_device **drop, size_t *ndrop)
{
	struct adhoc_entry	*e = vx_strmap_get(&a->bykey, key, klen);
	int64_t			 now = vx_now_mono_ms();

	if (e != NULL && e->generation == f->generation) {
		/* Another request made it meanwhile: use that one. */
		drop[(*ndrop)++] = d;
		e->used_ms = now;
		vx_device_ref(e->dev);
		return e->dev;
	}
	if (e != NULL) {
		drop[(*ndrop)++] = e->dev;
		e->dev = d;
	} else {
		e = calloc(1, sizeof(*e));
		if (e == NULL || (e->key = malloc(klen + 1)) == NULL ||
		    !vx_strmap_put(&a->bykey, key, klen, e)) {
			if (e != NULL)
				free(e->key);
			free(e);
			vx_device_ref(d);
			drop[(*ndrop)++] = d;	/* served once, not kept */
			return d;
		}
		memcpy(e->key, key, klen);
		e->key[klen] = '\0';
		e->klen = klen;
		e->dev = d;
		a->n++;
		push_front(a, e);
	}
	e->generation = f->generation;
	e->used_ms = now;
	unlink_entry(a, e);
	push_front(a, e);
	while (*ndrop < 4 && a->tail != NULL && a->tail != e &&
	    (int64_t)a->n > f->probe.max_devices)
		drop[(*ndrop)++] = remove_entry(a, a->tail);
	vx_device_ref(d);
	return d;
}

struct vx_device *
vx_adhoc_get(struct vx_adhoc *a, struct vx_fleet *f, const char *address,
    const char *module, const char *auth, struct vx_syslog_listener *syslog,
    struct vx_strbuf *why)
{
	struct vx_cfg_errors	 errs = { NULL, 0, 0 };
	struct vx_device_cfg	 dc;
	struct vx_device	*d, *old = NULL, *drop[4];
	struct adhoc_entry	*stale;
	struct vx_strbuf	 key;
	size_t			 ndrop = 0;

	vx_strbuf_init(&key, 128);
	vx_strbuf_addstr(&key, address);
	vx_strbuf_addch(&key, '\x1f');
	vx_strbuf_addstr(&key, module);
	vx_strbuf_addch(&key, '\x1f');
	vx_strbuf_addstr(&key, auth != NULL ? auth : "");
	if (key.failed) {
		vx_strbuf_release(&key);
		vx_strbuf_addstr(why, "out of memory");
		return NULL;
	}
	pthread_mutex_lock(&a->lock);
	d = lookup(a, key.buf, key.len, f->generation, &stale);
	if (stale != NULL) {
		old = stale->dev;
		vx_device_ref(old);
	}
	pthread_mutex_unlock(&a->lock);
	if (d != NULL) {
		vx_strbuf_release(&key);
		return d;
	}
	/* Made outside the lock: it reads secret files. */
	if (vx_fleet_device(f, address, module, auth, &dc, &errs) != 0) {
		for (size_t i = 0; i < errs.n; i++) {
			const char *kv[] = { "device", address, "module", module,
			    NULL };

			vx_log_kv(VX_LOG_ERROR, kv, "cannot configure a device "
			    "for /probe: %s", errs.msgs[i]);
		}
		vx_strbuf_addf(why, "%s", errs.n > 0 ? errs.msgs[0] :
		    "cannot configure the device");
		vx_cfg_errors_release(&errs);
		unref(old);
		vx_strbuf_release(&key);
		return NULL;
	}
	if (old != NULL && strcmp(old->cfg.fingerprint, dc.fingerprint) == 0) {
		/* A reload that did not change it: keep it, sessions and all. */
		vx_device_cfg_release(&dc);
		d = old;
		old = NULL;
	} else {
		d = vx_device_new(&dc);
		if (d == NULL) {
			vx_device_cfg_release(&dc);
			unref(old);
			vx_strbuf_release(&key);
			vx_strbuf_addstr(why, "out of memory");
			return NULL;
		}
		if (old != NULL)
			vx_device_inherit(d, old);
		vx_device_start(d, syslog);
	}
	pthread_mutex_lock(&a->lock);
	d = insert(a, f, key.buf, key.len, d, drop, &ndrop);
	pthread_mutex_unlock(&a->lock);
	for (size_t i = 0; i < ndrop; i++)
		vx_device_unref(drop[i]);
	unref(old);
	vx_strbuf_release(&key);
	/* d was just used: what goes is the others not probed for long. */
	vx_adhoc_expire(a, f->probe.idle_timeout_ms);
	return d;
}
