/*
 * "snmpwalk -On" text -> varbinds, and -> a mapping (vx_snmpwalk_map);
 * the column OIDs of a table (vx_oid_columns).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "model.h"
#include "snmpwalk_text.h"
#include "testutil.h"

#define MAXVB 16

struct got {
	size_t			n;
	char			oid[MAXVB][128];
	enum vx_vb_type		type[MAXVB];
	int64_t			i[MAXVB];
	uint64_t		u[MAXVB];
	unsigned char		s[MAXVB][64];
	size_t			slen[MAXVB];
};

static int
collect(void *arg, const struct vx_varbind *vb, struct vx_err *err)
{
	struct got	*g = arg;
	size_t		 k = g->n++;
	int		 off = 0;

	(void)err;
	if (k >= MAXVB)
		return 0;
	for (size_t i = 0; i < vb->oid_len; i++)
		off += snprintf(g->oid[k] + off, sizeof(g->oid[k]) - (size_t)off,
		    ".%u", vb->oid[i]);
	g->type[k] = vb->type;
	g->i[k] = vb->v.i;
	g->u[k] = vb->v.u;
	if (vb->type == VX_VB_OCTETS || vb->type == VX_VB_IPADDR ||
	    vb->type == VX_VB_OBJID) {
		g->slen[k] = vb->v.s.len < 64 ? vb->v.s.len : 64;
		memcpy(g->s[k], vb->v.s.p, g->slen[k]);
	}
	return 0;
}

static int
parse(const char *text, struct got *g, struct vx_err *err)
{
	memset(g, 0, sizeof(*g));
	vx_err_clear(err);
	return vx_snmpwalk_parse(text, strlen(text), collect, g, err);
}

static void
test_types(void **state)
{
	static const char text[] =
	    ".1.3.6.1.4.1.9.9.171.1.3.2.1.2.11 = INTEGER: 27\n"
	    ".1.3.6.1.4.1.9.9.171.1.3.2.1.3.11 = INTEGER: false(2)\n"
	    ".1.3.6.1.4.1.9.9.171.1.3.2.1.26.11 = Counter32: 4294967295\n"
	    ".1.3.6.1.4.1.9.9.171.1.3.2.1.27.11 = Counter64: 18446744073709551615\n"
	    ".1.3.6.1.4.1.9.9.171.1.3.1.1.0 = Gauge32: 7\n"
	    ".1.3.6.1.2.1.1.3.0 = Timeticks: (123456) 0:20:34.56\n"
	    ".1.3.6.1.4.1.9.9.171.1.3.2.1.5.11 = Hex-STRING: 3E 1C 48 39 \n"
	    ".1.3.6.1.2.1.4.20.1.1.10.0.0.1 = IpAddress: 10.0.0.1\n"
	    ".1.3.6.1.2.1.1.1.0 = STRING: \"Cisco \\\"ASA\\\"\"\n"
	    ".1.3.6.1.2.1.1.2.0 = OID: .1.3.6.1.4.1.9.1.2313\n"
	    ".1.3.6.1.2.1.1.4.0 = \"\"\n";
	struct got	g;
	struct vx_err	err;

	(void)state;
	assert_int_equal(parse(text, &g, &err), 0);
	assert_int_equal(g.n, 11);
	assert_string_equal(g.oid[0], ".1.3.6.1.4.1.9.9.171.1.3.2.1.2.11");
	assert_int_equal(g.type[0], VX_VB_INTEGER);
	assert_int_equal(g.i[0], 27);
	assert_int_equal(g.type[1], VX_VB_INTEGER);
	assert_int_equal(g.i[1], 2);
	assert_int_equal(g.type[2], VX_VB_COUNTER32);
	assert_true(g.u[2] == 4294967295ULL);
	assert_int_equal(g.type[3], VX_VB_COUNTER64);
	assert_true(g.u[3] == UINT64_MAX);
	assert_int_equal(g.type[4], VX_VB_GAUGE32);
	assert_int_equal(g.u[4], 7);
	assert_int_equal(g.type[5], VX_VB_TIMETICKS);
	assert_int_equal(g.u[5], 123456);
	assert_int_equal(g.type[6], VX_VB_OCTETS);
	assert_int_equal(g.slen[6], 4);
	assert_memory_equal(g.s[6], "\x3e\x1c\x48\x39", 4);
	assert_int_equal(g.type[7], VX_VB_IPADDR);
	assert_memory_equal(g.s[7], "\x0a\x00\x00\x01", 4);
	assert_int_equal(g.type[8], VX_VB_OCTETS);
	assert_int_equal(g.slen[8], 11);
	assert_memory_equal(g.s[8], "Cisco \"ASA\"", 11);
	assert_int_equal(g.type[9], VX_VB_OBJID);
	assert_int_equal(g.type[10], VX_VB_OCTETS);
	assert_int_equal(g.slen[10], 0);
}

static void
test_multiline_values(void **state)
{
	/* net-snmp wraps long Hex-STRINGs and keeps newlines in STRINGs. */
	static const char text[] =
	    ".1.3.6.1.2.1.1.5.0 = Hex-STRING: 00 01 02 03 04 05 06 07 08 09 0A "
	    "0B 0C 0D 0E 0F \n10 11 \n"
	    ".1.3.6.1.2.1.1.1.0 = STRING: \"line one\nline two\"\r\n"
	    ".1.3.6.1.2.1.1.6.0 = INTEGER: 5";
	struct got	g;
	struct vx_err	err;

	(void)state;
	assert_int_equal(parse(text, &g, &err), 0);
	assert_int_equal(g.n, 3);
	assert_int_equal(g.slen[0], 18);
	assert_int_equal(g.s[0][17], 0x11);
	assert_int_equal(g.slen[1], 17);
	assert_memory_equal(g.s[1], "line one\nline two", 17);
	assert_int_equal(g.i[2], 5);
}

