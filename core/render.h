#ifndef VX_RENDER_H
#define VX_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "events.h"
#include "model.h"
#include "strbuf.h"

enum vx_format {
	VX_FMT_TEXT,		/* text/plain; version=0.0.4 */
	VX_FMT_OPENMETRICS,	/* application/openmetrics-text; version=1.0.0 */
};

/* The Content-Type header value for fmt. */
const char	*vx_format_content_type(enum vx_format fmt);

/* Process figures, read from /proc by process.c. */
struct vx_process_stats {
	bool		valid;
	double		cpu_seconds;
	uint64_t	rss_bytes;
	uint64_t	vsize_bytes;
	uint64_t	open_fds;
	uint64_t	max_fds;
	double		start_time_seconds;
};

/* Why the HTTP server refused a connection or closed it unserved. */
enum vx_http_drop {
	VX_HTTP_DROP_LIMIT,	/* refused: at the connection limit */
	VX_HTTP_DROP_EVICTED,	/* idle or slow, closed to make room */
	VX_HTTP_DROP_TIMEOUT,	/* handshake, request or answer too slow */
	VX_HTTP_DROP__COUNT,
};

/* The HTTP server's figures. */
struct vx_http_stats {
	bool		valid;
	uint64_t	open;
	uint64_t	max;
	uint64_t	dropped[VX_HTTP_DROP__COUNT];
	uint64_t	probe_cpu_wait_ns;	/* /probe polls, for a turn */
};

/* Self-metrics of the exporter. */
struct vx_selfstats {
	const char		*version;
	const char		*revision;
	const char		*compiler;
	bool			 reload_ok;
	int64_t			 reload_success_ms;	/* wall clock */
	size_t			 ndevices;
	size_t			 nprobe_targets;	/* ad-hoc /probe devices */
	struct vx_process_stats	 proc;
	struct vx_http_stats	 http;
	struct vx_syslog_stats	 syslog;	/* the listener, if any */
};

/*
 * Whether a tunnel's SPIs agree with those of the monitored device at its
 * other end (exporter/correlate.c decides; the renderer only writes it).
 */
struct vx_spi_check {
	const struct vx_snapshot	*snap;	/* the tunnel's device */
	const char			*tunnel;
	const char			*peer;
	const char			*node;	/* NULL: not a cluster */
	const char			*peer_device;
	bool				 mismatch;
	/*
	 * For the status page; the renderer ignores them (and is given
	 * known checks only).  The tunnels of
	 * both ends (peer_tun only when the caller holds the other end's
	 * snapshot, else NULL), and whether their SPIs disagree right now,
	 * grace period or not, since differ_since_ms (wall clock; 0 when
	 * they agree).
	 */
	const struct vx_tunnel		*tun;
	const struct vx_tunnel		*peer_tun;
	bool				 known;	/* else mismatch is moot */
	bool				 differ;
	int64_t				 differ_since_ms;
};

/*
 * Renders snapshots (and, if self is not NULL, the self-metrics) into out,
 * grouped by metric family, each with HELP and TYPE.  Families with no
 * sample are left out.  A NULL entry in snaps is skipped.
 */
void	vx_render(struct vx_strbuf *out, enum vx_format fmt,
	    struct vx_snapshot *const *snaps, size_t nsnaps,
	    const struct vx_selfstats *self);
/* vx_render, with the SPI agreement of paired tunnels. */
void	vx_render_ex(struct vx_strbuf *out, enum vx_format fmt,
	    struct vx_snapshot *const *snaps, size_t nsnaps,
	    const struct vx_spi_check *checks, size_t nchecks,
	    const struct vx_selfstats *self);

/*
 * Renders every family's samples of snapshot s once and keeps them,
 * compressed, in the snapshot (s->render_cache), so that vx_render_gzip
 * copies them instead of rendering and compressing them at every scrape.
 * Call when s is complete, before it is published (it changes s).
 * Returns 0 or -VX_E_NOMEM (s then has no cache, and is rendered anew).
 */
int	vx_render_cache_build(struct vx_snapshot *s);

/*
 * vx_render_ex, gzip-compressed: out receives a gzip member whose text is
 * exactly what vx_render_ex renders.  Snapshots with a render cache cost
 * a copy of their compressed samples; the others are rendered and
 * compressed now.
 */
void	vx_render_gzip(struct vx_strbuf *out, enum vx_format fmt,
	    struct vx_snapshot *const *snaps, size_t nsnaps,
	    const struct vx_spi_check *checks, size_t nchecks,
	    const struct vx_selfstats *self);

/*
 * Metric names for code that writes PromQL (the rule generator): the ids
 * are those of metrics.def, so a renamed metric renames the rules too.
 */
enum vx_metric {
#define VX_METRIC(id, name, type, help) VX_M_##id,
#include "metrics.def"
#undef VX_METRIC
	VX_M__COUNT
};
const char	*vx_metric_name(enum vx_metric m);

/*
 * Appends a label value escaped for the exposition formats: backslash,
 * double quote and newline are escaped, and invalid UTF-8 becomes U+FFFD.
 */
void	vx_render_escape_label(struct vx_strbuf *out, const char *value);

/* True if name is a valid Prometheus label name not starting with "__". */
bool	vx_label_name_valid(const char *name);
/*
 * True if name is a label the renderer itself sets (device, peer, ...),
 * one Prometheus sets on scrape (instance, job), or a state set's state
 * label: derived from the renderer's own tables.
 */
bool	vx_label_name_reserved(const char *name);
/* Every reserved label name, into out (at most max); returns how many. */
size_t	vx_label_names_reserved(const char **out, size_t max);

#endif
