/*
 * The syslog listener: sockets, one thread, attribution of messages to
 * devices.  No parsing here (common/syslog_msg.c, the vendors' parsers).
 */
#define _GNU_SOURCE	/* recvmmsg, accept4 */
#include "syslog_listener.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "grow.h"
#include "log.h"
#include "strmap.h"

#include "banned.h"

#define UDP_BATCH		32	/* datagrams per recvmmsg */
#define UDP_ROUNDS		8	/* batches per socket per wake-up */
#define READ_CHUNK		65536
#define TICK_MS			1000	/* idle checks */
#define UNKNOWN_LOG_MS		60000
#define LISTEN_BACKLOG		64
/*
 * The listener thread's niceness: when a flood of messages and a scrape
 * want the same CPU, the scrape (and the polls) come first.
 */
#define LISTENER_NICE		10

struct sock {
	int	 fd;
	bool	 tcp;
	char	*addr;		/* as configured */
};

struct conn {
	int				 fd;
	char				 peer[VX_EVENT_ADDR_MAX];
	int64_t				 active_ms;	/* monotonic */
	struct vx_syslog_deframer	 df;
};

struct vx_syslog_route {
	char			*device;
	vx_syslog_parse_fn	 parse;
	struct vx_event_store	*store;
};

struct vx_syslog_listener {
	/* Attribution: what the thread reads for every message. */
	pthread_mutex_t		 routes_lock;
	struct vx_strmap	 by_addr;	/* canonical address -> route */
	struct vx_strmap	 by_host;	/* lower-case host name -> route */
	struct vx_syslog_route	**routes;
	size_t			 nroutes, routes_cap;

	/* Sockets and the thread: changed only with the thread stopped. */
	pthread_mutex_t		 lock;
	struct sock		*socks;
	size_t			 nsocks;
	struct conn		*conns;
	size_t			 nconns;
	size_t			 max_msg;
	size_t			 max_conns;
	int64_t			 idle_ms;
	pthread_t		 thread;
	bool			 running;
	atomic_bool		 stop;
	int			 wake[2];

	/* Written by the thread (and vx_syslog_dispatch), read by scrapes. */
	atomic_uint_fast64_t	 stats[VX_SR__COUNT];
	atomic_uint_fast64_t	 open_conns;
	bool			 enabled;

	/* Unknown senders, logged at most once a minute (thread only). */
	int64_t			 unknown_log_ms;
	uint64_t		 unknown_since;
	char			 unknown_addr[VX_EVENT_ADDR_MAX];
	char			 unknown_host[64];
};

bool
vx_syslog_canon_addr(const char *s, char out[VX_EVENT_ADDR_MAX])
{
	unsigned char b[16];

	if (inet_pton(AF_INET, s, b) == 1)
		return inet_ntop(AF_INET, b, out, VX_EVENT_ADDR_MAX) != NULL;
	if (inet_pton(AF_INET6, s, b) != 1)
		return false;
	if (IN6_IS_ADDR_V4MAPPED((const struct in6_addr *)(const void *)b))
		return inet_ntop(AF_INET, b + 12, out,
		    VX_EVENT_ADDR_MAX) != NULL;
	return inet_ntop(AF_INET6, b, out, VX_EVENT_ADDR_MAX) != NULL;
}

/* The sender's address as text, IPv4-mapped IPv6 as IPv4. */
static void
sockaddr_text(const struct sockaddr_storage *ss, char out[VX_EVENT_ADDR_MAX])
{
	const void *a = NULL;
	int	    af = ss->ss_family;

	out[0] = '\0';
	if (af == AF_INET) {
		a = &((const struct sockaddr_in *)(const void *)ss)->sin_addr;
	} else if (af == AF_INET6) {
		const struct in6_addr *a6 =
		    &((const struct sockaddr_in6 *)(const void *)ss)->sin6_addr;

		a = a6;
		if (IN6_IS_ADDR_V4MAPPED(a6)) {
			af = AF_INET;
			a = &a6->s6_addr[12];
		}
	}
	if (a == NULL || inet_ntop(af, a, out, VX_EVENT_ADDR_MAX) == NULL)
		out[0] = '\0';
}

