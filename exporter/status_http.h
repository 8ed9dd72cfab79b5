#ifndef VX_STATUS_HTTP_H
#define VX_STATUS_HTTP_H

/*
 * The HTTP side of the status page: /status (HTML) and /status.json, with
 * their query arguments (device, peer, problems, sort, dsort, refresh,
 * limit; see exporter/status.h).  http.c routes GET and HEAD requests for
 * these paths here, after authentication.
 */

#include <stdbool.h>

#include <microhttpd.h>

#include "runtime.h"

struct vx_webcfg;

/* True if url is one of the status page's paths. */
bool		vx_status_path(const char *url);

/*
 * Renders url for the request's query arguments and queues the answer,
 * with the headers web asks for (NULL: none).
 */
enum MHD_Result	vx_status_http(struct MHD_Connection *c, const char *url,
		    struct vx_runtime *rt, const struct vx_webcfg *web);

#endif
