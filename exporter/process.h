#ifndef VX_PROCESS_H
#define VX_PROCESS_H

#include "render.h"

/* Reads this process's CPU, memory and file descriptor figures from /proc. */
void	vx_process_stats_read(struct vx_process_stats *out);

#endif
