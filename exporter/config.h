#ifndef VX_EXPORTER_CONFIG_H
#define VX_EXPORTER_CONFIG_H

/*
 * vpn_exporter.yml: "defaults:", "alerts:", "syslog:", "auths:",
 * "modules:", "probe_targets:" and "devices:".  Loading checks everything
 * (each collector checks its own options) and reports every error with
 * file:line:col, then refuses the whole file; a reload that fails keeps
 * the running configuration.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <pthread.h>
#include <stdatomic.h>

#include "alerts.h"
#include "cfg.h"
#include "cidr.h"
#include "collector.h"
#include "config_fleet.h"
#include "config_syslog.h"

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
	/* The "module:" and "auth:" it uses (config_fleet.h), or NULL. */
	char			*module;
	char			*auth;
	struct vx_target	 target;	/* points into this struct */
	struct vx_collector_cfg	*collectors;	/* by priority, highest first */
	size_t			 ncollectors;
	/*
	 * Identity of the configuration, including secret file contents: a
	 * reload keeps a running device whose fingerprint is unchanged.
	 */
	char			*fingerprint;
};

/* "probe_targets:": /probe of addresses not in the configuration. */
struct vx_probe_targets {
	struct vx_cidr		*allowed;
	size_t			 nallowed;
	int64_t			 max_devices;	/* cached at most */
	int64_t			 idle_timeout_ms; /* dropped when unused */
};

/*
 * What /probe?target=ADDRESS&module=M&auth=A needs to configure a device
 * on demand: the parsed file (its modules and auths), the defaults and
 * alert settings.  Shared by the configuration and the runtime; only
 * with "probe_targets:".
 */
struct vx_fleet {
	atomic_int		 refs;
	pthread_mutex_t		 lock;		/* one device built at a time */
	uint64_t		 generation;	/* a new one per load */
	struct vx_cfg_doc	*doc;
	struct vx_fleet_tmpl	 tmpl;
	struct vx_alerts_cfg	*ac;
	struct vx_defaults	 defaults;
	struct vx_probe_targets	 probe;
};

struct vx_config {
	char			*path;
	struct vx_fleet		*fleet;		/* NULL without probe_targets */
	struct vx_defaults	 defaults;
	struct vx_alerts_global	 alerts;
	struct vx_syslog_cfg	 syslog;	/* the listener, "syslog:" */
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
/*
 * The configuration of a device not in the file, for /probe: named and
 * addressed 'address', with the module and auth of those names (auth
 * NULL: the module's).  Returns 0 and fills *out (release it with
 * vx_device_cfg_release), or -1 with the errors in errs.  Thread-safe.
 */
int			 vx_fleet_device(struct vx_fleet *f, const char *address,
			    const char *module, const char *auth,
			    struct vx_device_cfg *out,
			    struct vx_cfg_errors *errs);
void			 vx_device_cfg_release(struct vx_device_cfg *d);
void			 vx_fleet_ref(struct vx_fleet *f);
void			 vx_fleet_unref(struct vx_fleet *f);
/* Whether ip is in the allowed_targets of f. */
bool			 vx_fleet_allowed(const struct vx_fleet *f,
			    const struct vx_ipaddr *ip);

/* The device named name, or NULL. */
struct vx_device_cfg	*vx_config_device(struct vx_config *cfg,
			    const char *name);

#endif
