#ifndef VX_REGISTRY_H
#define VX_REGISTRY_H

#include "collector.h"
#include "syslog_event.h"

/* The one table of collectors, NULL-terminated. */
extern const struct vx_collector_ops *const vx_collectors[];
/* The one table of offline parsers, terminated by a NULL vendor. */
extern const struct vx_parser vx_parsers[];
/* The vendors' syslog parsers, terminated by a NULL vendor. */
extern const struct vx_syslog_parser vx_syslog_parsers[];

/* The collector named name, or NULL. */
const struct vx_collector_ops	*vx_collector_find(const char *name);
/* The parser for (vendor, command), or NULL. */
const struct vx_parser		*vx_parser_find(const char *vendor,
				    const char *command);
/* The syslog parser of vendor, or NULL. */
const struct vx_syslog_parser	*vx_syslog_parser_find(const char *vendor);
/* True if some collector or parser belongs to vendor. */
int				 vx_vendor_known(const char *vendor);

#endif
