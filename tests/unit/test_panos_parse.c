/*
 * The PAN-OS XML parsers on tests/fixtures/paloalto (real replies and
 * derived ones, see SOURCES.md): tunnel states, SPIs in hex and in
 * decimal, lifetimes, counters and their part, IKE states, drops and the
 * invalid-SPI counter; the reply envelope's errors (error codes, HTML
 * pages, refused credentials); truncated replies and broken XML.
 */
#include "test_parse.h"

#include "panos.h"

#include "registry.h"

#define FIX(f)	"paloalto/" f

/* show vpn flow: one tunnel per state, monitor states, no SA without detail. */
static void
test_flow_summary(void **state)
{
	struct vx_snapshot	*s = pt_ok(panos_parse_flow,
				    FIX("xmlapi_show_vpn_flow_derived.xml"));
	struct vx_tunnel	*t;

	(void)state;
	pt_u64(s->ntunnels, 3, "tunnels");
	t = pt_tunnel(s, "to-fra1", "198.51.100.7");
	pt_state(t, true, VX_TUN_ACTIVE, -1);
	pt_str(t->attr[VX_TA_MONITOR], "up", "monitor");
	pt_str(t->attr[VX_TA_LOCAL_ADDR], "192.0.2.1", "local address");
	pt_str(t->attr[VX_TA_INTERFACE], "ethernet1/1", "interface");
	pt_str(t->attr[VX_TA_NAT_T], NULL, "nat_t");
	/* The summary has no SPIs and no counters. */
	pt_u64(t->nsas, 0, "SAs");
	pt_u64(t->ctr_set, 0, "counters");
	t = pt_tunnel(s, "to-ams1", "203.0.113.9");
	pt_state(t, false, VX_TUN_INIT, -1);
	pt_str(t->attr[VX_TA_MONITOR], "off", "monitor");
	t = pt_tunnel(s, "to-lon1", "192.0.2.44");
	pt_state(t, false, VX_TUN_INACTIVE, -1);
	pt_str(t->attr[VX_TA_MONITOR], "down", "monitor");
	pt_str(t->attr[VX_TA_LOCAL_ADDR], "192.0.2.129", "local address");
	pt_u64(s->nike, 0, "IKE SAs");
	pt_u64(s->ndrops, 0, "drops");
	vx_snapshot_unref(s);

	s = pt_ok(panos_parse_flow,
	    FIX("xmlapi_show_running_tunnel_flow_all_one_tunnel_init.xml"));
	pt_u64(s->ntunnels, 1, "tunnels");
	t = pt_tunnel(s, "my-tunnel", "6.6.6.6");
	pt_state(t, false, VX_TUN_INIT, -1);
	pt_str(t->attr[VX_TA_MONITOR], "off", "monitor");
	vx_snapshot_unref(s);
}

/* The detail of an active tunnel: the SA (local = in), life, counters. */
static void
test_flow_detail_active(void **state)
{
	struct vx_snapshot	*s = pt_ok(panos_parse_flow,
				    FIX("xmlapi_show_vpn_flow_detail_active.xml"));
	struct vx_tunnel	*t = pt_tunnel(s, "c1000v", "192.168.122.30");
	const struct vx_part	*p;
	static const enum vx_tun_ctr zero[] = {
		VX_TC_PKTS_IN, VX_TC_PKTS_OUT, VX_TC_BYTES_IN, VX_TC_BYTES_OUT,
		VX_TC_ERR_DECRYPT, VX_TC_ERR_AUTH, VX_TC_ERR_REPLAY,
	};

	(void)state;
	pt_state(t, true, VX_TUN_ACTIVE, 3434);
	pt_u64(t->nsas, 1, "SAs");
	pt_sa(t, "0xb5102bdb", "0x83901465", VX_SA_ACTIVE);
	for (size_t i = 0; i < PT_NELEM(zero); i++)
		pt_ctr(t, zero[i], 0);
	pt_ctr(t, VX_TC_ERR_ENCRYPT, UINT64_MAX);
	pt_ctr(t, VX_TC_ERR_INVALID_SPI, UINT64_MAX);
	/* One part, keyed by the tunnel, its generation the inbound SPI. */
	pt_u64(t->nparts, 1, "parts");
	p = vx_tunnel_find_part(t, vx_part_key_text("c1000v", NULL));
	assert_non_null(p);
	pt_u64(p->gen, 0xb5102bdbu, "part generation");
	pt_str(t->attr[VX_TA_NAT_T], "false", "nat_t");
	/* monitor/on False: the monitor is off. */
	pt_str(t->attr[VX_TA_MONITOR], "off", "monitor");
	vx_snapshot_unref(s);
}

