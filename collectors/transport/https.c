/*
 * HTTPS transport over libcurl: a multi handle and a small pool of easy
 * handles per device, kept between polls with their connections.
 */
#include "https.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "banned.h"
#include "cpu_gate.h"

/* Time given to connect, at most: the rest is the reply's. */
#define CONNECT_MS_MAX	10000

struct easy {
	CURL			*curl;
	size_t			 max;		/* body bytes allowed */
	bool			 too_large;
	struct vx_https_req	*req;		/* NULL: free */
	struct curl_slist	*headers;
	int64_t			 t0;
	char			 errbuf[CURL_ERROR_SIZE];
};

struct vx_https {
	struct vx_https_params	 p;
	char			 base[320];	/* "https://host:port" */
	CURLM			*multi;
	struct easy		 easy[VX_HTTPS_MAX_PARALLEL];
	unsigned		 neasy;
	unsigned long		 connects;
};

static pthread_once_t	 global_once = PTHREAD_ONCE_INIT;
static CURLcode		 global_rc;

static void
global_init(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

bool
vx_https_global_init(char *msg, size_t size)
{
	const curl_version_info_data *v;

	pthread_once(&global_once, global_init);
	if (global_rc != CURLE_OK) {
		snprintf(msg, size, "libcurl failed to initialise: %s",
		    curl_easy_strerror(global_rc));
		return false;
	}
	v = curl_version_info(CURLVERSION_NOW);
	if (v == NULL || !(v->features & CURL_VERSION_SSL)) {
		snprintf(msg, size, "libcurl was built without TLS");
		return false;
	}
	return true;
}

struct vx_https *
vx_https_new(const struct vx_https_params *p)
{
	struct vx_https	*h = calloc(1, sizeof(*h));
	bool		 v6;

	if (h == NULL)
		return NULL;
	h->p = *p;
	if (h->p.port == 0)
		h->p.port = 443;
	if (h->p.max_response == 0)
		h->p.max_response = VX_HTTPS_MAX_RESPONSE;
	h->neasy = h->p.max_parallel == 0 ? 1 : h->p.max_parallel;
	if (h->neasy > VX_HTTPS_MAX_PARALLEL)
		h->neasy = VX_HTTPS_MAX_PARALLEL;
	v6 = strchr(p->address, ':') != NULL;
	snprintf(h->base, sizeof(h->base), "https://%s%.255s%s:%u",
	    v6 ? "[" : "", p->address, v6 ? "]" : "", h->p.port);
	return h;
}

void
vx_https_close(struct vx_https *h)
{
	if (h == NULL)
		return;
	for (unsigned i = 0; i < h->neasy; i++) {
		if (h->easy[i].curl != NULL) {
			if (h->multi != NULL && h->easy[i].req != NULL)
				curl_multi_remove_handle(h->multi,
				    h->easy[i].curl);
			curl_easy_cleanup(h->easy[i].curl);
			h->easy[i].curl = NULL;
		}
		curl_slist_free_all(h->easy[i].headers);
		h->easy[i].headers = NULL;
		h->easy[i].req = NULL;
	}
	if (h->multi != NULL) {
		curl_multi_cleanup(h->multi);
		h->multi = NULL;
	}
}

void
vx_https_free(struct vx_https *h)
{
	if (h == NULL)
		return;
	vx_https_close(h);
	free(h);
}

unsigned long
vx_https_connects(const struct vx_https *h)
{
	return h->connects;
}

static size_t
on_body(char *data, size_t size, size_t nmemb, void *arg)
{
	struct easy		*e = arg;
	struct vx_https_req	*r = e->req;
	size_t			 n = size * nmemb;

	if (n > e->max - r->body.len) {
		e->too_large = true;
		return 0;	/* curl ends the transfer: CURLE_WRITE_ERROR */
	}
	vx_strbuf_add(&r->body, data, n);
	return r->body.failed ? 0 : n;
}

/* Keeps the Content-Type of the reply (a header callback). */
static size_t
on_header(char *data, size_t size, size_t nmemb, void *arg)
{
	struct easy	*e = arg;
	size_t		 n = size * nmemb, len;
	static const char ct[] = "content-type:";

	if (n > sizeof(ct) && strncasecmp(data, ct, sizeof(ct) - 1) == 0) {
		const char *v = data + sizeof(ct) - 1;

		len = n - (sizeof(ct) - 1);
		while (len > 0 && (*v == ' ' || *v == '\t')) {
			v++;
			len--;
		}
		while (len > 0 && (v[len - 1] == '\r' || v[len - 1] == '\n' ||
		    v[len - 1] == ' '))
			len--;
		if (len >= sizeof(e->req->content_type))
			len = sizeof(e->req->content_type) - 1;
		memcpy(e->req->content_type, v, len);
		e->req->content_type[len] = '\0';
	}
	return n;
}

static CURL *
easy_new(struct vx_https *h, struct easy *e)
{
	CURL *c = curl_easy_init();

	if (c == NULL)
		return NULL;
	e->max = h->p.max_response;
	/* Only https, and no redirect is followed anyway. */
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "https");
#else
	curl_easy_setopt(c, CURLOPT_PROTOCOLS, (long)CURLPROTO_HTTPS);
	curl_easy_setopt(c, CURLOPT_REDIR_PROTOCOLS, (long)CURLPROTO_HTTPS);
#endif
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_NOPROGRESS, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, e);
	curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(c, CURLOPT_HEADERDATA, e);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, e->errbuf);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "vpn_exporter");
	curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(c, CURLOPT_MAXFILESIZE_LARGE,
	    (curl_off_t)h->p.max_response);
	curl_easy_setopt(c, CURLOPT_TCP_KEEPALIVE, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, h->p.insecure ? 0L : 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, h->p.insecure ? 0L : 2L);
	if (h->p.ca_file != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, h->p.ca_file);
	if (h->p.username != NULL) {
		curl_easy_setopt(c, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(c, CURLOPT_USERNAME, h->p.username);
		curl_easy_setopt(c, CURLOPT_PASSWORD, h->p.password != NULL ?
		    h->p.password : "");
	}
	return c;
}

