#include "http.h"

#include <math.h>
#include <stdarg.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <microhttpd.h>
#include <zlib.h>

#include "landing.h"
#include "log.h"
#include "numparse.h"
#include "process.h"
#include "render.h"
#include "status_http.h"
#include "webcfg.h"

#define CONNECTION_LIMIT	128
#define CONNECTION_TIMEOUT_S	120
#define GZIP_MIN_BYTES		512

struct vx_http {
	struct MHD_Daemon	*daemon;
	struct vx_http_opts	 opts;
	struct vx_runtime	*rt;
};

/* Per-request state: whether the first call (auth) has happened. */
struct request {
	bool	started;
};

/*
 * Finds token (case-insensitive) as a member of a comma-separated header
 * list and returns its q value (1 if absent), or -1 if it is not there.
 */
static double
list_q(const char *header, const char *token)
{
	size_t		tlen = strlen(token);
	const char	*p = header;

	while (p != NULL && *p != '\0') {
		const char	*end = strchr(p, ',');
		size_t		 len = end != NULL ? (size_t)(end - p) :
				    strlen(p);
		const char	*semi;
		size_t		 vlen;

		while (len > 0 && (*p == ' ' || *p == '\t')) {
			p++;
			len--;
		}
		semi = memchr(p, ';', len);
		vlen = semi != NULL ? (size_t)(semi - p) : len;
		while (vlen > 0 && (p[vlen - 1] == ' ' || p[vlen - 1] == '\t'))
			vlen--;
		if (vlen == tlen && strncasecmp(p, token, tlen) == 0) {
			const char *q = semi, *lim = p + len;

			while (q != NULL && q < lim) {
				q++;
				while (q < lim && (*q == ' ' || *q == '\t'))
					q++;
				if (lim - q >= 2 && strncasecmp(q, "q=", 2) == 0)
					return strtod(q + 2, NULL);
				q = memchr(q, ';', (size_t)(lim - q));
			}
			return 1.0;
		}
		p = end != NULL ? end + 1 : NULL;
	}
	return -1.0;
}

bool
vx_http_wants_openmetrics(const char *accept)
{
	return accept != NULL &&
	    list_q(accept, "application/openmetrics-text") > 0;
}

bool
vx_http_accepts_gzip(const char *accept_encoding)
{
	double q;

	if (accept_encoding == NULL)
		return false;
	q = list_q(accept_encoding, "gzip");
	if (q < 0)
		q = list_q(accept_encoding, "*");
	return q > 0;
}

static enum MHD_Result
send_buffer(const struct vx_http *h, struct MHD_Connection *c,
    unsigned status, const char *ctype, char *buf, size_t len)
{
	struct MHD_Response	*r;
	enum MHD_Result		 ret;

	r = MHD_create_response_from_buffer_with_free_callback(len, buf, free);
	if (r == NULL) {
		free(buf);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	vx_webcfg_add_headers(h->opts.web, r);
	ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result
send_text(const struct vx_http *h, struct MHD_Connection *c, unsigned status,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static enum MHD_Result
send_text(const struct vx_http *h, struct MHD_Connection *c, unsigned status,
    const char *fmt, ...)
{
	char	*buf;
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (buf = malloc((size_t)n + 1)) == NULL)
		return MHD_NO;
	va_start(ap, fmt);
	vsnprintf(buf, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return send_buffer(h, c, status, "text/plain; charset=utf-8", buf,
	    (size_t)n);
}

/* gzip-compresses src; returns a malloc'd buffer or NULL. */
static char *
gzip_buffer(const char *src, size_t len, size_t *outlen)
{
	z_stream	 zs;
	char		*out;
	size_t		 cap;

	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	cap = deflateBound(&zs, len) + 32;
	out = malloc(cap);
	if (out == NULL) {
		deflateEnd(&zs);
		return NULL;
	}
	zs.next_in = (Bytef *)(uintptr_t)src;
	zs.avail_in = (uInt)len;
	zs.next_out = (Bytef *)out;
	zs.avail_out = (uInt)cap;
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END) {
		deflateEnd(&zs);
		free(out);
		return NULL;
	}
	*outlen = zs.total_out;
	deflateEnd(&zs);
	return out;
}

/* Sends an exposition, negotiated format and encoding already rendered. */
static enum MHD_Result
send_exposition(const struct vx_http *h, struct MHD_Connection *c,
    struct vx_strbuf *sb, enum vx_format fmt)
{
	const char		*ae = MHD_lookup_connection_value(c,
				    MHD_HEADER_KIND,
				    MHD_HTTP_HEADER_ACCEPT_ENCODING);
	struct MHD_Response	*r;
	enum MHD_Result		 ret;
	size_t			 len;
	char			*buf;
	bool			 gz = false;

	if (sb->failed) {
		vx_strbuf_release(sb);
		return send_text(h, c, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "out of memory rendering metrics\n");
	}
	buf = vx_strbuf_detach(sb, &len);
	if (len >= GZIP_MIN_BYTES && vx_http_accepts_gzip(ae)) {
		size_t	 zlen;
		char	*z = gzip_buffer(buf, len, &zlen);

		if (z != NULL) {
			free(buf);
			buf = z;
			len = zlen;
			gz = true;
		}
	}
	r = MHD_create_response_from_buffer_with_free_callback(len, buf, free);
	if (r == NULL) {
		free(buf);
		return MHD_NO;
	}
	MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE,
	    vx_format_content_type(fmt));
	if (gz)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_ENCODING,
		    "gzip");
	MHD_add_response_header(r, MHD_HTTP_HEADER_VARY,
	    "Accept, Accept-Encoding");
	vx_webcfg_add_headers(h->opts.web, r);
	ret = MHD_queue_response(c, MHD_HTTP_OK, r);
	MHD_destroy_response(r);
	return ret;
}

