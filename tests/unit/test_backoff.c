/* exporter/backoff.c: polls of failing devices back off, with jitter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "backoff.h"

static void
test_backoff(void **state)
{
	(void)state;
	/* Answering: every interval, no jitter. */
	assert_int_equal(vx_backoff_delay_ms(60000, 0, 12345), 60000);
	/* Failing: 2, 4, 8 intervals, then the cap (8 intervals). */
	for (uint32_t seed = 0; seed < 2000; seed += 7) {
		int64_t d1 = vx_backoff_delay_ms(10000, 1, seed);
		int64_t d2 = vx_backoff_delay_ms(10000, 2, seed);
		int64_t d3 = vx_backoff_delay_ms(10000, 3, seed);
		int64_t d9 = vx_backoff_delay_ms(10000, 9, seed);

		assert_true(d1 >= 18000 && d1 <= 22000);
		assert_true(d2 >= 36000 && d2 <= 44000);
		assert_true(d3 >= 72000 && d3 <= 88000);
		assert_true(d9 >= 72000 && d9 <= 88000);
	}
	/* Never more than ten minutes (+10%), never less than an interval. */
	assert_true(vx_backoff_delay_ms(300000, 30, 99) <= 660000);
	assert_true(vx_backoff_delay_ms(300000, 30, 99) >= 540000);
	assert_int_equal(vx_backoff_delay_ms(3600000, 5, 0), 3600000);
	assert_true(vx_backoff_delay_ms(3600000, 5, 7) >= 3600000);
	/* Jitter differs between seeds. */
	assert_true(vx_backoff_delay_ms(10000, 2, 1) !=
	    vx_backoff_delay_ms(10000, 2, 2000));
}

static void
test_first_spread(void **state)
{
	(void)state;
	assert_int_equal(vx_first_poll_spread_ms(60000, 1), 5005);
	assert_int_equal(vx_first_poll_spread_ms(60000, 1000), 10000);
	assert_int_equal(vx_first_poll_spread_ms(60000, 10000), 55000);
	assert_int_equal(vx_first_poll_spread_ms(60000, 100000), 60000);
	assert_int_equal(vx_first_poll_spread_ms(2000, 10), 2000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_first_spread),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
