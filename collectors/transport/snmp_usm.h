#ifndef VX_SNMP_USM_H
#define VX_SNMP_USM_H

/*
 * Which device's credentials the process's SNMPv3 user for each (engine
 * ID, user name) was built from.  net-snmp keeps one set of keys per pair
 * for the whole process: two devices that answer with the same engine ID
 * (cloned images do) and are polled as the same user but with other
 * passwords would silently overwrite each other's keys, each then failing
 * authentication in turn.  A device claims the pair before its keys are
 * built; a claim that would overwrite another device's other keys is
 * refused, so that device fails with a message naming both, and the first
 * keeps working.
 *
 * Pure bookkeeping (no net-snmp here), safe from any thread.
 */

#include <stddef.h>

struct vx_snmp_usm_claim {
	const void		*owner;		/* one per device, its state */
	const char		*device;	/* its name (new generation: same) */
	const unsigned char	*engine;
	size_t			 engine_len;
	const char		*user;
	/*
	 * The keys (protocol and key, as bytes), each empty when the
	 * security level has none: two claims agree unless both have
	 * an auth part that differs or both a priv part that differs.
	 */
	const unsigned char	*auth;
	size_t			 auth_len;
	const unsigned char	*priv;
	size_t			 priv_len;
};

/* The answers of vx_snmp_usm_claim. */
enum {
	/*
	 * The owner holds the pair (its claim replaces its own earlier one,
	 * or that of a device of the same name: a reload's new generation):
	 * its keys may be built.
	 */
	VX_SNMP_USM_OK = 0,
	/*
	 * Another device holds the pair with other keys; its name is copied
	 * into other (of other_size bytes).
	 */
	VX_SNMP_USM_CLASH = -1,
	VX_SNMP_USM_NOMEM = -2,
};

/* c claims its pair: one of the answers above. */
int	vx_snmp_usm_claim(const struct vx_snmp_usm_claim *c, char *other,
	    size_t other_size);
/* The owner is gone: its claim no longer holds anyone off. */
void	vx_snmp_usm_release(const void *owner);

#endif
