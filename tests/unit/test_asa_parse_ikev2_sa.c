/*
 * asa_parse_ikev2_sa: the genie fixtures in every run-time variant, child
 * SA pairs on the tunnel, lifetimes, up/down rules, detail lines,
 * truncation and error paths.
 */
#include "test_asa_cli.h"

#define CMD	"show crypto ikev2 sa"

static void
check_genie1(const struct vx_snapshot *s)
{
	const struct vx_ike_sa *ike;
	struct vx_tunnel *t;

	assert_true(s->ike_known);
	asat_u64(s->nike, 1, "nike");
	/* Life/Active Time: 43200/880 sec. */
	asat_ike(s, "2001:db8:2:1::2", true, "established", "initiator", "2",
	    43200 - 880);
	ike = vx_snapshot_find_ike_sa(s, "2001:db8:2:1::2");
	asat_str(ike->attr[VX_IA_LOCAL_ADDR], "2001:db8:2:1::1",
	    "local address");
	asat_u64(s->ntunnels, 1, "ntunnels");
	t = asat_tunnel(s, "2001:db8:2:1::2");
	asat_str(t->attr[VX_TA_IKE_VERSION], "2", "IKE version");
	asat_u64(t->nsas, 2, "nsas");
	asat_sa(t, "0xbe064bdc", "0x5db6eff3", VX_SA_ACTIVE);
	asat_sa(t, "0x69b865f8", "0x978dbbe5", VX_SA_ACTIVE);
	asat_u64(t->ctr_set, 0, "counters set");
	asat_life(t, -1, -1);
}

static void
test_genie1(void **state)
{
	(void)state;
	asat_variants(asa_parse_ikev2_sa,
	    "cisco_asa/show_crypto_ikev2_sa_genie1.txt", CMD, check_genie1);
}

static void
check_empty(const struct vx_snapshot *s)
{
	assert_true(s->ike_known);
	asat_u64(s->nike, 0, "nike");
	asat_u64(s->ntunnels, 0, "ntunnels");
}

static void
test_empty(void **state)
{
	(void)state;
	asat_variants(asa_parse_ikev2_sa,
	    "cisco_asa/show_crypto_ikev2_sa_genie_empty.txt", CMD, check_empty);
}

#define HDR	"IKEv2 SAs:\n\n"
#define COLS	"Tunnel-id Local Remote Status Role\n"

static const struct {
	const char	*name;
	const char	*text;
	const char	*peer;
	bool		 up;
	const char	*state;
	const char	*role;
	int64_t		 life;
	size_t		 nsas;		/* peer tunnel SAs (0: none) */
} cases[] = {
	{ "negotiating session",
	  HDR "Session-id:7, Status:UP-IN-NEG, IKE count:1, CHILD count:0\n"
	  COLS "  11 192.0.2.1/500 198.51.100.9/500 IN-NEG RESPONDER\n"
	  "      Life/Active Time: 86400/0 sec\n",
	  "198.51.100.9", false, "negotiating", "responder", 86400, 0 },
	{ "session up, tunnel rekeying",
	  HDR "Session-id:7, Status:UP-ACTIVE, IKE count:2, CHILD count:1\n"
	  COLS "  11 192.0.2.1/4500 198.51.100.9/4500 IN-NEG RESPONDER\n"
	  "      Life/Active Time: 86400/86000 sec\n"
	  "  12 192.0.2.1/4500 198.51.100.9/4500 READY INITIATOR\n"
	  "      Life/Active Time: 86400/415 sec\n"
	  "Child sa: local selector  10.0.0.0/0 - 10.0.0.255/65535\n"
	  "          remote selector 10.1.0.0/0 - 10.1.0.255/65535\n"
	  "          ESP spi in/out: 0xDEADBEEF/0x00000001\n",
	  "198.51.100.9", true, "established", "initiator", 400, 1 },
	{ "tunnel ready, session status unknown",
	  HDR "Session-id:7, Status:UP-IN-NEG, IKE count:1, CHILD count:0\n"
	  COLS "  11 192.0.2.1/500 198.51.100.9/500 READY RESPONDER\n",
	  "198.51.100.9", true, "established", "responder", -1, 0 },
	{ "remaining time given",
	  HDR "Session-id:7, Status:UP-ACTIVE, IKE count:1, CHILD count:0\n"
	  COLS "  11 192.0.2.1/500 198.51.100.9/500 READY RESPONDER\n"
	  "      Life/Remaining/Active Time: 86400/86000/400 sec\n",
	  "198.51.100.9", true, "established", "responder", 86000, 0 },
	{ "active longer than life",
	  HDR "Session-id:7, Status:UP-ACTIVE, IKE count:1, CHILD count:0\n"
	  COLS "  11 192.0.2.1/500 198.51.100.9/500 READY RESPONDER\n"
	  "      Life/Active Time: 100/200 sec\n",
	  "198.51.100.9", true, "established", "responder", 0, 0 },
	{ "detail lines",
	  "asa-1# show crypto ikev2 sa detail\n"
	  HDR "Session-id:138, Status:UP-ACTIVE, IKE count:1, CHILD count:1\n"
	  "\nTunnel-id                 Local                 Remote     "
	  "Status         Role\n"
	  " 13405683 192.0.2.1/500    198.51.100.9/500           READY    "
	  "INITIATOR\n"
	  "      Encr: AES-CBC, keysize: 256, Hash: SHA96, DH Grp:14, Auth "
	  "sign: PSK, Auth verify: PSK\n"
	  "      Life/Active Time: 86400/44 sec\n"
	  "      Session-id: 138\n"
	  "      Status Description: Negotiation done\n"
	  "      Local spi: 6A1E2B4F38C2E9A1       Remote spi: "
	  "9C3B7E5D2A1F0B8E\n"
	  "Child sa: local selector  10.0.0.0/0 - 10.0.0.255/65535\n"
	  "          remote selector 10.1.0.0/0 - 10.1.0.255/65535\n"
	  "          ESP spi in/out: 0x4b4e4c6b/0x8c3d8a26\n"
	  "          AH spi in/out: 0x0/0x0\n"
	  "          CPI in/out: 0x0/0x0\n"
	  "          Encr: AES-CBC, keysize: 256, esp_hmac: SHA96\n"
	  "          ah_hmac: None, comp: IPCOMP_NONE, mode tunnel\n"
	  "asa-1# ",
	  "198.51.100.9", true, "established", "initiator", 86356, 1 },
};

