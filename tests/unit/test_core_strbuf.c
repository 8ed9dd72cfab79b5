/*
 * The growable buffer (core/strbuf.c): appends of every kind, growth from
 * empty and from a hint, reset, consume, detach, the sticky failure
 * flag, and the shrink of a buffer grown past VX_KEEP_BUFFER (memtrim.c).
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

#include "memtrim.h"
#include "strbuf.h"

/* buf is always NUL-terminated at len. */
static void
check_terminated(const struct vx_strbuf *sb)
{
	assert_non_null(sb->buf);
	assert_int_equal(sb->buf[sb->len], '\0');
	assert_int_equal(strlen(sb->buf), sb->len);
}

static void
test_init_empty(void **state)
{
	struct vx_strbuf a, b;

	(void)state;
	vx_strbuf_init(&a, 0);
	vx_strbuf_init(&b, 100);
	check_terminated(&a);
	check_terminated(&b);
	assert_string_equal(a.buf, "");
	assert_int_equal(a.alloc, 0);
	assert_true(b.alloc >= 101);
	assert_false(a.failed);
	assert_false(b.failed);
	vx_strbuf_release(&a);
	vx_strbuf_release(&b);
	check_terminated(&a);
}

static void
test_appends(void **state)
{
	static const size_t hints[] = { 0, 1, 7, 64, 1000 };

	(void)state;
	for (size_t h = 0; h < sizeof(hints) / sizeof(hints[0]); h++) {
		struct vx_strbuf sb;

		vx_strbuf_init(&sb, hints[h]);
		vx_strbuf_addstr(&sb, "vpn_up");
		vx_strbuf_addch(&sb, '{');
		vx_strbuf_add(&sb, "device=\"asa-1\"XXXX", 14);
		vx_strbuf_addch(&sb, '}');
		vx_strbuf_addf(&sb, " %d %s", 1, "");
		vx_strbuf_add(&sb, "", 0);
		vx_strbuf_addstr(&sb, "");
		vx_strbuf_add_u64(&sb, 0);
		vx_strbuf_addch(&sb, ' ');
		vx_strbuf_add_u64(&sb, 18446744073709551615ULL);
		vx_strbuf_addch(&sb, ' ');
		vx_strbuf_add_u64(&sb, 1000);
		if (strcmp(sb.buf, "vpn_up{device=\"asa-1\"} 1 0 "
		    "18446744073709551615 1000") != 0)
			fail_msg("hint %zu: got '%s'", hints[h], sb.buf);
		check_terminated(&sb);
		assert_false(sb.failed);
		vx_strbuf_release(&sb);
	}
}

/* Growth by many small and a few large appends keeps every byte. */
static void
test_growth(void **state)
{
	struct vx_strbuf	sb;
	char			big[10000];
	size_t			want = 0;

	(void)state;
	vx_strbuf_init(&sb, 0);
	for (int i = 0; i < 5000; i++) {
		vx_strbuf_addch(&sb, (char)('a' + i % 26));
		want++;
	}
	memset(big, 'Z', sizeof(big));
	vx_strbuf_add(&sb, big, sizeof(big));
	want += sizeof(big);
	vx_strbuf_addf(&sb, "%0500d", 7);
	want += 500;
	assert_int_equal(sb.len, want);
	assert_true(sb.alloc > sb.len);
	check_terminated(&sb);
	for (int i = 0; i < 5000; i++)
		assert_int_equal(sb.buf[i], 'a' + i % 26);
	for (size_t i = 5000; i < 5000 + sizeof(big); i++)
		assert_int_equal(sb.buf[i], 'Z');
	assert_int_equal(sb.buf[want - 1], '7');
	assert_int_equal(sb.buf[want - 500], '0');
	vx_strbuf_release(&sb);
}

