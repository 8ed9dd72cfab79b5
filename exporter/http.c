/*
 * The HTTP server's life: one libmicrohttpd daemon per listening socket
 * (an epoll event loop thread each), the worker pools, the web
 * configuration and its reload, housekeeping.
 *
 * A reload that changes the TLS settings starts new daemons on the same
 * sockets (dup'ed) and retires the old ones: they stop accepting, their
 * idle connections are closed, and each is stopped once its last request
 * is answered.  Other changes (users, headers, client_auth_type checks)
 * take effect at the next request without that.
 */
#include "http_int.h"

#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"
#include "numparse.h"
#include "sdlisten.h"

#define MEMORY_LIMIT		(16 * 1024)	/* per connection */
#define WARN_INTERVAL_MS	60000
#define PROBE_NICE		10

/* ---- web configuration references ---- */

struct web_ref *
web_ref_new(struct vx_webcfg *w)
{
	struct web_ref *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return NULL;
	atomic_init(&r->refs, 1);
	r->w = w;
	return r;
}

void
web_ref_unref(struct web_ref *r)
{
	if (r == NULL || atomic_fetch_sub(&r->refs, 1) != 1)
		return;
	vx_webcfg_free(r->w);
	free(r);
}

struct web_ref *
http_web(struct vx_http *h)
{
	struct web_ref *r;

	pthread_mutex_lock(&h->lock);
	r = h->web;
	atomic_fetch_add(&r->refs, 1);
	pthread_mutex_unlock(&h->lock);
	return r;
}

/* ---- libmicrohttpd's log ---- */

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

/* ---- listeners ---- */

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
static void
listener_quiesce(struct listener *l)
{
	if (!l->quiesced &&
	    MHD_quiesce_daemon(l->daemon) != MHD_INVALID_SOCKET)
		l->quiesced = true;
}

static void
listener_free(struct listener *l)
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
		listener_free(l);
		return NULL;
	}
	di = MHD_get_daemon_info(l->daemon, MHD_DAEMON_INFO_LISTEN_FD);
	l->fd = di != NULL ? di->listen_fd : fd;
	return l;
}

/* Starts listeners for every address or systemd socket, in order. */
static struct listener *
listeners_start(struct vx_http *h, struct vx_err *err)
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
				listener_free(l);
			}
			return NULL;
		}
		*tail = l;
		tail = &l->next;
	}
	return head;
}

/* ---- start, stop ---- */

static uint64_t
descriptor_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
		return UINT64_MAX;
	return (uint64_t)rl.rlim_cur;
}

struct vx_http *
vx_http_start(const struct vx_http_opts *opts, struct vx_runtime *rt,
    struct vx_err *err)
{
	struct vx_http	*h = calloc(1, sizeof(*h));
	long		 ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	if (h == NULL || (h->web = web_ref_new(opts->web)) == NULL) {
		free(h);
		vx_webcfg_free(opts->web);
		vx_err_set(err, VX_E_NOMEM, "out of memory");
		return NULL;
	}
	h->opts = *opts;
	h->opts.web = NULL;
	h->rt = rt;
	pthread_mutex_init(&h->lock, NULL);
	pthread_mutex_init(&h->reload_lock, NULL);
	vx_conns_init(&h->conns, descriptor_limit(),
	    HTTP_HEADER_TIMEOUT_S * 1000);
	/*
	 * Under CPU pressure, answers go first: the render pool and the
	 * event loops run at the process's priority, device polls for
	 * /probe and bcrypt below it.
	 */
	h->render = vx_pool_new("render", ncpu > 2 ? (size_t)ncpu : 2, 0);
	h->probe = vx_pool_new("probe", opts->probe_workers, PROBE_NICE);
	/* One bcrypt at a time, as the exporter-toolkit does. */
	h->auth = vx_pool_new("auth", 1, PROBE_NICE);
	if (h->render == NULL || h->probe == NULL || h->auth == NULL) {
		vx_err_set(err, VX_E_NOMEM, "out of memory");
		vx_http_stop(h);
		return NULL;
	}
	h->listeners = listeners_start(h, err);
	if (h->listeners == NULL) {
		vx_http_stop(h);
		return NULL;
	}
	for (struct listener *l = h->listeners; l != NULL; l = l->next)
		vx_log_info("listening on %s%s", l->name,
		    vx_webcfg_tls(h->web->w) ? " (TLS)" : "");
	vx_log_info("http: at most %zu connections (half the descriptor "
	    "limit), %zu /probe polls at once", h->conns.hard,
	    opts->probe_workers);
	return h;
}