struct vx_syslog_listener *
vx_syslog_listener_new(void)
{
	struct vx_syslog_listener *l = calloc(1, sizeof(*l));

	if (l == NULL)
		return NULL;
	if (pipe(l->wake) != 0) {
		free(l);
		return NULL;
	}
	fcntl(l->wake[0], F_SETFL, O_NONBLOCK);
	fcntl(l->wake[1], F_SETFL, O_NONBLOCK);
	fcntl(l->wake[0], F_SETFD, FD_CLOEXEC);
	fcntl(l->wake[1], F_SETFD, FD_CLOEXEC);
	pthread_mutex_init(&l->routes_lock, NULL);
	pthread_mutex_init(&l->lock, NULL);
	atomic_init(&l->stop, false);
	for (int r = 0; r < VX_SR__COUNT; r++)
		atomic_init(&l->stats[r], 0);
	atomic_init(&l->open_conns, 0);
	l->max_msg = VX_SYSLOG_DEFAULT_MAX_MESSAGE;
	l->max_conns = VX_SYSLOG_DEFAULT_MAX_CONNS;
	l->idle_ms = VX_SYSLOG_DEFAULT_IDLE_MS;
	return l;
}

/* -- attribution ----------------------------------------------------- */

static void
route_free(struct vx_syslog_route *r)
{
	if (r == NULL)
		return;
	vx_event_store_unref(r->store);
	free(r->device);
	free(r);
}

/* Lower-case copy of s[0..len) into out (size VX_SYSLOG_HOST_MAX + 1). */
static size_t
lower(const char *s, size_t len, char *out)
{
	if (len > VX_SYSLOG_HOST_MAX)
		len = VX_SYSLOG_HOST_MAX;
	for (size_t i = 0; i < len; i++)
		out[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i];
	out[len] = '\0';
	return len;
}

struct vx_syslog_route *
vx_syslog_route_add(struct vx_syslog_listener *l, const char *device,
    const char *const *addrs, size_t naddrs, const char *const *hosts,
    size_t nhosts, vx_syslog_parse_fn parse, struct vx_event_store *store)
{
	struct vx_syslog_route	*r = calloc(1, sizeof(*r));
	char			 canon[VX_EVENT_ADDR_MAX];
	char			 host[VX_SYSLOG_HOST_MAX + 1];
	bool			 ok = true;

	if (r == NULL || (r->device = strdup(device)) == NULL) {
		free(r);
		return NULL;
	}
	r->parse = parse;
	r->store = store;
	vx_event_store_ref(store);
	for (size_t i = 0; i < naddrs; i++) {
		if (!vx_syslog_canon_addr(addrs[i], canon)) {
			route_free(r);
			return NULL;
		}
	}
	pthread_mutex_lock(&l->routes_lock);
	if (l->nroutes == l->routes_cap) {
		void *p = vx_grow(l->routes, &l->routes_cap,
		    sizeof(*l->routes), 8);

		if (p == NULL) {
			pthread_mutex_unlock(&l->routes_lock);
			route_free(r);
			return NULL;
		}
		l->routes = p;
	}
	l->routes[l->nroutes++] = r;
	for (size_t i = 0; ok && i < naddrs; i++) {
		vx_syslog_canon_addr(addrs[i], canon);
		ok = vx_strmap_put(&l->by_addr, canon, strlen(canon), r);
	}
	for (size_t i = 0; ok && i < nhosts; i++) {
		size_t n = lower(hosts[i], strlen(hosts[i]), host);

		ok = vx_strmap_put(&l->by_host, host, n, r);
	}
	pthread_mutex_unlock(&l->routes_lock);
	if (!ok) {
		vx_syslog_route_remove(l, r);
		return NULL;
	}
	return r;
}

static bool
key_of(void *arg, const char *key, void *value)
{
	(void)key;
	return value == arg;
}

void
vx_syslog_route_remove(struct vx_syslog_listener *l,
    struct vx_syslog_route *r)
{
	if (r == NULL)
		return;
	pthread_mutex_lock(&l->routes_lock);
	vx_strmap_filter(&l->by_addr, key_of, r);
	vx_strmap_filter(&l->by_host, key_of, r);
	for (size_t i = 0; i < l->nroutes; i++) {
		if (l->routes[i] == r) {
			l->routes[i] = l->routes[--l->nroutes];
			break;
		}
	}
	pthread_mutex_unlock(&l->routes_lock);
	route_free(r);
}

