#ifndef VX_VARBIND_H
#define VX_VARBIND_H

/*
 * An SNMP variable binding, independent of net-snmp, so that mappers from
 * varbinds to the model are pure and testable with recorded walks.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define VX_OID_MAX	128

struct vx_oid {
	uint32_t	sub[VX_OID_MAX];
	size_t		len;
};

enum vx_vb_type {
	VX_VB_INTEGER,		/* INTEGER / Integer32: v.i */
	VX_VB_COUNTER32,	/* v.u */
	VX_VB_GAUGE32,		/* Gauge32 / Unsigned32: v.u */
	VX_VB_TIMETICKS,	/* v.u, hundredths of seconds */
	VX_VB_COUNTER64,	/* v.u */
	VX_VB_OCTETS,		/* OCTET STRING: v.s */
	VX_VB_IPADDR,		/* IpAddress: v.s, 4 bytes */
	VX_VB_OBJID,		/* OBJECT IDENTIFIER: v.s as text */
	VX_VB_NULL,		/* NULL, noSuchObject, noSuchInstance, endOfMibView */
};

struct vx_varbind {
	const uint32_t	*oid;
	size_t		 oid_len;
	enum vx_vb_type	 type;
	union {
		int64_t		i;
		uint64_t	u;
		struct {
			const uint8_t	*p;
			size_t		 len;
		} s;
	} v;
};

/* Called for each varbind of a walk or a parsed text; nonzero stops. */
typedef int (*vx_varbind_fn)(void *arg, const struct vx_varbind *vb,
	    struct vx_err *err);

struct vx_snapshot;

/*
 * A vendor's pure mapping of varbinds to the model, as a table, so that
 * what feeds one -- a poll (snmp_collect.h) or recorded "snmpwalk -On"
 * text (snmpwalk_text.h) -- is written once:
 *   m = create(); add(m, vb, err) for each varbind;
 *   finish(m, snap, err) to write the model; free(m).
 */
struct vx_snmp_mapper {
	void		*(*create)(void);	/* NULL: out of memory */
	vx_varbind_fn	  add;
	/* 0 or a negative vx_errcode (-VX_E_NOMEM). */
	int		 (*finish)(void *m, struct vx_snapshot *snap,
			    struct vx_err *err);
	void		 (*free)(void *m);	/* m may be NULL */
};

/*
 * Parses a dotted numeric OID ("1.3.6.1.4.1.9" or ".1.3.6...").  Returns
 * false if it is not one or has more than VX_OID_MAX parts.
 */
bool	vx_oid_parse(const char *s, size_t len, struct vx_oid *out);
/*
 * The OIDs of the columns cols[0..ncols) of a table, whose entry OID is
 * entry[0..elen), into out[0..ncols).
 */
void	vx_oid_columns(struct vx_oid *out, const uint32_t *entry, size_t elen,
	    const uint32_t *cols, size_t ncols);
/*
 * True if oid lies under prefix; if so *suffix and *suffix_len (optional)
 * point at the part after it.
 */
bool	vx_oid_under(const uint32_t *oid, size_t len, const uint32_t *prefix,
	    size_t prefix_len, const uint32_t **suffix, size_t *suffix_len);
/* The value as an unsigned number (INTEGER >= 0, counters, gauges). */
bool	vx_varbind_u64(const struct vx_varbind *vb, uint64_t *out);
/* The value as a signed number (any integer type that fits). */
bool	vx_varbind_i64(const struct vx_varbind *vb, int64_t *out);
/*
 * Formats a 4- or 16-byte address (OCTET STRING or IpAddress) as text.
 * Returns false for any other length.  buf must hold 46 bytes.
 */
bool	vx_varbind_inet(const struct vx_varbind *vb, char *buf, size_t len);

#endif
