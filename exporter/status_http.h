#ifndef VX_STATUS_HTTP_H
#define VX_STATUS_HTTP_H

/*
 * The HTTP side of the status page: /status (HTML) and /status.json, with
 * their query arguments (device, peer, problems, sort, dsort, refresh,
 * limit; see exporter/status.h).  http.c routes GET and HEAD requests for
 * these paths here, after authentication: the query is read on the
 * server's thread, the page rendered on a worker.
 */

#include <stdbool.h>

#include <microhttpd.h>

#include "runtime.h"
#include "status.h"
#include "strbuf.h"

/* True if url is one of the status page's paths. */
bool		vx_status_path(const char *url);
/* True for the JSON form (/status.json). */
bool		vx_status_path_json(const char *url);

/*
 * The request's query arguments (on the server's thread, while the
 * connection's values can be read; the strings stay the connection's).
 */
void		vx_status_http_query(struct MHD_Connection *c, bool json,
		    struct vx_status_query *q);

/*
 * Renders the page (HTML or JSON) for q into out (on a worker thread);
 * returns the HTTP status and sets *ctype (static).
 */
unsigned	vx_status_http_render(struct vx_runtime *rt, bool json,
		    const struct vx_status_query *q, struct vx_strbuf *out,
		    const char **ctype);

#endif
