/*
 * core/history.c: carried counters across rekeys, real resets passing
 * through, 32-bit wraps, failed sources, rekey counting, tunnels and IKE
 * SAs that stay down, forgetting.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "history.h"
#include "model.h"

#define ALL	((1u << VX_TC__COUNT) - 1)
#define HOUR	(3600 * 1000)

static const struct vx_history_opts opts = { 24 * HOUR };

/* A complete snapshot of device "d" with every tunnel counter known. */
static struct vx_snapshot *
snap(void)
{
	struct vx_snapshot *s = vx_snapshot_new("d");

	assert_non_null(s);
	s->complete = true;
	s->up = true;
	s->tun_ctr_known = ALL;
	return s;
}

static struct vx_tunnel *
tun(struct vx_snapshot *s, const char *peer)
{
	struct vx_tunnel *t = vx_snapshot_tunnel(s, NULL, peer);

	assert_non_null(t);
	return t;
}

/* Adds a part with packets in = v (and gen, age). */
static void
part(struct vx_snapshot *s, struct vx_tunnel *t, uint64_t key, uint64_t v,
    uint64_t gen, int64_t age, unsigned flags)
{
	struct vx_part *p;

	assert_int_equal(vx_tunnel_count(s, t, key, VX_TC_PKTS_IN, v, flags),
	    0);
	p = vx_tunnel_find_part(t, key);
	assert_non_null(p);
	p->gen = gen;
	p->age_s = age;
}

/* Applies s to h at now and returns the tunnel's packets in (or -1). */
static int64_t
apply(struct vx_history *h, struct vx_snapshot *s, int64_t now,
    const char *peer)
{
	const struct vx_tunnel	*t;
	uint64_t		 v;

	assert_int_equal(vx_history_apply(h, s, &opts, now), 0);
	t = vx_snapshot_find_tunnel(s, NULL, peer);
	if (t == NULL || !vx_tunnel_get(t, VX_TC_PKTS_IN, &v))
		return -1;
	return (int64_t)v;
}

/* One poll with parts (key, value) of tunnel "p"; returns the total. */
static int64_t
poll_parts(struct vx_history *h, int64_t now, const uint64_t *keys,
    const uint64_t *vals, size_t n)
{
	struct vx_snapshot	*s = snap();
	struct vx_tunnel	*t = tun(s, "p");
	int64_t			 total;

	for (size_t i = 0; i < n; i++)
		part(s, t, keys[i], vals[i], 0, -1, 0);
	total = apply(h, s, now, "p");
	vx_snapshot_unref(s);
	return total;
}

/* An SA that ends with a rekey is carried: the total never falls. */
static void
test_rekey_carried(void **state)
{
	struct vx_history	*h = vx_history_new();
	uint64_t		 k1[] = { 1, 2 }, v1[] = { 100, 50 };
	uint64_t		 k2[] = { 1, 3 }, v2[] = { 200, 10 };
	uint64_t		 k3[] = { 4 }, v3[] = { 5 };

	(void)state;
	assert_int_equal(poll_parts(h, 0, k1, v1, 2), 150);
	/* SA 2 ended at 50 (carried), SA 3 began. */
	assert_int_equal(poll_parts(h, 1000, k2, v2, 2), 50 + 200 + 10);
	/* Both replaced at once: 200 and 10 are carried too. */
	assert_int_equal(poll_parts(h, 2000, k3, v3, 1), 50 + 200 + 10 + 5);
	vx_history_free(h);
}

/*
 * The same key with a new generation (a bundle whose SA was replaced, a
 * reused row index) restarts from 0 and is carried, not a reset; a bundle
 * that kept counting across the new SA is not counted twice.
 */