void
vx_http_stop(struct vx_http *h)
{
	struct listener *l;

	if (h == NULL)
		return;
	/* No new connections; answer what is queued; then close. */
	for (l = h->listeners; l != NULL; l = l->next)
		listener_quiesce(l);
	if (h->auth != NULL)
		vx_pool_stop(h->auth);
	if (h->render != NULL)
		vx_pool_stop(h->render);
	if (h->probe != NULL)
		vx_pool_stop(h->probe);
	while ((l = h->listeners) != NULL) {
		h->listeners = l->next;
		listener_free(l);
	}
	while ((l = h->retired) != NULL) {
		h->retired = l->next;
		listener_free(l);
	}
	vx_pool_free(h->auth);
	vx_pool_free(h->render);
	vx_pool_free(h->probe);
	web_ref_unref(h->web);
	vx_conns_release(&h->conns);
	pthread_mutex_destroy(&h->lock);
	pthread_mutex_destroy(&h->reload_lock);
	free(h);
}

/* ---- reload ---- */

static void
add_error(struct vx_strbuf *errors, const char *msg)
{
	vx_log_error("%s", msg);
	if (errors != NULL)
		vx_strbuf_addf(errors, "%s\n", msg);
}

/* New daemons on the current sockets, with web's TLS settings. */
static bool
replace_listeners(struct vx_http *h, struct web_ref *web,
    struct vx_strbuf *errors)
{
	struct listener	*head = NULL, **tail = &head, *l, *old;
	struct vx_err	 err;

	for (l = h->listeners; l != NULL; l = l->next) {
		struct listener	*nl;
		int		 fd = dup(l->fd);

		vx_err_clear(&err);
		nl = fd < 0 ? NULL : listener_start(h, NULL, fd, l->name, web,
		    &err);
		if (nl == NULL) {
			add_error(errors, fd < 0 ? "cannot duplicate a "
			    "listening socket" : err.msg);
			while ((l = head) != NULL) {
				head = l->next;
				listener_free(l);
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
		listener_quiesce(l);
		vx_conns_drain(&h->conns, &l->conns);
		l->next = h->retired;
		h->retired = l;
	}
	return true;
}

static bool
reload_web(struct vx_http *h, struct vx_strbuf *errors)
{
	struct vx_cfg_errors	 errs = { NULL, 0, 0 };
	const char		*path = h->opts.web_config_file;
	struct vx_webcfg	*w;
	struct web_ref		*nw, *old;
	bool			 tls_same;

	if (path == NULL)
		return true;
	w = vx_webcfg_load(path, &errs);
	if (w == NULL) {
		char msg[512];

		for (size_t i = 0; i < errs.n; i++)
			add_error(errors, errs.msgs[i]);
		vx_cfg_errors_release(&errs);
		snprintf(msg, sizeof(msg), "%s: web configuration not "
		    "reloaded; the running one stays", path);
		add_error(errors, msg);
		return false;
	}
	vx_cfg_errors_release(&errs);
	nw = web_ref_new(w);
	if (nw == NULL) {
		vx_webcfg_free(w);
		add_error(errors, "web configuration not reloaded: out of "
		    "memory");
		return false;
	}
	old = http_web(h);
	tls_same = vx_webcfg_tls_same(old->w, w);
	web_ref_unref(old);
	if (!tls_same && !replace_listeners(h, nw, errors)) {
		web_ref_unref(nw);
		add_error(errors, "web configuration not reloaded; the running "
		    "one stays");
		return false;
	}
	pthread_mutex_lock(&h->lock);
	old = h->web;
	h->web = nw;
	pthread_mutex_unlock(&h->lock);
	web_ref_unref(old);
	vx_log_info("%s: web configuration reloaded%s", path, tls_same ? "" :
	    " (new TLS settings for new connections)");
	return true;
}

bool
vx_http_reload(struct vx_http *h, struct vx_strbuf *errors)
{
	bool ok = vx_runtime_reload(h->rt, errors);
	bool web_ok;

	pthread_mutex_lock(&h->reload_lock);
	web_ok = reload_web(h, errors);
	pthread_mutex_unlock(&h->reload_lock);
	if (!web_ok)
		vx_runtime_reload_failed(h->rt);
	return ok && web_ok;
}

/* ---- housekeeping ---- */

void
vx_http_tick(struct vx_http *h)
{
	struct listener **pp, *l;

	vx_conns_tick(&h->conns);
	pthread_mutex_lock(&h->reload_lock);
	for (pp = &h->retired; (l = *pp) != NULL;) {
		/* Answers finished become idle: close those too. */
		vx_conns_drain(&h->conns, &l->conns);
		if (vx_conns_owned(&h->conns, &l->conns) > 0 ||
		    atomic_load(&l->requests) > 0) {
			pp = &l->next;
			continue;
		}
		*pp = l->next;
		vx_log_debug("http: old server on %s stopped", l->name);
		listener_free(l);
	}
	pthread_mutex_unlock(&h->reload_lock);
}
