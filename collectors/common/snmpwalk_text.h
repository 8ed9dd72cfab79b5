#ifndef VX_SNMPWALK_TEXT_H
#define VX_SNMPWALK_TEXT_H

#include <stddef.h>

#include "varbind.h"

/*
 * Parses the output of "snmpwalk -On" (or snmpbulkwalk, snmpget with -On):
 *   .1.3.6.1.4.1.9.9.171.1.3.2.1.2.11 = INTEGER: 27
 *   .1.3.6.1.4.1.9.9.171.1.3.2.1.4.11 = Hex-STRING: D4 5A CA 22
 * with STRING values spanning lines, Hex-STRING continuation lines, enum
 * values printed as "active(1)", and the "No Such Object" / "No more
 * variables" lines (which yield nothing).  Calls fn for each varbind; the
 * varbind's pointers are valid only during the call.  Pure: no I/O.
 *
 * Returns 0, -VX_E_PARSE naming the line for text that is not snmpwalk
 * output or holds no varbind at all, -VX_E_PROTOCOL for an snmpwalk error
 * message ("Timeout: No Response from ..."), or what fn returned.
 */
int	vx_snmpwalk_parse(const char *text, size_t len, vx_varbind_fn fn,
	    void *arg, struct vx_err *err);

/*
 * Feeds the varbinds of text to a new mapping of mp and writes the model
 * into snap (a vx_parse_fn's work, for an SNMP mapping).  Returns 0 or a
 * negative vx_errcode: vx_snmpwalk_parse's, or the mapping's.
 */
int	vx_snmpwalk_map(const char *text, size_t len,
	    const struct vx_snmp_mapper *mp, struct vx_snapshot *snap,
	    struct vx_err *err);

#endif
