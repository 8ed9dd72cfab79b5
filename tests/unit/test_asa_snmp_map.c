/*
 * The CISCO-IPSEC-FLOW-MONITOR-MIB mapping, fed recorded and hand-built
 * "snmpwalk -On" text through the same pure path the offline parser uses.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "asa.h"
#include "render.h"
#include "testutil.h"

#define T	".1.3.6.1.4.1.9.9.171.1.3.2.1."
#define S	".1.3.6.1.4.1.9.9.171.1.3.4.1."
#define K	".1.3.6.1.4.1.9.9.171.1.2.3.1."

/* Two phase-2 rows for one peer, one for another, a row with no peer. */
static const char walk[] =
    ".1.3.6.1.4.1.9.9.171.1.2.1.1.0 = Gauge32: 2\n"
    ".1.3.6.1.4.1.9.9.171.1.3.1.1.0 = Gauge32: 3\n"
    ".1.3.6.1.4.1.9.9.171.1.3.1.29.0 = Counter32: 42\n"
    ".1.3.6.1.4.1.9.9.392.1.3.29.0 = Gauge32: 2\n"
    ".1.3.6.1.4.1.9.9.392.1.3.30.0 = Counter32: 17\n"
    T "4.5 = Hex-STRING: C0 00 02 01 \n"
    T "4.6 = Hex-STRING: C0 00 02 01 \n"
    T "5.5 = Hex-STRING: C6 33 64 07 \n"
    T "5.6 = Hex-STRING: C6 33 64 07 \n"
    T "5.9 = Hex-STRING: CB 00 71 05 \n"
    T "8.5 = INTEGER: 4608000\n"
    T "9.5 = INTEGER: 28800\n"
    T "9.6 = INTEGER: 28800\n"
    T "9.9 = INTEGER: 3600\n"
    T "10.5 = INTEGER: 100000\n"
    T "10.6 = INTEGER: 2000000\n"
    T "10.9 = INTEGER: 36000\n"
    T "26.9 = Counter32: 10\n"
    T "27.5 = Counter64: 1000\n"
    T "27.6 = Counter64: 4294967301\n"
    T "28.9 = Counter32: 1\n"
    T "32.5 = Counter32: 10\n"
    T "32.6 = Counter32: 20\n"
    T "32.12 = Counter32: 99\n"
    T "33.5 = Counter32: 1\n"
    T "34.6 = Counter32: 2\n"
    T "36.5 = Counter32: 3\n"
    T "38.6 = Counter32: 4\n"
    T "39.9 = Counter32: 20\n"
    T "40.5 = Counter64: 2000\n"
    T "40.6 = Counter64: 3000\n"
    T "45.5 = Counter32: 30\n"
    T "45.6 = Counter32: 40\n"
    T "46.5 = Counter32: 5\n"
    T "48.6 = Counter32: 6\n"
    T "50.5 = Counter32: 7\n"
    T "51.5 = INTEGER: 1\n"
    S "2.5.1 = INTEGER: 1\n" S "3.5.1 = Gauge32: 43981\n"
    S "4.5.1 = INTEGER: 2\n" S "5.5.1 = INTEGER: 1\n"
    S "2.5.2 = INTEGER: 2\n" S "3.5.2 = Gauge32: 3735928559\n"
    S "4.5.2 = INTEGER: 2\n" S "5.5.2 = INTEGER: 1\n"
    S "2.5.3 = INTEGER: 1\n" S "3.5.3 = Gauge32: 286331153\n"
    S "4.5.3 = INTEGER: 2\n" S "5.5.3 = INTEGER: 2\n"
    S "2.5.4 = INTEGER: 2\n" S "3.5.4 = Gauge32: 572662306\n"
    S "4.5.4 = INTEGER: 2\n" S "5.5.4 = INTEGER: 2\n"
    S "2.5.5 = INTEGER: 1\n" S "3.5.5 = Gauge32: 858993459\n"
    S "4.5.5 = INTEGER: 1\n" S "5.5.5 = INTEGER: 1\n"
    S "2.9.1 = INTEGER: 1\n" S "3.9.1 = Gauge32: 2147483649\n"
    S "4.9.1 = INTEGER: 2\n" S "5.9.1 = INTEGER: 1\n"
    K "4.1001 = Hex-STRING: C0 00 02 01 \n"
    K "7.1002 = STRING: \"vpn.example.net\"\n"
    K "8.1001 = Hex-STRING: C6 33 64 07 \n"
    K "15.1001 = INTEGER: 86400\n"
    K "16.1001 = INTEGER: 4000000\n";

