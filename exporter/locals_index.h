#ifndef VX_LOCALS_INDEX_H
#define VX_LOCALS_INDEX_H

#include <stddef.h>

#include "device.h"

/*
 * Which devices of a table hold a local address (their own end of a
 * tunnel), kept between requests.  /probe of one device needs the
 * devices at the other ends of its tunnels; finding them by going
 * through every device of the fleet at each request made a probe cost
 * grow with the fleet (every device locked, every snapshot held, an
 * index of every address built and thrown away).  The index follows the
 * devices' latest snapshots (vx_device.generation): a lookup first
 * re-reads only the devices that polled since the last one.
 */
struct vx_locals_index;

/* An empty index over devs[0..n) (not owned; they outlive it). */
struct vx_locals_index	*vx_locals_index_new(struct vx_device *const *devs,
			    size_t n);
void			 vx_locals_index_free(struct vx_locals_index *ix);

/*
 * Brings the index up to date and locks it; the owners it then returns
 * stay valid until vx_locals_index_unlock.
 */
void	vx_locals_index_lock(struct vx_locals_index *ix);
void	vx_locals_index_unlock(struct vx_locals_index *ix);

/* The devices holding address addr (*n of them), or NULL.  Locked. */
struct vx_device *const	*vx_locals_index_owners(struct vx_locals_index *ix,
			    const char *addr, size_t *n);

#endif
