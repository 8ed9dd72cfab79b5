/*
 * Listening: one libmicrohttpd daemon per socket (an address from
 * --web.listen-address, or a socket from systemd), with every option the
 * server runs with; new daemons on the same sockets when the TLS settings
 * change; and libmicrohttpd's own log, where the connections it refuses
 * are told.
 */
#include "http_int.h"

#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "numparse.h"
#include "sdlisten.h"

#define MEMORY_LIMIT		(16 * 1024)	/* per connection */
#define WARN_INTERVAL_MS	60000

/* A warning repeated at most once a minute, with a count of the rest. */
struct throttle {
	int64_t		next_ms;
	unsigned long	suppressed;
};

static struct {
	const char	*match;
	const char	*what;
} const mhd_warnings[] = {
	{ "resource limit", "out of descriptors or memory: not accepting "
	    "connections until one closes" },
	{ "Error accepting", "cannot accept connections" },
	{ "Error allocating memory", "out of memory for a connection" },
	{ "Failed to initialise TLS", "cannot set up TLS for a connection" },
};
#define NWARNINGS	(sizeof(mhd_warnings) / sizeof(mhd_warnings[0]))

static pthread_mutex_t	throttle_lock = PTHREAD_MUTEX_INITIALIZER;
static struct throttle	throttles[NWARNINGS];

static void mhd_log(void *, const char *, va_list)
    __attribute__((format(printf, 2, 0)));

/*
 * libmicrohttpd tells about connections it refuses only in its log; the
 * messages that matter are warnings (rate-limited) and counted.
 */
static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct vx_http	*h = cls;
	char		 msg[512];
	int64_t		 now = vx_now_mono_ms();

	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
	if (strstr(msg, "reached connection limit") != NULL) {
		vx_conns_refused(&h->conns, 1);	/* logs, rate-limited */
		return;
	}
	for (size_t i = 0; i < NWARNINGS; i++) {
		struct throttle	*t = &throttles[i];
		unsigned long	 n;

		if (strstr(msg, mhd_warnings[i].match) == NULL)
			continue;
		pthread_mutex_lock(&throttle_lock);
		if (now < t->next_ms) {
			t->suppressed++;
			pthread_mutex_unlock(&throttle_lock);
			vx_log_debug("http: %s", msg);
			return;
		}
		n = t->suppressed;
		t->suppressed = 0;
		t->next_ms = now + WARN_INTERVAL_MS;
		pthread_mutex_unlock(&throttle_lock);
		vx_log_warn("http: %s: %s (%lu more in the last minute)",
		    mhd_warnings[i].what, msg, n);
		return;
	}
	vx_log_debug("http: %s", msg);
}


/* "[host]:port", "host:port" or ":port" -> host (may be empty) and port. */
static bool
split_listen(const char *listen, char *host, size_t hlen, char *port,
    size_t plen)
{
	const char *colon;

	if (listen[0] == '[') {
		const char *close = strchr(listen, ']');

		if (close == NULL || close[1] != ':')
			return false;
		snprintf(host, hlen, "%.*s", (int)(close - listen - 1),
		    listen + 1);
		colon = close + 1;
	} else {
		colon = strrchr(listen, ':');
		if (colon == NULL)
			return false;
		snprintf(host, hlen, "%.*s", (int)(colon - listen), listen);
	}
	snprintf(port, plen, "%s", colon + 1);
	return port[0] != '\0';
}

/* Stops accepting; the connections open go on. */
void
http_listener_quiesce(struct listener *l)
{
	if (!l->quiesced &&
	    MHD_quiesce_daemon(l->daemon) != MHD_INVALID_SOCKET)
		l->quiesced = true;
}

void
http_listener_free(struct listener *l)
{
	if (l->daemon != NULL)
		MHD_stop_daemon(l->daemon);
	if (l->quiesced)
		close(l->fd);	/* the daemon left it to us */
	web_ref_unref(l->web);
	free(l);
}

/*
 * A daemon for listen ("host:port"), or, with listen NULL, for the
 * listening socket fd (taken over, even on failure).
 */
