#ifndef VX_HTTP_INT_H
#define VX_HTTP_INT_H

/*
 * Internals of the HTTP server shared by its files:
 *   http.c		start, stop, web configuration reload,
 *			housekeeping
 *   http_listen.c	listeners: one libmicrohttpd daemon per socket
 *   http_request.c	libmicrohttpd's callbacks: connections, the
 *			request state machine, queueing answers
 *   http_endpoints.c	the work of each endpoint, on worker threads
 *   http_conns.c	connection limit and eviction
 *   http_pool.c	worker pools
 *   http_negotiate.c	Accept, Accept-Encoding
 *   http_target.c	checking and quoting a /probe target
 * Not for other modules (they use http.h), except the unit tests.
 */

#include <microhttpd.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "http.h"
#include "cpu_gate.h"
#include "http_conns.h"
#include "http_pool.h"
#include "status_http.h"
#include "webcfg.h"

#define HTTP_HEADER_TIMEOUT_S	10	/* TLS handshake, request, answer */
#define HTTP_KEEPALIVE_S	60	/* idle between requests */

/* A web configuration shared by the requests and daemons that use it. */
struct web_ref {
	atomic_int		 refs;
	struct vx_webcfg	*w;		/* NULL: plain HTTP, no auth */
};

struct web_ref	*web_ref_new(struct vx_webcfg *w);
void		 web_ref_unref(struct web_ref *r);

/* One listening socket and the libmicrohttpd daemon serving it. */
struct listener {
	struct vx_http		*h;
	struct MHD_Daemon	*daemon;
	struct web_ref		*web;	/* its TLS settings; a reference */
	struct vx_conns_owner	 conns;
	atomic_int		 requests;	/* in progress */
	char			 name[80];	/* for the log */
	int			 fd;		/* the listening socket */
	bool			 quiesced;	/* fd is ours to close */
	struct listener		*next;
};

struct vx_http {
	struct vx_http_opts	 opts;
	struct vx_runtime	*rt;
	struct vx_conns		 conns;
	struct vx_pool		*render;	/* /metrics, /, /-/reload */
	struct vx_pool		*probe;		/* /probe with a poll */
	struct vx_pool		*auth;		/* bcrypt */
	/* The probe pool's CPU, oldest request first (core/cpu_gate.h). */
	struct vx_cpu_gate	*probe_cpu;
	atomic_uint_fast64_t	 tickets;	/* requests so far */

	pthread_mutex_t		 reload_lock;	/* one reload at a time */
	pthread_mutex_t		 lock;		/* the fields below */
	struct web_ref		*web;		/* for requests */
	struct listener		*listeners;	/* accepting */
	struct listener		*retired;	/* finishing their requests */
};

/* The current web configuration (a reference). */
struct web_ref	*http_web(struct vx_http *h);

/* http_listen.c */

/* Listeners for every address or systemd socket, in order; NULL on error. */
struct listener	*http_listeners_start(struct vx_http *h, struct vx_err *err);
/*
 * New listeners on the sockets of h->listeners, with web's TLS settings,
 * put in their place; the old ones stop accepting, their waiting
 * connections are closed, and they go to h->retired.  False (nothing
 * changed) if one cannot start.  Under h->reload_lock.
 */
bool		 http_listeners_replace(struct vx_http *h, struct web_ref *web,
		    struct vx_err *err);
/* Stops accepting; the open connections go on. */
void		 http_listener_quiesce(struct listener *l);
/* Stops the daemon (its connections close) and frees l. */
void		 http_listener_free(struct listener *l);

/* What a worker found: the answer, queued by the event loop. */
struct reply {
	unsigned int	 status;
	const char	*ctype;		/* static */
	char		*body;		/* malloc'd; NULL when len is 0 */
	size_t		 len;
	bool		 gzip;		/* Content-Encoding: gzip */
	bool		 vary;		/* Vary: Accept, Accept-Encoding */
	bool		 basic_auth;	/* WWW-Authenticate: Basic */
	const char	*allow;		/* Allow: (405) */
};

