/*
 * The ScreenOS readers and mappings on tests/fixtures/screenos (public
 * samples and derived output, see SOURCES.md): "get sa" in the padding of
 * two releases and a layout found by its header, every Sta form (A/-,
 * A/U, A/D, I/I), SPIs 00000000, "expir" and "unlim", the id and
 * direction as one word or two; "get sa stat" counters (32 bits wide, one
 * part per SA id, the inbound SPI as generation) carried across a rekey
 * by the core; "get sa id N"; the nsVpnMonTable walk (negative SPIs, -1
 * lifetimes, the VPN monitor); malformed output failing with its line;
 * every truncated prefix of each fixture; the offline command lookup.
 */
#include "test_parse.h"

#include "history.h"
#include "registry.h"
#include "screenos.h"

#define FIX(f)	"screenos/" f

static void
dev(const struct vx_snapshot *s, enum vx_dev_val v, uint64_t want)
{
	uint64_t got;

	if (!vx_snapshot_get_dev(s, v, &got))
		PT_FAIL("%s absent, want %" PRIu64, vx_dev_val_name(v), want);
	pt_u64(got, want, vx_dev_val_name(v));
}

/* The AWS sample: two tunnels, A/-, wide padding, a prompt line. */
static void
test_get_sa_aws(void **state)
{
	struct vx_snapshot	*s = pt_ok(screenos_parse_sa,
	    FIX("get_sa_ssg5_two_tunnels_active_aws_doc.txt"));
	struct vx_tunnel	*t = pt_tunnel(s, "2", "72.21.209.225");

	(void)state;
	pt_u64(s->ntunnels, 2, "tunnels");
	pt_state(t, true, VX_TUN_ACTIVE, 3385);
	pt_u64(t->nsas, 1, "SAs");
	pt_sa(t, "0x80041ca4", "0x8cdd274a", VX_SA_ACTIVE);
	pt_u64(t->life_kb_set, 0, "unlim kb");
	pt_str(t->attr[VX_TA_MONITOR], "off", "monitor");
	pt_str(t->attr[VX_TA_NAT_T], "false", "nat_t");
	t = pt_tunnel(s, "1", "72.21.209.193");
	pt_state(t, true, VX_TUN_ACTIVE, 3580);
	pt_sa(t, "0xecf0bec7", "0x14bf7894", VX_SA_ACTIVE);
	dev(s, VX_DV_IPSEC_ACTIVE_TUNNELS, 2);
	vx_snapshot_unref(s);
}

/* The Zscaler sample's other padding, "Total active sa", A/U. */
static void
test_get_sa_active_zscaler(void **state)
{
	struct vx_snapshot	*s = pt_ok(screenos_parse_sa,
	    FIX("get_sa_active_ssg5.txt"));
	struct vx_tunnel	*t = pt_tunnel(s, "21", "10.10.104.235");
	struct screenos_sa_rows	 rows;
	struct vx_strbuf	 in;
	struct vx_err		 err;

	(void)state;
	pt_u64(s->ntunnels, 1, "tunnels");
	pt_state(t, true, VX_TUN_ACTIVE, 2048);
	pt_sa(t, "0x33511797", "0x008a8a67", VX_SA_ACTIVE);
	pt_str(t->attr[VX_TA_MONITOR], "up", "monitor");
	vx_snapshot_unref(s);

	vxt_read_fixture(FIX("get_sa_active_ssg5.txt"), &in);
	assert_int_equal(screenos_read_sa(in.buf, in.len, &rows, &err), 0);
	pt_u64(rows.n, 2, "rows");
	pt_u64((uint64_t)rows.total_active, 1, "Total active sa");
	pt_u64((uint64_t)rows.total_configured, 2, "total configured sa");
	pt_u64(rows.v[0].id, 0x15, "id");
	pt_u64((uint64_t)rows.v[1].dir, '>', "direction");
	pt_u64(rows.v[1].port, 500, "port");
	screenos_sa_rows_release(&rows);
	vx_strbuf_release(&in);
}

