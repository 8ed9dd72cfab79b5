#ifndef VX_LANDING_H
#define VX_LANDING_H

#include "runtime.h"
#include "strbuf.h"

/*
 * The HTML landing page: links, and one row per device with its state
 * (up, down, stale, not yet polled), tunnel counts and last error.
 */
void	vx_landing_render(struct vx_strbuf *out, struct vx_runtime *rt,
	    const char *metrics_path, const char *version);

#endif