/* addf of a result longer than the space left (the vsnprintf retry). */
static void
test_addf_long(void **state)
{
	struct vx_strbuf	sb;
	char			arg[3000];

	(void)state;
	memset(arg, 'x', sizeof(arg) - 1);
	arg[sizeof(arg) - 1] = '\0';
	vx_strbuf_init(&sb, 8);
	vx_strbuf_addstr(&sb, "ab");
	vx_strbuf_addf(&sb, "[%s]", arg);
	assert_int_equal(sb.len, 2 + 1 + (sizeof(arg) - 1) + 1);
	assert_int_equal(sb.buf[2], '[');
	assert_int_equal(sb.buf[sb.len - 1], ']');
	check_terminated(&sb);
	vx_strbuf_release(&sb);
}

static void
test_reset_keeps_memory(void **state)
{
	struct vx_strbuf	sb;
	char			*mem;
	size_t			 alloc;

	(void)state;
	vx_strbuf_init(&sb, 0);
	vx_strbuf_addstr(&sb, "some text that needs memory");
	mem = sb.buf;
	alloc = sb.alloc;
	vx_strbuf_reset(&sb);
	assert_int_equal(sb.len, 0);
	assert_string_equal(sb.buf, "");
	assert_ptr_equal(sb.buf, mem);
	assert_int_equal(sb.alloc, alloc);
	vx_strbuf_addstr(&sb, "again");
	assert_string_equal(sb.buf, "again");
	vx_strbuf_release(&sb);
	/* Reset of a never-allocated buffer. */
	vx_strbuf_init(&sb, 0);
	vx_strbuf_reset(&sb);
	assert_string_equal(sb.buf, "");
	vx_strbuf_release(&sb);
}

struct consume_case {
	const char	*start;
	size_t		 n;
	const char	*want;
};