/* A/D is down and says why; I/I is down with no SA; NAT-T; kb. */
static void
test_get_sa_states(void **state)
{
	struct vx_snapshot	*s = pt_ok(screenos_parse_sa,
	    FIX("get_sa_states_derived.txt"));
	struct vx_tunnel	*t;

	(void)state;
	pt_u64(s->ntunnels, 4, "tunnels");
	t = pt_tunnel(s, "22", "192.0.2.14");
	pt_state(t, false, VX_TUN_INACTIVE, -1);
	pt_u64(t->nsas, 0, "SAs of I/I (SPI 00000000: no SA)");
	pt_str(t->attr[VX_TA_MONITOR], NULL, "monitor of I/I");
	t = pt_tunnel(s, "21", "192.0.2.13");
	pt_state(t, false, VX_TUN_INACTIVE, 900);
	pt_sa(t, "0xecf0bec7", "0x14bf7894", VX_SA_ACTIVE);
	pt_str(t->attr[VX_TA_MONITOR], "down", "monitor of A/D");
	t = pt_tunnel(s, "2", "192.0.2.12");
	pt_state(t, true, VX_TUN_ACTIVE, 2048);
	pt_u64(t->life_kb_set, 1, "kb set");
	pt_u64((uint64_t)t->life_kb, 4096, "kb");
	pt_str(t->attr[VX_TA_NAT_T], "true", "nat_t");
	pt_str(t->attr[VX_TA_MONITOR], "up", "monitor");
	/* "00000001 <": the id and the direction as two words. */
	t = pt_tunnel(s, "1", "192.0.2.11");
	pt_state(t, true, VX_TUN_ACTIVE, 3385);
	pt_sa(t, "0x80041ca4", "0x8cdd274a", VX_SA_ACTIVE);
	/* Active SAs: A/D counts (the SA is there), I/I does not. */
	dev(s, VX_DV_IPSEC_ACTIVE_TUNNELS, 3);
	vx_snapshot_unref(s);

	/* Words found by the header: no Port, PID or vsys column. */
	s = pt_ok(screenos_parse_sa, FIX("get_sa_no_port_column_derived.txt"));
	t = pt_tunnel(s, "3", "203.0.113.5");
	pt_state(t, true, VX_TUN_ACTIVE, 120);
	pt_sa(t, "0x0a0b0c0d", "0x0d0c0b0a", VX_SA_ACTIVE);
	pt_u64((uint64_t)t->life_kb, 500, "kb");
	pt_str(t->attr[VX_TA_NAT_T], NULL, "nat_t without a port");
	vx_snapshot_unref(s);
}

static const char *
names(void *arg, uint32_t id, const char *gateway)
{
	(void)arg;
	(void)gateway;
	return id == 0x15 ? "vpn-81" : NULL;
}