static struct vx_snapshot *
parse_walk(const char *text, size_t len)
{
	struct vx_snapshot	*s = vx_snapshot_new("asa-t");
	struct vx_err		 err;

	assert_non_null(s);
	vx_err_clear(&err);
	if (asa_parse_snmpwalk(text, len, s, &err) != 0)
		fail_msg("parse failed: %s", err.msg);
	return s;
}

static uint64_t
ctr(const struct vx_tunnel *t, enum vx_tun_ctr c)
{
	uint64_t v = 0;

	if (!vx_tunnel_get(t, c, &v))
		fail_msg("counter %d not set on %s", c, t->peer);
	return v;
}

static void
test_tunnels_summed_by_peer(void **state)
{
	struct vx_snapshot	*s = parse_walk(walk, sizeof(walk) - 1);
	struct vx_tunnel	*a, *b;
	uint64_t		 v;

	(void)state;
	assert_int_equal(s->ntunnels, 2);
	a = vx_snapshot_find_tunnel(s, NULL, "198.51.100.7");
	b = vx_snapshot_find_tunnel(s, NULL, "203.0.113.5");
	assert_non_null(a);
	assert_non_null(b);
	assert_string_equal(a->name, "198.51.100.7");
	assert_true(a->up);
	assert_int_equal(ctr(a, VX_TC_PKTS_IN), 30);
	assert_int_equal(ctr(a, VX_TC_PKTS_OUT), 70);
	/* Counter64 octets, one row above 2^32. */
	assert_true(ctr(a, VX_TC_BYTES_IN) == 4294968301ULL);
	assert_int_equal(ctr(a, VX_TC_BYTES_OUT), 5000);
	assert_int_equal(ctr(a, VX_TC_ERR_DROP_IN), 1);
	assert_int_equal(ctr(a, VX_TC_ERR_REPLAY), 2);
	assert_int_equal(ctr(a, VX_TC_ERR_AUTH), 3);
	assert_int_equal(ctr(a, VX_TC_ERR_DECRYPT), 4);
	assert_int_equal(ctr(a, VX_TC_ERR_DROP_OUT), 5);
	assert_int_equal(ctr(a, VX_TC_ERR_AUTH_OUT), 6);
	assert_int_equal(ctr(a, VX_TC_ERR_ENCRYPT), 7);
	/* The soonest-expiring row: 28800 - 2000000/100. */
	assert_true(a->life_s_set);
	assert_int_equal(a->life_s, 8800);
	/* No honest kB estimate from the MIB: absent, not 0. */
	assert_false(a->life_kb_set);
	assert_string_equal(a->attr[VX_TA_LOCAL_ADDR], "192.0.2.1");

	/* No Counter64: 32-bit octets plus wraps * 2^32. */
	assert_true(ctr(b, VX_TC_BYTES_IN) == 4294967306ULL);
	assert_int_equal(ctr(b, VX_TC_BYTES_OUT), 20);
	assert_false(vx_tunnel_get(b, VX_TC_PKTS_IN, &v));
	assert_int_equal(b->life_s, 3240);
	vx_snapshot_unref(s);
}

