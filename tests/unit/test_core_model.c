/*
 * The normalized model (core/model.c): tunnels keyed by (name, peer),
 * counters, lifetimes, SAs, IKE SAs, expected peers, device values with
 * priorities, drops, the merge of several collectors' snapshots, string
 * limits, and the tunnel index at scale.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "model.h"

static struct vx_snapshot *
snap_new(const char *device)
{
	struct vx_snapshot *s = vx_snapshot_new(device);

	assert_non_null(s);
	return s;
}

static void
test_new_snapshot(void **state)
{
	struct vx_snapshot	*s = snap_new("asa-1");
	uint64_t		 v;

	(void)state;
	assert_string_equal(s->device, "asa-1");
	assert_int_equal(s->ntunnels, 0);
	assert_int_equal(s->nike, 0);
	assert_int_equal(s->ndrops, 0);
	assert_int_equal(s->nlabels, 0);
	assert_false(s->ike_known);
	for (int d = 0; d < VX_DV__COUNT; d++)
		assert_false(vx_snapshot_get_dev(s, (enum vx_dev_val)d, &v));
	assert_null(vx_snapshot_find_tunnel(s, "t", "p"));
	assert_null(vx_snapshot_find_ike_sa(s, "p"));
	assert_null(vx_snapshot_find_drop(s, "frame", "x"));
	/* Shared by reference: the second unref frees it (valgrind). */
	vx_snapshot_ref(s);
	vx_snapshot_unref(s);
	assert_string_equal(s->device, "asa-1");
	vx_snapshot_unref(s);
	vx_snapshot_unref(NULL);
}

static void
test_tunnel_find_or_create(void **state)
{
	struct vx_snapshot	*s = snap_new("asa-1");
	struct vx_tunnel	*a, *b, *c, *d;

	(void)state;
	a = vx_snapshot_tunnel(s, "outside_map 10", "192.0.2.1");
	assert_non_null(a);
	assert_string_equal(a->name, "outside_map 10");
	assert_string_equal(a->peer, "192.0.2.1");
	/* New tunnels are up with nothing set. */
	assert_true(a->up);
	assert_int_equal(a->ctr_set, 0);
	assert_false(a->life_s_set);
	assert_false(a->life_kb_set);
	assert_false(a->rekeys_set);
	assert_int_equal(a->nsas, 0);
	for (int i = 0; i < VX_TA__COUNT; i++)
		assert_null(a->attr[i]);

	/* Same key: the same tunnel. */
	assert_ptr_equal(vx_snapshot_tunnel(s, "outside_map 10",
	    "192.0.2.1"), a);
	/* Same name, other peer; same peer, other name: new tunnels. */
	b = vx_snapshot_tunnel(s, "outside_map 10", "192.0.2.2");
	c = vx_snapshot_tunnel(s, "outside_map 20", "192.0.2.1");
	assert_true(b != a && c != a && b != c);
	/* NULL name means "named after the peer". */
	d = vx_snapshot_tunnel(s, NULL, "192.0.2.1");
	assert_true(d != a && d != c);
	assert_string_equal(d->name, "192.0.2.1");
	assert_ptr_equal(vx_snapshot_tunnel(s, "192.0.2.1", "192.0.2.1"), d);
	assert_ptr_equal(vx_snapshot_find_tunnel(s, NULL, "192.0.2.1"), d);
	assert_int_equal(s->ntunnels, 4);
	/* Kept in insertion order. */
	assert_ptr_equal(s->tunnels[0], a);
	assert_ptr_equal(s->tunnels[1], b);
	assert_ptr_equal(s->tunnels[2], c);
	assert_ptr_equal(s->tunnels[3], d);
	/*
	 * The key is the pair, not a concatenation: ("ab", "c") and
	 * ("a", "bc") are different tunnels.
	 */
	a = vx_snapshot_tunnel(s, "ab", "c");
	b = vx_snapshot_tunnel(s, "a", "bc");
	assert_true(a != b);
	assert_ptr_equal(vx_snapshot_find_tunnel(s, "ab", "c"), a);
	assert_ptr_equal(vx_snapshot_find_tunnel(s, "a", "bc"), b);
	assert_null(vx_snapshot_find_tunnel(s, "abc", ""));
	assert_null(vx_snapshot_find_tunnel(s, "outside_map 30", "192.0.2.1"));
	vx_snapshot_unref(s);
}

