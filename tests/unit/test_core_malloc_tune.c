/*
 * glibc malloc's settings (core/malloc_tune.c): after vx_malloc_tune() a
 * 2 MiB block comes from the heap, not from its own mapping (glibc's
 * threshold starts at 128 KiB and slides up to what was freed); a threshold the environment sets, as
 * MALLOC_MMAP_THRESHOLD_ or in GLIBC_TUNABLES, is left alone.  Each case
 * runs in a child, as mallopt() lasts for the process.  Skipped where
 * malloc is not glibc's (the sanitizers and valgrind bring their own).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "test_child.h"

#include "malloc_tune.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

#define MIB		((size_t)1024 * 1024)

/* Whether a fresh block of size gets a mapping of its own; -1 if unknown. */
static int
block_is_mapped(size_t size)
{
#ifdef __GLIBC__
	size_t before = mallinfo2().hblks;
	char *p = malloc(size);
	int mapped;

	if (p == NULL)
		return -1;
	*(volatile char *)p = 1;	/* so that the block is not elided */
	mapped = mallinfo2().hblks > before;
	free(p);
	return mapped;
#else
	(void)size;
	return -1;
#endif
}

struct tune_case {
	const char	*env;		/* NAME=VALUE to put, or NULL */
	int		 mapped_after;	/* what block_is_mapped() must say */
};

static int
tune_child(const void *arg)
{
	const struct tune_case *c = arg;

	/*
	 * glibc's own malloc maps a block this big, until told otherwise.
	 * Freeing it raises glibc's sliding threshold to its size: the
	 * check after vx_malloc_tune() takes twice as much.
	 */
	if (block_is_mapped(MIB) != 1)
		return VXT_SKIP_EXIT;	/* malloc is not glibc's */
	if (c->env != NULL && putenv((char *)(uintptr_t)c->env) != 0)
		return 1;
	vx_malloc_tune(2);
	return block_is_mapped(2 * MIB) == c->mapped_after ? 0 : 1;
}

static void
run_case(const struct tune_case *c)
{
	vxt_child_check(tune_child, c, 10,
	    c->env != NULL ? c->env : "no environment");
}

static void
test_block_from_heap(void **state)
{
	static const struct tune_case c = { NULL, 0 };

	(void)state;
	run_case(&c);
}

static void
test_environment_threshold_kept(void **state)
{
	static const struct tune_case c = { "MALLOC_MMAP_THRESHOLD_=131072", 1 };

	(void)state;
	run_case(&c);
}

static void
test_tunables_threshold_kept(void **state)
{
	static const struct tune_case c = {
	    "GLIBC_TUNABLES=glibc.malloc.tcache_count=0:"
	    "glibc.malloc.mmap_threshold=131072", 1 };

	(void)state;
	run_case(&c);
}

/* Names that only begin or end like the tunable are other names. */
static void
test_other_tunable_not_taken(void **state)
{
	static const struct tune_case c = {
	    "GLIBC_TUNABLES=glibc.malloc.mmap_threshold_x=1:"
	    "x.glibc.malloc.mmap_threshold=1", 0 };

	(void)state;
	run_case(&c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_block_from_heap),
		cmocka_unit_test(test_environment_threshold_kept),
		cmocka_unit_test(test_tunables_threshold_kept),
		cmocka_unit_test(test_other_tunable_not_taken),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
