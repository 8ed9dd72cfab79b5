#ifndef VX_MEMTRIM_H
#define VX_MEMTRIM_H

/*
 * Gives freed memory back to the system.  After a device sent tens of
 * megabytes, freeing the buffers is not enough for the process's
 * resident size to come down: the allocator keeps the pages for reuse.
 * Called after such a burst, not routinely.
 */
void	vx_release_memory(void);

#endif
