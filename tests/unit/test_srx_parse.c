/*
 * The Junos parsers on tests/fixtures/juniper_srx (real output and
 * derived, see SOURCES.md), in every form the data comes in: CLI text
 * (brief and detail), "| display xml", NETCONF replies (newline-wrapped
 * text, undeclared "junos:" prefixes), a chassis cluster's per-node
 * results, text RPC output; SPIs with and without 0x, rekeys, the VPN
 * monitor, NAT-T, lifetimes; the invalid-SPI line present or not; "not
 * configured" errors that are no failure and errors that are; every
 * truncated prefix of each fixture.
 */
#include "test_parse.h"

#include "registry.h"
#include "srx.h"

#define FIX(f)	"juniper_srx/" f

static struct vx_tunnel *
node_tunnel(const struct vx_snapshot *s, const char *node, const char *name,
    const char *peer)
{
	struct vx_tunnel *t = vx_snapshot_find_node_tunnel(s, node, name,
	    peer);

	if (t == NULL)
		PT_FAIL("no tunnel '%s' to '%s' on node %s", name, peer,
		    node != NULL ? node : "(none)");
	return t;
}

/* The device (or node) value v is want (UINT64_MAX: absent). */
static void
dev(const struct vx_snapshot *s, const char *node, enum vx_dev_val v,
    uint64_t want)
{
	uint64_t got;
	bool	 set = vx_snapshot_get_node_dev(s, node, v, &got);

	if (want == UINT64_MAX) {
		if (set)
			PT_FAIL("%s is %" PRIu64 ", want absent",
			    vx_dev_val_name(v), got);
		return;
	}
	if (!set)
		PT_FAIL("%s absent, want %" PRIu64, vx_dev_val_name(v), want);
	pt_u64(got, want, vx_dev_val_name(v));
}

/* NETCONF brief: newline-wrapped text, an undeclared junos: prefix. */
static void
test_ipsec_sa_netconf_brief(void **state)
{
	struct vx_snapshot	*s = pt_ok(srx_parse_ipsec_sa, FIX(
	    "netconf_get-security-associations-information_brief_up_vsrx.xml"));
	struct vx_tunnel	*t = pt_tunnel(s, "131073", "192.168.1.161");

	(void)state;
	pt_u64(s->ntunnels, 1, "tunnels");
	pt_state(t, true, VX_TUN_ACTIVE, 2473);
	pt_u64(t->nsas, 1, "SAs");
	pt_sa(t, "0x4ef526a8", "0xcb151b04", VX_SA_ACTIVE);
	/* "unlim": no lifesize limit, left out. */
	pt_u64(t->life_kb_set, 0, "lifesize");
	pt_str(t->attr[VX_TA_NAT_T], "false", "nat_t");
	pt_str(t->attr[VX_TA_MONITOR], "off", "monitor");
	dev(s, NULL, VX_DV_IPSEC_ACTIVE_TUNNELS, 1);
	pt_u64(s->nnodes, 0, "nodes");
	vx_snapshot_unref(s);

	s = pt_ok(srx_parse_ipsec_sa, FIX(
	    "netconf_get-security-associations-information_brief_empty_vsrx.xml"));
	pt_u64(s->ntunnels, 0, "tunnels");
	dev(s, NULL, VX_DV_IPSEC_ACTIVE_TUNNELS, 0);
	vx_snapshot_unref(s);
}

/* display xml, 18.4R3: two tunnels, each in a rekey (two SA pairs). */
static void
test_ipsec_sa_rekey(void **state)
{
	struct vx_snapshot	*s = pt_ok(srx_parse_ipsec_sa,
	    FIX("show_security_ipsec_sa_brief_standalone_18.4R3.xml"));
	struct vx_tunnel	*t = pt_tunnel(s, "231076", "1.1.1.1");

	(void)state;
	pt_u64(s->ntunnels, 2, "tunnels");
	/* The newest pair (most life left) is active, and its life counts. */
	pt_state(t, true, VX_TUN_ACTIVE, 25347);
	pt_u64(t->nsas, 2, "SAs");
	pt_sa(t, "0xf2f52201", "0x7e5c22ff", VX_SA_ACTIVE);
	pt_sa(t, "0xbb0d675a", "0xa9f5fbf3", VX_SA_EXPIRING);
	t = pt_tunnel(s, "131074", "2.2.2.2");
	pt_state(t, true, VX_TUN_ACTIVE, 28556);
	pt_sa(t, "0x8a2f7ff3", "0xd78c51e8", VX_SA_ACTIVE);
	pt_sa(t, "0x9bb78e12", "0xb8ce3a62", VX_SA_EXPIRING);
	dev(s, NULL, VX_DV_IPSEC_ACTIVE_TUNNELS, 2);
	vx_snapshot_unref(s);
}

