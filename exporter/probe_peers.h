#ifndef VX_EXPORTER_PROBE_PEERS_H
#define VX_EXPORTER_PROBE_PEERS_H

#include <stddef.h>

#include "device.h"

struct vx_devtable;

/*
 * d first, then the devices of t that can be the other end of one of
 * d's tunnels (s is d's snapshot): those named in d's peer_devices, then
 * those holding a tunnel's peer address (all of them: correlate.c tells
 * an address held by two devices apart); each device once.  A malloc'd
 * array of *n borrowed pointers; NULL if out of memory.
 */
struct vx_device	**vx_probe_peers(struct vx_devtable *t,
			    struct vx_device *d, const struct vx_snapshot *s,
			    size_t *n);

#endif
