/*
 * Bounded number parsing (core/numparse.c): decimal u64/i64 with their
 * bounds, hex and SPIs, and Prometheus-style durations.  Every table row
 * is checked for both the verdict and, when it parses, the exact value;
 * a rejected input must leave the output untouched.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "numparse.h"

#define SENTINEL_U64	UINT64_C(0xa5a5a5a5a5a5a5a5)
#define SENTINEL_I64	INT64_C(-0x5a5a5a5a5a5a5a5a)
#define SENTINEL_U32	UINT32_C(0xa5a5a5a5)

struct u64_case {
	const char	*in;
	bool		 ok;
	uint64_t	 want;
};

static void
test_u64(void **state)
{
	static const struct u64_case cases[] = {
		{ "0", true, 0 },
		{ "7", true, 7 },
		{ "000123", true, 123 },
		{ "4294967296", true, UINT64_C(4294967296) },
		{ "18446744073709551615", true, UINT64_MAX },
		{ "018446744073709551615", true, UINT64_MAX },
		{ "18446744073709551616", false, 0 },
		{ "18446744073709551620", false, 0 },
		{ "99999999999999999999", false, 0 },
		{ "184467440737095516150", false, 0 },
		{ "", false, 0 },
		{ "-1", false, 0 },
		{ "+1", false, 0 },
		{ " 1", false, 0 },
		{ "1 ", false, 0 },
		{ "1a", false, 0 },
		{ "0x10", false, 0 },
		{ "1.0", false, 0 },
		{ "1,000", false, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct u64_case	*c = &cases[i];
		uint64_t		 v = SENTINEL_U64;
		bool			 ok = vx_parse_u64(c->in,
					    strlen(c->in), &v);

		if (ok != c->ok)
			fail_msg("case %zu '%s': ok=%d, want %d", i, c->in, ok,
			    c->ok);
		if (ok && v != c->want)
			fail_msg("case %zu '%s': got %llu, want %llu", i,
			    c->in, (unsigned long long)v,
			    (unsigned long long)c->want);
		if (!ok && v != SENTINEL_U64)
			fail_msg("case %zu '%s': output changed on failure", i,
			    c->in);
	}
}

/* The length bounds the parse: bytes after len are not looked at. */
static void
test_u64_uses_len(void **state)
{
	uint64_t v = 0;

	(void)state;
	assert_true(vx_parse_u64("12345xyz", 5, &v));
	assert_int_equal(v, 12345);
	assert_true(vx_parse_u64("12345", 2, &v));
	assert_int_equal(v, 12);
	v = SENTINEL_U64;
	assert_false(vx_parse_u64("12345", 0, &v));
	assert_true(v == SENTINEL_U64);
}

struct i64_case {
	const char	*in;
	bool		 ok;
	int64_t		 want;
};