/* Detail XML: VPN names, attributes, the monitor down, NAT-T, 0x SPIs. */
static void
test_ipsec_sa_detail_xml(void **state)
{
	struct vx_snapshot	*s = pt_ok(srx_parse_ipsec_sa,
	    FIX("show_security_ipsec_sa_detail_derived.xml"));
	struct vx_tunnel	*t = pt_tunnel(s, "vpn1", "203.0.113.241");

	(void)state;
	pt_u64(s->ntunnels, 2, "tunnels");
	pt_state(t, true, VX_TUN_ACTIVE, 3538);
	pt_sa(t, "0xb55cec75", "0xa26a796d", VX_SA_ACTIVE);
	pt_str(t->attr[VX_TA_LOCAL_ADDR], "198.51.100.245", "local address");
	pt_str(t->attr[VX_TA_IKE_VERSION], "1", "IKE version");
	pt_str(t->attr[VX_TA_INTERFACE], "st0.2", "interface");
	pt_str(t->attr[VX_TA_MODE], "tunnel", "mode");
	pt_str(t->attr[VX_TA_MONITOR], "up", "monitor");
	pt_str(t->attr[VX_TA_NAT_T], "false", "nat_t");
	pt_str(t->sas[0].local_ident, "ipv4_subnet(any:0,[0..7]=0.0.0.0/0)",
	    "local ident");
	/* Installed, but the VPN monitor says the path is down. */
	t = pt_tunnel(s, "vpn-nat", "203.0.113.7");
	pt_state(t, false, VX_TUN_INACTIVE, 1200);
	pt_str(t->attr[VX_TA_MONITOR], "down", "monitor");
	pt_str(t->attr[VX_TA_NAT_T], "true", "nat_t");
	pt_str(t->attr[VX_TA_IKE_VERSION], "2", "IKE version");
	/* Leading zeros kept. */
	pt_sa(t, "0x00f61780", "0x93be8146", VX_SA_ACTIVE);
	pt_u64(t->life_kb, 2048000, "lifesize");
	vx_snapshot_unref(s);
}

/* Detail text (SRX4700, 25.2R1). */
static void
test_ipsec_sa_detail_text(void **state)
{
	struct vx_snapshot	*s = pt_ok(srx_parse_ipsec_sa,
	    FIX("show_security_ipsec_sa_detail_srx4700_25.2R1.txt"));
	struct vx_tunnel	*t = pt_tunnel(s, "4700", "192.168.3.2");

	(void)state;
	pt_u64(s->ntunnels, 1, "tunnels");
	pt_state(t, true, VX_TUN_ACTIVE, 3179);
	pt_sa(t, "0x6304b842", "0xa6ffa623", VX_SA_ACTIVE);
	pt_u64(t->life_kb_set, 0, "lifesize (Unlimited)");
	pt_str(t->attr[VX_TA_LOCAL_ADDR], "192.168.3.1", "local address");
	pt_str(t->attr[VX_TA_IKE_VERSION], "2", "IKE version");
	pt_str(t->attr[VX_TA_INTERFACE], "st0.0", "interface");
	pt_str(t->attr[VX_TA_MONITOR], "off", "monitor");
	pt_str(t->attr[VX_TA_NAT_T], "false", "nat_t");
	vx_snapshot_unref(s);
}

