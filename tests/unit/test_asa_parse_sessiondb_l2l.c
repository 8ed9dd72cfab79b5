/*
 * asa_parse_sessiondb_l2l: 8.x/9.x sessions (real fixture), the 9.x
 * IKEv2 + IPsecOverNatT layout with an object name, a 7.x layout, "no
 * sessions", truncation and error paths.
 */
#include "test_asa_cli.h"

#define CMD	"show vpn-sessiondb detail l2l"

static const struct {
	const char	*peer;
	uint64_t	 bytes_out, bytes_in, pkts_out, pkts_in;
	int64_t		 life_s, life_kb, ike_life;
	const char	*ike;		/* IKE version, NULL: absent */
} ntc2[] = {
	/* Empty "Connection"; two IPsec sub-sections. */
	{ "169.254.107.1", 3419524983, 275429647, 4539818 + 136730,
	  2958857 + 121906, 19174, 4586873, 76776, NULL },
	/* One sub-section with "Rekey Left(D): 0 K-Bytes". */
	{ "169.254.104.1", 2005616, 79487, 1520 + 1709, 1509 + 0, 6889,
	  4607947, 20119, NULL },
	{ "169.254.99.1", 3722401287, 445893825, 29085 + 8681, 29509 + 8677,
	  18904, 4607926, 18795, "1" },
	{ "169.254.44.1", 2994391497, 337511800, 3539590, 2455325, 2132,
	  4607009, 11946, "1" },
	{ "169.254.60.1", 31086457, 19006105, 93673, 72095, 3094, 4607999,
	  21432, "2" },
};

static void
check_ntc2(const struct vx_snapshot *s)
{
	asat_u64(s->ntunnels, 5, "ntunnels");
	asat_u64(s->nike, 5, "nike");
	asat_u64(s->ndrops, 0, "ndrops");
	assert_false(s->ike_known);
	for (size_t i = 0; i < ASAT_NELEM(ntc2); i++) {
		struct vx_tunnel *t = asat_tunnel(s, ntc2[i].peer);

		asat_ctr(t, VX_TC_BYTES_OUT, ntc2[i].bytes_out);
		asat_ctr(t, VX_TC_BYTES_IN, ntc2[i].bytes_in);
		asat_ctr(t, VX_TC_PKTS_OUT, ntc2[i].pkts_out);
		asat_ctr(t, VX_TC_PKTS_IN, ntc2[i].pkts_in);
		asat_ctr_absent(t, VX_TC_ERR_INVALID_SPI);
		asat_life(t, ntc2[i].life_s, ntc2[i].life_kb);
		asat_str(t->attr[VX_TA_IKE_VERSION], ntc2[i].ike,
		    "tunnel IKE version");
		asat_u64(t->nsas, 0, "nsas");
		asat_ike(s, ntc2[i].peer, true, NULL, NULL,
		    ntc2[i].ike, ntc2[i].ike_life);
	}
}

static void
test_ntc2(void **state)
{
	(void)state;
	asat_variants(asa_parse_sessiondb_l2l,
	    "cisco_asa/show_vpn-sessiondb_detail_l2l_ntc2.txt", CMD,
	    check_ntc2);
}

static void
check_ikev2_natt(const struct vx_snapshot *s)
{
	struct vx_tunnel *t;

	asat_u64(s->ntunnels, 1, "ntunnels");
	/* The object name in "IP Addr", not the Connection name. */
	t = asat_tunnel(s, "BRANCH-OBJ-20");
	if (vx_snapshot_find_tunnel(s, NULL, "198.51.100.20") != NULL)
		ASAT_FAIL("tunnel named after the connection");
	/* Session totals (above 2^32), not the sum of sub-sections. */
	asat_ctr(t, VX_TC_BYTES_OUT, 1280775975169ULL);
	asat_ctr(t, VX_TC_BYTES_IN, 574642385274ULL);
	asat_ctr(t, VX_TC_PKTS_OUT, 1906513623ULL + 2);
	asat_ctr(t, VX_TC_PKTS_IN, 1363147628ULL + 3);
	/* Both sub-sections say "0 K-Bytes": no volume lifetime. */
	asat_life(t, 4953, -1);
	asat_str(t->attr[VX_TA_IKE_VERSION], "2", "tunnel IKE version");
	asat_ike(s, "BRANCH-OBJ-20", true, NULL, NULL, "2", 59552);
}