static void
test_consume(void **state)
{
	static const struct consume_case cases[] = {
		{ "abcdef", 0, "abcdef" },
		{ "abcdef", 1, "bcdef" },
		{ "abcdef", 5, "f" },
		{ "abcdef", 6, "" },
		{ "abcdef", 7, "" },
		{ "abcdef", SIZE_MAX, "" },
		{ "", 0, "" },
		{ "", 3, "" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vx_strbuf sb;

		vx_strbuf_init(&sb, 0);
		vx_strbuf_addstr(&sb, cases[i].start);
		vx_strbuf_consume(&sb, cases[i].n);
		if (strcmp(sb.buf, cases[i].want) != 0 ||
		    sb.len != strlen(cases[i].want))
			fail_msg("case %zu: consume %zu of '%s': got '%s' "
			    "(len %zu)", i, cases[i].n, cases[i].start, sb.buf,
			    sb.len);
		/* Still appendable after consuming. */
		vx_strbuf_addch(&sb, '!');
		assert_int_equal(sb.buf[sb.len - 1], '!');
		check_terminated(&sb);
		vx_strbuf_release(&sb);
	}
}

static void
test_detach(void **state)
{
	struct vx_strbuf	 sb;
	char			*p;
	size_t			 len = 99;

	(void)state;
	vx_strbuf_init(&sb, 0);
	vx_strbuf_addstr(&sb, "hand over");
	p = vx_strbuf_detach(&sb, &len);
	assert_string_equal(p, "hand over");
	assert_int_equal(len, 9);
	/* sb is empty and usable again, and does not share p. */
	assert_int_equal(sb.len, 0);
	assert_string_equal(sb.buf, "");
	assert_true(sb.buf != p);
	vx_strbuf_addstr(&sb, "new");
	assert_string_equal(sb.buf, "new");
	assert_string_equal(p, "hand over");
	free(p);
	vx_strbuf_release(&sb);

	/* Detaching a never-grown buffer still gives a freeable "". */
	vx_strbuf_init(&sb, 0);
	p = vx_strbuf_detach(&sb, NULL);
	assert_non_null(p);
	assert_string_equal(p, "");
	free(p);
	vx_strbuf_release(&sb);
}

/* A failed buffer ignores appends until it is set up again. */
static void
test_failed_is_sticky(void **state)
{
	struct vx_strbuf sb;

	(void)state;
	vx_strbuf_init(&sb, 0);
	vx_strbuf_addstr(&sb, "kept");
	sb.failed = true;
	vx_strbuf_addstr(&sb, "lost");
	vx_strbuf_addch(&sb, 'x');
	vx_strbuf_addf(&sb, "%d", 5);
	vx_strbuf_add_u64(&sb, 5);
	assert_string_equal(sb.buf, "kept");
	assert_int_equal(sb.len, 4);
	vx_strbuf_release(&sb);
	assert_false(sb.failed);
	vx_strbuf_init(&sb, 0);
	vx_strbuf_addstr(&sb, "ok");
	assert_string_equal(sb.buf, "ok");
	vx_strbuf_release(&sb);
}

/*
 * vx_strbuf_detach() "re-initialises sb": that includes the failure flag,
 * or every later append to the re-used buffer is silently dropped.
 */
static void
test_detach_clears_failed(void **state)
{
	struct vx_strbuf	 sb;
	char			*p;

	(void)state;
	vx_strbuf_init(&sb, 0);
	vx_strbuf_addstr(&sb, "partial");
	sb.failed = true;
	p = vx_strbuf_detach(&sb, NULL);
	free(p);
	assert_false(sb.failed);
	vx_strbuf_addstr(&sb, "after");
	assert_string_equal(sb.buf, "after");
	vx_strbuf_release(&sb);
}

/* 0 if appending *len bytes fails cleanly (failed set, content kept). */
static int
huge_append_fails(const void *len)
{
	struct vx_strbuf sb;

	vx_strbuf_init(&sb, 16);
	vx_strbuf_addstr(&sb, "0123456789");
	/* data is never read when the reservation fails. */
	vx_strbuf_add(&sb, "x", *(const size_t *)len);
	return sb.failed && sb.len == 10 ? 0 : 1;
}

/*
 * An append too large for size_t arithmetic must fail (failed set), not
 * loop forever doubling a size that wraps to 0.  In a child with an alarm
 * so that a hang fails the test instead of the run.
 */
static void
test_huge_append_fails(void **state)
{
	static const size_t lens[] = { SIZE_MAX, SIZE_MAX - 1,
	    SIZE_MAX / 2 + 2, (SIZE_MAX / 4) * 3 };

	(void)state;
	for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		char why[64];

		if (!vxt_in_child(huge_append_fails, &lens[i], 5, why,
		    sizeof(why)))
			fail_msg("case %zu: add of %zu bytes: %s", i, lens[i],
			    why);
	}
}

/* Up to VX_KEEP_BUFFER a buffer keeps its memory; past it, not. */
static void
test_shrink_buffer(void **state)
{
	struct vx_strbuf	 sb;
	char			*mem;

	(void)state;
	vx_strbuf_init(&sb, VX_KEEP_BUFFER - 1);
	vx_strbuf_addstr(&sb, "kept");
	mem = sb.buf;
	assert_true(sb.alloc <= VX_KEEP_BUFFER);
	vx_shrink_buffer(&sb, 0);
	assert_ptr_equal(sb.buf, mem);
	assert_string_equal(sb.buf, "kept");

	assert_true(vx_strbuf_grow(&sb, VX_KEEP_BUFFER));
	assert_true(sb.alloc > VX_KEEP_BUFFER);
	vx_shrink_buffer(&sb, 4096);
	assert_true(sb.alloc < VX_KEEP_BUFFER);
	assert_int_equal(sb.len, 0);
	check_terminated(&sb);
	vx_strbuf_addstr(&sb, "again");
	assert_string_equal(sb.buf, "again");
	vx_strbuf_release(&sb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init_empty),
		cmocka_unit_test(test_appends),
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_addf_long),
		cmocka_unit_test(test_reset_keeps_memory),
		cmocka_unit_test(test_consume),
		cmocka_unit_test(test_detach),
		cmocka_unit_test(test_failed_is_sticky),
		cmocka_unit_test(test_detach_clears_failed),
		cmocka_unit_test(test_huge_append_fails),
		cmocka_unit_test(test_shrink_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
