/*
 * asa_parse_ikev1_sa: the old one-line table (real fixture) and the 8.4+
 * block form, "no SAs" answers, an isakmp output with an IKEv2 section,
 * truncation and error paths.
 */
#include <strings.h>

#include "test_asa_cli.h"

#define CMD	"show crypto ikev1 sa detail"

static void
check_table(const struct vx_snapshot *s)
{
	assert_true(s->ike_known);
	asat_u64(s->nike, 4, "nike");
	asat_u64(s->ntunnels, 0, "ntunnels");
	/* "AM_Active": the case varies between releases. */
	asat_ike(s, "209.165.200.225", true, "established", "responder",
	    "1", -1);
	asat_ike(s, "209.165.200.226", true, "established", "responder",
	    "1", -1);
	asat_ike(s, "209.165.200.227", true, "established", "responder",
	    "1", -1);
	/* The last row has no newline. */
	asat_ike(s, "209.165.200.228", true, "established", "responder",
	    "1", -1);
}

static void
test_table(void **state)
{
	(void)state;
	asat_variants(asa_parse_ikev1_sa,
	    "cisco_asa/show_crypto_ikev1_sa_detail_ntc.txt", CMD, check_table);
}

static void
check_blocks(const struct vx_snapshot *s)
{
	assert_true(s->ike_known);
	asat_u64(s->nike, 3, "nike");
	asat_ike(s, "203.0.113.1", true, "established", "initiator",
	    "1", -1);
	asat_ike(s, "203.0.113.2", false, "negotiating", "responder",
	    "1", -1);
	/* A failing SA and an active one: up, attributes of the up. */
	asat_ike(s, "203.0.113.3", true, "established", "initiator",
	    "1", -1);
}

static void
test_blocks(void **state)
{
	(void)state;
	asat_variants(asa_parse_ikev1_sa,
	    "cisco_asa/show_crypto_ikev1_sa_block_derived.txt", CMD,
	    check_blocks);
}

static const struct {
	const char	*name;
	const char	*text;
	size_t		 nike;
	const char	*peer;		/* checked when not NULL */
	bool		 up;
	const char	*state;
	const char	*role;
	int64_t		 life;
} cases[] = {
	{ "no IKEv1 SAs", "There are no IKEv1 SAs\n", 0 },
	{ "7.x no SAs", "asa-1# show crypto isakmp sa\n\nThere are no "
	  "isakmp sas\nasa-1# ", 0 },
	{ "detail block with remaining lifetime",
	  "IKEv1 SAs:\n\n   Active SA: 1\n    Rekey SA: 0 (A tunnel will "
	  "report 1 Active and 1 Rekey SA during rekey)\nTotal IKE SA: 1\n\n"
	  "1   IKE Peer: 192.0.2.1\n"
	  "    Type    : L2L             Role    : initiator\n"
	  "    Rekey   : no              State   : MM_ACTIVE\n"
	  "    Encrypt : aes-256         Hash    : SHA\n"
	  "    Auth    : preshared       Lifetime: 86400\n"
	  "    Lifetime Remaining: 86321\n",
	  1, "192.0.2.1", true, "established", "initiator", 86321 },
	{ "lower-case state", "1 IKE Peer: 192.0.2.1\n Type : L2L Role : "
	  "responder\n Rekey : no State : am_active\n", 1, "192.0.2.1", true,
	  "established", "responder", -1 },
	{ "isakmp output with an IKEv2 section",
	  "IKEv1 SAs:\n\n1 IKE Peer: 192.0.2.1\n Type : L2L Role : "
	  "responder\n Rekey : no State : AM_ACTIVE\n\nIKEv2 SAs:\n\n"
	  "Session-id:1, Status:UP-ACTIVE, IKE count:1, CHILD count:1\n\n"
	  "Tunnel-id Local Remote Status Role\n"
	  "  123 192.0.2.10/500 192.0.2.2/500 READY INITIATOR\n",
	  1, "192.0.2.1", true, "established", "responder", -1 },
	{ "active then failing SA", "1 IKE Peer: 192.0.2.1\n Type : L2L "
	  "Role : initiator\n Rekey : no State : MM_ACTIVE\n2 IKE Peer: "
	  "192.0.2.1\n Type : L2L Role : responder\n Rekey : yes State : "
	  "MM_WAIT_MSG2\n", 1, "192.0.2.1", true, "established", "initiator",
	  -1 },
	{ "negotiating only", "1 IKE Peer: 192.0.2.1\n Type : L2L Role : "
	  "initiator\n Rekey : no State : MM_WAIT_MSG2\n", 1, "192.0.2.1",
	  false, "negotiating", "initiator", -1 },
	{ "table row initiator", "IKE Peer Type Dir Rky State Encrypt Hash "
	  "Auth Lifetime\n1 192.0.2.9 L2L Init No MM_ACTIVE aes SHA preshrd "
	  "86400\n", 1, "192.0.2.9", true, "established", "initiator", -1 },
	{ "minimum table row", "IKE Peer Type Dir Rky State\n7 192.0.2.9 L2L "
	  "Resp No MM_WAIT_MSG4\n", 1, "192.0.2.9", false, "negotiating",
	  "responder", -1 },
};