static void
test_counters(void **state)
{
	struct vx_snapshot	*s = snap_new("asa-1");
	struct vx_tunnel	*t = vx_snapshot_tunnel(s, NULL, "192.0.2.1");
	uint64_t		 v = 12345;

	(void)state;
	for (int c = 0; c < VX_TC__COUNT; c++) {
		v = 12345;
		assert_false(vx_tunnel_get(t, (enum vx_tun_ctr)c, &v));
		assert_int_equal(v, 12345);
	}
	/* Rows of one tunnel are summed; a 0 row still marks it set. */
	vx_tunnel_add(t, VX_TC_PKTS_IN, 10);
	vx_tunnel_add(t, VX_TC_PKTS_IN, 32);
	vx_tunnel_add(t, VX_TC_ERR_REPLAY, 0);
	vx_tunnel_add(t, VX_TC_BYTES_OUT, UINT64_C(5000000000));
	vx_tunnel_add(t, VX_TC_BYTES_OUT, UINT64_C(5000000000));
	assert_true(vx_tunnel_get(t, VX_TC_PKTS_IN, &v));
	assert_int_equal(v, 42);
	assert_true(vx_tunnel_get(t, VX_TC_ERR_REPLAY, &v));
	assert_int_equal(v, 0);
	assert_true(vx_tunnel_get(t, VX_TC_BYTES_OUT, &v));
	assert_true(v == UINT64_C(10000000000));
	assert_int_equal(t->ctr_set, (1u << VX_TC_PKTS_IN) |
	    (1u << VX_TC_ERR_REPLAY) | (1u << VX_TC_BYTES_OUT));
	/* Every counter has its own bit. */
	for (int c = 0; c < VX_TC__COUNT; c++) {
		struct vx_tunnel *u = vx_snapshot_tunnel(s, "iso", "x");

		u->ctr_set = 0;
		vx_tunnel_add(u, (enum vx_tun_ctr)c, (uint64_t)c + 1);
		for (int o = 0; o < VX_TC__COUNT; o++) {
			bool set = vx_tunnel_get(u, (enum vx_tun_ctr)o, &v);

			if (set != (o == c))
				fail_msg("counter %d set changed counter %d",
				    c, o);
		}
		assert_true(vx_tunnel_get(u, (enum vx_tun_ctr)c, &v));
		assert_int_equal(v, (uint64_t)c + 1);
	}
	vx_snapshot_unref(s);
}

struct life_case {
	int64_t	in[4];
	size_t	n;
	int64_t	want;
};

