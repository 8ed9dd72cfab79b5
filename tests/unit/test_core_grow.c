/*
 * Growing an array by doubling (core/grow.c): the first capacity, then
 * doubling with the contents kept, and a size that would overflow
 * refused with the array and its capacity left as they were; the same
 * in place (vx_room).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "grow.h"

static void
test_first_then_doubling(void **state)
{
	int	*v = NULL, *p;
	size_t	 n = 0, cap = 0;
	size_t	 caps[8], ncaps = 0;

	(void)state;
	for (int i = 0; i < 100; i++) {
		if (n == cap) {
			p = vx_grow(v, &cap, sizeof(*p), 3);
			assert_non_null(p);
			v = p;
			caps[ncaps++] = cap;
		}
		v[n++] = i * 7;
	}
	for (int i = 0; i < 100; i++)
		assert_int_equal(v[i], i * 7);
	assert_int_equal(ncaps, 7);	/* 3, 6, ..., 192 */
	for (size_t i = 0; i < ncaps; i++)
		assert_int_equal(caps[i], (size_t)3 << i);
	free(v);
}

static void
test_overflow_refused(void **state)
{
	char	*v = malloc(4);
	size_t	 cap;

	(void)state;
	assert_non_null(v);
	cap = SIZE_MAX / 2 + 1;		/* doubling it overflows */
	assert_null(vx_grow(v, &cap, 1, 16));
	assert_int_equal(cap, SIZE_MAX / 2 + 1);
	cap = SIZE_MAX / 16;		/* doubling fits, times 16 bytes not */
	assert_null(vx_grow(v, &cap, 16, 16));
	assert_int_equal(cap, SIZE_MAX / 16);
	cap = 0;
	assert_null(vx_grow(v, &cap, SIZE_MAX / 2, 4));
	assert_int_equal(cap, 0);
	v[3] = 'x';	/* still ours */
	free(v);
}

struct row {
	long	a;
	char	b;
};

static void
test_room_in_place(void **state)
{
	struct row	*v = NULL;
	size_t		 n = 0, cap = 0;

	(void)state;
	for (long i = 0; i < 40; i++) {
		assert_true(vx_room(&v, n, &cap, sizeof(*v), 4));
		assert_true(n < cap);
		v[n].a = i;
		v[n++].b = (char)('a' + i % 26);
	}
	assert_int_equal(cap, 64);	/* 4, 8, 16, 32, 64 */
	for (long i = 0; i < 40; i++) {
		assert_int_equal(v[i].a, i);
		assert_int_equal(v[i].b, 'a' + i % 26);
	}
	/* Room enough: nothing moves. */
	{
		struct row *before = v;

		assert_true(vx_room(&v, 10, &cap, sizeof(*v), 4));
		assert_ptr_equal(v, before);
		assert_int_equal(cap, 64);
	}
	n = cap = SIZE_MAX / 2 + 1;
	assert_false(vx_room(&v, n, &cap, sizeof(*v), 4));
	assert_int_equal(cap, SIZE_MAX / 2 + 1);
	assert_int_equal(v[39].a, 39);	/* still there */
	free(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_first_then_doubling),
		cmocka_unit_test(test_overflow_refused),
		cmocka_unit_test(test_room_in_place),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
