/*
 * The status page (exporter/status*.c): escaping of everything a device
 * or the configuration says, the invalid-SPI rate, query arguments,
 * filtering and sorting, and what the HTML and JSON show of both ends of
 * a tunnel.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "correlate.h"
#include "device.h"
#include "escape.h"
#include "status.h"

#define HOSTILE	"<script>alert(1)</script>"

static char *
html_of(const char *s)
{
	struct vx_strbuf sb;

	vx_strbuf_init(&sb, 64);
	vx_html_escape(&sb, s);
	return vx_strbuf_detach(&sb, NULL);
}

static char *
json_of(const char *s)
{
	struct vx_strbuf sb;

	vx_strbuf_init(&sb, 64);
	vx_json_str(&sb, s);
	return vx_strbuf_detach(&sb, NULL);
}

static char *
url_of(const char *s)
{
	struct vx_strbuf sb;

	vx_strbuf_init(&sb, 64);
	vx_url_escape(&sb, s);
	return vx_strbuf_detach(&sb, NULL);
}

static void
test_escape(void **state)
{
	static const struct {
		const char	*in;
		const char	*html;
		const char	*json;
		const char	*url;
	} cases[] = {
		{ "asa-fra1", "asa-fra1", "\"asa-fra1\"", "asa-fra1" },
		{ HOSTILE, "&lt;script&gt;alert(1)&lt;/script&gt;",
		    "\"\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\"",
		    "%3Cscript%3Ealert%281%29%3C%2Fscript%3E" },
		{ "a\"b&c'd", "a&quot;b&amp;c&#39;d", "\"a\\\"b\\u0026c'd\"",
		    "a%22b%26c%27d" },
		{ "back\\slash\nnl\ttab", "back\\slash\nnl\ttab",
		    "\"back\\\\slash\\nnl\\ttab\"",
		    "back%5Cslash%0Anl%09tab" },
		/* Control characters, invalid and valid UTF-8. */
		{ "bell\x07" "x", "bell\xef\xbf\xbdx", "\"bell\\u0007x\"",
		    "bell%07x" },
		{ "bad\xff" "byte", "bad\xef\xbf\xbd" "byte",
		    "\"bad\xef\xbf\xbd" "byte\"", "bad%FFbyte" },
		{ "caf\xc3\xa9 \xe2\x82\xac", "caf\xc3\xa9 \xe2\x82\xac",
		    "\"caf\xc3\xa9 \xe2\x82\xac\"", "caf%C3%A9%20%E2%82%AC" },
		{ "trunc\xe2\x82", "trunc\xef\xbf\xbd\xef\xbf\xbd",
		    "\"trunc\xef\xbf\xbd\xef\xbf\xbd\"", "trunc%E2%82" },
		{ "", "", "\"\"", "" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *h = html_of(cases[i].in), *j = json_of(cases[i].in);
		char *u = url_of(cases[i].in);

		printf("case %zu\n", i);
		assert_string_equal(h, cases[i].html);
		assert_string_equal(j, cases[i].json);
		assert_string_equal(u, cases[i].url);
		free(h);
		free(j);
		free(u);
	}
	/* NULL writes nothing (HTML) or the empty string (JSON). */
	{
		char *h = html_of(NULL), *j = json_of(NULL);

		assert_string_equal(h, "");
		assert_string_equal(j, "\"\"");
		free(h);
		free(j);
	}
}

static void
test_rate(void **state)
{
	struct vx_counter_sample	rising[] = {
		{ 1000, 100 }, { 16000, 160 }, { 31000, 220 },
	};
	struct vx_counter_sample	reset[] = {
		{ 0, 1000 }, { 10000, 1100 }, { 20000, 50 }, { 30000, 150 },
	};
	struct vx_counter_sample	flat[] = { { 5000, 7 }, { 5000, 9 } };
	double				r = -1;

	(void)state;
	assert_true(vx_status_rate(rising, 3, &r));
	assert_true(r > 3.999 && r < 4.001);		/* 120 in 30 s */
	/* A fall is a reset: 100 + 50 + 100 in 30 s. */
	assert_true(vx_status_rate(reset, 4, &r));
	assert_true(r > 8.33 && r < 8.34);
	assert_false(vx_status_rate(rising, 1, &r));
	assert_false(vx_status_rate(flat, 2, &r));
}

