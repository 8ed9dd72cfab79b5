#ifndef VX_CONFIG_SYSLOG_H
#define VX_CONFIG_SYSLOG_H

/*
 * The top-level "syslog:" section (the listener) and the checks that
 * span devices: a device with a syslog collector needs the listener, and
 * a source address or host name belongs to one device only.
 */

#include "cfg.h"
#include "syslog_listener.h"

struct vx_config;

struct vx_syslog_cfg {
	bool				 enabled;	/* the section is there */
	struct vx_syslog_settings	 s;
	/* The settings as text: a reload rebinds only if this changed. */
	char				*fingerprint;
};

/*
 * Reads the section (node may be NULL: no listener) into cfg->syslog and
 * checks the devices' syslog collectors against it and each other
 * (devices: the "devices:" sequence, for positions).  Errors go to errs.
 */
void	vx_config_syslog_load(struct vx_cfg_errors *errs,
	    const struct vx_cfg_doc *doc, const struct vx_cfg_node *node,
	    const struct vx_cfg_node *devices, struct vx_config *cfg);
void	vx_config_syslog_release(struct vx_syslog_cfg *c);

#endif
