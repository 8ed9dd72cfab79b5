/*
 * --web.config.file: checking a request (client certificate, then basic
 * auth).  The bcrypt itself is libxcrypt's; here we only make sure an
 * unknown user costs exactly what a known one does: the same bcrypt run
 * (on a dummy hash of the same cost), the same cache look-up, the same
 * constant-time comparison, and no early exit that depends on whether the
 * user exists.
 */
#include "webcfg_int.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <crypt.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "log.h"

#include "banned.h"

#define REALM		"vpn_exporter"
#define AUTH_HEADER_MAX	4096

bool
webcfg_auth_init(struct vx_webcfg *w)
{
	struct webcfg_auth_state *a;

	a = calloc(1, sizeof(*a));
	if (a == NULL)
		return false;
	if (gnutls_rnd(GNUTLS_RND_KEY, a->cache_key, sizeof(a->cache_key)) < 0)
		goto fail;
	if (pthread_mutex_init(&a->bcrypt_lock, NULL) != 0)
		goto fail;
	if (pthread_mutex_init(&a->cache_lock, NULL) != 0) {
		pthread_mutex_destroy(&a->bcrypt_lock);
		goto fail;
	}
	w->auth = a;
	return true;
fail:
	explicit_bzero(a, sizeof(*a));
	free(a);
	return false;
}

void
webcfg_auth_free(struct vx_webcfg *w)
{
	if (w->auth == NULL)
		return;
	pthread_mutex_destroy(&w->auth->bcrypt_lock);
	pthread_mutex_destroy(&w->auth->cache_lock);
	explicit_bzero(w->auth, sizeof(*w->auth));
	free(w->auth);
	w->auth = NULL;
}

void
vx_webcfg_get_stats(const struct vx_webcfg *w, struct vx_webcfg_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (w == NULL || w->auth == NULL)
		return;
	pthread_mutex_lock(&w->auth->bcrypt_lock);
	out->bcrypt_runs = w->auth->bcrypt_runs;
	out->bcrypt_errors = w->auth->bcrypt_errors;
	out->last_cost = w->auth->last_cost;
	pthread_mutex_unlock(&w->auth->bcrypt_lock);
	pthread_mutex_lock(&w->auth->cache_lock);
	out->cache_hits = w->auth->cache_hits;
	pthread_mutex_unlock(&w->auth->cache_lock);
}

/* Compares n bytes in time that depends on n only. */
static bool
ct_equal(const void *a, const void *b, size_t n)
{
	const volatile unsigned char	*x = a, *y = b;
	unsigned char			 d = 0;

	for (size_t i = 0; i < n; i++)
		d |= x[i] ^ y[i];
	return d == 0;
}

static void
hmac_len(gnutls_hmac_hd_t h, size_t len)
{
	unsigned char	b[8];
	uint64_t	v = len;

	for (int i = 0; i < 8; i++)
		b[i] = (unsigned char)(v >> (8 * i));
	gnutls_hmac(h, b, sizeof(b));
}

/*
 * The cache key: HMAC-SHA256 under a per-process random key of user,
 * password and the stored hash (so that a changed hash never hits).
 * Only the digest is kept, never the password.
 */
static bool
cache_digest(const struct vx_webcfg *w, const char *user, size_t ulen,
    const char *pass, size_t plen, const char *hash,
    unsigned char out[WEBCFG_DIGEST_LEN])
{
	gnutls_hmac_hd_t h;

	if (gnutls_hmac_init(&h, GNUTLS_MAC_SHA256, w->auth->cache_key,
	    sizeof(w->auth->cache_key)) < 0)
		return false;
	hmac_len(h, ulen);
	gnutls_hmac(h, user, ulen);
	hmac_len(h, plen);
	gnutls_hmac(h, pass, plen);
	gnutls_hmac(h, hash, WEBCFG_BCRYPT_LEN);
	gnutls_hmac_deinit(h, out);
	return true;
}

/* Looks at every slot, whatever matches, so a hit takes no less time. */
static bool
cache_lookup(struct webcfg_auth_state *a,
    const unsigned char digest[WEBCFG_DIGEST_LEN])
{
	bool hit = false;

	pthread_mutex_lock(&a->cache_lock);
	for (size_t i = 0; i < WEBCFG_CACHE_SLOTS; i++)
		hit |= a->cache_used[i] & ct_equal(a->cache[i], digest,
		    WEBCFG_DIGEST_LEN);
	pthread_mutex_unlock(&a->cache_lock);
	return hit;
}