static void
test_query(void **state)
{
	struct vx_status_query q;

	(void)state;
	vx_status_query_init(&q);
	assert_int_equal(q.sort, VX_SK_DEVICE);
	assert_int_equal(q.limit, -1);
	assert_int_equal(q.refresh_s, -1);
	assert_true(vx_status_query_arg(&q, "sort", "-life"));
	assert_int_equal(q.sort, VX_SK_LIFE);
	assert_true(q.sort_rev);
	assert_true(vx_status_query_arg(&q, "dsort", "rate"));
	assert_int_equal(q.dsort, VX_SK_RATE);
	assert_false(q.dsort_rev);
	assert_true(vx_status_query_arg(&q, "device", "fra"));
	assert_string_equal(q.device, "fra");
	assert_true(vx_status_query_arg(&q, "problems", "1"));
	assert_true(q.problems);
	assert_true(vx_status_query_arg(&q, "problems", "0"));
	assert_false(q.problems);
	assert_true(vx_status_query_arg(&q, "refresh", "0"));
	assert_int_equal(q.refresh_s, 0);
	assert_true(vx_status_query_arg(&q, "limit", "50"));
	assert_int_equal(q.limit, 50);
	/* Bad values are refused and change nothing. */
	assert_false(vx_status_query_arg(&q, "sort", "bogus"));
	assert_int_equal(q.sort, VX_SK_LIFE);
	assert_false(vx_status_query_arg(&q, "refresh", "-3"));
	assert_false(vx_status_query_arg(&q, "refresh", "99999"));
	assert_int_equal(q.refresh_s, 0);
	assert_false(vx_status_query_arg(&q, "limit", "many"));
	assert_int_equal(q.limit, 50);
	/* Unknown arguments are ignored. */
	assert_true(vx_status_query_arg(&q, "utm_source", "x"));
	assert_string_equal(vx_status_key_name(VX_SK_DURATION), "duration");
}

/*
 * A small fleet: hq has tunnels to branch-ok (SPIs agree) and to
 * branch-bad (one-sided rekey: its outbound SPI is unknown at hq), and
 * one to an unmonitored peer that is down; plus a device with a hostile
 * name, down with an error message that holds markup.
 */
struct fleet {
	struct vx_snapshot	*snap[4];
	struct vx_status_dev	 devs[4];
	struct vx_corr_dev	 corr[4];
	struct vx_correlator	 c;
	struct vx_status_view	 v;
	const char		*coll[1];
};

static struct vx_tunnel *
tunnel(struct vx_snapshot *s, const char *peer, const char *local,
    uint32_t in, uint32_t out, int64_t life)
{
	struct vx_tunnel	*t = vx_snapshot_tunnel(s, NULL, peer);
	struct vx_sa		 sa = { in, out, true, true, VX_SA_ACTIVE,
				    NULL, NULL };

	assert_non_null(t);
	vx_tunnel_set_attr(s, t, VX_TA_LOCAL_ADDR, local);
	if (in != 0)
		assert_int_equal(vx_tunnel_add_sa(s, t, &sa), 0);
	if (life >= 0)
		vx_tunnel_note_life_s(t, life);
	return t;
}

static struct vx_snapshot *
snapshot(const char *name, bool up, int64_t at)
{
	struct vx_snapshot *s = vx_snapshot_new(name);

	assert_non_null(s);
	s->up = up;
	s->complete = up;
	s->collected_ms = at;
	s->runs = vx_arena_alloc(&s->arena, sizeof(*s->runs));
	assert_non_null(s->runs);
	s->runs[0].collector = "cisco_asa_snmp";
	s->runs[0].duration_ms = up ? 120 : 5000;
	s->runs[0].code = up ? VX_E_OK : VX_E_TIMEOUT;
	s->nruns = 1;
	assert_int_equal(vx_snapshot_add_threshold(s, "sa_expiring",
	    "warning", 120), 0);
	return s;
}