/*
 * An inactive tunnel keeps stale SPIs in its detail: no SA, no counters
 * (they would count nothing that exists, and read as a reset).
 */
static void
test_flow_detail_inactive(void **state)
{
	struct vx_snapshot	*s = pt_ok(panos_parse_flow, FIX(
				    "xmlapi_show_vpn_flow_detail_inactive.xml"));
	struct vx_tunnel	*t = pt_tunnel(s, "c1000v", "192.168.122.30");

	(void)state;
	pt_state(t, false, VX_TUN_INACTIVE, -1);
	pt_u64(t->nsas, 0, "SAs");
	pt_u64(t->ctr_set, 0, "counters");
	pt_u64(t->nparts, 0, "parts");
	vx_snapshot_unref(s);
}

/* Hand-written details: counters, SPI 00000000, monitor status, errors. */
static void
test_flow_detail_cases(void **state)
{
	static const char active_counting[] =
	    "<response status=\"success\"><result><IPSec><entry>"
	    "<name>t1</name><id>7</id><peerip>192.0.2.7</peerip>"
	    "<state>active</state><local-spi>0000ABCD</local-spi>"
	    "<remote-spi>00000000</remote-spi><remain>60</remain>"
	    "<pkt-decap>10</pkt-decap><pkt-encap>20</pkt-encap>"
	    "<byte-decap>18446744073709551614</byte-decap>"
	    "<byte-encap>40</byte-encap><dec-err>1</dec-err>"
	    "<auth-err>2</auth-err><pkt-replay>3</pkt-replay>"
	    "<natt>True</natt><monitor><on>True</on><status>False</status>"
	    "</monitor></entry></IPSec></result></response>";
	static const char active_no_sa[] =
	    "<result><IPSec><entry><name>t1</name><peerip>192.0.2.7</peerip>"
	    "<state>active</state><local-spi>00000000</local-spi>"
	    "<remote-spi>00000000</remote-spi><pkt-decap>5</pkt-decap>"
	    "<monitor><on>True</on><status>True</status></monitor>"
	    "</entry></IPSec></result>";
	static const char odd_state[] =
	    "<result><IPSec><entry><name>t1</name><state>rekeying</state>"
	    "</entry></IPSec></result>";
	struct vx_snapshot	*s = vx_snapshot_new("pa-t");
	struct vx_err		 err;
	struct vx_tunnel	*t;

	(void)state;
	pt_case("active, counting");
	assert_int_equal(panos_parse_flow(active_counting,
	    sizeof(active_counting) - 1, s, &err), 0);
	t = pt_tunnel(s, "t1", "192.0.2.7");
	pt_state(t, true, VX_TUN_ACTIVE, 60);
	/* A remote SPI of 0: that side is not known. */
	pt_sa(t, "0x0000abcd", NULL, VX_SA_ACTIVE);
	pt_ctr(t, VX_TC_PKTS_IN, 10);
	pt_ctr(t, VX_TC_PKTS_OUT, 20);
	pt_ctr(t, VX_TC_BYTES_IN, UINT64_MAX - 1);
	pt_ctr(t, VX_TC_BYTES_OUT, 40);
	pt_ctr(t, VX_TC_ERR_DECRYPT, 1);
	pt_ctr(t, VX_TC_ERR_AUTH, 2);
	pt_ctr(t, VX_TC_ERR_REPLAY, 3);
	pt_str(t->attr[VX_TA_NAT_T], "true", "nat_t");
	pt_str(t->attr[VX_TA_MONITOR], "down", "monitor");
	vx_snapshot_unref(s);

	pt_case("active, no SA");
	s = vx_snapshot_new("pa-t");
	assert_int_equal(panos_parse_flow(active_no_sa,
	    sizeof(active_no_sa) - 1, s, &err), 0);
	t = pt_tunnel(s, "t1", "192.0.2.7");
	pt_state(t, false, VX_TUN_ACTIVE, -1);
	pt_u64(t->nsas, 0, "SAs");
	pt_u64(t->ctr_set, 0, "counters");
	pt_str(t->attr[VX_TA_MONITOR], "up", "monitor");
	vx_snapshot_unref(s);

	/* A state word we do not know: unknown, not up, no peer address. */
	pt_case("odd state");
	s = vx_snapshot_new("pa-t");
	assert_int_equal(panos_parse_flow(odd_state, sizeof(odd_state) - 1, s,
	    &err), 0);
	t = pt_tunnel(s, "t1", "");
	pt_state(t, false, VX_TUN_UNKNOWN, -1);
	vx_snapshot_unref(s);
}