/* Brief text: a tunnel during a rekey, NAT-T, kilobytes, 0x SPIs. */
static void
test_ipsec_sa_brief_text(void **state)
{
	struct vx_snapshot	*s = pt_ok(srx_parse_ipsec_sa,
	    FIX("show_security_ipsec_sa_brief_derived.txt"));
	struct vx_tunnel	*t = pt_tunnel(s, "131073", "192.0.2.161");

	(void)state;
	pt_u64(s->ntunnels, 2, "tunnels");
	pt_state(t, true, VX_TUN_ACTIVE, 2473);
	pt_sa(t, "0x4ef526a8", "0xcb151b04", VX_SA_ACTIVE);
	t = pt_tunnel(s, "131074", "198.51.100.9");
	pt_state(t, true, VX_TUN_ACTIVE, 3400);
	pt_sa(t, "0x1234abcd", "0x5678ef01", VX_SA_ACTIVE);
	pt_sa(t, "0x40e0e864", "0x0093be81", VX_SA_EXPIRING);
	pt_u64(t->life_kb, 102400, "lifesize");
	pt_str(t->attr[VX_TA_NAT_T], "true", "nat_t");
	pt_str(t->attr[VX_TA_MONITOR], "up", "monitor");
	dev(s, NULL, VX_DV_IPSEC_ACTIVE_TUNNELS, 2);
	vx_snapshot_unref(s);
}

/* A cluster: node0's tunnels carry the node; node1 has none. */
static void
test_ipsec_sa_cluster(void **state)
{
	struct vx_snapshot	*s = pt_ok(srx_parse_ipsec_sa, FIX(
	    "netconf_get-security-associations-information_cluster_derived.xml"));
	struct vx_tunnel	*t;

	(void)state;
	pt_u64(s->ntunnels, 1, "tunnels");
	t = node_tunnel(s, "node0", "131074", "192.0.2.2");
	pt_state(t, true, VX_TUN_ACTIVE, 28556);
	pt_u64(t->nsas, 2, "SAs");
	assert_null(vx_snapshot_find_tunnel(s, "131074", "192.0.2.2"));
	dev(s, "node0", VX_DV_IPSEC_ACTIVE_TUNNELS, 2);
	dev(s, "node1", VX_DV_IPSEC_ACTIVE_TUNNELS, 0);
	dev(s, NULL, VX_DV_IPSEC_ACTIVE_TUNNELS, UINT64_MAX);
	vx_snapshot_unref(s);
}

/* "not configured" is an empty result; other errors fail. */
static void
test_errors(void **state)
{
	struct vx_snapshot *s;

	(void)state;
	s = pt_ok(srx_parse_ipsec_sa,
	    FIX("netconf_error_ipsec_not_configured_vsrx.xml"));
	pt_u64(s->ntunnels, 0, "tunnels");
	vx_snapshot_unref(s);
	s = pt_ok(srx_parse_ike_sa,
	    FIX("netconf_rpc_error_ike_not_configured_derived.xml"));
	pt_u64(s->nike, 0, "IKE SAs");
	pt_u64(s->ike_known, 1, "ike_known");
	dev(s, NULL, VX_DV_IKE_ACTIVE_TUNNELS, 0);
	vx_snapshot_unref(s);
	pt_err_fixture(srx_parse_ipsec_sa,
	    FIX("netconf_rpc_error_permission_derived.xml"), VX_E_PROTOCOL,
	    "line 3: the device answered with an error: permission denied");
	PT_ERR_STR(srx_parse_stats, "CLI error",
	    "user@srx> show security ipsec statistics\n"
	    "error: the ipsec-key-management subsystem is not running\n",
	    VX_E_PROTOCOL, "line 2: device error: 'error: the ipsec-key");
	PT_ERR_STR(srx_parse_ipsec_sa, "pager",
	    "  Total active tunnels: 1\n---(more 40%)---\n", VX_E_PROTOCOL,
	    "pager prompt");
	PT_ERR_STR(srx_parse_ipsec_sa, "other root",
	    "<response status=\"success\"/>", VX_E_PARSE,
	    "line 1: root element <response>");
	PT_ERR_STR(srx_parse_ike_sa, "no payload",
	    "<rpc-reply><cli/></rpc-reply>", VX_E_PARSE,
	    "no <ike-security-associations-information>");
	PT_ERR_STR(srx_parse_ipsec_sa, "bad SPI",
	    "<ipsec-security-associations-information>"
	    "<ipsec-security-associations-block>"
	    "<ipsec-security-associations><sa-direction>&lt;</sa-direction>"
	    "<sa-spi>zz</sa-spi></ipsec-security-associations>"
	    "</ipsec-security-associations-block>"
	    "</ipsec-security-associations-information>", VX_E_PARSE,
	    "<sa-spi> 'zz' is not an SPI");
	PT_ERR_STR(srx_parse_ipsec_sa, "no peer",
	    "<ipsec-security-associations-information>"
	    "<ipsec-security-associations-block>"
	    "<sa-tunnel-index>7</sa-tunnel-index>"
	    "</ipsec-security-associations-block>"
	    "</ipsec-security-associations-information>", VX_E_PARSE,
	    "tunnel '7' has no remote gateway");
	PT_ERR_STR(srx_parse_stats, "truncated", "<rpc-reply><output>",
	    VX_E_PARSE, "line 1:");
	PT_ERR_STR(srx_parse_stats, "empty", " \n", VX_E_PARSE,
	    "empty output");
	PT_ERR_STR(srx_parse_stats, "not statistics", "hello\n", VX_E_PARSE,
	    "no IPsec statistics");
}

