/* The HTTP server's connections: limit, eviction, drop accounting. */
#include "http_conns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "clock.h"
#include "log.h"

#define LIMIT_MAX		16384
#define EVICT_MIN_AGE_MS	1000
#define EVICT_BATCH		32	/* nginx drains 32 at a time */
#define LOG_INTERVAL_MS		60000

void
vx_conns_limits(uint64_t nofile, size_t *hard, size_t *soft)
{
	uint64_t h = nofile / 2;

	if (h < VX_HTTP_CONNS_MIN)
		h = VX_HTTP_CONNS_MIN;
	if (h > LIMIT_MAX)
		h = LIMIT_MAX;
	*hard = (size_t)h;
	*soft = (size_t)(h - h / 8);
}

void
vx_conns_init(struct vx_conns *cs, uint64_t nofile, int64_t header_timeout_ms)
{
	memset(cs, 0, sizeof(*cs));
	pthread_mutex_init(&cs->lock, NULL);
	vx_conns_limits(nofile, &cs->hard, &cs->soft);
	cs->header_timeout_ms = header_timeout_ms;
}

void
vx_conns_release(struct vx_conns *cs)
{
	pthread_mutex_destroy(&cs->lock);
}

static void
unlink_waiting(struct vx_conns *cs, struct vx_http_conn *c)
{
	if (c->prev != NULL)
		c->prev->next = c->next;
	else if (cs->head == c)
		cs->head = c->next;
	else
		return;		/* not in the list */
	if (c->next != NULL)
		c->next->prev = c->prev;
	else
		cs->tail = c->prev;
	c->prev = c->next = NULL;
}

static void
append_waiting(struct vx_conns *cs, struct vx_http_conn *c, int64_t now)
{
	c->since_ms = now;
	c->prev = cs->tail;
	c->next = NULL;
	if (cs->tail != NULL)
		cs->tail->next = c;
	else
		cs->head = c;
	cs->tail = c;
}

/* Under the lock. */
static void
note_drop(struct vx_conns *cs, enum vx_http_drop why, uint64_t n)
{
	cs->dropped[why] += n;
	cs->unlogged[why] += n;
}

/* Under the lock: shuts c down; the event loop then closes it. */
static void
evict(struct vx_conns *cs, struct vx_http_conn *c)
{
	unlink_waiting(cs, c);
	c->evicted = true;
	cs->evicting++;
	shutdown(c->fd, SHUT_RDWR);
	note_drop(cs, VX_HTTP_DROP_EVICTED, 1);
}

/* Under the lock: back under the soft limit if waiting connections allow. */
static void
relieve(struct vx_conns *cs, int64_t now)
{
	size_t live = cs->open - cs->evicting;
	size_t want, done = 0;

	if (live < cs->soft)
		return;
	want = live - cs->soft + 1;
	if (want > EVICT_BATCH)
		want = EVICT_BATCH;
	while (done < want && cs->head != NULL &&
	    now - cs->head->since_ms >= EVICT_MIN_AGE_MS) {
		evict(cs, cs->head);
		done++;
	}
}

/* Under the lock: the warning for drops not logged yet, if it is time. */
static bool
format_log(struct vx_conns *cs, int64_t now, char *buf, size_t len)
{
	static const char *const what[VX_HTTP_DROP__COUNT] = {
		[VX_HTTP_DROP_LIMIT] = "refused at the connection limit",
		[VX_HTTP_DROP_EVICTED] = "closed while idle or slow to make "
		    "room",
		[VX_HTTP_DROP_TIMEOUT] = "timed out in the TLS handshake, the "
		    "request or the answer",
	};
	size_t	off;
	bool	any = false;

	if (now < cs->next_log_ms)
		return false;
	off = (size_t)snprintf(buf, len, "http: connections dropped:");
	for (int i = 0; i < VX_HTTP_DROP__COUNT; i++) {
		if (cs->unlogged[i] == 0 || off >= len)
			continue;
		off += (size_t)snprintf(buf + off, len - off, "%s %llu %s",
		    any ? "," : "", (unsigned long long)cs->unlogged[i],
		    what[i]);
		any = true;
		cs->unlogged[i] = 0;
	}
	if (!any)
		return false;
	if (off < len)
		snprintf(buf + off, len - off, " (%zu open, limit %zu; "
		    "repeats are summed up for %ds)", cs->open, cs->hard,
		    LOG_INTERVAL_MS / 1000);
	cs->next_log_ms = now + LOG_INTERVAL_MS;
	return true;
}

