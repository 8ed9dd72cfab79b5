#ifndef VX_ZPOOL_H
#define VX_ZPOOL_H

#include <zlib.h>

/*
 * Raw deflate streams (level 1, no header) for the render cache, kept
 * for reuse.  A stream holds about 270 KB; one kept per poll thread
 * made the resident size climb for half an hour as, one by one, each of
 * the 64 poll workers built a cache (bench/README.md, "Soak").  The pool
 * keeps at most VX_ZPOOL_IDLE_MAX idle streams and frees the others, so
 * what it holds follows how many caches are built at once, not how many
 * threads ever built one.
 */
#define VX_ZPOOL_IDLE_MAX	4

/* A reset stream, or NULL if out of memory.  Give it back with put. */
z_stream	*vx_zpool_get(void);
void		 vx_zpool_put(z_stream *zs);

/* Streams kept idle now (for tests). */
int		 vx_zpool_idle(void);

#endif
