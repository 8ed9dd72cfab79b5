/*
 * collectors/transport/syslog.c: attribution of messages to devices (by
 * source address, else host name; unknown senders counted, not trusted),
 * routes taken over and removed as at a reload, the store's peer limit
 * seen from the listener; then the real thing on loopback: UDP datagrams
 * and TCP streams (octet-counted and LF-framed) sent by this test,
 * oversize messages, the connection limit, rebinding.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "registry.h"
#include "syslog_listener.h"

static const char asa_msg[] = "<164>Nov 22 2026 19:14:36: %ASA-4-402114: "
    "IPSEC: Received an ESP packet (SPI= 0x1A2B3C4D, sequence number= "
    "0x1F) from 203.0.113.9 to 192.0.2.1 with an invalid SPI.";
static const char ssg_msg[] = "<129>Jun 30 12:08:36 SSG5 ssg5: NetScreen "
    "device_id=ssg5  [Root]system-alert-00026: IPSec tunnel on interface "
    "ethernet0/2 with tunnel ID 0x9a received a packet with a bad SPI. "
    "198.51.100.7->192.0.2.1/96, ESP, SPI 0xf5b25b5b, SEQ 0x1.";
static const char other_msg[] = "<166>%ASA-6-302013: Built inbound TCP";

static vx_syslog_parse_fn
parser(const char *vendor)
{
	return vx_syslog_parser_find(vendor)->parse;
}

static uint64_t
peer_count(struct vx_event_store *st, const char *peer)
{
	struct vx_snapshot	*s = vx_snapshot_new("d");
	uint64_t		 n = 0;

	assert_int_equal(vx_event_store_fill(st, s, 1), 0);
	for (size_t i = 0; i < s->nevents; i++) {
		if (strcmp(s->events[i].peer, peer) == 0)
			for (int k = 0; k < VX_EV__COUNT; k++)
				n += s->events[i].count[k];
	}
	vx_snapshot_unref(s);
	return n;
}

static enum vx_syslog_result
send_as(struct vx_syslog_listener *l, const char *src, const char *msg)
{
	return vx_syslog_dispatch(l, src, msg, strlen(msg), 1);
}

static void
test_attribution(void **state)
{
	struct vx_syslog_listener	*l = vx_syslog_listener_new();
	struct vx_event_store		*a = vx_event_store_new();
	struct vx_event_store		*b = vx_event_store_new();
	const char			*addrs[] = { "192.0.2.1", "2001:db8::1" };
	const char			*hosts[] = { "SSG5" };
	const char			*bad[] = { "asa.example" };
	struct vx_syslog_route		*ra, *rb;
	struct vx_syslog_stats		 st;

	(void)state;
	ra = vx_syslog_route_add(l, "asa", addrs, 2, NULL, 0,
	    parser("cisco_asa"), a);
	rb = vx_syslog_route_add(l, "ssg", NULL, 0, hosts, 1,
	    parser("screenos"), b);
	assert_non_null(ra);
	assert_non_null(rb);
	assert_null(vx_syslog_route_add(l, "x", bad, 1, NULL, 0,
	    parser("cisco_asa"), a));

	assert_int_equal(send_as(l, "192.0.2.1", asa_msg), VX_SR_EVENT);
	/* The same address written otherwise, and IPv4-mapped. */
	assert_int_equal(send_as(l, "::ffff:192.0.2.1", asa_msg), VX_SR_EVENT);
	assert_int_equal(send_as(l, "2001:DB8:0::1", asa_msg), VX_SR_EVENT);
	assert_int_equal(peer_count(a, "203.0.113.9"), 3);
	/* By host name, whatever its case, from an unlisted address. */
	assert_int_equal(send_as(l, "192.0.2.99", ssg_msg), VX_SR_EVENT);
	assert_int_equal(peer_count(b, "198.51.100.7"), 1);
	/* The source address comes first: the ASA's parser reads it. */
	assert_int_equal(send_as(l, "192.0.2.1", ssg_msg), VX_SR_OTHER);
	/* Nobody's. */
	assert_int_equal(send_as(l, "192.0.2.99", asa_msg),
	    VX_SR_UNKNOWN_SENDER);
	assert_int_equal(send_as(l, NULL, asa_msg), VX_SR_UNKNOWN_SENDER);
	assert_int_equal(send_as(l, "192.0.2.1", other_msg), VX_SR_OTHER);
	assert_int_equal(send_as(l, "192.0.2.1", "no syslog"),
	    VX_SR_MALFORMED);
	assert_int_equal(send_as(l, "192.0.2.1", "<164>%ASA-4-402114: IPSEC: "
	    "Received an ESP packet (SPI= x) from y"), VX_SR_MALFORMED);
	assert_int_equal(peer_count(a, "203.0.113.9"), 3);

	vx_syslog_listener_stats(l, &st);
	assert_false(st.enabled);
	assert_int_equal(st.messages[VX_SR_EVENT], 4);
	assert_int_equal(st.messages[VX_SR_OTHER], 2);
	assert_int_equal(st.messages[VX_SR_UNKNOWN_SENDER], 2);
	assert_int_equal(st.messages[VX_SR_MALFORMED], 2);

	vx_syslog_route_remove(l, ra);
	vx_syslog_route_remove(l, rb);
	assert_int_equal(send_as(l, "192.0.2.1", asa_msg),
	    VX_SR_UNKNOWN_SENDER);
	vx_event_store_unref(a);
	vx_event_store_unref(b);
	vx_syslog_listener_free(l);
}