/* "get sa stat" alone, and with "get sa" and VPN names. */
static void
test_get_sa_stat(void **state)
{
	struct vx_snapshot		*s = pt_ok(screenos_parse_stat,
	    FIX("get_sa_stat_ssg5.txt"));
	struct vx_tunnel		*t = pt_tunnel(s, "21", "10.10.104.235");
	struct vx_part			*p;
	struct screenos_sa_rows		 sa;
	struct screenos_stat_rows	 st;
	struct vx_strbuf		 a, b;
	struct vx_err			 err;

	(void)state;
	pt_u64(s->ntunnels, 2, "tunnels");
	pt_ctr(t, VX_TC_BYTES_IN, 345976469);
	pt_ctr(t, VX_TC_BYTES_OUT, 32472216);
	pt_ctr(t, VX_TC_ERR_AUTH, 0);
	pt_ctr(t, VX_TC_ERR_DROP_IN, 0);
	pt_ctr(t, VX_TC_PKTS_IN, UINT64_MAX);
	p = vx_tunnel_find_part(t, VX_PART_INDEX(0x15));
	assert_non_null(p);
	/* 32 bits wide: the core unwraps them. */
	assert_true(p->ctr_32bit & (1u << VX_TC_BYTES_IN));
	pt_u64(p->gen, 0, "no generation without get sa");
	vx_snapshot_unref(s);

	/* With "get sa": the SA id's inbound SPI is the generation; a stat
	 * row of an id "get sa" did not list is left out. */
	vxt_read_fixture(FIX("get_sa_active_ssg5.txt"), &a);
	vxt_read_fixture(FIX("get_sa_stat_ssg5.txt"), &b);
	assert_int_equal(screenos_read_sa(a.buf, a.len, &sa, &err), 0);
	assert_int_equal(screenos_read_stat(b.buf, b.len, &st, &err), 0);
	s = vx_snapshot_new("t");
	assert_int_equal(screenos_build(s, &sa, &st, names, NULL, &err), 0);
	pt_u64(s->ntunnels, 1, "tunnels");
	t = pt_tunnel(s, "vpn-81", "10.10.104.235");
	pt_ctr(t, VX_TC_BYTES_IN, 345976469);
	p = vx_tunnel_find_part(t, VX_PART_INDEX(0x15));
	assert_non_null(p);
	pt_u64(p->gen, 0x33511797, "generation");
	vx_snapshot_unref(s);
	screenos_sa_rows_release(&sa);
	screenos_stat_rows_release(&st);
	vx_strbuf_release(&a);
	vx_strbuf_release(&b);
}

/* One poll of "get sa" + "get sa stat" text through the core's history. */
static uint64_t
poll_bytes(struct vx_history *h, const char *sa_text, const char *stat_text,
    int64_t now)
{
	struct vx_history_opts		 opts = { .forget_after_ms = 3600000 };
	struct screenos_sa_rows		 sa;
	struct screenos_stat_rows	 st;
	struct vx_snapshot		*s = vx_snapshot_new("t");
	struct vx_err			 err;
	struct vx_tunnel		*t;
	uint64_t			 v = 0;

	assert_int_equal(screenos_read_sa(sa_text, strlen(sa_text), &sa,
	    &err), 0);
	assert_int_equal(screenos_read_stat(stat_text, strlen(stat_text), &st,
	    &err), 0);
	assert_int_equal(screenos_build(s, &sa, &st, NULL, NULL, &err), 0);
	s->complete = true;
	s->tun_ctr_known = ~0u;
	assert_int_equal(vx_history_apply(h, s, &opts, now), 0);
	t = vx_snapshot_find_tunnel(s, "7", "192.0.2.7");
	assert_non_null(t);
	assert_true(vx_tunnel_get(t, VX_TC_BYTES_IN, &v));
	screenos_sa_rows_release(&sa);
	screenos_stat_rows_release(&st);
	vx_snapshot_unref(s);
	return v;
}

/*
 * A rekey restarts the SA id's counters (new SPI: new generation): the
 * tunnel's total goes on from where it was.  A 32-bit wrap is unwrapped.
 * A fall under the same SPI is a reset by the device and passes through.
 */
static void
test_rekey_and_wrap_carried(void **state)
{
#define SA(spi) "00000007< 192.0.2.7 500 esp:a128/sha1 " spi " 3000 unlim A/- -1 0\n" \
	"00000007> 192.0.2.7 500 esp:a128/sha1 0000abcd 3000 unlim A/- -1 0\n"
#define ST(n) "HEX ID Gateway Fragment Auth-Fail Other Totalbytes\n" \
	"00000007< 192.0.2.7 0 0 0 " n "\n00000007> 192.0.2.7 0 0 0 1\n"
	struct vx_history *h = vx_history_new();

	(void)state;
	assert_non_null(h);
	pt_case("rekey");
	pt_u64(poll_bytes(h, SA("11111111"), ST("5000"), 0), 5000, "first");
	pt_u64(poll_bytes(h, SA("22222222"), ST("100"), 1000), 5100,
	    "after rekey");
	pt_u64(poll_bytes(h, SA("22222222"), ST("4294967000"), 2000),
	    5000 + 4294967000ull, "near the top");
	pt_u64(poll_bytes(h, SA("22222222"), ST("200"), 3000),
	    5000 + 4294967296ull + 200, "wrapped");
	vx_history_free(h);
#undef SA
#undef ST
}

