#ifndef VX_REGISTRY_H
#define VX_REGISTRY_H

#include "collector.h"

/* The one table of collectors, NULL-terminated. */
extern const struct vx_collector_ops *const vx_collectors[];
/*
 * The vendors' tables of offline parsers (each terminated by a NULL
 * vendor), NULL-terminated.
 */
extern const struct vx_parser *const vx_parser_tables[];

/*
 * Initialises the libraries the collectors use (net-snmp), once, before
 * any thread polls: their lazy initialisation is not thread-safe.
 */
void				 vx_collectors_global_init(void);
/* The collector named name, or NULL. */
const struct vx_collector_ops	*vx_collector_find(const char *name);
/* The parser for (vendor, command), or NULL. */
const struct vx_parser		*vx_parser_find(const char *vendor,
				    const char *command);
/* True if some collector or parser belongs to vendor. */
int				 vx_vendor_known(const char *vendor);

#endif
