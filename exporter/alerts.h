#ifndef VX_ALERTS_H
#define VX_ALERTS_H

/*
 * Alert thresholds: the "alerts:" section of vpn_exporter.yml, its
 * per-selector overrides and the devices' own "alerts:", resolved into one
 * setting per device and alert.  The same settings feed the thresholds
 * exported as vpn_alert_threshold (so one rule compares each device with
 * its own) and the rule file "vpn_exporter rules" prints (exporter/rules.c).
 *
 *   alerts:
 *     invalid_spi: {warning: 0.2, page: 1, window: 5m, for: 2m}
 *     tunnel_down: {for: 5m}
 *     overrides:
 *       - match: {site: fra1}         # device labels, or device: NAME
 *         invalid_spi: {page: 5}
 *   devices:
 *     - name: asa-fra1
 *       alerts: {tunnel_down: {for: 15m}}
 *
 * Precedence: built-in defaults, then "alerts:", then each matching
 * override in file order, then the device's own.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfg.h"

enum vx_alert {
	VX_AL_INVALID_SPI,
	VX_AL_TUNNEL_DOWN,
	VX_AL_TUNNEL_FLAPPING,
	VX_AL_SA_EXPIRING,
	VX_AL_SPI_MISMATCH,
	VX_AL_IPSEC_ERRORS,
	VX_AL_DEVICE_UNREACHABLE,
	VX_AL_COLLECTOR_FAILING,
	VX_AL_STALE_DATA,
	VX_AL_EXPORTER_DOWN,
	VX_AL_RELOAD_FAILED,
	VX_AL__COUNT
};

/* The values an alert may have; which ones apply is per alert. */
enum vx_alert_slot {
	VX_AS_WARNING,		/* threshold at severity "warning" */
	VX_AS_PAGE,		/* threshold at severity "page" */
	VX_AS_WINDOW,		/* ms: range of rate()/changes() */
	VX_AS_FOR,		/* ms: the rule's "for" */
	VX_AS__COUNT
};

struct vx_alert_setting {
	bool	enabled;
	double	v[VX_AS__COUNT];	/* NAN: the slot does not apply */
};

/* One device's resolved settings. */
struct vx_alert_settings {
	struct vx_alert_setting a[VX_AL__COUNT];
};

/* The exporter-wide part of the section. */
struct vx_alerts_global {
	char				*runbook_url;	/* "{alert}" replaced */
	char				*exporter_job;
	struct vx_alert_settings	 defaults;
};

/* A threshold to export for a device. */
struct vx_threshold_cfg {
	const char	*alert;		/* static: the alert's config name */
	const char	*severity;	/* static: "warning" or "page" */
	double		 value;
};

/* Names: config key ("invalid_spi"), Prometheus alert name, severity. */
const char	*vx_alert_name(enum vx_alert a);
const char	*vx_alert_rule_name(enum vx_alert a);
/* The severity of a slot's threshold or, for VX_AS_FOR, of the alert. */
const char	*vx_alert_severity(enum vx_alert a, enum vx_alert_slot s);
/* The config key of a slot for alert a ("page", "changes"), or NULL. */
const char	*vx_alert_slot_key(enum vx_alert a, enum vx_alert_slot s);
/* False for alerts about the exporter itself (not set per device). */
bool		 vx_alert_per_device(enum vx_alert a);

/* The parsed section, kept while devices are loaded; then freed. */
struct vx_alerts_cfg;

/*
 * Parses the top-level "alerts:" node (NULL: none).  Errors go to errs.
 * Never NULL unless out of memory.
 */
struct vx_alerts_cfg	*vx_alerts_parse(struct vx_cfg_errors *errs,
			    const struct vx_cfg_doc *doc,
			    const struct vx_cfg_node *node);
void			 vx_alerts_free(struct vx_alerts_cfg *ac);

/* Moves the global settings out of ac (runbook_url, job, defaults). */
void	vx_alerts_take_global(struct vx_alerts_cfg *ac,
	    struct vx_alerts_global *out);
void	vx_alerts_global_release(struct vx_alerts_global *g);

/*
 * Resolves one device's settings: the defaults, the overrides whose
 * selector matches (device name, labels: name/value pairs), then the
 * device's own "alerts:" node (NULL: none).  interval_ms gives the
 * stale-data default.  Checks the result (warning above page, ...) and
 * records errors with the node that set the offending value.
 */
void	vx_alerts_resolve(struct vx_alerts_cfg *ac, struct vx_cfg_errors *errs,
	    const struct vx_cfg_doc *doc, const char *device,
	    const struct vx_strlist *labels, const struct vx_cfg_node *own,
	    int64_t interval_ms, struct vx_alert_settings *out);

/* After every device: an override whose selector matched none is an error. */
void	vx_alerts_check_unused(struct vx_alerts_cfg *ac,
	    struct vx_cfg_errors *errs);

/*
 * The thresholds of s to export (one per applicable warning/page slot of
 * an enabled per-device alert), into out (VX_AL__COUNT * 2 entries);
 * returns how many.
 */
size_t	vx_alerts_thresholds(const struct vx_alert_settings *s,
	    struct vx_threshold_cfg *out);

#endif
