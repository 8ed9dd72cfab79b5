/*
 * The bump allocator (core/arena.c): zeroed and aligned blocks, growth
 * past one chunk, the byte limit, grow/strndup/printf, release and reuse,
 * and sizes that must fail instead of overflowing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "test_child.h"

#include "arena.h"

#define ALIGN	_Alignof(max_align_t)

static void
test_zeroed_and_aligned(void **state)
{
	static const size_t sizes[] = { 1, 3, 8, 15, 16, 17, 100, 4095 };
	struct vx_arena a = VX_ARENA_INIT;

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		unsigned char *p = vx_arena_alloc(&a, sizes[i]);

		if (p == NULL)
			fail_msg("case %zu: size %zu: NULL", i, sizes[i]);
		if ((uintptr_t)p % ALIGN != 0)
			fail_msg("case %zu: size %zu: %p not aligned to %zu", i,
			    sizes[i], (void *)p, (size_t)ALIGN);
		for (size_t k = 0; k < sizes[i]; k++) {
			if (p[k] != 0)
				fail_msg("case %zu: byte %zu not zero", i, k);
		}
		/* Dirty it: the next block must still come back zeroed. */
		memset(p, 0xff, sizes[i]);
	}
	vx_arena_release(&a);
}

/*
 * Many allocations across many chunks: every block keeps its own contents
 * (no overlap), including blocks bigger than a chunk.
 */
static void
test_growth_keeps_blocks_apart(void **state)
{
	enum { N = 3000 };
	struct vx_arena	 a;
	unsigned char	*blocks[N];
	size_t		 sizes[N];
	size_t		 sum = 0;

	(void)state;
	vx_arena_init(&a);
	for (size_t i = 0; i < N; i++) {
		/* Mostly small, now and then a block past the 16 KiB chunk. */
		sizes[i] = i % 500 == 499 ? 40000 + i : 1 + (i * 37) % 200;
		blocks[i] = vx_arena_alloc(&a, sizes[i]);
		if (blocks[i] == NULL)
			fail_msg("block %zu (%zu bytes): NULL", i, sizes[i]);
		memset(blocks[i], (int)(i & 0xff), sizes[i]);
		sum += sizes[i];
	}
	for (size_t i = 0; i < N; i++) {
		for (size_t k = 0; k < sizes[i]; k++) {
			if (blocks[i][k] != (unsigned char)(i & 0xff))
				fail_msg("block %zu byte %zu overwritten", i,
				    k);
		}
	}
	/* total counts what was handed out, rounded up to the alignment. */
	assert_true(a.total >= sum);
	assert_true(a.total < sum + N * ALIGN);
	vx_arena_release(&a);
	assert_null(a.head);
	assert_int_equal(a.total, 0);
}

static void
test_limit(void **state)
{
	struct vx_arena	 a;
	void		*p;

	(void)state;
	vx_arena_init(&a);
	a.limit = 4 * ALIGN;
	p = vx_arena_alloc(&a, 3 * ALIGN);
	assert_non_null(p);
	assert_non_null(vx_arena_alloc(&a, ALIGN));
	/* Exactly at the limit: one more byte is refused. */
	assert_null(vx_arena_alloc(&a, 1));
	assert_int_equal(a.total, 4 * ALIGN);
	assert_null(vx_arena_strdup(&a, "x"));
	assert_null(vx_arena_printf(&a, "%d", 1));
	/* The limit survives a release; the budget is back. */
	vx_arena_release(&a);
	assert_int_equal(a.limit, 4 * ALIGN);
	assert_non_null(vx_arena_alloc(&a, 4 * ALIGN));
	assert_null(vx_arena_alloc(&a, 1));
	vx_arena_release(&a);
}

static void
test_grow_copies(void **state)
{
	struct vx_arena	 a = VX_ARENA_INIT;
	int		*v = NULL;
	size_t		 cap = 0;

	(void)state;
	for (int i = 0; i < 1000; i++) {
		if ((size_t)i == cap) {
			size_t ncap = cap == 0 ? 4 : cap * 2;

			v = vx_arena_grow(&a, v, cap * sizeof(*v),
			    ncap * sizeof(*v));
			assert_non_null(v);
			cap = ncap;
		}
		v[i] = i * 3;
	}
	for (int i = 0; i < 1000; i++)
		assert_int_equal(v[i], i * 3);

	/* Shrinking copies only what fits; NULL old copies nothing. */
	{
		char *big = vx_arena_strdup(&a, "abcdefgh");
		char *small = vx_arena_grow(&a, big, 9, 4);
		char *fresh = vx_arena_grow(&a, NULL, 0, 8);

		assert_non_null(small);
		assert_memory_equal(small, "abcd", 4);
		assert_non_null(fresh);
		for (int i = 0; i < 8; i++)
			assert_int_equal(fresh[i], 0);
	}
	vx_arena_release(&a);
}

static void
test_strings(void **state)
{
	struct vx_arena	 a = VX_ARENA_INIT;
	char		 big[5000];
	char		*p;

	(void)state;
	p = vx_arena_strndup(&a, "hello world", 5);
	assert_string_equal(p, "hello");
	p = vx_arena_strndup(&a, "", 0);
	assert_string_equal(p, "");
	p = vx_arena_strdup(&a, "peer 192.0.2.1");
	assert_string_equal(p, "peer 192.0.2.1");
	p = vx_arena_printf(&a, "%s-%03d-0x%08x", "t", 7, 0xabcu);
	assert_string_equal(p, "t-007-0x00000abc");
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	p = vx_arena_printf(&a, "<%s>", big);
	assert_non_null(p);
	assert_int_equal(strlen(p), sizeof(big) + 1);
	assert_int_equal(p[0], '<');
	assert_int_equal(p[sizeof(big)], '>');
	vx_arena_release(&a);
}

/* Released arenas are usable again. */
static void
test_reuse(void **state)
{
	struct vx_arena a = VX_ARENA_INIT;

	(void)state;
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < 100; i++)
			assert_non_null(vx_arena_alloc(&a, 1000));
		assert_true(a.total >= 100 * 1000);
		vx_arena_release(&a);
		assert_int_equal(a.total, 0);
		assert_null(a.head);
	}
}

/* 0 if vx_arena_alloc refuses *size with NULL. */
static int
huge_alloc_refused(const void *size)
{
	struct vx_arena a = VX_ARENA_INIT;

	return vx_arena_alloc(&a, *(const size_t *)size) == NULL ? 0 : 1;
}

/*
 * Sizes near SIZE_MAX must be refused with NULL.  Run in a child so that
 * an overflowing allocator (a chunk header plus the size wrapping to a
 * tiny malloc, then a huge memset) fails this test and not the process.
 */
static void
test_huge_sizes_fail(void **state)
{
	static const size_t deltas[] = { 0, 1, 8, 15, 16, 20, 31, 32, 40, 64,
	    100, 4096 };

	(void)state;
	for (size_t i = 0; i < sizeof(deltas) / sizeof(deltas[0]); i++) {
		size_t	size = SIZE_MAX - deltas[i];
		char	why[64];

		if (!vxt_in_child(huge_alloc_refused, &size, 10, why,
		    sizeof(why)))
			fail_msg("case %zu: vx_arena_alloc(SIZE_MAX - %zu) did "
			    "not return NULL (%s)", i, deltas[i], why);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zeroed_and_aligned),
		cmocka_unit_test(test_growth_keeps_blocks_apart),
		cmocka_unit_test(test_limit),
		cmocka_unit_test(test_grow_copies),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_reuse),
		cmocka_unit_test(test_huge_sizes_fail),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