/* show vpn ipsec-sa: decimal SPIs, remain, one tunnel per entry. */
static void
test_ipsec_sa(void **state)
{
	struct vx_snapshot	*s = pt_ok(panos_parse_ipsec_sa, FIX(
				    "xmlapi_show_vpn_ipsec-sa_pa850_10.1.12_spi_decimal.xml"));
	static const char *const names[] = {
		"Nom du tunnel 1", "Nom du tunnel 2", "Nom du tunnel 3",
	};

	(void)state;
	pt_u64(s->ntunnels, 3, "tunnels");
	for (size_t i = 0; i < PT_NELEM(names); i++) {
		struct vx_tunnel *t = pt_tunnel(s, names[i],
		    "Addresse IP a.b.c.d");

		/* up (an SA), state left to "show vpn flow". */
		pt_state(t, true, VX_TUN_UNKNOWN, 1727);
		pt_u64(t->nsas, 1, "SAs");
		/* 2300285266 = 0x891b9152, 1430731122 = 0x55473972. */
		pt_sa(t, "0x891b9152", "0x55473972", VX_SA_ACTIVE);
		pt_u64(t->ctr_set, 0, "counters");
		pt_u64(t->life_kb_set, 0, "kB lifetime (configured, not left)");
	}
	vx_snapshot_unref(s);
}

/* A rekey overlap: the pair with more time left is the active one. */
static void
test_ipsec_sa_rekey(void **state)
{
	struct vx_snapshot	*s = pt_ok(panos_parse_ipsec_sa,
				    FIX("xmlapi_show_vpn_ipsec-sa_rekey_derived.xml"));
	struct vx_tunnel	*t;

	(void)state;
	pt_u64(s->ntunnels, 2, "tunnels");
	t = pt_tunnel(s, "to-fra1", "198.51.100.7");
	pt_u64(t->nsas, 2, "SAs");
	pt_sa(t, "0x00000010", "0xffffffff", VX_SA_ACTIVE);
	pt_sa(t, "0xb5102bdb", "0x83901465", VX_SA_EXPIRING);
	/* The active pair's lifetime, not the expiring one's 12 s. */
	pt_state(t, true, VX_TUN_UNKNOWN, 3598);
	t = pt_tunnel(s, "to-par1", "192.0.2.99");
	pt_sa(t, "0x1234abcd", "0xabcdef01", VX_SA_ACTIVE);
	pt_state(t, true, VX_TUN_UNKNOWN, 20000);
	vx_snapshot_unref(s);
}

