/*
 * SPI agreement of the two ends of a tunnel (core/spi_match.c) and the
 * pairing of tunnels across devices with its grace period
 * (exporter/correlate.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cfg.h"
#include "correlate.h"
#include "spi_match.h"

static struct vx_tunnel *
tunnel(struct vx_snapshot *s, const char *peer, const char *local)
{
	struct vx_tunnel *t = vx_snapshot_tunnel(s, NULL, peer);

	assert_non_null(t);
	if (local != NULL)
		vx_tunnel_set_attr(s, t, VX_TA_LOCAL_ADDR, local);
	return t;
}

static void
sa(struct vx_snapshot *s, struct vx_tunnel *t, uint32_t in, uint32_t out,
    enum vx_sa_state st)
{
	struct vx_sa x = { in, out, true, true, st, NULL, NULL };

	assert_int_equal(vx_tunnel_add_sa(s, t, &x), 0);
}

static void
test_agreement(void **state)
{
	struct vx_snapshot	*s = vx_snapshot_new("x");
	struct vx_tunnel	*a = tunnel(s, "b", NULL);
	struct vx_tunnel	*b = tunnel(s, "a", NULL);
	struct vx_tunnel	*c = tunnel(s, "c", NULL);
	struct vx_tunnel	*d = tunnel(s, "d", NULL);

	(void)state;
	assert_int_equal(vx_spi_agreement(a, b), VX_SPI_UNKNOWN);
	/* a: in 1 out 2; b: in 2 out 1. */
	sa(s, a, 1, 2, VX_SA_ACTIVE);
	sa(s, b, 2, 1, VX_SA_ACTIVE);
	assert_int_equal(vx_spi_agreement(a, b), VX_SPI_MATCH);
	assert_int_equal(vx_spi_agreement(b, a), VX_SPI_MATCH);
	/* A one-sided rekey on c: new pair 3/4 the other end (b) lacks. */
	sa(s, c, 3, 4, VX_SA_ACTIVE);
	sa(s, c, 1, 2, VX_SA_EXPIRING);
	assert_int_equal(vx_spi_agreement(c, b), VX_SPI_MISMATCH);
	/* During a rekey overlap the new pair must be on both ends. */
	sa(s, d, 4, 3, VX_SA_ACTIVE);
	sa(s, d, 2, 1, VX_SA_EXPIRING);
	assert_int_equal(vx_spi_agreement(c, d), VX_SPI_MATCH);
	/* An end that is down says nothing. */
	d->up = false;
	assert_int_equal(vx_spi_agreement(c, d), VX_SPI_UNKNOWN);
	assert_int_equal(vx_spi_agreement(NULL, a), VX_SPI_UNKNOWN);
	vx_snapshot_unref(s);
}

/* Two phase-2 children per end: every current outbound must be known. */
static void
test_children(void **state)
{
	struct vx_snapshot	*s = vx_snapshot_new("x");
	struct vx_tunnel	*a = tunnel(s, "b", NULL);
	struct vx_tunnel	*b = tunnel(s, "a", NULL);

	(void)state;
	sa(s, a, 10, 20, VX_SA_ACTIVE);
	sa(s, a, 11, 21, VX_SA_ACTIVE);
	sa(s, b, 20, 10, VX_SA_ACTIVE);
	sa(s, b, 21, 11, VX_SA_ACTIVE);
	assert_int_equal(vx_spi_agreement(a, b), VX_SPI_MATCH);
	sa(s, a, 12, 22, VX_SA_ACTIVE);	/* a third child b never saw */
	assert_int_equal(vx_spi_agreement(a, b), VX_SPI_MISMATCH);
	vx_snapshot_unref(s);
}

/*
 * Whether device() summarises the local addresses as the core does before
 * publishing (vx_snapshot_index_locals); without, the correlator reads
 * every tunnel.  The pairing tests run both ways.
 */
static bool	index_locals;

/* A current snapshot of device name with one tunnel to peer. */
static struct vx_snapshot *
device(const char *name, const char *peer, const char *local, uint32_t in,
    uint32_t out, int64_t at)
{
	struct vx_snapshot	*s = vx_snapshot_new(name);
	struct vx_tunnel	*t = tunnel(s, peer, local);

	s->up = true;
	s->collected_ms = at;
	sa(s, t, in, out, VX_SA_ACTIVE);
	if (index_locals)
		assert_int_equal(vx_snapshot_index_locals(s), 0);
	return s;
}

static struct vx_spi_check *
run(struct vx_correlator *c, struct vx_snapshot *a, struct vx_snapshot *b,
    const struct vx_strlist *pd, int64_t now, size_t *n)
{
	struct vx_corr_dev devs[] = {
		{ "asa-a", a, pd, 60000, true },
		{ "asa-b", b, NULL, 30000, false },
	};

	return vx_correlate(c, devs, 2, now, n);
}

/*
 * Pairing by addresses, the grace period (the larger of the two ends'),
 * and an agreement that clears the mismatch.
 */