static void
test_new_generation(void **state)
{
	struct vx_history	*h = vx_history_new();
	struct vx_snapshot	*s;

	(void)state;
	s = snap();
	part(s, tun(s, "p"), 7, 1000, 11, -1, 0);
	assert_int_equal(apply(h, s, 0, "p"), 1000);
	vx_snapshot_unref(s);
	s = snap();
	part(s, tun(s, "p"), 7, 5, 12, -1, 0);		/* new SA, from 0 */
	assert_int_equal(apply(h, s, 1000, "p"), 1005);
	vx_snapshot_unref(s);
	s = snap();
	part(s, tun(s, "p"), 7, 40, 13, -1, 0);		/* new SA, kept on */
	assert_int_equal(apply(h, s, 2000, "p"), 1040);
	vx_snapshot_unref(s);
	/* Age that went backwards is a new generation too. */
	s = snap();
	part(s, tun(s, "p"), 7, 50, 13, 500, 0);
	assert_int_equal(apply(h, s, 3000, "p"), 1050);
	vx_snapshot_unref(s);
	s = snap();
	part(s, tun(s, "p"), 7, 2, 13, 10, 0);
	assert_int_equal(apply(h, s, 4000, "p"), 1050 + 2);
	vx_snapshot_unref(s);
	vx_history_free(h);
}

/* A counter that falls while its SA lives on was reset by the device. */
static void
test_reset_passes_through(void **state)
{
	struct vx_history	*h = vx_history_new();
	uint64_t		 k1[] = { 1, 2 }, v1[] = { 100, 50 };
	uint64_t		 k2[] = { 1 }, v2[] = { 300 };
	uint64_t		 k3[] = { 1 }, v3[] = { 7 };

	(void)state;
	assert_int_equal(poll_parts(h, 0, k1, v1, 2), 150);
	assert_int_equal(poll_parts(h, 1000, k2, v2, 1), 350);
	/* "clear crypto ipsec sa counters": the base goes too. */
	assert_int_equal(poll_parts(h, 2000, k3, v3, 1), 7);
	assert_int_equal(poll_parts(h, 3000, k3, v3, 1), 7);
	vx_history_free(h);
}

/* A 32-bit counter that wraps is unwrapped; one that falls is reset. */
static void
test_counter32(void **state)
{
	struct vx_history	*h = vx_history_new();
	struct vx_snapshot	*s;
	const uint64_t		 top = UINT64_C(4294967000);

	(void)state;
	s = snap();
	part(s, tun(s, "p"), 1, top, 0, -1, VX_CTR_32BIT);
	assert_int_equal(apply(h, s, 0, "p"), (int64_t)top);
	vx_snapshot_unref(s);
	s = snap();
	part(s, tun(s, "p"), 1, 100, 0, -1, VX_CTR_32BIT);
	assert_int_equal(apply(h, s, 1000, "p"),
	    (int64_t)(UINT64_C(4294967296) + 100));
	vx_snapshot_unref(s);
	/* From the middle of the range down: a reset, not a wrap. */
	s = snap();
	part(s, tun(s, "p"), 1, 50, 0, -1, VX_CTR_32BIT);
	assert_int_equal(apply(h, s, 2000, "p"), 50);
	vx_snapshot_unref(s);
	vx_history_free(h);
}

/*
 * A counter whose source failed is absent, and the memory waits: the next
 * good poll neither double-counts nor falls.
 */
static void
test_unknown_source(void **state)
{
	struct vx_history	*h = vx_history_new();
	struct vx_snapshot	*s;
	uint64_t		 k1[] = { 1, 2 }, v1[] = { 100, 50 };
	uint64_t		 k2[] = { 1, 2 }, v2[] = { 120, 60 };

	(void)state;
	assert_int_equal(poll_parts(h, 0, k1, v1, 2), 150);
	s = snap();
	s->complete = false;
	s->tun_ctr_known = 0;
	tun(s, "p");
	assert_int_equal(apply(h, s, 1000, "p"), -1);
	vx_snapshot_unref(s);
	assert_int_equal(poll_parts(h, 2000, k2, v2, 2), 180);
	vx_history_free(h);
}

/* Counters added to the tunnel as a whole form one implicit part. */
static void
test_whole_tunnel(void **state)
{
	struct vx_history	*h = vx_history_new();
	struct vx_snapshot	*s;

	(void)state;
	s = snap();
	vx_tunnel_add(tun(s, "p"), VX_TC_PKTS_IN, 70);
	assert_int_equal(apply(h, s, 0, "p"), 70);
	vx_snapshot_unref(s);
	s = snap();
	vx_tunnel_add(tun(s, "p"), VX_TC_PKTS_IN, 90);
	assert_int_equal(apply(h, s, 1000, "p"), 90);
	vx_snapshot_unref(s);
	/* A keyed part joins: the whole-tunnel rest is what it lacks. */
	s = snap();
	part(s, tun(s, "p"), 5, 10, 0, -1, 0);
	vx_tunnel_add(tun(s, "p"), VX_TC_PKTS_IN, 95);
	assert_int_equal(apply(h, s, 2000, "p"), 105);
	vx_snapshot_unref(s);
	vx_history_free(h);
}

