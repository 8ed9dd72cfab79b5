/*
 * The string-keyed hash map (core/strmap.c): put/get/overwrite through
 * many growths, keys compared by (pointer, length), and filter deleting
 * some entries while the kept ones stay reachable after the rebuild.
 */
#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "strmap.h"

#define N	5000

static void *
val(size_t i)
{
	return (void *)(uintptr_t)(i + 1);
}

static size_t
key_of(char *buf, size_t size, size_t i)
{
	return (size_t)snprintf(buf, size, "asa-%zu\n198.51.100.%zu", i,
	    i % 256);
}

static void
test_empty(void **state)
{
	struct vx_strmap m = VX_STRMAP_INIT;

	(void)state;
	assert_null(vx_strmap_get(&m, "a", 1));
	assert_null(vx_strmap_get(&m, "", 0));
	vx_strmap_release(&m);
	vx_strmap_release(&m);
}

static void
test_put_get_many(void **state)
{
	struct vx_strmap	m = VX_STRMAP_INIT;
	char			key[64];

	(void)state;
	for (size_t i = 0; i < N; i++) {
		size_t len = key_of(key, sizeof(key), i);

		assert_true(vx_strmap_put(&m, key, len, val(i)));
		assert_int_equal(m.n, i + 1);
		/* The newest key and an early one are both there. */
		assert_ptr_equal(vx_strmap_get(&m, key, len), val(i));
		len = key_of(key, sizeof(key), i / 2);
		assert_ptr_equal(vx_strmap_get(&m, key, len), val(i / 2));
	}
	/* At most half full. */
	assert_true(m.n * 2 <= m.cap);
	for (size_t i = 0; i < N; i++) {
		size_t len = key_of(key, sizeof(key), i);

		if (vx_strmap_get(&m, key, len) != val(i))
			fail_msg("key %zu ('%s') lost", i, key);
	}
	assert_null(vx_strmap_get(&m, "asa-5000\n198.51.100.136", 23));
	vx_strmap_release(&m);
	assert_int_equal(m.n, 0);
	assert_null(vx_strmap_get(&m, "asa-1\n198.51.100.1", 18));
}

static void
test_overwrite(void **state)
{
	struct vx_strmap	m = VX_STRMAP_INIT;
	int			a, b;

	(void)state;
	assert_true(vx_strmap_put(&m, "peer", 4, &a));
	assert_true(vx_strmap_put(&m, "peer", 4, &b));
	assert_int_equal(m.n, 1);
	assert_ptr_equal(vx_strmap_get(&m, "peer", 4), &b);
	assert_true(vx_strmap_put(&m, "peer", 4, NULL));
	assert_int_equal(m.n, 1);
	assert_null(vx_strmap_get(&m, "peer", 4));
	vx_strmap_release(&m);
}

/* Keys are (pointer, length): prefixes and extensions are other keys. */
static void
test_key_length(void **state)
{
	struct vx_strmap	m = VX_STRMAP_INIT;
	int			a, b, c;

	(void)state;
	assert_true(vx_strmap_put(&m, "abcdef", 3, &a));	/* "abc" */
	assert_true(vx_strmap_put(&m, "abcd", 4, &b));
	assert_true(vx_strmap_put(&m, "", 0, &c));
	assert_int_equal(m.n, 3);
	assert_ptr_equal(vx_strmap_get(&m, "abc", 3), &a);
	assert_ptr_equal(vx_strmap_get(&m, "abcXYZ", 3), &a);
	assert_ptr_equal(vx_strmap_get(&m, "abcd", 4), &b);
	assert_ptr_equal(vx_strmap_get(&m, "", 0), &c);
	assert_null(vx_strmap_get(&m, "ab", 2));
	assert_null(vx_strmap_get(&m, "abcde", 5));
	assert_null(vx_strmap_get(&m, "abcdef", 6));
	/* A longer probe key must not read past a shorter stored key. */
	assert_null(vx_strmap_get(&m, "abcdefghijklmnopqrstuvwxyz", 26));
	vx_strmap_release(&m);
}

struct filter_arg {
	size_t	calls;
	size_t	deleted;
};

/* Deletes every third key, and checks the value handed over. */
static bool
drop_every_third(void *arg, const char *key, void *value)
{
	struct filter_arg	*fa = arg;
	size_t			 i = (size_t)(uintptr_t)value - 1;
	char			 want[64];

	key_of(want, sizeof(want), i);
	if (strcmp(key, want) != 0)
		fail_msg("filter got key '%s' with the value of '%s'", key,
		    want);
	fa->calls++;
	if (i % 3 == 0) {
		fa->deleted++;
		return true;
	}
	return false;
}