static void
cache_store(struct webcfg_auth_state *a,
    const unsigned char digest[WEBCFG_DIGEST_LEN])
{
	pthread_mutex_lock(&a->cache_lock);
	memcpy(a->cache[a->cache_next], digest, WEBCFG_DIGEST_LEN);
	a->cache_used[a->cache_next] = true;
	a->cache_next = (a->cache_next + 1) % WEBCFG_CACHE_SLOTS;
	pthread_mutex_unlock(&a->cache_lock);
}

/*
 * Runs bcrypt on pass with the setting (salt and cost) of hash and
 * compares the result with hash in constant time.  One at a time, as the
 * exporter-toolkit does: bcrypt is meant to be slow, and a burst of bad
 * logins should not take every core.
 */
static bool
bcrypt_matches(struct webcfg_auth_state *a, const char *pass, size_t plen,
    const char *hash)
{
	struct crypt_data	*cd;
	char			 pw[WEBCFG_PASSWORD_MAX + 1];
	const char		*out;
	bool			 match = false;

	cd = calloc(1, sizeof(*cd));	/* about 32 KiB: not on the stack */
	if (cd == NULL)
		return false;
	if (plen > WEBCFG_PASSWORD_MAX)
		plen = WEBCFG_PASSWORD_MAX;
	memcpy(pw, pass, plen);
	pw[plen] = '\0';
	pthread_mutex_lock(&a->bcrypt_lock);
	out = crypt_rn(pw, hash, cd, (int)sizeof(*cd));
	a->bcrypt_runs++;
	a->last_cost = webcfg_bcrypt_cost(hash);
	if (out == NULL || strlen(out) != WEBCFG_BCRYPT_LEN)
		a->bcrypt_errors++;
	else
		match = ct_equal(out, hash, WEBCFG_BCRYPT_LEN);
	pthread_mutex_unlock(&a->bcrypt_lock);
	explicit_bzero(pw, sizeof(pw));
	explicit_bzero(cd, sizeof(*cd));
	free(cd);
	return match;
}

bool
vx_webcfg_basic_ok(const struct vx_webcfg *w, const char *user, size_t ulen,
    const char *pass, size_t plen)
{
	unsigned char	 digest[WEBCFG_DIGEST_LEN];
	const char	*hash = NULL;
	bool		 found = false, usable, have_digest, hit, match;

	if (w == NULL || w->nusers == 0)
		return true;
	/* Every user is looked at; the names are unique. */
	for (size_t i = 0; i < w->nusers; i++) {
		const struct webcfg_user	*u = &w->users[i];
		bool				 eq;

		eq = u->name_len == ulen && ct_equal(u->name, user, ulen);
		if (eq)
			hash = u->hash;
		found |= eq;
	}
	if (hash == NULL)
		hash = w->dummy_hash;
	/*
	 * bcrypt reads at most 72 bytes and stops at a NUL: a longer
	 * password, or one with a NUL, would match on its beginning only.
	 * Refused, after the same work as any other try.
	 */
	usable = plen <= WEBCFG_PASSWORD_MAX && memchr(pass, '\0', plen) ==
	    NULL;
	have_digest = cache_digest(w, user, ulen, pass, plen, hash, digest);
	hit = have_digest && cache_lookup(w->auth, digest);
	if (hit && found && usable) {
		pthread_mutex_lock(&w->auth->cache_lock);
		w->auth->cache_hits++;
		pthread_mutex_unlock(&w->auth->cache_lock);
		explicit_bzero(digest, sizeof(digest));
		return true;
	}
	match = bcrypt_matches(w->auth, pass, plen, hash);
	if (found && match && usable && have_digest)
		cache_store(w->auth, digest);
	explicit_bzero(digest, sizeof(digest));
	return found && match && usable;
}

/* ---- requests ---- */

static void
peer_addr(struct MHD_Connection *c, char *buf, size_t len)
{
	const union MHD_ConnectionInfo	*ci;
	const struct sockaddr		*sa;

	snprintf(buf, len, "?");
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || ci->client_addr == NULL)
		return;
	sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)
		    sa)->sin_addr, buf, (socklen_t)len);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)
		    (const void *)sa)->sin6_addr, buf, (socklen_t)len);
}

