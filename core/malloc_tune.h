#ifndef VX_MALLOC_TUNE_H
#define VX_MALLOC_TUNE_H

/*
 * glibc malloc's settings for the daemon: how many arenas, and when a
 * heap grows, shrinks or is bypassed for mmap (malloc_tune.c says why).
 * A setting the environment already gives, as MALLOC_<NAME>_ or as
 * glibc.malloc.<name> in GLIBC_TUNABLES, is left to it.  Does nothing
 * where the C library is not glibc.  Call once, before threads start.
 */

/* ncpu: the processors online (below 1 counts as 1). */
void	vx_malloc_tune(long ncpu);

#endif
