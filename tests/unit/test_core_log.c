/*
 * Logging (core/log.c): one logfmt or JSON line per event, level
 * filtering, key/value pairs with NULL values skipped, and quoting of
 * values that would otherwise break the line format.
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

#include "log.h"

/* Everything written to the log since the last call, NUL-terminated. */
static FILE	*logf_;

static char *
drain(void)
{
	long	 n;
	char	*buf;

	fflush(logf_);
	n = ftell(logf_);
	assert_true(n >= 0);
	buf = calloc(1, (size_t)n + 1);
	assert_non_null(buf);
	rewind(logf_);
	if (n > 0)
		assert_int_equal(fread(buf, 1, (size_t)n, logf_), (size_t)n);
	rewind(logf_);
	assert_int_equal(ftruncate(fileno(logf_), 0), 0);
	return buf;
}

static int
setup(void **state)
{
	(void)state;
	logf_ = tmpfile();
	return logf_ == NULL ? -1 : 0;
}

static int
teardown(void **state)
{
	(void)state;
	vx_log_setup(NULL, VX_LOG_INFO, VX_LOGFMT_LOGFMT);
	fclose(logf_);
	return 0;
}

/*
 * Checks "ts=YYYY-MM-DDTHH:MM:SS.mmmZ " (or the JSON form) and returns
 * the rest of the line.
 */
static const char *
skip_ts(const char *line, bool json)
{
	const char	*p = line;
	const char	*shape = "dddd-dd-ddTdd:dd:dd.dddZ";

	if (json) {
		if (strncmp(p, "{\"ts\":\"", 7) != 0)
			fail_msg("no ts: '%s'", line);
		p += 7;
	} else {
		if (strncmp(p, "ts=", 3) != 0)
			fail_msg("no ts: '%s'", line);
		p += 3;
	}
	for (const char *s = shape; *s; s++, p++) {
		if (*s == 'd' ? (*p < '0' || *p > '9') : *p != *s)
			fail_msg("bad timestamp in '%s'", line);
	}
	if (json) {
		if (*p != '"')
			fail_msg("bad timestamp end in '%s'", line);
		p++;
	}
	return p;
}

struct line_case {
	const char	*kv[8];
	const char	*msg;
	const char	*want_logfmt;	/* after the timestamp */
	const char	*want_json;
};