/* Unlocks, then logs what format_log() found. */
static void
unlock_and_log(struct vx_conns *cs, int64_t now)
{
	char	msg[512];
	bool	log = format_log(cs, now, msg, sizeof(msg));

	pthread_mutex_unlock(&cs->lock);
	if (log)
		vx_log_warn("%s", msg);
}

bool
vx_conns_admit(struct vx_conns *cs)
{
	int64_t	now = vx_now_mono_ms();
	bool	ok;

	pthread_mutex_lock(&cs->lock);
	relieve(cs, now);
	ok = cs->open - cs->evicting < cs->hard;
	if (!ok)
		note_drop(cs, VX_HTTP_DROP_LIMIT, 1);
	unlock_and_log(cs, now);
	return ok;
}

struct vx_http_conn *
vx_conns_opened(struct vx_conns *cs, struct vx_conns_owner *owner, int fd)
{
	struct vx_http_conn *c = calloc(1, sizeof(*c));

	if (c == NULL)
		return NULL;
	c->owner = owner;
	c->fd = fd;
	pthread_mutex_lock(&cs->lock);
	cs->open++;
	owner->n++;
	append_waiting(cs, c, vx_now_mono_ms());
	pthread_mutex_unlock(&cs->lock);
	return c;
}

void
vx_conns_closed(struct vx_conns *cs, struct vx_http_conn *c)
{
	int64_t now = vx_now_mono_ms();

	if (c == NULL)
		return;
	pthread_mutex_lock(&cs->lock);
	unlink_waiting(cs, c);
	cs->open--;
	c->owner->n--;
	if (c->evicted)
		cs->evicting--;
	else if (!c->served && !c->busy &&
	    now - c->since_ms >= cs->header_timeout_ms)
		note_drop(cs, VX_HTTP_DROP_TIMEOUT, 1);
	unlock_and_log(cs, now);
	free(c);
}

bool
vx_conns_begin(struct vx_conns *cs, struct vx_http_conn *c)
{
	bool ok;

	pthread_mutex_lock(&cs->lock);
	ok = !c->evicted;
	if (ok) {
		unlink_waiting(cs, c);
		c->busy = true;
	}
	pthread_mutex_unlock(&cs->lock);
	return ok;
}

void
vx_conns_end(struct vx_conns *cs, struct vx_http_conn *c, bool completed,
    bool timed_out)
{
	int64_t now = vx_now_mono_ms();

	pthread_mutex_lock(&cs->lock);
	if (c->busy && !c->evicted) {
		c->busy = false;
		c->served = c->served || completed;
		append_waiting(cs, c, now);
	}
	if (timed_out)
		note_drop(cs, VX_HTTP_DROP_TIMEOUT, 1);
	relieve(cs, now);
	unlock_and_log(cs, now);
}

void
vx_conns_drain(struct vx_conns *cs, struct vx_conns_owner *owner)
{
	pthread_mutex_lock(&cs->lock);
	for (struct vx_http_conn *c = cs->head, *next; c != NULL; c = next) {
		next = c->next;
		if (c->owner == owner) {
			unlink_waiting(cs, c);
			c->evicted = true;
			cs->evicting++;
			shutdown(c->fd, SHUT_RDWR);
		}
	}
	pthread_mutex_unlock(&cs->lock);
}

size_t
vx_conns_owned(struct vx_conns *cs, struct vx_conns_owner *owner)
{
	size_t n;

	pthread_mutex_lock(&cs->lock);
	n = owner->n;
	pthread_mutex_unlock(&cs->lock);
	return n;
}

void
vx_conns_refused(struct vx_conns *cs, uint64_t n)
{
	int64_t now = vx_now_mono_ms();

	pthread_mutex_lock(&cs->lock);
	note_drop(cs, VX_HTTP_DROP_LIMIT, n);
	unlock_and_log(cs, now);
}

void
vx_conns_tick(struct vx_conns *cs)
{
	int64_t now = vx_now_mono_ms();

	pthread_mutex_lock(&cs->lock);
	relieve(cs, now);
	unlock_and_log(cs, now);
}

void
vx_conns_stats(struct vx_conns *cs, struct vx_http_stats *out)
{
	pthread_mutex_lock(&cs->lock);
	out->valid = true;
	out->open = cs->open;
	out->max = cs->hard;
	memcpy(out->dropped, cs->dropped, sizeof(out->dropped));
	pthread_mutex_unlock(&cs->lock);
}
