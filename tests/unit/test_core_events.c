/*
 * core/events.c: per-peer counts, the last SPI, the peer limit (the
 * excess counted, room again once a peer expires), expiry, the copy into
 * a snapshot and its rendering, and adders on several threads.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "events.h"
#include "render.h"

#define MIN	(60 * 1000)

static struct vx_event
ev(enum vx_event_type t, const char *peer, uint32_t spi)
{
	struct vx_event e;

	memset(&e, 0, sizeof(e));
	e.type = t;
	snprintf(e.peer, sizeof(e.peer), "%s", peer);
	e.spi = spi;
	e.has_spi = spi != 0;
	return e;
}

static struct vx_snapshot *
fill(struct vx_event_store *st, int64_t now)
{
	struct vx_snapshot *s = vx_snapshot_new("d");

	assert_non_null(s);
	assert_int_equal(vx_event_store_fill(st, s, now), 0);
	return s;
}

static void
test_counts(void **state)
{
	struct vx_event_store	*st = vx_event_store_new();
	struct vx_snapshot	*s;
	struct vx_event		 e;

	(void)state;
	e = ev(VX_EV_INVALID_SPI, "203.0.113.9", 0x11);
	assert_true(vx_event_store_add(st, &e, 1000));
	e = ev(VX_EV_INVALID_SPI, "203.0.113.9", 0x22);
	assert_true(vx_event_store_add(st, &e, 2000));
	e = ev(VX_EV_REPLAY, "203.0.113.9", 0x33);
	assert_true(vx_event_store_add(st, &e, 3000));
	e = ev(VX_EV_AUTH, "198.51.100.7", 0x44);
	assert_true(vx_event_store_add(st, &e, 3000));
	e = ev(VX_EV_INVALID_SPI, "", 0x55);
	assert_true(vx_event_store_add(st, &e, 3000));
	assert_int_equal(vx_event_store_peers(st), 3);

	s = fill(st, 4000);
	assert_true(s->events_known);
	assert_int_equal(s->nevents, 3);
	/* Sorted by peer. */
	assert_string_equal(s->events[0].peer, "198.51.100.7");
	assert_string_equal(s->events[1].peer, "203.0.113.9");
	assert_string_equal(s->events[2].peer, VX_EVENT_PEER_UNKNOWN);
	assert_int_equal(s->events[0].count[VX_EV_AUTH], 1);
	assert_int_equal(s->events[0].count[VX_EV_INVALID_SPI], 0);
	assert_false(s->events[0].has_last_spi);
	assert_int_equal(s->events[1].count[VX_EV_INVALID_SPI], 2);
	assert_int_equal(s->events[1].count[VX_EV_REPLAY], 1);
	/* The last SPI is the last invalid-SPI event's, not the replay's. */
	assert_true(s->events[1].has_last_spi);
	assert_int_equal(s->events[1].last_spi, 0x22);
	assert_int_equal(s->events[1].last_ms, 2000);
	assert_int_equal(s->events_dropped, 0);
	vx_snapshot_unref(s);
	vx_event_store_unref(st);
}

static void
test_limit_and_expiry(void **state)
{
	struct vx_event_store	*st = vx_event_store_new();
	struct vx_snapshot	*s;
	char			 peer[32];

	(void)state;
	vx_event_store_set_limits(st, 3, 10 * MIN);
	for (int i = 0; i < 10; i++) {
		struct vx_event e;

		snprintf(peer, sizeof(peer), "192.0.2.%d", i);
		e = ev(VX_EV_INVALID_SPI, peer, (uint32_t)i + 1);
		assert_int_equal(vx_event_store_add(st, &e, 1000), i < 3);
	}
	/* A known peer still counts when the store is full. */
	{
		struct vx_event e = ev(VX_EV_INVALID_SPI, "192.0.2.0", 9);

		assert_true(vx_event_store_add(st, &e, 5 * MIN));
	}
	assert_int_equal(vx_event_store_peers(st), 3);
	s = fill(st, 5 * MIN);
	assert_int_equal(s->nevents, 3);
	assert_int_equal(s->events_dropped, 7);
	vx_snapshot_unref(s);

	/* 192.0.2.1 and .2 expire; .0 was heard from at 5 min. */
	s = fill(st, 10 * MIN + 1000);
	assert_int_equal(s->nevents, 1);
	assert_string_equal(s->events[0].peer, "192.0.2.0");
	assert_int_equal(s->events[0].count[VX_EV_INVALID_SPI], 2);
	vx_snapshot_unref(s);

	/* Room again: a new peer counts (and starts from 1). */
	{
		struct vx_event e = ev(VX_EV_REPLAY, "192.0.2.9", 1);

		assert_true(vx_event_store_add(st, &e, 11 * MIN));
	}
	assert_int_equal(vx_event_store_peers(st), 2);
	vx_event_store_unref(st);
}