static void
test_get_sa_id(void **state)
{
	struct vx_snapshot		*s = pt_ok(screenos_parse_sa_id,
	    FIX("get_sa_id_21_active_ssg5.txt"));
	struct vx_tunnel		*t = pt_tunnel(s, "vpn-81",
					    "10.10.104.235");
	struct screenos_sa_detail	 d;
	struct vx_strbuf		 in;
	struct vx_err			 err;

	(void)state;
	pt_state(t, true, VX_TUN_ACTIVE, 3537);
	pt_sa(t, "0x33511799", "0x01c2e484", VX_SA_ACTIVE);
	/* "0 kb, 0 bytes remain": no volume lifetime. */
	pt_u64(t->life_kb_set, 0, "kb");
	vx_snapshot_unref(s);

	vxt_read_fixture(FIX("get_sa_id_21_active_ssg5.txt"), &in);
	assert_int_equal(screenos_read_sa_id(in.buf, in.len, &d, &err), 0);
	pt_u64(d.id, 21, "tunnel id");
	pt_u64(d.mon, 1, "monitor");
	pt_u64((uint64_t)d.life_out_s, 3537, "outgoing remain");
	pt_u64((uint64_t)d.bytes_in_left, (uint64_t)-1, "no byte limit");
	vx_strbuf_release(&in);

	/* A volume lifetime, an inactive SA, a name with blanks. */
	PT_ERR_STR(screenos_parse_sa_id, "no index line",
	    "incoming: SPI 1, flag 0\n", VX_E_PARSE, "line 1: not 'get sa id'");
	{
		static const char txt[] =
		    "index 3, name to branch 7, peer gateway ip 192.0.2.9. "
		    "vsys<Root>\nautokey, IN active, OUT active\n"
		    "incoming: SPI 0000beef, flag 0\n"
		    "life 3600 sec, 100 remain, 4096 kb, 2048000 bytes remain\n"
		    "outgoing: SPI 0000cafe, flag 0\n"
		    "life 3600 sec, 90 remain, 4096 kb, 4096000 bytes remain\n";
		struct vx_snapshot *s2 = vx_snapshot_new("t");

		pt_case("volume lifetime");
		assert_int_equal(screenos_parse_sa_id(txt, sizeof(txt) - 1, s2,
		    &err), 0);
		t = pt_tunnel(s2, "to branch 7", "192.0.2.9");
		pt_state(t, true, VX_TUN_ACTIVE, 90);
		pt_u64((uint64_t)t->life_kb, 2000, "kb left");
		vx_snapshot_unref(s2);
	}
}

