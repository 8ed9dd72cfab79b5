#ifndef VX_HTTP_H
#define VX_HTTP_H

/*
 * The HTTP endpoint (libmicrohttpd):
 *   /			landing page
 *   /status		every tunnel with both ends' SPIs (status_http.h)
 *   /status.json		the same for scripts
 *   /metrics		all background-polled devices + self-metrics; no
 *			device I/O in the handler
 *   /probe?target=NAME	NAME's metrics: a poll now, within the scrape
 *			timeout; or, for a background device, its latest
 *			poll (unless it has probe_fresh)
 *   /-/healthy /-/ready
 *   /-/reload		POST or PUT: reload the configuration and the web
 *			configuration
 *
 * libmicrohttpd runs one epoll event loop thread per listening socket,
 * and nothing in that loop blocks: requests that render, check a bcrypt
 * password or poll a device are suspended and handed to bounded worker
 * pools (http_pool.h), then resumed with their answer.  Connections are
 * limited by the descriptor limit, and idle or slow ones make room for
 * new ones (http_conns.h).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "render.h"
#include "runtime.h"
#include "strbuf.h"

struct vx_webcfg;
struct vx_http;

struct vx_http_opts {
	const char *const	*listen;	/* "[host]:port" each */
	size_t			 nlisten;
	bool			 systemd_socket; /* systemd's sockets */
	const char		*metrics_path;	/* "/metrics" */
	int64_t			 timeout_offset_ms;
	const char		*web_config_file; /* NULL: no web config */
	struct vx_webcfg	*web;		/* loaded from it; taken over */
	size_t			 probe_workers;
	bool			 probe_nice;	/* nice 10, not SCHED_IDLE */
	const char		*version;
	const char		*revision;
};

/*
 * Starts serving; returns NULL with err set if a socket cannot be bound
 * or taken from systemd.  Takes over opts->web even then.
 */
struct vx_http	*vx_http_start(const struct vx_http_opts *opts,
		    struct vx_runtime *rt, struct vx_err *err);
/* Stops listening, finishes the requests in progress and frees h. */
void		 vx_http_stop(struct vx_http *h);

/*
 * SIGHUP and /-/reload: reloads the configuration, then the web
 * configuration.  Either one with errors is refused and the running one
 * kept; every error is logged and, if errors is not NULL, appended to it.
 * True if both loaded.
 */
bool		 vx_http_reload(struct vx_http *h, struct vx_strbuf *errors);

/* About once a second, from the main thread: housekeeping. */
void		 vx_http_tick(struct vx_http *h);

/*
 * The exposition format an Accept header asks for, as the Prometheus
 * client libraries decide: the acceptable media range with the highest
 * q wins, the first listed among equals; text when none (or NULL).
 */
enum vx_format	 vx_http_negotiate(const char *accept);
/* True if an Accept-Encoding header allows gzip (q > 0). */
bool		 vx_http_accepts_gzip(const char *accept_encoding);

#endif
