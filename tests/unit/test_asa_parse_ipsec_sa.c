/*
 * asa_parse_ipsec_sa: "show crypto ipsec sa [detail]" fixtures in every
 * run-time variant (tunnels, counters, SPIs, lifetimes, attributes), the
 * rekey pairing, hand-written edge cases, truncation and error paths.
 */
#include "test_asa_cli.h"

#define CMD	"show crypto ipsec sa"

static void
check_attrs(const struct vx_tunnel *t, const char *local, const char *ike,
    const char *nat_t, const char *iface, const char *map, const char *mode)
{
	asat_str(t->attr[VX_TA_LOCAL_ADDR], local, "local address");
	asat_str(t->attr[VX_TA_IKE_VERSION], ike, "IKE version");
	asat_str(t->attr[VX_TA_NAT_T], nat_t, "NAT-T");
	asat_str(t->attr[VX_TA_INTERFACE], iface, "interface");
	asat_str(t->attr[VX_TA_CRYPTO_MAP], map, "crypto map");
	asat_str(t->attr[VX_TA_MODE], mode, "mode");
}

/* The detail-only counters are absent from plain output. */
static void
check_no_detail(const struct vx_tunnel *t)
{
	static const enum vx_tun_ctr detail[] = {
		VX_TC_ERR_AUTH, VX_TC_ERR_REPLAY, VX_TC_ERR_DECRYPT,
		VX_TC_ERR_ENCRYPT, VX_TC_ERR_INVALID_SPI, VX_TC_ERR_DROP_IN,
		VX_TC_ERR_DROP_OUT, VX_TC_BYTES_IN, VX_TC_BYTES_OUT,
		VX_TC_ERR_AUTH_OUT,
	};

	for (size_t i = 0; i < ASAT_NELEM(detail); i++)
		asat_ctr_absent(t, detail[i]);
}

/* ntc_multi: an 8.x RA SA and two 9.x L2L SAs, one NAT-T. */
static void
check_ntc_multi(const struct vx_snapshot *s)
{
	struct vx_tunnel *t;

	asat_u64(s->ntunnels, 3, "ntunnels");
	asat_u64(s->nike, 0, "nike");
	asat_u64(s->ndrops, 0, "ndrops");

	t = asat_tunnel(s, "172.20.0.21");
	asat_str(t->name, "172.20.0.21", "tunnel name");
	asat_ctr(t, VX_TC_PKTS_IN, 1145);
	asat_ctr(t, VX_TC_PKTS_OUT, 0);
	asat_ctr(t, VX_TC_ERR_SEND, 0);
	asat_ctr(t, VX_TC_ERR_RECV, 0);
	check_no_detail(t);
	/* Old format: seconds only. */
	asat_life(t, 548, -1);
	check_attrs(t, "10.132.0.17", NULL, "false", "outside2", "def",
	    "tunnel");
	/* No "current inbound spi": the lone inbound SA is current. */
	asat_u64(t->nsas, 1, "nsas");
	asat_sa(t, "0x1e8246fc", "0xdc15bf68", VX_SA_ACTIVE);

	t = asat_tunnel(s, "8.8.8.8");
	asat_ctr(t, VX_TC_PKTS_IN, 23606461);
	asat_ctr(t, VX_TC_PKTS_OUT, 13915315);
	asat_ctr(t, VX_TC_ERR_SEND, 0);
	asat_ctr(t, VX_TC_ERR_RECV, 0);
	check_no_detail(t);
	/* In (2699423/25461), out (3892153/25461): the smaller. */
	asat_life(t, 25461, 2699423);
	check_attrs(t, "172.16.248.119", "1", "true", "COLO",
	    "COLO-MAP:2", "tunnel");
	asat_u64(t->nsas, 1, "nsas");
	asat_sa(t, "0x32f752ff", "0x50023ddc", VX_SA_ACTIVE);

	t = asat_tunnel(s, "REMOTE-PEER-8.8.4.4");
	asat_ctr(t, VX_TC_PKTS_IN, 0);
	asat_ctr(t, VX_TC_PKTS_OUT, 0);
	asat_life(t, 70749, 2038431743);
	check_attrs(t, "LOCAL-ADDR-172.20.248.119", "1", "false",
	    "COLO", "COLO-MAP:3", "tunnel");
	asat_u64(t->nsas, 1, "nsas");
	asat_sa(t, "0x6a7391e0", "0xea40155f", VX_SA_ACTIVE);
}