static void
test_lines(void **state)
{
	static const struct line_case cases[] = {
		{ { NULL }, "started",
		    " level=info msg=started\n",
		    ",\"level\":\"info\",\"msg\":\"started\"}\n" },
		{ { "device", "asa-1", "collector", "cisco_asa_snmp", "reason",
		    "timeout", NULL }, "no response after 10s",
		    " level=info device=asa-1 collector=cisco_asa_snmp "
		    "reason=timeout msg=\"no response after 10s\"\n",
		    ",\"level\":\"info\",\"device\":\"asa-1\",\"collector\":"
		    "\"cisco_asa_snmp\",\"reason\":\"timeout\",\"msg\":"
		    "\"no response after 10s\"}\n" },
		/* A NULL value drops its pair. */
		{ { "device", NULL, "peer", "192.0.2.1", NULL }, "x",
		    " level=info peer=192.0.2.1 msg=x\n",
		    ",\"level\":\"info\",\"peer\":\"192.0.2.1\",\"msg\":\"x\"}"
		    "\n" },
		/* Quotes, '=', newlines, control bytes, empty values. */
		{ { "device", "a b", "k", "x=y", "e", "", NULL },
		    "say \"hi\"\nbye\\\t",
		    " level=info device=\"a b\" k=\"x=y\" e=\"\" msg=\"say "
		    "\\\"hi\\\"\\nbye\\\\\\u0009\"\n",
		    ",\"level\":\"info\",\"device\":\"a b\",\"k\":\"x=y\","
		    "\"e\":\"\",\"msg\":\"say \\\"hi\\\"\\nbye\\\\\\u0009\"}"
		    "\n" },
		/* A lone backslash needs no quoting in logfmt. */
		{ { "path", "C:\\x", NULL }, "ok",
		    " level=info path=C:\\x msg=ok\n",
		    ",\"level\":\"info\",\"path\":\"C:\\\\x\",\"msg\":\"ok\"}"
		    "\n" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (int json = 0; json <= 1; json++) {
			char		*out;
			const char	*rest;
			const char	*want = json ? cases[i].want_json :
					    cases[i].want_logfmt;

			vx_log_setup(logf_, VX_LOG_DEBUG,
			    json ? VX_LOGFMT_JSON : VX_LOGFMT_LOGFMT);
			vx_log_kv(VX_LOG_INFO, cases[i].kv, "%s",
			    cases[i].msg);
			out = drain();
			rest = skip_ts(out, json);
			if (strcmp(rest, want) != 0)
				fail_msg("case %zu (%s):\n got: %s\nwant: %s",
				    i, json ? "json" : "logfmt", rest, want);
			free(out);
		}
	}
}

static void
test_levels(void **state)
{
	static const struct {
		enum vx_log_level	 min;
		enum vx_log_level	 lvl;
		bool			 shown;
		const char		*name;
	} cases[] = {
		{ VX_LOG_DEBUG, VX_LOG_DEBUG, true, "debug" },
		{ VX_LOG_INFO, VX_LOG_DEBUG, false, "debug" },
		{ VX_LOG_INFO, VX_LOG_INFO, true, "info" },
		{ VX_LOG_INFO, VX_LOG_WARN, true, "warn" },
		{ VX_LOG_WARN, VX_LOG_INFO, false, "info" },
		{ VX_LOG_ERROR, VX_LOG_WARN, false, "warn" },
		{ VX_LOG_ERROR, VX_LOG_ERROR, true, "error" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out;
		char  want[64];

		vx_log_setup(logf_, cases[i].min, VX_LOGFMT_LOGFMT);
		assert_int_equal(vx_log_enabled(cases[i].lvl), cases[i].shown);
		vx_log(cases[i].lvl, "m%zu", i);
		out = drain();
		if (!cases[i].shown) {
			if (out[0] != '\0')
				fail_msg("case %zu: logged '%s'", i, out);
		} else {
			snprintf(want, sizeof(want), " level=%s msg=m%zu\n",
			    cases[i].name, i);
			if (strcmp(skip_ts(out, false), want) != 0)
				fail_msg("case %zu: '%s'", i, out);
		}
		free(out);
	}
}

static void
test_parse_level_format(void **state)
{
	static const struct {
		const char		*s;
		bool			 ok;
		enum vx_log_level	 want;
	} levels[] = {
		{ "debug", true, VX_LOG_DEBUG }, { "info", true, VX_LOG_INFO },
		{ "warn", true, VX_LOG_WARN }, { "error", true, VX_LOG_ERROR },
		{ "warning", false, 0 }, { "INFO", false, 0 },
		{ "", false, 0 }, { "info ", false, 0 },
	};
	enum vx_log_format f = VX_LOGFMT_LOGFMT;

	(void)state;
	for (size_t i = 0; i < sizeof(levels) / sizeof(levels[0]); i++) {
		enum vx_log_level l = (enum vx_log_level)99;
		bool ok = vx_log_parse_level(levels[i].s, &l);

		if (ok != levels[i].ok || (ok && l != levels[i].want) ||
		    (!ok && l != (enum vx_log_level)99))
			fail_msg("case %zu '%s': ok=%d level=%d", i,
			    levels[i].s, ok, l);
	}
	assert_true(vx_log_parse_format("json", &f));
	assert_int_equal(f, VX_LOGFMT_JSON);
	assert_true(vx_log_parse_format("logfmt", &f));
	assert_int_equal(f, VX_LOGFMT_LOGFMT);
	f = VX_LOGFMT_JSON;
	assert_false(vx_log_parse_format("text", &f));
	assert_false(vx_log_parse_format("", &f));
	assert_int_equal(f, VX_LOGFMT_JSON);
}

/* A message longer than the internal buffer is cut, not overflowed. */
static void
test_long_message(void **state)
{
	char	 big[4000];
	char	*out;
	size_t	 len;

	(void)state;
	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	vx_log_setup(logf_, VX_LOG_DEBUG, VX_LOGFMT_LOGFMT);
	vx_log_error("%s", big);
	out = drain();
	len = strlen(out);
	assert_true(len > 1000);
	assert_true(len < sizeof(big));
	assert_int_equal(out[len - 1], '\n');
	assert_non_null(strstr(out, " level=error msg=zzz"));
	/* One line: the only newline is the last byte. */
	assert_ptr_equal(strchr(out, '\n'), out + len - 1);
	free(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_parse_level_format),
		cmocka_unit_test(test_long_message),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
