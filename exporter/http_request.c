/*
 * libmicrohttpd's callbacks, run on a listener's event loop thread.
 * Nothing here blocks: a request that needs bcrypt, rendering or a device
 * poll is suspended and handed to a worker pool, which fills in the reply
 * and resumes it; its next call here queues the reply.
 *
 *   headers in -> REQ_NEW: client certificate, cached credentials
 *              -> REQ_AUTH (auth pool: bcrypt) -> route
 *              -> route: cheap answers at once, or
 *                 REQ_WORK (render or probe pool) -> answer
 */
#include "http_int.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"
#include "log.h"

#define REALM		"vpn_exporter"
#define TARGET_QUOTE_MAX	64

enum MHD_Result
http_accept_policy(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
	struct listener *l = cls;

	(void)addr;
	(void)addrlen;
	return vx_conns_admit(&l->h->conns) ? MHD_YES : MHD_NO;
}

void
http_notify_connection(void *cls, struct MHD_Connection *c,
    void **socket_context, enum MHD_ConnectionNotificationCode toe)
{
	struct listener			*l = cls;
	const union MHD_ConnectionInfo	*ci;

	if (toe == MHD_CONNECTION_NOTIFY_STARTED) {
		ci = MHD_get_connection_info(c,
		    MHD_CONNECTION_INFO_CONNECTION_FD);
		/* Without memory it is served, just not counted. */
		*socket_context = ci == NULL ? NULL :
		    vx_conns_opened(&l->h->conns, &l->conns, ci->connect_fd);
		return;
	}
	vx_conns_closed(&l->h->conns, *socket_context);
	*socket_context = NULL;
}

static void
request_free(struct request *rq)
{
	atomic_fetch_sub(&rq->l->requests, 1);
	http_probe_publish(rq);
	vx_webcfg_creds_clear(&rq->creds);
	web_ref_unref(rq->web);
	if (rq->dev != NULL)
		vx_device_unref(rq->dev);
	vx_fleet_unref(rq->fleet);
	free(rq->module);
	free(rq->auth);
	vx_snapshot_unref(rq->snap);
	free(rq->reply.body);
	free(rq);
}

/* Queues rp (taking its body) with the headers every answer has. */
static enum MHD_Result
queue_reply(struct request *rq, struct reply *rp)
{
	struct MHD_Response	*r;
	enum MHD_Result		 ret;

	r = MHD_create_response_from_buffer_with_free_callback(rp->len,
	    rp->body, free);
	if (r == NULL)
		return MHD_NO;	/* the request frees the body */
	rp->body = NULL;
	if (rp->ctype != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
		    rp->ctype);
	if (rp->gzip)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING,
		    "gzip");
	if (rp->vary)
		MHD_add_response_header(r, MHD_HTTP_HEADER_VARY,
		    "Accept, Accept-Encoding");
	if (rp->allow != NULL)
		MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, rp->allow);
	if (rp->basic_auth)
		MHD_add_response_header(r, MHD_HTTP_HEADER_WWW_AUTHENTICATE,
		    "Basic realm=\"" REALM "\"");
	vx_webcfg_add_headers(rq->web->w, r);
	ret = MHD_queue_response(rq->c, rp->status, r);
	MHD_destroy_response(r);
	return ret;
}

/* A text answer, at once. */
static enum MHD_Result
answer(struct request *rq, unsigned int status, const char *text)
{
	http_reply_text(&rq->reply, status, "%s", text);
	return queue_reply(rq, &rq->reply);
}

static enum MHD_Result
unauthorized(struct request *rq)
{
	http_reply_text(&rq->reply, MHD_HTTP_UNAUTHORIZED, "unauthorized\n");
	rq->reply.basic_auth = true;
	return queue_reply(rq, &rq->reply);
}

/*
 * The render pool's flows (http_pool.h): requests as they come, and the
 * answers of /probe polls.
 */
enum {
	FLOW_DIRECT = 0,
	FLOW_POLLED = 1,
};

static void
run_work(struct vx_pool_job *job)
{
	struct request	*rq = (struct request *)(void *)job;
	struct vx_http	*h = rq->l->h;

	/*
	 * A /probe poll is rendered on the render pool: the probe pool's
	 * threads only wait for devices, and an answer already polled does
	 * not wait behind polls for the CPU.  Those answers are a flow of
	 * their own there: when a burst of polls ends at once, /metrics and
	 * the other requests take turns with them instead of queueing
	 * behind all of them.
	 */
	if (http_serve(h, rq)) {
		rq->job.flow = FLOW_POLLED;
		if (vx_pool_submit(h->render, &rq->job))
			return;
		http_probe_publish(rq);
		http_reply_text(&rq->reply, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "the server is shutting down\n");
	}
	MHD_resume_connection(rq->c);	/* rq is the event loop's again */
}

