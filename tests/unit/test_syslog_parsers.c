/*
 * The vendors' syslog parsers on recorded-shape messages of each vendor
 * in both syslog formats (tests/fixtures/syslog/): for every line, the
 * host name the header parser finds and the event the vendor's parser
 * makes of it, as the .expected file next to it says.  The parsers are
 * also run on every truncation of every line: never a crash, never an
 * event with a peer that is not an address.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "registry.h"
#include "syslog_event.h"
#include "syslog_msg.h"
#include "testutil.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static const struct {
	const char	*vendor;
	const char	*file;		/* tests/fixtures/syslog/FILE.txt */
	size_t		 events;	/* lines that are events, at least */
} files[] = {
	{ "cisco_asa", "cisco_asa_rfc3164", 7 },
	{ "cisco_asa", "cisco_asa_rfc5424", 4 },
	{ "cisco_ios", "cisco_ios_rfc3164", 3 },
	{ "cisco_ios", "cisco_ios_rfc5424", 1 },
	{ "screenos", "screenos_rfc3164", 3 },
	{ "screenos", "screenos_rfc5424", 2 },
};

static const char *const kinds[] = { "event", "other", "bad" };

/* The next line of sb from *pos (without its LF), or NULL at the end. */
static const char *
next_line(const struct vx_strbuf *sb, size_t *pos, size_t *len)
{
	const char *s, *nl;

	if (*pos >= sb->len)
		return NULL;
	s = sb->buf + *pos;
	nl = memchr(s, '\n', sb->len - *pos);
	*len = nl != NULL ? (size_t)(nl - s) : sb->len - *pos;
	*pos += *len + 1;
	return s;
}

static void
check_line(const char *file, size_t lineno, vx_syslog_parse_fn parse,
    const char *line, size_t len, const char *want)
{
	struct vx_syslog_msg	m;
	struct vx_event		ev;
	char			host[300], kind[16], type[16], peer[64];
	char			spi[16], got_host[300], got_spi[16];
	int			nf;
	enum vx_syslog_kind	k;

	nf = sscanf(want, "%299s %15s %15s %63s %15s", host, kind, type, peer,
	    spi);
	if (nf < 2) {
		print_error("%s:%zu: bad expectation '%s'\n", file, lineno,
		    want);
		fail();
	}
	if (vx_syslog_parse(line, len, &m) != 0) {
		print_error("%s:%zu: header not parsed\n", file, lineno);
		fail();
	}
	snprintf(got_host, sizeof(got_host), "%.*s", (int)m.host_len,
	    m.host_len > 0 ? m.host : "");
	if (strcmp(host, "-") == 0 ? m.host_len != 0 :
	    strcmp(host, got_host) != 0) {
		print_error("%s:%zu: host '%s', want '%s'\n", file, lineno,
		    got_host, host);
		fail();
	}
	memset(&ev, 0, sizeof(ev));
	k = parse(&m, &ev);
	if (strcmp(kinds[k], kind) != 0) {
		print_error("%s:%zu: %s, want %s\n", file, lineno, kinds[k],
		    kind);
		fail();
	}
	if (k != VX_SYSLOG_EVENT)
		return;
	assert_int_equal(nf, 5);
	assert_string_equal(vx_event_type_name(ev.type), type);
	if (strcmp(peer, "unknown") == 0)
		assert_string_equal(ev.peer, "");
	else if (strcmp(ev.peer, peer) != 0) {
		print_error("%s:%zu: peer '%s', want '%s'\n", file, lineno,
		    ev.peer, peer);
		fail();
	}
	assert_true(ev.has_spi);
	snprintf(got_spi, sizeof(got_spi), "0x%08x", ev.spi);
	if (strcmp(got_spi, spi) != 0) {
		print_error("%s:%zu: spi %s, want %s\n", file, lineno, got_spi,
		    spi);
		fail();
	}
}

static void
test_fixtures(void **state)
{
	(void)state;
	for (size_t f = 0; f < NELEM(files); f++) {
		const struct vx_syslog_parser	*p =
		    vx_syslog_parser_find(files[f].vendor);
		struct vx_strbuf		 msgs, want;
		char				 rel[128];
		size_t				 mp = 0, wp = 0, n = 0, ev = 0;
		size_t				 ml, wl = 0;
		const char			*m, *w;

		assert_non_null(p);
		snprintf(rel, sizeof(rel), "syslog/%s.txt", files[f].file);
		vxt_read_fixture(rel, &msgs);
		snprintf(rel, sizeof(rel), "syslog/%s.expected", files[f].file);
		vxt_read_fixture(rel, &want);
		vx_strbuf_addch(&want, '\0');
		want.len--;
		while ((m = next_line(&msgs, &mp, &ml)) != NULL) {
			char wbuf[256];

			w = next_line(&want, &wp, &wl);
			n++;
			if (w == NULL) {
				print_error("%s: no expectation for line %zu\n",
				    files[f].file, n);
				fail();
			}
			snprintf(wbuf, sizeof(wbuf), "%.*s", (int)wl, w);
			check_line(files[f].file, n, p->parse, m, ml, wbuf);
			ev += strstr(wbuf, " event ") != NULL;
		}
		assert_null(next_line(&want, &wp, &wl));
		assert_true(ev >= files[f].events);
		vx_strbuf_release(&msgs);
		vx_strbuf_release(&want);
	}
}