/* show vpn ike-sa (derived): states, <created>, role, version. */
static void
test_ike_sa(void **state)
{
	static const struct {
		const char		*peer;
		bool			 up;
		enum vx_ike_state	 state;
		const char		*role, *version;
	} want[] = {
		{ "198.51.100.7", true, VX_IKE_ESTABLISHED, "initiator", "2" },
		{ "203.0.113.9", false, VX_IKE_NEGOTIATING, "responder", "1" },
		/* No <state>: a non-empty <created> says phase 1 is up. */
		{ "192.0.2.99", true, VX_IKE_ESTABLISHED, "initiator", NULL },
	};
	struct vx_snapshot	*s = pt_ok(panos_parse_ike_sa,
				    FIX("xmlapi_show_vpn_ike-sa_derived.xml"));

	(void)state;
	assert_true(s->ike_known);
	pt_u64(s->nike, PT_NELEM(want), "IKE SAs");
	for (size_t i = 0; i < PT_NELEM(want); i++) {
		const struct vx_ike_sa *ike = vx_snapshot_find_ike_sa(s,
		    want[i].peer);

		pt_case(want[i].peer);
		if (ike == NULL)
			PT_FAIL("no IKE SA");
		if (ike->up != want[i].up || ike->state != want[i].state)
			PT_FAIL("up %d state %d, want %d %d", ike->up,
			    (int)ike->state, want[i].up, (int)want[i].state);
		pt_str(ike->attr[VX_IA_ROLE], want[i].role, "role");
		pt_str(ike->attr[VX_IA_VERSION], want[i].version, "version");
	}
	assert_int_equal(s->ntunnels, 0);
	vx_snapshot_unref(s);
}

/* Sections, a gateway name for a peer, an empty list, unknown words. */
static void
test_ike_sa_cases(void **state)
{
	static const char sections[] =
	    "<result><IKEv2><entry><name>gw-a</name><state>Mature</state>"
	    "</entry></IKEv2><IKEv1><entry><peer>192.0.2.5</peer>"
	    "<state>Deleting</state></entry></IKEv1></result>";
	static const char empty[] =
	    "<response status=\"success\"><result/></response>";
	static const char odd[] =
	    "<result><entry><remote>192.0.2.6</remote><state>Zombie</state>"
	    "<role>both</role></entry></result>";
	struct vx_snapshot	*s = vx_snapshot_new("pa-t");
	struct vx_err		 err;
	const struct vx_ike_sa	*ike;

	(void)state;
	pt_case("sections");
	assert_int_equal(panos_parse_ike_sa(sections, sizeof(sections) - 1, s,
	    &err), 0);
	ike = vx_snapshot_find_ike_sa(s, "gw-a");
	assert_non_null(ike);
	assert_int_equal(ike->state, VX_IKE_ESTABLISHED);
	pt_str(ike->attr[VX_IA_VERSION], "2", "version");
	ike = vx_snapshot_find_ike_sa(s, "192.0.2.5");
	assert_non_null(ike);
	assert_false(ike->up);
	assert_int_equal(ike->state, VX_IKE_DELETING);
	pt_str(ike->attr[VX_IA_VERSION], "1", "version");
	vx_snapshot_unref(s);

	/* No IKE SA at all is still knowing: expected peers read down. */
	pt_case("empty");
	s = vx_snapshot_new("pa-t");
	assert_int_equal(panos_parse_ike_sa(empty, sizeof(empty) - 1, s,
	    &err), 0);
	assert_true(s->ike_known);
	assert_int_equal(s->nike, 0);
	vx_snapshot_unref(s);

	pt_case("unknown words");
	s = vx_snapshot_new("pa-t");
	assert_int_equal(panos_parse_ike_sa(odd, sizeof(odd) - 1, s, &err), 0);
	ike = vx_snapshot_find_ike_sa(s, "192.0.2.6");
	assert_non_null(ike);
	assert_false(ike->up);
	assert_int_equal(ike->state, VX_IKE_UNKNOWN);
	pt_str(ike->attr[VX_IA_ROLE], NULL, "role");
	vx_snapshot_unref(s);
}

static void
drop_is(const struct vx_snapshot *s, const char *section, const char *reason,
    uint64_t want)
{
	const struct vx_drop *d = vx_snapshot_find_drop(s, section, reason);

	if (d == NULL)
		PT_FAIL("no drop %s/%s", section, reason);
	pt_u64(d->count, want, reason);
}

/*
 * show counter global: drop-severity counters of flow and ipsec, the
 * dataplanes summed; the invalid-SPI counter from the default patterns.
 */