static bool
pool_ready(struct vx_https *h)
{
	if (h->multi == NULL) {
		h->multi = curl_multi_init();
		if (h->multi == NULL)
			return false;
		curl_multi_setopt(h->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS,
		    (long)h->neasy);
	}
	for (unsigned i = 0; i < h->neasy; i++) {
		if (h->easy[i].curl == NULL &&
		    (h->easy[i].curl = easy_new(h, &h->easy[i])) == NULL)
			return false;
	}
	return true;
}

/* Sets up and adds the transfer of r on e; false on out-of-memory. */
static bool
start(struct vx_https *h, struct easy *e, struct vx_https_req *r,
    struct vx_deadline deadline)
{
	struct vx_strbuf	url;
	int64_t			left = vx_deadline_left_ms(deadline);
	bool			ok;

	e->req = r;
	e->too_large = false;
	e->errbuf[0] = '\0';
	e->t0 = vx_now_mono_ms();
	r->started = true;
	vx_strbuf_init(&url, 256);
	vx_strbuf_addstr(&url, h->base);
	vx_strbuf_addstr(&url, r->path);
	curl_slist_free_all(e->headers);
	e->headers = NULL;
	if (r->header != NULL)
		e->headers = curl_slist_append(NULL, r->header);
	ok = !url.failed && (r->header == NULL || e->headers != NULL);
	if (ok) {
		curl_easy_setopt(e->curl, CURLOPT_URL, url.buf);
		curl_easy_setopt(e->curl, CURLOPT_HTTPHEADER, e->headers);
		if (r->post != NULL) {
			curl_easy_setopt(e->curl, CURLOPT_POSTFIELDSIZE,
			    (long)strlen(r->post));
			curl_easy_setopt(e->curl, CURLOPT_POSTFIELDS, r->post);
		} else {
			curl_easy_setopt(e->curl, CURLOPT_HTTPGET, 1L);
		}
		curl_easy_setopt(e->curl, CURLOPT_TIMEOUT_MS,
		    (long)(left > 0 ? left : 1));
		curl_easy_setopt(e->curl, CURLOPT_CONNECTTIMEOUT_MS,
		    (long)(left > 0 && left < CONNECT_MS_MAX ? left :
		    CONNECT_MS_MAX));
		ok = curl_multi_add_handle(h->multi, e->curl) == CURLM_OK;
	}
	vx_strbuf_release(&url);
	if (!ok) {
		e->req = NULL;
		r->rc = vx_err_set(&r->err, VX_E_NOMEM, "out of memory");
	}
	return ok;
}