/* True if one of the certificate's SANs is in client_allowed_sans. */
static bool
san_allowed(const struct vx_webcfg *w, const gnutls_datum_t *der)
{
	gnutls_x509_crt_t	crt;
	bool			ok = false;

	if (gnutls_x509_crt_init(&crt) < 0)
		return false;
	if (gnutls_x509_crt_import(crt, der, GNUTLS_X509_FMT_DER) < 0) {
		gnutls_x509_crt_deinit(crt);
		return false;
	}
	for (unsigned int seq = 0; !ok; seq++) {
		char	buf[1024], ip[INET6_ADDRSTRLEN];
		size_t	size = sizeof(buf) - 1;
		int	type;

		type = gnutls_x509_crt_get_subject_alt_name(crt, seq, buf,
		    &size, NULL);
		if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
			break;
		if (type < 0)
			continue;	/* too long, or not parsable */
		buf[size] = '\0';
		switch (type) {
		case GNUTLS_SAN_DNSNAME:
		case GNUTLS_SAN_RFC822NAME:
		case GNUTLS_SAN_URI:
			if (strlen(buf) != size)
				continue;
			break;
		case GNUTLS_SAN_IPADDRESS:
			if ((size != 4 && size != 16) || inet_ntop(size == 4 ?
			    AF_INET : AF_INET6, buf, ip, sizeof(ip)) == NULL)
				continue;
			snprintf(buf, sizeof(buf), "%s", ip);
			break;
		default:
			continue;
		}
		for (size_t i = 0; i < w->allowed_sans.n; i++)
			if (strcmp(w->allowed_sans.v[i], buf) == 0)
				ok = true;
	}
	gnutls_x509_crt_deinit(crt);
	return ok;
}

/*
 * client_auth_type after the handshake: NULL if the client may go on,
 * else why not (for the debug log).
 */
static const char *
client_cert_problem(const struct vx_webcfg *w, struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo	*ci;
	gnutls_session_t		 s;
	const gnutls_datum_t		*peers;
	unsigned int			 npeers = 0, status = 0;
	gnutls_typed_vdata_st		 purpose;

	if (!w->tls || w->client_auth == WEBCFG_NO_CLIENT_CERT ||
	    w->client_auth == WEBCFG_REQUEST_CLIENT_CERT)
		return NULL;
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (ci == NULL || ci->tls_session == NULL)
		return "no TLS session";
	s = ci->tls_session;
	peers = gnutls_certificate_get_peers(s, &npeers);
	if (peers == NULL || npeers == 0) {
		if (w->client_auth == WEBCFG_VERIFY_CLIENT_CERT_IF_GIVEN)
			return NULL;
		return "no client certificate";
	}
	if (w->client_auth != WEBCFG_REQUIRE_ANY_CLIENT_CERT) {
		/* As Go does: the chain, the dates, and "TLS client" use. */
		memset(&purpose, 0, sizeof(purpose));
		purpose.type = GNUTLS_DT_KEY_PURPOSE_OID;
		purpose.data = (unsigned char *)GNUTLS_KP_TLS_WWW_CLIENT;
		if (gnutls_certificate_verify_peers(s, &purpose, 1,
		    &status) < 0 || status != 0)
			return "client certificate not valid for client_ca";
	}
	if (w->allowed_sans.n > 0 && !san_allowed(w, &peers[0]))
		return "no SAN of the client certificate is in "
		    "client_allowed_sans";
	return NULL;
}

/*
 * The credentials of an "Authorization: Basic" header, decoded into
 * cr->data; false if there are none.
 */