static struct listener *
listener_start(struct vx_http *h, const char *listen, int fd,
    const char *name, struct web_ref *web, struct vx_err *err)
{
	struct listener		*l;
	char			 host[256] = "", port[16] = "0";
	struct addrinfo		 hints, *ai = NULL;
	struct MHD_OptionItem	 extra[VX_WEBCFG_MHD_OPTIONS_MAX + 2];
	unsigned int		 flags = MHD_USE_EPOLL_INTERNAL_THREAD |
				    MHD_USE_ERROR_LOG |
				    MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC;
	const union MHD_DaemonInfo *di;
	uint64_t		 portnum = 0;
	size_t			 n;
	int			 rc;

	if (listen != NULL && (!split_listen(listen, host, sizeof(host), port,
	    sizeof(port)) || !vx_parse_u64(port, strlen(port), &portnum) ||
	    portnum > 65535)) {
		vx_err_set(err, VX_E_CONFIG, "invalid listen address '%s' "
		    "(use host:port, [ipv6]:port or :port)", listen);
		return NULL;
	}
	if (listen != NULL) {
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = AF_UNSPEC;
		hints.ai_socktype = SOCK_STREAM;
		hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
		rc = getaddrinfo(host[0] != '\0' ? host : NULL, port, &hints,
		    &ai);
		if (rc != 0) {
			vx_err_set(err, VX_E_CONFIG, "invalid listen address "
			    "'%s': %s", listen, gai_strerror(rc));
			return NULL;
		}
	}
	l = calloc(1, sizeof(*l));
	if (l == NULL) {
		if (ai != NULL)
			freeaddrinfo(ai);
		if (fd >= 0)
			close(fd);
		vx_err_set(err, VX_E_NOMEM, "out of memory");
		return NULL;
	}
	l->h = h;
	l->fd = fd;
	l->web = web;
	atomic_fetch_add(&web->refs, 1);
	snprintf(l->name, sizeof(l->name), "%s", name);
	n = vx_webcfg_mhd_options(web->w, &flags, extra,
	    VX_WEBCFG_MHD_OPTIONS_MAX);
	if (fd >= 0) {
		extra[n].option = MHD_OPTION_LISTEN_SOCKET;
		extra[n].value = fd;
		extra[n].ptr_value = NULL;
		n++;
	} else if (host[0] != '\0') {
		/* An explicit address; an empty host means every address. */
		extra[n].option = MHD_OPTION_SOCK_ADDR;
		extra[n].value = 0;
		extra[n].ptr_value = ai->ai_addr;
		n++;
		if (ai->ai_family == AF_INET6)
			flags |= MHD_USE_IPv6;
	} else {
		flags |= MHD_USE_DUAL_STACK;
	}
	extra[n].option = MHD_OPTION_END;
	extra[n].value = 0;
	extra[n].ptr_value = NULL;
	l->daemon = MHD_start_daemon(flags, (uint16_t)portnum,
	    http_accept_policy, l, http_handle, l,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, h,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)h->conns.hard,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)HTTP_HEADER_TIMEOUT_S,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)MEMORY_LIMIT,
	    MHD_OPTION_NOTIFY_CONNECTION, http_notify_connection, l,
	    MHD_OPTION_NOTIFY_COMPLETED, http_completed, l,
	    MHD_OPTION_ARRAY, extra,
	    MHD_OPTION_END);
	if (ai != NULL)
		freeaddrinfo(ai);
	if (l->daemon == NULL) {
		/* libmicrohttpd closes fd on most of its failures: not ours. */
		vx_err_set(err, VX_E_CONNECT, "cannot listen on %s (address in "
		    "use, or not a local address?)", name);
		http_listener_free(l);
		return NULL;
	}
	di = MHD_get_daemon_info(l->daemon, MHD_DAEMON_INFO_LISTEN_FD);
	l->fd = di != NULL ? di->listen_fd : fd;
	return l;
}

/* Starts listeners for every address or systemd socket, in order. */
struct listener *
http_listeners_start(struct vx_http *h, struct vx_err *err)
{
	struct listener	*head = NULL, **tail = &head;
	int		 nfds = 0;
	size_t		 n = h->opts.nlisten;

	if (h->opts.systemd_socket) {
		nfds = vx_sd_listen_fds(err);
		if (nfds < 0)
			return NULL;
		n = (size_t)nfds;
	}
	for (size_t i = 0; i < n; i++) {
		char		 name[80];
		struct listener	*l;

		if (h->opts.systemd_socket)
			snprintf(name, sizeof(name), "systemd socket (fd %d)",
			    VX_SD_LISTEN_FDS_START + (int)i);
		else
			snprintf(name, sizeof(name), "%s", h->opts.listen[i]);
		l = listener_start(h, h->opts.systemd_socket ? NULL :
		    h->opts.listen[i], h->opts.systemd_socket ?
		    VX_SD_LISTEN_FDS_START + (int)i : -1, name, h->web, err);
		if (l == NULL) {
			for (size_t k = i + 1; h->opts.systemd_socket &&
			    k < n; k++)
				close(VX_SD_LISTEN_FDS_START + (int)k);
			while ((l = head) != NULL) {
				head = l->next;
				http_listener_free(l);
			}
			return NULL;
		}
		*tail = l;
		tail = &l->next;
	}
	return head;
}

bool
http_listeners_replace(struct vx_http *h, struct web_ref *web,
    struct vx_err *err)
{
	struct listener	*head = NULL, **tail = &head, *l, *old;

	for (l = h->listeners; l != NULL; l = l->next) {
		struct listener	*nl = NULL;
		int		 fd = dup(l->fd);

		if (fd < 0)
			vx_err_set(err, VX_E_CONNECT, "cannot duplicate the "
			    "socket of %s: %s", l->name, strerror(errno));
		else
			nl = listener_start(h, NULL, fd, l->name, web, err);
		if (nl == NULL) {
			while ((l = head) != NULL) {
				head = l->next;
				http_listener_free(l);
			}
			return false;
		}
		*tail = nl;
		tail = &nl->next;
	}
	pthread_mutex_lock(&h->lock);
	old = h->listeners;
	h->listeners = head;
	pthread_mutex_unlock(&h->lock);
	while ((l = old) != NULL) {
		old = l->next;
		http_listener_quiesce(l);
		vx_conns_drain(&h->conns, &l->conns);
		l->next = h->retired;
		h->retired = l;
	}
	return true;
}