static void
test_spi_pairs(void **state)
{
	struct vx_snapshot	*s = parse_walk(walk, sizeof(walk) - 1);
	struct vx_tunnel	*a = vx_snapshot_find_tunnel(s, NULL,
				    "198.51.100.7");
	struct vx_tunnel	*b = vx_snapshot_find_tunnel(s, NULL,
				    "203.0.113.5");

	(void)state;
	/* Active pair, then the expiring pair of the rekey overlap; AH out. */
	assert_int_equal(a->nsas, 2);
	assert_true(a->sas[0].has_in && a->sas[0].has_out);
	assert_int_equal(a->sas[0].spi_in, 0x0000abcd);
	assert_true(a->sas[0].spi_out == 0xdeadbeefu);
	assert_int_equal(a->sas[0].state, VX_SA_ACTIVE);
	assert_int_equal(a->sas[1].spi_in, 0x11111111);
	assert_int_equal(a->sas[1].spi_out, 0x22222222);
	assert_int_equal(a->sas[1].state, VX_SA_EXPIRING);
	/* An inbound SPI with no outbound partner is kept half-known. */
	assert_int_equal(b->nsas, 1);
	assert_true(b->sas[0].has_in);
	assert_false(b->sas[0].has_out);
	assert_true(b->sas[0].spi_in == 0x80000001u);
	vx_snapshot_unref(s);
}

static void
test_ike_and_scalars(void **state)
{
	struct vx_snapshot	*s = vx_snapshot_new("asa-t");
	struct vx_ike_sa	*ike;
	struct vx_err		 err;
	uint64_t		 v;

	(void)state;
	/* An SSH collector's authoritative value must survive the fallback. */
	vx_snapshot_set_dev(s, VX_DV_INVALID_SPI, 7, VX_PRIO_AUTHORITATIVE);
	assert_int_equal(asa_parse_snmpwalk(walk, sizeof(walk) - 1, s, &err),
	    0);
	assert_true(vx_snapshot_get_dev(s, VX_DV_INVALID_SPI, &v));
	assert_int_equal(v, 7);
	assert_true(vx_snapshot_get_dev(s, VX_DV_IKE_ACTIVE_TUNNELS, &v));
	assert_int_equal(v, 2);
	assert_true(vx_snapshot_get_dev(s, VX_DV_IPSEC_ACTIVE_TUNNELS, &v));
	assert_int_equal(v, 3);
	assert_true(vx_snapshot_get_dev(s, VX_DV_L2L_SESSIONS, &v));
	assert_int_equal(v, 2);
	assert_true(vx_snapshot_get_dev(s, VX_DV_L2L_SESSIONS_TOTAL, &v));
	assert_int_equal(v, 17);
	assert_true(s->ike_known);
	assert_int_equal(s->nike, 2);
	ike = vx_snapshot_find_ike_sa(s, "198.51.100.7");
	assert_non_null(ike);
	assert_true(ike->up);
	assert_true(ike->life_s_set);
	assert_int_equal(ike->life_s, 86400 - 40000);
	assert_string_equal(ike->attr[VX_IA_LOCAL_ADDR], "192.0.2.1");
	/* No address column: the peer's identity names it. */
	ike = vx_snapshot_find_ike_sa(s, "vpn.example.net");
	assert_non_null(ike);
	assert_false(ike->life_s_set);
	vx_snapshot_unref(s);

	/* Without a stronger source the NoSaFails fallback is used. */
	s = parse_walk(walk, sizeof(walk) - 1);
	assert_true(vx_snapshot_get_dev(s, VX_DV_INVALID_SPI, &v));
	assert_int_equal(v, 42);
	vx_snapshot_unref(s);
}