static enum vx_format
negotiate(struct MHD_Connection *c)
{
	const char *accept = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_ACCEPT);

	return vx_http_wants_openmetrics(accept) ? VX_FMT_OPENMETRICS :
	    VX_FMT_TEXT;
}

static void
fill_self(const struct vx_http *h, size_t ndevices, struct vx_selfstats *self)
{
	memset(self, 0, sizeof(*self));
	self->version = h->opts.version;
	self->revision = h->opts.revision;
	self->compiler = __VERSION__;
	self->ndevices = ndevices;
	vx_runtime_reload_status(h->rt, &self->reload_ok,
	    &self->reload_success_ms);
	vx_process_stats_read(&self->proc);
}

static enum MHD_Result
serve_metrics(const struct vx_http *h, struct MHD_Connection *c)
{
	struct vx_devtable	 *t = vx_runtime_table(h->rt);
	struct vx_snapshot	**snaps;
	struct vx_spi_check	 *checks = NULL;
	struct vx_selfstats	  self;
	struct vx_strbuf	  sb;
	enum vx_format		  fmt = negotiate(c);
	size_t			  ndev = t != NULL ? t->n : 0, nchecks = 0;

	snaps = calloc(ndev + 1, sizeof(*snaps));
	if (snaps == NULL) {
		vx_devtable_unref(t);
		return send_text(h, c, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "out of memory\n");
	}
	for (size_t i = 0; i < ndev; i++) {
		struct vx_device *d = t->devs[i];

		if (d->cfg.background)
			snaps[i] = vx_device_latest(d, 2 * d->cfg.interval_ms +
			    d->cfg.timeout_ms);
	}
	if (t != NULL)
		checks = vx_runtime_spi_checks(h->rt, t, snaps, &nchecks);
	fill_self(h, ndev, &self);
	vx_strbuf_init(&sb, 64 * 1024);
	vx_render_ex(&sb, fmt, snaps, ndev, checks, nchecks, &self);
	free(checks);
	for (size_t i = 0; i < ndev; i++)
		vx_snapshot_unref(snaps[i]);
	free(snaps);
	vx_devtable_unref(t);
	return send_exposition(h, c, &sb, fmt);
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

/* One device's metrics, with the SPI agreement of its paired tunnels. */
static void
probe_render(const struct vx_http *h, const struct vx_devtable *t,
    const struct vx_device *d, struct vx_snapshot *snap, enum vx_format fmt,
    struct vx_strbuf *sb)
{
	struct vx_snapshot	**snaps = calloc(t->n + 1, sizeof(*snaps));
	struct vx_spi_check	 *checks = NULL;
	size_t			  nchecks = 0;

	for (size_t i = 0; snaps != NULL && i < t->n; i++) {
		if (t->devs[i] == d)
			snaps[i] = snap;
	}
	if (snaps != NULL)
		checks = vx_runtime_spi_checks(h->rt, t, snaps, &nchecks);
	vx_render_ex(sb, fmt, &snap, 1, checks, nchecks, NULL);
	free(checks);
	free(snaps);
}

static enum MHD_Result
serve_probe(const struct vx_http *h, struct MHD_Connection *c)
{
	const char		*target = MHD_lookup_connection_value(c,
				    MHD_GET_ARGUMENT_KIND, "target");
	struct vx_devtable	*t;
	struct vx_device	*d;
	struct vx_snapshot	*snap;
	struct vx_strbuf	 sb;
	enum vx_format		 fmt = negotiate(c);
	int64_t			 budget;

	if (target == NULL || target[0] == '\0')
		return send_text(h, c, MHD_HTTP_BAD_REQUEST,
		    "missing 'target' parameter (a device name from the "
		    "configuration)\n");
	t = vx_runtime_table(h->rt);
	d = t != NULL ? vx_devtable_find(t, target) : NULL;
	if (d == NULL) {
		vx_devtable_unref(t);
		return send_text(h, c, MHD_HTTP_BAD_REQUEST, "unknown target "
		    "'%s': not a device in the configuration\n", target);
	}
	vx_device_ref(d);
	budget = probe_budget_ms(h, c, d->cfg.timeout_ms);
	snap = vx_device_collect(d, vx_deadline_in(budget));
	vx_device_unref(d);
	if (snap == NULL) {
		vx_devtable_unref(t);
		return send_text(h, c, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "target '%s' could not be collected within %lldms\n",
		    target, (long long)budget);
	}
	vx_strbuf_init(&sb, 16 * 1024);
	probe_render(h, t, d, snap, fmt, &sb);
	vx_devtable_unref(t);
	vx_snapshot_unref(snap);
	return send_exposition(h, c, &sb, fmt);
}

static enum MHD_Result
serve_reload(const struct vx_http *h, struct MHD_Connection *c)
{
	struct vx_strbuf	errs;
	enum MHD_Result		ret;

	vx_strbuf_init(&errs, 256);
	vx_log_info("reload requested over HTTP");
	if (vx_runtime_reload(h->rt, &errs))
		ret = send_text(h, c, MHD_HTTP_OK, "configuration reloaded\n");
	else
		ret = send_text(h, c, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "failed to reload the configuration; the previous one "
		    "keeps running:\n%s", errs.buf);
	vx_strbuf_release(&errs);
	return ret;
}

static enum MHD_Result
serve_landing(const struct vx_http *h, struct MHD_Connection *c)
{
	struct vx_strbuf	sb;
	size_t			len;
	char			*buf;

	vx_strbuf_init(&sb, 8192);
	vx_landing_render(&sb, h->rt, h->opts.metrics_path, h->opts.version);
	buf = vx_strbuf_detach(&sb, &len);
	return send_buffer(h, c, MHD_HTTP_OK, "text/html; charset=utf-8", buf,
	    len);
}

static enum MHD_Result
method_not_allowed(const struct vx_http *h, struct MHD_Connection *c,
    const char *allow)
{
	struct MHD_Response	*r;
	enum MHD_Result		 ret;
	static const char	 body[] = "method not allowed\n";

	r = MHD_create_response_from_buffer(sizeof(body) - 1,
	    (void *)(uintptr_t)body, MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return MHD_NO;
	MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, allow);
	vx_webcfg_add_headers(h->opts.web, r);
	ret = MHD_queue_response(c, MHD_HTTP_METHOD_NOT_ALLOWED, r);
	MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload_data,
    size_t *upload_data_size, void **con_cls)
{
	struct vx_http	*h = cls;
	struct request	*req = *con_cls;
	bool		 get = strcmp(method, MHD_HTTP_METHOD_GET) == 0 ||
			    strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
	bool		 post = strcmp(method, MHD_HTTP_METHOD_POST) == 0 ||
			    strcmp(method, MHD_HTTP_METHOD_PUT) == 0;

	(void)version;
	(void)upload_data;
	if (req == NULL) {
		enum MHD_Result ret;

		req = calloc(1, sizeof(*req));
		if (req == NULL)
			return MHD_NO;
		*con_cls = req;
		if (!vx_webcfg_check(h->opts.web, c, &ret))
			return ret;
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		*upload_data_size = 0;	/* bodies are not used */
		return MHD_YES;
	}
	if (strcmp(url, "/-/reload") == 0)
		return post ? serve_reload(h, c) :
		    method_not_allowed(h, c, "POST, PUT");
	if (!get)
		return method_not_allowed(h, c, "GET, HEAD");
	if (strcmp(url, h->opts.metrics_path) == 0)
		return serve_metrics(h, c);
	if (strcmp(url, "/probe") == 0)
		return serve_probe(h, c);
	if (strcmp(url, "/") == 0)
		return serve_landing(h, c);
	if (vx_status_path(url))
		return vx_status_http(c, url, h->rt, h->opts.web);
	if (strcmp(url, "/-/healthy") == 0)
		return send_text(h, c, MHD_HTTP_OK, "Healthy\n");
	if (strcmp(url, "/-/ready") == 0)
		return send_text(h, c, MHD_HTTP_OK, "Ready\n");
	return send_text(h, c, MHD_HTTP_NOT_FOUND, "not found; see / for the "
	    "endpoints\n");
}

static void
completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	(void)cls;
	(void)c;
	(void)toe;
	free(*con_cls);
	*con_cls = NULL;
}