static void
fleet_build(struct fleet *f, int64_t now)
{
	static const char *names[] = { "hq", "branch-ok", "branch-bad",
	    HOSTILE "\"&" };
	struct vx_tunnel *t;

	memset(f, 0, sizeof(*f));
	f->coll[0] = "cisco_asa_snmp";
	for (int i = 0; i < 4; i++)
		f->snap[i] = snapshot(names[i], i != 3, now - 2000);
	tunnel(f->snap[0], "198.51.100.20", "192.0.2.201", 0x100, 0x200, 3600);
	tunnel(f->snap[0], "198.51.100.30", "192.0.2.201", 0x300, 0x400, 60);
	t = tunnel(f->snap[0], "203.0.113.99", "192.0.2.201", 0, 0, -1);
	t->up = false;
	tunnel(f->snap[1], "192.0.2.201", "198.51.100.20", 0x200, 0x100, 3500);
	tunnel(f->snap[2], "192.0.2.201", "198.51.100.30", 0x400, 0x999, 7200);
	for (int i = 0; i < 4; i++) {
		struct vx_status_dev *d = &f->devs[i];

		d->name = names[i];
		d->vendor = "cisco_asa";
		d->address = i == 3 ? "<b>127.0.0.1</b>" : "127.0.0.1";
		d->collectors = f->coll;
		d->ncollectors = 1;
		d->background = true;
		d->interval_ms = 30000;
		d->snap = f->snap[i];
		d->last_error = i == 3 ? "cisco_asa_snmp: timeout: no "
		    "response from <img src=x onerror=alert(1)>" : "";
		f->corr[i].name = names[i];
		f->corr[i].snap = f->snap[i];
		f->corr[i].grace_ms = 1000;
		f->corr[i].wanted = true;
	}
	/* hq's invalid-SPI counter: 10 packets/s. */
	for (size_t k = 0; k < 4; k++)
		f->devs[0].spi[k] = (struct vx_counter_sample){
			now - 40000 + (int64_t)k * 10000, 500 + k * 100 };
	f->devs[0].nspi = 4;
	vx_correlator_init(&f->c);
	/* Twice: the mismatch outlasts the grace period the second time. */
	free(vx_correlate_pairs(&f->c, f->corr, 4, now - 1000,
	    &f->v.nchecks));
	for (int i = 0; i < 4; i++)
		f->snap[i]->collected_ms = now;
	f->v.checks = vx_correlate_pairs(&f->c, f->corr, 4, now,
	    &f->v.nchecks);
	f->v.now_ms = now;
	f->v.devs = f->devs;
	f->v.ndevs = 4;
	assert_int_equal(vx_status_index(&f->v), 0);
}

static void
fleet_free(struct fleet *f)
{
	vx_status_release(&f->v);
	vx_correlator_release(&f->c);
	for (int i = 0; i < 4; i++)
		vx_snapshot_unref(f->snap[i]);
}

static const struct vx_status_tun *
tun_of(const struct vx_status_view *v, const char *dev, const char *peer)
{
	for (size_t i = 0; i < v->ntuns; i++) {
		if (strcmp(v->tuns[i].dev->name, dev) == 0 &&
		    strcmp(v->tuns[i].t->peer, peer) == 0)
			return &v->tuns[i];
	}
	fail_msg("no tunnel %s/%s", dev, peer);
	return NULL;
}

static void
test_index(void **state)
{
	struct fleet f;
	const struct vx_status_tun *t;

	(void)state;
	fleet_build(&f, 1700000000000);
	assert_int_equal(f.v.ntuns, 5);
	t = tun_of(&f.v, "hq", "198.51.100.20");
	assert_int_equal(t->spi, VX_SS_MATCH);
	assert_string_equal(t->check->peer_device, "branch-ok");
	assert_non_null(t->check->peer_tun);
	assert_int_equal(t->check->peer_tun->sas[0].spi_in, 0x200);
	t = tun_of(&f.v, "hq", "198.51.100.30");
	assert_int_equal(t->spi, VX_SS_MISMATCH);
	assert_int_equal(t->check->differ_since_ms, 1700000000000 - 2000);
	t = tun_of(&f.v, "branch-bad", "192.0.2.201");
	assert_int_equal(t->spi, VX_SS_MISMATCH);
	t = tun_of(&f.v, "hq", "203.0.113.99");
	assert_int_equal(t->spi, VX_SS_NOT_MONITORED);
	assert_null(t->check);
	assert_int_equal(f.devs[0].state, VX_ST_UP);
	assert_int_equal(f.devs[3].state, VX_ST_DOWN);
	assert_int_equal(f.devs[0].tunnels, 3);
	assert_int_equal(f.devs[0].tunnels_up, 2);
	assert_int_equal(f.devs[0].mismatches, 1);
	assert_true(f.devs[0].spi_rate_set);
	assert_true(f.devs[0].spi_rate > 9.99 && f.devs[0].spi_rate < 10.01);
	assert_false(f.devs[1].spi_rate_set);
	/* The page refreshes at the shortest poll interval. */
	assert_int_equal(f.v.refresh_s, 30);
	fleet_free(&f);
}