enum route {
	ROUTE_METRICS,
	ROUTE_LANDING,
	ROUTE_RELOAD,
	ROUTE_PROBE_POLL,	/* poll the device now (probe pool) ... */
	ROUTE_PROBE_RENDER,	/* ... then render that poll (render pool) */
	ROUTE_PROBE_LATEST,	/* render its latest poll */
	ROUTE_PROBE_ADHOC,	/* make the device for an address, poll it */
	ROUTE_SD,		/* /sd: the devices for http_sd_config */
	ROUTE_STATUS,		/* /status, /status.json */
};

enum req_state {
	REQ_NEW,	/* headers in; nothing checked yet */
	REQ_AUTH,	/* suspended: bcrypt on the auth pool */
	REQ_WORK,	/* suspended: the endpoint's work on a pool */
};

/* One request, from its headers to the end of its answer. */
struct request {
	struct vx_pool_job	 job;
	struct listener		*l;
	struct MHD_Connection	*c;
	struct vx_http_conn	*conn;
	struct web_ref		*web;	/* a reference, for the whole request */
	enum req_state		 state;
	enum route		 route;
	bool			 head;
	bool			 authed;
	enum vx_format		 fmt;
	bool			 gzip_ok;
	struct vx_device	*dev;	/* /probe: a reference */
	struct vx_snapshot	*snap;	/* /probe: what the poll found */
	bool			 unpublished;	/* snap: to vx_device_publish */
	uint64_t		 ticket;	/* its place in the order of requests */
	int64_t			 budget_ms;
	/* /probe of an address: the fleet settings (a reference) and what
	 * the client asked for. */
	struct vx_fleet		*fleet;
	char			 addr[64];	/* canonical */
	char			*module;
	char			*auth;
	struct vx_webcfg_creds	 creds;
	struct vx_status_query	 status_q;	/* /status: its query */
	bool			 status_json;
	struct reply		 reply;
};

/* http_request.c: the callbacks given to MHD_start_daemon(). */
enum MHD_Result	http_accept_policy(void *cls, const struct sockaddr *addr,
		    socklen_t addrlen);
void		http_notify_connection(void *cls, struct MHD_Connection *c,
		    void **socket_context,
		    enum MHD_ConnectionNotificationCode toe);
enum MHD_Result	http_handle(void *cls, struct MHD_Connection *c,
		    const char *url, const char *method, const char *version,
		    const char *upload_data, size_t *upload_data_size,
		    void **con_cls);
void		http_completed(void *cls, struct MHD_Connection *c,
		    void **con_cls, enum MHD_RequestTerminationCode toe);

/*
 * http_endpoints.c: on a worker thread, does the work of rq->route and
 * fills rq->reply; ROUTE_PROBE_POLL instead fills rq->snap, turns into
 * ROUTE_PROBE_RENDER and returns true (the render is the render pool's).
 */
bool		http_serve(struct vx_http *h, struct request *rq);
/*
 * A /probe poll's result published to its device, if it is not yet
 * (http_serve does it on the render pool; a request that never gets there
 * must call this, or the device stays in flight).
 */
void		http_probe_publish(struct request *rq);
/* A text/plain reply (printf-style); an empty 500 on out-of-memory. */
void		http_reply_text(struct reply *rp, unsigned int status,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* http_sd.c */

/*
 * The devices of t as Prometheus http_sd_config JSON: one target group
 * per device, the target its name, its labels and vendor, address,
 * module and auth as __meta_vpn_exporter_* labels.
 */
void		http_sd_render(struct vx_strbuf *out,
		    const struct vx_devtable *t);

/* http_target.c */

/* True if the target (len bytes) has no NUL or other control character. */
bool		http_target_ok(const char *target, size_t len);
/*
 * Appends target to out in double quotes, with every byte that is not
 * printable ASCII, and the quote and backslash, as \xNN; at most max
 * bytes of it, then "...".
 */
void		http_target_quote(struct vx_strbuf *out, const char *target,
		    size_t max);

#endif
