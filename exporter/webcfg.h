#ifndef VX_WEBCFG_H
#define VX_WEBCFG_H

/*
 * --web.config.file: TLS and basic authentication for the HTTP server, in
 * the file format of the Prometheus exporter-toolkit
 * (docs/web-configuration.md there):
 *
 *   tls_server_config:
 *     cert_file: server.pem           # or cert: <PEM text>
 *     key_file: server.key            # or key: <PEM text>
 *     client_auth_type: RequireAndVerifyClientCert
 *     client_ca_file: ca.pem          # or client_ca: <PEM text>
 *     client_allowed_sans: [scraper.example.net]
 *     min_version: TLS12              # TLS10 .. TLS13; default TLS12
 *     max_version: TLS13              # default TLS13
 *     cipher_suites: [TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256, ...]
 *     curve_preferences: [X25519, CurveP256]
 *     prefer_server_cipher_suites: true
 *   http_server_config:
 *     http2: true                     # accepted; libmicrohttpd has no HTTP/2
 *     headers: {X-Frame-Options: deny}
 *   basic_auth_users:
 *     alice: $2y$10$...               # bcrypt ($2a$, $2b$, $2y$)
 *
 * Relative paths are taken from the directory of the web config file.  The
 * whole file, and every certificate and key it names, is read and checked
 * by vx_webcfg_load(); the HTTP server loads it again on SIGHUP and
 * /-/reload (the exporter-toolkit re-reads it on each connection instead)
 * and keeps the running one if the new one has errors.
 *
 * Differences from the exporter-toolkit, all of them refusals with a
 * file:line:col error rather than a silent change of meaning:
 *   - client_auth_type other than NoClientCert needs a client CA
 *     (client_ca_file or client_ca): libmicrohttpd asks a client for a
 *     certificate only when it has a CA list.
 *   - GnuTLS chooses key exchange, cipher and MAC separately, so
 *     cipher_suites must be closed under that combination (listing
 *     ECDHE_RSA+AES_128_GCM and ECDHE_ECDSA+AES_256_GCM also allows
 *     ECDHE_RSA+AES_256_GCM: that suite must then be listed too).  The
 *     same cipher list applies to TLS 1.3, so with max_version TLS13 the
 *     list must contain a cipher TLS 1.3 can use.
 *   - A client certificate that fails client_auth_type is answered with
 *     403 after the handshake, not with a failed handshake.
 *   - rate_limit is not supported.
 * http2: true is accepted and has no effect (HTTP/1.1 only).
 *
 * Passwords, password hashes and private keys are never logged and never
 * appear in error messages.
 */

#include <stdbool.h>
#include <stddef.h>

#include <microhttpd.h>

#include "cfg.h"

struct vx_webcfg;

/* Enough room in vx_webcfg_mhd_options()' opts for every option it adds. */
#define VX_WEBCFG_MHD_OPTIONS_MAX	4

/*
 * Loads and checks the web config file at path, reading the certificate,
 * key and CA files it names.  Returns a new object (free with
 * vx_webcfg_free()), or NULL with every problem found recorded in errs as
 * "file:line:col: message".  Thread-safe; logs only a warning when users
 * have different bcrypt costs (see vx_webcfg_verify()).
 */
struct vx_webcfg *vx_webcfg_load(const char *path,
	    struct vx_cfg_errors *errs);

/*
 * Frees w and wipes the private key and password hashes it holds.  w may
 * be NULL.  The MHD daemon started with w's options must be stopped first.
 */
void	vx_webcfg_free(struct vx_webcfg *w);

/* True if w configures TLS.  w may be NULL (false). */
bool	vx_webcfg_tls(const struct vx_webcfg *w);

/*
 * For MHD_start_daemon(): when w configures TLS, ORs MHD_USE_TLS into
 * *flags and writes the options for the certificate, key, client CA and
 * GnuTLS priorities into opts[0..max), returning how many it wrote (no
 * MHD_OPTION_END).  The strings stay owned by w, which must outlive the
 * daemon.  With w NULL or without TLS, returns 0 and leaves *flags alone.
 * If max is smaller than needed (VX_WEBCFG_MHD_OPTIONS_MAX is always
 * enough), it still sets MHD_USE_TLS but writes nothing and returns 0, so
 * that MHD refuses to start rather than serve plain HTTP.
 */
size_t	vx_webcfg_mhd_options(const struct vx_webcfg *w,
	    unsigned int *flags, struct MHD_OptionItem *opts, size_t max);

/* True if a and b configure the same TLS (either may be NULL). */
bool	vx_webcfg_tls_same(const struct vx_webcfg *a,
	    const struct vx_webcfg *b);

/*
 * Checking a request is split in two so that an event loop never waits
 * for bcrypt: vx_webcfg_precheck() does what is cheap, in the loop, and
 * vx_webcfg_verify() runs bcrypt, on a worker thread.
 */
enum vx_webcfg_verdict {
	VX_WEBCFG_ALLOW,
	VX_WEBCFG_FORBIDDEN,	/* 403: the client certificate */
	VX_WEBCFG_UNAUTHORIZED,	/* 401: basic auth missing or malformed */
	VX_WEBCFG_VERIFY,	/* to check with vx_webcfg_verify() */
};

/* Credentials taken from a request, kept until they are checked. */
struct vx_webcfg_creds {
	char		 addr[46];	/* the client's address, for the log */
	unsigned char	*data;		/* "user:password", decoded */
	size_t		 size;
	size_t		 ulen;
};

/*
 * The checks without bcrypt: the client certificate, the presence and
 * syntax of basic auth, and the cache of credentials already verified
 * (keyed by a keyed hash of user, password and stored hash, so that a
 * scraper does not pay bcrypt on every scrape).  With VX_WEBCFG_VERIFY,
 * *cr holds the credentials: pass it to vx_webcfg_verify(), then
 * vx_webcfg_creds_clear().  Refusals are logged at debug level with the
 * client's address, never with the user name or the password.  w may be
 * NULL (always VX_WEBCFG_ALLOW).  Thread-safe.
 */
enum vx_webcfg_verdict vx_webcfg_precheck(const struct vx_webcfg *w,
	    struct MHD_Connection *c, struct vx_webcfg_creds *cr);

/*
 * bcrypt: true if the credentials match a user.  It costs as much for an
 * unknown user as for a known one.  bcrypt runs one at a time; successes
 * are cached.  Thread-safe.
 */
bool	vx_webcfg_verify(const struct vx_webcfg *w,
	    struct vx_webcfg_creds *cr);

/* Wipes and frees the credentials; cr may hold none. */
void	vx_webcfg_creds_clear(struct vx_webcfg_creds *cr);

/*
 * Adds the headers every answer carries: X-Content-Type-Options: nosniff,
 * and http_server_config.headers.  w may be NULL.
 */
void	vx_webcfg_add_headers(const struct vx_webcfg *w,
	    struct MHD_Response *r);

#endif