static void
test_skips_exceptions(void **state)
{
	static const char text[] =
	    ".1.3.6.1.4.1.9.9.171.1.2.1.1.0 = No Such Object available on this "
	    "agent at this OID\n"
	    ".1.3.6.1.4.1.9.9.171.1.3.1.1.0 = Gauge32: 3\n"
	    ".1.3.6.1.4.1.9.9.171.1.3.1.2.0 = No more variables left in this "
	    "MIB View (It is past the end of the MIB tree)\n";
	struct got	g;
	struct vx_err	err;

	(void)state;
	assert_int_equal(parse(text, &g, &err), 0);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.u[0], 3);
}

static void
test_errors(void **state)
{
	static const struct {
		const char	*text;
		int		 rc;
		const char	*msg;
	} cases[] = {
		{ "", -VX_E_PARSE, "no varbinds" },
		{ "\n\n", -VX_E_PARSE, "no varbinds" },
		{ "hello world\n", -VX_E_PARSE, "line 1: not 'snmpwalk -On'" },
		{ ".1.3.6 = INTEGER: 1\ngarbage = here\n", -VX_E_PARSE,
		    "line 2: not 'snmpwalk -On'" },
		{ "Timeout: No Response from 10.0.0.1\n", -VX_E_PROTOCOL,
		    "snmpwalk reported: Timeout" },
		{ ".1.3.6 = INTEGER: x\n", -VX_E_PARSE, "line 1: bad INTEGER" },
		{ ".1.3.6 = Counter32: 4294967296\n", -VX_E_PARSE,
		    "bad Counter32" },
		{ ".1.3.6 = Counter64: 18446744073709551616\n", -VX_E_PARSE,
		    "bad Counter64" },
		{ ".1.3.6 = Hex-STRING: 0G\n", -VX_E_PARSE, "bad Hex-STRING" },
		{ ".1.3.6 = IpAddress: 1.2.3\n", -VX_E_PARSE, "bad IpAddress" },
		{ ".1.3.6 = IpAddress: 1.2.3.256\n", -VX_E_PARSE,
		    "bad IpAddress" },
		{ ".1.3.6 = Opaque: 1\n", -VX_E_PARSE, "unknown value type" },
		{ ".1.3.6 = Timeticks: 12\n", -VX_E_PARSE, "bad Timeticks" },
		{ "cipSecTunInOctets.11 = 259\n", -VX_E_PARSE, "line 1" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct got	g;
		struct vx_err	err;
		int		rc = parse(cases[i].text, &g, &err);

		if (rc != cases[i].rc || strstr(err.msg, cases[i].msg) == NULL)
			fail_msg("case %zu: rc %d msg '%s', want %d '%s'", i, rc,
			    err.msg, cases[i].rc, cases[i].msg);
	}
}

static void
test_recorded_walk(void **state)
{
	struct vx_strbuf	sb;
	struct got		g;
	struct vx_err		err;

	(void)state;
	/*
	 * Real "snmpbulkwalk -On" output against the recorded agent data: 73
	 * varbinds, then seven endOfMibView lines the agent sent at the end
	 * of the bulk walk, which carry no value.
	 */
	vxt_read_fixture("cisco_asa/snmpwalk_On_librenms12393.txt", &sb);
	memset(&g, 0, sizeof(g));
	assert_int_equal(vx_snmpwalk_parse(sb.buf, sb.len, collect, &g, &err),
	    0);
	assert_int_equal(g.n, 73);
	assert_string_equal(g.oid[0], ".1.3.6.1.4.1.9.9.171.1.3.2.1.2.11");
	assert_int_equal(g.i[0], 27);
	vx_strbuf_release(&sb);
}

/* A mapping that counts what it is given and what is called. */
struct counting_map {
	size_t	varbinds;
};

static int			 maps_made, maps_freed, fail_create;
static size_t			 finished_with;	/* varbinds; 0: not finished */
static struct vx_snapshot	*finished_into;

static void *
counting_create(void)
{
	if (fail_create)
		return NULL;
	maps_made++;
	return calloc(1, sizeof(struct counting_map));
}

static int
counting_add(void *arg, const struct vx_varbind *vb, struct vx_err *err)
{
	struct counting_map *m = arg;

	(void)vb;
	(void)err;
	m->varbinds++;
	return 0;
}

static int
counting_finish(void *arg, struct vx_snapshot *snap, struct vx_err *err)
{
	struct counting_map *m = arg;

	(void)err;
	finished_with = m->varbinds;
	finished_into = snap;
	return 0;
}

static void
counting_free(void *m)
{
	maps_freed++;
	free(m);
}

static const struct vx_snmp_mapper counting_mapper = {
	counting_create, counting_add, counting_finish, counting_free,
};

/*
 * Every varbind reaches the mapping, which is finished into the snapshot
 * and freed; on bad text it is freed unfinished; no mapping, no parse.
 */
static void
test_map(void **state)
{
	static const char text[] =
	    ".1.3.6.1.2.1.1.3.0 = Timeticks: (12) 0:00:00.12\n"
	    ".1.3.6.1.2.1.1.5.0 = STRING: \"asa-1\"\n";
	struct vx_snapshot	*s = vx_snapshot_new("t");
	struct vx_err		 err;

	(void)state;
	assert_non_null(s);
	assert_int_equal(vx_snmpwalk_map(text, strlen(text), &counting_mapper,
	    s, &err), 0);
	assert_int_equal(finished_with, 2);
	assert_ptr_equal(finished_into, s);
	assert_int_equal(maps_made, 1);
	assert_int_equal(maps_freed, 1);

	finished_with = 0;
	assert_int_equal(vx_snmpwalk_map("garbage\n", 8, &counting_mapper, s,
	    &err), -VX_E_PARSE);
	assert_int_equal(finished_with, 0);
	assert_int_equal(maps_made, 2);
	assert_int_equal(maps_freed, 2);

	fail_create = 1;
	assert_int_equal(vx_snmpwalk_map(text, strlen(text), &counting_mapper,
	    s, &err), -VX_E_NOMEM);
	assert_int_equal(finished_with, 0);
	assert_int_equal(maps_freed, 2);
	fail_create = 0;
	vx_snapshot_unref(s);
}

static void
test_oid_columns(void **state)
{
	static const uint32_t entry[] = { 1, 3, 6, 1, 4, 1, 9, 9, 171 };
	static const uint32_t cols[] = { 4, 50, 7 };
	struct vx_oid	oids[3];

	(void)state;
	vx_oid_columns(oids, entry, 9, cols, 3);
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(oids[i].len, 10);
		assert_memory_equal(oids[i].sub, entry, sizeof(entry));
		assert_int_equal(oids[i].sub[9], cols[i]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_multiline_values),
		cmocka_unit_test(test_skips_exceptions),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_recorded_walk),
		cmocka_unit_test(test_map),
		cmocka_unit_test(test_oid_columns),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