static void
test_filter(void **state)
{
	struct vx_strmap	m = VX_STRMAP_INIT;
	struct filter_arg	fa = { 0, 0 };
	char			key[64];

	(void)state;
	for (size_t i = 0; i < N; i++) {
		size_t len = key_of(key, sizeof(key), i);

		assert_true(vx_strmap_put(&m, key, len, val(i)));
	}
	vx_strmap_filter(&m, drop_every_third, &fa);
	assert_int_equal(fa.calls, N);
	assert_int_equal(fa.deleted, (N + 2) / 3);
	assert_int_equal(m.n, N - fa.deleted);
	for (size_t i = 0; i < N; i++) {
		size_t	 len = key_of(key, sizeof(key), i);
		void	*got = vx_strmap_get(&m, key, len);

		if (i % 3 == 0 && got != NULL)
			fail_msg("key %zu was deleted but is still there", i);
		if (i % 3 != 0 && got != val(i))
			fail_msg("key %zu was kept but get gives %p", i, got);
	}
	/* The map still works after the rebuild: re-add a deleted key. */
	{
		size_t len = key_of(key, sizeof(key), 3);

		assert_true(vx_strmap_put(&m, key, len, val(3)));
		assert_ptr_equal(vx_strmap_get(&m, key, len), val(3));
		assert_int_equal(m.n, N - fa.deleted + 1);
	}
	vx_strmap_release(&m);
}

static bool
drop_all(void *arg, const char *key, void *value)
{
	(void)key;
	(void)value;
	(*(size_t *)arg)++;
	return true;
}

static bool
keep_all(void *arg, const char *key, void *value)
{
	(void)key;
	(void)value;
	(*(size_t *)arg)++;
	return false;
}

static void
test_filter_all_or_none(void **state)
{
	struct vx_strmap	m = VX_STRMAP_INIT;
	size_t			calls = 0;
	char			key[64];

	(void)state;
	/* On an empty map, fn is never called. */
	vx_strmap_filter(&m, drop_all, &calls);
	assert_int_equal(calls, 0);
	for (size_t i = 0; i < 100; i++) {
		size_t len = key_of(key, sizeof(key), i);

		assert_true(vx_strmap_put(&m, key, len, val(i)));
	}
	vx_strmap_filter(&m, keep_all, &calls);
	assert_int_equal(calls, 100);
	assert_int_equal(m.n, 100);
	for (size_t i = 0; i < 100; i++) {
		size_t len = key_of(key, sizeof(key), i);

		assert_ptr_equal(vx_strmap_get(&m, key, len), val(i));
	}
	calls = 0;
	vx_strmap_filter(&m, drop_all, &calls);
	assert_int_equal(calls, 100);
	assert_int_equal(m.n, 0);
	for (size_t i = 0; i < 100; i++) {
		size_t len = key_of(key, sizeof(key), i);

		assert_null(vx_strmap_get(&m, key, len));
	}
	/* Usable after everything was deleted. */
	assert_true(vx_strmap_put(&m, "x", 1, val(0)));
	assert_ptr_equal(vx_strmap_get(&m, "x", 1), val(0));
	vx_strmap_release(&m);
}

/* Deletes the keys whose bit is set in the round's pseudo-random mask. */
struct rounds_arg {
	uint32_t	seed;
	bool		*present;
};

static size_t
index_of(const char *key)
{
	return (size_t)strtoul(key + 4, NULL, 10);
}

static bool
drop_random(void *arg, const char *key, void *value)
{
	struct rounds_arg	*ra = arg;
	size_t			 i = index_of(key);
	uint32_t		 h = (uint32_t)i * 2654435761u ^ ra->seed;

	assert_ptr_equal(value, val(i));
	if ((h >> 7) % 4 != 0)
		return false;
	ra->present[i] = false;
	return true;
}

/*
 * The filter repairs the table in place: over many rounds of deleting a
 * quarter and re-adding some, every kept key stays reachable and every
 * deleted one is gone.
 */
static void
test_filter_rounds(void **state)
{
	struct vx_strmap	m = VX_STRMAP_INIT;
	static bool		present[N];
	struct rounds_arg	ra = { 0, present };
	char			key[64];

	(void)state;
	for (uint32_t round = 0; round < 20; round++) {
		size_t n = 0;

		for (size_t i = round * 97 % 7; i < N; i += 1 + round % 3) {
			size_t len = key_of(key, sizeof(key), i);

			assert_true(vx_strmap_put(&m, key, len, val(i)));
			present[i] = true;
		}
		ra.seed = round * 0x9e3779b9u;
		vx_strmap_filter(&m, drop_random, &ra);
		for (size_t i = 0; i < N; i++) {
			size_t	 len = key_of(key, sizeof(key), i);
			void	*got = vx_strmap_get(&m, key, len);

			if (present[i] && got != val(i))
				fail_msg("round %u: key %zu lost", round, i);
			if (!present[i] && got != NULL)
				fail_msg("round %u: key %zu not deleted",
				    round, i);
			n += present[i];
		}
		assert_int_equal(m.n, n);
	}
	vx_strmap_release(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_put_get_many),
		cmocka_unit_test(test_overwrite),
		cmocka_unit_test(test_key_length),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_filter_all_or_none),
		cmocka_unit_test(test_filter_rounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