static void
test_ike_sa(void **state)
{
	struct vx_snapshot	*s = pt_ok(srx_parse_ike_sa, FIX(
	    "netconf_get-ike-security-associations-information_detail_up_vsrx.xml"));
	struct vx_ike_sa	*ike = vx_snapshot_find_ike_sa(s,
				    "192.168.1.161");

	(void)state;
	assert_non_null(ike);
	pt_u64(s->nike, 1, "IKE SAs");
	pt_u64(ike->up, 1, "up");
	pt_u64(ike->state, VX_IKE_ESTABLISHED, "state");
	pt_u64(ike->life_s, 27590, "lifetime");
	pt_str(ike->attr[VX_IA_VERSION], "2", "version");
	pt_str(ike->attr[VX_IA_ROLE], "responder", "role");
	pt_str(ike->attr[VX_IA_LOCAL_ADDR], "192.168.1.160", "local");
	pt_u64(s->ike_known, 1, "ike_known");
	dev(s, NULL, VX_DV_IKE_ACTIVE_TUNNELS, 1);
	vx_snapshot_unref(s);

	for (int detail = 0; detail < 2; detail++) {
		s = pt_ok(srx_parse_ike_sa, detail ?
		    FIX("show_security_ike_sa_detail_derived.txt") :
		    FIX("show_security_ike_sa_brief_derived.txt"));
		pt_u64(s->nike, 2, "IKE SAs");
		ike = vx_snapshot_find_ike_sa(s, "192.0.2.161");
		assert_non_null(ike);
		pt_u64(ike->state, VX_IKE_ESTABLISHED, "state");
		pt_str(ike->attr[VX_IA_VERSION], "2", "version");
		ike = vx_snapshot_find_ike_sa(s, "198.51.100.77");
		assert_non_null(ike);
		pt_u64(ike->up, 0, "up");
		pt_u64(ike->state, VX_IKE_DOWN, "state");
		pt_str(ike->attr[VX_IA_VERSION], "1", "version");
		if (detail) {
			pt_str(ike->attr[VX_IA_ROLE], "initiator", "role");
			pt_str(ike->attr[VX_IA_LOCAL_ADDR], "192.0.2.160",
			    "local");
		}
		dev(s, NULL, VX_DV_IKE_ACTIVE_TUNNELS, 1);
		vx_snapshot_unref(s);
	}
}