/*
 * A tunnel missing from a complete poll stays, down, with its carried
 * counters and rekey count, until forget_after; an incomplete poll says
 * nothing about it.
 */
static void
test_down_stays_down(void **state)
{
	struct vx_history	*h = vx_history_new();
	struct vx_snapshot	*s;
	struct vx_tunnel	*t;
	uint64_t		 k[] = { 1 }, v[] = { 100 };

	(void)state;
	assert_int_equal(poll_parts(h, 0, k, v, 1), 100);
	s = snap();
	s->complete = false;
	assert_int_equal(vx_history_apply(h, s, &opts, HOUR), 0);
	assert_int_equal(s->ntunnels, 0);
	vx_snapshot_unref(s);
	s = snap();
	assert_int_equal(apply(h, s, 2 * HOUR, "p"), 100);
	t = vx_snapshot_find_tunnel(s, NULL, "p");
	assert_false(t->up);
	assert_int_equal(t->state, VX_TUN_DOWN);
	vx_snapshot_unref(s);
	/* Still remembered just before forget_after, gone at it. */
	s = snap();
	assert_int_equal(apply(h, s, 24 * HOUR - 1, "p"), 100);
	vx_snapshot_unref(s);
	s = snap();
	assert_int_equal(apply(h, s, 24 * HOUR, "p"), -1);
	assert_int_equal(s->ntunnels, 0);
	assert_int_equal(vx_history_tunnels(h), 0);
	vx_snapshot_unref(s);
	vx_history_free(h);
}

/* A reload that changed the device forgets the absent, keeps the rest. */
static void
test_forget_absent(void **state)
{
	struct vx_history	*h = vx_history_new();
	struct vx_snapshot	*s;
	uint64_t		 k[] = { 1 }, v[] = { 100 };

	(void)state;
	s = snap();
	part(s, tun(s, "gone"), 1, 10, 0, -1, 0);
	part(s, tun(s, "p"), 1, 100, 0, -1, 0);
	assert_int_equal(apply(h, s, 0, "p"), 100);
	vx_snapshot_unref(s);
	assert_int_equal(poll_parts(h, 1000, k, v, 1), 100);
	assert_int_equal(vx_history_tunnels(h), 2);
	vx_history_forget_absent(h);
	assert_int_equal(vx_history_tunnels(h), 1);
	v[0] = 130;
	assert_int_equal(poll_parts(h, 2000, k, v, 1), 130);
	vx_history_free(h);
}

/* IKE SAs seen and then missing read down while remembered. */
static void
test_ike_down(void **state)
{
	struct vx_history	*h = vx_history_new();
	struct vx_snapshot	*s;
	struct vx_ike_sa	*ike;

	(void)state;
	s = snap();
	s->ike_known = true;
	ike = vx_snapshot_ike_sa(s, "198.51.100.1");
	ike->up = true;
	ike->state = VX_IKE_ESTABLISHED;
	assert_int_equal(vx_history_apply(h, s, &opts, 0), 0);
	vx_snapshot_unref(s);
	/* No IKE list from the device: unknown, not down. */
	s = snap();
	assert_int_equal(vx_history_apply(h, s, &opts, 1000), 0);
	assert_int_equal(s->nike, 0);
	vx_snapshot_unref(s);
	s = snap();
	s->ike_known = true;
	assert_int_equal(vx_history_apply(h, s, &opts, 2000), 0);
	ike = vx_snapshot_find_ike_sa(s, "198.51.100.1");
	assert_non_null(ike);
	assert_false(ike->up);
	assert_int_equal(ike->state, VX_IKE_DOWN);
	vx_snapshot_unref(s);
	vx_history_free(h);
}

