/*
 * asa_parse_asp_drop: "show asp drop" fixtures in every run-time variant,
 * the absent-is-zero rule for np-sp-invalid-spi, "Last clearing" times,
 * truncation and every error path.
 */
#include "test_asa_cli.h"

#define CMD	"show asp drop"

struct drop_want {
	const char	*section;
	const char	*reason;
	uint64_t	 count;
};

static void
check_drop(const struct vx_snapshot *s, const struct drop_want *w)
{
	const struct vx_drop *d = vx_snapshot_find_drop(s, w->section,
	    w->reason);

	if (d == NULL)
		ASAT_FAIL("no drop (%s, %s)", w->section, w->reason);
	asat_u64(d->count, w->count, w->reason);
}

/* Sum and number of the drops of one section. */
static void
check_section(const struct vx_snapshot *s, const char *section, size_t n,
    uint64_t sum)
{
	size_t		k = 0;
	uint64_t	total = 0;

	for (size_t i = 0; i < s->ndrops; i++) {
		if (strcmp(s->drops[i].section, section) != 0)
			continue;
		k++;
		total += s->drops[i].count;
	}
	asat_u64(k, n, section);
	asat_u64(total, sum, section);
}

/* genie: 5 frame + 3 flow drops, no invalid-SPI line, EDT clearing time. */
static void
check_genie(const struct vx_snapshot *s)
{
	static const struct drop_want want[] = {
		{ "frame", "rpf-violated", 23 },
		{ "frame", "acl-drop", 29 },
		{ "frame", "sp-security-failed", 11 },
		{ "frame", "l2_acl", 35 },
		{ "frame", "no-mcast-intrf", 31 },
		{ "flow", "nat-failed", 528 },
		{ "flow", "inspect-fail", 67870 },
		{ "flow", "ssl-received-close-alert", 9 },
	};

	asat_u64(s->ndrops, 8, "ndrops");
	for (size_t i = 0; i < ASAT_NELEM(want); i++)
		check_drop(s, &want[i]);
	/* Absent line, complete Frame section: 0, authoritative. */
	asat_dev(s, VX_DV_INVALID_SPI, 0);
	asat_u64(s->dev_prio[VX_DV_INVALID_SPI], VX_PRIO_AUTHORITATIVE,
	    "priority");
	/* "EDT" is a free-form zone name: no timestamp. */
	asat_dev_absent(s, VX_DV_DROPS_CLEARED_TS);
	asat_u64(s->ntunnels, 0, "ntunnels");
}

static void
test_genie(void **state)
{
	(void)state;
	asat_variants(asa_parse_asp_drop,
	    "cisco_asa/show_asp_drop_genie.txt", CMD, check_genie);
}

/*
 * ntc1: 75 frame and 18 flow lines, a truncated keyword, overflowing
 * columns, acl-drop and shunned in both sections, no Last clearing for
 * the Flow section.
 */
static void
check_ntc1(const struct vx_snapshot *s)
{
	static const struct drop_want want[] = {
		{ "frame", "unsupported-ip-version", 111 },
		{ "frame", "np-socket-lock-failu", 61 },
		{ "frame", "bad-ipsec-natt", 119 },
		{ "frame", "mcast-in-nonactive-device", 4063 },
		{ "frame", "inspect-icmp-error-no-existing-conn", 13 },
		{ "frame", "nat-no-xlate-to-pat-pool", 50 },
		{ "frame", "cluster-ccl-unknown", 185782 },
		{ "frame", "acl-drop", 2077 },
		{ "frame", "shunned", 8 },
		{ "frame", "async-lock-queue-limit", 4926 },
		{ "flow", "vpn-overlap-conflict", 201 },
		{ "flow", "vpn-missing-decrypt", 202 },
		{ "flow", "shunned", 2 },
		{ "flow", "acl-drop", 192350 },
	};

	asat_u64(s->ndrops, 93, "ndrops");
	check_section(s, "frame", 75, 249096);
	check_section(s, "flow", 18, 196660);
	for (size_t i = 0; i < ASAT_NELEM(want); i++)
		check_drop(s, &want[i]);
	if (vx_snapshot_find_drop(s, "frame",
	    "np-socket-lock-failure") != NULL)
		ASAT_FAIL("truncated keyword was completed");
	asat_dev(s, VX_DV_INVALID_SPI, 0);
	asat_dev_absent(s, VX_DV_DROPS_CLEARED_TS);
}