static void
test_counters(void **state)
{
	static const struct panos_counter_opts defaults = {
		panos_default_drop_categories, panos_default_invalid_spi,
	};
	struct vx_snapshot	*s = vx_snapshot_new("pa-t");
	struct vx_strbuf	 in, matched;
	struct vx_err		 err;
	uint64_t		 v;

	(void)state;
	pt_case("derived, default patterns");
	vxt_read_fixture(FIX("xmlapi_show_counter_global_ipsec_derived.xml"),
	    &in);
	vx_strbuf_init(&matched, 0);
	assert_int_equal(panos_map_counters(in.buf, in.len, &defaults, s,
	    &matched, &err), 0);
	pt_u64(s->ndrops, 4, "drops");
	drop_is(s, "flow", "flow_dos_pbp_block_host", 14);
	drop_is(s, "flow", "flow_tunnel_encap_nested", 3);
	drop_is(s, "ipsec", "ipsec_esp_spi_unknown", 1873 + 127);
	drop_is(s, "ipsec", "ipsec_esp_auth_fail", 5);
	assert_null(vx_snapshot_find_drop(s, "session",
	    "session_deny_unknown"));
	assert_true(vx_snapshot_get_dev(s, VX_DV_INVALID_SPI, &v));
	pt_u64(v, 1873 + 127, "invalid SPI");
	/* Listed once, though two dataplanes have it. */
	assert_string_equal(matched.buf, "ipsec_esp_spi_unknown\n");
	vx_strbuf_release(&matched);
	vx_snapshot_unref(s);

	/* Other options: no drops, a pinned name. */
	{
		static const char *const none[] = { NULL };
		static const char *const pinned[] = { "session_deny_*", NULL };
		const struct panos_counter_opts o = { none, pinned };

		pt_case("derived, pinned");
		s = vx_snapshot_new("pa-t");
		assert_int_equal(panos_map_counters(in.buf, in.len, &o, s,
		    NULL, &err), 0);
		pt_u64(s->ndrops, 0, "drops");
		assert_true(vx_snapshot_get_dev(s, VX_DV_INVALID_SPI, &v));
		pt_u64(v, 77, "invalid SPI");
		vx_snapshot_unref(s);
	}
	vx_strbuf_release(&in);

	/* The PA-440 capture: a drop, no IPsec counter: left out, not 0. */
	s = pt_ok(panos_parse_counter_global,
	    FIX("xmlapi_show_counter_global_pa440_12.2.2_fragment.xml"));
	pt_u64(s->ndrops, 1, "drops");
	drop_is(s, "flow", "flow_dos_pbp_block_host", 14);
	assert_false(vx_snapshot_get_dev(s, VX_DV_INVALID_SPI, &v));
	vx_snapshot_unref(s);
}

/* The key of a keygen reply; refused credentials; the key never leaks. */
static void
test_keygen(void **state)
{
	struct vx_strbuf	in;
	struct vx_err		err;
	char			key[64];

	(void)state;
	vxt_read_fixture(FIX("xmlapi_keygen_response.xml"), &in);
	vx_err_clear(&err);
	assert_int_equal(panos_parse_keygen(in.buf, in.len, key, sizeof(key),
	    &err), 0);
	assert_string_equal(key, "D@pAs$W@rD");
	/* Too small a buffer: refused, not cut. */
	assert_int_equal(panos_parse_keygen(in.buf, in.len, key, 8, &err),
	    -VX_E_PROTOCOL);
	assert_int_equal(key[0], '\0');
	assert_null(strstr(err.msg, "D@pAs"));
	vx_strbuf_release(&in);

	vxt_read_fixture(FIX("xmlapi_keygen_invalid_credential_derived.xml"),
	    &in);
	assert_int_equal(panos_parse_keygen(in.buf, in.len, key, sizeof(key),
	    &err), -VX_E_AUTH);
	assert_non_null(strstr(err.msg, "Invalid Credential"));
	assert_non_null(strstr(err.msg, "403"));
	vx_strbuf_release(&in);
}