/* A reload: the new device takes the key over before the old one goes. */
static void
test_takeover(void **state)
{
	struct vx_syslog_listener	*l = vx_syslog_listener_new();
	struct vx_event_store		*a = vx_event_store_new();
	struct vx_event_store		*b = vx_event_store_new();
	const char			*addr[] = { "192.0.2.1" };
	struct vx_syslog_route		*old, *new;

	(void)state;
	old = vx_syslog_route_add(l, "asa", addr, 1, NULL, 0,
	    parser("cisco_asa"), a);
	assert_int_equal(send_as(l, "192.0.2.1", asa_msg), VX_SR_EVENT);
	new = vx_syslog_route_add(l, "asa", addr, 1, NULL, 0,
	    parser("cisco_asa"), b);
	assert_int_equal(send_as(l, "192.0.2.1", asa_msg), VX_SR_EVENT);
	vx_syslog_route_remove(l, old);
	assert_int_equal(send_as(l, "192.0.2.1", asa_msg), VX_SR_EVENT);
	assert_int_equal(peer_count(a, "203.0.113.9"), 1);
	assert_int_equal(peer_count(b, "203.0.113.9"), 2);
	vx_syslog_route_remove(l, new);
	/* The listener held the stores; they are the test's alone now. */
	vx_event_store_unref(a);
	vx_event_store_unref(b);
	vx_syslog_listener_free(l);
}

/* The device's peer limit: events over it are "dropped". */
static void
test_peer_limit(void **state)
{
	struct vx_syslog_listener	*l = vx_syslog_listener_new();
	struct vx_event_store		*a = vx_event_store_new();
	const char			*addr[] = { "192.0.2.1" };
	struct vx_syslog_route		*r;
	struct vx_syslog_stats		 st;
	char				 msg[512];

	(void)state;
	vx_event_store_set_limits(a, 10, 60000);
	r = vx_syslog_route_add(l, "asa", addr, 1, NULL, 0,
	    parser("cisco_asa"), a);
	for (int i = 0; i < 100; i++) {
		snprintf(msg, sizeof(msg), "<164>%%ASA-4-402114: IPSEC: "
		    "Received an ESP packet (SPI= 0x%08X, sequence number= "
		    "0x1) from 10.9.%d.%d to 192.0.2.1 with an invalid SPI.",
		    i, i / 200, i % 200);
		assert_int_equal(send_as(l, "192.0.2.1", msg), i < 10 ?
		    VX_SR_EVENT : VX_SR_DROPPED);
	}
	assert_int_equal(vx_event_store_peers(a), 10);
	vx_syslog_listener_stats(l, &st);
	assert_int_equal(st.messages[VX_SR_DROPPED], 90);
	vx_syslog_route_remove(l, r);
	vx_event_store_unref(a);
	vx_syslog_listener_free(l);
}