/* The outcome of a finished transfer as a vx_errcode. */
static int
outcome(struct vx_https *h, struct easy *e, CURLcode cc)
{
	struct vx_https_req	*r = e->req;
	const char		*why = e->errbuf[0] != '\0' ? e->errbuf :
				    curl_easy_strerror(cc);
	const char		*host = h->base + strlen("https://");

	switch (cc) {
	case CURLE_OK:
		return 0;
	case CURLE_OPERATION_TIMEDOUT:
		return vx_err_set(&r->err, VX_E_TIMEOUT, "no complete reply "
		    "from %s before the deadline (%s)", host, why);
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
		return vx_err_set(&r->err, VX_E_CONNECT, "cannot connect to "
		    "%s: %s", host, why);
	case CURLE_SSL_CONNECT_ERROR:
		return vx_err_set(&r->err, VX_E_CONNECT, "TLS handshake with "
		    "%s failed: %s", host, why);
	case CURLE_PEER_FAILED_VERIFICATION:
		return vx_err_set(&r->err, VX_E_HOSTKEY, "the TLS certificate "
		    "of %s did not verify: %s (set ca_file to the CA that "
		    "signed it)", host, why);
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
		return vx_err_set(&r->err, VX_E_CONFIG, "cannot use ca_file "
		    "'%s': %s", h->p.ca_file != NULL ? h->p.ca_file :
		    "(system)", why);
	case CURLE_WRITE_ERROR:
	case CURLE_FILESIZE_EXCEEDED:
		if (e->too_large || cc == CURLE_FILESIZE_EXCEEDED)
			return vx_err_set(&r->err, VX_E_PROTOCOL, "the reply "
			    "from %s is larger than %zu bytes", host,
			    h->p.max_response);
		if (r->body.failed)
			return vx_err_set(&r->err, VX_E_NOMEM,
			    "out of memory");
		break;
	default:
		break;
	}
	return vx_err_set(&r->err, VX_E_PROTOCOL, "%s: %s", host, why);
}

static void
finish(struct vx_https *h, struct easy *e, CURLcode cc)
{
	struct vx_https_req	*r = e->req;
	long			 n = 0;

	curl_easy_getinfo(e->curl, CURLINFO_RESPONSE_CODE, &r->status);
	if (curl_easy_getinfo(e->curl, CURLINFO_NUM_CONNECTS, &n) ==
	    CURLE_OK && n > 0)
		h->connects += (unsigned long)n;
	r->rc = outcome(h, e, cc);
	r->ms = vx_now_mono_ms() - e->t0;
	curl_multi_remove_handle(h->multi, e->curl);
	curl_slist_free_all(e->headers);
	e->headers = NULL;
	/* The body pointer must not outlive the caller's string. */
	curl_easy_setopt(e->curl, CURLOPT_POSTFIELDS, NULL);
	e->req = NULL;
}