static void
test_cases(void **state)
{
	(void)state;
	for (size_t i = 0; i < ASAT_NELEM(cases); i++) {
		struct vx_snapshot *s = asat_row_ok(asa_parse_ikev1_sa, i,
		    cases[i].name, cases[i].text);

		if (!s->ike_known)
			ASAT_FAIL("ike_known not set");
		asat_u64(s->nike, cases[i].nike, "nike");
		if (cases[i].peer != NULL)
			asat_ike(s, cases[i].peer, cases[i].up, cases[i].state,
			    cases[i].role, "1", cases[i].life);
		vx_snapshot_unref(s);
	}
}

static const struct asat_error_case errors[] = {
	{ "invalid input", "asa-1# show crypto ikev1 sz\n      ^\nERROR: % "
	  "Invalid input detected at '^' marker.\n", VX_E_PROTOCOL, 3,
	  "Invalid input" },
	{ "pager", "IKEv1 SAs:\n<--- More --->\n", VX_E_PROTOCOL, 2,
	  "terminal pager 0" },
	{ "empty", "", VX_E_PARSE, 0, "empty output" },
	{ "only the IKEv2 part", "There are no IKEv2 SAs\n", VX_E_PARSE, 0,
	  "empty output" },
	{ "garbage", "hello\n", VX_E_PARSE, 1,
	  "not 'show crypto ikev1 sa' output" },
	{ "cut after the peer line", "IKEv1 SAs:\n\n1   IKE Peer: 192.0.2.1\n"
	  "    Type    : L2L             Role    : initiator\n", VX_E_PARSE,
	  3, "has no state" },
	{ "block without state", "1 IKE Peer: 192.0.2.1\n Type : L2L\n"
	  "2 IKE Peer: 192.0.2.2\n Rekey : no State : MM_ACTIVE\n",
	  VX_E_PARSE, 1, "'192.0.2.1' has no state" },
	{ "row without header", "1 192.0.2.1 L2L Init No MM_ACTIVE\n",
	  VX_E_PARSE, 1, "without a table header" },
	{ "row cut short", "IKE Peer Type Dir Rky State\n1 192.0.2.1 User "
	  "Resp", VX_E_PARSE, 2, "cut short" },
	{ "empty peer", "1   IKE Peer:\n", VX_E_PARSE, 1, "bad IKE peer" },
	{ "empty state", "1 IKE Peer: 192.0.2.1\n Rekey : no State :\n",
	  VX_E_PARSE, 2, "bad state" },
	{ "bad remaining lifetime", "1 IKE Peer: 192.0.2.1\n Rekey : no "
	  "State : MM_ACTIVE\n Lifetime Remaining: soon\n", VX_E_PARSE, 3,
	  "bad remaining lifetime" },
};

static void
test_errors(void **state)
{
	(void)state;
	asat_error_cases(asa_parse_ikev1_sa, errors, ASAT_NELEM(errors),
	    asat_no_ike);
}

/* up if and only if the normalized state is established. */
static void
check_up_state(const struct vx_snapshot *s, const char *text, size_t n)
{
	(void)text;
	(void)n;
	if (!s->ike_known)
		ASAT_FAIL("ike_known not set");
	for (size_t i = 0; i < s->nike; i++) {
		enum vx_ike_state	st = s->ike[i]->state;
		bool			active = st == VX_IKE_ESTABLISHED;

		if (st == VX_IKE_UNKNOWN || active != s->ike[i]->up)
			ASAT_FAIL("'%s' up %d with state %d", s->ike[i]->peer,
			    s->ike[i]->up, (int)st);
	}
}

static void
test_every_prefix(void **state)
{
	static const char *const files[] = {
		"cisco_asa/show_crypto_ikev1_sa_detail_ntc.txt",
		"cisco_asa/show_crypto_ikev1_sa_block_derived.txt",
	};

	(void)state;
	for (size_t i = 0; i < ASAT_NELEM(files); i++)
		asat_prefixes_fixture(asa_parse_ikev1_sa, files[i],
		    check_up_state);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_blocks),
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_every_prefix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