static void
test_lifetimes(void **state)
{
	static const struct life_case cases[] = {
		{ { 3600 }, 1, 3600 },
		{ { 3600, 1200, 2400 }, 3, 1200 },
		{ { 100, 0, 50 }, 3, 0 },
		/* Negative (already expired) is clamped to 0. */
		{ { -5 }, 1, 0 },
		{ { 100, -20, 30 }, 3, 0 },
		{ { INT64_MIN, 7 }, 2, 0 },
		{ { INT64_MAX, 9 }, 2, 9 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vx_snapshot	*s = snap_new("asa-1");
		struct vx_tunnel	*t = vx_snapshot_tunnel(s, NULL, "p");

		for (size_t k = 0; k < cases[i].n; k++) {
			vx_tunnel_note_life_s(t, cases[i].in[k]);
			vx_tunnel_note_life_kb(t, cases[i].in[k]);
		}
		if (!t->life_s_set || t->life_s != cases[i].want)
			fail_msg("case %zu: life_s %lld (set %d), want %lld", i,
			    (long long)t->life_s, t->life_s_set,
			    (long long)cases[i].want);
		if (!t->life_kb_set || t->life_kb != cases[i].want)
			fail_msg("case %zu: life_kb %lld (set %d), want %lld",
			    i, (long long)t->life_kb, t->life_kb_set,
			    (long long)cases[i].want);
		vx_snapshot_unref(s);
	}
}

static void
test_sas(void **state)
{
	struct vx_snapshot	*s = snap_new("asa-1");
	struct vx_tunnel	*t = vx_snapshot_tunnel(s, NULL, "p");
	struct vx_sa		 a = { 0x11111111u, 0x22222222u, true, true,
				    VX_SA_UNKNOWN };
	struct vx_sa		 a_active = a, b, in_only, out_only;

	(void)state;
	a_active.state = VX_SA_ACTIVE;
	b = a;
	b.spi_out = 0x33333333u;
	b.state = VX_SA_EXPIRING;
	in_only = (struct vx_sa){ 0x11111111u, 0, true, false, VX_SA_ACTIVE };
	out_only = (struct vx_sa){ 0, 0x22222222u, false, true,
	    VX_SA_ACTIVE };

	assert_int_equal(vx_tunnel_add_sa(s, t, &a), 0);
	/* The same pair again: merged, and the known state fills in. */
	assert_int_equal(vx_tunnel_add_sa(s, t, &a_active), 0);
	assert_int_equal(t->nsas, 1);
	assert_int_equal(t->sas[0].state, VX_SA_ACTIVE);
	/* A known state is not overwritten by a later one. */
	b.spi_out = 0x22222222u;
	b.state = VX_SA_EXPIRING;
	assert_int_equal(vx_tunnel_add_sa(s, t, &b), 0);
	assert_int_equal(t->nsas, 1);
	assert_int_equal(t->sas[0].state, VX_SA_ACTIVE);
	/* Another outbound SPI: another pair. */
	b.spi_out = 0x33333333u;
	assert_int_equal(vx_tunnel_add_sa(s, t, &b), 0);
	assert_int_equal(t->nsas, 2);
	assert_true(t->sas[1].spi_out == 0x33333333u);
	assert_int_equal(t->sas[1].state, VX_SA_EXPIRING);
	/* Half-known pairs differ from full ones and from each other. */
	assert_int_equal(vx_tunnel_add_sa(s, t, &in_only), 0);
	assert_int_equal(vx_tunnel_add_sa(s, t, &out_only), 0);
	assert_int_equal(t->nsas, 4);
	/* The unknown SPI of a half pair does not take part in matching. */
	in_only.spi_out = 0xdeadu;
	in_only.state = VX_SA_UNKNOWN;
	assert_int_equal(vx_tunnel_add_sa(s, t, &in_only), 0);
	assert_int_equal(t->nsas, 4);
	assert_true(t->sas[2].has_in && !t->sas[2].has_out);
	assert_true(t->sas[3].has_out && !t->sas[3].has_in);
	/* Many pairs: growth keeps the earlier ones. */
	for (uint32_t i = 0; i < 100; i++) {
		struct vx_sa x = { 0x1000 + i, 0x2000 + i, true, true,
		    VX_SA_ACTIVE };

		assert_int_equal(vx_tunnel_add_sa(s, t, &x), 0);
	}
	assert_int_equal(t->nsas, 104);
	assert_true(t->sas[0].spi_in == 0x11111111u);
	assert_true(t->sas[103].spi_in == 0x1000 + 99);
	vx_snapshot_unref(s);
}

static void
test_ike_sas(void **state)
{
	struct vx_snapshot	*s = snap_new("asa-1");
	struct vx_ike_sa	*a, *b;

	(void)state;
	a = vx_snapshot_ike_sa(s, "192.0.2.1");
	assert_non_null(a);
	/* Created down with nothing set. */
	assert_false(a->up);
	assert_false(a->life_s_set);
	for (int i = 0; i < VX_IA__COUNT; i++)
		assert_null(a->attr[i]);
	assert_ptr_equal(vx_snapshot_ike_sa(s, "192.0.2.1"), a);
	b = vx_snapshot_ike_sa(s, "192.0.2.2");
	assert_true(a != b);
	assert_int_equal(s->nike, 2);
	vx_ike_sa_set_attr(s, a, VX_IA_ROLE, "initiator");
	vx_ike_sa_set_attr(s, a, VX_IA_ROLE, "responder");
	assert_string_equal(a->attr[VX_IA_ROLE], "responder");
	vx_ike_sa_set_attr(s, a, VX_IA_ROLE, NULL);
	assert_null(a->attr[VX_IA_ROLE]);
	assert_ptr_equal(vx_snapshot_find_ike_sa(s, "192.0.2.2"), b);
	assert_null(vx_snapshot_find_ike_sa(s, "192.0.2.3"));
	vx_snapshot_unref(s);
}

static void
test_attrs_copied(void **state)
{
	struct vx_snapshot	*s = snap_new("asa-1");
	struct vx_tunnel	*t = vx_snapshot_tunnel(s, NULL, "p");
	char			 buf[16] = "outside";

	(void)state;
	vx_tunnel_set_attr(s, t, VX_TA_INTERFACE, buf);
	snprintf(buf, sizeof(buf), "%s", "changed");
	assert_string_equal(t->attr[VX_TA_INTERFACE], "outside");
	vx_tunnel_set_attr(s, t, VX_TA_INTERFACE, NULL);
	assert_null(t->attr[VX_TA_INTERFACE]);
	vx_snapshot_unref(s);
}

/*
 * Expected peers: a down tunnel only for a peer no tunnel has (under any
 * name); a down IKE SA only when the IKE SA list was read.
 */
static void
test_expect_peer(void **state)
{
	struct vx_snapshot	*s = snap_new("asa-1");
	struct vx_tunnel	*t;
	struct vx_ike_sa	*ike;

	(void)state;
	t = vx_snapshot_tunnel(s, "outside_map 10", "192.0.2.1");
	assert_int_equal(vx_snapshot_expect_peer(s, "192.0.2.1"), 0);
	assert_int_equal(s->ntunnels, 1);
	assert_true(t->up);
	/* ike_known is false: nothing is said about IKE. */
	assert_int_equal(s->nike, 0);

	assert_int_equal(vx_snapshot_expect_peer(s, "192.0.2.9"), 0);
	assert_int_equal(s->ntunnels, 2);
	t = vx_snapshot_find_tunnel(s, NULL, "192.0.2.9");
	assert_non_null(t);
	assert_false(t->up);
	assert_int_equal(t->state, VX_TUN_DOWN);
	assert_int_equal(t->ctr_set, 0);
	assert_int_equal(s->nike, 0);
	/* Twice is once. */
	assert_int_equal(vx_snapshot_expect_peer(s, "192.0.2.9"), 0);
	assert_int_equal(s->ntunnels, 2);
	vx_snapshot_unref(s);

	/* With the IKE SA list known. */
	s = snap_new("asa-1");
	s->ike_known = true;
	ike = vx_snapshot_ike_sa(s, "192.0.2.1");
	ike->up = true;
	vx_snapshot_tunnel(s, NULL, "192.0.2.1");
	assert_int_equal(vx_snapshot_expect_peer(s, "192.0.2.1"), 0);
	assert_int_equal(s->nike, 1);
	assert_true(ike->up);
	assert_int_equal(vx_snapshot_expect_peer(s, "192.0.2.7"), 0);
	assert_int_equal(s->nike, 2);
	ike = vx_snapshot_find_ike_sa(s, "192.0.2.7");
	assert_non_null(ike);
	assert_false(ike->up);
	assert_false(vx_snapshot_find_tunnel(s, NULL, "192.0.2.7")->up);
	/* A tunnel up without an IKE SA still gets the down IKE SA. */
	vx_snapshot_tunnel(s, NULL, "192.0.2.8");
	assert_int_equal(vx_snapshot_expect_peer(s, "192.0.2.8"), 0);
	assert_true(vx_snapshot_find_tunnel(s, NULL, "192.0.2.8")->up);
	assert_non_null(vx_snapshot_find_ike_sa(s, "192.0.2.8"));
	assert_false(vx_snapshot_find_ike_sa(s, "192.0.2.8")->up);
	assert_int_equal(s->ntunnels, 3);
	vx_snapshot_unref(s);
}

struct prio_case {
	enum vx_prio	first;
	uint64_t	first_v;
	enum vx_prio	second;
	uint64_t	second_v;
	uint64_t	want;
};

static void
test_device_values(void **state)
{
	static const struct prio_case cases[] = {
		/* The SSH CLI's authoritative value beats SNMP's fallback. */
		{ VX_PRIO_AUTHORITATIVE, 7, VX_PRIO_FALLBACK, 42, 7 },
		{ VX_PRIO_FALLBACK, 42, VX_PRIO_AUTHORITATIVE, 7, 7 },
		{ VX_PRIO_NORMAL, 1, VX_PRIO_FALLBACK, 2, 1 },
		{ VX_PRIO_FALLBACK, 2, VX_PRIO_NORMAL, 1, 1 },
		/* Same priority: the newer value replaces. */
		{ VX_PRIO_NORMAL, 1, VX_PRIO_NORMAL, 2, 2 },
		{ VX_PRIO_FALLBACK, 0, VX_PRIO_FALLBACK, 5, 5 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		for (int d = 0; d < VX_DV__COUNT; d++) {
			struct vx_snapshot	*s = snap_new("asa-1");
			uint64_t		 v = 0;

			vx_snapshot_set_dev(s, (enum vx_dev_val)d,
			    cases[i].first_v, cases[i].first);
			vx_snapshot_set_dev(s, (enum vx_dev_val)d,
			    cases[i].second_v, cases[i].second);
			if (!vx_snapshot_get_dev(s, (enum vx_dev_val)d, &v) ||
			    v != cases[i].want)
				fail_msg("case %zu value %d: got %llu, want "
				    "%llu", i, d, (unsigned long long)v,
				    (unsigned long long)cases[i].want);
			/* Only that value is set. */
			for (int o = 0; o < VX_DV__COUNT; o++) {
				if (o != d && vx_snapshot_get_dev(s,
				    (enum vx_dev_val)o, &v))
					fail_msg("case %zu: setting %d set %d",
					    i, d, o);
			}
			vx_snapshot_unref(s);
		}
	}
}

static void
test_drops(void **state)
{
	struct vx_snapshot	*s = snap_new("asa-1");
	const struct vx_drop	*d;

	(void)state;
	assert_int_equal(vx_snapshot_add_drop(s, "frame", "np-sp-invalid-spi",
	    10), 0);
	assert_int_equal(vx_snapshot_add_drop(s, "flow", "np-sp-invalid-spi",
	    1), 0);
	assert_int_equal(vx_snapshot_add_drop(s, "frame", "np-sp-invalid-spi",
	    5), 0);
	assert_int_equal(vx_snapshot_add_drop(s, "frame", "acl-drop", 0), 0);
	assert_int_equal(s->ndrops, 3);
	d = vx_snapshot_find_drop(s, "frame", "np-sp-invalid-spi");
	assert_non_null(d);
	assert_int_equal(d->count, 15);
	d = vx_snapshot_find_drop(s, "flow", "np-sp-invalid-spi");
	assert_non_null(d);
	assert_int_equal(d->count, 1);
	d = vx_snapshot_find_drop(s, "frame", "acl-drop");
	assert_non_null(d);
	assert_int_equal(d->count, 0);
	assert_null(vx_snapshot_find_drop(s, "flow", "acl-drop"));
	assert_null(vx_snapshot_find_drop(s, "frame", "np-sp"));
	/* Growth past the first array keeps the counts. */
	for (int i = 0; i < 50; i++) {
		char reason[32];

		snprintf(reason, sizeof(reason), "r%d", i);
		assert_int_equal(vx_snapshot_add_drop(s, "frame", reason,
		    (uint64_t)i), 0);
	}
	assert_int_equal(s->ndrops, 53);
	assert_int_equal(vx_snapshot_find_drop(s, "frame",
	    "np-sp-invalid-spi")->count, 15);
	assert_int_equal(vx_snapshot_find_drop(s, "frame", "r49")->count, 49);
	vx_snapshot_unref(s);
}

static void
test_labels(void **state)
{
	struct vx_snapshot *s = snap_new("asa-1");

	(void)state;
	assert_int_equal(vx_snapshot_add_label(s, "site", "fra1"), 0);
	assert_int_equal(vx_snapshot_add_label(s, "role", "hub"), 0);
	assert_int_equal(vx_snapshot_add_label(s, "tier", ""), 0);
	assert_int_equal(s->nlabels, 3);
	assert_string_equal(s->labels[0].name, "site");
	assert_string_equal(s->labels[0].value, "fra1");
	assert_string_equal(s->labels[1].name, "role");
	assert_string_equal(s->labels[1].value, "hub");
	assert_string_equal(s->labels[2].value, "");
	vx_snapshot_unref(s);
}

/* Merge: dst (the higher-priority collector) first, src fills gaps. */
static void
test_merge(void **state)
{
	struct vx_snapshot	*dst = snap_new("asa-1");
	struct vx_snapshot	*src = snap_new("asa-1");
	struct vx_tunnel	*dt, *st, *t;
	struct vx_ike_sa	*di, *si;
	struct vx_sa		 sa1 = { 1, 2, true, true, VX_SA_ACTIVE };
	struct vx_sa		 sa1u = { 1, 2, true, true, VX_SA_UNKNOWN };
	struct vx_sa		 sa2 = { 3, 4, true, true, VX_SA_EXPIRING };
	uint64_t		 v;

	(void)state;
	/* Tunnel in both. */
	dt = vx_snapshot_tunnel(dst, "m 10", "192.0.2.1");
	st = vx_snapshot_tunnel(src, "m 10", "192.0.2.1");
	dt->up = false;
	st->up = true;
	vx_tunnel_add(dt, VX_TC_PKTS_IN, 100);
	vx_tunnel_add(st, VX_TC_PKTS_IN, 999);
	vx_tunnel_add(st, VX_TC_PKTS_OUT, 50);
	vx_tunnel_note_life_s(dt, 3000);
	vx_tunnel_note_life_s(st, 10);
	vx_tunnel_note_life_kb(st, 4000);
	vx_tunnel_set_attr(dst, dt, VX_TA_INTERFACE, "outside");
	vx_tunnel_set_attr(src, st, VX_TA_INTERFACE, "inside");
	vx_tunnel_set_attr(src, st, VX_TA_MODE, "tunnel");
	assert_int_equal(vx_tunnel_add_sa(dst, dt, &sa1u), 0);
	assert_int_equal(vx_tunnel_add_sa(src, st, &sa1), 0);
	assert_int_equal(vx_tunnel_add_sa(src, st, &sa2), 0);
	/* Tunnel only in src, down there. */
	st = vx_snapshot_tunnel(src, NULL, "192.0.2.2");
	st->up = false;
	vx_tunnel_add(st, VX_TC_ERR_SEND, 3);
	/* Tunnel only in dst. */
	vx_snapshot_tunnel(dst, NULL, "192.0.2.3");
	/* Tunnel up in dst, down in src: stays up. */
	vx_snapshot_tunnel(dst, "m 20", "192.0.2.5")->up = true;
	vx_snapshot_tunnel(src, "m 20", "192.0.2.5")->up = false;
	/* IKE SAs. */
	di = vx_snapshot_ike_sa(dst, "192.0.2.1");
	si = vx_snapshot_ike_sa(src, "192.0.2.1");
	si->up = true;
	si->life_s = 500;
	si->life_s_set = true;
	vx_ike_sa_set_attr(dst, di, VX_IA_VERSION, "2");
	vx_ike_sa_set_attr(src, si, VX_IA_VERSION, "1");
	vx_ike_sa_set_attr(src, si, VX_IA_ROLE, "initiator");
	si = vx_snapshot_ike_sa(src, "192.0.2.4");
	src->ike_known = true;
	/* Drops: dst's count wins, src-only drops are copied once. */
	vx_snapshot_add_drop(dst, "frame", "np-sp-invalid-spi", 10);
	vx_snapshot_add_drop(src, "frame", "np-sp-invalid-spi", 7);
	vx_snapshot_add_drop(src, "flow", "acl-drop", 2);
	/* Device values by priority. */
	vx_snapshot_set_dev(dst, VX_DV_INVALID_SPI, 10, VX_PRIO_AUTHORITATIVE);
	vx_snapshot_set_dev(src, VX_DV_INVALID_SPI, 99, VX_PRIO_FALLBACK);
	vx_snapshot_set_dev(dst, VX_DV_L2L_SESSIONS, 1, VX_PRIO_FALLBACK);
	vx_snapshot_set_dev(src, VX_DV_L2L_SESSIONS, 2, VX_PRIO_NORMAL);
	vx_snapshot_set_dev(src, VX_DV_IKE_ACTIVE_TUNNELS, 4, VX_PRIO_NORMAL);

	assert_int_equal(vx_snapshot_merge(dst, src), 0);

	assert_true(dst->ike_known);
	assert_int_equal(dst->ntunnels, 4);
	assert_true(vx_snapshot_find_tunnel(dst, "m 20", "192.0.2.5")->up);
	t = vx_snapshot_find_tunnel(dst, "m 10", "192.0.2.1");
	assert_ptr_equal(t, dt);
	assert_true(t->up);			/* up is OR */
	assert_true(vx_tunnel_get(t, VX_TC_PKTS_IN, &v));
	assert_int_equal(v, 100);		/* first wins, not summed */
	assert_true(vx_tunnel_get(t, VX_TC_PKTS_OUT, &v));
	assert_int_equal(v, 50);		/* gap filled */
	assert_int_equal(t->life_s, 3000);	/* first wins, not min */
	assert_true(t->life_kb_set);
	assert_int_equal(t->life_kb, 4000);
	assert_string_equal(t->attr[VX_TA_INTERFACE], "outside");
	assert_string_equal(t->attr[VX_TA_MODE], "tunnel");
	/* SAs unioned; the known state fills the unknown one. */
	assert_int_equal(t->nsas, 2);
	assert_int_equal(t->sas[0].state, VX_SA_ACTIVE);
	assert_true(t->sas[1].spi_in == 3 && t->sas[1].spi_out == 4);

	t = vx_snapshot_find_tunnel(dst, NULL, "192.0.2.2");
	assert_non_null(t);
	assert_false(t->up);			/* copied as it was */
	assert_true(vx_tunnel_get(t, VX_TC_ERR_SEND, &v));
	assert_int_equal(v, 3);
	t = vx_snapshot_find_tunnel(dst, NULL, "192.0.2.3");
	assert_non_null(t);
	assert_true(t->up);

	assert_int_equal(dst->nike, 2);
	di = vx_snapshot_find_ike_sa(dst, "192.0.2.1");
	assert_true(di->up);
	assert_true(di->life_s_set);
	assert_int_equal(di->life_s, 500);
	assert_string_equal(di->attr[VX_IA_VERSION], "2");
	assert_string_equal(di->attr[VX_IA_ROLE], "initiator");
	assert_non_null(vx_snapshot_find_ike_sa(dst, "192.0.2.4"));
	assert_false(vx_snapshot_find_ike_sa(dst, "192.0.2.4")->up);

	assert_int_equal(dst->ndrops, 2);
	assert_int_equal(vx_snapshot_find_drop(dst, "frame",
	    "np-sp-invalid-spi")->count, 10);
	assert_int_equal(vx_snapshot_find_drop(dst, "flow", "acl-drop")->count,
	    2);

	assert_true(vx_snapshot_get_dev(dst, VX_DV_INVALID_SPI, &v));
	assert_int_equal(v, 10);
	assert_true(vx_snapshot_get_dev(dst, VX_DV_L2L_SESSIONS, &v));
	assert_int_equal(v, 2);
	assert_true(vx_snapshot_get_dev(dst, VX_DV_IKE_ACTIVE_TUNNELS, &v));
	assert_int_equal(v, 4);

	/* Merging the same source again changes nothing (no duplicates). */
	assert_int_equal(vx_snapshot_merge(dst, src), 0);
	assert_int_equal(dst->ntunnels, 4);
	assert_int_equal(dst->nike, 2);
	assert_int_equal(dst->ndrops, 2);
	assert_int_equal(vx_snapshot_find_drop(dst, "flow", "acl-drop")->count,
	    2);
	assert_int_equal(dt->nsas, 2);

	/* src is untouched and dst owns its copies: free src first. */
	assert_int_equal(src->ntunnels, 3);
	vx_snapshot_unref(src);
	assert_string_equal(vx_snapshot_find_ike_sa(dst, "192.0.2.1")->
	    attr[VX_IA_ROLE], "initiator");
	assert_string_equal(dt->attr[VX_TA_MODE], "tunnel");
	assert_string_equal(dst->tunnels[3]->peer, "192.0.2.2");
	vx_snapshot_unref(dst);
}

/* ike_known is OR: a src that did not read IKE does not clear it. */
static void
test_merge_ike_known(void **state)
{
	static const bool cases[4][3] = {
		{ false, false, false }, { true, false, true },
		{ false, true, true }, { true, true, true },
	};

	(void)state;
	for (size_t i = 0; i < 4; i++) {
		struct vx_snapshot *dst = snap_new("d"), *src = snap_new("d");

		dst->ike_known = cases[i][0];
		src->ike_known = cases[i][1];
		assert_int_equal(vx_snapshot_merge(dst, src), 0);
		if (dst->ike_known != cases[i][2])
			fail_msg("case %zu: ike_known %d", i, dst->ike_known);
		vx_snapshot_unref(dst);
		vx_snapshot_unref(src);
	}
}

/*
 * Two collectors report the same device value with the same priority:
 * collectors are merged highest priority first "so its values win"
 * (collector.h), and merge keeps "what dst already has" (model.h).
 */
static void
test_merge_dev_same_priority_first_wins(void **state)
{
	struct vx_snapshot	*dst = snap_new("d"), *src = snap_new("d");
	uint64_t		 v = 0;

	(void)state;
	vx_snapshot_set_dev(dst, VX_DV_IKE_ACTIVE_TUNNELS, 3, VX_PRIO_NORMAL);
	vx_snapshot_set_dev(src, VX_DV_IKE_ACTIVE_TUNNELS, 8, VX_PRIO_NORMAL);
	assert_int_equal(vx_snapshot_merge(dst, src), 0);
	assert_true(vx_snapshot_get_dev(dst, VX_DV_IKE_ACTIVE_TUNNELS, &v));
	vx_snapshot_unref(dst);
	vx_snapshot_unref(src);
	if (v != 3)
		fail_msg("same-priority device value: merge took src's %llu "
		    "over dst's 3", (unsigned long long)v);
}

static void
test_strings_cut(void **state)
{
	struct vx_snapshot	*s = snap_new("asa-1");
	char			 big[VX_MODEL_STR_MAX + 100];
	const char		*p;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	p = vx_snapshot_str(s, big, strlen(big));
	assert_int_equal(strlen(p), VX_MODEL_STR_MAX);
	p = vx_snapshot_str(s, big, VX_MODEL_STR_MAX);
	assert_int_equal(strlen(p), VX_MODEL_STR_MAX);
	p = vx_snapshot_str(s, big, 10);
	assert_int_equal(strlen(p), 10);
	/* Every string the model keeps is cut the same way. */
	{
		struct vx_snapshot	*n = vx_snapshot_new(big);
		struct vx_tunnel	*t;
		struct vx_ike_sa	*ike;

		assert_non_null(n);
		assert_int_equal(strlen(n->device), VX_MODEL_STR_MAX);
		t = vx_snapshot_tunnel(n, big, big);
		assert_non_null(t);
		assert_int_equal(strlen(t->name), VX_MODEL_STR_MAX);
		assert_int_equal(strlen(t->peer), VX_MODEL_STR_MAX);
		vx_tunnel_set_attr(n, t, VX_TA_CRYPTO_MAP, big);
		assert_int_equal(strlen(t->attr[VX_TA_CRYPTO_MAP]),
		    VX_MODEL_STR_MAX);
		ike = vx_snapshot_ike_sa(n, big);
		assert_int_equal(strlen(ike->peer), VX_MODEL_STR_MAX);
		vx_ike_sa_set_attr(n, ike, VX_IA_ROLE, big);
		assert_int_equal(strlen(ike->attr[VX_IA_ROLE]),
		    VX_MODEL_STR_MAX);
		assert_int_equal(vx_snapshot_add_drop(n, big, big, 1), 0);
		assert_int_equal(strlen(n->drops[0].reason), VX_MODEL_STR_MAX);
		assert_int_equal(vx_snapshot_add_label(n, "l", big), 0);
		assert_int_equal(strlen(n->labels[0].value), VX_MODEL_STR_MAX);
		/* Lookups with the long text find what was stored cut. */
		assert_int_equal(vx_snapshot_add_drop(n, big, big, 1), 0);
		assert_int_equal(n->ndrops, 1);
		assert_int_equal(n->drops[0].count, 2);
		assert_ptr_equal(vx_snapshot_ike_sa(n, big), ike);
		assert_int_equal(n->nike, 1);
		vx_snapshot_unref(n);
	}
	vx_snapshot_unref(s);
}

/*
 * A tunnel name longer than VX_MODEL_STR_MAX is stored cut; asking for
 * the same (long) name again must find that tunnel, as drops and IKE SAs
 * do, not create a second tunnel with the same cut name.
 */
static void
test_long_tunnel_name_found_again(void **state)
{
	struct vx_snapshot	*s = snap_new("asa-1");
	char			 big[VX_MODEL_STR_MAX + 40];
	struct vx_tunnel	*a, *found, *b, *c, *d;
	size_t			 n1, n2;

	(void)state;
	memset(big, 'n', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	a = vx_snapshot_tunnel(s, big, "192.0.2.1");
	assert_non_null(a);
	found = vx_snapshot_find_tunnel(s, big, "192.0.2.1");
	b = vx_snapshot_tunnel(s, big, "192.0.2.1");
	n1 = s->ntunnels;
	/* The same for a long peer. */
	c = vx_snapshot_tunnel(s, NULL, big);
	d = vx_snapshot_tunnel(s, NULL, big);
	n2 = s->ntunnels;
	vx_snapshot_unref(s);
	if (found != a || b != a || n1 != 1 || c != d || n2 != 2)
		fail_msg("long names: found %s, again %s, %zu tunnels; long "
		    "peer again %s, %zu tunnels (want same, same, 1, same, 2)",
		    found == a ? "same" : "other", b == a ? "same" : "other",
		    n1, c == d ? "same" : "other", n2);
}

/* 5,000 tunnels: each found again by its key, none confused. */
static void
test_many_tunnels(void **state)
{
	enum { N = 5000 };
	struct vx_snapshot	*s = snap_new("asa-1");
	char			 name[64], peer[64];

	(void)state;
	for (int i = 0; i < N; i++) {
		struct vx_tunnel *t;

		snprintf(name, sizeof(name), "map %d", i % 97);
		snprintf(peer, sizeof(peer), "10.%d.%d.%d", i / 65536,
		    (i / 256) % 256, i % 256);
		t = vx_snapshot_tunnel(s, name, peer);
		assert_non_null(t);
		if (s->ntunnels != (size_t)i + 1)
			fail_msg("tunnel %d: ntunnels %zu", i, s->ntunnels);
		vx_tunnel_add(t, VX_TC_PKTS_IN, (uint64_t)i);
	}
	for (int i = 0; i < N; i++) {
		struct vx_tunnel	*t;
		uint64_t		 v = 0;

		snprintf(name, sizeof(name), "map %d", i % 97);
		snprintf(peer, sizeof(peer), "10.%d.%d.%d", i / 65536,
		    (i / 256) % 256, i % 256);
		t = vx_snapshot_find_tunnel(s, name, peer);
		if (t == NULL || !vx_tunnel_get(t, VX_TC_PKTS_IN, &v) ||
		    v != (uint64_t)i)
			fail_msg("tunnel %d (%s, %s) not found or wrong", i,
			    name, peer);
		assert_ptr_equal(s->tunnels[i], t);
		/* find-or-create of an existing key creates nothing. */
		assert_ptr_equal(vx_snapshot_tunnel(s, name, peer), t);
		/* Same peer under another name is not this tunnel. */
		snprintf(name, sizeof(name), "map %d", i % 97 + 100);
		assert_null(vx_snapshot_find_tunnel(s, name, peer));
	}
	assert_int_equal(s->ntunnels, N);
	assert_true(s->tun_index_cap >= 2 * N);
	vx_snapshot_unref(s);
}

/*
 * Tunnel states: a new tunnel has none (reported as active when up, down
 * otherwise); in a merge a known state beats an unknown one, and active
 * beats the others, like up.
 */
static void
test_tunnel_state(void **state)
{
	static const struct {
		enum vx_tunnel_state	dst, src, want;
	} cases[] = {
		{ VX_TUN_UNKNOWN, VX_TUN_UNKNOWN, VX_TUN_UNKNOWN },
		{ VX_TUN_UNKNOWN, VX_TUN_INIT, VX_TUN_INIT },
		{ VX_TUN_INIT, VX_TUN_UNKNOWN, VX_TUN_INIT },
		{ VX_TUN_INIT, VX_TUN_ACTIVE, VX_TUN_ACTIVE },
		{ VX_TUN_ACTIVE, VX_TUN_INACTIVE, VX_TUN_ACTIVE },
		{ VX_TUN_INACTIVE, VX_TUN_INIT, VX_TUN_INACTIVE },
		{ VX_TUN_DOWN, VX_TUN_INACTIVE, VX_TUN_DOWN },
	};
	struct vx_snapshot	*s = snap_new("pa-1");
	struct vx_tunnel	*t = vx_snapshot_tunnel(s, "t1", "192.0.2.1");

	(void)state;
	assert_int_equal(t->state, VX_TUN_UNKNOWN);
	assert_int_equal(vx_tunnel_state_of(t), VX_TUN_ACTIVE);
	t->up = false;
	assert_int_equal(vx_tunnel_state_of(t), VX_TUN_DOWN);
	t->state = VX_TUN_INIT;
	assert_int_equal(vx_tunnel_state_of(t), VX_TUN_INIT);
	assert_string_equal(vx_tunnel_state_name(VX_TUN_INIT), "init");
	assert_string_equal(vx_tunnel_state_name(VX_TUN_INACTIVE), "inactive");
	assert_null(vx_tunnel_state_name(VX_TUN_UNKNOWN));
	assert_null(vx_tunnel_state_name(VX_TUN__COUNT));
	vx_snapshot_unref(s);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vx_snapshot	*dst = snap_new("pa-1");
		struct vx_snapshot	*src = snap_new("pa-1");

		vx_snapshot_tunnel(dst, "t1", "192.0.2.1")->state =
		    cases[i].dst;
		vx_snapshot_tunnel(src, "t1", "192.0.2.1")->state =
		    cases[i].src;
		/* A tunnel only in src keeps its state. */
		vx_snapshot_tunnel(src, "t2", "192.0.2.2")->state =
		    cases[i].src;
		assert_int_equal(vx_snapshot_merge(dst, src), 0);
		t = vx_snapshot_find_tunnel(dst, "t1", "192.0.2.1");
		if (t->state != cases[i].want)
			fail_msg("case %zu: state %d, want %d", i,
			    (int)t->state, (int)cases[i].want);
		t = vx_snapshot_find_tunnel(dst, "t2", "192.0.2.2");
		if (t->state != cases[i].src)
			fail_msg("case %zu: new tunnel state %d, want %d", i,
			    (int)t->state, (int)cases[i].src);
		vx_snapshot_unref(dst);
		vx_snapshot_unref(src);
	}
}

static void
test_spi_format(void **state)
{
	static const struct {
		uint32_t	 spi;
		const char	*want;
	} cases[] = {
		{ 0, "0x00000000" }, { 1, "0x00000001" },
		{ 0x00f61780u, "0x00f61780" }, { 0xdc15bf68u, "0xdc15bf68" },
		{ 0xffffffffu, "0xffffffff" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[11];

		memset(buf, '#', sizeof(buf));
		vx_spi_format(cases[i].spi, buf);
		if (strcmp(buf, cases[i].want) != 0)
			fail_msg("case %zu: got '%s'", i, buf);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_snapshot),
		cmocka_unit_test(test_tunnel_find_or_create),
		cmocka_unit_test(test_counters),
		cmocka_unit_test(test_lifetimes),
		cmocka_unit_test(test_sas),
		cmocka_unit_test(test_ike_sas),
		cmocka_unit_test(test_attrs_copied),
		cmocka_unit_test(test_expect_peer),
		cmocka_unit_test(test_device_values),
		cmocka_unit_test(test_drops),
		cmocka_unit_test(test_labels),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_merge_ike_known),
		cmocka_unit_test(test_merge_dev_same_priority_first_wins),
		cmocka_unit_test(test_tunnel_state),
		cmocka_unit_test(test_strings_cut),
		cmocka_unit_test(test_long_tunnel_name_found_again),
		cmocka_unit_test(test_many_tunnels),
		cmocka_unit_test(test_spi_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
