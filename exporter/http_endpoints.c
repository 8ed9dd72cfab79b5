/*
 * The work behind each endpoint, on a worker thread: render, compress,
 * poll a device, reload.  The result is a struct reply that the event
 * loop sends.
 */
#include "http_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"
#include "gzip.h"
#include "landing.h"
#include "log.h"
#include "process.h"
#include "status_http.h"

#define GZIP_MIN_BYTES	512
#define TEXT_CTYPE	"text/plain; charset=utf-8"

void
http_reply_text(struct reply *rp, unsigned int status, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	free(rp->body);
	memset(rp, 0, sizeof(*rp));
	rp->status = status;
	rp->ctype = TEXT_CTYPE;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || (rp->body = malloc((size_t)n + 1)) == NULL) {
		rp->status = MHD_HTTP_INTERNAL_SERVER_ERROR;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(rp->body, (size_t)n + 1, fmt, ap);
	va_end(ap);
	rp->len = (size_t)n;
}

/*
 * An answer is held until the client has read it, and a thousand of them
 * may wait at once: give back what the buffer has beyond its length (a
 * doubling strbuf's slack, or deflateBound()'s worst case, which is the
 * size of the input).
 */
static char *
shrink(char *buf, size_t len)
{
	char *p = realloc(buf, len > 0 ? len : 1);

	return p != NULL ? p : buf;
}

/*
 * An exposition in the negotiated format, gzip'd if the client allows
 * (gzipped: sb holds the compressed body already).
 */
static void
reply_exposition(struct request *rq, struct vx_strbuf *sb, bool gzipped)
{
	struct reply	*rp = &rq->reply;
	size_t		 len;
	char		*buf;

	if (sb->failed) {
		vx_strbuf_release(sb);
		http_reply_text(rp, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "out of memory rendering metrics\n");
		return;
	}
	buf = vx_strbuf_detach(sb, &len);
	free(rp->body);
	memset(rp, 0, sizeof(*rp));
	rp->status = MHD_HTTP_OK;
	rp->ctype = vx_format_content_type(rq->fmt);
	rp->vary = true;
	rp->gzip = gzipped;
	if (!gzipped && len >= GZIP_MIN_BYTES && rq->gzip_ok) {
		size_t	 zlen;
		char	*z = vx_gzip(buf, len, &zlen);

		if (z != NULL) {
			free(buf);
			buf = z;
			len = zlen;
			rp->gzip = true;
		}
	}
	rp->body = shrink(buf, len);
	rp->len = len;
}

static void
fill_self(struct vx_http *h, size_t ndevices, struct vx_selfstats *self)
{
	struct vx_cpu_gate_stats gate;

	memset(self, 0, sizeof(*self));
	self->version = h->opts.version;
	self->revision = h->opts.revision;
	self->compiler = __VERSION__;
	self->ndevices = ndevices;
	self->nprobe_targets = vx_runtime_probe_targets(h->rt);
	vx_runtime_reload_status(h->rt, &self->reload_ok,
	    &self->reload_success_ms);
	vx_runtime_syslog_stats(h->rt, &self->syslog);
	vx_process_stats_read(&self->proc);
	vx_conns_stats(&h->conns, &self->http);
	vx_cpu_gate_stats(h->probe_cpu, &gate);
	self->http.probe_cpu_wait_ns = gate.wait_ns;
}

static void
serve_metrics(struct vx_http *h, struct request *rq)
{
	struct vx_devtable	 *t = vx_runtime_table(h->rt);
	struct vx_snapshot	**snaps;
	struct vx_spi_check	 *checks = NULL;
	struct vx_selfstats	  self;
	struct vx_strbuf	  sb;
	size_t			  ndev = t != NULL ? t->n : 0, nchecks = 0;

	snaps = calloc(ndev + 1, sizeof(*snaps));
	if (snaps == NULL) {
		vx_devtable_unref(t);
		http_reply_text(&rq->reply, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "out of memory\n");
		return;
	}
	for (size_t i = 0; i < ndev; i++) {
		struct vx_device *d = t->devs[i];

		if (d->cfg.background)
			snaps[i] = vx_device_latest(d, vx_device_max_age_ms(d));
	}
	if (t != NULL)
		checks = vx_runtime_spi_checks(h->rt, t, snaps, &nchecks);
	fill_self(h, ndev, &self);
	vx_strbuf_init(&sb, 64 * 1024);
	/* Compressed samples are cached per snapshot (core/render.h). */
	if (rq->gzip_ok)
		vx_render_gzip(&sb, rq->fmt, snaps, ndev, checks, nchecks,
		    &self);
	else
		vx_render_ex(&sb, rq->fmt, snaps, ndev, checks, nchecks,
		    &self);
	free(checks);
	for (size_t i = 0; i < ndev; i++)
		vx_snapshot_unref(snaps[i]);
	free(snaps);
	vx_devtable_unref(t);
	reply_exposition(rq, &sb, rq->gzip_ok);
}

