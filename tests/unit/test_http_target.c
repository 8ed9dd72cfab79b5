/*
 * The /probe target (exporter/http_target.c): refused with a control
 * character (NUL included: "asa-1%00x" must not name asa-1), and quoted
 * when an answer names it, so that the client's bytes never reach a
 * response raw.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "http_int.h"

static void
test_target_ok(void **state)
{
	static const struct {
		const char	*s;
		size_t		 len;
		bool		 ok;
	} cases[] = {
		{ "asa-fra1", 8, true },
		{ "asa fra1 (dc) \xc3\xa9", 16, true },	/* space, UTF-8 */
		{ "\xff", 1, true },
		{ "asa-1\0x", 7, false },
		{ "asa\r\nX: y", 9, false },
		{ "a\tb", 3, false },
		{ "\x7f", 1, false },
		{ "\x1f", 1, false },
		{ "", 0, true },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (http_target_ok(cases[i].s, cases[i].len) != cases[i].ok)
			fail_msg("case %zu: want %d", i, cases[i].ok);
}

static void
test_target_quote(void **state)
{
	static const struct {
		const char	*in;
		size_t		 max;
		const char	*out;
	} cases[] = {
		{ "asa-fra1", 64, "\"asa-fra1\"" },
		{ "a\"b\\c", 64, "\"a\\x22b\\x5cc\"" },
		{ "\r\n\xff\xc3\xa9<", 64, "\"\\x0d\\x0a\\xff\\xc3\\xa9<\"" },
		{ "abcdef", 3, "\"abc\"..." },
		{ "abc", 3, "\"abc\"" },
		{ "", 3, "\"\"" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vx_strbuf sb;

		vx_strbuf_init(&sb, 16);
		http_target_quote(&sb, cases[i].in, cases[i].max);
		if (strcmp(sb.buf, cases[i].out) != 0)
			fail_msg("case %zu: '%s', want '%s'", i, sb.buf,
			    cases[i].out);
		vx_strbuf_release(&sb);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_target_ok),
		cmocka_unit_test(test_target_quote),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