static void
test_grace(void **state)
{
	struct vx_correlator	 c;
	struct vx_snapshot	*a, *b;
	struct vx_spi_check	*k;
	size_t			 n;

	(void)state;
	vx_correlator_init(&c);
	/* a is 192.0.2.1, b is 192.0.2.2; b still sends with SPI 7. */
	a = device("asa-a", "192.0.2.2", "192.0.2.1", 5, 6, 1000);
	b = device("asa-b", "192.0.2.1", "192.0.2.2", 6, 7, 1000);
	k = run(&c, a, b, NULL, 1000, &n);
	assert_int_equal(n, 1);
	assert_string_equal(k[0].peer_device, "asa-b");
	assert_string_equal(k[0].tunnel, "192.0.2.2");
	assert_ptr_equal(k[0].snap, a);
	assert_false(k[0].mismatch);		/* within the grace */
	free(k);
	vx_snapshot_unref(a);
	a = device("asa-a", "192.0.2.2", "192.0.2.1", 5, 6, 61000);
	k = run(&c, a, b, NULL, 61000, &n);
	assert_int_equal(n, 1);
	assert_false(k[0].mismatch);		/* exactly the grace */
	free(k);
	vx_snapshot_unref(a);
	a = device("asa-a", "192.0.2.2", "192.0.2.1", 5, 6, 62000);
	k = run(&c, a, b, NULL, 62000, &n);
	assert_true(k[0].mismatch);
	free(k);
	vx_snapshot_unref(b);
	/* b cleared its SAs: they agree again, and a new mismatch waits. */
	b = device("asa-b", "192.0.2.1", "192.0.2.2", 6, 5, 63000);
	k = run(&c, a, b, NULL, 63000, &n);
	assert_false(k[0].mismatch);
	free(k);
	vx_snapshot_unref(b);
	b = device("asa-b", "192.0.2.1", "192.0.2.2", 6, 9, 64000);
	k = run(&c, a, b, NULL, 64000, &n);
	assert_false(k[0].mismatch);
	free(k);
	/* An end that failed its poll: unknown, the series is absent. */
	b->up = false;
	k = run(&c, a, b, NULL, 200000, &n);
	assert_int_equal(n, 0);
	free(k);
	vx_snapshot_unref(a);
	vx_snapshot_unref(b);
	vx_correlator_release(&c);
}

/* peer_devices names the other end where addresses do not match (NAT). */
static void
test_configured_pair(void **state)
{
	struct vx_correlator	 c;
	char			*pv[] = { "203.0.113.9", "asa-b" };
	struct vx_strlist	 pd = { pv, 2 };
	struct vx_snapshot	*a, *b;
	struct vx_spi_check	*k;
	size_t			 n;

	(void)state;
	vx_correlator_init(&c);
	/* a knows b by its public address; b's tunnel to a's local one. */
	a = device("asa-a", "203.0.113.9", "192.0.2.1", 5, 6, 1000);
	b = device("asa-b", "192.0.2.1", "10.0.0.2", 6, 5, 1000);
	k = run(&c, a, b, NULL, 1000, &n);
	assert_int_equal(n, 0);			/* no address says so */
	free(k);
	k = run(&c, a, b, &pd, 1000, &n);
	assert_int_equal(n, 1);
	assert_string_equal(k[0].peer_device, "asa-b");
	assert_false(k[0].mismatch);
	free(k);
	vx_snapshot_unref(a);
	vx_snapshot_unref(b);
	vx_correlator_release(&c);
}

/* Two devices claim the same local address: no guess, no series. */
static void
test_ambiguous(void **state)
{
	struct vx_correlator	 c;
	struct vx_snapshot	*a = device("asa-a", "192.0.2.2", "192.0.2.1",
				    5, 6, 1000);
	struct vx_snapshot	*b = device("asa-b", "192.0.2.1", "192.0.2.2",
				    6, 5, 1000);
	struct vx_snapshot	*b2 = device("asa-b2", "192.0.2.1",
				    "192.0.2.2", 6, 5, 1000);
	struct vx_corr_dev	 devs[] = {
		{ "asa-a", a, NULL, 60000, true },
		{ "asa-b", b, NULL, 60000, false },
		{ "asa-b2", b2, NULL, 60000, false },
	};
	struct vx_spi_check	*k;
	size_t			 n;

	(void)state;
	vx_correlator_init(&c);
	k = vx_correlate(&c, devs, 3, 1000, &n);
	assert_int_equal(n, 0);
	free(k);
	vx_snapshot_unref(a);
	vx_snapshot_unref(b);
	vx_snapshot_unref(b2);
	vx_correlator_release(&c);
}

/* The summary: each distinct local address, and its one tunnel. */
static void
test_locals_summary(void **state)
{
	struct vx_snapshot	*s = vx_snapshot_new("asa-a");
	struct vx_tunnel	*t1 = tunnel(s, "198.51.100.1", "192.0.2.1");
	struct vx_tunnel	*t3;

	(void)state;
	(void)t1;
	tunnel(s, "198.51.100.2", "192.0.2.1");
	t3 = tunnel(s, "198.51.100.3", "192.0.2.9");
	tunnel(s, "198.51.100.4", NULL);
	assert_int_equal(vx_snapshot_index_locals(s), 0);
	assert_true(s->locals_set);
	assert_int_equal(s->nlocals, 2);
	assert_string_equal(s->locals[0].addr, "192.0.2.1");
	assert_null(s->locals[0].tunnel);	/* two tunnels have it */
	assert_string_equal(s->locals[1].addr, "192.0.2.9");
	assert_ptr_equal(s->locals[1].tunnel, t3);
	vx_snapshot_unref(s);
}

static int
summarised(void **state)
{
	(void)state;
	index_locals = true;
	return 0;
}

static int
plain(void **state)
{
	(void)state;
	index_locals = false;
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_agreement),
		cmocka_unit_test(test_children),
		cmocka_unit_test_setup_teardown(test_grace, plain, plain),
		cmocka_unit_test_setup_teardown(test_configured_pair, plain,
		    plain),
		cmocka_unit_test_setup_teardown(test_ambiguous, plain, plain),
		cmocka_unit_test_setup_teardown(test_grace, summarised, plain),
		cmocka_unit_test_setup_teardown(test_configured_pair,
		    summarised, plain),
		cmocka_unit_test_setup_teardown(test_ambiguous, summarised,
		    plain),
		cmocka_unit_test(test_locals_summary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
