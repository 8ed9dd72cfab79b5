#ifndef VX_HTTP_CONNS_H
#define VX_HTTP_CONNS_H

/*
 * The HTTP server's connections: how many may be open, which to close
 * when that many are, and the account of connections the server refused
 * or dropped (self-metrics, and a rate-limited warning).
 *
 * The limit comes from the descriptor limit (vx_conns_limits()).  Past
 * seven eighths of it, connections that wait for a request (idle
 * keep-alive connections, clients still in the TLS handshake or sending
 * headers) are closed, oldest first, as nginx drains idle keep-alive
 * connections when it runs out: so clients queued beyond the limit get
 * in without waiting for someone's timeout, and slow clients cannot hold
 * every slot.  Connections with a request in progress are never chosen,
 * nor ones that have waited less than a second (a client that has just
 * connected, or is about to reuse its connection).
 *
 * A connection is closed with shutdown(2) under the registry lock; the
 * server's "closed" notification takes the same lock before it closes
 * the descriptor, so a descriptor number is never shut down after it was
 * reused.  Thread-safe.
 */

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "render.h"

/* Connections the server admits at least, whatever the descriptor limit. */
#define VX_HTTP_CONNS_MIN	16

/* Connections of one listener (retired listeners wait for 0). */
struct vx_conns_owner {
	size_t	n;		/* under the registry lock */
};

struct vx_http_conn {
	struct vx_http_conn	*prev, *next;	/* waiting list, oldest first */
	struct vx_conns_owner	*owner;
	int			 fd;
	int64_t			 since_ms;	/* waiting since (monotonic) */
	bool			 busy;		/* a request in progress */
	bool			 served;	/* a request completed */
	bool			 evicted;	/* shut down by us */
};

struct vx_conns {
	pthread_mutex_t		 lock;
	struct vx_http_conn	*head, *tail;	/* waiting, oldest first */
	size_t			 open;
	size_t			 evicting;	/* shut down, not yet closed */
	size_t			 hard, soft;
	int64_t			 header_timeout_ms;
	uint64_t		 dropped[VX_HTTP_DROP__COUNT];
	uint64_t		 unlogged[VX_HTTP_DROP__COUNT];
	int64_t			 next_log_ms;
};

/*
 * The connection limit for a descriptor limit (RLIMIT_NOFILE): half of
 * it, between 16 and 16384; the other half is left to device sessions,
 * files and the exporter itself.  soft is where closing waiting
 * connections starts (seven eighths of hard).
 */
void	vx_conns_limits(uint64_t nofile, size_t *hard, size_t *soft);

void	vx_conns_init(struct vx_conns *cs, uint64_t nofile,
	    int64_t header_timeout_ms);
void	vx_conns_release(struct vx_conns *cs);

/*
 * Whether to take a new connection (libmicrohttpd's accept policy).
 * Closes waiting connections past the soft limit; refuses (and counts)
 * only past the hard limit.
 */
bool	vx_conns_admit(struct vx_conns *cs);

/* A connection was set up / is about to be closed (its fd still open). */
struct vx_http_conn *vx_conns_opened(struct vx_conns *cs,
			    struct vx_conns_owner *owner, int fd);
void	vx_conns_closed(struct vx_conns *cs, struct vx_http_conn *conn);

/*
 * A request arrived on conn: false if the connection was chosen to be
 * closed meanwhile (the caller then drops the request).
 */
bool	vx_conns_begin(struct vx_conns *cs, struct vx_http_conn *conn);
/*
 * The request ended: completed (the connection waits for the next one),
 * or cut short because the client was too slow to take the answer.
 */
void	vx_conns_end(struct vx_conns *cs, struct vx_http_conn *conn,
	    bool completed, bool timed_out);

/* Closes every waiting connection of owner (a retired listener). */
void	vx_conns_drain(struct vx_conns *cs, struct vx_conns_owner *owner);
size_t	vx_conns_owned(struct vx_conns *cs, struct vx_conns_owner *owner);

/* Counts connections libmicrohttpd itself refused. */
void	vx_conns_refused(struct vx_conns *cs, uint64_t n);

/* Once a second or so: close waiting connections past the soft limit, log. */
void	vx_conns_tick(struct vx_conns *cs);

void	vx_conns_stats(struct vx_conns *cs, struct vx_http_stats *out);

#endif
