/*
 * The HTTP server's connection registry (exporter/http_conns.c): the
 * limit from the descriptor limit, which connections are closed to make
 * room (waiting ones, oldest first, never one with a request in progress
 * or younger than a second), refusals past the limit, timeouts counted,
 * and the rate-limited warning.  The connections are real sockets
 * (socketpairs): an evicted one reads end-of-file at its peer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http_conns.h"
#include "log.h"

#define N	16

struct pair {
	int			 server, client;
	struct vx_http_conn	*conn;
};

static void
open_pairs(struct vx_conns *cs, struct vx_conns_owner *owner,
    struct pair *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int fds[2];

		assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
		p[i].server = fds[0];
		p[i].client = fds[1];
		p[i].conn = vx_conns_opened(cs, owner, fds[0]);
		assert_non_null(p[i].conn);
	}
}

static void
close_pairs(struct vx_conns *cs, struct pair *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		vx_conns_closed(cs, p[i].conn);
		close(p[i].server);
		close(p[i].client);
	}
}

/* True if the server side was shut down: the client reads EOF. */
static bool
shut(const struct pair *p)
{
	char	c;

	return recv(p->client, &c, 1, MSG_DONTWAIT) == 0;
}

static void
test_limits(void **state)
{
	static const struct {
		uint64_t	nofile;
		size_t		hard, soft;
	} cases[] = {
		{ 0, 16, 14 },
		{ 20, 16, 14 },
		{ 256, 128, 112 },
		{ 1024, 512, 448 },
		{ 20000, 10000, 8750 },
		{ 1048576, 16384, 14336 },
		{ UINT64_MAX, 16384, 14336 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t hard, soft;

		vx_conns_limits(cases[i].nofile, &hard, &soft);
		if (hard != cases[i].hard || soft != cases[i].soft)
			fail_msg("nofile %llu: %zu/%zu, want %zu/%zu",
			    (unsigned long long)cases[i].nofile, hard, soft,
			    cases[i].hard, cases[i].soft);
	}
}

static void
test_eviction(void **state)
{
	struct vx_conns		cs;
	struct vx_conns_owner	owner = { 0 };
	struct vx_http_stats	st;
	struct pair		p[N];

	(void)state;
	vx_conns_init(&cs, 32, 10000);	/* hard 16, soft 14 */
	open_pairs(&cs, &owner, p, 13);
	assert_int_equal(owner.n, 13);
	/* Below the soft limit: nobody is closed. */
	assert_true(vx_conns_admit(&cs));
	open_pairs(&cs, &owner, &p[13], 1);
	/* At it, but everyone is younger than a second. */
	assert_true(vx_conns_admit(&cs));
	for (int i = 0; i < 14; i++)
		assert_false(shut(&p[i]));
	sleep(1);
	usleep(100000);
	/* p[0] has a request in progress: p[1] is the oldest waiting. */
	assert_true(vx_conns_begin(&cs, p[0].conn));
	assert_true(vx_conns_admit(&cs));
	assert_false(shut(&p[0]));
	assert_true(shut(&p[1]));
	for (int i = 2; i < 14; i++)
		assert_false(shut(&p[i]));
	/* A request on an evicted connection is refused. */
	assert_false(vx_conns_begin(&cs, p[1].conn));
	vx_conns_stats(&cs, &st);
	assert_true(st.valid);
	assert_int_equal(st.open, 14);
	assert_int_equal(st.max, 16);
	assert_int_equal(st.dropped[VX_HTTP_DROP_EVICTED], 1);
	/*
	 * p[0]'s request ends: it waits again, as the youngest.  One more
	 * connection brings the live ones (not counting p[1], closing) back
	 * to the soft limit: p[2] goes.
	 */
	vx_conns_end(&cs, p[0].conn, true, false);
	open_pairs(&cs, &owner, &p[14], 1);
	assert_true(vx_conns_admit(&cs));
	assert_true(shut(&p[2]));
	assert_false(shut(&p[0]));
	assert_false(shut(&p[14]));
	close_pairs(&cs, p, 15);
	vx_conns_stats(&cs, &st);
	assert_int_equal(st.open, 0);
	assert_int_equal(owner.n, 0);
	assert_int_equal(cs.evicting, 0);
	/* Evicted connections are not also counted as timeouts. */
	assert_int_equal(st.dropped[VX_HTTP_DROP_TIMEOUT], 0);
	vx_conns_release(&cs);
}

/* With every connection busy, past the hard limit: refused, counted. */
static void
test_refused_when_all_busy(void **state)
{
	struct vx_conns		cs;
	struct vx_conns_owner	owner = { 0 };
	struct vx_http_stats	st;
	struct pair		p[N];

	(void)state;
	vx_conns_init(&cs, 32, 10000);
	open_pairs(&cs, &owner, p, N);
	for (int i = 0; i < N; i++)
		assert_true(vx_conns_begin(&cs, p[i].conn));
	sleep(1);
	usleep(100000);
	assert_false(vx_conns_admit(&cs));
	for (int i = 0; i < N; i++)
		assert_false(shut(&p[i]));
	vx_conns_refused(&cs, 2);	/* libmicrohttpd's own */
	vx_conns_stats(&cs, &st);
	assert_int_equal(st.dropped[VX_HTTP_DROP_LIMIT], 3);
	assert_int_equal(st.dropped[VX_HTTP_DROP_EVICTED], 0);
	close_pairs(&cs, p, N);
	vx_conns_release(&cs);
}

/*
 * A connection closed without a request after the header timeout is a
 * timeout; one that was served, or closed sooner, is not.  So is an
 * answer the client did not take in time.
 */
static void
test_timeouts(void **state)
{
	struct vx_conns		cs;
	struct vx_conns_owner	owner = { 0 };
	struct vx_http_stats	st;
	struct pair		p[3];

	(void)state;
	vx_conns_init(&cs, 32, 50);
	open_pairs(&cs, &owner, p, 3);
	assert_true(vx_conns_begin(&cs, p[1].conn));
	vx_conns_end(&cs, p[1].conn, true, false);
	usleep(80000);
	close_pairs(&cs, p, 2);
	vx_conns_stats(&cs, &st);
	assert_int_equal(st.dropped[VX_HTTP_DROP_TIMEOUT], 1);
	assert_true(vx_conns_begin(&cs, p[2].conn));
	vx_conns_end(&cs, p[2].conn, false, true);
	close_pairs(&cs, &p[2], 1);
	vx_conns_stats(&cs, &st);
	assert_int_equal(st.dropped[VX_HTTP_DROP_TIMEOUT], 2);
	vx_conns_release(&cs);
}

/* A retired listener's waiting connections are closed, no one else's. */
static void
test_drain(void **state)
{
	struct vx_conns		cs;
	struct vx_conns_owner	a = { 0 }, b = { 0 };
	struct vx_http_stats	st;
	struct pair		pa[3], pb[2];

	(void)state;
	vx_conns_init(&cs, 1024, 10000);
	open_pairs(&cs, &a, pa, 3);
	open_pairs(&cs, &b, pb, 2);
	assert_true(vx_conns_begin(&cs, pa[0].conn));
	vx_conns_drain(&cs, &a);
	assert_false(shut(&pa[0]));
	assert_true(shut(&pa[1]));
	assert_true(shut(&pa[2]));
	assert_false(shut(&pb[0]));
	assert_false(shut(&pb[1]));
	assert_int_equal(vx_conns_owned(&cs, &a), 3);
	close_pairs(&cs, pa, 3);
	assert_int_equal(vx_conns_owned(&cs, &a), 0);
	assert_int_equal(vx_conns_owned(&cs, &b), 2);
	vx_conns_stats(&cs, &st);
	/* Planned: not a drop. */
	assert_int_equal(st.dropped[VX_HTTP_DROP_EVICTED], 0);
	close_pairs(&cs, pb, 2);
	vx_conns_release(&cs);
}

/* The first drop is logged at once; the next ones are summed up later. */
static void
test_warning_rate_limited(void **state)
{
	struct vx_conns	 cs;
	char		 buf[4096];
	FILE		*f = tmpfile();
	size_t		 n;

	(void)state;
	assert_non_null(f);
	vx_log_setup(f, VX_LOG_WARN, VX_LOGFMT_LOGFMT);
	vx_conns_init(&cs, 256, 10000);
	vx_conns_refused(&cs, 1);
	vx_conns_refused(&cs, 5);
	vx_conns_tick(&cs);
	vx_log_setup(stderr, VX_LOG_INFO, VX_LOGFMT_LOGFMT);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_non_null(strstr(buf, "level=warn msg=\"http: connections "
	    "dropped: 1 refused at the connection limit (0 open, limit 128; "
	    "repeats are summed up for 60s)\"\n"));
	assert_null(strchr(strchr(buf, '\n') + 1, '\n'));
	/* The 5 wait for the next minute. */
	assert_int_equal(cs.unlogged[VX_HTTP_DROP_LIMIT], 5);
	vx_conns_release(&cs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_eviction),
		cmocka_unit_test(test_refused_when_all_busy),
		cmocka_unit_test(test_timeouts),
		cmocka_unit_test(test_drain),
		cmocka_unit_test(test_warning_rate_limited),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