static void
run_auth(struct vx_pool_job *job)
{
	struct request *rq = (struct request *)(void *)job;

	rq->authed = vx_webcfg_verify(rq->web->w, &rq->creds);
	vx_webcfg_creds_clear(&rq->creds);
	MHD_resume_connection(rq->c);
}

/* A queued job when the server stops. */
static void
cancel_job(struct vx_pool_job *job)
{
	struct request *rq = (struct request *)(void *)job;

	http_probe_publish(rq);
	rq->state = REQ_WORK;
	http_reply_text(&rq->reply, MHD_HTTP_SERVICE_UNAVAILABLE,
	    "the server is shutting down\n");
	MHD_resume_connection(rq->c);
}

/* Suspends the request and queues it on pool. */
static enum MHD_Result
dispatch(struct request *rq, struct vx_pool *pool, enum req_state state,
    void (*run)(struct vx_pool_job *), uint64_t flow)
{
	rq->state = state;
	rq->job.run = run;
	rq->job.cancel = cancel_job;
	rq->job.flow = flow;
	MHD_suspend_connection(rq->c);
	if (!vx_pool_submit(pool, &rq->job)) {
		rq->state = REQ_WORK;
		http_reply_text(&rq->reply, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "the server is shutting down or out of memory\n");
		MHD_resume_connection(rq->c);
	}
	return MHD_YES;
}

/* The scrape timeout Prometheus announces, minus our offset; or fallback. */
static int64_t
probe_budget_ms(const struct vx_http *h, struct MHD_Connection *c,
    int64_t fallback)
{
	const char	*v = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
			    "X-Prometheus-Scrape-Timeout-Seconds");
	char		*end;
	double		 s;
	int64_t		 ms;

	if (v == NULL)
		return fallback;
	s = strtod(v, &end);
	if (end == v || *end != '\0' || !isfinite(s) || s <= 0 || s > 86400)
		return fallback;
	ms = (int64_t)(s * 1000) - h->opts.timeout_offset_ms;
	if (ms < 100)
		ms = 100;
	return ms < fallback ? ms : fallback;
}

static void
take_format(struct request *rq)
{
	rq->fmt = vx_http_negotiate(MHD_lookup_connection_value(rq->c,
	    MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT));
	rq->gzip_ok = vx_http_accepts_gzip(MHD_lookup_connection_value(rq->c,
	    MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING));
}

/* A query parameter, NULL if absent or empty. */
static const char *
param(struct request *rq, const char *name)
{
	const char *v = MHD_lookup_connection_value(rq->c,
	    MHD_GET_ARGUMENT_KIND, name);

	return v != NULL && v[0] != '\0' ? v : NULL;
}

/* "what NAME: text", NAME quoted as a client's bytes are. */
static enum MHD_Result
answer_quoted(struct request *rq, unsigned int status, const char *what,
    const char *name, const char *text)
{
	struct vx_strbuf sb;

	vx_strbuf_init(&sb, 128);
	vx_strbuf_addstr(&sb, what);
	http_target_quote(&sb, name, TARGET_QUOTE_MAX);
	vx_strbuf_addstr(&sb, text);
	http_reply_text(&rq->reply, status, "%s", sb.failed ? "bad request\n" :
	    sb.buf);
	vx_strbuf_release(&sb);
	return queue_reply(rq, &rq->reply);
}

/*
 * /probe?target=ADDRESS&module=M[&auth=A]: an address not in the
 * configuration, allowed by "probe_targets:".  The checks are quick
 * (no name is resolved); the device is made on the probe pool.
 */