static void
test_ntc_multi(void **state)
{
	(void)state;
	asat_variants(asa_parse_ipsec_sa,
	    "cisco_asa/show_crypto_ipsec_sa_ntc_multi.txt", CMD,
	    check_ntc_multi);
}

/* Detail counters, a rekey, two bundles of one peer, an old-format SA. */
static void
check_detail_rekey(const struct vx_snapshot *s)
{
	struct vx_tunnel *t;

	asat_u64(s->ntunnels, 2, "ntunnels");

	t = asat_tunnel(s, "8.8.8.8");
	/* Both bundles summed. */
	asat_ctr(t, VX_TC_PKTS_OUT, 1001);
	asat_ctr(t, VX_TC_PKTS_IN, 2002);
	asat_ctr(t, VX_TC_ERR_SEND, 1);
	asat_ctr(t, VX_TC_ERR_RECV, 2);
	asat_ctr(t, VX_TC_ERR_ENCRYPT, 4);
	asat_ctr(t, VX_TC_ERR_DECRYPT, 5);
	asat_ctr(t, VX_TC_ERR_AUTH, 7);
	asat_ctr(t, VX_TC_ERR_REPLAY, 12);
	asat_ctr(t, VX_TC_ERR_INVALID_SPI, 17);
	/* prot 6 + identity 8 + len 9 + pad 10 + ip version 11 +
	 * frag offset 14 + internal 16 */
	asat_ctr(t, VX_TC_ERR_DROP_IN, 74);
	/* no sa 3 + min mtu 13 + internal 15 */
	asat_ctr(t, VX_TC_ERR_DROP_OUT, 31);
	asat_ctr_absent(t, VX_TC_ERR_AUTH_OUT);
	/*
	 * Current SAs only: (2699423/25461), (3892153/25461) and the
	 * second bundle's (4000/30000); not the expiring (12/15).
	 */
	asat_life(t, 25461, 4000);
	check_attrs(t, "172.16.248.119", "1", "true", "COLO",
	    "COLO-MAP:2", "tunnel");
	asat_u64(t->nsas, 3, "nsas");
	asat_sa(t, "0x32f752ff", "0x50023ddc", VX_SA_ACTIVE);
	asat_sa(t, "0x1a2b3c4d", "0x0badf00d", VX_SA_EXPIRING);
	asat_sa(t, "0xbbbb0002", "0xaaaa0001", VX_SA_ACTIVE);
	/* Each SA carries the selectors of its own bundle. */
	asat_sa_idents(t, "0x32f752ff", "0x50023ddc",
	    "172.16.122.32/255.255.255.240/0/0",
	    "172.30.1.153/255.255.255.255/0/0");
	asat_sa_idents(t, "0x1a2b3c4d", "0x0badf00d",
	    "172.16.122.32/255.255.255.240/0/0",
	    "172.30.1.153/255.255.255.255/0/0");
	asat_sa_idents(t, "0xbbbb0002", "0xaaaa0001",
	    "172.16.122.48/255.255.255.240/0/0",
	    "172.30.1.153/255.255.255.255/0/0");

	t = asat_tunnel(s, "192.0.2.9");
	asat_ctr(t, VX_TC_PKTS_OUT, 5);
	asat_ctr(t, VX_TC_PKTS_IN, 6);
	asat_ctr_absent(t, VX_TC_ERR_INVALID_SPI);
	/* Only the outbound SA is known to be current. */
	asat_life(t, 2999, -1);
	check_attrs(t, "192.0.2.1", "2", "false", "outside", "MAP2",
	    "transport");
	asat_u64(t->nsas, 3, "nsas");
	asat_sa(t, NULL, "0x00f61780", VX_SA_ACTIVE);
	asat_sa(t, "0x11111111", NULL, VX_SA_UNKNOWN);
	asat_sa(t, "0x22222222", NULL, VX_SA_UNKNOWN);
	asat_sa_idents(t, NULL, "0x00f61780", "192.0.2.1/255.255.255.255/47/0",
	    "192.0.2.9/255.255.255.255/47/0");
}

static void
test_detail_rekey(void **state)
{
	(void)state;
	asat_variants(asa_parse_ipsec_sa,
	    "cisco_asa/show_crypto_ipsec_sa_detail_rekey_derived.txt", CMD,
	    check_detail_rekey);
}

