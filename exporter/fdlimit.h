#ifndef VX_FDLIMIT_H
#define VX_FDLIMIT_H

/*
 * File descriptors: the exporter raises its soft RLIMIT_NOFILE to the
 * hard limit at start, and refuses a configuration (at start, on reload,
 * in --dry-run) that would need more than the limit, instead of failing
 * later, device by device, with EMFILE.
 *
 * The estimate adds what each device's collectors keep open between
 * polls (struct vx_collector_ops fds_kept: SSH keeps its session),
 * what polls in progress open (fds_polling, for every poll worker and
 * for /probe requests on every HTTP connection), and a fixed reserve for
 * the process itself (standard streams, listening sockets, /proc reads,
 * configuration files, libraries).
 */

#include <stdbool.h>
#include <stddef.h>

#include "cfg.h"
#include "config.h"
#include "http_conns.h"

/* Descriptors the process needs whatever its configuration. */
#define VX_FDS_BASE		32
/*
 * HTTP connections the configuration must leave room for.  The server
 * itself admits up to half the descriptor limit, and never fewer than
 * this, evicting idle connections past seven eighths of its share
 * (exporter/http_conns.c): what it takes adapts to what is left.  Each
 * connection may run a /probe, which opens what a poll opens.
 */
#define VX_FDS_HTTP_CONNECTIONS	VX_HTTP_CONNS_MIN

struct vx_fd_need {
	size_t	kept;		/* held by devices between polls */
	size_t	polling;	/* opened by polls in progress */
	size_t	http;		/* HTTP connections */
	size_t	total;		/* the above plus VX_FDS_BASE */
};

/*
 * Raises the soft limit to the hard one.  Returns the limit now in force
 * (0 if there is none) and sets *before to the soft limit found.
 */
unsigned long long	vx_fd_limit_raise(unsigned long long *before);
/* The soft limit in force (0: none), or the hard one if hard is set. */
unsigned long long	vx_fd_limit(bool hard);

/* What cfg needs with the given number of poll workers. */
void	vx_fd_need(const struct vx_config *cfg, size_t workers,
	    struct vx_fd_need *out);

/*
 * Records an error in errs if cfg needs more descriptors than limit (0:
 * no limit), saying how many and what to do.  Returns true if it fits.
 */
bool	vx_fd_check(const struct vx_config *cfg, size_t workers,
	    unsigned long long limit, struct vx_cfg_errors *errs);

#endif