/* A full store of stale peers takes a new one between polls too. */
static void
test_full_store_sweeps(void **state)
{
	struct vx_event_store	*st = vx_event_store_new();
	struct vx_event		 a = ev(VX_EV_INVALID_SPI, "192.0.2.1", 1);
	struct vx_event		 b = ev(VX_EV_INVALID_SPI, "192.0.2.2", 2);

	(void)state;
	vx_event_store_set_limits(st, 1, MIN);
	assert_true(vx_event_store_add(st, &a, 0));
	assert_false(vx_event_store_add(st, &b, MIN / 2));
	assert_true(vx_event_store_add(st, &b, 2 * MIN));
	assert_int_equal(vx_event_store_peers(st), 1);
	vx_event_store_unref(st);
}

static void
test_render(void **state)
{
	struct vx_event_store	*st = vx_event_store_new();
	struct vx_event		 e = ev(VX_EV_INVALID_SPI, "203.0.113.9",
				    0xdeadbeef);
	struct vx_snapshot	*s;
	struct vx_strbuf	 out;

	(void)state;
	assert_true(vx_event_store_add(st, &e, 1795000000123));
	s = fill(st, 1795000001000);
	vx_strbuf_init(&out, 4096);
	vx_render(&out, VX_FMT_TEXT, &s, 1, NULL);
	assert_non_null(strstr(out.buf, "vpn_invalid_spi_events_total{device="
	    "\"d\",peer=\"203.0.113.9\"} 1\n"));
	assert_non_null(strstr(out.buf, "vpn_ipsec_error_events_total{device="
	    "\"d\",peer=\"203.0.113.9\",type=\"replay\"} 0\n"));
	assert_non_null(strstr(out.buf, "vpn_ipsec_error_events_total{device="
	    "\"d\",peer=\"203.0.113.9\",type=\"auth\"} 0\n"));
	assert_non_null(strstr(out.buf, "vpn_invalid_spi_last_event_info{"
	    "device=\"d\",peer=\"203.0.113.9\",spi=\"0xdeadbeef\"} 1\n"));
	assert_non_null(strstr(out.buf, "vpn_invalid_spi_last_event_timestamp"
	    "_seconds{device=\"d\",peer=\"203.0.113.9\"} 1795000000.123\n"));
	assert_non_null(strstr(out.buf, "vpn_syslog_events_dropped_total{"
	    "device=\"d\"} 0\n"));
	vx_strbuf_release(&out);

	/* A stale snapshot has no device data, events included. */
	s->stale = true;
	vx_strbuf_init(&out, 4096);
	vx_render(&out, VX_FMT_TEXT, &s, 1, NULL);
	assert_null(strstr(out.buf, "vpn_invalid_spi_events_total"));
	vx_strbuf_release(&out);
	vx_snapshot_unref(s);
	vx_event_store_unref(st);
}

/* The events survive a merge (the core merges each collector's). */
static void
test_merge(void **state)
{
	struct vx_event_store	*st = vx_event_store_new();
	struct vx_event		 e = ev(VX_EV_AUTH, "192.0.2.7", 7);
	struct vx_snapshot	*sub, *dst = vx_snapshot_new("d");
	struct vx_fields	 none;

	(void)state;
	assert_true(vx_event_store_add(st, &e, 1));
	sub = fill(st, 2);
	memset(&none, 0, sizeof(none));
	vx_snapshot_restrict(sub, &none);
	assert_int_equal(vx_snapshot_merge(dst, sub), 0);
	assert_true(dst->events_known);
	assert_int_equal(dst->nevents, 1);
	assert_string_equal(dst->events[0].peer, "192.0.2.7");
	assert_int_equal(dst->events[0].count[VX_EV_AUTH], 1);
	vx_snapshot_unref(sub);
	vx_snapshot_unref(dst);
	vx_event_store_unref(st);
}

static void *
adder(void *arg)
{
	struct vx_event_store *st = arg;

	for (int i = 0; i < 20000; i++) {
		char		peer[32];
		struct vx_event	e;

		snprintf(peer, sizeof(peer), "10.0.%d.%d", (i / 250) % 4,
		    i % 250);
		e = ev((enum vx_event_type)(i % VX_EV__COUNT), peer, 1);
		vx_event_store_add(st, &e, 1000);
	}
	return NULL;
}

/* Adders on several threads and a reader: nothing lost, no more peers. */
static void
test_threads(void **state)
{
	struct vx_event_store	*st = vx_event_store_new();
	pthread_t		 t[4];
	struct vx_snapshot	*s;
	uint64_t		 total = 0;

	(void)state;
	vx_event_store_set_limits(st, 500, 10 * MIN);
	for (int i = 0; i < 4; i++)
		assert_int_equal(pthread_create(&t[i], NULL, adder, st), 0);
	for (int i = 0; i < 20; i++) {
		s = fill(st, 1000);
		vx_snapshot_unref(s);
	}
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	s = fill(st, 1000);
	assert_true(s->nevents <= 500);
	for (size_t i = 0; i < s->nevents; i++)
		for (int k = 0; k < VX_EV__COUNT; k++)
			total += s->events[i].count[k];
	assert_int_equal(total + s->events_dropped, 4 * 20000);
	vx_snapshot_unref(s);
	vx_event_store_unref(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_limit_and_expiry),
		cmocka_unit_test(test_full_store_sweeps),
		cmocka_unit_test(test_render),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_threads),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
