/*
 * core/scrub.c: a device's secrets masked in text and in every string of
 * a snapshot, the lookup indexes rebuilt after.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "scrub.h"

static const char *const secrets[] = { "s3cret-enable", "public", "x" };

static void
test_text(void **state)
{
	char a[] = "asa# s3cret-enable\r\nERROR: % Invalid input s3cret-enable";
	char b[] = "community publicpublic and pub lic";
	char c[] = "nothing here, x marks";

	(void)state;
	assert_int_equal(vx_scrub_text(a, secrets, 3), 2);
	assert_string_equal(a, "asa# *************\r\nERROR: % Invalid input "
	    "*************");
	assert_int_equal(vx_scrub_text(b, secrets, 3), 2);
	assert_string_equal(b, "community ************ and pub lic");
	/* A one-letter secret would mask words: not scrubbed. */
	assert_int_equal(vx_scrub_text(c, secrets, 3), 0);
	assert_int_equal(vx_scrub_text(NULL, secrets, 3), 0);
}

static void
test_snapshot(void **state)
{
	struct vx_snapshot	*s = vx_snapshot_new("asa-1");
	struct vx_tunnel	*t;
	struct vx_ike_sa	*ike;
	struct vx_sa		 sa = { 1, 2, true, true, VX_SA_ACTIVE,
				    "10.0.0.0/public", NULL };

	(void)state;
	t = vx_snapshot_tunnel(s, "tg-public", "192.0.2.1");
	vx_tunnel_set_attr(s, t, VX_TA_CRYPTO_MAP, "map s3cret-enable");
	assert_int_equal(vx_tunnel_add_sa(s, t, &sa), 0);
	ike = vx_snapshot_ike_sa(s, "peer-public");
	vx_ike_sa_set_attr(s, ike, VX_IA_ROLE, "public");
	assert_int_equal(vx_snapshot_add_drop(s, "frame", "public-drop", 1), 0);
	assert_int_equal(vx_snapshot_scrub(s, secrets, 3), 6);
	assert_string_equal(t->name, "tg-******");
	assert_string_equal(t->attr[VX_TA_CRYPTO_MAP], "map *************");
	assert_string_equal(t->sas[0].local_ident, "10.0.0.0/******");
	assert_string_equal(ike->peer, "peer-******");
	assert_string_equal(s->drops[0].reason, "******-drop");
	/* The indexes find the scrubbed names once rebuilt. */
	assert_int_equal(vx_snapshot_reindex(s), 0);
	assert_ptr_equal(vx_snapshot_find_tunnel(s, "tg-******", "192.0.2.1"),
	    t);
	assert_ptr_equal(vx_snapshot_find_ike_sa(s, "peer-******"), ike);
	assert_null(vx_snapshot_find_ike_sa(s, "peer-public"));
	assert_int_equal(vx_snapshot_scrub(s, secrets, 0), 0);
	vx_snapshot_unref(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_snapshot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
