/*
 * collectors/common/syslog_msg.c and syslog_frame.c: the headers of RFC
 * 5424 and RFC 3164 messages as devices write them, and RFC 6587 framing
 * (octet counting and LF) over every split of a stream.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "syslog_msg.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const struct hdr_case {
	const char	*in;
	int		 rc;
	int		 pri;
	int		 version;
	const char	*host;		/* NULL: none */
	const char	*app;		/* NULL: none */
	const char	*text;		/* what the text starts with */
} hdr_cases[] = {
	/* logger --rfc3164 */
	{ "<13>Nov 22 19:14:36 myhost root: hello", 0, 13, 0, "myhost",
	  "root", "root: hello" },
	{ "<13>Nov  2 09:04:06 myhost tag[42]: hi\n", 0, 13, 0, "myhost",
	  "tag", "tag[42]: hi" },
	/* logger --rfc5424 */
	{ "<13>1 2026-11-22T19:14:36.123456+01:00 myhost root - - "
	  "[timeQuality tzKnown=\"1\" isSynced=\"0\"] hello", 0, 13, 1,
	  "myhost", "root", "hello" },
	{ "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - "
	  "ID47 [exampleSDID@32473 iut=\"3\" eventSource=\"Application\" "
	  "eventID=\"1011\"][examplePriority@32473 class=\"high\"]", 0, 165,
	  1, "mymachine.example.com", "evntslog", "" },
	{ "<34>1 2003-10-11T22:14:15.003Z - - - - -", 0, 34, 1, NULL, NULL,
	  "" },
	/* ASA: year in the timestamp; with and without a device id. */
	{ "<164>Nov 22 2026 19:14:36: %ASA-4-402114: IPSEC: x", 0, 164, 0,
	  NULL, "%ASA-4-402114", "%ASA-4-402114: IPSEC: x" },
	{ "<164>Nov 22 2026 19:14:36 asa-fra1 : %ASA-4-402114: x", 0, 164, 0,
	  "asa-fra1", "%ASA-4-402114", "%ASA-4-402114: x" },
	{ "<164>%ASA-4-402114: x", 0, 164, 0, NULL, "%ASA-4-402114",
	  "%ASA-4-402114: x" },
	/* IOS: sequence number first, so no header timestamp. */
	{ "<188>123: *Nov 22 19:14:36.526: %CRYPTO-4-X: y", 0, 188, 0, NULL,
	  "123", "123: *Nov" },
	/* Fractions, a year after the time, RFC 3339 in a BSD header. */
	{ "<14>Nov 22 19:14:36.526 2026 h m", 0, 14, 0, "h", NULL, "m" },
	{ "<14>2026-11-22T19:14:36.5Z relay app: x", 0, 14, 0, "relay", "app",
	  "app: x" },
	{ "<14>2026-11-22T19:14:36+05:30 relay app: x", 0, 14, 0, "relay",
	  "app", "app: x" },
	/* No host name when the word after the time is a tag. */
	{ "<14>Nov 22 19:14:36 app: x", 0, 14, 0, NULL, "app", "app: x" },
	{ "<14>Nov 22 19:14:36 2001:db8::1 app: x", 0, 14, 0, "2001:db8::1",
	  "app", "app: x" },
	/* ScreenOS: "host:" is a tag, not a host name. */
	{ "<129>ssg5: NetScreen device_id=ssg5  [Root]x", 0, 129, 0, NULL,
	  "ssg5", "ssg5: NetScreen" },
	/* A BOM before an RFC 5424 MSG goes. */
	{ "<14>1 - h a p m - \xef\xbb\xbfz", 0, 14, 1, "h", "a", "z" },
	/* Broken ones. */
	{ "", -1, 0, 0, NULL, NULL, NULL },
	{ "hello", -1, 0, 0, NULL, NULL, NULL },
	{ "<>x", -1, 0, 0, NULL, NULL, NULL },
	{ "<192>x", -1, 0, 0, NULL, NULL, NULL },
	{ "<013>x", -1, 0, 0, NULL, NULL, NULL },
	{ "<1234>x", -1, 0, 0, NULL, NULL, NULL },
	{ "<13", -1, 0, 0, NULL, NULL, NULL },
	{ "<13>1 ", -1, 0, 0, NULL, NULL, NULL },
	{ "<13>1 - h a p m", -1, 0, 0, NULL, NULL, NULL },
	{ "<13>1 - h a p m x", -1, 0, 0, NULL, NULL, NULL },
	{ "<13>1 - h a p m [id", -1, 0, 0, NULL, NULL, NULL },
	{ "<13>1 - h a p m [id x=\"open", -1, 0, 0, NULL, NULL, NULL },
	{ "<13>1 - h a p m [id x=y]", -1, 0, 0, NULL, NULL, NULL },
	{ "<13>1 - h a p m []", -1, 0, 0, NULL, NULL, NULL },
	{ "<13>1 - h a p m -x", -1, 0, 0, NULL, NULL, NULL },
	{ "<13>1 - hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh"
	  "hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh"
	  "hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh"
	  "hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh"
	  "h a p m -", -1, 0, 0, NULL, NULL, NULL },
};

