#ifndef VX_MEMTRIM_H
#define VX_MEMTRIM_H

/*
 * Gives freed memory back to the system.  After a device sent tens of
 * megabytes, freeing the buffers is not enough for the process's
 * resident size to come down: the allocator keeps the pages for reuse.
 * Called after such a burst, not routinely.
 */

#include <stddef.h>

#include "strbuf.h"

/* Capacity a buffer reused from poll to poll keeps; more is given back. */
#define VX_KEEP_BUFFER	((size_t)1024 * 1024)

void	vx_release_memory(void);
/*
 * When sb has grown beyond VX_KEEP_BUFFER: frees its memory, initialises
 * it again with hint bytes and gives the memory back to the system.
 * Else leaves it alone (its contents too).
 */
void	vx_shrink_buffer(struct vx_strbuf *sb, size_t hint);

#endif