static void
test_ntc1(void **state)
{
	(void)state;
	asat_variants(asa_parse_asp_drop,
	    "cisco_asa/show_asp_drop_ntc1.txt", CMD, check_ntc1);
}

/* The headline counter, a "(show arp)" description, UTC clearing time. */
static void
check_invalid_spi(const struct vx_snapshot *s)
{
	static const struct drop_want want[] = {
		{ "frame", "np-sp-invalid-spi", 480826360 },
		{ "frame", "no-v4-adjacency", 5 },
		{ "frame", "acl-drop", 29 },
		{ "flow", "inspect-fail", 67870 },
	};

	asat_u64(s->ndrops, 10, "ndrops");
	for (size_t i = 0; i < ASAT_NELEM(want); i++)
		check_drop(s, &want[i]);
	if (vx_snapshot_find_drop(s, "frame", "show arp") != NULL)
		ASAT_FAIL("took the description's parenthesis");
	asat_dev(s, VX_DV_INVALID_SPI, 480826360);
	/* 2019-03-27 10:43:33 UTC */
	asat_dev(s, VX_DV_DROPS_CLEARED_TS, 1553683413);
}

static void
test_invalid_spi(void **state)
{
	(void)state;
	asat_variants(asa_parse_asp_drop,
	    "cisco_asa/show_asp_drop_invalid_spi_derived.txt", CMD,
	    check_invalid_spi);
}

/* Hand-written outputs: one case each, value checks in the table. */
static const struct {
	const char	*name;
	const char	*text;
	int64_t		 spi;		/* -1: absent */
	int64_t		 cleared;	/* -1: absent */
	uint64_t	 ndrops;
} cases[] = {
	{ "never cleared",
	  "Frame drop:\n  Invalid SPI (np-sp-invalid-spi)   7\n\n"
	  "Last clearing: Never\n\nFlow drop:\n\nLast clearing: Never\n",
	  7, -1, 1 },
	{ "GMT",
	  "Frame drop:\n\nLast clearing: 00:00:00 GMT Jan 1 1970 by x\n",
	  0, 0, 0 },
	{ "numeric offset east",
	  "Frame drop:\nLast clearing: 12:00:00 +0200 Feb 29 2024 by x\n",
	  0, 1709200800, 0 },
	{ "numeric offset west with colon",
	  "Frame drop:\nLast clearing: 07:00:00 -05:00 Dec 31 2023\n",
	  0, 1704024000, 0 },
	{ "named zone", "Frame drop:\nLast clearing: 07:00:00 CET Dec 31 "
	  "2023 by x\n", 0, -1, 0 },
	{ "impossible date",
	  "Frame drop:\nLast clearing: 07:00:00 UTC Feb 29 2023 by x\n",
	  0, -1, 0 },
	{ "bad time",
	  "Frame drop:\nLast clearing: 7:00:00 UTC Feb 2 2023 by x\n",
	  0, -1, 0 },
	{ "later of two sections wins",
	  "Frame drop:\nLast clearing: 10:00:00 UTC Jan 2 2020 by a\n"
	  "Flow drop:\nLast clearing: 10:00:00 UTC Jan 3 2020 by b\n",
	  0, 1578045600, 0 },
	{ "frame closed by the Flow header",
	  "Frame drop:\n  Flow is denied by configured rule (acl-drop) 3\n"
	  "Flow drop:\n  Flow is denied by configured rule (acl-drop) 4\n",
	  0, -1, 2 },
	{ "frame not closed: absent, not 0",
	  "Frame drop:\n  Flow is denied by configured rule (acl-drop) 3\n",
	  -1, -1, 1 },
	{ "frame not closed but line present",
	  "Frame drop:\n  Invalid SPI (np-sp-invalid-spi) 9\n", 9, -1, 1 },
	{ "flow section only: frame unknown",
	  "Flow drop:\n  Flow is denied by access rule (acl-drop) 4\n"
	  "Last clearing: Never\n", -1, -1, 1 },
	{ "same keyword in flow does not count",
	  "Frame drop:\nLast clearing: Never\nFlow drop:\n"
	  "  Invalid SPI (np-sp-invalid-spi) 5\n", 0, -1, 1 },
	{ "repeated line is summed",
	  "Frame drop:\n  Invalid SPI (np-sp-invalid-spi) 5\n"
	  "  Invalid SPI (np-sp-invalid-spi) 6\nLast clearing: Never\n",
	  11, -1, 1 },
	{ "largest uint64",
	  "Frame drop:\n  Invalid SPI (np-sp-invalid-spi) "
	  "18446744073709551615\nLast clearing: Never\n",
	  -2, -1, 1 },
	{ "tabs only between fields",
	  "Frame drop:\n\tInvalid SPI\t(np-sp-invalid-spi)\t12\t\n"
	  "Last clearing:\tNever\n", 12, -1, 1 },
	{ "blank-only output after header", "\n\n  Frame drop:  \n\n", -1,
	  -1, 0 },
};