/* The envelope: error codes, HTML pages, odd roots, broken XML. */
static void
test_errors(void **state)
{
	static const struct {
		const char	*name;
		const char	*text;
		enum vx_errcode	 code;
		const char	*msg;
	} cases[] = {
		{ "empty", "", VX_E_PARSE, "empty output" },
		{ "blank", " \r\n\t", VX_E_PARSE, "empty output" },
		{ "not XML", "Internal Server Error", VX_E_PARSE, "line 1: " },
		{ "truncated", "<response status=\"success\"><result><IPSec>",
		    VX_E_PARSE, "line 1: " },
		{ "second line", "<response status=\"success\">\n<result>\n"
		    "<IPSec><entry></IPSec></result></response>", VX_E_PARSE,
		    "line 3: " },
		{ "other root", "<reply/>", VX_E_PARSE,
		    "root element <reply> is not <response>" },
		{ "no result", "<response status=\"success\"/>", VX_E_PARSE,
		    "a reply without <result>" },
		{ "odd status", "<response status=\"maybe\"/>", VX_E_PROTOCOL,
		    "reply status 'maybe'" },
		{ "error, msg text", "<response status=\"error\" code=\"7\">"
		    "<msg>Object not present</msg></response>", VX_E_PROTOCOL,
		    "error code 7: Object not present" },
		{ "error, nested lines", "<response status=\"error\" "
		    "code=\"18\"><msg><line><line>bad</line><line>worse</line>"
		    "</line></msg></response>", VX_E_PROTOCOL,
		    "error code 18: bad; worse" },
		{ "error, result/msg/line", "<response status=\"error\">"
		    "<result><msg><line>x</line></msg></result></response>",
		    VX_E_PROTOCOL, "error code (none): x" },
		{ "unauthorized", "<response status=\"error\" code=\"16\"/>",
		    VX_E_AUTH, "refused the credentials (error code 16: no "
		    "message)" },
		{ "entity bomb", "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY "
		    "a \"aaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><result>&b;"
		    "</result>", VX_E_PARSE, "document type declaration" },
		{ "external entity", "<!DOCTYPE r SYSTEM \"file:///etc/passwd\">"
		    "<result/>", VX_E_PARSE, "document type declaration" },
		{ "html", "\n<html><head><title>Bad Gateway</title></head>"
		    "</html>", VX_E_PROTOCOL, "HTML page ('Bad Gateway')" },
		{ "no name", "<result><IPSec><entry><state>active</state>"
		    "</entry></IPSec></result>", VX_E_PARSE,
		    "line 1: a tunnel entry without a <name>" },
		{ "bad SPI", "<result><IPSec><entry><name>t</name>\n"
		    "<local-spi>XYZ</local-spi></entry></IPSec></result>",
		    VX_E_PARSE, "line 2: 't': <local-spi> 'XYZ' is not a hex SPI" },
		{ "bad counter", "<result><IPSec><entry><name>t</name>"
		    "<state>active</state><local-spi>1</local-spi>\n\n"
		    "<pkt-decap>-1</pkt-decap></entry></IPSec></result>",
		    VX_E_PARSE, "line 3: 't': <pkt-decap> '-1' is not a number" },
	};

	(void)state;
	for (size_t i = 0; i < PT_NELEM(cases); i++)
		pt_err_text(panos_parse_flow, cases[i].name, cases[i].text,
		    strlen(cases[i].text), cases[i].code, cases[i].msg);
	pt_err_fixture(panos_parse_flow,
	    FIX("xmlapi_error_code17_unexpected_command.xml"), VX_E_PROTOCOL,
	    "error code 17: show -> redistribution is unexpected");
	pt_err_fixture(panos_parse_ipsec_sa, FIX("http_error_page_derived.html"),
	    VX_E_PROTOCOL, "HTML page ('503 Service Unavailable')");
	PT_ERR_STR(panos_parse_ipsec_sa, "decimal SPI too large",
	    "<result><entries><entry><name>t</name><i_spi>4294967296</i_spi>"
	    "</entry></entries></result>", VX_E_PARSE,
	    "<i_spi> '4294967296' is not a decimal SPI");
	PT_ERR_STR(panos_parse_ike_sa, "IKE entry without a peer",
	    "<result><entry><state>Up</state></entry></result>", VX_E_PARSE, "neither a peer address nor a <name>");
	PT_ERR_STR(panos_parse_counter_global, "counter value",
	    "<result><global><counters><entry><name>c</name><value>x</value>"
	    "</entry></counters></global></result>", VX_E_PARSE,
	    "'c': <value> 'x' is not a number");
}

