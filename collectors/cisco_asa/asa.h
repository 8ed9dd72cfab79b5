#ifndef VX_ASA_H
#define VX_ASA_H

/*
 * Cisco ASA: the collectors' ops and the pure SNMP mapping.  The CLI
 * parsers (show asp drop, show crypto ...) are declared in asa_cli.h.
 */

#include <stddef.h>

#include "collector.h"
#include "varbind.h"

extern const struct vx_collector_ops asa_snmp_ops;
extern const struct vx_collector_ops asa_ssh_ops;
/* The offline parsers, terminated by a NULL vendor (asa_parsers.c). */
extern const struct vx_parser asa_parsers[];

/*
 * The CISCO-IPSEC-FLOW-MONITOR-MIB / CISCO-REMOTE-ACCESS-MONITOR-MIB
 * mapping, fed one varbind at a time (from a live walk or recorded
 * "snmpwalk -On" text).  Pure: no I/O, no globals.
 *
 *   struct asa_snmp_map *m = asa_snmp_map_new();
 *   for each varbind: asa_snmp_map_add(m, vb, err);
 *   asa_snmp_map_finish(m, snap, err);
 *   asa_snmp_map_free(m);
 */
struct asa_snmp_map;

struct asa_snmp_map	*asa_snmp_map_new(void);
void			 asa_snmp_map_free(struct asa_snmp_map *m);
/* Keeps what the mapping needs from vb; ignores other OIDs.  Returns 0. */
int			 asa_snmp_map_add(void *m, const struct vx_varbind *vb,
			    struct vx_err *err);
/* Writes the model.  Returns 0 or -VX_E_NOMEM. */
int			 asa_snmp_map_finish(struct asa_snmp_map *m,
			    struct vx_snapshot *snap, struct vx_err *err);
/* Whether the walk saw any Counter64 octet column (else 32-bit fallback). */
int			 asa_snmp_map_has_hc(const struct asa_snmp_map *m);
/* Number of cipSecTunnelTable rows seen. */
size_t			 asa_snmp_map_tunnel_rows(const struct asa_snmp_map *m);
/*
 * Splits the tunnel rows seen into at most parts ranges of about equal
 * size, for walking the tables indexed by tunnel row in parallel: writes
 * the row indexes where ranges 2.. start, increasing, to bounds (at most
 * max of them) and returns how many.  0: one range, the whole table.
 */
#define ASA_SNMP_RANGES_MAX	32
size_t			 asa_snmp_map_tunnel_bounds(
			    const struct asa_snmp_map *m, size_t parts,
			    uint32_t *bounds, size_t max);

/* "snmpwalk -On" text -> model (vx_parse_fn). */
int	asa_parse_snmpwalk(const char *text, size_t len,
	    struct vx_snapshot *snap, struct vx_err *err);

#endif