static void
expect_field(size_t i, const char *what, const char *want, const char *got,
    size_t len)
{
	if (want == NULL) {
		if (len != 0) {
			print_error("case %zu: %s '%.*s', want none\n", i, what,
			    (int)len, got);
			fail();
		}
		return;
	}
	if (len != strlen(want) || memcmp(got, want, len) != 0) {
		print_error("case %zu: %s '%.*s', want '%s'\n", i, what,
		    (int)len, got != NULL ? got : "", want);
		fail();
	}
}

static void
test_headers(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(hdr_cases); i++) {
		const struct hdr_case	*c = &hdr_cases[i];
		struct vx_syslog_msg	 m;
		int			 rc = vx_syslog_parse(c->in,
					    strlen(c->in), &m);

		if (rc != c->rc) {
			print_error("case %zu: rc %d, want %d\n", i, rc, c->rc);
			fail();
		}
		if (rc != 0)
			continue;
		assert_int_equal(m.pri, c->pri);
		assert_int_equal(m.version, c->version);
		expect_field(i, "host", c->host, m.host, m.host_len);
		expect_field(i, "app", c->app, m.app, m.app_len);
		if (m.text_len < strlen(c->text) ||
		    memcmp(m.text, c->text, strlen(c->text)) != 0) {
			print_error("case %zu: text '%.*s', want '%s...'\n", i,
			    (int)m.text_len, m.text, c->text);
			fail();
		}
	}
}

/* What a stream turned into. */
struct got {
	char	msgs[16][128];
	size_t	n;
	size_t	oversize;
	size_t	malformed;
};

static void
collect(void *arg, const char *msg, size_t len, enum vx_syslog_frame how)
{
	struct got *g = arg;

	switch (how) {
	case VX_FRAME_OK:
		assert_true(g->n < 16 && len < 128);
		memcpy(g->msgs[g->n], msg, len);
		g->msgs[g->n++][len] = '\0';
		break;
	case VX_FRAME_OVERSIZE:
		g->oversize++;
		break;
	case VX_FRAME_MALFORMED:
		g->malformed++;
		break;
	}
}