static void
test_recorded_librenms_walk(void **state)
{
	struct vx_strbuf	 sb;
	struct vx_snapshot	*s;
	struct vx_tunnel	*t;

	(void)state;
	/*
	 * LibreNMS #12393: seven live phase-2 rows to one peer with
	 * cipSecTunIkeTunnelAlive false on all of them; the tunnel is up all
	 * the same, and the IKE state is unknown (no cikeTunnelTable).
	 */
	vxt_read_fixture("cisco_asa/snmpwalk_On_librenms12393.txt", &sb);
	s = parse_walk(sb.buf, sb.len);
	assert_int_equal(s->ntunnels, 1);
	t = s->tunnels[0];
	assert_string_equal(t->peer, "62.28.72.57");
	assert_true(t->up);
	/* Sum of the seven rows' cipSecTunHcInOctets. */
	assert_int_equal(ctr(t, VX_TC_BYTES_IN), 25956263 + 84377867 +
	    20614314 + 11200662 + 11724 + 48426634 + 7003486);
	assert_string_equal(t->attr[VX_TA_LOCAL_ADDR], "212.90.202.34");
	assert_false(s->ike_known);
	assert_int_equal(s->nike, 0);
	vx_snapshot_unref(s);
	vx_strbuf_release(&sb);
}

static void
test_empty_device_knows_ike(void **state)
{
	static const char text[] =
	    ".1.3.6.1.4.1.9.9.171.1.3.1.1.0 = Gauge32: 0\n";
	struct vx_snapshot *s = parse_walk(text, sizeof(text) - 1);

	(void)state;
	/* No rows at all: an expected peer is then down, not unknown. */
	assert_true(s->ike_known);
	assert_int_equal(vx_snapshot_expect_peer(s, "198.51.100.7"), 0);
	assert_int_equal(s->ntunnels, 1);
	assert_false(s->tunnels[0]->up);
	assert_int_equal(s->nike, 1);
	assert_false(s->ike[0]->up);
	vx_snapshot_unref(s);
}

static void
test_rendered(void **state)
{
	struct vx_snapshot	*s = parse_walk(walk, sizeof(walk) - 1);
	struct vx_strbuf	 out;

	(void)state;
	vx_strbuf_init(&out, 4096);
	vx_render(&out, VX_FMT_TEXT, &s, 1, NULL);
	assert_non_null(strstr(out.buf, "vpn_ipsec_sa_info{device=\"asa-t\","
	    "tunnel=\"198.51.100.7\",peer=\"198.51.100.7\","
	    "spi_in=\"0x0000abcd\",spi_out=\"0xdeadbeef\",state=\"active\"} 1\n"));
	assert_non_null(strstr(out.buf, "vpn_ipsec_sa_info{device=\"asa-t\","
	    "tunnel=\"203.0.113.5\",peer=\"203.0.113.5\","
	    "spi_in=\"0x80000001\",state=\"active\"} 1\n"));
	assert_non_null(strstr(out.buf, "vpn_ipsec_bytes_total{device=\"asa-t\","
	    "tunnel=\"198.51.100.7\",peer=\"198.51.100.7\",direction=\"in\"} "
	    "4294968301\n"));
	assert_non_null(strstr(out.buf, "vpn_invalid_spi_packets_total{"
	    "device=\"asa-t\"} 42\n"));
	assert_non_null(strstr(out.buf, "vpn_ipsec_no_sa_failures_total{"
	    "device=\"asa-t\"} 42\n"));
	assert_non_null(strstr(out.buf, "vpn_sessions{device=\"asa-t\","
	    "type=\"l2l\"} 2\n"));
	/* Never measured: never rendered (absent is not zero). */
	assert_null(strstr(out.buf, "vpn_ipsec_sa_lifetime_remaining_bytes"));
	assert_null(strstr(out.buf, "direction=\"in\"} 0\n"));
	vx_strbuf_release(&out);
	vx_snapshot_unref(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tunnels_summed_by_peer),
		cmocka_unit_test(test_spi_pairs),
		cmocka_unit_test(test_ike_and_scalars),
		cmocka_unit_test(test_recorded_librenms_walk),
		cmocka_unit_test(test_empty_device_knows_ike),
		cmocka_unit_test(test_rendered),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