static void
test_snmpwalk(void **state)
{
	struct vx_snapshot	*s = pt_ok(screenos_parse_snmpwalk,
	    FIX("snmpwalk_On_nsVpnMonTable_derived.txt"));
	struct vx_tunnel	*t;
	struct vx_ike_sa	*ike;
	struct vx_part		*p;

	(void)state;
	pt_u64(s->ntunnels, 3, "tunnels (I/I has no row)");
	t = pt_tunnel(s, "vpn-fra1", "192.0.2.11");
	pt_state(t, true, VX_TUN_ACTIVE, 3385);
	/* Negative Integer32 SPIs are their 32 bits. */
	pt_sa(t, "0x80041ca4", "0x8cdd274a", VX_SA_ACTIVE);
	pt_u64(t->life_kb_set, 0, "P2LifeBytes -1: left out");
	pt_ctr(t, VX_TC_BYTES_IN, 345976469);
	pt_ctr(t, VX_TC_PKTS_IN, 10 + 4242);
	p = vx_tunnel_find_part(t, VX_PART_INDEX(1));
	assert_non_null(p);
	assert_true(p->ctr_32bit & (1u << VX_TC_BYTES_IN));
	pt_u64(p->gen, 0x80041ca4, "generation");
	pt_str(t->attr[VX_TA_MONITOR], "off", "monitor");
	pt_str(t->attr[VX_TA_LOCAL_ADDR], "198.51.100.1", "local");
	t = pt_tunnel(s, "vpn-ams1", "192.0.2.12");
	pt_u64((uint64_t)t->life_kb, 4096, "kb from bytes");
	pt_str(t->attr[VX_TA_MONITOR], "up", "monitor");
	t = pt_tunnel(s, "vpn-par1", "192.0.2.13");
	pt_state(t, false, VX_TUN_INACTIVE, 900);
	pt_str(t->attr[VX_TA_MONITOR], "down", "monitor");
	pt_sa(t, "0xecf0bec7", "0x14bf7894", VX_SA_ACTIVE);
	ike = vx_snapshot_find_ike_sa(s, "192.0.2.11");
	assert_non_null(ike);
	assert_true(ike->up);
	pt_u64((uint64_t)ike->life_s, 28000, "P1 lifetime");
	assert_true(s->ike_known);
	dev(s, VX_DV_IPSEC_ACTIVE_TUNNELS, 3);
	dev(s, VX_DV_IKE_ACTIVE_TUNNELS, 3);
	vx_snapshot_unref(s);
}

/* Varbinds one by one: a name missing, P1 inactive, an SPI of 0. */
static void
test_snmp_map_edges(void **state)
{
	static const char walk[] =
	    ".1.3.6.1.4.1.3224.4.1.1.1.13.7 = IpAddress: 192.0.2.50\n"
	    ".1.3.6.1.4.1.3224.4.1.1.1.17.7 = INTEGER: 0\n"
	    ".1.3.6.1.4.1.3224.4.1.1.1.18.7 = INTEGER: -1\n"
	    ".1.3.6.1.4.1.3224.4.1.1.1.21.7 = INTEGER: 0\n"
	    ".1.3.6.1.4.1.3224.4.1.1.1.23.7 = INTEGER: 1\n"
	    ".1.3.6.1.4.1.3224.4.1.1.1.24.7 = INTEGER: -1\n"
	    ".1.3.6.1.4.1.3224.4.1.1.1.29.7 = INTEGER: 42\n"
	    ".1.3.6.1.4.1.3224.4.1.1.1.35.7 = Counter32: 4294967295\n"
	    ".1.3.6.1.4.1.3224.4.1.1.1.13.8 = IpAddress: 0.0.0.0\n";
	struct vx_snapshot	*s = vx_snapshot_new("t");
	struct vx_tunnel	*t;
	struct vx_ike_sa	*ike;
	struct vx_err		 err;

	(void)state;
	pt_case("snmp edges");
	assert_int_equal(screenos_parse_snmpwalk(walk, sizeof(walk) - 1, s,
	    &err), 0);
	pt_u64(s->ntunnels, 1, "tunnels (0.0.0.0: no peer)");
	t = pt_tunnel(s, "42", "192.0.2.50");
	pt_state(t, true, VX_TUN_ACTIVE, -1);
	pt_sa(t, "0xffffffff", NULL, VX_SA_ACTIVE);
	pt_ctr(t, VX_TC_BYTES_IN, 4294967295u);
	ike = vx_snapshot_find_ike_sa(s, "192.0.2.50");
	assert_non_null(ike);
	assert_false(ike->up);
	pt_u64(ike->state, VX_IKE_DOWN, "P1 inactive");
	vx_snapshot_unref(s);
}

