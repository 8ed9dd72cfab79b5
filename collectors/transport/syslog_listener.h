#ifndef VX_TRANSPORT_SYSLOG_H
#define VX_TRANSPORT_SYSLOG_H

/*
 * The syslog listener: UDP and TCP sockets served by one thread, and the
 * table that attributes each message to a configured device, by the
 * address it came from, else by the host name in its header.  A message
 * from no configured device is counted and dropped, never trusted.
 * I/O only: the header is read by common/syslog_msg.c and the event by
 * the device vendor's parser, both pure; the event goes to the device's
 * event store (core/events.h).
 *
 * Bounded: at most max_connections TCP connections (a new one closes the
 * one idle longest), each holding at most max_message_size bytes of a
 * message split across reads; a message longer than that is discarded
 * and counted.  The thread never waits on a device, a store or a reader.
 *
 * (Not "syslog.h": this directory is on the include path of code whose
 * libraries include the system's <syslog.h>.)
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfg.h"
#include "err.h"
#include "events.h"
#include "syslog_event.h"

#define VX_SYSLOG_DEFAULT_MAX_MESSAGE	8192
#define VX_SYSLOG_DEFAULT_MAX_CONNS	256
#define VX_SYSLOG_DEFAULT_IDLE_MS	(15 * 60 * 1000)
#define VX_SYSLOG_DEFAULT_RCVBUF	(4 * 1024 * 1024)

struct vx_syslog_settings {
	struct vx_strlist	udp;		/* "host:port", "[v6]:port", ":port" */
	struct vx_strlist	tcp;
	int64_t			max_message_size;
	int64_t			max_connections;
	int64_t			idle_timeout_ms;
	int64_t			receive_buffer;	/* UDP SO_RCVBUF, bytes */
};

struct vx_syslog_listener;
struct vx_syslog_route;

/* A listener with no sockets yet, or NULL on out-of-memory. */
struct vx_syslog_listener	*vx_syslog_listener_new(void);
/* Stops the thread, closes everything, frees the routes too. */
void				 vx_syslog_listener_free(
				    struct vx_syslog_listener *l);

/*
 * Listens as s says.  Sockets whose address is unchanged are kept (and
 * TCP connections always are); new ones are bound before any old one is
 * closed, so a failure (a port in use) leaves the listener as it was.
 * Returns 0, or -VX_E_CONNECT / -VX_E_CONFIG / -VX_E_NOMEM with err
 * naming the address.
 */
int	vx_syslog_listener_bind(struct vx_syslog_listener *l,
	    const struct vx_syslog_settings *s, struct vx_err *err);
/* Closes every socket and connection (routes stay). */
void	vx_syslog_listener_close(struct vx_syslog_listener *l);
/* True while the listener has sockets and its thread runs. */
bool	vx_syslog_listener_running(struct vx_syslog_listener *l);
/* The message counts and open connections, for the self-metrics. */
void	vx_syslog_listener_stats(struct vx_syslog_listener *l,
	    struct vx_syslog_stats *out);

/*
 * Attributes to a device the messages from the addresses addrs (IP
 * literals) and with the host names hosts (matched without regard to
 * case): they are parsed by parse and counted in store (which the route
 * references).  A key another route has is taken over: the newest route
 * wins, so that a device replaced by a reload takes over its keys before
 * the old one goes.  Returns the route, or NULL on out-of-memory or an
 * address that is not an IP literal.
 */
struct vx_syslog_route	*vx_syslog_route_add(struct vx_syslog_listener *l,
			    const char *device, const char *const *addrs,
			    size_t naddrs, const char *const *hosts,
			    size_t nhosts, vx_syslog_parse_fn parse,
			    struct vx_event_store *store);
/*
 * Removes the route and the keys it still holds; once this returns, the
 * listener no longer touches its store.
 */
void	vx_syslog_route_remove(struct vx_syslog_listener *l,
	    struct vx_syslog_route *r);

/*
 * One message as received from src (an address in any textual form, or
 * NULL if unknown) at now_ms, exactly as the listener's thread handles
 * it: header, attribution, vendor parser, store; counted in the stats.
 * For tests and the benchmark.
 */
enum vx_syslog_result	vx_syslog_dispatch(struct vx_syslog_listener *l,
			    const char *src, const char *msg, size_t len,
			    int64_t now_ms);

/* True if s is a listen address: "host:port", "[v6]:port" or ":port". */
bool	vx_syslog_listen_addr_valid(const char *s);

/*
 * Canonical text of an IP literal (IPv4-mapped IPv6 as IPv4) into out;
 * false if s is not one.
 */
bool	vx_syslog_canon_addr(const char *s, char out[VX_EVENT_ADDR_MAX]);

#endif