static void
test_ikev2_natt(void **state)
{
	(void)state;
	asat_variants(asa_parse_sessiondb_l2l,
	    "cisco_asa/show_vpn-sessiondb_detail_l2l_ikev2_natt_derived.txt",
	    CMD, check_ikev2_natt);
}

/* 7.x: "IKE:"/"IPSec:", "Session ID", indented, no volume lifetime. */
static const char v7[] =
    "Session Type: LAN-to-LAN Detailed\n"
    " Connection   : 192.0.2.30\n"
    " Index        : 1                      IP Addr      : 192.0.2.30\n"
    " Protocol     : IPSecLAN2LAN           Encryption   : AES256\n"
    " Bytes Tx     : 100                    Bytes Rx     : 200\n"
    " Login Time   : 09:32:03 est Mon Aug 2 2004\n"
    " Duration     : 6:16:26\n"
    " Filter Name  :\n"
    "  \n"
    " IKE Sessions: 1 IPSec Sessions: 2\n"
    "  \n"
    " IKE:\n"
    "   Session ID   : 1\n"
    "   Rekey Int (T): 86400 Seconds          Rekey Left(T): 63814 Seconds\n"
    "  \n"
    " IPSec:\n"
    "   Session ID   : 2\n"
    "   Rekey Int (T): 28800 Seconds          Rekey Left(T): 10903 Seconds\n"
    "   Bytes Tx     : 60                     Bytes Rx     : 150\n"
    "   Pkts Tx      : 6                      Pkts Rx      : 15\n"
    "  \n"
    " IPSec:\n"
    "   Session ID   : 3\n"
    "   Rekey Int (T): 28800 Seconds          Rekey Left(T): 6282 Seconds\n"
    "   Bytes Tx     : 40                     Bytes Rx     : 50\n"
    "   Pkts Tx      : 4                      Pkts Rx      : 5\n"
    "\n"
    "Session Type: LAN-to-LAN Detailed\n"
    " Connection   : vpn-hq\n"
    " Index        : 2                      IP Addr      :\n"
    " IPSec:\n"
    "   Bytes Tx     : 7                      Bytes Rx     : 8\n"
    "   Pkts Tx      : 1                      Pkts Rx      : 2\n";

static void
check_v7(const struct vx_snapshot *s)
{
	struct vx_tunnel *t;

	asat_u64(s->ntunnels, 2, "ntunnels");
	t = asat_tunnel(s, "192.0.2.30");
	asat_ctr(t, VX_TC_BYTES_OUT, 100);
	asat_ctr(t, VX_TC_BYTES_IN, 200);
	asat_ctr(t, VX_TC_PKTS_OUT, 10);
	asat_ctr(t, VX_TC_PKTS_IN, 20);
	asat_life(t, 6282, -1);
	asat_str(t->attr[VX_TA_IKE_VERSION], NULL, "IKE version");
	asat_ike(s, "192.0.2.30", true, NULL, NULL, NULL, 63814);
	/* No IP address: the connection name; no session bytes. */
	t = asat_tunnel(s, "vpn-hq");
	asat_ctr(t, VX_TC_BYTES_OUT, 7);
	asat_ctr(t, VX_TC_BYTES_IN, 8);
	asat_ctr(t, VX_TC_PKTS_OUT, 1);
	asat_ctr(t, VX_TC_PKTS_IN, 2);
	asat_life(t, -1, -1);
	if (vx_snapshot_find_ike_sa(s, "vpn-hq") != NULL)
		ASAT_FAIL("IKE SA without an IKE sub-section");
}

static void
test_v7(void **state)
{
	(void)state;
	asat_text_variants(asa_parse_sessiondb_l2l, "7.x", v7, sizeof(v7) - 1,
	    CMD, check_v7);
}

static void
test_no_sessions(void **state)
{
	static const char *const texts[] = {
		"INFO: There are presently no active sessions of the type "
		    "specified\n",
		"asa-1# show vpn-sessiondb detail l2l\n\nSession Type: "
		    "LAN-to-LAN Detailed\n\nINFO: There are presently no "
		    "active sessions\nasa-1# ",
	};

	(void)state;
	for (size_t i = 0; i < ASAT_NELEM(texts); i++) {
		struct vx_snapshot *s;

		asat_case("no sessions %zu", i);
		s = asat_parse_ok(asa_parse_sessiondb_l2l, texts[i],
		    strlen(texts[i]));
		asat_u64(s->ntunnels, 0, "ntunnels");
		asat_u64(s->nike, 0, "nike");
		vx_snapshot_unref(s);
	}
}