static enum MHD_Result
route_probe_address(struct vx_http *h, struct request *rq, const char *target,
    const char *module, const char *auth)
{
	struct vx_fleet		*f = vx_runtime_fleet(h->rt);
	struct vx_ipaddr	 ip;

	if (f == NULL)
		return answer_quoted(rq, MHD_HTTP_BAD_REQUEST, "unknown target ",
		    target, ": not a device in the configuration\n");
	if ((module != NULL && !http_target_ok(module, strlen(module))) ||
	    (auth != NULL && !http_target_ok(auth, strlen(auth))))
		return answer(rq, MHD_HTTP_BAD_REQUEST, "the 'module' or 'auth' "
		    "parameter has a control character\n");
	rq->fleet = f;
	if (!vx_ip_parse(target, &ip))
		return answer_quoted(rq, MHD_HTTP_BAD_REQUEST, "unknown target ",
		    target, ": not a device in the configuration, nor an IP "
		    "address (host names are not resolved)\n");
	if (module == NULL)
		return answer_quoted(rq, MHD_HTTP_BAD_REQUEST, "target ",
		    target, " is not a device in the configuration: probing "
		    "an address needs the 'module' parameter\n");
	if (vx_fleet_module(&f->tmpl, module) == NULL)
		return answer_quoted(rq, MHD_HTTP_BAD_REQUEST, "unknown module ",
		    module, ": not under 'modules:' in the configuration\n");
	if (auth != NULL && vx_fleet_auth(&f->tmpl, auth) == NULL)
		return answer_quoted(rq, MHD_HTTP_BAD_REQUEST, "unknown auth ",
		    auth, ": not under 'auths:' in the configuration\n");
	if (!vx_fleet_allowed(f, &ip))
		return answer_quoted(rq, MHD_HTTP_FORBIDDEN, "target ", target,
		    " is not in probe_targets.allowed_targets\n");
	vx_ip_format(&ip, rq->addr, sizeof(rq->addr));
	rq->module = strdup(module);
	rq->auth = auth != NULL ? strdup(auth) : NULL;
	if (rq->module == NULL || (auth != NULL && rq->auth == NULL))
		return answer(rq, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "out of memory\n");
	take_format(rq);
	rq->route = ROUTE_PROBE_ADHOC;
	/* Capped by the device's timeout once it is made. */
	rq->budget_ms = probe_budget_ms(h, rq->c, INT64_MAX);
	return dispatch(rq, h->probe, REQ_WORK, run_work, FLOW_DIRECT);
}

static enum MHD_Result
route_probe(struct vx_http *h, struct request *rq)
{
	struct vx_devtable	*t;
	struct vx_device	*d;
	struct vx_snapshot	*latest;
	const char		*target = NULL;
	size_t			 tlen = 0;
	bool			 poll;

	if (MHD_lookup_connection_value_n(rq->c, MHD_GET_ARGUMENT_KIND,
	    "target", 6, &target, &tlen) != MHD_YES || tlen == 0)
		return answer(rq, MHD_HTTP_BAD_REQUEST, "missing 'target' "
		    "parameter (a device name from the configuration)\n");
	if (!http_target_ok(target, tlen))
		return answer(rq, MHD_HTTP_BAD_REQUEST, "the 'target' "
		    "parameter has a control character\n");
	t = vx_runtime_table(h->rt);
	d = t != NULL ? vx_devtable_find(t, target) : NULL;
	if (d == NULL) {
		vx_devtable_unref(t);
		return route_probe_address(h, rq, target, param(rq, "module"),
		    param(rq, "auth"));
	}
	if (param(rq, "module") != NULL || param(rq, "auth") != NULL) {
		vx_devtable_unref(t);
		return answer_quoted(rq, MHD_HTTP_BAD_REQUEST, "target ",
		    target, " is a device in the configuration, which sets "
		    "its module and auth: leave out 'module' and 'auth'\n");
	}
	vx_device_ref(d);
	vx_devtable_unref(t);
	rq->dev = d;
	take_format(rq);
	/*
	 * HEAD never polls.  A background device serves its latest poll,
	 * unless it asks for a fresh one or has none yet.
	 */
	poll = !rq->head;
	if (poll && d->cfg.background && !d->cfg.probe_fresh) {
		latest = vx_device_latest(d, 0);
		poll = latest == NULL;
		vx_snapshot_unref(latest);
	}
	if (!poll) {
		rq->route = ROUTE_PROBE_LATEST;
		return dispatch(rq, h->render, REQ_WORK, run_work, FLOW_DIRECT);
	}
	rq->route = ROUTE_PROBE_POLL;
	rq->budget_ms = probe_budget_ms(h, rq->c, d->cfg.timeout_ms);
	return dispatch(rq, h->probe, REQ_WORK, run_work, FLOW_DIRECT);
}

static enum MHD_Result
method_not_allowed(struct request *rq, const char *allow)
{
	http_reply_text(&rq->reply, MHD_HTTP_METHOD_NOT_ALLOWED,
	    "method not allowed\n");
	rq->reply.allow = allow;
	return queue_reply(rq, &rq->reply);
}

