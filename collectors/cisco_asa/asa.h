#ifndef VX_ASA_H
#define VX_ASA_H

/*
 * Cisco ASA: the collectors' ops and the pure SNMP mapping.  The CLI
 * parsers (show asp drop, show crypto ...) are declared in asa_cli.h.
 */

#include <stddef.h>

#include "collector.h"
#include "syslog_event.h"
#include "varbind.h"

extern const struct vx_collector_ops asa_snmp_ops;
extern const struct vx_collector_ops asa_ssh_ops;
/* The offline parsers, terminated by a NULL vendor (asa_parsers.c). */
extern const struct vx_parser asa_parsers[];

/*
 * The CISCO-IPSEC-FLOW-MONITOR-MIB / CISCO-REMOTE-ACCESS-MONITOR-MIB
 * mapping, fed one varbind at a time (from a live walk or recorded
 * "snmpwalk -On" text) through asa_snmp_mapper (varbind.h: create, add
 * each varbind, finish, free).  Pure: no I/O, no globals.
 */
struct asa_snmp_map;

extern const struct vx_snmp_mapper asa_snmp_mapper;
/* Keeps what the mapping needs from vb; ignores other OIDs.  Returns 0. */
int			 asa_snmp_map_add(void *m, const struct vx_varbind *vb,
			    struct vx_err *err);
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

/*
 * ASA (PIX, FTD) syslog: invalid SPI (402114, PIX 402101), anti-replay
 * (402119) and authentication (402120) failures (vx_syslog_parse_fn).
 */
enum vx_syslog_kind	asa_syslog_parse(const struct vx_syslog_msg *m,
			    struct vx_event *ev);

#endif