/* Logs messages from unknown senders, at most once a minute. */
static void
note_unknown(struct vx_syslog_listener *l, const char *src,
    const struct vx_syslog_msg *m, int64_t now_ms)
{
	size_t n = 0;

	l->unknown_since++;
	snprintf(l->unknown_addr, sizeof(l->unknown_addr), "%s",
	    src != NULL && src[0] != '\0' ? src : "?");
	for (size_t i = 0; i < m->host_len && n < sizeof(l->unknown_host) - 1;
	    i++) {
		char c = m->host[i];

		l->unknown_host[n++] = c > 32 && c < 127 && c != '"' &&
		    c != '\\' ? c : '?';
	}
	l->unknown_host[n] = '\0';
	if (now_ms - l->unknown_log_ms < UNKNOWN_LOG_MS &&
	    l->unknown_log_ms != 0)
		return;
	vx_log_warn("syslog: %llu message%s from unknown senders (the last "
	    "from %s, host name '%s'); to count them, list the address in a "
	    "device's syslog 'sources' or its name in 'hostnames'",
	    (unsigned long long)l->unknown_since,
	    l->unknown_since == 1 ? "" : "s", l->unknown_addr,
	    l->unknown_host[0] != '\0' ? l->unknown_host : "-");
	l->unknown_log_ms = now_ms;
	l->unknown_since = 0;
}

static enum vx_syslog_result
dispatch_canon(struct vx_syslog_listener *l, const char *src,
    const char *msg, size_t len, int64_t now_ms)
{
	struct vx_syslog_msg	 m;
	struct vx_syslog_route	*r = NULL;
	struct vx_event		 ev;
	enum vx_syslog_result	 res;

	if (vx_syslog_parse(msg, len, &m) != 0) {
		res = VX_SR_MALFORMED;
		goto out;
	}
	pthread_mutex_lock(&l->routes_lock);
	if (src != NULL && src[0] != '\0')
		r = vx_strmap_get(&l->by_addr, src, strlen(src));
	if (r == NULL && m.host_len > 0 && l->by_host.n > 0) {
		char	host[VX_SYSLOG_HOST_MAX + 1];
		size_t	n = lower(m.host, m.host_len, host);

		r = vx_strmap_get(&l->by_host, host, n);
	}
	if (r == NULL) {
		pthread_mutex_unlock(&l->routes_lock);
		note_unknown(l, src, &m, now_ms);
		res = VX_SR_UNKNOWN_SENDER;
		goto out;
	}
	memset(&ev, 0, sizeof(ev));
	switch (r->parse(&m, &ev)) {
	case VX_SYSLOG_EVENT:
		res = vx_event_store_add(r->store, &ev, now_ms) ?
		    VX_SR_EVENT : VX_SR_DROPPED;
		break;
	case VX_SYSLOG_BAD:
		res = VX_SR_MALFORMED;
		break;
	case VX_SYSLOG_OTHER:
	default:
		res = VX_SR_OTHER;
		break;
	}
	pthread_mutex_unlock(&l->routes_lock);
out:
	atomic_fetch_add_explicit(&l->stats[res], 1, memory_order_relaxed);
	return res;
}

enum vx_syslog_result
vx_syslog_dispatch(struct vx_syslog_listener *l, const char *src,
    const char *msg, size_t len, int64_t now_ms)
{
	char canon[VX_EVENT_ADDR_MAX];

	if (src == NULL || !vx_syslog_canon_addr(src, canon))
		canon[0] = '\0';
	return dispatch_canon(l, canon, msg, len, now_ms);
}

void
vx_syslog_listener_stats(struct vx_syslog_listener *l,
    struct vx_syslog_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (l == NULL)
		return;
	pthread_mutex_lock(&l->lock);
	out->enabled = l->enabled;
	pthread_mutex_unlock(&l->lock);
	for (int r = 0; r < VX_SR__COUNT; r++)
		out->messages[r] = atomic_load_explicit(&l->stats[r],
		    memory_order_relaxed);
	out->tcp_connections = atomic_load_explicit(&l->open_conns,
	    memory_order_relaxed);
}

/* -- the thread ------------------------------------------------------ */

struct tcp_ctx {
	struct vx_syslog_listener	*l;
	const char			*src;
	int64_t				 now_ms;
};

