#ifndef VX_HTTP_H
#define VX_HTTP_H

/*
 * The HTTP endpoint (libmicrohttpd, one thread per connection so that a
 * slow /probe never blocks /metrics):
 *   /			landing page
 *   /status		every tunnel with both ends' SPIs (status_http.h)
 *   /status.json		the same for scripts
 *   /metrics		all background-polled devices + self-metrics; no
 *			device I/O in the handler
 *   /probe?target=NAME	collect NAME now, within the scrape timeout
 *   /-/healthy /-/ready
 *   /-/reload		POST or PUT: reload the configuration
 */

#include <stdint.h>

#include "err.h"
#include "runtime.h"

struct vx_webcfg;
struct vx_http;

struct vx_http_opts {
	const char		*listen;	/* "[host]:port" */
	const char		*metrics_path;	/* "/metrics" */
	int64_t			 timeout_offset_ms;
	const struct vx_webcfg	*web;		/* NULL: plain HTTP, no auth */
	const char		*version;
	const char		*revision;
};

/* Starts serving; returns NULL with err set if the socket cannot be bound. */
struct vx_http	*vx_http_start(const struct vx_http_opts *opts,
		    struct vx_runtime *rt, struct vx_err *err);
void		 vx_http_stop(struct vx_http *h);

/* True if an Accept header asks for OpenMetrics (q > 0). */
bool		 vx_http_wants_openmetrics(const char *accept);
/* True if an Accept-Encoding header allows gzip (q > 0). */
bool		 vx_http_accepts_gzip(const char *accept_encoding);

#endif
