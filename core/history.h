#ifndef VX_HISTORY_H
#define VX_HISTORY_H

/*
 * What the core remembers of one device between polls, and applies to
 * each new snapshot before it is published:
 *
 *  - Carried counters.  A device forgets an SA's counters when the SA
 *    ends (a rekey), so a tunnel's sum over its SAs would fall, and
 *    Prometheus' rate() would read that as a reset.  Per tunnel and
 *    counter, the last values of each part (SA, SNMP row, session) are
 *    kept; when a part ends, or restarts under the same key with a new
 *    SA, its last value is added to the tunnel's carried base, so the
 *    total is base + current parts and never falls at a rekey.  The
 *    undercount is the traffic between the last poll and the SA's end.
 *  - Real resets pass through: a counter that falls while its part lives
 *    on (ASA "clear crypto ipsec sa counters") resets the tunnel's total.
 *    SAs ended by a reboot or "clear crypto ipsec sa" look like rekeys
 *    and are carried: the new SAs count from 0, so rate() stays exact.
 *    Device counters (invalid SPI, drops) are the device's own and pass
 *    every reset through (reboot, "clear asp drop").  A 32-bit counter
 *    that wraps (from the top quarter of its range to the bottom one)
 *    is unwrapped instead.
 *  - Counters whose source collector failed this poll are absent, and
 *    their memory is left as it was: a failed poll is never a reset.
 *  - Rekeys: an active SA pair the tunnel did not have at the previous
 *    poll counts in the tunnel's rekey counter.
 *  - Down stays down: a tunnel (or IKE SA) seen once and missing from a
 *    later complete poll is added back as down, with its carried
 *    counters, until forget_after has passed since it was last seen.
 *
 * Pure and single-threaded: the caller serialises calls for one device.
 */

#include <stdint.h>

#include "model.h"

struct vx_history;

struct vx_history_opts {
	int64_t	forget_after_ms;	/* remembered-but-absent tunnels */
};

struct vx_history	*vx_history_new(void);
void			 vx_history_free(struct vx_history *h);

/*
 * Applies the device's history to snap (collected at now_ms, wall clock)
 * and updates the history.  snap->complete and snap->tun_ctr_known must
 * be set.  Returns 0 or -VX_E_NOMEM (the history stays consistent).
 */
int	vx_history_apply(struct vx_history *h, struct vx_snapshot *snap,
	    const struct vx_history_opts *opts, int64_t now_ms);

/*
 * Forgets tunnels and IKE SAs that are remembered but were absent at the
 * last poll (a reload that changed the device's configuration), keeping
 * the carried counters of the others.
 */
void	vx_history_forget_absent(struct vx_history *h);

/* Number of tunnels remembered (for tests and sizing). */
size_t	vx_history_tunnels(const struct vx_history *h);

#endif