/* Unknown agreement: the other end is down, yet it is monitored. */
static void
test_index_unknown(void **state)
{
	struct fleet f;

	(void)state;
	fleet_build(&f, 1700000000000);
	vx_status_release(&f.v);
	f.snap[1]->up = false;
	f.v.checks = vx_correlate_pairs(&f.c, f.corr, 4, 1700000000000,
	    &f.v.nchecks);
	f.v.devs = f.devs;
	f.v.ndevs = 4;
	assert_int_equal(vx_status_index(&f.v), 0);
	assert_int_equal(tun_of(&f.v, "hq", "198.51.100.20")->spi,
	    VX_SS_UNKNOWN);
	/* The metrics' correlation leaves unknown pairs out. */
	{
		size_t			 n;
		struct vx_spi_check	*c = vx_correlate(&f.c, f.corr, 4,
					    1700000000000, &n);

		for (size_t i = 0; i < n; i++)
			assert_true(c[i].known);
		assert_int_equal(n, 2);	/* hq and branch-bad's mismatch */
		free(c);
	}
	fleet_free(&f);
}

static const char *
shown_tunnel(const struct vx_status_view *v, size_t i)
{
	return v->tuns[v->torder[i]].t->peer;
}

static void
test_select(void **state)
{
	struct fleet		f;
	struct vx_status_query	q;

	(void)state;
	fleet_build(&f, 1700000000000);
	vx_status_query_init(&q);
	assert_int_equal(vx_status_select(&f.v, &q), 0);
	assert_int_equal(f.v.ndorder, 4);
	assert_int_equal(f.v.ntorder, 5);
	/* Device, then natural order. */
	assert_string_equal(f.devs[f.v.dorder[0]].name, HOSTILE "\"&");
	assert_string_equal(f.devs[f.v.dorder[1]].name, "branch-bad");
	assert_string_equal(f.devs[f.v.dorder[3]].name, "hq");

	/* ?device= is a case-insensitive substring. */
	vx_status_query_arg(&q, "device", "BRANCH");
	assert_int_equal(vx_status_select(&f.v, &q), 0);
	assert_int_equal(f.v.ndorder, 2);
	assert_int_equal(f.v.ntorder, 2);
	vx_status_query_arg(&q, "device", "<script>");
	assert_int_equal(vx_status_select(&f.v, &q), 0);
	assert_int_equal(f.v.ndorder, 1);
	assert_int_equal(f.v.ntorder, 0);

	/* Problems: down devices, down tunnels, mismatches. */
	vx_status_query_init(&q);
	vx_status_query_arg(&q, "problems", "1");
	assert_int_equal(vx_status_select(&f.v, &q), 0);
	assert_int_equal(f.v.ntorder, 3);
	assert_int_equal(f.v.ndorder, 3);	/* not branch-ok */

	/* Sorted by SPI agreement: mismatches first. */
	vx_status_query_init(&q);
	vx_status_query_arg(&q, "sort", "spi");
	assert_int_equal(vx_status_select(&f.v, &q), 0);
	assert_int_equal(f.v.tuns[f.v.torder[0]].spi, VX_SS_MISMATCH);
	assert_int_equal(f.v.tuns[f.v.torder[1]].spi, VX_SS_MISMATCH);
	assert_int_equal(f.v.tuns[f.v.torder[2]].spi, VX_SS_MATCH);
	/* Least lifetime first; down tunnels last; reversed. */
	vx_status_query_arg(&q, "sort", "life");
	assert_int_equal(vx_status_select(&f.v, &q), 0);
	assert_string_equal(shown_tunnel(&f.v, 0), "198.51.100.30");
	assert_string_equal(shown_tunnel(&f.v, 4), "203.0.113.99");
	vx_status_query_arg(&q, "sort", "-life");
	assert_int_equal(vx_status_select(&f.v, &q), 0);
	assert_string_equal(shown_tunnel(&f.v, 0), "203.0.113.99");
	/* Peer filter and limit. */
	vx_status_query_init(&q);
	vx_status_query_arg(&q, "peer", "198.51.100");
	assert_int_equal(vx_status_select(&f.v, &q), 0);
	assert_int_equal(f.v.ntorder, 2);
	vx_status_query_arg(&q, "limit", "1");
	assert_int_equal(vx_status_select(&f.v, &q), 0);
	assert_int_equal(f.v.ntorder, 1);
	assert_int_equal(f.v.tmatched, 2);
	/* Devices by invalid-SPI rate: hq first. */
	vx_status_query_init(&q);
	vx_status_query_arg(&q, "dsort", "rate");
	assert_int_equal(vx_status_select(&f.v, &q), 0);
	assert_string_equal(f.devs[f.v.dorder[0]].name, "hq");
	fleet_free(&f);
}

