/* glibc malloc's arena count and heap thresholds for the daemon. */
#include "malloc_tune.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#ifdef __GLIBC__
#include <malloc.h>

#define MIB	(1024 * 1024)

/* Whether the environment sets the malloc parameter env / tunable. */
static bool
env_sets(const char *env, const char *tunable)
{
	const char *t = getenv("GLIBC_TUNABLES");
	const char *p;
	size_t n = strlen(tunable);

	if (getenv(env) != NULL)
		return true;
	/* GLIBC_TUNABLES is name=value pairs joined by colons. */
	for (p = t; p != NULL && (p = strstr(p, tunable)) != NULL; p += n)
		if ((p == t || p[-1] == ':') && p[n] == '=')
			return true;
	return false;
}

static void
set(int param, int value, const char *env, const char *tunable)
{
	if (!env_sets(env, tunable))
		mallopt(param, value);
}
#endif

void
vx_malloc_tune(long ncpu)
{
#ifdef __GLIBC__
	if (ncpu < 1)
		ncpu = 1;
	/*
	 * Two arenas per core, not glibc's eight: the poll workers are many
	 * more threads than cores, and an arena per thread keeps what it
	 * freed (a third of the resident memory of a 1,000-device fleet; in
	 * a 30-minute soak, eight per core settled 2 MiB higher).  Not one
	 * per core either: with 1,000 /probe polls at once, threads queued
	 * on the arena locks (net-snmp allocates every varbind), 5.1 ms of
	 * CPU a probe against 4.1 ms with two per core, at the same resident
	 * size (bench/README.md).
	 */
	set(M_ARENA_MAX, (int)(2 * ncpu), "MALLOC_ARENA_MAX",
	    "glibc.malloc.arena_max");
	/*
	 * Fixed heap thresholds instead of glibc's sliding ones.  An arena
	 * grows and shrinks its heap (mprotect, madvise) while it holds the
	 * arena's lock.  In a burst of 1,000 /probe polls, the low-priority
	 * poll threads made those calls, were preempted inside them, and the
	 * HTTP event loop and render threads waited on the lock: about 2,100
	 * times in 25 s, up to 113 ms, and a fifth of the bursts missed
	 * their goal (poll + 1 s) by up to 1.8 s.  With a heap that grows
	 * 16 MiB at a time, gives its top back only beyond 256 MiB, and
	 * serves blocks up to 4 MiB (render buffers, SNMP replies) itself
	 * rather than mapping each, 35 of 36 bursts met it; what a burst
	 * leaves resident did not grow (bench/README.md).
	 */
	set(M_TOP_PAD, 16 * MIB, "MALLOC_TOP_PAD_", "glibc.malloc.top_pad");
	set(M_TRIM_THRESHOLD, 256 * MIB, "MALLOC_TRIM_THRESHOLD_",
	    "glibc.malloc.trim_threshold");
	set(M_MMAP_THRESHOLD, 4 * MIB, "MALLOC_MMAP_THRESHOLD_",
	    "glibc.malloc.mmap_threshold");
#else
	(void)ncpu;
#endif
}