static void
test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < ASAT_NELEM(cases); i++) {
		struct vx_snapshot *s = asat_row_ok(asa_parse_asp_drop, i,
		    cases[i].name, cases[i].text);

		asat_u64(s->ndrops, cases[i].ndrops, "ndrops");
		if (cases[i].spi == -1)
			asat_dev_absent(s, VX_DV_INVALID_SPI);
		else
			asat_dev(s, VX_DV_INVALID_SPI, cases[i].spi == -2 ?
			    UINT64_MAX : (uint64_t)cases[i].spi);
		if (cases[i].cleared == -1)
			asat_dev_absent(s, VX_DV_DROPS_CLEARED_TS);
		else
			asat_dev(s, VX_DV_DROPS_CLEARED_TS,
			    (uint64_t)cases[i].cleared);
		vx_snapshot_unref(s);
	}
}

static const struct asat_error_case errors[] = {
	{ "invalid input", "asa-1# show asp dorp\n"
	  "                  ^\nERROR: % Invalid input detected at '^' "
	  "marker.\n", VX_E_PROTOCOL, 3, "Invalid input detected" },
	{ "invalid input, old form", "% Invalid input detected at '^' "
	  "marker.\n", VX_E_PROTOCOL, 1, "Invalid input detected" },
	{ "command refused", "Frame drop:\nERROR: Command authorization "
	  "failed\n", VX_E_PROTOCOL, 2, "Command authorization failed" },
	{ "pager", "Frame drop:\n  Invalid SPI (np-sp-invalid-spi) 7\n"
	  "<--- More --->", VX_E_PROTOCOL, 3, "terminal pager 0" },
	{ "pager erased by CR", "Frame drop:\n<--- More --->\r        \r"
	  "  NAT failed (nat-failed) 1\n", VX_E_PROTOCOL, 2, "pager" },
	{ "empty", "", VX_E_PARSE, 0, "empty output" },
	{ "blank lines", "\n \r\n\t\n", VX_E_PARSE, 0, "empty output" },
	{ "prompt only", "asa-1# show asp drop\nasa-1# ", VX_E_PARSE, 0,
	  "empty output" },
	{ "garbage", "hello world\n", VX_E_PARSE, 1, "no 'Frame drop:'" },
	{ "another command's output", "interface: outside\n    Crypto "
	  "map tag: M, seq num: 1, local addr: 192.0.2.1\n", VX_E_PARSE, 1,
	  "not 'show asp drop' output" },
	{ "cut before the count", "Frame drop:\n  Invalid SPI "
	  "(np-sp-invalid-spi)\n", VX_E_PARSE, 2, "no drop count" },
	{ "cut inside the keyword",
	  "Frame drop:\n  Bad TCP flags (bad-tcp-fl", VX_E_PARSE, 2,
	  "no drop count" },
	{ "no keyword", "Frame drop:\n  Something odd 12\n", VX_E_PARSE, 2,
	  "no '(keyword)'" },
	{ "text after keyword", "Frame drop:\n  A (x) y 12\n", VX_E_PARSE,
	  2, "text after the drop keyword" },
	{ "blank in keyword", "Frame drop:\n  A (x y 12\n", VX_E_PARSE, 2,
	  "bad drop keyword" },
	{ "empty keyword", "Frame drop:\n  A () 12\n", VX_E_PARSE, 2,
	  "bad drop keyword" },
	{ "count overflow", "Frame drop:\n  A (a) 18446744073709551616\n",
	  VX_E_PARSE, 2, "no drop count" },
	{ "negative count", "Frame drop:\n  A (a) -1\n", VX_E_PARSE, 2,
	  "no drop count" },
	{ "second Frame section", "Frame drop:\nLast clearing: Never\n"
	  "Frame drop:\n", VX_E_PARSE, 3, "second 'Frame drop:'" },
	{ "second Flow section", "Flow drop:\n\nFlow drop:\n", VX_E_PARSE,
	  3, "second 'Flow drop:'" },
	{ "drop after Last clearing", "Frame drop:\nLast clearing: Never\n"
	  "  NAT failed (nat-failed) 1\n", VX_E_PARSE, 3,
	  "after 'Last clearing'" },
	{ "Last clearing first", "Last clearing: Never\n", VX_E_PARSE, 1,
	  "before any section" },
	{ "NUL in keyword", "Frame drop:\n  A (a\0b) 1\n", VX_E_PARSE, 2,
	  "bad drop keyword", sizeof("Frame drop:\n  A (a\0b) 1\n") - 1 },
};