/* -- real sockets ---------------------------------------------------- */

static int
free_port(int type)
{
	struct sockaddr_in	sin;
	socklen_t		len = sizeof(sin);
	int			fd = socket(AF_INET, type, 0), port;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sin, &len), 0);
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

static struct sockaddr_in
loopback(int port)
{
	struct sockaddr_in sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)port);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return sin;
}

static void
udp_send(int port, const char *msg, size_t len)
{
	struct sockaddr_in	sin = loopback(port);
	int			fd = socket(AF_INET, SOCK_DGRAM, 0);

	assert_true(sendto(fd, msg, len, 0, (struct sockaddr *)&sin,
	    sizeof(sin)) == (ssize_t)len);
	close(fd);
}

static int
tcp_connect(int port)
{
	struct sockaddr_in	sin = loopback(port);
	int			fd = socket(AF_INET, SOCK_STREAM, 0);

	assert_int_equal(connect(fd, (struct sockaddr *)&sin, sizeof(sin)),
	    0);
	return fd;
}

static void
sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/* Waits until the count of result r reaches want (5 s at most). */
static uint64_t
wait_count(struct vx_syslog_listener *l, enum vx_syslog_result r,
    uint64_t want)
{
	struct vx_syslog_stats	st;
	int64_t			until = vx_now_mono_ms() + 5000;

	do {
		vx_syslog_listener_stats(l, &st);
		if (st.messages[r] >= want)
			return st.messages[r];
		sleep_ms(5);
	} while (vx_now_mono_ms() < until);
	return st.messages[r];
}

static void
settings(struct vx_syslog_settings *s, char *udp, char *tcp, int port,
    size_t max_msg, size_t max_conns)
{
	static char *u[1], *t[1];

	snprintf(udp, 32, "127.0.0.1:%d", port);
	snprintf(tcp, 32, "127.0.0.1:%d", port);
	u[0] = udp;
	t[0] = tcp;
	memset(s, 0, sizeof(*s));
	s->udp.v = u;
	s->udp.n = 1;
	s->tcp.v = t;
	s->tcp.n = 1;
	s->max_message_size = (int64_t)max_msg;
	s->max_connections = (int64_t)max_conns;
	s->idle_timeout_ms = 60000;
	s->receive_buffer = 1 << 20;
}