static char *
render(struct fleet *f, const struct vx_status_query *q, bool json)
{
	struct vx_strbuf sb;

	assert_int_equal(vx_status_select(&f->v, q), 0);
	vx_strbuf_init(&sb, 4096);
	if (json)
		vx_status_json(&sb, &f->v);
	else
		vx_status_html(&sb, &f->v, q);
	assert_false(sb.failed);
	return vx_strbuf_detach(&sb, NULL);
}

static void
test_html(void **state)
{
	struct fleet		f;
	struct vx_status_query	q;
	char			*h;

	(void)state;
	fleet_build(&f, 1700000000000);
	vx_status_query_init(&q);
	h = render(&f, &q, false);
	/* Nothing a device or the configuration said becomes markup. */
	assert_null(strstr(h, "<script"));
	assert_null(strstr(h, "<img"));
	assert_null(strstr(h, "<b>"));
	assert_non_null(strstr(h, "&lt;script&gt;alert(1)&lt;/script&gt;"
	    "&quot;&amp;"));
	assert_non_null(strstr(h, "&lt;img src=x onerror=alert(1)&gt;"));
	/* Links filter by the escaped name. */
	assert_non_null(strstr(h, "href=\"status?device=%3Cscript%3Ealert"
	    "%281%29%3C%2Fscript%3E%22%26\""));
	/* Self-contained and refreshing. */
	assert_non_null(strstr(h, "<meta http-equiv=\"refresh\" "
	    "content=\"30\">"));
	assert_non_null(strstr(h, "<style>"));
	assert_null(strstr(h, "http://"));
	assert_null(strstr(h, "https://"));
	assert_null(strstr(h, "<link"));
	/* Both ends' SPIs, the flag, the unmonitored peer. */
	assert_non_null(strstr(h, "0x00000999"));
	assert_non_null(strstr(h, "<span class=\"flag\">MISMATCH</span>"));
	assert_non_null(strstr(h, "<span class=\"spi bad\">0x00000999</span>"));
	assert_non_null(strstr(h, ">match<"));
	assert_non_null(strstr(h, "not monitored"));
	assert_non_null(strstr(h, "2 SPI mismatches"));
	/* The invalid-SPI rate and its sparkline. */
	assert_non_null(strstr(h, "10.0</span><span class=\"muted small\"> /s "
	    "over 4 polls"));
	assert_non_null(strstr(h, "<svg class=\"spark\""));
	/* hq's tunnel with 60 s left is under its sa_expiring threshold. */
	assert_non_null(strstr(h, "<span class=\"st st-warn\">1m 0s</span>"));
	free(h);

	/* Filters survive in the form and the sort links, escaped. */
	vx_status_query_arg(&q, "device", "\"><x>");
	vx_status_query_arg(&q, "sort", "life");
	vx_status_query_arg(&q, "refresh", "0");
	h = render(&f, &q, false);
	assert_null(strstr(h, "<x>"));
	assert_non_null(strstr(h, "name=\"device\" value=\"&quot;&gt;&lt;x&gt;"
	    "\""));
	assert_non_null(strstr(h, "href=\"status?device=%22%3E%3Cx%3E&amp;"
	    "sort=-life&amp;refresh=0\""));
	assert_null(strstr(h, "http-equiv=\"refresh\""));
	free(h);
	fleet_free(&f);
}