/* Statistics: with the Invalid SPI line, without it, per node. */
static void
test_stats(void **state)
{
	struct vx_snapshot *s;

	(void)state;
	s = pt_ok(srx_parse_stats,
	    FIX("show_security_ipsec_statistics_srx4700_25.2R1_bidir.txt"));
	dev(s, NULL, VX_DV_INVALID_SPI, 0);
	dev(s, NULL, VX_DV_BYTES_OUT, 327747467040u);
	dev(s, NULL, VX_DV_BYTES_IN, 655494065968u);
	dev(s, NULL, VX_DV_PKTS_OUT, 5852633340u);
	dev(s, NULL, VX_DV_PKTS_IN, 5852625589u);
	pt_u64(s->dev_unsupported, 0, "unsupported");
	vx_snapshot_unref(s);

	s = pt_ok(srx_parse_stats,
	    FIX("netconf_command_show_security_ipsec_statistics_derived.xml"));
	dev(s, NULL, VX_DV_INVALID_SPI, 1789);
	dev(s, NULL, VX_DV_ERR_AUTH, 3);
	dev(s, NULL, VX_DV_ERR_DECRYPT, 4);
	dev(s, NULL, VX_DV_ERR_REPLAY, 12);
	dev(s, NULL, VX_DV_ERR_BAD_HEADER, 5);
	dev(s, NULL, VX_DV_ERR_BAD_TRAILER, 6);
	vx_snapshot_unref(s);

	/* Older releases: no Invalid SPI, so "not reported", not 0. */
	s = pt_ok(srx_parse_stats,
	    FIX("show_security_ipsec_statistics_legacy_derived.txt"));
	dev(s, NULL, VX_DV_INVALID_SPI, UINT64_MAX);
	pt_u64(s->dev_unsupported, 1u << VX_DV_INVALID_SPI, "unsupported");
	dev(s, NULL, VX_DV_PKTS_IN, 14290);
	vx_snapshot_unref(s);
	s = pt_ok(srx_parse_stats,
	    FIX("show_security_ipsec_statistics_display_xml_legacy_fields.xml"));
	dev(s, NULL, VX_DV_INVALID_SPI, UINT64_MAX);
	pt_u64(s->dev_unsupported, 1u << VX_DV_INVALID_SPI, "unsupported");
	dev(s, NULL, VX_DV_ERR_AUTH, 0);
	vx_snapshot_unref(s);

	s = pt_ok(srx_parse_stats,
	    FIX("show_security_ipsec_statistics_cluster_derived.txt"));
	dev(s, "node0", VX_DV_INVALID_SPI, 42);
	dev(s, "node1", VX_DV_INVALID_SPI, 0);
	dev(s, "node0", VX_DV_ERR_REPLAY, 2);
	dev(s, "node0", VX_DV_BYTES_OUT, 8123456789u);
	dev(s, NULL, VX_DV_INVALID_SPI, UINT64_MAX);
	pt_u64(s->dev_unsupported, 0, "unsupported");
	vx_snapshot_unref(s);
}