static struct easy *
free_easy(struct vx_https *h)
{
	for (unsigned i = 0; i < h->neasy; i++) {
		if (h->easy[i].req == NULL)
			return &h->easy[i];
	}
	return NULL;
}

/* Abandons the transfers in flight at the deadline. */
static void
abandon(struct vx_https *h)
{
	for (unsigned i = 0; i < h->neasy; i++) {
		struct easy *e = &h->easy[i];

		if (e->req == NULL)
			continue;
		e->req->rc = vx_err_set(&e->req->err, VX_E_TIMEOUT, "no "
		    "complete reply from %s before the deadline",
		    h->base + strlen("https://"));
		e->req->ms = vx_now_mono_ms() - e->t0;
		curl_multi_remove_handle(h->multi, e->curl);
		curl_easy_setopt(e->curl, CURLOPT_POSTFIELDS, NULL);
		e->req = NULL;
	}
}

int
vx_https_run(struct vx_https *h, struct vx_https_req *const *reqs, size_t n,
    int64_t min_left_ms, struct vx_deadline deadline)
{
	size_t		next = 0;
	unsigned	active = 0;

	for (size_t i = 0; i < n; i++) {
		struct vx_https_req *r = reqs[i];

		vx_strbuf_init(&r->body, 0);
		vx_err_clear(&r->err);
		r->started = false;
		r->status = 0;
		r->content_type[0] = '\0';
		r->ms = 0;
		r->rc = vx_err_set(&r->err, VX_E_TIMEOUT, "not started: too "
		    "little time left before the deadline");
	}
	if (!pool_ready(h)) {
		for (size_t i = 0; i < n; i++)
			reqs[i]->rc = vx_err_set(&reqs[i]->err, VX_E_NOMEM,
			    "out of memory");
		return n > 0 ? reqs[0]->rc : 0;
	}
	/* TLS and the answers' bodies: the poll's CPU (core/cpu_gate.h). */
	vx_cpu_enter();
	while (next < n || active > 0) {
		struct easy	*e;
		CURLMsg		*m;
		int		 running, q;

		while (next < n && (e = free_easy(h)) != NULL &&
		    vx_deadline_left_ms(deadline) > min_left_ms) {
			if (start(h, e, reqs[next], deadline))
				active++;
			next++;
		}
		if (active == 0)
			break;
		curl_multi_perform(h->multi, &running);
		while ((m = curl_multi_info_read(h->multi, &q)) != NULL) {
			if (m->msg != CURLMSG_DONE)
				continue;
			for (unsigned i = 0; i < h->neasy; i++) {
				if (h->easy[i].curl == m->easy_handle &&
				    h->easy[i].req != NULL) {
					finish(h, &h->easy[i], m->data.result);
					active--;
					break;
				}
			}
		}
		if (active == 0)
			continue;
		if (vx_deadline_passed(deadline)) {
			abandon(h);
			/* Half-read connections cannot be reused. */
			vx_https_close(h);
			break;
		}
		vx_cpu_block_begin();
		curl_multi_poll(h->multi, NULL, 0, (int)(vx_deadline_left_ms(
		    deadline) < 1000 ? vx_deadline_left_ms(deadline) + 1 :
		    1000), NULL);
		vx_cpu_block_end();
	}
	vx_cpu_leave();
	for (size_t i = 0; i < n; i++) {
		if (reqs[i]->started && reqs[i]->rc != 0)
			return reqs[i]->rc;
	}
	return 0;
}

void
vx_https_req_release(struct vx_https_req *r)
{
	if (r->body.buf != NULL && r->body.alloc > 0)
		explicit_bzero(r->body.buf, r->body.alloc);
	vx_strbuf_release(&r->body);
}

bool
vx_https_escape(struct vx_strbuf *out, const char *s)
{
	char *e = curl_easy_escape(NULL, s, (int)strlen(s));

	if (e == NULL)
		return false;
	vx_strbuf_addstr(out, e);
	curl_free(e);
	return !out->failed;
}