static void
on_tcp_message(void *arg, const char *msg, size_t len,
    enum vx_syslog_frame how)
{
	struct tcp_ctx *c = arg;

	switch (how) {
	case VX_FRAME_OK:
		dispatch_canon(c->l, c->src, msg, len, c->now_ms);
		break;
	case VX_FRAME_OVERSIZE:
		atomic_fetch_add_explicit(&c->l->stats[VX_SR_OVERSIZE], 1,
		    memory_order_relaxed);
		break;
	case VX_FRAME_MALFORMED:
		atomic_fetch_add_explicit(&c->l->stats[VX_SR_MALFORMED], 1,
		    memory_order_relaxed);
		break;
	}
}

static void
conn_close(struct vx_syslog_listener *l, size_t i, bool flush, int64_t now)
{
	struct conn *c = &l->conns[i];

	if (flush) {
		struct tcp_ctx ctx = { l, c->peer, now };

		vx_syslog_deframer_finish(&c->df, on_tcp_message, &ctx);
	}
	close(c->fd);
	vx_syslog_deframer_release(&c->df);
	l->conns[i] = l->conns[--l->nconns];
	atomic_store_explicit(&l->open_conns, l->nconns,
	    memory_order_relaxed);
}

static void
accept_conns(struct vx_syslog_listener *l, int lfd)
{
	for (int n = 0; n < LISTEN_BACKLOG; n++) {
		struct sockaddr_storage	 ss;
		socklen_t		 sl = sizeof(ss);
		int			 fd = accept4(lfd, (struct sockaddr *)&ss,
					    &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		struct conn		*c;

		if (fd < 0)
			return;
		if (l->nconns >= l->max_conns) {
			size_t oldest = 0;

			for (size_t i = 1; i < l->nconns; i++) {
				if (l->conns[i].active_ms <
				    l->conns[oldest].active_ms)
					oldest = i;
			}
			if (l->nconns == 0) {
				close(fd);
				continue;
			}
			vx_log_warn("syslog: %zu TCP connections open, the "
			    "limit: closing the one idle longest (from %s)",
			    l->nconns, l->conns[oldest].peer);
			conn_close(l, oldest, true, vx_now_wall_ms());
		}
		c = &l->conns[l->nconns++];
		memset(c, 0, sizeof(*c));
		c->fd = fd;
		c->active_ms = vx_now_mono_ms();
		sockaddr_text(&ss, c->peer);
		vx_syslog_deframer_init(&c->df, l->max_msg);
		atomic_store_explicit(&l->open_conns, l->nconns,
		    memory_order_relaxed);
	}
}

/* Reads what a connection has; false when it is to be closed. */
static bool
read_conn(struct vx_syslog_listener *l, struct conn *c, char *buf)
{
	struct tcp_ctx ctx = { l, c->peer, vx_now_wall_ms() };

	for (int rounds = 0; rounds < 4; rounds++) {
		ssize_t n = read(c->fd, buf, READ_CHUNK);

		if (n == 0)
			return false;
		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ||
			    errno == EINTR;
		c->active_ms = vx_now_mono_ms();
		if (vx_syslog_deframe(&c->df, buf, (size_t)n, on_tcp_message,
		    &ctx) != 0)
			return false;
	}
	return true;
}

struct udp_bufs {
	struct mmsghdr		 msgs[UDP_BATCH];
	struct iovec		 iov[UDP_BATCH];
	struct sockaddr_storage	 from[UDP_BATCH];
	char			*data;		/* UDP_BATCH x (max_msg + 1) */
};

static void
read_udp(struct vx_syslog_listener *l, int fd, struct udp_bufs *u)
{
	size_t slot = l->max_msg + 1;

	for (int rounds = 0; rounds < UDP_ROUNDS; rounds++) {
		int	n;
		int64_t	now;

		for (size_t i = 0; i < UDP_BATCH; i++) {
			u->iov[i].iov_base = u->data + i * slot;
			u->iov[i].iov_len = slot;
			struct msghdr *h = &u->msgs[i].msg_hdr;

			memset(h, 0, sizeof(*h));
			h->msg_iov = &u->iov[i];
			h->msg_iovlen = 1;
			h->msg_name = &u->from[i];
			h->msg_namelen = sizeof(u->from[i]);
		}
		n = recvmmsg(fd, u->msgs, UDP_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		now = vx_now_wall_ms();
		for (int i = 0; i < n; i++) {
			char src[VX_EVENT_ADDR_MAX];

			if (u->msgs[i].msg_len > l->max_msg ||
			    (u->msgs[i].msg_hdr.msg_flags & MSG_TRUNC)) {
				atomic_fetch_add_explicit(
				    &l->stats[VX_SR_OVERSIZE], 1,
				    memory_order_relaxed);
				continue;
			}
			sockaddr_text(&u->from[i], src);
			dispatch_canon(l, src, u->iov[i].iov_base,
			    u->msgs[i].msg_len, now);
		}
		if (n < UDP_BATCH)
			return;
	}
}

static void
close_idle(struct vx_syslog_listener *l)
{
	int64_t now = vx_now_mono_ms();

	for (size_t i = 0; i < l->nconns;) {
		if (now - l->conns[i].active_ms >= l->idle_ms)
			conn_close(l, i, true, vx_now_wall_ms());
		else
			i++;
	}
}

static void *
listener_main(void *arg)
{
	struct vx_syslog_listener	*l = arg;
	struct pollfd			*pfd;
	struct udp_bufs			*u;
	char				*buf;
	size_t				 cap = 1 + l->nsocks + l->max_conns;
	int64_t				 tick = vx_now_mono_ms();

	prctl(PR_SET_NAME, "vx-syslog", 0, 0, 0);
	setpriority(PRIO_PROCESS, (id_t)gettid(), LISTENER_NICE);
	pfd = calloc(cap, sizeof(*pfd));
	u = calloc(1, sizeof(*u));
	buf = malloc(READ_CHUNK);
	if (u != NULL)
		u->data = malloc(UDP_BATCH * (l->max_msg + 1));
	if (pfd == NULL || u == NULL || u->data == NULL || buf == NULL) {
		vx_log_error("syslog: out of memory: not listening");
		goto out;
	}
	while (!atomic_load(&l->stop)) {
		size_t	np = 0, nconns = l->nconns;
		int	rc;

		pfd[np].fd = l->wake[0];
		pfd[np++].events = POLLIN;
		for (size_t i = 0; i < l->nsocks; i++) {
			pfd[np].fd = l->socks[i].fd;
			pfd[np++].events = POLLIN;
		}
		for (size_t i = 0; i < nconns; i++) {
			pfd[np].fd = l->conns[i].fd;
			pfd[np++].events = POLLIN;
		}
		rc = poll(pfd, np, TICK_MS);
		if (rc < 0 && errno != EINTR)
			break;
		if (rc > 0) {
			char drain[64];

			while (pfd[0].revents && read(l->wake[0], drain,
			    sizeof(drain)) > 0)
				;
			for (size_t i = 0; i < l->nsocks; i++) {
				if (!pfd[1 + i].revents)
					continue;
				if (l->socks[i].tcp)
					accept_conns(l, l->socks[i].fd);
				else
					read_udp(l, l->socks[i].fd, u);
			}
			/* Backwards: closing moves the last into the hole. */
			for (size_t i = nconns; i-- > 0;) {
				short ev = pfd[1 + l->nsocks + i].revents;

				if (i >= l->nconns || l->conns[i].fd !=
				    pfd[1 + l->nsocks + i].fd || ev == 0)
					continue;
				if ((ev & (POLLERR | POLLNVAL)) ||
				    !read_conn(l, &l->conns[i], buf))
					conn_close(l, i, true,
					    vx_now_wall_ms());
			}
		}
		if (vx_now_mono_ms() - tick >= TICK_MS) {
			tick = vx_now_mono_ms();
			close_idle(l);
		}
	}
out:
	if (u != NULL)
		free(u->data);
	free(u);
	free(pfd);
	free(buf);
	return NULL;
}

/* -- sockets --------------------------------------------------------- */

/* "host:port", "[v6]:port", ":port" -> host (maybe "") and port. */
static bool
split_addr(const char *s, char *host, size_t hlen, char *port, size_t plen)
{
	const char *colon;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (close == NULL || close[1] != ':')
			return false;
		snprintf(host, hlen, "%.*s", (int)(close - s - 1), s + 1);
		colon = close + 1;
	} else {
		colon = strrchr(s, ':');
		if (colon == NULL)
			return false;
		snprintf(host, hlen, "%.*s", (int)(colon - s), s);
	}
	snprintf(port, plen, "%s", colon + 1);
	if (port[0] == '\0' || strspn(port, "0123456789") != strlen(port) ||
	    strlen(port) > 5 || strtol(port, NULL, 10) > 65535 ||
	    strtol(port, NULL, 10) == 0)
		return false;
	return true;
}

bool
vx_syslog_listen_addr_valid(const char *s)
{
	char host[256], port[16];

	return split_addr(s, host, sizeof(host), port, sizeof(port));
}

/* A bound socket for addr, or -1 with err set. */
static int
open_socket(const char *addr, bool tcp, int64_t rcvbuf, struct vx_err *err)
{
	struct addrinfo	 hints, *res = NULL;
	char		 host[256], port[16];
	int		 fd = -1, rc, one = 1;
	const char	*kind = tcp ? "tcp" : "udp";

	if (!split_addr(addr, host, sizeof(host), port, sizeof(port))) {
		vx_err_set(err, VX_E_CONFIG, "syslog: invalid %s address '%s' "
		    "(use host:port, [ipv6]:port or :port)", kind, addr);
		return -1;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = tcp ? SOCK_STREAM : SOCK_DGRAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	/* ":port": every address, IPv6 and IPv4 on one dual-stack socket. */
	if (host[0] == '\0')
		hints.ai_family = AF_INET6;
	rc = getaddrinfo(host[0] != '\0' ? host : NULL, port, &hints, &res);
	if (rc == 0 && host[0] == '\0' && (fd = socket(AF_INET6,
	    SOCK_DGRAM, 0)) < 0)
		rc = EAI_FAMILY;
	if (fd >= 0)
		close(fd);
	if (rc != 0 && host[0] == '\0') {
		if (res != NULL)
			freeaddrinfo(res);
		res = NULL;
		hints.ai_family = AF_INET;	/* no IPv6 on this host */
		rc = getaddrinfo(NULL, port, &hints, &res);
	}
	if (rc != 0) {
		vx_err_set(err, VX_E_CONFIG, "syslog: %s address '%s': %s",
		    kind, addr, gai_strerror(rc));
		return -1;
	}
	fd = socket(res->ai_family, res->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0);
	if (fd >= 0 && res->ai_family == AF_INET6) {
		int zero = 0;

		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
	}
	if (fd >= 0 && tcp)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd >= 0 && !tcp && rcvbuf > 0) {
		int v = rcvbuf > 1 << 30 ? 1 << 30 : (int)rcvbuf;

		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v));
	}
	if (fd < 0 || bind(fd, res->ai_addr, res->ai_addrlen) != 0 ||
	    (tcp && listen(fd, LISTEN_BACKLOG) != 0)) {
		vx_err_set(err, VX_E_CONNECT, "syslog: cannot listen on %s %s: "
		    "%s", kind, addr, strerror(errno));
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	return fd;
}

