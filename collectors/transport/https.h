#ifndef VX_TRANSPORT_HTTPS_H
#define VX_TRANSPORT_HTTPS_H

/*
 * HTTPS requests to one device's API (libcurl), for the PAN-OS XML API
 * and whatever REST API comes next.  One struct vx_https is one device:
 * its curl handles (one per request allowed in flight, one by default)
 * and their connections are kept between polls, so a poll costs no TLS
 * handshake.  No parsing happens here: a request gives back the HTTP
 * status, the Content-Type and the body.
 *
 *  - https only: no other scheme, no redirects followed;
 *  - TLS verified by default, against ca_file or the system's CAs; the
 *    certificate checks are skipped only with insecure (the collector
 *    logs a warning when it is configured);
 *  - every request ends by the caller's deadline (CURLOPT_TIMEOUT_MS from
 *    what is left of the poll budget), without signals (NOSIGNAL);
 *  - a body larger than max_response bytes (decoded) is refused;
 *  - headers and POST bodies are the caller's: secrets go there, never in
 *    the path; or Basic authentication (username, password) set here.  Nothing here logs, and error messages name the host and
 *    the failure, never a header, a body or the path's query.
 *
 * Errors of a request (negative vx_errcode in req->rc, details in
 * req->err):
 *   VX_E_CONNECT   name resolution, connection refused, TLS handshake
 *   VX_E_HOSTKEY   the certificate did not verify (chain or host name)
 *   VX_E_TIMEOUT   the deadline passed (or was too close to start)
 *   VX_E_PROTOCOL  the connection broke, the reply was too large or not
 *                  HTTP
 *   VX_E_CONFIG    ca_file cannot be used
 * An HTTP status is not an error here: 403 comes back as status 403.
 *
 * Thread safety: one struct vx_https is used by one thread at a time.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clock.h"
#include "err.h"
#include "strbuf.h"

#define VX_HTTPS_MAX_RESPONSE	(16 * 1024 * 1024)
#define VX_HTTPS_MAX_PARALLEL	16

/*
 * Connection parameters.  vx_https_new copies the struct but not the
 * strings: they must stay valid until vx_https_free.
 */
struct vx_https_params {
	const char	*address;	/* host name or IP address */
	unsigned	 port;		/* 0 means 443 */
	const char	*ca_file;	/* NULL: the system's CAs */
	bool		 insecure;	/* skip certificate verification */
	size_t		 max_response;	/* bytes; 0: VX_HTTPS_MAX_RESPONSE */
	unsigned	 max_parallel;	/* in flight at once; 0: 1 */
	/*
	 * HTTP Basic authentication on every request (libcurl builds the
	 * header), or NULL: none.  Never in a URL, a log or a message.
	 */
	const char	*username;
	const char	*password;
};

/* One request and, after vx_https_run, its outcome. */
struct vx_https_req {
	/* In. */
	const char		*path;	/* "/api/?type=op&cmd=...", escaped */
	const char		*post;	/* form body; NULL for a GET */
	const char		*header; /* one extra header line, or NULL */
	/* Out. */
	bool			 started;	/* sent (else rc is TIMEOUT) */
	int			 rc;		/* 0 or a negative vx_errcode */
	struct vx_err		 err;
	long			 status;	/* HTTP status; 0 if none */
	char			 content_type[64];
	struct vx_strbuf	 body;	/* initialised by vx_https_run */
	int64_t			 ms;	/* how long it took */
};

/*
 * Initialises libcurl once per process (curl_global_init), and says
 * whether its TLS can work.  Returns true, or false with the reason in
 * msg.  Collectors call it when configured, at start.
 */
bool		 vx_https_global_init(char *msg, size_t size);

/* A new device, not connected yet; NULL on out-of-memory. */
struct vx_https	*vx_https_new(const struct vx_https_params *p);
/* Closes the connections and frees h; h may be NULL. */
void		 vx_https_free(struct vx_https *h);
/* Closes the connections; the next request connects again. */
void		 vx_https_close(struct vx_https *h);

/*
 * Runs *reqs[0..n), at most max_parallel at a time, in order of start, all
 * before deadline.  A request is not started when less than min_left_ms
 * is left of the deadline (started false, rc -VX_E_TIMEOUT), so a caller
 * can leave optional requests for the next poll.  Fills every request's
 * outcome (req->body is initialised here and must be released by the
 * caller with vx_https_req_release).  Returns 0 if every started request
 * got an HTTP reply, else the rc of the first that did not.
 */
int		 vx_https_run(struct vx_https *h,
		    struct vx_https_req *const *reqs, size_t n,
		    int64_t min_left_ms, struct vx_deadline deadline);
/* Releases a request's body (wiped first: it may hold a secret). */
void		 vx_https_req_release(struct vx_https_req *r);

/*
 * Appends s to out, percent-encoded for a query string or a form body
 * (curl_easy_escape).  Returns false on out-of-memory.
 */
bool		 vx_https_escape(struct vx_strbuf *out, const char *s);

/* New connections opened so far (TLS handshakes), for tests and benches. */
unsigned long	 vx_https_connects(const struct vx_https *h);

#endif