static void
test_no_sas(void **state)
{
	static const char *const texts[] = {
		"There are no ipsec sas\n",
		/* One element: the command echo, the answer and the prompt. */
		("asa-1# show crypto ipsec sa\r\nThere are no ipsec sas\r\n"
		    "asa-1# "),
		"\n  There  are no IPsec SAs  \n",
	};

	(void)state;
	for (size_t i = 0; i < ASAT_NELEM(texts); i++) {
		struct vx_snapshot *s;

		asat_case("no SAs %zu", i);
		s = asat_parse_ok(asa_parse_ipsec_sa, texts[i],
		    strlen(texts[i]));
		asat_u64(s->ntunnels, 0, "ntunnels");
		vx_snapshot_unref(s);
	}
}

/* IOS-style items, "peer address:" form, ESP pair, zero SPI. */
static void
test_cases(void **state)
{
	static const char ios[] =
	    "interface: outside\n"
	    "    Crypto map tag: M, seq num: 10, local addr: 192.0.2.1\n"
	    "   current_peer 198.51.100.1 port 4500\n"
	    "    #pkts encaps: 4, #pkts encrypt: 4, #pkts digest: 4\n"
	    "    #pkts no sa (send) 2, #pkts invalid sa (rcv) 3\n"
	    "    ##pkts replay failed (rcv): 9\n"
	    "     current outbound spi: 0x1234ABCD(305441741)\n";
	static const char peer[] =
	    "peer address: 198.51.100.2\n"
	    "    Crypto map tag: M, seq num: 20, local addr: 192.0.2.1\n"
	    "      current_peer: 198.51.100.2\n"
	    "      #pkts decaps: 8, #pkts decrypt: 8, #pkts verify: 8\n"
	    "      current outbound spi: 00000000\n"
	    "      current inbound spi : 00000000\n"
	    "      ESP spi in/out: 0x8d2c8231/0xea8a498e\n";
	static const char two_peers[] =
	    "interface: outside\n"
	    "    Crypto map tag: M, seq num: 1, local addr: 192.0.2.1\n"
	    "      current_peer: 198.51.100.3\n"
	    "      #pkts encaps: 1, #pkts encrypt: 1, #pkts digest: 1\n"
	    "    Crypto map tag: M, seq num: 2, local addr: 192.0.2.5\n"
	    "      current_peer: 198.51.100.4\n"
	    "      #pkts encaps: 2, #pkts encrypt: 2, #pkts digest: 2\n"
	    "      local crypto endpt.: 2001:db8::5/500, remote crypto "
	    "endpt.: 198.51.100.4/500\n";
	struct vx_snapshot	*s;
	struct vx_tunnel	*t;

	(void)state;
	asat_case("IOS-style items");
	s = asat_parse_ok(asa_parse_ipsec_sa, ios, sizeof(ios) - 1);
	t = asat_tunnel(s, "198.51.100.1");
	asat_ctr(t, VX_TC_PKTS_OUT, 4);
	asat_ctr(t, VX_TC_ERR_DROP_OUT, 2);
	asat_ctr(t, VX_TC_ERR_INVALID_SPI, 3);
	asat_ctr(t, VX_TC_ERR_REPLAY, 9);
	asat_ctr_absent(t, VX_TC_PKTS_IN);
	asat_u64(t->nsas, 1, "nsas");
	asat_sa(t, NULL, "0x1234abcd", VX_SA_ACTIVE);
	asat_life(t, -1, -1);
	check_attrs(t, "192.0.2.1", NULL, NULL, "outside", "M:10", NULL);
	vx_snapshot_unref(s);

	asat_case("peer address form, zero SPIs, ESP pair");
	s = asat_parse_ok(asa_parse_ipsec_sa, peer, sizeof(peer) - 1);
	t = asat_tunnel(s, "198.51.100.2");
	asat_ctr(t, VX_TC_PKTS_IN, 8);
	asat_u64(t->nsas, 1, "nsas");
	asat_sa(t, "0x8d2c8231", "0xea8a498e", VX_SA_ACTIVE);
	check_attrs(t, "192.0.2.1", NULL, NULL, NULL, "M:20", NULL);
	vx_snapshot_unref(s);

	asat_case("two peers under one interface");
	s = asat_parse_ok(asa_parse_ipsec_sa, two_peers, sizeof(two_peers) - 1);
	asat_u64(s->ntunnels, 2, "ntunnels");
	t = asat_tunnel(s, "198.51.100.3");
	asat_ctr(t, VX_TC_PKTS_OUT, 1);
	check_attrs(t, "192.0.2.1", NULL, NULL, "outside", "M:1", NULL);
	asat_u64(t->nsas, 0, "nsas");
	t = asat_tunnel(s, "198.51.100.4");
	asat_ctr(t, VX_TC_PKTS_OUT, 2);
	/* The endpoint (IPv6, port stripped) wins over the map's address. */
	check_attrs(t, "2001:db8::5", NULL, NULL, "outside", "M:2", NULL);
	vx_snapshot_unref(s);
}