/* Every truncated reply is a parse error naming its line, or parses. */
static void
test_prefixes(void **state)
{
	static const struct {
		vx_parse_fn	 fn;
		const char	*rel;
		enum vx_errcode	 also;
	} cases[] = {
		{ panos_parse_flow, FIX("xmlapi_show_vpn_flow_detail_active.xml"),
		    VX_E_OK },
		{ panos_parse_flow, FIX("xmlapi_show_vpn_flow_derived.xml"),
		    VX_E_OK },
		{ panos_parse_ipsec_sa,
		    FIX("xmlapi_show_vpn_ipsec-sa_rekey_derived.xml"), VX_E_OK },
		{ panos_parse_ike_sa, FIX("xmlapi_show_vpn_ike-sa_derived.xml"),
		    VX_E_OK },
		{ panos_parse_counter_global,
		    FIX("xmlapi_show_counter_global_ipsec_derived.xml"),
		    VX_E_OK },
		/* Cut before its code: an error reply with none, or broken. */
		{ panos_parse_flow,
		    FIX("xmlapi_error_code17_unexpected_command.xml"),
		    VX_E_PROTOCOL },
		{ panos_parse_flow, FIX("http_error_page_derived.html"),
		    VX_E_PROTOCOL },
	};

	(void)state;
	for (size_t i = 0; i < PT_NELEM(cases); i++)
		pt_prefixes(cases[i].fn, cases[i].rel, cases[i].also);
}

/* The offline commands, "<id>" standing for any one word. */
static void
test_registry(void **state)
{
	static const struct {
		const char	*command;
		vx_parse_fn	 want;
	} cases[] = {
		{ "show vpn flow", panos_parse_flow },
		{ "show vpn flow tunnel-id 7", panos_parse_flow },
		{ "show vpn flow tunnel-id <id>", panos_parse_flow },
		{ "show running tunnel flow all", panos_parse_flow },
		{ "show vpn ipsec-sa", panos_parse_ipsec_sa },
		{ "show vpn ike-sa", panos_parse_ike_sa },
		{ "show counter global", panos_parse_counter_global },
		{ "show vpn flow tunnel-id", NULL },
		{ "show vpn flow tunnel-id 7 8", NULL },
		{ "show vpn flow tunnel-id  7", NULL },
		{ "show vpn", NULL },
		{ "show vpn flow ", NULL },
	};

	(void)state;
	for (size_t i = 0; i < PT_NELEM(cases); i++) {
		const struct vx_parser *p = vx_parser_find("paloalto",
		    cases[i].command);

		if ((p != NULL ? p->parse : NULL) != cases[i].want)
			fail_msg("case %zu '%s': wrong parser", i,
			    cases[i].command);
	}
	assert_null(vx_parser_find("cisco_asa", "show vpn flow"));
	assert_non_null(vx_parser_find("cisco_asa", "show asp drop"));
	assert_true(vx_vendor_known("paloalto"));
	assert_non_null(vx_collector_find("paloalto_api"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flow_summary),
		cmocka_unit_test(test_flow_detail_active),
		cmocka_unit_test(test_flow_detail_inactive),
		cmocka_unit_test(test_flow_detail_cases),
		cmocka_unit_test(test_ipsec_sa),
		cmocka_unit_test(test_ipsec_sa_rekey),
		cmocka_unit_test(test_ike_sa),
		cmocka_unit_test(test_ike_sa_cases),
		cmocka_unit_test(test_counters),
		cmocka_unit_test(test_keygen),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_registry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
