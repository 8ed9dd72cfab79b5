/*
 * Giving freed memory back (core/memtrim.c): after 28 MiB of small blocks
 * are freed between kept ones (so that the heap cannot shrink from its
 * top), the resident size falls by most of that only once
 * vx_release_memory() has run.  In a child, as it measures the process.
 * Skipped where malloc is not glibc's (the sanitizers, valgrind).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "test_child.h"

#include "memtrim.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif

#define BLOCK		(64 * 1024)	/* below glibc's mmap threshold */
#define NBLOCKS		512		/* 32 MiB */
#define MIB		(1024 * 1024)

/* Resident size in bytes (/proc/self/statm); 0 if unknown. */
static size_t
resident(void)
{
	FILE		*f = fopen("/proc/self/statm", "r");
	unsigned long	 size, res;
	int		 n;

	if (f == NULL)
		return 0;
	n = fscanf(f, "%lu %lu", &size, &res);
	fclose(f);
	return n == 2 ? res * (size_t)sysconf(_SC_PAGESIZE) : 0;
}

static int
trim_child(const void *arg)
{
	static char	*v[NBLOCKS];
	size_t		 held, after_free, after_trim;

	(void)arg;
#ifdef __GLIBC__
	{
		size_t before = mallinfo2().uordblks;
		char *probe = malloc(BLOCK);

		if (probe == NULL)
			return 1;
		*(volatile char *)probe = 1;
		if (mallinfo2().uordblks < before + BLOCK) {
			free(probe);
			return VXT_SKIP_EXIT;	/* malloc is not glibc's */
		}
		free(probe);
	}
#else
	return VXT_SKIP_EXIT;	/* malloc is not glibc's */
#endif
	for (size_t i = 0; i < NBLOCKS; i++) {
		if ((v[i] = malloc(BLOCK)) == NULL)
			return 1;
		memset(v[i], (int)(i & 0x7f) + 1, BLOCK);
	}
	held = resident();
	/* Seven of each eight go; the eighth (the last included) stays. */
	for (size_t i = 0; i < NBLOCKS; i++)
		if (i % 8 != 7) {
			free(v[i]);
			v[i] = NULL;
		}
	after_free = resident();
	vx_release_memory();
	after_trim = resident();
	printf("resident: %zu KiB held, %zu after free, %zu after trim\n",
	    held / 1024, after_free / 1024, after_trim / 1024);
	fflush(stdout);
	for (size_t i = 0; i < NBLOCKS; i++)
		free(v[i]);
	if (held == 0)
		return 2;
	/* free() alone kept the pages; the release gave back 20 MiB+. */
	if (after_free + 20 * MIB < held)
		return 4;
	return after_trim + 20 * MIB <= after_free ? 0 : 1;
}

static void
test_release_gives_back(void **state)
{
	(void)state;
	vxt_child_check(trim_child, NULL, 30, "memory given back");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_release_gives_back),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
