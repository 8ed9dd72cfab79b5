#ifndef VX_CORRELATE_H
#define VX_CORRELATE_H

/*
 * SPI correlation across devices: when both ends of a tunnel are
 * monitored, vpn_spi_mismatch says whether their SPIs agree.  The other
 * end of tunnel T of device A is found:
 *   - by configuration: A's "peer_devices" maps T's peer to device B;
 *   - or by addresses: the one device B with a tunnel whose local address
 *     is T's peer.
 * On B, the tunnel is the one whose peer is T's local address (or, if T
 * has none, the one tunnel whose local address is T's peer).  The result
 * is 1 only after the ends have disagreed for longer than the grace
 * period (a rekey shows new SAs on one end a poll before the other), 0
 * when they agree or are within it, and absent when it is unknown (an end
 * down, stale, or without SPIs): never a false 1.  Works across vendors:
 * it reads the model only.
 */

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "render.h"
#include "strbuf.h"
#include "strmap.h"

/* One device as the correlator sees it. */
struct vx_corr_dev {
	const char			*name;
	const struct vx_snapshot	*snap;		/* latest; NULL: none */
	const struct vx_strlist		*peer_devices;	/* peer, device */
	int64_t				 grace_ms;
	/*
	 * Output its checks.  The caller holds a wanted device's snapshot
	 * after the call, so checks may point into it (peer_tun).
	 */
	bool				 wanted;
};

struct vx_correlator {
	pthread_mutex_t		lock;
	struct vx_strmap	since;		/* pair key -> struct since */
};

void	vx_correlator_init(struct vx_correlator *c);
void	vx_correlator_release(struct vx_correlator *c);

/*
 * The checks of the tunnels of every wanted device, against all devs, in
 * the order of devs and of each snapshot's tunnels.  Returns a malloc'd
 * array (free() it; its strings point into the snapshots) and sets *n;
 * NULL with *n = 0 if there are none or on out-of-memory.  now_ms: wall
 * clock.
 */
struct vx_spi_check	*vx_correlate(struct vx_correlator *c,
			    const struct vx_corr_dev *devs, size_t ndevs,
			    int64_t now_ms, size_t *n);
/*
 * The same, plus the pairs whose agreement is unknown (an end down,
 * stale or without SPIs), with known false: the status page shows the
 * other end of every tunnel that has a monitored one.
 */
struct vx_spi_check	*vx_correlate_pairs(struct vx_correlator *c,
			    const struct vx_corr_dev *devs, size_t ndevs,
			    int64_t now_ms, size_t *n);

#endif