static void
test_errors(void **state)
{
	(void)state;
	PT_ERR_STR(screenos_parse_sa, "empty", "\n \nssg-> \n", VX_E_PARSE,
	    "empty output");
	PT_ERR_STR(screenos_parse_sa, "garbage", "total configured sa: 1\n"
	    "hello world\n", VX_E_PARSE, "line 2: not a 'get sa' row");
	PT_ERR_STR(screenos_parse_sa, "bad sta", "00000001< 192.0.2.1 500 "
	    "esp:a128/sha1 0000abcd 100 unlim X/Y -1 0\n", VX_E_PARSE,
	    "line 1: unknown Sta");
	PT_ERR_STR(screenos_parse_sa, "bad spi", "00000001< 192.0.2.1 500 "
	    "esp:a128/sha1 zzzzzzzz 100 unlim A/- -1 0\n", VX_E_PARSE,
	    "line 1: bad SPI");
	PT_ERR_STR(screenos_parse_sa, "short", "00000001< 192.0.2.1 500\n",
	    VX_E_PARSE, "line 1: row too short");
	PT_ERR_STR(screenos_parse_sa, "bad life", "00000001< 192.0.2.1 500 "
	    "esp:a128/sha1 0000abcd soon unlim A/- -1 0\n", VX_E_PARSE,
	    "line 1: bad lifetime");
	PT_ERR_STR(screenos_parse_sa, "header", "HEX ID Gateway Port\n",
	    VX_E_PARSE, "line 1: header lacks");
	PT_ERR_STR(screenos_parse_sa, "refused", "        ^-------unknown "
	    "keyword foo\n", VX_E_PARSE, "line 1: not a 'get sa' row");
	PT_ERR_STR(screenos_parse_stat, "stat garbage", "HEX ID Gateway "
	    "Fragment Auth-Fail Other Totalbytes\n00000001< 192.0.2.1 0 0 x 1\n",
	    VX_E_PARSE, "line 2: bad counter");
	PT_ERR_STR(screenos_parse_stat, "stat empty", "", VX_E_PARSE,
	    "empty output");
	PT_ERR_STR(screenos_parse_sa_id, "id empty", "ssg-> get sa id 1\n",
	    VX_E_PARSE, "empty output");
}

static void
test_prefixes(void **state)
{
	(void)state;
	pt_prefixes(screenos_parse_sa,
	    FIX("get_sa_ssg5_two_tunnels_active_aws_doc.txt"), 0);
	pt_prefixes(screenos_parse_sa, FIX("get_sa_active_ssg5.txt"), 0);
	pt_prefixes(screenos_parse_sa, FIX("get_sa_states_derived.txt"), 0);
	pt_prefixes(screenos_parse_stat, FIX("get_sa_stat_ssg5.txt"), 0);
	pt_prefixes(screenos_parse_sa_id, FIX("get_sa_id_21_active_ssg5.txt"),
	    0);
}

static void
test_registry(void **state)
{
	static const struct {
		const char	*cmd;
		vx_parse_fn	 fn;
	} cases[] = {
		{ "get sa", screenos_parse_sa },
		{ "get sa active", screenos_parse_sa },
		{ "get sa stat", screenos_parse_stat },
		{ "get sa id 21", screenos_parse_sa_id },
		{ "get sa id 0x15", screenos_parse_sa_id },
		{ "snmpwalk", screenos_parse_snmpwalk },
	};

	(void)state;
	for (size_t i = 0; i < PT_NELEM(cases); i++) {
		const struct vx_parser *p = vx_parser_find("screenos",
		    cases[i].cmd);

		pt_case(cases[i].cmd);
		if (p == NULL || p->parse != cases[i].fn)
			PT_FAIL("wrong parser");
	}
	assert_null(vx_parser_find("screenos", "get sa id"));
	assert_non_null(vx_collector_find("screenos_ssh"));
	assert_non_null(vx_collector_find("screenos_snmp"));
	assert_true(vx_vendor_known("screenos"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_get_sa_aws),
		cmocka_unit_test(test_get_sa_active_zscaler),
		cmocka_unit_test(test_get_sa_states),
		cmocka_unit_test(test_get_sa_stat),
		cmocka_unit_test(test_rekey_and_wrap_carried),
		cmocka_unit_test(test_get_sa_id),
		cmocka_unit_test(test_snmpwalk),
		cmocka_unit_test(test_snmp_map_edges),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_registry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