static void
test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < ASAT_NELEM(cases); i++) {
		struct vx_snapshot	*s;
		struct vx_tunnel	*t;

		s = asat_row_ok(asa_parse_ikev2_sa, i, cases[i].name,
		    cases[i].text);
		asat_u64(s->nike, 1, "nike");
		asat_ike(s, cases[i].peer, cases[i].up, cases[i].state,
		    cases[i].role, "2", cases[i].life);
		t = vx_snapshot_find_tunnel(s, NULL, cases[i].peer);
		if (cases[i].nsas == 0 && t != NULL)
			ASAT_FAIL("tunnel without child SAs");
		if (cases[i].nsas != 0) {
			t = asat_tunnel(s, cases[i].peer);
			asat_u64(t->nsas, cases[i].nsas, "nsas");
		}
		vx_snapshot_unref(s);
	}
}

/* The SPI pairs of the two cases that have children. */
static void
test_child_spis(void **state)
{
	struct vx_snapshot *s;

	(void)state;
	asat_case("rekeying child");
	s = asat_parse_ok(asa_parse_ikev2_sa, cases[1].text,
	    strlen(cases[1].text));
	asat_sa(asat_tunnel(s, "198.51.100.9"), "0xdeadbeef", "0x00000001",
	    VX_SA_ACTIVE);
	vx_snapshot_unref(s);

	asat_case("detail child, AH and CPI skipped");
	s = asat_parse_ok(asa_parse_ikev2_sa, cases[5].text,
	    strlen(cases[5].text));
	asat_sa(asat_tunnel(s, "198.51.100.9"), "0x4b4e4c6b", "0x8c3d8a26",
	    VX_SA_ACTIVE);
	vx_snapshot_unref(s);
}

/* Two sessions for two peers, the second one down. */
static void
test_two_sessions(void **state)
{
	static const char text[] =
	    HDR "Session-id:1, Status:UP-ACTIVE, IKE count:1, CHILD count:1\n"
	    COLS "  1 192.0.2.1/500 198.51.100.1/500 READY INITIATOR\n"
	    "      Life/Active Time: 28800/800 sec\n"
	    "Child sa: local selector 10.0.0.0/0 - 10.0.0.255/65535\n"
	    "          ESP spi in/out: 0x11111111/0x22222222\n\n"
	    "Session-id:2, Status:DELETED, IKE count:1, CHILD count:0\n"
	    COLS "  2 192.0.2.1/500 198.51.100.2/500 DELETE RESPONDER\n"
	    "      Life/Active Time: 28800/28000 sec\n";
	struct vx_snapshot *s;

	(void)state;
	asat_case("two sessions");
	s = asat_parse_ok(asa_parse_ikev2_sa, text, sizeof(text) - 1);
	asat_u64(s->nike, 2, "nike");
	asat_ike(s, "198.51.100.1", true, "established", "initiator", "2", 28000);
	asat_ike(s, "198.51.100.2", false, "deleting", "responder", "2", 800);
	asat_u64(s->ntunnels, 1, "ntunnels");
	asat_sa(asat_tunnel(s, "198.51.100.1"), "0x11111111", "0x22222222",
	    VX_SA_ACTIVE);
	vx_snapshot_unref(s);
}