static void
test_json(void **state)
{
	struct fleet		f;
	struct vx_status_query	q;
	char			*j;

	(void)state;
	fleet_build(&f, 1700000000000);
	vx_status_query_init(&q);
	vx_status_query_arg(&q, "limit", "0");
	j = render(&f, &q, true);
	assert_null(strstr(j, "<"));
	assert_non_null(strstr(j, "\"name\":\"\\u003cscript\\u003ealert(1)"
	    "\\u003c/script\\u003e\\\"\\u0026\""));
	assert_non_null(strstr(j, "\"peer\":\"198.51.100.30\",\"up\":true,"
	    "\"local_address\":\"192.0.2.201\",\"life_s\":60,\"life_kb\":null,"
	    "\"sas\":[{\"spi_in\":\"0x00000300\",\"spi_out\":\"0x00000400\","
	    "\"state\":\"active\"}],\"spi\":\"mismatch\",\"mismatch\":true,"
	    "\"differ_since_ms\":1699999998000,\"other_end\":{\"device\":"
	    "\"branch-bad\",\"name\":\"192.0.2.201\",\"peer\":\"192.0.2.201\","
	    "\"up\":true,\"sas\":[{\"spi_in\":\"0x00000400\",\"spi_out\":"
	    "\"0x00000999\",\"state\":\"active\"}]}}"));
	assert_non_null(strstr(j, "\"spi\":\"not_monitored\",\"mismatch\":null,"
	    "\"differ_since_ms\":null,\"other_end\":null}"));
	assert_non_null(strstr(j, "\"invalid_spi\":{\"per_s\":10,\"samples\":"
	    "[{\"ms\":1699999960000,\"value\":500},"));
	assert_non_null(strstr(j, "\"state\":\"down\""));
	assert_non_null(strstr(j, "\"runs\":[{\"collector\":\"cisco_asa_snmp\","
	    "\"duration_ms\":5000,\"reason\":\"timeout\"}]"));
	assert_non_null(strstr(j, "\"tunnels_matched\":5,"));
	free(j);
	fleet_free(&f);
}

/* A collector whose invalid-SPI counter rises by 10 a poll. */
static int
counting_collect(void *state, const struct vx_target *target,
    struct vx_deadline deadline, struct vx_snapshot *snap,
    struct vx_err *err)
{
	uint64_t *n = state;

	(void)target;
	(void)deadline;
	(void)err;
	*n += 10;
	vx_snapshot_set_dev(snap, VX_DV_INVALID_SPI, *n, VX_PRIO_NORMAL);
	return 0;
}

static void
noop(void *state)
{
	(void)state;
}

/* The device keeps its last VX_DEVICE_SPI_HISTORY samples, oldest first. */
static void
test_device_history(void **state)
{
	static const struct vx_collector_ops ops = {
		.name = "counting", .collect = counting_collect,
		.reset = noop, .free = noop,
	};
	struct vx_counter_sample	 s[VX_DEVICE_SPI_HISTORY];
	struct vx_device_cfg		 cfg;
	struct vx_device		*d, *d2;
	uint64_t			 counter = 0;
	size_t				 n;

	(void)state;
	memset(&cfg, 0, sizeof(cfg));
	cfg.name = strdup("dev");
	cfg.collectors = calloc(1, sizeof(*cfg.collectors));
	assert_non_null(cfg.collectors);
	cfg.collectors[0].ops = &ops;
	cfg.collectors[0].state = &counter;
	cfg.collectors[0].allow.dev[VX_DV_INVALID_SPI] = 1;
	cfg.ncollectors = 1;
	cfg.interval_ms = 1000;
	d = vx_device_new(&cfg);
	assert_non_null(d);
	assert_int_equal(vx_device_spi_history(d, s), 0);
	for (int i = 0; i < 3; i++)
		vx_snapshot_unref(vx_device_collect(d, vx_deadline_in(1000)));
	n = vx_device_spi_history(d, s);
	assert_int_equal(n, 3);
	assert_int_equal(s[0].value, 10);
	assert_int_equal(s[2].value, 30);
	assert_true(s[0].ms <= s[2].ms && s[0].ms > 0);
	/* Past the ring's size: the newest VX_DEVICE_SPI_HISTORY remain. */
	for (int i = 0; i < VX_DEVICE_SPI_HISTORY + 2; i++)
		vx_snapshot_unref(vx_device_collect(d, vx_deadline_in(1000)));
	n = vx_device_spi_history(d, s);
	assert_int_equal(n, VX_DEVICE_SPI_HISTORY);
	assert_int_equal(s[0].value, 10 * (3 + 2 + 1));
	for (size_t i = 1; i < n; i++)
		assert_int_equal(s[i].value, s[i - 1].value + 10);
	/* A reload that changed the device carries the history over. */
	memset(&cfg, 0, sizeof(cfg));
	cfg.name = strdup("dev");
	d2 = vx_device_new(&cfg);
	assert_non_null(d2);
	vx_device_inherit(d2, d);
	assert_int_equal(vx_device_spi_history(d2, s), VX_DEVICE_SPI_HISTORY);
	assert_int_equal(s[VX_DEVICE_SPI_HISTORY - 1].value, counter);
	vx_device_unref(d2);
	vx_device_unref(d);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_rate),
		cmocka_unit_test(test_query),
		cmocka_unit_test(test_index),
		cmocka_unit_test(test_index_unknown),
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_device_history),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
