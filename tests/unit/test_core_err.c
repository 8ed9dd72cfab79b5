/*
 * Error values (core/err.c, errcodes.def) and deadlines (core/clock.c):
 * vx_err_set returns -code, prefixes stay bounded, every code has its
 * reason string; deadlines never report negative time left.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "clock.h"
#include "err.h"

static void
test_set_and_clear(void **state)
{
	struct vx_err	err;
	int		rc;

	(void)state;
	vx_err_clear(&err);
	assert_int_equal(err.code, VX_E_OK);
	assert_string_equal(err.msg, "");
	rc = vx_err_set(&err, VX_E_AUTH, "auth failed for user '%s'",
	    "monitor");
	assert_int_equal(rc, -(int)VX_E_AUTH);
	assert_true(rc < 0);
	assert_int_equal(err.code, VX_E_AUTH);
	assert_string_equal(err.msg, "auth failed for user 'monitor'");
	/* A NULL err is allowed: only the return value matters. */
	assert_int_equal(vx_err_set(NULL, VX_E_PARSE, "x"),
	    -(int)VX_E_PARSE);
	vx_err_clear(&err);
	assert_int_equal(err.code, VX_E_OK);
	assert_string_equal(err.msg, "");
}

static void
test_set_truncates(void **state)
{
	struct vx_err	err;
	char		big[1000];

	(void)state;
	memset(big, 'm', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	vx_err_set(&err, VX_E_PROTOCOL, "%s", big);
	assert_int_equal(strlen(err.msg), VX_ERR_MSG_MAX - 1);
}

struct prefix_case {
	const char	*msg;
	const char	*prefix;
	const char	*want;
};

static void
test_prefix(void **state)
{
	static const struct prefix_case cases[] = {
		{ "no response", "running 'show asp drop'",
		    "running 'show asp drop': no response" },
		{ "", "step", "step: " },
		{ "x", "", ": x" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vx_err err;

		vx_err_set(&err, VX_E_TIMEOUT, "%s", cases[i].msg);
		vx_err_prefix(&err, "%s", cases[i].prefix);
		if (strcmp(err.msg, cases[i].want) != 0)
			fail_msg("case %zu: got '%s', want '%s'", i, err.msg,
			    cases[i].want);
		assert_int_equal(err.code, VX_E_TIMEOUT);
	}
	/* NULL err: nothing happens, nothing crashes. */
	vx_err_prefix(NULL, "x");
}

/* Long prefixes and long messages stay inside msg, NUL-terminated. */
static void
test_prefix_bounded(void **state)
{
	static const size_t plens[] = { 0, 10, 300, 316, 317, 318, 319, 320,
	    500 };
	static const size_t mlens[] = { 0, 5, 300, 319 };
	char big[600];

	(void)state;
	memset(big, 'p', sizeof(big));
	for (size_t i = 0; i < sizeof(plens) / sizeof(plens[0]); i++) {
		for (size_t j = 0; j < sizeof(mlens) / sizeof(mlens[0]); j++) {
			struct vx_err	err;
			size_t		len;

			memset(err.msg, 'm', mlens[j]);
			err.msg[mlens[j]] = '\0';
			err.code = VX_E_PARSE;
			vx_err_prefix(&err, "%.*s", (int)plens[i], big);
			len = strnlen(err.msg, sizeof(err.msg));
			if (len >= sizeof(err.msg))
				fail_msg("prefix %zu msg %zu: not terminated",
				    plens[i], mlens[j]);
			/* Whatever fits of the prefix comes first. */
			if (plens[i] > 0 && err.msg[0] != 'p')
				fail_msg("prefix %zu msg %zu: starts with '%c'",
				    plens[i], mlens[j], err.msg[0]);
			if (plens[i] + 2 + mlens[j] < sizeof(err.msg) &&
			    len != plens[i] + 2 + mlens[j])
				fail_msg("prefix %zu msg %zu: length %zu",
				    plens[i], mlens[j], len);
		}
	}
}

static void
test_reasons(void **state)
{
	static const struct {
		enum vx_errcode	 code;
		const char	*reason;
	} cases[] = {
		{ VX_E_OK, "ok" },
		{ VX_E_TIMEOUT, "timeout" },
		{ VX_E_CONNECT, "connect" },
		{ VX_E_AUTH, "auth" },
		{ VX_E_HOSTKEY, "hostkey" },
		{ VX_E_PROTOCOL, "protocol" },
		{ VX_E_PARSE, "parse" },
		{ VX_E_CONFIG, "config" },
		{ VX_E_NOMEM, "nomem" },
		{ VX_E_INTERNAL, "internal" },
		{ VX_E__COUNT, "internal" },
	};

	(void)state;
	/* Every code is in the table above. */
	assert_int_equal(sizeof(cases) / sizeof(cases[0]), VX_E__COUNT + 1);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = vx_errcode_reason(cases[i].code);

		if (strcmp(got, cases[i].reason) != 0)
			fail_msg("case %zu: code %d: '%s', want '%s'", i,
			    cases[i].code, got, cases[i].reason);
	}
}

/* Reasons are label values: distinct and [a-z]+. */
static void
test_reasons_distinct(void **state)
{
	(void)state;
	for (int a = 0; a < VX_E__COUNT; a++) {
		const char *ra = vx_errcode_reason((enum vx_errcode)a);

		for (const char *p = ra; *p; p++) {
			if (*p < 'a' || *p > 'z')
				fail_msg("code %d: reason '%s'", a, ra);
		}
		for (int b = a + 1; b < VX_E__COUNT; b++) {
			if (strcmp(ra, vx_errcode_reason((enum vx_errcode)b)) ==
			    0)
				fail_msg("codes %d and %d share '%s'", a, b,
				    ra);
		}
	}
}

static void
test_clock(void **state)
{
	struct timespec		ts;
	int64_t			wall, mono1, mono2;
	struct vx_deadline	past, soon, later;

	(void)state;
	clock_gettime(CLOCK_REALTIME, &ts);
	wall = vx_now_wall_ms();
	/* Within a second of the C library's own wall clock. */
	assert_true(wall / 1000 >= ts.tv_sec && wall / 1000 <= ts.tv_sec + 1);
	mono1 = vx_now_mono_ms();
	mono2 = vx_now_mono_ms();
	assert_true(mono2 >= mono1);

	past = vx_deadline_in(-5000);
	assert_int_equal(vx_deadline_left_ms(past), 0);
	assert_true(vx_deadline_passed(past));
	soon = vx_deadline_in(0);
	assert_int_equal(vx_deadline_left_ms(soon), 0);
	assert_true(vx_deadline_passed(soon));
	later = vx_deadline_in(60000);
	assert_false(vx_deadline_passed(later));
	assert_true(vx_deadline_left_ms(later) > 59000);
	assert_true(vx_deadline_left_ms(later) <= 60000);
	assert_true(vx_deadline_min(later, soon).at_ms == soon.at_ms);
	assert_true(vx_deadline_min(soon, later).at_ms == soon.at_ms);
	/* A deadline set in the past is never given time back. */
	{
		struct vx_deadline d = { vx_now_mono_ms() - 10 };

		assert_int_equal(vx_deadline_left_ms(d), 0);
		assert_true(vx_deadline_passed(d));
	}
	/* Milliseconds as a timespec, for timed waits. */
	ts = vx_ms_timespec(1234567);
	assert_int_equal(ts.tv_sec, 1234);
	assert_int_equal(ts.tv_nsec, 567000000L);
	ts = vx_ms_timespec(999);
	assert_int_equal(ts.tv_sec, 0);
	assert_int_equal(ts.tv_nsec, 999000000L);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_and_clear),
		cmocka_unit_test(test_set_truncates),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_prefix_bounded),
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_reasons_distinct),
		cmocka_unit_test(test_clock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
