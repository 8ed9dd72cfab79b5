#ifndef VX_EXPORTER_CONFIG_FLEET_H
#define VX_EXPORTER_CONFIG_FLEET_H

/*
 * Fleet configuration: named credential profiles ("auths:") and device
 * templates ("modules:") that devices reference ("auth: NAME",
 * "module: NAME"), so that 5,000 devices do not repeat their options.
 *
 * Nothing here knows a collector or a vendor: a device that references
 * them is expanded into the mapping it would be if written out in full,
 * and the loader checks that as usual, so every error still names the
 * file:line:col of the key at fault, wherever it was written.
 *
 *   module		any device key but name, address, module and
 *			peer_devices (vendor, collectors, interval, labels...)
 *   auth		transport name (snmp, ssh, https) or collector name
 *			-> options, merged into every collector of that
 *			transport (or that collector) of the device
 *
 * Precedence, lowest first: the module, the auth's transport section,
 * the auth's collector section, the device's own.  Mappings merge key by
 * key (collectors, their options, labels, alerts, sources); a key
 * replaces the same key of a lower level in any of its forms, so a
 * device's "community" replaces a module's "community_file".
 */

#include <stdbool.h>
#include <stdint.h>

#include "arena.h"
#include "cfg.h"
#include "strmap.h"

struct vx_fleet_tmpl {
	struct vx_strmap	 modules;	/* name -> struct fleet_entry */
	struct vx_strmap	 auths;		/* name -> struct fleet_entry */
	/* "module^_auth^_collector" whose options already failed. */
	struct vx_strmap	 failed;
};

/* What the device referenced, for its configuration and suppression. */
struct vx_fleet_use {
	const char		*module;	/* NULL: none */
	const char		*auth;		/* NULL: none */
	/* The device's own "collectors:" mapping, NULL if none. */
	const struct vx_cfg_node *own_collectors;
};

/*
 * Reads "auths:" and "modules:" (either may be NULL).  check_module
 * checks a module's keys as device keys (none is required); it returns
 * the number of errors it recorded.
 */
void	vx_fleet_tmpl_parse(struct vx_fleet_tmpl *t, struct vx_cfg_errors *errs,
	    const struct vx_cfg_node *auths, const struct vx_cfg_node *modules,
	    size_t (*check_module)(struct vx_cfg_errors *errs,
	    const struct vx_cfg_node *map, const char *where, void *arg),
	    void *arg);
void	vx_fleet_tmpl_release(struct vx_fleet_tmpl *t);

/*
 * The most descriptors a device made from one of t's modules keeps
 * between polls (*kept) and opens while polling (*polling): for the
 * descriptor need of /probe targets (fdlimit.h).
 */
void	vx_fleet_tmpl_fds(struct vx_fleet_tmpl *t, size_t *kept,
	    size_t *polling);

/*
 * The device mapping node with its module and auth applied, allocated in
 * arena (node itself when it references neither); NULL when a reference
 * is unknown or names a module with errors (reported once, at the
 * module), in which case the device is left out.  *use says what it
 * referenced.
 */
const struct vx_cfg_node *vx_fleet_expand(struct vx_fleet_tmpl *t,
	    struct vx_cfg_errors *errs, struct vx_arena *arena,
	    const struct vx_cfg_node *node, struct vx_fleet_use *use);

/*
 * Errors in options that a module or auth gives a collector would
 * repeat for every device that uses them.  Whether the options of
 * collector for this device come from the module and auth alone and
 * failed before (skip them: they were reported once), and recording a
 * failure.
 */
bool	vx_fleet_failed_before(const struct vx_fleet_tmpl *t,
	    const struct vx_fleet_use *use, const char *collector);
void	vx_fleet_record_failure(struct vx_fleet_tmpl *t,
	    const struct vx_fleet_use *use, const char *collector);

/* Whether a module of that name exists. */
const struct vx_cfg_node *vx_fleet_module(const struct vx_fleet_tmpl *t,
	    const char *name);
const struct vx_cfg_node *vx_fleet_auth(const struct vx_fleet_tmpl *t,
	    const char *name);

/* A new scalar node (value copied into arena) placed at 'at'. */
struct vx_cfg_node *vx_fleet_scalar(struct vx_arena *arena,
	    const struct vx_cfg_node *at, const char *value);

#endif