/* JUNIPER-IPSEC-FLOW-MON-MIB walked: tunnels, SAs, counters, monitor. */
static void
test_snmpwalk(void **state)
{
	struct vx_snapshot	*s = pt_ok(srx_parse_snmpwalk,
	    FIX("snmpwalk_On_flow_mon_derived.txt"));
	struct vx_tunnel	*t = pt_tunnel(s, "vpn-fra1", "192.0.2.11");
	const struct vx_part	*p;
	struct vx_ike_sa	*ike;

	(void)state;
	pt_u64(s->ntunnels, 3, "tunnels");
	pt_state(t, true, VX_TUN_ACTIVE, 3590);
	pt_sa(t, "0x5a5a0001", "0x6b6b0002", VX_SA_ACTIVE);
	pt_sa(t, "0x4ef526a8", "0xcb151b04", VX_SA_EXPIRING);
	pt_str(t->attr[VX_TA_MONITOR], "up", "monitor");
	pt_str(t->attr[VX_TA_LOCAL_ADDR], "198.51.100.1", "local address");
	pt_ctr(t, VX_TC_PKTS_IN, 314942);
	pt_ctr(t, VX_TC_BYTES_OUT, 28950654);
	pt_ctr(t, VX_TC_ERR_DECRYPT, 4);
	pt_ctr(t, VX_TC_ERR_BAD_TRAILER, 0);
	/* One part, the tunnel row, its generation the active SA's. */
	p = vx_tunnel_find_part(t, VX_PART_INDEX(131073));
	assert_non_null(p);
	pt_u64(p->gen, 0x5a5a0001, "generation");
	/* The VPN monitor says down: the tunnel is down. */
	t = pt_tunnel(s, "vpn-par1", "192.0.2.14");
	pt_state(t, false, VX_TUN_INACTIVE, 900);
	pt_str(t->attr[VX_TA_MONITOR], "down", "monitor");
	t = pt_tunnel(s, "vpn-ams1", "192.0.2.12");
	pt_sa(t, "0x00f61780", "0x93be8146", VX_SA_ACTIVE);
	pt_str(t->attr[VX_TA_MONITOR], "off", "monitor");
	ike = vx_snapshot_find_ike_sa(s, "192.0.2.11");
	assert_non_null(ike);
	pt_u64(ike->state, VX_IKE_ESTABLISHED, "IKE state");
	pt_u64(ike->life_s, 27000, "IKE lifetime");
	pt_str(ike->attr[VX_IA_VERSION], "2", "IKE version");
	dev(s, NULL, VX_DV_IKE_ACTIVE_TUNNELS, 3);
	dev(s, NULL, VX_DV_IPSEC_ACTIVE_TUNNELS, 3);
	/* Neither MIB has an invalid-SPI counter. */
	dev(s, NULL, VX_DV_INVALID_SPI, UINT64_MAX);
	vx_snapshot_unref(s);
}

/* Every prefix: a result, a parse error naming its line, or "empty". */
static void
test_prefixes(void **state)
{
	static const struct {
		vx_parse_fn	 fn;
		const char	*file;
	} f[] = {
		{ srx_parse_ipsec_sa, FIX("netconf_get-security-associations-"
		    "information_brief_up_vsrx.xml") },
		{ srx_parse_ipsec_sa, FIX("show_security_ipsec_sa_detail_"
		    "srx4700_25.2R1.txt") },
		{ srx_parse_ipsec_sa, FIX("show_security_ipsec_sa_brief_"
		    "derived.txt") },
		{ srx_parse_ipsec_sa, FIX("netconf_get-security-associations-"
		    "information_cluster_derived.xml") },
		{ srx_parse_ike_sa, FIX("show_security_ike_sa_detail_derived."
		    "txt") },
		{ srx_parse_ike_sa, FIX("netconf_get-ike-security-"
		    "associations-information_detail_up_vsrx.xml") },
		{ srx_parse_stats, FIX("show_security_ipsec_statistics_"
		    "cluster_derived.txt") },
		{ srx_parse_stats, FIX("netconf_command_show_security_ipsec_"
		    "statistics_derived.xml") },
	};

	(void)state;
	for (size_t i = 0; i < PT_NELEM(f); i++)
		pt_prefixes(f[i].fn, f[i].file, VX_E_OK);
}

/* The offline commands. */
static void
test_registry(void **state)
{
	static const char *const cmds[] = {
		"show security ipsec statistics",
		"show security ipsec security-associations",
		"show security ipsec security-associations detail",
		"show security ike security-associations",
		"show security ike security-associations detail",
		"snmpwalk",
	};

	(void)state;
	for (size_t i = 0; i < PT_NELEM(cmds); i++)
		assert_non_null(vx_parser_find("juniper_srx", cmds[i]));
	assert_true(vx_vendor_known("juniper_srx"));
	assert_null(vx_parser_find("juniper_srx", "show asp drop"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ipsec_sa_netconf_brief),
		cmocka_unit_test(test_ipsec_sa_rekey),
		cmocka_unit_test(test_ipsec_sa_detail_xml),
		cmocka_unit_test(test_ipsec_sa_detail_text),
		cmocka_unit_test(test_ipsec_sa_brief_text),
		cmocka_unit_test(test_ipsec_sa_cluster),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_ike_sa),
		cmocka_unit_test(test_stats),
		cmocka_unit_test(test_snmpwalk),
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_registry),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