static void
test_sockets(void **state)
{
	struct vx_syslog_listener	*l = vx_syslog_listener_new();
	struct vx_event_store		*a = vx_event_store_new();
	const char			*addr[] = { "127.0.0.1" };
	struct vx_syslog_settings	 s;
	struct vx_syslog_stats		 st;
	struct vx_err			 err;
	char				 udp[32], tcp[32], buf[1024], big[600];
	int				 port = free_port(SOCK_STREAM);
	int				 fd, n, conns[3];
	struct vx_syslog_route		*r;

	(void)state;
	r = vx_syslog_route_add(l, "asa", addr, 1, NULL, 0,
	    parser("cisco_asa"), a);
	settings(&s, udp, tcp, port, 512, 2);
	vx_err_clear(&err);
	assert_int_equal(vx_syslog_listener_bind(l, &s, &err), 0);
	assert_true(vx_syslog_listener_running(l));

	/* UDP: one datagram, one message; a trailing LF is fine. */
	udp_send(port, asa_msg, sizeof(asa_msg) - 1);
	n = snprintf(buf, sizeof(buf), "%s\n", asa_msg);
	udp_send(port, buf, (size_t)n);
	assert_int_equal(wait_count(l, VX_SR_EVENT, 2), 2);

	/* TCP: octet-counted and LF-framed on one connection, in pieces. */
	fd = tcp_connect(port);
	n = snprintf(buf, sizeof(buf), "%zu %s%s\n%s\n", sizeof(asa_msg) - 1,
	    asa_msg, other_msg, asa_msg);
	assert_true(write(fd, buf, 10) == 10);
	sleep_ms(20);
	assert_true(write(fd, buf + 10, (size_t)n - 10) == n - 10);
	assert_int_equal(wait_count(l, VX_SR_EVENT, 4), 4);
	assert_int_equal(wait_count(l, VX_SR_OTHER, 1), 1);
	/* The last message of a stream may lack its LF. */
	assert_true(write(fd, asa_msg, sizeof(asa_msg) - 1) ==
	    (ssize_t)sizeof(asa_msg) - 1);
	close(fd);
	assert_int_equal(wait_count(l, VX_SR_EVENT, 5), 5);
	assert_int_equal(peer_count(a, "203.0.113.9"), 5);

	/* Too long: counted, not parsed, and the stream goes on. */
	memset(big, 'x', sizeof(big));
	memcpy(big, "<13>", 4);
	udp_send(port, big, sizeof(big));
	fd = tcp_connect(port);
	assert_true(write(fd, big, sizeof(big)) == (ssize_t)sizeof(big));
	n = snprintf(buf, sizeof(buf), "\n%s\n", asa_msg);
	assert_true(write(fd, buf, (size_t)n) == n);
	assert_int_equal(wait_count(l, VX_SR_OVERSIZE, 2), 2);
	assert_int_equal(wait_count(l, VX_SR_EVENT, 6), 6);
	close(fd);

	/* At most two connections: the third closes the one idle longest. */
	for (int i = 0; i < 3; i++) {
		conns[i] = tcp_connect(port);
		sleep_ms(30);
	}
	sleep_ms(100);
	vx_syslog_listener_stats(l, &st);
	assert_true(st.tcp_connections <= 2);
	assert_true(read(conns[0], buf, sizeof(buf)) == 0);	/* closed */
	for (int i = 0; i < 3; i++)
		close(conns[i]);

	/* A port in use: refused, and the listener goes on as it was. */
	{
		struct vx_syslog_settings	 s2;
		char				 u2[32], t2[32];
		int				 busy = socket(AF_INET,
						    SOCK_DGRAM, 0);
		struct sockaddr_in		 sin;
		socklen_t			 sl = sizeof(sin);

		sin = loopback(0);
		assert_int_equal(bind(busy, (struct sockaddr *)&sin,
		    sizeof(sin)), 0);
		getsockname(busy, (struct sockaddr *)&sin, &sl);
		settings(&s2, u2, t2, ntohs(sin.sin_port), 512, 2);
		snprintf(t2, sizeof(t2), "127.0.0.1:%d", port);
		vx_err_clear(&err);
		assert_int_equal(vx_syslog_listener_bind(l, &s2, &err),
		    -VX_E_CONNECT);
		assert_non_null(strstr(err.msg, "cannot listen on udp"));
		close(busy);
		udp_send(port, asa_msg, sizeof(asa_msg) - 1);
		assert_int_equal(wait_count(l, VX_SR_EVENT, 7), 7);
	}

	/* The same addresses again (new limits): the sockets stay. */
	settings(&s, udp, tcp, port, 1024, 4);
	assert_int_equal(vx_syslog_listener_bind(l, &s, &err), 0);
	udp_send(port, asa_msg, sizeof(asa_msg) - 1);
	assert_int_equal(wait_count(l, VX_SR_EVENT, 8), 8);

	vx_syslog_listener_close(l);
	assert_false(vx_syslog_listener_running(l));
	vx_syslog_route_remove(l, r);
	vx_event_store_unref(a);
	vx_syslog_listener_free(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_attribution),
		cmocka_unit_test(test_takeover),
		cmocka_unit_test(test_peer_limit),
		cmocka_unit_test(test_sockets),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