static void
stop_thread(struct vx_syslog_listener *l)
{
	if (!l->running)
		return;
	atomic_store(&l->stop, true);
	while (write(l->wake[1], "x", 1) < 0 && errno == EINTR)
		;
	pthread_join(l->thread, NULL);
	l->running = false;
	atomic_store(&l->stop, false);
}

static int
start_thread(struct vx_syslog_listener *l, struct vx_err *err)
{
	if (l->nsocks == 0)
		return 0;
	if (pthread_create(&l->thread, NULL, listener_main, l) != 0)
		return vx_err_set(err, VX_E_INTERNAL, "syslog: cannot start "
		    "the listener thread");
	l->running = true;
	return 0;
}

static void
close_socks(struct sock *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i].fd >= 0)
			close(s[i].fd);
		free(s[i].addr);
	}
	free(s);
}

int
vx_syslog_listener_bind(struct vx_syslog_listener *l,
    const struct vx_syslog_settings *s, struct vx_err *err)
{
	size_t		 n = s->udp.n + s->tcp.n, k = 0;
	struct sock	*ns = calloc(n + 1, sizeof(*ns));
	struct conn	*nc;
	int		 rc;
	bool		 was_running;

	if (ns == NULL)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	pthread_mutex_lock(&l->lock);
	/*
	 * The listener thread reads the sockets and the connections: it
	 * stops before either changes (what arrives meanwhile waits in the
	 * kernel's buffers), and starts again on them either way.
	 */
	was_running = l->running;
	stop_thread(l);
	for (size_t i = 0; i < n; i++, k++) {
		bool		 tcp = i >= s->udp.n;
		const char	*a = tcp ? s->tcp.v[i - s->udp.n] :
				    s->udp.v[i];

		ns[k].tcp = tcp;
		ns[k].fd = -1;
		if ((ns[k].addr = strdup(a)) == NULL) {
			rc = vx_err_set(err, VX_E_NOMEM, "out of memory");
			goto undo;
		}
		/* The same address as now: the socket moves over. */
		for (size_t j = 0; j < l->nsocks; j++) {
			if (l->socks[j].fd >= 0 && l->socks[j].tcp == tcp &&
			    strcmp(l->socks[j].addr, a) == 0) {
				ns[k].fd = l->socks[j].fd;
				l->socks[j].fd = -1;
				break;
			}
		}
		if (ns[k].fd < 0 && (ns[k].fd = open_socket(a, tcp,
		    s->receive_buffer, err)) < 0) {
			rc = -(int)err->code;
			k++;
			goto undo;
		}
	}
	nc = realloc(l->conns, ((size_t)s->max_connections + 1) *
	    sizeof(*nc));
	if (nc == NULL) {
		rc = vx_err_set(err, VX_E_NOMEM, "out of memory");
		goto undo;
	}
	l->conns = nc;
	/* Connections over a lower limit, and those of a smaller buffer. */
	while (l->nconns > (size_t)s->max_connections)
		conn_close(l, l->nconns - 1, true, vx_now_wall_ms());
	for (size_t i = 0; i < l->nconns;) {
		if (l->conns[i].df.max != (size_t)s->max_message_size)
			conn_close(l, i, false, 0);
		else
			i++;
	}
	close_socks(l->socks, l->nsocks);
	l->socks = ns;
	l->nsocks = n;
	l->max_msg = (size_t)s->max_message_size;
	l->max_conns = (size_t)s->max_connections;
	l->idle_ms = s->idle_timeout_ms;
	l->enabled = true;
	atomic_store(&l->open_conns, l->nconns);
	rc = start_thread(l, err);
	pthread_mutex_unlock(&l->lock);
	return rc;
undo:
	/* Give back the sockets taken over; close the new ones. */
	for (size_t i = 0; i < k; i++) {
		for (size_t j = 0; j < l->nsocks && ns[i].fd >= 0; j++) {
			if (l->socks[j].fd < 0 &&
			    l->socks[j].tcp == ns[i].tcp &&
			    strcmp(l->socks[j].addr, ns[i].addr) == 0) {
				l->socks[j].fd = ns[i].fd;
				ns[i].fd = -1;
			}
		}
	}
	close_socks(ns, k);
	if (was_running) {
		struct vx_err e;

		if (start_thread(l, &e) != 0)
			vx_log_error("%s: not listening", e.msg);
	}
	pthread_mutex_unlock(&l->lock);
	return rc;
}

void
vx_syslog_listener_close(struct vx_syslog_listener *l)
{
	pthread_mutex_lock(&l->lock);
	stop_thread(l);
	while (l->nconns > 0)
		conn_close(l, l->nconns - 1, true, vx_now_wall_ms());
	close_socks(l->socks, l->nsocks);
	l->socks = NULL;
	l->nsocks = 0;
	l->enabled = false;
	pthread_mutex_unlock(&l->lock);
}

bool
vx_syslog_listener_running(struct vx_syslog_listener *l)
{
	bool r;

	pthread_mutex_lock(&l->lock);
	r = l->running;
	pthread_mutex_unlock(&l->lock);
	return r;
}

void
vx_syslog_listener_free(struct vx_syslog_listener *l)
{
	if (l == NULL)
		return;
	vx_syslog_listener_close(l);
	free(l->conns);
	for (size_t i = 0; i < l->nroutes; i++)
		route_free(l->routes[i]);
	free(l->routes);
	vx_strmap_release(&l->by_addr);
	vx_strmap_release(&l->by_host);
	close(l->wake[0]);
	close(l->wake[1]);
	pthread_mutex_destroy(&l->routes_lock);
	pthread_mutex_destroy(&l->lock);
	free(l);
}