#define ST	"Session Type: LAN-to-LAN Detailed\n"

static const struct asat_error_case errors[] = {
	{ "invalid input", "asa-1# show vpn-sessiondb detail l2x\n   ^\n"
	  "ERROR: % Invalid input detected at '^' marker.\n", VX_E_PROTOCOL,
	  3, "Invalid input" },
	{ "pager", ST "Connection : a\n<--- More --->\n", VX_E_PROTOCOL, 3,
	  "terminal pager 0" },
	{ "empty", "", VX_E_PARSE, 0, "empty output" },
	{ "garbage", "hello\n", VX_E_PARSE, 1,
	  "not 'show vpn-sessiondb detail l2l' output" },
	{ "no peer", ST "Connection   : \nIndex        : 1\n"
	  "Bytes Tx     : 1             Bytes Rx     : 2\n", VX_E_PARSE, 2,
	  "no 'IP Addr' and no 'Connection'" },
	{ "bad bytes", ST "Connection : a\nBytes Tx : 12x Bytes Rx : 1\n",
	  VX_E_PARSE, 3, "bad number" },
	{ "bytes cut short", ST "Connection : a\nBytes Tx : ", VX_E_PARSE, 3,
	  "bad number" },
	{ "lifetime cut before its unit", ST "Connection : a\nIPsec:\n"
	  "  Rekey Int (T): 28800 Seconds          Rekey Left(T): 19174",
	  VX_E_PARSE, 4, "without its unit" },
	{ "lifetime in other units", ST "Connection : a\nIPsec:\n"
	  "  Rekey Left(T): 30 Minutes\n", VX_E_PARSE, 4,
	  "without its unit" },
	{ "volume cut inside its unit", ST "Connection : a\nIPsec:\n"
	  "  Rekey Left(D): 4586873 K-By", VX_E_PARSE, 4, "without its unit" },
	{ "lifetime too large", ST "Connection : a\nIKEv1:\n  Rekey Left(T): "
	  "9223372036854775808 Seconds\n", VX_E_PARSE, 4, "bad number" },
	{ "bad IP address", ST "Connection : a\nIndex : 1 IP Addr : b\x01\n",
	  VX_E_PARSE, 3, "bad IP address" },
};

static void
test_errors(void **state)
{
	(void)state;
	asat_error_cases(asa_parse_sessiondb_l2l, errors, ASAT_NELEM(errors),
	    NULL);
}

/* Cut after the first session's last sub-section: its values stand. */
static void
test_truncated(void **state)
{
	struct vx_strbuf	 in;
	struct vx_snapshot	*s;
	struct vx_tunnel	*t;
	const char		*p;

	(void)state;
	vxt_read_fixture("cisco_asa/show_vpn-sessiondb_detail_l2l_ntc2.txt",
	    &in);
	p = strstr(in.buf, "NAC:");
	assert_non_null(p);
	asat_case("cut before the first NAC section");
	s = asat_parse_ok(asa_parse_sessiondb_l2l, in.buf,
	    (size_t)(p - in.buf));
	asat_u64(s->ntunnels, 1, "ntunnels");
	t = asat_tunnel(s, "169.254.107.1");
	asat_ctr(t, VX_TC_PKTS_OUT, 4539818 + 136730);
	asat_life(t, 19174, 4586873);
	vx_snapshot_unref(s);
	vx_strbuf_release(&in);
}

static void
test_every_prefix(void **state)
{
	static const char *const files[] = {
		"cisco_asa/show_vpn-sessiondb_detail_l2l_ntc2.txt",
		"cisco_asa/"
		    "show_vpn-sessiondb_detail_l2l_ikev2_natt_derived.txt",
	};

	(void)state;
	for (size_t i = 0; i < ASAT_NELEM(files); i++)
		asat_prefixes_fixture(asa_parse_sessiondb_l2l, files[i], NULL);
	asat_prefixes(asa_parse_sessiondb_l2l, v7, sizeof(v7) - 1, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ntc2),
		cmocka_unit_test(test_ikev2_natt),
		cmocka_unit_test(test_v7),
		cmocka_unit_test(test_no_sessions),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_every_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
