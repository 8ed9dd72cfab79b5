/*
 * asa_parse_vpn_context: per-peer "Bad SPI" sums from the real fixture in
 * every run-time variant, SPI matching for entries without a peer,
 * truncation and error paths.
 */
#include "test_asa_cli.h"

#define CMD	"show asp table vpn-context detail"

static void
check_ntc(const struct vx_snapshot *s)
{
	struct vx_tunnel *t;

	asat_u64(s->ntunnels, 3, "ntunnels");
	/* DECR and ENCR contexts, "Bad SPI = 1" each. */
	t = asat_tunnel(s, "10.10.200.25");
	asat_ctr(t, VX_TC_ERR_INVALID_SPI, 2);
	asat_u64(t->ctr_set, 1u << VX_TC_ERR_INVALID_SPI, "counters");
	asat_u64(t->nsas, 0, "nsas");
	/* A reported 0 is a 0, not absent. */
	t = asat_tunnel(s, "10.11.200.23");
	asat_ctr(t, VX_TC_ERR_INVALID_SPI, 0);
	t = asat_tunnel(s, "10.12.200.22");
	asat_ctr(t, VX_TC_ERR_INVALID_SPI, 0);
	asat_dev_absent(s, VX_DV_INVALID_SPI);
}

static void
test_ntc(void **state)
{
	(void)state;
	asat_variants(asa_parse_vpn_context,
	    "cisco_asa/show_asp_table_vpn-context_detail_ntc.txt", CMD,
	    check_ntc);
}

/*
 * Entries without "Peer IP" go to the tunnel that holds their SPI in the
 * same direction, here the tunnels of "show crypto ipsec sa".
 */
static void
test_spi_only(void **state)
{
	static const char ctx[] =
	    "VPN CTX  = 0x00000001\n\nState    = UP\n"
	    "Flags    = DECR+ESP+NATT\nSPI  = 0x32F752FF\nBad SPI  = 4\n\n"
	    "VPN CTX  = 0x00000002\nFlags    = ENCR+ESP+NATT\n"
	    "SPI  = 0x50023ddc\nBad SPI  = 1\n\n"
	    /* 8.8.8.8's outbound SPI, but an inbound context. */
	    "VPN CTX  = 0x00000003\nFlags    = DECR+ESP\n"
	    "SPI  = 0x50023DDC\nBad SPI  = 7\n\n"
	    /* 172.20.0.21's inbound SPI, but an outbound context. */
	    "VPN CTX  = 0x00000006\nFlags    = ENCR+ESP\n"
	    "SPI  = 0x1E8246FC\nBad SPI  = 11\n\n"
	    /* Nobody's SPI. */
	    "VPN CTX  = 0x00000004\nFlags    = DECR+ESP\n"
	    "SPI  = 0xDEADBEEF\nBad SPI  = 9\n\n"
	    /* No direction: either side matches. */
	    "VPN CTX  = 0x00000005\nSPI  = 0x1E8246FC\nBad SPI  = 2\n";
	struct vx_strbuf	 in;
	struct vx_snapshot	*s;
	struct vx_err		 err;
	int			 rc;

	(void)state;
	vxt_read_fixture("cisco_asa/show_crypto_ipsec_sa_ntc_multi.txt", &in);
	asat_case("SPI-only entries");
	s = asat_parse_ok(asa_parse_ipsec_sa, in.buf, in.len);
	vx_err_clear(&err);
	rc = asa_parse_vpn_context(ctx, sizeof(ctx) - 1, s, &err);
	asat_ok(rc, &err);
	asat_u64(s->ntunnels, 3, "ntunnels");
	asat_ctr(asat_tunnel(s, "8.8.8.8"), VX_TC_ERR_INVALID_SPI, 5);
	asat_ctr(asat_tunnel(s, "172.20.0.21"), VX_TC_ERR_INVALID_SPI, 2);
	asat_ctr_absent(asat_tunnel(s, "REMOTE-PEER-8.8.4.4"),
	    VX_TC_ERR_INVALID_SPI);
	vx_snapshot_unref(s);
	vx_strbuf_release(&in);
}

/* The same SPI on two tunnels: charged to neither. */
static void
test_spi_ambiguous(void **state)
{
	static const char ctx[] =
	    "VPN CTX = 0x1\nFlags = DECR\nSPI = 0x00000100\nBad SPI = 3\n";
	struct vx_snapshot	*s = vx_snapshot_new("asa-t");
	struct vx_sa		 sa = { .spi_in = 0x100, .has_in = true };
	struct vx_tunnel	*a, *b;
	struct vx_err		 err;
	int			 rc;

	(void)state;
	asat_case("ambiguous SPI");
	assert_non_null(s);
	a = vx_snapshot_tunnel(s, NULL, "192.0.2.1");
	b = vx_snapshot_tunnel(s, NULL, "192.0.2.2");
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(vx_tunnel_add_sa(s, a, &sa), 0);
	assert_int_equal(vx_tunnel_add_sa(s, b, &sa), 0);
	rc = asa_parse_vpn_context(ctx, sizeof(ctx) - 1, s, &err);
	asat_ok(rc, &err);
	asat_ctr_absent(a, VX_TC_ERR_INVALID_SPI);
	asat_ctr_absent(b, VX_TC_ERR_INVALID_SPI);
	asat_u64(s->ntunnels, 2, "ntunnels");
	vx_snapshot_unref(s);
}

