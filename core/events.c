/* Per-device, per-peer counts of pushed events; bounded and expiring. */
#include "events.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"

/* At most one sweep for expired peers per second while the store is full. */
#define FULL_SWEEP_MS	1000

struct peer_mem {
	uint64_t	count[VX_EV__COUNT];
	uint32_t	last_spi;
	bool		has_last_spi;
	int64_t		last_ms;	/* last invalid-SPI event */
	int64_t		seen_ms;	/* last event of any type */
};

struct vx_event_store {
	atomic_int		refs;
	pthread_mutex_t		lock;
	struct vx_strmap	peers;		/* peer -> struct peer_mem */
	size_t			max_peers;
	int64_t			expire_ms;
	uint64_t		dropped;
	int64_t			swept_ms;
};

static const char *const result_names[VX_SR__COUNT] = {
	[VX_SR_EVENT] = "event",
	[VX_SR_OTHER] = "other",
	[VX_SR_UNKNOWN_SENDER] = "unknown_sender",
	[VX_SR_MALFORMED] = "malformed",
	[VX_SR_OVERSIZE] = "oversize",
	[VX_SR_DROPPED] = "dropped",
};

const char *
vx_syslog_result_name(enum vx_syslog_result r)
{
	return r < VX_SR__COUNT ? result_names[r] : NULL;
}

struct vx_event_store *
vx_event_store_new(void)
{
	struct vx_event_store *st = calloc(1, sizeof(*st));

	if (st == NULL)
		return NULL;
	atomic_init(&st->refs, 1);
	pthread_mutex_init(&st->lock, NULL);
	st->max_peers = VX_EVENT_DEFAULT_MAX_PEERS;
	st->expire_ms = VX_EVENT_DEFAULT_EXPIRE_MS;
	return st;
}

void
vx_event_store_ref(struct vx_event_store *st)
{
	atomic_fetch_add(&st->refs, 1);
}

static bool
drop_peer(void *arg, const char *key, void *value)
{
	(void)arg;
	(void)key;
	free(value);
	return true;
}

void
vx_event_store_unref(struct vx_event_store *st)
{
	if (st == NULL || atomic_fetch_sub(&st->refs, 1) != 1)
		return;
	vx_strmap_filter(&st->peers, drop_peer, NULL);
	vx_strmap_release(&st->peers);
	pthread_mutex_destroy(&st->lock);
	free(st);
}

void
vx_event_store_set_limits(struct vx_event_store *st, size_t max_peers,
    int64_t expire_ms)
{
	pthread_mutex_lock(&st->lock);
	st->max_peers = max_peers > 0 ? max_peers : 1;
	st->expire_ms = expire_ms > 0 ? expire_ms : 1;
	pthread_mutex_unlock(&st->lock);
}

struct sweep {
	int64_t	now_ms;
	int64_t	expire_ms;
};

static bool
expired(void *arg, const char *key, void *value)
{
	const struct sweep	*sw = arg;
	struct peer_mem		*m = value;

	(void)key;
	if (sw->now_ms - m->seen_ms < sw->expire_ms)
		return false;
	free(m);
	return true;
}

/* Called with the lock held. */
static void
sweep_locked(struct vx_event_store *st, int64_t now_ms)
{
	struct sweep sw = { now_ms, st->expire_ms };

	st->swept_ms = now_ms;
	vx_strmap_filter(&st->peers, expired, &sw);
}

bool
vx_event_store_add(struct vx_event_store *st, const struct vx_event *ev,
    int64_t now_ms)
{
	const char	*peer = ev->peer[0] != '\0' ? ev->peer :
			    VX_EVENT_PEER_UNKNOWN;
	size_t		 len = strnlen(peer, VX_EVENT_ADDR_MAX - 1);
	struct peer_mem	*m;

	if ((unsigned)ev->type >= VX_EV__COUNT)
		return false;
	pthread_mutex_lock(&st->lock);
	m = vx_strmap_get(&st->peers, peer, len);
	if (m == NULL && st->peers.n >= st->max_peers &&
	    now_ms - st->swept_ms >= FULL_SWEEP_MS)
		sweep_locked(st, now_ms);
	if (m == NULL) {
		if (st->peers.n >= st->max_peers ||
		    (m = calloc(1, sizeof(*m))) == NULL) {
			st->dropped++;
			pthread_mutex_unlock(&st->lock);
			return false;
		}
		if (!vx_strmap_put(&st->peers, peer, len, m)) {
			free(m);
			st->dropped++;
			pthread_mutex_unlock(&st->lock);
			return false;
		}
	}
	m->count[ev->type]++;
	m->seen_ms = now_ms;
	if (ev->type == VX_EV_INVALID_SPI) {
		m->last_ms = now_ms;
		m->has_last_spi = ev->has_spi;
		m->last_spi = ev->spi;
	}
	pthread_mutex_unlock(&st->lock);
	return true;
}

size_t
vx_event_store_peers(struct vx_event_store *st)
{
	size_t n;

	pthread_mutex_lock(&st->lock);
	n = st->peers.n;
	pthread_mutex_unlock(&st->lock);
	return n;
}

static int
cmp_peer(const void *a, const void *b)
{
	const struct vx_peer_events *x = a, *y = b;

	return strcmp(x->peer, y->peer);
}

int
vx_event_store_fill(struct vx_event_store *st, struct vx_snapshot *snap,
    int64_t now_ms)
{
	struct vx_peer_events	*list;
	size_t			 n = 0;
	int			 rc = 0;

	pthread_mutex_lock(&st->lock);
	sweep_locked(st, now_ms);
	/* Copied out first: the snapshot's arena is not the store's lock. */
	list = calloc(st->peers.n + 1, sizeof(*list));
	if (list == NULL) {
		pthread_mutex_unlock(&st->lock);
		return -VX_E_NOMEM;
	}
	for (size_t i = 0; i < st->peers.cap; i++) {
		const struct vx_strmap_slot	*sl = &st->peers.slots[i];
		const struct peer_mem		*m = sl->value;
		struct vx_peer_events		*pe;

		if (sl->key == NULL)
			continue;
		pe = &list[n++];
		pe->peer = sl->key;
		memcpy(pe->count, m->count, sizeof(pe->count));
		pe->last_spi = m->last_spi;
		pe->has_last_spi = m->has_last_spi;
		pe->last_ms = m->last_ms;
	}
	qsort(list, n, sizeof(*list), cmp_peer);
	for (size_t i = 0; i < n && rc == 0; i++)
		rc = vx_snapshot_add_peer_events(snap, &list[i]);
	snap->events_known = true;
	snap->events_dropped = st->dropped;
	pthread_mutex_unlock(&st->lock);
	free(list);
	return rc;
}
