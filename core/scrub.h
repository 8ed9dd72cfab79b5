#ifndef VX_SCRUB_H
#define VX_SCRUB_H

/*
 * Configured secrets must never leave the exporter, whatever a device
 * sends back: a device may echo a password (an enable secret typed at the
 * wrong prompt), or carry a community string in a name.  Every string the
 * exporter takes from a device (the snapshot's strings, error messages)
 * is scrubbed of the device's own secrets before it is logged, shown or
 * exported: each occurrence is overwritten with '*'.
 */

#include <stddef.h>

#include "model.h"

/* Secrets shorter than this are not scrubbed (they would mask words). */
#define VX_SCRUB_MIN_LEN	2

/* Masks every occurrence of every secret in s; returns how many. */
size_t	vx_scrub_text(char *s, const char *const *secrets, size_t n);

/*
 * Masks the secrets in every string of the snapshot a device filled:
 * tunnels (names, peers, attributes, traffic selectors), IKE SAs, drop
 * reasons, the peers of pushed events.  Returns how many occurrences were
 * masked.
 */
size_t	vx_snapshot_scrub(struct vx_snapshot *s, const char *const *secrets,
	    size_t n);

#endif