static void
test_errors(void **state)
{
	(void)state;
	asat_error_cases(asa_parse_asp_drop, errors, ASAT_NELEM(errors), NULL);
}

/* ntc1 cut on and inside line boundaries (line 76 ends the Frame list). */
static void
test_truncated(void **state)
{
	struct vx_strbuf	 in;
	struct vx_snapshot	*s;
	const char		*p;
	size_t			 end76, mid75;

	(void)state;
	vxt_read_fixture("cisco_asa/show_asp_drop_ntc1.txt", &in);
	p = strstr(in.buf, "(async-lock-queue-limit)");
	assert_non_null(p);
	end76 = (size_t)(strchr(p, '\n') - in.buf) + 1;
	mid75 = (size_t)(strstr(in.buf, "(bad-tcp-fl") - in.buf) + 11;

	asat_case("cut inside line 75");
	asat_parse_err(asa_parse_asp_drop, in.buf, mid75, VX_E_PARSE, 75,
	    "no drop count");

	asat_case("cut after line 76, before Last clearing");
	s = asat_parse_ok(asa_parse_asp_drop, in.buf, end76);
	check_section(s, "frame", 75, 249096);
	asat_dev_absent(s, VX_DV_INVALID_SPI);
	vx_snapshot_unref(s);

	asat_case("cut after Last clearing, Flow section missing");
	p = strstr(in.buf, "Last clearing: Never\n");
	assert_non_null(p);
	s = asat_parse_ok(asa_parse_asp_drop, in.buf,
	    (size_t)(p - in.buf) + strlen("Last clearing: Never\n"));
	check_section(s, "frame", 75, 249096);
	check_section(s, "flow", 0, 0);
	asat_dev(s, VX_DV_INVALID_SPI, 0);
	vx_snapshot_unref(s);
	vx_strbuf_release(&in);
}

/* A 0 for the invalid-SPI count needs the Frame section's end. */
static void
check_zero_rule(const struct vx_snapshot *s, const char *text, size_t n)
{
	uint64_t	v;
	char		buf[4096];

	if (!vx_snapshot_get_dev(s, VX_DV_INVALID_SPI, &v) || v != 0)
		return;
	/* The prefix is copied to be searched: it must fit whole. */
	assert_true(n < sizeof(buf));
	snprintf(buf, sizeof(buf), "%.*s", (int)n, text);
	if (strstr(buf, "Last clearing:") == NULL &&
	    strstr(buf, "Flow drop:") == NULL)
		ASAT_FAIL("0 reported for an unfinished Frame section");
}

static void
test_every_prefix(void **state)
{
	static const char *const files[] = {
		"cisco_asa/show_asp_drop_genie.txt",
		"cisco_asa/show_asp_drop_invalid_spi_derived.txt",
	};

	(void)state;
	for (size_t i = 0; i < ASAT_NELEM(files); i++)
		asat_prefixes_fixture(asa_parse_asp_drop, files[i],
		    check_zero_rule);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_genie),
		cmocka_unit_test(test_ntc1),
		cmocka_unit_test(test_invalid_spi),
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_every_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