static bool
basic_credentials(struct MHD_Connection *c, struct vx_webcfg_creds *cr)
{
	const char	*h, *end;
	gnutls_datum_t	 in, out;
	const void	*colon;

	h = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_AUTHORIZATION);
	if (h == NULL)
		return false;
	while (*h == ' ' || *h == '\t')
		h++;
	if (strncasecmp(h, "Basic", 5) != 0 || (h[5] != ' ' && h[5] != '\t'))
		return false;
	h += 5;
	while (*h == ' ' || *h == '\t')
		h++;
	end = h + strlen(h);
	while (end > h && (end[-1] == ' ' || end[-1] == '\t'))
		end--;
	if (end == h || (size_t)(end - h) > AUTH_HEADER_MAX)
		return false;
	in.data = (unsigned char *)(uintptr_t)h;
	in.size = (unsigned int)(end - h);
	if (gnutls_base64_decode2(&in, &out) < 0)
		return false;
	colon = memchr(out.data, ':', out.size);
	if (colon == NULL) {
		explicit_bzero(out.data, out.size);
		gnutls_free(out.data);
		return false;
	}
	cr->data = out.data;
	cr->size = out.size;
	cr->ulen = (size_t)((const unsigned char *)colon - out.data);
	return true;
}

void
vx_webcfg_creds_clear(struct vx_webcfg_creds *cr)
{
	if (cr->data != NULL) {
		explicit_bzero(cr->data, cr->size);
		gnutls_free(cr->data);
	}
	cr->data = NULL;
	cr->size = cr->ulen = 0;
}

/* A cache hit for credentials that are usable and of a known user. */
static bool
cached_ok(const struct vx_webcfg *w, const char *user, size_t ulen,
    const char *pass, size_t plen)
{
	unsigned char	 digest[WEBCFG_DIGEST_LEN];
	const char	*hash = NULL;
	bool		 found = false, hit;

	/* The same look-ups as vx_webcfg_basic_ok(), whoever the user is. */
	for (size_t i = 0; i < w->nusers; i++) {
		const struct webcfg_user	*u = &w->users[i];
		bool				 eq;

		eq = u->name_len == ulen && ct_equal(u->name, user, ulen);
		if (eq)
			hash = u->hash;
		found |= eq;
	}
	if (hash == NULL)
		hash = w->dummy_hash;
	hit = cache_digest(w, user, ulen, pass, plen, hash, digest) &&
	    cache_lookup(w->auth, digest);
	explicit_bzero(digest, sizeof(digest));
	hit = hit && found && plen <= WEBCFG_PASSWORD_MAX &&
	    memchr(pass, '\0', plen) == NULL;
	if (hit) {
		pthread_mutex_lock(&w->auth->cache_lock);
		w->auth->cache_hits++;
		pthread_mutex_unlock(&w->auth->cache_lock);
	}
	return hit;
}

enum vx_webcfg_verdict
vx_webcfg_precheck(const struct vx_webcfg *w, struct MHD_Connection *c,
    struct vx_webcfg_creds *cr)
{
	const char *why;

	memset(cr, 0, sizeof(*cr));
	if (w == NULL)
		return VX_WEBCFG_ALLOW;
	why = client_cert_problem(w, c);
	if (why != NULL) {
		peer_addr(c, cr->addr, sizeof(cr->addr));
		vx_log_debug("http: 403 for %s: %s", cr->addr, why);
		return VX_WEBCFG_FORBIDDEN;
	}
	if (w->nusers == 0)
		return VX_WEBCFG_ALLOW;
	peer_addr(c, cr->addr, sizeof(cr->addr));
	if (!basic_credentials(c, cr)) {
		vx_log_debug("http: 401 for %s: basic auth missing or "
		    "malformed", cr->addr);
		return VX_WEBCFG_UNAUTHORIZED;
	}
	if (cached_ok(w, (const char *)cr->data, cr->ulen,
	    (const char *)cr->data + cr->ulen + 1, cr->size - cr->ulen - 1)) {
		vx_webcfg_creds_clear(cr);
		return VX_WEBCFG_ALLOW;
	}
	return VX_WEBCFG_VERIFY;
}

bool
vx_webcfg_verify(const struct vx_webcfg *w, struct vx_webcfg_creds *cr)
{
	bool ok;

	if (w == NULL || w->nusers == 0)
		return true;
	if (cr->data == NULL)
		return false;
	ok = vx_webcfg_basic_ok(w, (const char *)cr->data, cr->ulen,
	    (const char *)cr->data + cr->ulen + 1, cr->size - cr->ulen - 1);
	/* Neither the user name nor the password is logged. */
	if (!ok)
		vx_log_debug("http: 401 for %s: basic auth wrong", cr->addr);
	return ok;
}
