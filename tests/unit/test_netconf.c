/*
 * The NETCONF client's pure parts: the server's hello (capabilities,
 * Junos' comments before it), the base:1.0 end-of-message marker and the
 * base:1.1 chunked framing, fed whole and one byte at a time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "netconf.h"

static void
test_hello(void **state)
{
	static const char junos[] =
	    "<!-- No zombies were killed during the creation of this user "
	    "interface -->\n<!-- user monitor, class j-read-only -->\n"
	    "<hello xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">\n"
	    "  <capabilities>\n"
	    "    <capability>urn:ietf:params:netconf:base:1.0</capability>\n"
	    "    <capability>\n urn:ietf:params:netconf:base:1.1\n"
	    "    </capability>\n"
	    "    <capability>http://xml.juniper.net/netconf/junos/1.0"
	    "</capability>\n  </capabilities>\n"
	    "  <session-id>4711</session-id>\n</hello>\n";
	static const char only10[] = "<nc:hello xmlns:nc=\"urn:ietf:params:"
	    "xml:ns:netconf:base:1.0\"><nc:capabilities><nc:capability>"
	    "urn:ietf:params:netconf:base:1.0</nc:capability>"
	    "</nc:capabilities></nc:hello>";
	struct vx_err	err;
	bool		b10, b11;

	(void)state;
	assert_int_equal(vx_netconf_hello(junos, strlen(junos), &b10, &b11,
	    &err), 0);
	assert_true(b10);
	assert_true(b11);
	assert_int_equal(vx_netconf_hello(only10, strlen(only10), &b10, &b11,
	    &err), 0);
	assert_true(b10);
	assert_false(b11);
	assert_int_equal(vx_netconf_hello("<rpc-reply/>", 12, &b10, &b11,
	    &err), -VX_E_PROTOCOL);
	assert_non_null(strstr(err.msg, "not a NETCONF <hello>"));
	assert_int_equal(vx_netconf_hello("<hello><capabilities/></hello>",
	    30, &b10, &b11, &err), -VX_E_PROTOCOL);
	assert_non_null(strstr(err.msg, "neither base:1.0 nor base:1.1"));
	assert_int_equal(vx_netconf_hello("<hello", 6, &b10, &b11, &err),
	    -VX_E_PROTOCOL);
	assert_non_null(strstr(err.msg, "not XML"));
}

static void
test_eom(void **state)
{
	static const char msg[] = "<rpc-reply/>\n]]>]]>\n<next";
	size_t from = 0;

	(void)state;
	assert_int_equal(vx_netconf_eom(msg, strlen(msg), &from), 13);
	/* Fed one byte at a time, the marker is found when complete. */
	from = 0;
	for (size_t n = 0; n <= 18; n++)
		assert_int_equal(vx_netconf_eom(msg, n, &from), -1);
	assert_int_equal(vx_netconf_eom(msg, 19, &from), 13);
	from = 0;
	assert_int_equal(vx_netconf_eom("]]>]]", 5, &from), -1);
}

/* Decodes in (whole, or byte by byte) and checks what comes out. */
static int
dechunk(const char *in, size_t len, bool bytewise, struct vx_strbuf *out,
    size_t *pos, struct vx_err *err)
{
	struct vx_netconf_chunks	st = { 0, 0, false };
	int				rc = 0;

	vx_strbuf_reset(out);
	if (!bytewise)
		rc = vx_netconf_dechunk(&st, in, len, out, 1000, err);
	for (size_t n = 1; bytewise && n <= len && rc == 0; n++)
		rc = vx_netconf_dechunk(&st, in, n, out, 1000, err);
	*pos = st.pos;
	return rc;
}

struct chunk_case {
	const char	*in;
	int		 want;		/* 1 complete, 0 more, <0 error */
	const char	*data;		/* decoded, when complete */
};

static void
test_chunks(void **state)
{
	static const struct chunk_case cases[] = {
		/* 0: RFC 6242's example. */
		{ "\n#4\n<rpc\n#18\n message-id=\"102\"\n\n#79\n     "
		  "xmlns=\"urn:ietf:params:xml:ns:netconf:base:1.0\">\n  "
		  "<close-session/>\n</rpc>\n##\n", 1,
		  "<rpc message-id=\"102\"\n     xmlns=\"urn:ietf:params:xml:"
		  "ns:netconf:base:1.0\">\n  <close-session/>\n</rpc>" },
		/* 1: a chunk holding "\n##\n" is data. */
		{ "\n#5\n\n##\nx\n##\n", 1, "\n##\nx" },
		/* 2: the LF after a hello's "]]>]]>" before the first chunk. */
		{ "\n\n#2\nab\n##\n", 1, "ab" },
		/* 3: incomplete. */
		{ "\n#10\nabc", 0, NULL },
		{ "\n#", 0, NULL },
		/* 5: zero size, leading zero, no digits, too many digits. */
		{ "\n#0\n\n##\n", -VX_E_PROTOCOL, NULL },
		{ "\n#01\nx\n##\n", -VX_E_PROTOCOL, NULL },
		{ "\n#x\n", -VX_E_PROTOCOL, NULL },
		{ "\n#12345678901\n", -VX_E_PROTOCOL, NULL },
		/* 9: larger than 2^32 - 1. */
		{ "\n#4294967296\n", -VX_E_PROTOCOL, NULL },
		/* 10: base:1.0 text where chunks are due. */
		{ "<rpc-reply/>]]>]]>", -VX_E_PROTOCOL, NULL },
		{ "\n#1\nx\n#\n", -VX_E_PROTOCOL, NULL },
		{ "\n#1\nx\n##x", -VX_E_PROTOCOL, NULL },
	};
	struct vx_strbuf	out;
	struct vx_err		err;

	(void)state;
	vx_strbuf_init(&out, 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (int bytewise = 0; bytewise < 2; bytewise++) {
			size_t	pos;
			int	rc;

			printf("chunk case %zu%s\n", i, bytewise ? " bytewise" :
			    "");
			rc = dechunk(cases[i].in, strlen(cases[i].in),
			    bytewise, &out, &pos, &err);
			assert_int_equal(rc, cases[i].want);
			if (rc == 1) {
				assert_string_equal(out.buf, cases[i].data);
				assert_int_equal(pos, strlen(cases[i].in));
			}
			if (rc < 0)
				assert_non_null(strstr(err.msg, "framing"));
		}
	}
	vx_strbuf_release(&out);
}

static void
test_chunks_cap(void **state)
{
	struct vx_netconf_chunks	st = { 0, 0, false };
	struct vx_strbuf		out;
	struct vx_err			err;
	static const char		in[] = "\n#6\nabcdef\n##\n";

	(void)state;
	vx_strbuf_init(&out, 0);
	assert_int_equal(vx_netconf_dechunk(&st, in, strlen(in), &out, 5,
	    &err), -VX_E_PROTOCOL);
	assert_non_null(strstr(err.msg, "larger than 5 bytes"));
	vx_strbuf_release(&out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello),
		cmocka_unit_test(test_eom),
		cmocka_unit_test(test_chunks),
		cmocka_unit_test(test_chunks_cap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