static const struct asat_error_case errors[] = {
	{ "invalid input", "asa-1# show crypto ipsec sz\n"
	  "                              ^\nERROR: % Invalid input detected "
	  "at '^' marker.\n", VX_E_PROTOCOL, 3, "Invalid input detected" },
	{ "pager", "interface: outside\n    Crypto map tag: M, seq num: 1, "
	  "local addr: 192.0.2.1\n<--- More --->\n", VX_E_PROTOCOL, 3,
	  "terminal pager 0 did not take effect" },
	{ "empty", "", VX_E_PARSE, 0, "empty output" },
	{ "prompt only", "asa-1# \n", VX_E_PARSE, 0, "empty output" },
	{ "garbage", "hello\n", VX_E_PARSE, 1,
	  "not 'show crypto ipsec sa' output" },
	{ "drop output", "Frame drop:\n  A (a) 1\n", VX_E_PARSE, 1,
	  "not 'show crypto ipsec sa' output" },
	{ "counters before any peer", "interface: x\n  #pkts encaps: 1\n",
	  VX_E_PARSE, 2, "counters outside an SA bundle" },
	{ "bad counter", "interface: x\ncurrent_peer: 192.0.2.4\n"
	  "#pkts encaps: x1, #pkts encrypt: 1\n", VX_E_PARSE, 3,
	  "bad counter value" },
	{ "cut after a counter name", "interface: x\ncurrent_peer: "
	  "192.0.2.4\n#pkts encaps: 1, #pkts encrypt: 1\n#pkts decaps:",
	  VX_E_PARSE, 4, "bad counter value" },
	{ "counter overflow", "interface: x\ncurrent_peer: 192.0.2.4\n"
	  "#pkts decaps: 18446744073709551616\n", VX_E_PARSE, 3,
	  "bad counter value" },
	{ "bad current SPI", "interface: x\ncurrent_peer: 192.0.2.4\n"
	  "current outbound spi: XYZ\n", VX_E_PARSE, 3, "bad SPI" },
	{ "SPI too long", "interface: x\ncurrent_peer: 192.0.2.4\n"
	  "inbound esp sas:\n spi: 0x123456789 (1)\n", VX_E_PARSE, 4,
	  "bad SPI" },
	{ "empty SPI", "interface: x\ncurrent_peer: 192.0.2.4\n"
	  "current inbound spi :\n", VX_E_PARSE, 3, "bad SPI" },
	{ "SPI outside a list", "interface: x\ncurrent_peer: 192.0.2.4\n"
	  "spi: 0x1 (1)\n", VX_E_PARSE, 3, "SPI outside" },
	{ "current SPI before any peer", "interface: x\n"
	  "current outbound spi: 12\n", VX_E_PARSE, 2,
	  "SPI outside an SA bundle" },
	{ "bad ESP pair", "interface: x\ncurrent_peer: 192.0.2.4\n"
	  "ESP spi in/out: 0x1-0x2\n", VX_E_PARSE, 3, "bad SPI pair" },
	{ "settings cut short", "interface: x\ncurrent_peer: 192.0.2.4\n"
	  "inbound esp sas:\n spi: 0x1 (1)\n in use settings ={L2L, Tun",
	  VX_E_PARSE, 5, "'in use settings' without" },
	{ "lifetime cut short", "interface: x\ncurrent_peer: 192.0.2.4\n"
	  "inbound esp sas:\n spi: 0x1 (1)\n sa timing: remaining key "
	  "lifetime (kB/sec): (2699423/25", VX_E_PARSE, 5, "bad lifetime" },
	{ "lifetime not a number", "interface: x\ncurrent_peer: 192.0.2.4\n"
	  "inbound esp sas:\n spi: 0x1 (1)\n sa timing: remaining key "
	  "lifetime (sec): soon\n", VX_E_PARSE, 5, "bad lifetime" },
	{ "lifetime outside an SA", "interface: x\ncurrent_peer: 192.0.2.4\n"
	  "sa timing: remaining key lifetime (sec): 5\n", VX_E_PARSE, 3,
	  "'sa timing' outside" },
	{ "empty peer", "interface: x\ncurrent_peer:\n", VX_E_PARSE, 2,
	  "bad current_peer" },
	{ "empty interface", "interface:\n", VX_E_PARSE, 1,
	  "bad interface name" },
	{ "bad sequence number", "interface: x\n Crypto map tag: M, seq "
	  "num: x, local addr: 192.0.2.1\n", VX_E_PARSE, 2,
	  "bad crypto map sequence number" },
	{ "no map name", "interface: x\n Crypto map tag: , seq num: 1\n",
	  VX_E_PARSE, 2, "bad crypto map name" },
};