static const struct {
	const char	*name;
	const char	*text;
	size_t		 ntunnels;
} oks[] = {
	{ "empty output", "", 0 },
	{ "prompt only", "asa-1# show asp table vpn-context detail\nasa-1# ",
	  0 },
	{ "no Bad SPI field anywhere", "VPN CTX = 0x1\nPeer IP = 192.0.2.1\n"
	  "SPI = 0x1\nPkts = 5\n\nVPN CTX = 0x2\nPeer IP = 192.0.2.1\n", 0 },
	{ "wrapped line inside an entry", "VPN CTX = 0x1\nPeer IP = 192.0.2.1"
	  "\nVPN Filter = <none>\ncontinued text\nBad SPI = 0\n", 1 },
};

static void
test_oks(void **state)
{
	(void)state;
	for (size_t i = 0; i < ASAT_NELEM(oks); i++) {
		struct vx_snapshot *s = asat_row_ok(asa_parse_vpn_context, i,
		    oks[i].name, oks[i].text);

		asat_u64(s->ntunnels, oks[i].ntunnels, "ntunnels");
		vx_snapshot_unref(s);
	}
}

static const struct asat_error_case errors[] = {
	{ "invalid input", "asa-1# show asp table vpn-contxt detail\n  ^\n"
	  "ERROR: % Invalid input detected at '^' marker.\n", VX_E_PROTOCOL,
	  3, "Invalid input" },
	{ "pager", "VPN CTX = 0x1\n<--- More --->\n", VX_E_PROTOCOL, 2,
	  "terminal pager 0" },
	{ "garbage", "hello\n", VX_E_PARSE, 1, "not 'show asp table "
	  "vpn-context detail' output" },
	{ "field before an entry", "Peer IP = 192.0.2.1\n", VX_E_PARSE, 1,
	  "not 'show asp table vpn-context detail' output" },
	{ "bad Bad SPI", "VPN CTX = 0x1\nPeer IP = 192.0.2.1\nBad SPI = x\n",
	  VX_E_PARSE, 3, "bad 'Bad SPI' count" },
	{ "Bad SPI cut short", "VPN CTX = 0x1\nPeer IP = 192.0.2.1\n"
	  "Bad SPI =", VX_E_PARSE, 3, "bad 'Bad SPI' count" },
	{ "bad SPI", "VPN CTX = 0x1\nSPI = 0xZZ\n", VX_E_PARSE, 2,
	  "bad SPI" },
	{ "empty peer", "VPN CTX = 0x1\nPeer IP =\n", VX_E_PARSE, 2,
	  "bad peer address" },
	{ "entry without Bad SPI", "VPN CTX = 0x1\nPeer IP = 192.0.2.1\n"
	  "Bad SPI = 1\nVPN CTX = 0x2\nPeer IP = 192.0.2.1\nSPI = 0x2\n",
	  VX_E_PARSE, 4, "without 'Bad SPI'" },
};

static void
test_errors(void **state)
{
	(void)state;
	asat_error_cases(asa_parse_vpn_context, errors, ASAT_NELEM(errors),
	    NULL);
}

/* The fixture cut before the last entry's "Bad SPI" line. */
static void
test_truncated(void **state)
{
	struct vx_strbuf	 in;
	const char		*p;

	(void)state;
	vxt_read_fixture("cisco_asa/show_asp_table_vpn-context_detail_ntc.txt",
	    &in);
	p = strstr(in.buf, "Peer IP  = 10.12.200.22");
	assert_non_null(p);
	p = strstr(p, "Bad SPI");
	assert_non_null(p);
	asat_case("cut before the last Bad SPI");
	asat_parse_err(asa_parse_vpn_context, in.buf, (size_t)(p - in.buf),
	    VX_E_PARSE, 73, "without 'Bad SPI'");
	vx_strbuf_release(&in);
}

/* A tunnel appears only with its count. */
static void
check_counted(const struct vx_snapshot *s, const char *text, size_t n)
{
	(void)text;
	(void)n;
	for (size_t i = 0; i < s->ntunnels; i++)
		asat_ctr(s->tunnels[i], VX_TC_ERR_INVALID_SPI,
		    s->tunnels[i]->ctr[VX_TC_ERR_INVALID_SPI]);
}

static void
test_every_prefix(void **state)
{
	(void)state;
	asat_prefixes_fixture(asa_parse_vpn_context,
	    "cisco_asa/show_asp_table_vpn-context_detail_ntc.txt",
	    check_counted);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ntc),
		cmocka_unit_test(test_spi_only),
		cmocka_unit_test(test_spi_ambiguous),
		cmocka_unit_test(test_oks),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_every_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