static void
test_i64(void **state)
{
	static const struct i64_case cases[] = {
		{ "0", true, 0 },
		{ "-0", true, 0 },
		{ "+0", true, 0 },
		{ "42", true, 42 },
		{ "+42", true, 42 },
		{ "-42", true, -42 },
		{ "9223372036854775807", true, INT64_MAX },
		{ "+9223372036854775807", true, INT64_MAX },
		{ "9223372036854775808", false, 0 },
		{ "-9223372036854775807", true, -INT64_MAX },
		{ "-9223372036854775808", true, INT64_MIN },
		{ "-9223372036854775809", false, 0 },
		{ "-18446744073709551615", false, 0 },
		{ "18446744073709551615", false, 0 },
		{ "", false, 0 },
		{ "-", false, 0 },
		{ "+", false, 0 },
		{ "--1", false, 0 },
		{ "+-1", false, 0 },
		{ "- 1", false, 0 },
		{ "1-", false, 0 },
		{ "0x1", false, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct i64_case	*c = &cases[i];
		int64_t			 v = SENTINEL_I64;
		bool			 ok = vx_parse_i64(c->in,
					    strlen(c->in), &v);

		if (ok != c->ok)
			fail_msg("case %zu '%s': ok=%d, want %d", i, c->in, ok,
			    c->ok);
		if (ok && v != c->want)
			fail_msg("case %zu '%s': got %lld, want %lld", i,
			    c->in, (long long)v, (long long)c->want);
		if (!ok && v != SENTINEL_I64)
			fail_msg("case %zu '%s': output changed on failure", i,
			    c->in);
	}
}

/* Every byte: the sixteen digits of each case, and nothing else. */
static void
test_hex_digit(void **state)
{
	static const char lower[] = "0123456789abcdef";
	static const char upper[] = "0123456789ABCDEF";
	int digits = 0;

	(void)state;
	for (int i = 0; i < 16; i++) {
		assert_int_equal(vx_hex_digit(lower[i]), i);
		assert_int_equal(vx_hex_digit(upper[i]), i);
	}
	for (int c = -128; c < 128; c++)
		digits += vx_hex_digit((char)c) >= 0;
	assert_int_equal(digits, 22);
	assert_int_equal(vx_hex_digit('g'), -1);
	assert_int_equal(vx_hex_digit('/'), -1);
	assert_int_equal(vx_hex_digit(':'), -1);
	assert_int_equal(vx_hex_digit('@'), -1);
	assert_int_equal(vx_hex_digit('G'), -1);
	assert_int_equal(vx_hex_digit('`'), -1);
}

static void
test_hex_u64(void **state)
{
	static const struct u64_case cases[] = {
		{ "0", true, 0 },
		{ "f", true, 15 },
		{ "F", true, 15 },
		{ "0x0", true, 0 },
		{ "0XfF", true, 255 },
		{ "0xDeadBeef", true, UINT64_C(0xdeadbeef) },
		{ "ffffffffffffffff", true, UINT64_MAX },
		{ "0xffffffffffffffff", true, UINT64_MAX },
		{ "0000000000000001", true, 1 },
		/* At most 16 digits, even when the value would fit. */
		{ "00000000000000001", false, 0 },
		{ "1ffffffffffffffff", false, 0 },
		{ "", false, 0 },
		{ "0x", false, 0 },
		{ "x1", false, 0 },
		{ "0x0x1", false, 0 },
		{ "g", false, 0 },
		{ "12 ", false, 0 },
		{ "-1", false, 0 },
		{ "0x-1", false, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct u64_case	*c = &cases[i];
		uint64_t		 v = SENTINEL_U64;
		bool			 ok = vx_parse_hex_u64(c->in,
					    strlen(c->in), &v);

		if (ok != c->ok)
			fail_msg("case %zu '%s': ok=%d, want %d", i, c->in, ok,
			    c->ok);
		if (ok && v != c->want)
			fail_msg("case %zu '%s': got %llx, want %llx", i,
			    c->in, (unsigned long long)v,
			    (unsigned long long)c->want);
		if (!ok && v != SENTINEL_U64)
			fail_msg("case %zu '%s': output changed on failure", i,
			    c->in);
	}
}

struct spi_case {
	const char	*in;
	bool		 ok;
	uint32_t	 want;
};

static void
test_spi(void **state)
{
	static const struct spi_case cases[] = {
		/* The forms the ASA prints. */
		{ "0x1E8246FC", true, 0x1e8246fcu },
		{ "dc15bf68", true, 0xdc15bf68u },
		{ "00f61780", true, 0x00f61780u },
		{ "0x00f61780", true, 0x00f61780u },
		{ "0X00F61780", true, 0x00f61780u },
		{ "DC15bf68", true, 0xdc15bf68u },
		{ "1", true, 1 },
		{ "0x1", true, 1 },
		{ "0", true, 0 },
		{ "ffffffff", true, 0xffffffffu },
		{ "0xFFFFFFFF", true, 0xffffffffu },
		{ "00000001", true, 1 },
		/* Nine digits: too long even with a leading zero. */
		{ "000000001", false, 0 },
		{ "0x000000001", false, 0 },
		{ "100000000", false, 0 },
		{ "0x100000000", false, 0 },
		{ "", false, 0 },
		{ "0x", false, 0 },
		{ "0X", false, 0 },
		{ "x1", false, 0 },
		{ "0xg1", false, 0 },
		{ "dc15bf6z", false, 0 },
		{ "dc15 bf6", false, 0 },
		{ " 0x1", false, 0 },
		{ "0x1 ", false, 0 },
		{ "-1", false, 0 },
		{ "0x0x1", false, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct spi_case	*c = &cases[i];
		uint32_t		 v = SENTINEL_U32;
		bool			 ok = vx_parse_spi_hex(c->in,
					    strlen(c->in), &v);

		if (ok != c->ok)
			fail_msg("case %zu '%s': ok=%d, want %d", i, c->in, ok,
			    c->ok);
		if (ok && v != c->want)
			fail_msg("case %zu '%s': got 0x%08x, want 0x%08x", i,
			    c->in, v, c->want);
		if (!ok && v != SENTINEL_U32)
			fail_msg("case %zu '%s': output changed on failure", i,
			    c->in);
	}
}

/* Decimal SPIs (PAN-OS XML "show vpn ipsec-sa" i_spi / o_spi). */
static void
test_spi_dec(void **state)
{
	static const struct spi_case cases[] = {
		{ "2300285266", true, 0x891b9152u },
		{ "1430731122", true, 1430731122u },
		{ "0", true, 0 },
		{ "4294967295", true, 0xffffffffu },
		{ "0000000001", true, 1 },
		{ "4294967296", false, 0 },
		{ "99999999999", false, 0 },
		{ "00000000001", false, 0 },
		{ "", false, 0 },
		{ "-1", false, 0 },
		{ "+1", false, 0 },
		{ "0x10", false, 0 },
		{ "891C6C52", false, 0 },
		{ " 1", false, 0 },
		{ "1 ", false, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct spi_case	*c = &cases[i];
		uint32_t		 v = SENTINEL_U32;
		bool			 ok = vx_parse_spi_dec(c->in,
					    strlen(c->in), &v);

		if (ok != c->ok)
			fail_msg("case %zu '%s': ok=%d, want %d", i, c->in, ok,
			    c->ok);
		if (ok && v != c->want)
			fail_msg("case %zu '%s': got %u, want %u", i, c->in, v,
			    c->want);
		if (!ok && v != SENTINEL_U32)
			fail_msg("case %zu '%s': output changed on failure", i,
			    c->in);
	}
}

static void
test_duration(void **state)
{
	static const struct i64_case cases[] = {
		{ "500ms", true, 500 },
		{ "0ms", true, 0 },
		{ "1ms", true, 1 },
		{ "30s", true, 30000 },
		{ "0s", true, 0 },
		{ "1m", true, 60000 },
		{ "5m", true, 300000 },
		{ "1h", true, 3600000 },
		{ "1d", true, 86400000 },
		{ "1h30m", true, 5400000 },
		{ "1m30s", true, 90000 },
		{ "1s500ms", true, 1500 },
		{ "2h1m1s1ms", true, 7261001 },
		{ "1m1ms", true, 60001 },
		{ "10ms5m", true, 300010 },
		{ "007s", true, 7000 },
		/* The largest duration that fits, and one past it. */
		{ "106751991167d25975807ms", true, INT64_MAX },
		{ "106751991167d25975808ms", false, 0 },
		{ "106751991168d", false, 0 },
		{ "9223372036854775807ms", true, INT64_MAX },
		{ "9223372036854775808ms", false, 0 },
		{ "9223372036854776s", false, 0 },
		{ "99999999999999999999s", false, 0 },
		{ "", false, 0 },
		{ "10", false, 0 },
		{ "s", false, 0 },
		{ "ms", false, 0 },
		{ "m", false, 0 },
		{ "1x", false, 0 },
		{ "1M", false, 0 },
		{ "1S", false, 0 },
		{ "1 s", false, 0 },
		{ " 1s", false, 0 },
		{ "1s ", false, 0 },
		{ "-1s", false, 0 },
		{ "+1s", false, 0 },
		{ "1.5s", false, 0 },
		{ "1sec", false, 0 },
		{ "1mss", false, 0 },
		{ "1msx", false, 0 },
		{ "5mm", false, 0 },
		{ "1h30", false, 0 },
		{ "1us", false, 0 },
		{ "1y", false, 0 },
		{ "h1", false, 0 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct i64_case	*c = &cases[i];
		int64_t			 v = SENTINEL_I64;
		bool			 ok = vx_parse_duration_ms(c->in,
					    strlen(c->in), &v);

		if (ok != c->ok)
			fail_msg("case %zu '%s': ok=%d, want %d", i, c->in, ok,
			    c->ok);
		if (ok && v != c->want)
			fail_msg("case %zu '%s': got %lldms, want %lldms", i,
			    c->in, (long long)v, (long long)c->want);
		if (!ok && v != SENTINEL_I64)
			fail_msg("case %zu '%s': output changed on failure", i,
			    c->in);
	}
}

/* "1m" and "1ms" differ only in the last byte; len decides which it is. */
static void
test_duration_len(void **state)
{
	int64_t v = 0;

	(void)state;
	assert_true(vx_parse_duration_ms("1ms", 2, &v));
	assert_int_equal(v, 60000);
	assert_true(vx_parse_duration_ms("1ms", 3, &v));
	assert_int_equal(v, 1);
	assert_true(vx_parse_duration_ms("30s and more", 3, &v));
	assert_int_equal(v, 30000);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_u64),
		cmocka_unit_test(test_u64_uses_len),
		cmocka_unit_test(test_i64),
		cmocka_unit_test(test_hex_digit),
		cmocka_unit_test(test_hex_u64),
		cmocka_unit_test(test_spi),
		cmocka_unit_test(test_spi_dec),
		cmocka_unit_test(test_duration),
		cmocka_unit_test(test_duration_len),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
