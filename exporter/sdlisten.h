#ifndef VX_SDLISTEN_H
#define VX_SDLISTEN_H

/*
 * systemd socket activation (--web.systemd-socket), the protocol of
 * sd_listen_fds(3) without libsystemd: when LISTEN_PID is this process,
 * LISTEN_FDS sockets are open from descriptor 3 on.
 */

#include "err.h"

#define VX_SD_LISTEN_FDS_START	3

/*
 * The number of sockets passed (descriptors 3 .. 3 + n - 1), each checked
 * to be a listening stream socket and marked close-on-exec; or -1 with
 * err set.  LISTEN_PID, LISTEN_FDS and LISTEN_FDNAMES are unset either
 * way, so that child processes do not take the sockets for theirs.
 */
int	vx_sd_listen_fds(struct vx_err *err);

#endif