/* The request may proceed: the endpoint. */
static enum MHD_Result
route(struct vx_http *h, struct request *rq, const char *url,
    const char *method)
{
	bool get = strcmp(method, MHD_HTTP_METHOD_GET) == 0 ||
	    strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
	bool post = strcmp(method, MHD_HTTP_METHOD_POST) == 0 ||
	    strcmp(method, MHD_HTTP_METHOD_PUT) == 0;

	rq->head = strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
	if (strcmp(url, "/-/reload") == 0) {
		if (!post)
			return method_not_allowed(rq, "POST, PUT");
		rq->route = ROUTE_RELOAD;
		return dispatch(rq, h->render, REQ_WORK, run_work, FLOW_DIRECT);
	}
	if (!get)
		return method_not_allowed(rq, "GET, HEAD");
	if (strcmp(url, h->opts.metrics_path) == 0) {
		take_format(rq);
		rq->route = ROUTE_METRICS;
		return dispatch(rq, h->render, REQ_WORK, run_work, FLOW_DIRECT);
	}
	if (strcmp(url, "/probe") == 0)
		return route_probe(h, rq);
	if (strcmp(url, "/sd") == 0) {
		rq->route = ROUTE_SD;
		return dispatch(rq, h->render, REQ_WORK, run_work, FLOW_DIRECT);
	}
	if (strcmp(url, "/") == 0) {
		rq->route = ROUTE_LANDING;
		return dispatch(rq, h->render, REQ_WORK, run_work, FLOW_DIRECT);
	}
	if (vx_status_path(url)) {
		rq->route = ROUTE_STATUS;
		rq->status_json = vx_status_path_json(url);
		vx_status_http_query(rq->c, rq->status_json, &rq->status_q);
		return dispatch(rq, h->render, REQ_WORK, run_work, FLOW_DIRECT);
	}
	if (strcmp(url, "/-/healthy") == 0)
		return answer(rq, MHD_HTTP_OK, "Healthy\n");
	if (strcmp(url, "/-/ready") == 0)
		return answer(rq, MHD_HTTP_OK, "Ready\n");
	return answer(rq, MHD_HTTP_NOT_FOUND, "not found; see / for the "
	    "endpoints\n");
}

/* FNV-1a: the auth pool's flow, one per client address. */
static uint64_t
flow_of(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* The first look at a request: who may ask. */
static enum MHD_Result
start(struct vx_http *h, struct request *rq, const char *url,
    const char *method)
{
	switch (vx_webcfg_precheck(rq->web->w, rq->c, &rq->creds)) {
	case VX_WEBCFG_ALLOW:
		return route(h, rq, url, method);
	case VX_WEBCFG_FORBIDDEN:
		return answer(rq, MHD_HTTP_FORBIDDEN, "forbidden: client "
		    "certificate required or not accepted\n");
	case VX_WEBCFG_UNAUTHORIZED:
		break;
	case VX_WEBCFG_VERIFY:
		/* Clients take turns for bcrypt: a flood waits its own. */
		return dispatch(rq, h->auth, REQ_AUTH, run_auth,
		    flow_of(rq->creds.addr));
	}
	return unauthorized(rq);
}

static struct request *
request_new(struct listener *l, struct MHD_Connection *c)
{
	struct request			*rq = calloc(1, sizeof(*rq));
	const union MHD_ConnectionInfo	*ci;

	if (rq == NULL)
		return NULL;
	atomic_fetch_add(&l->requests, 1);
	rq->l = l;
	rq->c = c;
	rq->ticket = atomic_fetch_add(&l->h->tickets, 1);
	rq->web = http_web(l->h);
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	rq->conn = ci != NULL ? ci->socket_context : NULL;
	rq->state = REQ_NEW;
	return rq;
}

enum MHD_Result
http_handle(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct listener	*l = cls;
	struct vx_http	*h = l->h;
	struct request	*rq = *con_cls;

	(void)version;
	(void)upload_data;
	if (rq == NULL) {
		/* The headers are in: the request has begun. */
		rq = request_new(l, c);
		if (rq == NULL)
			return MHD_NO;
		*con_cls = rq;
		if (rq->conn != NULL && !vx_conns_begin(&h->conns, rq->conn))
			return MHD_NO;	/* closed to make room meanwhile */
		/* The answer gets the short timeout, not the keep-alive. */
		MHD_set_connection_option(c, MHD_CONNECTION_OPTION_TIMEOUT,
		    (unsigned int)HTTP_HEADER_TIMEOUT_S);
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		*upload_data_size = 0;	/* bodies are not used */
		return MHD_YES;
	}
	switch (rq->state) {
	case REQ_NEW:
		return start(h, rq, url, method);
	case REQ_AUTH:
		if (rq->authed)
			return route(h, rq, url, method);
		return unauthorized(rq);
	case REQ_WORK:
		break;
	}
	return queue_reply(rq, &rq->reply);
}

void
http_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct listener	*l = cls;
	struct request	*rq = *con_cls;

	if (rq == NULL)
		return;
	*con_cls = NULL;
	if (rq->conn != NULL)
		vx_conns_end(&l->h->conns, rq->conn,
		    toe == MHD_REQUEST_TERMINATED_COMPLETED_OK,
		    toe == MHD_REQUEST_TERMINATED_TIMEOUT_REACHED);
	if (toe == MHD_REQUEST_TERMINATED_COMPLETED_OK)
		MHD_set_connection_option(c, MHD_CONNECTION_OPTION_TIMEOUT,
		    (unsigned int)HTTP_KEEPALIVE_S);
	request_free(rq);
}