static void
test_errors(void **state)
{
	(void)state;
	asat_error_cases(asa_parse_ipsec_sa, errors, ASAT_NELEM(errors), NULL);
}

/* A bundle with more SAs than the parser keeps is refused, not cut. */
static void
test_too_many_sas(void **state)
{
	struct vx_strbuf sb;

	(void)state;
	vx_strbuf_init(&sb, 2048);
	vx_strbuf_addstr(&sb, "interface: x\ncurrent_peer: 192.0.2.4\n"
	    "inbound esp sas:\n");
	for (int i = 1; i <= 33; i++)
		vx_strbuf_addf(&sb, "  spi: 0x%08X (%d)\n", i, i);
	asat_case("33 inbound SAs");
	asat_parse_err(asa_parse_ipsec_sa, sb.buf, sb.len, VX_E_PARSE, 36,
	    "too many SAs");
	vx_strbuf_release(&sb);
}

/* The output cut inside the second bundle keeps the first intact. */
static void
test_truncated(void **state)
{
	struct vx_strbuf	 in;
	struct vx_snapshot	*s;
	struct vx_tunnel	*t;
	const char		*p;

	(void)state;
	vxt_read_fixture("cisco_asa/show_crypto_ipsec_sa_ntc_multi.txt", &in);
	p = strstr(in.buf, "current_peer: 8.8.8.8");
	assert_non_null(p);
	p = strstr(p, "#pkts decaps");
	assert_non_null(p);
	asat_case("cut inside the 8.8.8.8 counters");
	asat_parse_err(asa_parse_ipsec_sa, in.buf, (size_t)(p - in.buf) + 14,
	    VX_E_PARSE, 44, "bad counter value");

	asat_case("cut after the 8.8.8.8 counters");
	p = strchr(p, '\n');
	s = asat_parse_ok(asa_parse_ipsec_sa, in.buf, (size_t)(p - in.buf) + 1);
	asat_u64(s->ntunnels, 2, "ntunnels");
	t = asat_tunnel(s, "172.20.0.21");
	asat_sa(t, "0x1e8246fc", "0xdc15bf68", VX_SA_ACTIVE);
	asat_life(t, 548, -1);
	t = asat_tunnel(s, "8.8.8.8");
	asat_ctr(t, VX_TC_PKTS_OUT, 13915315);
	asat_ctr(t, VX_TC_PKTS_IN, 23606461);
	asat_u64(t->nsas, 0, "nsas");
	asat_life(t, -1, -1);
	vx_snapshot_unref(s);
	vx_strbuf_release(&in);
}

static void
test_every_prefix(void **state)
{
	static const char *const files[] = {
		"cisco_asa/show_crypto_ipsec_sa_ntc_multi.txt",
		"cisco_asa/show_crypto_ipsec_sa_detail_rekey_derived.txt",
	};

	(void)state;
	for (size_t i = 0; i < ASAT_NELEM(files); i++)
		asat_prefixes_fixture(asa_parse_ipsec_sa, files[i], NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ntc_multi),
		cmocka_unit_test(test_detail_rekey),
		cmocka_unit_test(test_no_sas),
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_too_many_sas),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_every_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
