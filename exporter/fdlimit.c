/* File descriptors: the limit, and what a configuration needs. */
#include "fdlimit.h"

#include <sys/resource.h>

unsigned long long
vx_fd_limit_raise(unsigned long long *before)
{
	struct rlimit rl;

	*before = 0;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 0;
	*before = rl.rlim_cur == RLIM_INFINITY ? 0 : rl.rlim_cur;
	if (rl.rlim_cur != rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	return vx_fd_limit(false);
}

unsigned long long
vx_fd_limit(bool hard)
{
	struct rlimit	rl;
	rlim_t		v;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 0;
	v = hard ? rl.rlim_max : rl.rlim_cur;
	return v == RLIM_INFINITY ? 0 : (unsigned long long)v;
}

void
vx_fd_need(const struct vx_config *cfg, size_t workers,
    struct vx_fd_need *out)
{
	size_t per_poll = 0, background = 0;

	out->kept = 0;
	for (size_t i = 0; i < cfg->ndevices; i++) {
		const struct vx_device_cfg	*d = &cfg->devices[i];
		size_t				 polling = 0;

		for (size_t k = 0; k < d->ncollectors; k++) {
			out->kept += d->collectors[k].ops->fds_kept;
			polling += d->collectors[k].ops->fds_polling;
		}
		if (polling > per_poll)
			per_poll = polling;
		background += d->background;
	}
	/* Workers poll background devices; there are no more of them. */
	if (workers > background)
		workers = background;
	/* /probe targets: as many as are kept, of the hungriest module. */
	if (cfg->fleet != NULL) {
		size_t kept, polling;

		vx_fleet_tmpl_fds(&cfg->fleet->tmpl, &kept, &polling);
		out->kept += (size_t)cfg->fleet->probe.max_devices * kept;
		if (polling > per_poll)
			per_poll = polling;
	}
	out->polling = workers * per_poll;
	out->http = VX_FDS_HTTP_CONNECTIONS * (1 + per_poll);
	out->total = VX_FDS_BASE + out->kept + out->polling + out->http;
}

bool
vx_fd_check(const struct vx_config *cfg, size_t workers,
    unsigned long long limit, struct vx_cfg_errors *errs)
{
	struct vx_fd_need n;

	vx_fd_need(cfg, workers, &n);
	if (limit == 0 || n.total <= limit)
		return true;
	vx_cfg_error(errs, NULL, "%s: the configuration needs %zu file "
	    "descriptors (%zu kept by %zu devices%s between polls, %zu for "
	    "polls in progress, %zu for HTTP, %d for the exporter), more than "
	    "its limit of %llu (RLIMIT_NOFILE): raise the hard limit "
	    "(LimitNOFILE= in a systemd unit, ulimit -Hn), or configure fewer "
	    "devices%s or poll workers", cfg->path, n.total, n.kept,
	    cfg->ndevices, cfg->fleet != NULL ? " and /probe targets" : "",
	    n.polling, n.http, VX_FDS_BASE, limit, cfg->fleet != NULL ?
	    ", probe_targets.max_devices" : "");
	return false;
}