/* A new active SA pair counts as a rekey; an expiring old one does not. */
static void
test_rekeys(void **state)
{
	struct vx_history	*h = vx_history_new();
	struct vx_sa		 a = { 1, 2, true, true, VX_SA_ACTIVE };
	struct vx_sa		 b = { 3, 4, true, true, VX_SA_ACTIVE };
	struct vx_sa		 a_old = { 1, 2, true, true, VX_SA_EXPIRING };
	struct vx_snapshot	*s;
	struct vx_tunnel	*t;

	(void)state;
	s = snap();
	t = tun(s, "p");
	vx_tunnel_add_sa(s, t, &a);
	assert_int_equal(vx_history_apply(h, s, &opts, 0), 0);
	assert_true(t->rekeys_set);
	assert_int_equal(t->rekeys, 0);
	vx_snapshot_unref(s);
	s = snap();
	t = tun(s, "p");
	vx_tunnel_add_sa(s, t, &b);
	vx_tunnel_add_sa(s, t, &a_old);
	assert_int_equal(vx_history_apply(h, s, &opts, 1000), 0);
	assert_int_equal(t->rekeys, 1);
	vx_snapshot_unref(s);
	s = snap();
	t = tun(s, "p");
	vx_tunnel_add_sa(s, t, &b);
	assert_int_equal(vx_history_apply(h, s, &opts, 2000), 0);
	assert_int_equal(t->rekeys, 1);
	vx_snapshot_unref(s);
	vx_history_free(h);
}

/* Device counters: a reset passes through, a 32-bit wrap is unwrapped. */
static void
test_device_counters(void **state)
{
	static const uint64_t	 raw[] = { 10, 20, 5, UINT64_C(4294967200),
				    30 };
	static const uint64_t	 want[] = { 10, 20, 5, UINT64_C(4294967200),
				    UINT64_C(4294967296) + 30 };
	struct vx_history	*h = vx_history_new();

	(void)state;
	for (size_t i = 0; i < sizeof(raw) / sizeof(raw[0]); i++) {
		struct vx_snapshot	*s = snap();
		uint64_t		 v;

		vx_snapshot_set_dev(s, VX_DV_NO_SA_FAILS, raw[i],
		    VX_PRIO_NORMAL);
		vx_snapshot_dev_32bit(s, VX_DV_NO_SA_FAILS);
		/* A gauge is never touched. */
		vx_snapshot_set_dev(s, VX_DV_L2L_SESSIONS, 3 - i % 2,
		    VX_PRIO_NORMAL);
		assert_int_equal(vx_history_apply(h, s, &opts,
		    (int64_t)i * 1000), 0);
		assert_true(vx_snapshot_get_dev(s, VX_DV_NO_SA_FAILS, &v));
		assert_int_equal(v, want[i]);
		assert_true(vx_snapshot_get_dev(s, VX_DV_L2L_SESSIONS, &v));
		assert_int_equal(v, 3 - i % 2);
		vx_snapshot_unref(s);
	}
	vx_history_free(h);
}

/*
 * Property: two children per tunnel rekey at random between polls, and a
 * poll sometimes fails; the total never falls and equals the sum, over
 * every SA that ever lived, of the last value a poll saw of it.
 */
static void
test_random_rekeys(void **state)
{
	struct vx_history	*h = vx_history_new();
	uint64_t		 key[2] = { 1, 2 }, val[2] = { 0, 0 };
	uint64_t		 next_key = 3, seen_sum = 0, last = 0;
	uint64_t		 last_seen[2] = { 0, 0 };
	unsigned		 seed = 12345;

	(void)state;
	for (int step = 0; step < 5000; step++) {
		struct vx_snapshot	*s = snap();
		struct vx_tunnel	*t = tun(s, "p");
		bool			 fail;
		int64_t			 total;

		for (int c = 0; c < 2; c++) {
			seed = seed * 1103515245u + 12345u;
			if ((seed >> 16) % 7 == 0) {
				/* Rekey: the old SA's last poll counted. */
				seen_sum += last_seen[c];
				last_seen[c] = 0;
				key[c] = next_key++;
				val[c] = 0;
			}
			val[c] += (seed >> 8) % 1000;
		}
		seed = seed * 1103515245u + 12345u;
		fail = (seed >> 16) % 5 == 0;
		if (fail) {
			s->complete = false;
			s->tun_ctr_known = 0;
		} else {
			for (int c = 0; c < 2; c++) {
				part(s, t, key[c], val[c], 0, -1, 0);
				last_seen[c] = val[c];
			}
		}
		total = apply(h, s, step * 1000, "p");
		if (fail) {
			assert_int_equal(total, -1);
		} else {
			assert_true((uint64_t)total >= last);
			assert_int_equal(total, seen_sum + last_seen[0] +
			    last_seen[1]);
			last = (uint64_t)total;
		}
		vx_snapshot_unref(s);
	}
	vx_history_free(h);
}