/*
 * The device now (or the collection in flight): rq->snap, or an error.
 * On the probe pool, whose threads get the CPU last: what follows the poll
 * (the device's history, the old snapshot freed) is left to the render
 * pool, as a poll of its own would otherwise end, then wait for the CPU
 * behind every other poll before its answer could be rendered.
 */
static bool
probe_poll(struct request *rq)
{
	struct vx_device	*d = rq->dev;
	bool			 fresh;

	/* The first request first, where polls wait for the CPU. */
	vx_cpu_gate_join(rq->l->h->probe_cpu, rq->ticket);
	rq->snap = vx_device_poll(d, vx_deadline_in(rq->budget_ms), &fresh);
	vx_cpu_gate_join(NULL, 0);
	rq->unpublished = fresh;
	if (rq->snap == NULL) {
		http_probe_publish(rq);
		http_reply_text(&rq->reply, MHD_HTTP_SERVICE_UNAVAILABLE,
		    "target \"%s\" could not be collected within %lldms\n",
		    d->cfg.name, (long long)rq->budget_ms);
		return false;
	}
	rq->route = ROUTE_PROBE_RENDER;
	return true;
}

void
http_probe_publish(struct request *rq)
{
	if (!rq->unpublished)
		return;
	rq->unpublished = false;
	rq->snap = vx_device_publish(rq->dev, rq->snap);
}

/*
 * /probe of an address: its device, made or found in the cache, then
 * polled like a configured one (HEAD: its latest poll only).
 */
static bool
probe_adhoc(struct vx_http *h, struct request *rq)
{
	struct vx_strbuf why;

	vx_strbuf_init(&why, 256);
	rq->dev = vx_runtime_adhoc(h->rt, rq->fleet, rq->addr, rq->module,
	    rq->auth, &why);
	if (rq->dev == NULL) {
		http_reply_text(&rq->reply, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "cannot configure target \"%s\" with module \"%s\": %s\n",
		    rq->addr, rq->module, why.failed ? "out of memory" :
		    why.buf);
		vx_strbuf_release(&why);
		return false;
	}
	vx_strbuf_release(&why);
	if (rq->budget_ms > rq->dev->cfg.timeout_ms)
		rq->budget_ms = rq->dev->cfg.timeout_ms;
	if (rq->head) {
		rq->route = ROUTE_PROBE_LATEST;
		return true;
	}
	return probe_poll(rq);
}

static void
serve_sd(struct vx_http *h, struct request *rq)
{
	struct vx_devtable	*t = vx_runtime_table(h->rt);
	struct reply		*rp = &rq->reply;
	struct vx_strbuf	 sb;
	size_t			 len;

	vx_strbuf_init(&sb, 4096);
	http_sd_render(&sb, t);
	vx_devtable_unref(t);
	if (sb.failed) {
		vx_strbuf_release(&sb);
		http_reply_text(rp, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "out of memory\n");
		return;
	}
	free(rp->body);
	memset(rp, 0, sizeof(*rp));
	rp->status = MHD_HTTP_OK;
	rp->ctype = "application/json";
	rp->body = vx_strbuf_detach(&sb, &len);
	rp->len = len;
}

/*
 * One device's metrics, with the SPI agreement of its paired tunnels;
 * compressed as it is rendered for a client that takes gzip (Prometheus
 * does), which costs less than half of rendering the text and then
 * compressing it (bench/render_bench.c).
 */
