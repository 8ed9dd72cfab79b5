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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "log.h"
#include "memtrim.h"

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
	 * event loops run at the process's priority, bcrypt below it, and
	 * device polls for /probe on what is left (http_pool.h).
	 */
	h->render = vx_pool_new("render", ncpu > 2 ? (size_t)ncpu : 2,
	    VX_POOL_NORMAL);
	h->probe = vx_pool_new("probe", opts->probe_workers,
	    opts->probe_nice ? VX_POOL_NICE : VX_POOL_IDLE);
	/*
	 * Polls compute a few at a time, not a thousand all sharing the CPU
	 * (core/cpu_gate.h): twice the cores, so that a slot held by a
	 * thread that waits for a lock does not leave a core unused.
	 */
	h->probe_cpu = vx_cpu_gate_new(ncpu > 1 ? 2 * (unsigned)ncpu : 2);
	/* One bcrypt at a time, as the exporter-toolkit does. */
	h->auth = vx_pool_new("auth", 1, VX_POOL_NICE);
	if (h->render == NULL || h->probe == NULL || h->auth == NULL ||
	    h->probe_cpu == NULL) {
		vx_err_set(err, VX_E_NOMEM, "out of memory");
		vx_http_stop(h);
		return NULL;
	}
	/*
	 * A burst of /probe polls leaves freed memory in malloc's arenas
	 * (core/malloc_tune.c keeps it for the next burst); once no poll
	 * thread has had work for a while, the burst is over: give it back.
	 */
	vx_pool_on_empty(h->probe, vx_release_memory);
	h->listeners = http_listeners_start(h, err);
	if (h->listeners == NULL) {
		vx_http_stop(h);
		return NULL;
	}
	for (struct listener *l = h->listeners; l != NULL; l = l->next)
		vx_log_info("listening on %s%s", l->name,
		    vx_webcfg_tls(h->web->w) ? " (TLS)" : "");
	vx_log_info("http: at most %zu connections (half the descriptor "
	    "limit), %zu /probe polls at once (%s)", h->conns.hard,
	    opts->probe_workers, opts->probe_nice ? "at nice 10" :
	    "on the CPU time the rest of the exporter leaves");
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
		http_listener_quiesce(l);
	if (h->auth != NULL)
		vx_pool_stop(h->auth);
	if (h->render != NULL)
		vx_pool_stop(h->render);
	if (h->probe != NULL)
		vx_pool_stop(h->probe);
	while ((l = h->listeners) != NULL) {
		h->listeners = l->next;
		http_listener_free(l);
	}
	while ((l = h->retired) != NULL) {
		h->retired = l->next;
		http_listener_free(l);
	}
	vx_pool_free(h->auth);
	vx_pool_free(h->render);
	vx_pool_free(h->probe);
	vx_cpu_gate_free(h->probe_cpu);
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

static bool
reload_web(struct vx_http *h, struct vx_strbuf *errors)
{
	struct vx_cfg_errors	 errs = { NULL, 0, 0 };
	const char		*path = h->opts.web_config_file;
	struct vx_webcfg	*w;
	struct web_ref		*nw, *old;
	struct vx_err		 err;
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
	vx_err_clear(&err);
	if (!tls_same && !http_listeners_replace(h, nw, &err)) {
		add_error(errors, err.msg);
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
		http_listener_free(l);
	}
	pthread_mutex_unlock(&h->reload_lock);
}