/*
 * A cluster: the same tunnel on two nodes keeps two memories; a node's
 * tunnel and IKE SA that vanish come back down on that node; each node's
 * device counters pass their own resets.
 */
static void
test_nodes(void **state)
{
	struct vx_history	*h = vx_history_new();
	struct vx_snapshot	*s = snap();
	struct vx_tunnel	*t;
	const struct vx_tunnel	*back;
	const struct vx_ike_sa	*ike;
	uint64_t		 v;

	(void)state;
	s->ike_known = true;
	t = vx_snapshot_node_tunnel(s, "node0", "vpn", "p");
	assert_int_equal(vx_tunnel_count(s, t, VX_PART_SPI(1), VX_TC_PKTS_IN,
	    100, 0), 0);
	t = vx_snapshot_node_tunnel(s, "node1", "vpn", "p");
	assert_int_equal(vx_tunnel_count(s, t, VX_PART_SPI(2), VX_TC_PKTS_IN,
	    7, 0), 0);
	vx_snapshot_node_ike_sa(s, "node0", "p")->up = true;
	vx_snapshot_set_node_dev(s, "node0", VX_DV_INVALID_SPI, 50,
	    VX_PRIO_NORMAL);
	vx_snapshot_set_node_dev(s, "node1", VX_DV_INVALID_SPI, 9,
	    VX_PRIO_NORMAL);
	assert_int_equal(vx_history_apply(h, s, &opts, 0), 0);
	assert_int_equal(vx_history_tunnels(h), 2);
	vx_snapshot_unref(s);

	/* node0's SA rekeyed; node1's tunnel and IKE SA are gone. */
	s = snap();
	s->ike_known = true;
	t = vx_snapshot_node_tunnel(s, "node0", "vpn", "p");
	assert_int_equal(vx_tunnel_count(s, t, VX_PART_SPI(3), VX_TC_PKTS_IN,
	    5, 0), 0);
	vx_snapshot_set_node_dev(s, "node0", VX_DV_INVALID_SPI, 60,
	    VX_PRIO_NORMAL);
	vx_snapshot_set_node_dev(s, "node1", VX_DV_INVALID_SPI, 2,
	    VX_PRIO_NORMAL);
	assert_int_equal(vx_history_apply(h, s, &opts, 1000), 0);
	assert_true(vx_tunnel_get(t, VX_TC_PKTS_IN, &v));
	assert_int_equal(v, 105);
	back = vx_snapshot_find_node_tunnel(s, "node1", "vpn", "p");
	assert_non_null(back);
	assert_false(back->up);
	assert_true(vx_tunnel_get(back, VX_TC_PKTS_IN, &v));
	assert_int_equal(v, 7);
	assert_null(vx_snapshot_find_tunnel(s, "vpn", "p"));
	ike = vx_snapshot_find_node_ike_sa(s, "node0", "p");
	assert_non_null(ike);
	assert_int_equal(ike->state, VX_IKE_DOWN);
	/* Each node's counter: node0 rose, node1 was reset. */
	assert_true(vx_snapshot_get_node_dev(s, "node0", VX_DV_INVALID_SPI,
	    &v));
	assert_int_equal(v, 60);
	assert_true(vx_snapshot_get_node_dev(s, "node1", VX_DV_INVALID_SPI,
	    &v));
	assert_int_equal(v, 2);
	vx_snapshot_unref(s);
	vx_history_free(h);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rekey_carried),
		cmocka_unit_test(test_new_generation),
		cmocka_unit_test(test_reset_passes_through),
		cmocka_unit_test(test_counter32),
		cmocka_unit_test(test_unknown_source),
		cmocka_unit_test(test_whole_tunnel),
		cmocka_unit_test(test_down_stays_down),
		cmocka_unit_test(test_forget_absent),
		cmocka_unit_test(test_ike_down),
		cmocka_unit_test(test_rekeys),
		cmocka_unit_test(test_device_counters),
		cmocka_unit_test(test_random_rekeys),
		cmocka_unit_test(test_nodes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