static void
serve_probe(struct vx_http *h, struct request *rq)
{
	struct vx_device	*d = rq->dev;
	struct vx_devtable	*t = vx_runtime_table(h->rt);
	struct vx_spi_check	*checks;
	struct vx_snapshot	*snap;
	struct vx_strbuf	 sb;
	size_t			 nchecks = 0;

	http_probe_publish(rq);
	if (rq->snap == NULL)
		rq->snap = vx_device_latest(d, d->cfg.background ?
		    vx_device_max_age_ms(d) : 0);
	snap = rq->snap;
	checks = vx_runtime_spi_checks_one(h->rt, t, d, snap, &nchecks);
	/* The text of a 100-tunnel device is about 300 KB. */
	vx_strbuf_init(&sb, rq->gzip_ok || snap == NULL ? 16 * 1024 :
	    4096 + 3072 * snap->ntunnels);
	if (rq->gzip_ok)
		vx_render_gzip(&sb, rq->fmt, &snap, snap != NULL, checks,
		    nchecks, NULL);
	else
		vx_render_ex(&sb, rq->fmt, &snap, snap != NULL, checks,
		    nchecks, NULL);
	free(checks);
	vx_devtable_unref(t);
	reply_exposition(rq, &sb, rq->gzip_ok);
}

static void
serve_reload(struct vx_http *h, struct request *rq)
{
	struct vx_strbuf errs;

	vx_strbuf_init(&errs, 256);
	vx_log_info("reload requested over HTTP");
	if (vx_http_reload(h, &errs))
		http_reply_text(&rq->reply, MHD_HTTP_OK,
		    "configuration reloaded\n");
	else
		http_reply_text(&rq->reply, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "failed to reload the configuration; the previous one "
		    "keeps running:\n%s", errs.failed ? "" : errs.buf);
	vx_strbuf_release(&errs);
}

/* A rendered page as the reply: sb's text, its status and type. */
static void
reply_page(struct reply *rp, unsigned int status, const char *ctype,
    struct vx_strbuf *sb)
{
	size_t	 len;
	char	*body = vx_strbuf_detach(sb, &len);

	free(rp->body);
	memset(rp, 0, sizeof(*rp));
	rp->status = status;
	rp->ctype = ctype;
	rp->body = shrink(body, len);
	rp->len = len;
}

static void
serve_landing(struct vx_http *h, struct request *rq)
{
	struct vx_strbuf sb;

	vx_strbuf_init(&sb, 8192);
	vx_landing_render(&sb, h->rt, h->opts.metrics_path, h->opts.version);
	if (sb.failed) {
		vx_strbuf_release(&sb);
		http_reply_text(&rq->reply, MHD_HTTP_INTERNAL_SERVER_ERROR,
		    "out of memory\n");
		return;
	}
	reply_page(&rq->reply, MHD_HTTP_OK, "text/html; charset=utf-8", &sb);
}

static void
serve_status(struct vx_http *h, struct request *rq)
{
	struct vx_strbuf	 sb;
	const char		*ctype;
	unsigned int		 status;

	vx_strbuf_init(&sb, 64 * 1024);
	status = vx_status_http_render(h->rt, rq->status_json, &rq->status_q,
	    &sb, &ctype);
	reply_page(&rq->reply, status, ctype, &sb);
}

bool
http_serve(struct vx_http *h, struct request *rq)
{
	switch (rq->route) {
	case ROUTE_METRICS:
		serve_metrics(h, rq);
		break;
	case ROUTE_LANDING:
		serve_landing(h, rq);
		break;
	case ROUTE_RELOAD:
		serve_reload(h, rq);
		break;
	case ROUTE_STATUS:
		serve_status(h, rq);
		break;
	case ROUTE_PROBE_POLL:
		return probe_poll(rq);
	case ROUTE_PROBE_ADHOC:
		return probe_adhoc(h, rq);
	case ROUTE_SD:
		serve_sd(h, rq);
		break;
	case ROUTE_PROBE_RENDER:
	case ROUTE_PROBE_LATEST:
		serve_probe(h, rq);
		break;
	}
	return false;
}