/* Every prefix of every line: no crash, and events carry real addresses. */
static void
test_truncations(void **state)
{
	(void)state;
	for (size_t f = 0; f < NELEM(files); f++) {
		const struct vx_syslog_parser	*p =
		    vx_syslog_parser_find(files[f].vendor);
		struct vx_strbuf		 msgs;
		char				 rel[128];
		size_t				 mp = 0, ml;
		const char			*m;

		snprintf(rel, sizeof(rel), "syslog/%s.txt", files[f].file);
		vxt_read_fixture(rel, &msgs);
		while ((m = next_line(&msgs, &mp, &ml)) != NULL) {
			for (size_t cut = 0; cut <= ml; cut++) {
				struct vx_syslog_msg	sm;
				struct vx_event		ev;
				unsigned char		bin[16];

				if (vx_syslog_parse(m, cut, &sm) != 0)
					continue;
				memset(&ev, 0, sizeof(ev));
				if (p->parse(&sm, &ev) != VX_SYSLOG_EVENT ||
				    ev.peer[0] == '\0')
					continue;
				assert_true(inet_pton(AF_INET, ev.peer, bin) ==
				    1 || inet_pton(AF_INET6, ev.peer, bin) == 1);
			}
		}
		vx_strbuf_release(&msgs);
	}
}

/* One vendor's message is another vendor's "other". */
static void
test_vendors_apart(void **state)
{
	static const char asa[] = "<164>%ASA-4-402114: IPSEC: Received an "
	    "ESP packet (SPI= 0x1A2B3C4D, sequence number= 0x1F) from "
	    "203.0.113.9 to 192.0.2.1 with an invalid SPI.";
	struct vx_syslog_msg	m;
	struct vx_event		ev;

	(void)state;
	assert_int_equal(vx_syslog_parse(asa, sizeof(asa) - 1, &m), 0);
	memset(&ev, 0, sizeof(ev));
	assert_int_equal(vx_syslog_parser_find("screenos")->parse(&m, &ev),
	    VX_SYSLOG_OTHER);
	assert_int_equal(vx_syslog_parser_find("cisco_ios")->parse(&m, &ev),
	    VX_SYSLOG_OTHER);
	assert_int_equal(vx_syslog_parser_find("cisco_asa")->parse(&m, &ev),
	    VX_SYSLOG_EVENT);
	assert_null(vx_syslog_parser_find("paloalto"));
	assert_null(vx_syslog_parser_find(NULL));
}

/* The address and SPI helpers. */
static void
test_helpers(void **state)
{
	static const struct {
		const char	*in;
		const char	*want;	/* NULL: none */
		size_t		 used;
	} addrs[] = {
		{ "203.0.113.9 to", "203.0.113.9", 11 },
		{ "203.0.113.9.", "203.0.113.9", 11 },
		{ "203.0.113.9:", "203.0.113.9", 11 },
		{ "2001:DB8::0:9)", "2001:db8::9", 13 },
		{ "fe80::, x", "fe80::", 6 },
		{ "::ffff:192.0.2.1 ", "::ffff:192.0.2.1", 16 },
		{ "256.1.1.1", NULL, 0 },
		{ "dead", NULL, 0 },
		{ "", NULL, 0 },
		{ "1.2.3.4.5", NULL, 0 },
		{ "0000000000000000000000000000000000000000000000000000", NULL,
		  0 },
	};
	static const struct {
		const char	*in;
		uint32_t	 want;
		bool		 ok;
	} spis[] = {
		{ "0x1A2B3C4D,", 0x1a2b3c4d, true },
		{ "1a2b(439)", 0x1a2b, true },
		{ "0X00000001", 1, true },
		{ "0x123456789", 0, false },
		{ "0x", 0, false },
		{ "zz", 0, false },
	};

	(void)state;
	for (size_t i = 0; i < NELEM(addrs); i++) {
		char		 out[VX_EVENT_ADDR_MAX];
		size_t		 n = strlen(addrs[i].in);
		const char	*end = vx_syslog_addr(addrs[i].in,
				    addrs[i].in + n, out);

		if (addrs[i].want == NULL) {
			assert_null(end);
			continue;
		}
		assert_non_null(end);
		assert_string_equal(out, addrs[i].want);
		assert_int_equal(end - addrs[i].in, addrs[i].used);
	}
	for (size_t i = 0; i < NELEM(spis); i++) {
		uint32_t	 v = 0;
		const char	*end = vx_syslog_spi(spis[i].in,
				    spis[i].in + strlen(spis[i].in), &v);

		assert_int_equal(end != NULL, spis[i].ok);
		if (spis[i].ok)
			assert_int_equal(v, spis[i].want);
	}
	assert_null(vx_syslog_find("abc", 3, "abcd"));
	assert_non_null(vx_syslog_find("xxabcd", 6, "abcd"));
	assert_null(vx_syslog_find("xxabc", 5, "abcd"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixtures),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_vendors_apart),
		cmocka_unit_test(test_helpers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