static const struct frame_case {
	const char	*stream;
	size_t		 len;		/* 0: strlen(stream) */
	size_t		 max;
	const char	*want[6];
	size_t		 oversize;
	size_t		 malformed;
} frame_cases[] = {
	/* Octet counting (logger --octet-count), several in a row. */
	{ "11 <13>hello w6 <13>ab", 0, 64, { "<13>hello w", "<13>ab" },
	  0, 0 },
	/* An octet-counted message may hold a LF. */
	{ "9 <13>a\nb c", 0, 64, { "<13>a\nb c" }, 0, 0 },
	/* LF framing, CRLF, NUL, blank lines between. */
	{ "<13>one\n<13>two\r\n\n<13>three\0<13>four\n",
	  sizeof("<13>one\n<13>two\r\n\n<13>three\0<13>four\n") - 1, 64,
	  { "<13>one", "<13>two", "<13>three", "<13>four" }, 0, 0 },
	/* Mixed, message by message. */
	{ "<13>lf\n7 <13>cnt<13>lf2\n", 0, 64,
	  { "<13>lf", "<13>cnt", "<13>lf2" }, 0, 0 },
	/* Too long: counted and skipped, the next one read. */
	{ "20 <13>0123456789abcdef6 <13>ok", 0, 10, { "<13>ok" }, 1, 0 },
	{ "<13>0123456789abcdef\n<13>ok\n", 0, 10, { "<13>ok" }, 1, 0 },
	/* Exactly the maximum is fine. */
	{ "10 <13>456789", 0, 10, { "<13>456789" }, 0, 0 },
	{ "<13>456789\n", 0, 10, { "<13>456789" }, 0, 0 },
	/* A broken count skips to the next LF. */
	{ "12x <13>bad\n<13>ok\n", 0, 64, { "<13>ok" }, 0, 1 },
	{ "1234567890 <13>\n<13>ok\n", 0, 64, { "<13>ok" }, 0, 1 },
};

/* The stream fed whole, byte by byte, and cut at every place. */
static void
test_framing(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(frame_cases); i++) {
		const struct frame_case	*c = &frame_cases[i];
		size_t			 len = c->len != 0 ? c->len :
					    strlen(c->stream);
		for (size_t cut = 0; cut <= len; cut++) {
			for (int bytewise = 0; bytewise < 2; bytewise++) {
				struct vx_syslog_deframer	f;
				struct got			g;
				size_t				nwant = 0;

				memset(&g, 0, sizeof(g));
				vx_syslog_deframer_init(&f, c->max);
				if (bytewise) {
					for (size_t k = 0; k < len; k++)
						assert_int_equal(vx_syslog_deframe(
						    &f, c->stream + k, 1,
						    collect, &g), 0);
				} else {
					assert_int_equal(vx_syslog_deframe(&f,
					    c->stream, cut, collect, &g), 0);
					assert_int_equal(vx_syslog_deframe(&f,
					    c->stream + cut, len - cut,
					    collect, &g), 0);
				}
				vx_syslog_deframer_finish(&f, collect, &g);
				vx_syslog_deframer_release(&f);
				while (nwant < 6 && c->want[nwant] != NULL)
					nwant++;
				if (g.n != nwant || g.oversize != c->oversize ||
				    g.malformed != c->malformed) {
					print_error("case %zu cut %zu: %zu "
					    "messages (want %zu), %zu oversize, "
					    "%zu malformed\n", i, cut, g.n,
					    nwant, g.oversize, g.malformed);
					fail();
				}
				for (size_t k = 0; k < nwant; k++)
					assert_string_equal(g.msgs[k],
					    c->want[k]);
			}
		}
	}
}

/* The stream's last message may lack its LF; a short count is lost. */
static void
test_framing_end(void **state)
{
	struct vx_syslog_deframer	f;
	struct got			g;

	(void)state;
	memset(&g, 0, sizeof(g));
	vx_syslog_deframer_init(&f, 64);
	assert_int_equal(vx_syslog_deframe(&f, "<13>a\n<13>last", 14,
	    collect, &g), 0);
	assert_true(vx_syslog_deframer_pending(&f));
	vx_syslog_deframer_finish(&f, collect, &g);
	assert_false(vx_syslog_deframer_pending(&f));
	assert_int_equal(g.n, 2);
	assert_string_equal(g.msgs[1], "<13>last");
	assert_int_equal(vx_syslog_deframe(&f, "20 <13>short", 12, collect,
	    &g), 0);
	vx_syslog_deframer_finish(&f, collect, &g);
	assert_int_equal(g.n, 2);
	vx_syslog_deframer_release(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_framing),
		cmocka_unit_test(test_framing_end),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