static void mhd_log(void *, const char *, va_list)
    __attribute__((format(printf, 2, 0)));

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	msg[strcspn(msg, "\n")] = '\0';
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

struct vx_http *
vx_http_start(const struct vx_http_opts *opts, struct vx_runtime *rt,
    struct vx_err *err)
{
	struct vx_http		*h;
	char			 host[256], port[16];
	struct addrinfo		 hints, *ai = NULL;
	struct MHD_OptionItem	 tls[16];
	unsigned int		 flags = MHD_USE_THREAD_PER_CONNECTION |
				    MHD_USE_INTERNAL_POLLING_THREAD |
				    MHD_USE_ERROR_LOG;
	size_t			 ntls;
	uint64_t		 portnum;
	int			 rc;

	if (!split_listen(opts->listen, host, sizeof(host), port,
	    sizeof(port)) || !vx_parse_u64(port, strlen(port), &portnum) ||
	    portnum > 65535) {
		vx_err_set(err, VX_E_CONFIG, "invalid listen address '%s' "
		    "(use host:port, [ipv6]:port or :port)", opts->listen);
		return NULL;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	rc = getaddrinfo(host[0] != '\0' ? host : NULL, port, &hints, &ai);
	if (rc != 0) {
		vx_err_set(err, VX_E_CONFIG, "invalid listen address '%s': %s",
		    opts->listen, gai_strerror(rc));
		return NULL;
	}
	h = calloc(1, sizeof(*h));
	if (h == NULL) {
		freeaddrinfo(ai);
		vx_err_set(err, VX_E_NOMEM, "out of memory");
		return NULL;
	}
	h->opts = *opts;
	h->rt = rt;
	ntls = vx_webcfg_mhd_options(opts->web, &flags, tls,
	    sizeof(tls) / sizeof(tls[0]) - 2);
	if (host[0] != '\0') {
		/* An explicit address; an empty host means every address. */
		tls[ntls].option = MHD_OPTION_SOCK_ADDR;
		tls[ntls].value = 0;
		tls[ntls].ptr_value = ai->ai_addr;
		ntls++;
		if (ai->ai_family == AF_INET6)
			flags |= MHD_USE_IPv6;
	} else {
		flags |= MHD_USE_DUAL_STACK;
	}
	tls[ntls].option = MHD_OPTION_END;
	tls[ntls].value = 0;
	tls[ntls].ptr_value = NULL;
	h->daemon = MHD_start_daemon(flags, (uint16_t)portnum, NULL, NULL,
	    handle, h,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)CONNECTION_LIMIT,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)CONNECTION_TIMEOUT_S,
	    MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, NULL,
	    MHD_OPTION_ARRAY, tls,
	    MHD_OPTION_END);
	freeaddrinfo(ai);
	if (h->daemon == NULL) {
		vx_err_set(err, VX_E_CONNECT, "cannot listen on %s (address in "
		    "use, or not a local address?)", opts->listen);
		free(h);
		return NULL;
	}
	return h;
}

void
vx_http_stop(struct vx_http *h)
{
	if (h == NULL)
		return;
	MHD_stop_daemon(h->daemon);
	free(h);
}