static const struct asat_error_case errors[] = {
	{ "invalid input", "asa-1# show crypto ikev3 sa\n       ^\n"
	  "ERROR: % Invalid input detected at '^' marker.\n", VX_E_PROTOCOL,
	  3, "Invalid input" },
	{ "pager", HDR "<--- More --->\n", VX_E_PROTOCOL, 3, "pager" },
	{ "empty", "", VX_E_PARSE, 0, "empty output" },
	{ "garbage", "hello\n", VX_E_PARSE, 1,
	  "not 'show crypto ikev2 sa' output" },
	{ "ikev1 output", "There are no IKEv1 SAs\n", VX_E_PARSE, 1,
	  "not 'show crypto ikev2 sa' output" },
	{ "session cut short", HDR "Session-id:1, Status:UP-ACTIVE, IKE "
	  "count:1, CHILD count:1\n\n" COLS, VX_E_PARSE, 3,
	  "without a tunnel line" },
	{ "session without tunnel", HDR "Session-id:1, Status:UP-ACTIVE\n"
	  "Session-id:2, Status:UP-ACTIVE\n" COLS "  2 192.0.2.1/500 "
	  "198.51.100.2/500 READY RESPONDER\n", VX_E_PARSE, 3,
	  "without a tunnel line" },
	{ "tunnel line cut short", HDR "Session-id:1, Status:UP-ACTIVE\n"
	  COLS "  3686011 2001:db8:2:1::1/500", VX_E_PARSE, 5,
	  "tunnel line cut short" },
	{ "tunnel line outside a session", HDR COLS "  1 192.0.2.1/500 "
	  "198.51.100.2/500 READY RESPONDER\n", VX_E_PARSE, 4,
	  "outside a session" },
	{ "lifetime cut short", HDR "Session-id:1, Status:UP-ACTIVE\n" COLS
	  "  1 192.0.2.1/500 198.51.100.2/500 READY RESPONDER\n"
	  "      Life/Active Time: 43200/880", VX_E_PARSE, 6,
	  "bad lifetime" },
	{ "lifetime not numbers", HDR "Session-id:1, Status:UP-ACTIVE\n" COLS
	  "  1 192.0.2.1/500 198.51.100.2/500 READY RESPONDER\n"
	  "      Life/Active Time: 43200/x sec\n", VX_E_PARSE, 6,
	  "bad lifetime" },
	{ "lifetime before a tunnel", HDR "Session-id:1, Status:UP-ACTIVE\n"
	  "      Life/Active Time: 43200/1 sec\n", VX_E_PARSE, 4,
	  "lifetime before any tunnel line" },
	{ "child before a tunnel", HDR "Session-id:1, Status:UP-ACTIVE\n"
	  "          ESP spi in/out: 0x1/0x2\n", VX_E_PARSE, 4,
	  "child SA before any tunnel line" },
	{ "child SPI cut short", HDR "Session-id:1, Status:UP-ACTIVE\n" COLS
	  "  1 192.0.2.1/500 198.51.100.2/500 READY RESPONDER\n"
	  "          ESP spi in/out: 0xbe064bdc/", VX_E_PARSE, 6,
	  "bad SPI pair" },
};

static void
test_errors(void **state)
{
	(void)state;
	asat_error_cases(asa_parse_ikev2_sa, errors, ASAT_NELEM(errors),
	    asat_no_ike);
}

/* Whatever parses: child SAs are active and marked IKEv2. */
static void
check_children(const struct vx_snapshot *s, const char *text, size_t n)
{
	(void)text;
	(void)n;
	if (!s->ike_known)
		ASAT_FAIL("ike_known not set");
	for (size_t i = 0; i < s->ntunnels; i++) {
		asat_str(s->tunnels[i]->attr[VX_TA_IKE_VERSION], "2",
		    "IKE version");
		for (size_t j = 0; j < s->tunnels[i]->nsas; j++)
			asat_u64(s->tunnels[i]->sas[j].state, VX_SA_ACTIVE,
			    "SA state");
	}
}

static void
test_every_prefix(void **state)
{
	(void)state;
	asat_prefixes_fixture(asa_parse_ikev2_sa,
	    "cisco_asa/show_crypto_ikev2_sa_genie1.txt", check_children);
	asat_prefixes(asa_parse_ikev2_sa, cases[5].text, strlen(cases[5].text),
	    check_children);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_genie1),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_child_spis),
		cmocka_unit_test(test_two_sessions),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_every_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
