#ifndef VX_EXPORTER_CONFIG_H
#define VX_EXPORTER_CONFIG_H

/*
 * vpn_exporter.yml: "defaults:" and "devices:".  Loading checks everything
 * (each collector checks its own options) and reports every error with
 * file:line:col, then refuses the whole file; a reload that fails keeps
 * the running configuration.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alerts.h"
#include "cfg.h"
#include "collector.h"

#define VX_DEFAULT_FORGET_AFTER_MS	(24 * 3600 * 1000)

struct vx_defaults {
	int64_t		interval_ms;
	int64_t		timeout_ms;
	int64_t		retries;
	bool		background;
	int64_t		forget_after_ms;
	int64_t		spi_mismatch_grace_ms;	/* 0: 2 x interval */
	bool		probe_fresh;
};

struct vx_collector_cfg {
	const struct vx_collector_ops	*ops;
	void				*state;	/* from ops->configure */
	/* The fields this collector is the device's source of. */
	struct vx_fields		 allow;
};

struct vx_device_cfg {
	char			*name;
	char			*vendor;
	char			*address;
	struct vx_strlist	 labels;	/* name, value pairs */
	struct vx_strlist	 expected_peers;
	int64_t			 interval_ms;
	int64_t			 timeout_ms;
	int64_t			 retries;
	bool			 background;
	int64_t			 forget_after_ms;
	int64_t			 spi_mismatch_grace_ms;
	/* Every secret of the device's collectors, to scrub its output of. */
	struct vx_strlist	 secrets;
	/* Tunnel peer -> the configured device at the other end. */
	struct vx_strlist	 peer_devices;	/* peer, device pairs */
	struct vx_alert_settings alerts;
	struct vx_threshold_cfg	 thresholds[2 * VX_AL__COUNT];
	size_t			 nthresholds;
	/*
	 * /probe of a background device: poll it (true), or serve its
	 * latest background poll (false).
	 */
	bool			 probe_fresh;
	struct vx_target	 target;	/* points into this struct */
	struct vx_collector_cfg	*collectors;	/* by priority, highest first */
	size_t			 ncollectors;
	/*
	 * Identity of the configuration, including secret file contents: a
	 * reload keeps a running device whose fingerprint is unchanged.
	 */
	char			*fingerprint;
};

struct vx_config {
	char			*path;
	struct vx_defaults	 defaults;
	struct vx_alerts_global	 alerts;
	struct vx_device_cfg	*devices;
	size_t			 ndevices;
};

/*
 * Loads and checks path.  Returns the configuration, or NULL with every
 * problem recorded in errs.  Free with vx_config_free().
 */
struct vx_config	*vx_config_load(const char *path,
			    struct vx_cfg_errors *errs);
/* Frees cfg and, unless it was taken, each collector's state. */
void			 vx_config_free(struct vx_config *cfg);
/* The device named name, or NULL. */
struct vx_device_cfg	*vx_config_device(struct vx_config *cfg,
			    const char *name);

#endif
