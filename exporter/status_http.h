#ifndef VX_STATUS_HTTP_H
#define VX_STATUS_HTTP_H

/*
 * The HTTP side of the status page: /status (HTML) and /status.json, with
 * their query arguments (device, peer, problems, sort, dsort, refresh,
 * limit; see exporter/status.h).  http.c routes to it and sends what it
 * renders.
 */

#include <stdbool.h>

#include <microhttpd.h>

#include "runtime.h"
#include "strbuf.h"

/* True if url is one of the status page's paths. */
bool		vx_status_path(const char *url);

/*
 * Renders url for the request's query arguments into out (initialised by
 * the caller); returns the HTTP status and sets *ctype to the body's
 * Content-Type.
 */
unsigned	vx_status_serve(struct vx_runtime *rt, struct MHD_Connection *c,
		    const char *url, struct vx_strbuf *out, const char **ctype);

#endif
