/*
 * The SNMPv3 users the process built keys for (snmp_usm.h): a device
 * whose keys for an engine ID and user differ from another device's is
 * refused (-1), naming that device; agreeing keys, a device's own new keys
 * and a reload's new generation are not (0).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "snmp_usm.h"

static const unsigned char engine_a[] = { 0x80, 0, 0x1f, 0x88, 0x04, 'a' };
static const unsigned char engine_b[] = { 0x80, 0, 0x1f, 0x88, 0x04, 'b' };

/* Owners: their addresses stand for the devices' states. */
static int dev1, dev2, dev3, dev1_next;

static struct vx_snmp_usm_claim
claim(const void *owner, const char *device, const unsigned char *engine,
    const char *user, const char *auth, const char *priv)
{
	struct vx_snmp_usm_claim c = {
		.owner = owner, .device = device, .engine = engine,
		.engine_len = sizeof(engine_a), .user = user,
		.auth = (const unsigned char *)auth, .auth_len = strlen(auth),
		.priv = (const unsigned char *)priv, .priv_len = strlen(priv),
	};

	return c;
}

static int
try(struct vx_snmp_usm_claim c, char *other)
{
	other[0] = '\0';
	return vx_snmp_usm_claim(&c, other, 64);
}

static void
test_other_keys_refused_same_keys_shared(void **state)
{
	char other[64];

	(void)state;
	assert_int_equal(try(claim(&dev1, "asa-1", engine_a, "monitor",
	    "K1", "P1"), other), 0);
	/* Its own keys again (a rediscovery). */
	assert_int_equal(try(claim(&dev1, "asa-1", engine_a, "monitor",
	    "K1", "P1"), other), 0);
	/* The same keys: one user serves both. */
	assert_int_equal(try(claim(&dev2, "asa-2", engine_a, "monitor",
	    "K1", "P1"), other), 0);
	/* Another auth key, or another privacy key: refused, naming one. */
	assert_int_equal(try(claim(&dev3, "asa-3", engine_a, "monitor",
	    "K2", "P1"), other), -1);
	assert_true(strcmp(other, "asa-1") == 0 || strcmp(other, "asa-2") == 0);
	assert_int_equal(try(claim(&dev3, "asa-3", engine_a, "monitor",
	    "K1", "P2"), other), -1);
	/* Another user or another engine ID: no clash. */
	assert_int_equal(try(claim(&dev3, "asa-3", engine_a, "other",
	    "K2", "P2"), other), 0);
	assert_int_equal(try(claim(&dev3, "asa-3", engine_b, "monitor",
	    "K2", "P2"), other), 0);
	/* A device holds one claim: dev3's moved to engine_b. */
	assert_int_equal(try(claim(&dev1, "asa-1", engine_b, "monitor",
	    "K1", "P1"), other), -1);
	assert_string_equal(other, "asa-3");
	vx_snmp_usm_release(&dev1);
	vx_snmp_usm_release(&dev2);
	assert_int_equal(try(claim(&dev1, "asa-1", engine_a, "monitor",
	    "K7", "P7"), other), 0);
	vx_snmp_usm_release(&dev1);
	vx_snmp_usm_release(&dev3);
}

static void
test_release_lets_the_other_in(void **state)
{
	char other[64];

	(void)state;
	assert_int_equal(try(claim(&dev1, "asa-1", engine_a, "monitor",
	    "K1", "P1"), other), 0);
	assert_int_equal(try(claim(&dev2, "asa-2", engine_a, "monitor",
	    "K2", "P2"), other), -1);
	assert_string_equal(other, "asa-1");
	vx_snmp_usm_release(&dev1);
	assert_int_equal(try(claim(&dev2, "asa-2", engine_a, "monitor",
	    "K2", "P2"), other), 0);
	/* Now asa-1 (back again) is the one refused. */
	assert_int_equal(try(claim(&dev1, "asa-1", engine_a, "monitor",
	    "K1", "P1"), other), -1);
	assert_string_equal(other, "asa-2");
	vx_snmp_usm_release(&dev2);
	/* Releasing an owner with no claim is harmless. */
	vx_snmp_usm_release(&dev3);
}

static void
test_own_new_keys_and_new_generation(void **state)
{
	char other[64];

	(void)state;
	assert_int_equal(try(claim(&dev1, "asa-1", engine_a, "monitor",
	    "K1", "P1"), other), 0);
	/* The same device with a changed password: its own claim moves. */
	assert_int_equal(try(claim(&dev1, "asa-1", engine_a, "monitor",
	    "K9", "P9"), other), 0);
	assert_int_equal(try(claim(&dev2, "asa-2", engine_a, "monitor",
	    "K1", "P1"), other), -1);
	/*
	 * A reload's new state of asa-1 (another owner, the same name)
	 * replaces the old one, which may be released after it.
	 */
	assert_int_equal(try(claim(&dev1_next, "asa-1", engine_a, "monitor",
	    "K1", "P1"), other), 0);
	vx_snmp_usm_release(&dev1);
	assert_int_equal(try(claim(&dev2, "asa-2", engine_a, "monitor",
	    "K1", "P1"), other), 0);
	assert_int_equal(try(claim(&dev3, "asa-3", engine_a, "monitor",
	    "K9", "P9"), other), -1);
	vx_snmp_usm_release(&dev1_next);
	vx_snmp_usm_release(&dev2);
}

static void
test_levels_without_a_key_agree(void **state)
{
	char other[64];

	(void)state;
	/*
	 * authNoPriv, then authPriv with the same auth key: one user,
	 * rebuilt with the privacy key added.
	 */
	assert_int_equal(try(claim(&dev1, "asa-1", engine_a, "monitor",
	    "K1", ""), other), 0);
	assert_int_equal(try(claim(&dev2, "asa-2", engine_a, "monitor",
	    "K1", "P1"), other), 0);
	/* Then authNoPriv and noAuthNoPriv are served by that user. */
	assert_int_equal(try(claim(&dev3, "asa-3", engine_a, "monitor",
	    "K1", ""), other), 0);
	assert_int_equal(try(claim(&dev3, "asa-3", engine_a, "monitor",
	    "", ""), other), 0);
	/* But another auth key clashes, with or without privacy. */
	assert_int_equal(try(claim(&dev3, "asa-3", engine_a, "monitor",
	    "K2", ""), other), -1);
	vx_snmp_usm_release(&dev1);
	vx_snmp_usm_release(&dev2);
	vx_snmp_usm_release(&dev3);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_other_keys_refused_same_keys_shared),
		cmocka_unit_test(test_release_lets_the_other_in),
		cmocka_unit_test(test_own_new_keys_and_new_generation),
		cmocka_unit_test(test_levels_without_a_key_agree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
