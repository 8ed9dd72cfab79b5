#ifndef VX_STATUS_H
#define VX_STATUS_H

/*
 * The status page (/status) and its JSON twin (/status.json): every device
 * with its collectors' last poll, and every tunnel with the SPIs of both
 * ends side by side, the way an operator compares "show crypto ipsec sa"
 * on the two boxes.  Four steps, each testable alone:
 *
 *   vx_status_gather()	takes what the runtime has into a view: the
 *			latest snapshots, the SPI correlation of
 *			exporter/correlate.c, each device's invalid-SPI
 *			history;
 *   vx_status_index()	derives states, counts, rates and the tunnel
 *			list (pure);
 *   vx_status_select()	filters and sorts for a query (pure);
 *   vx_status_html(),	write it (pure).  Every string a device or the
 *   vx_status_json()	configuration provided is escaped.
 *
 * This is not a metric exposition: no metric names here, and the JSON
 * keys are the model's own field names.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "device.h"
#include "render.h"
#include "strbuf.h"

struct vx_runtime;
struct vx_devtable;

/* Sort keys ("sort=" for tunnels, "dsort=" for devices). */
enum vx_status_key {
	VX_SK_DEVICE,		/* name (then tunnel, peer) */
	VX_SK_TUNNEL,
	VX_SK_PEER,
	VX_SK_STATE,		/* down first */
	VX_SK_SPI,		/* mismatch first, then differing, unknown */
	VX_SK_LIFE,		/* least remaining SA lifetime first */
	VX_SK_RATE,		/* highest invalid-SPI rate first */
	VX_SK_DURATION,		/* longest collection first */
	VX_SK_POLL,		/* oldest poll first */
	VX_SK__COUNT
};

/* Rows of the tunnel table shown unless "limit=" says otherwise. */
#define VX_STATUS_DEFAULT_LIMIT	2000

struct vx_status_query {
	const char		*device;	/* substring of the name */
	const char		*peer;		/* of tunnel name or peer */
	bool			 problems;	/* only what is not fine */
	enum vx_status_key	 sort;		/* tunnels */
	bool			 sort_rev;
	enum vx_status_key	 dsort;		/* devices */
	bool			 dsort_rev;
	int			 refresh_s;	/* -1: the default */
	long			 limit;		/* rows; -1: default, 0: all */
};

/* A query that shows everything, sorted by device. */
void	vx_status_query_init(struct vx_status_query *q);
/*
 * Applies one query argument (device, peer, problems, sort, dsort,
 * refresh, limit; "-" before a sort key reverses it).  Unknown arguments
 * are ignored; returns false for a known one with a bad value, which is
 * then ignored too.  The strings must outlive the query.
 */
bool	vx_status_query_arg(struct vx_status_query *q, const char *key,
	    const char *value);
/* The argument name of a sort key ("life"), or NULL. */
const char	*vx_status_key_name(enum vx_status_key k);

enum vx_status_state {
	VX_ST_UP,
	VX_ST_PARTIAL,		/* some collectors failed the last poll */
	VX_ST_DOWN,
	VX_ST_STALE,		/* not refreshed in time */
	VX_ST_PENDING,		/* not polled yet */
	VX_ST_PROBE_ONLY,	/* background: false, never probed */
};

/* "up", "partial", ...: the state names of the page and the JSON. */
const char	*vx_status_state_name(enum vx_status_state st);

/* One device.  The gatherer (or a test) fills the first part. */
struct vx_status_dev {
	const char			*name;
	const char			*vendor;
	const char			*address;
	const char			**collectors;	/* configured */
	size_t				 ncollectors;
	bool				 background;
	int64_t				 interval_ms;
	const struct vx_snapshot	*snap;		/* latest; NULL: none */
	const char			*last_error;	/* "" if none */
	struct vx_counter_sample	 spi[VX_DEVICE_SPI_HISTORY];
	size_t				 nspi;		/* oldest first */

	/* Filled by vx_status_index. */
	enum vx_status_state		 state;
	size_t				 tunnels_up;
	size_t				 tunnels;
	double				 spi_rate;	/* packets/s */
	bool				 spi_rate_set;
	size_t				 mismatches;
	bool				 shown;		/* selected */
};

/* How the SPIs of a tunnel compare with its other end's. */
enum vx_status_spi {
	VX_SS_NOT_MONITORED,	/* no configured device at the other end */
	VX_SS_UNKNOWN,		/* an end is down, stale or has no SPIs */
	VX_SS_MATCH,
	VX_SS_DIFFER,		/* disagree, within the grace period */
	VX_SS_MISMATCH,		/* disagree for longer than the grace */
};

const char	*vx_status_spi_name(enum vx_status_spi s);

struct vx_status_tun {
	const struct vx_status_dev	*dev;
	const struct vx_tunnel		*t;
	const struct vx_spi_check	*check;	/* NULL: not monitored */
	enum vx_status_spi		 spi;
};

struct vx_status_view {
	int64_t			 now_ms;	/* wall clock */
	struct vx_status_dev	*devs;
	size_t			 ndevs;
	struct vx_spi_check	*checks;	/* vx_correlate_pairs order */
	size_t			 nchecks;

	/* Filled by vx_status_index. */
	struct vx_status_tun	*tuns;
	size_t			 ntuns;
	int			 refresh_s;	/* from the poll intervals */

	/* Filled by vx_status_select: indexes of what is shown, sorted. */
	size_t			*dorder;
	size_t			 ndorder;
	size_t			*torder;
	size_t			 ntorder;	/* after the limit */
	size_t			 tmatched;	/* before the limit */

	bool			 oom;

	/* What vx_status_gather holds (released by vx_status_release). */
	struct vx_devtable	*table;
	struct vx_snapshot	**held;
	char			**errors;
	struct vx_device	**probed;	/* /probe targets, after the table's */
	size_t			 nprobed;
};

/*
 * Fills v from the running configuration: every device's latest snapshot
 * (stale ones replaced as for /metrics), last error and invalid-SPI
 * history, and the SPI correlation of every pair of tunnels; then calls
 * vx_status_index.  Returns 0 or -VX_E_NOMEM (v is then released).
 */
int	vx_status_gather(struct vx_status_view *v, struct vx_runtime *rt);

/*
 * Derives the states, counts, rates and the tunnel list from devs and
 * checks (which must come in the order vx_correlate_pairs gives).
 * Returns 0 or -VX_E_NOMEM.
 */
int	vx_status_index(struct vx_status_view *v);

/* Chooses and sorts the shown rows for q.  Returns 0 or -VX_E_NOMEM. */
int	vx_status_select(struct vx_status_view *v,
	    const struct vx_status_query *q);

/* The page for the selected rows; q makes the links keep the filters. */
void	vx_status_html(struct vx_strbuf *out, const struct vx_status_view *v,
	    const struct vx_status_query *q);
/* The same rows as one JSON object. */
void	vx_status_json(struct vx_strbuf *out, const struct vx_status_view *v);

/* Frees what index, select and gather allocated (not devs of a test). */
void	vx_status_release(struct vx_status_view *v);

/*
 * The rate of a counter over samples (oldest first), in units per second:
 * the increase over their time span, a fall counting as a reset to 0 (as
 * Prometheus' rate() does).  False with fewer than two samples or no time
 * between them.
 */
bool	vx_status_rate(const struct vx_counter_sample *s, size_t n,
	    double *per_s);

#endif
