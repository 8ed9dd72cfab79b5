/*
 * --web.config.file: load and check the exporter-toolkit web config, and
 * turn it into libmicrohttpd options.  Requests are checked in
 * webcfg_auth.c.
 */
#include "webcfg_int.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <crypt.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "log.h"
#include "strbuf.h"

#include "banned.h"

#define PEM_MAX		(1024 * 1024)
#define PATH_MAX_LEN	4096

/* ---- the schema ---- */

struct top_raw {
	const struct vx_cfg_node	*tls;
	const struct vx_cfg_node	*http;
	const struct vx_cfg_node	*users;
	const struct vx_cfg_node	*rate_limit;
};

static const struct vx_cfg_key top_keys[] = {
	{ "tls_server_config", VX_CFG_T_NODE,
	    offsetof(struct top_raw, tls), false, 0, 0, NULL },
	{ "http_server_config", VX_CFG_T_NODE,
	    offsetof(struct top_raw, http), false, 0, 0, NULL },
	{ "basic_auth_users", VX_CFG_T_NODE,
	    offsetof(struct top_raw, users), false, 0, 0, NULL },
	{ "rate_limit", VX_CFG_T_NODE,
	    offsetof(struct top_raw, rate_limit), false, 0, 0, NULL },
	{ NULL, 0, 0, false, 0, 0, NULL },
};

/* Order matters: index = enum webcfg_client_auth, then the alias. */
static const char *const client_auth_names[] = {
	"NoClientCert", "RequestClientCert", "RequireAnyClientCert",
	"VerifyClientCertIfGiven", "RequireAndVerifyClientCert",
	"RequireClientCert",	/* the toolkit's old name for RequireAny */
	NULL,
};
#define CLIENT_AUTH_ALIAS	5

enum tls_version { TLS10, TLS11, TLS12, TLS13 };
static const char *const version_names[] = {
	"TLS10", "TLS11", "TLS12", "TLS13", NULL,
};
static const char *const version_prio[] = {
	"VERS-TLS1.0", "VERS-TLS1.1", "VERS-TLS1.2", "VERS-TLS1.3",
};

struct tls_raw {
	char				*cert_file;
	char				*key_file;
	char				*client_ca_file;
	char				*cert;
	const struct vx_cfg_node	*key;	/* secret: not copied */
	char				*client_ca;
	int				 client_auth;
	struct vx_strlist		 allowed_sans;
	int				 min_version;
	int				 max_version;
	const struct vx_cfg_node	*cipher_suites;
	const struct vx_cfg_node	*curve_preferences;
	bool				 prefer_server;
};

#define T(m)	offsetof(struct tls_raw, m)
static const struct vx_cfg_key tls_keys[] = {
	{ "cert_file", VX_CFG_T_STRING, T(cert_file), false, 0, 0, NULL },
	{ "key_file", VX_CFG_T_STRING, T(key_file), false, 0, 0, NULL },
	{ "client_ca_file", VX_CFG_T_STRING, T(client_ca_file), false, 0, 0,
	    NULL },
	{ "cert", VX_CFG_T_STRING, T(cert), false, 0, 0, NULL },
	{ "key", VX_CFG_T_NODE, T(key), false, 0, 0, NULL },
	{ "client_ca", VX_CFG_T_STRING, T(client_ca), false, 0, 0, NULL },
	{ "client_auth_type", VX_CFG_T_ENUM, T(client_auth), false, 0, 0,
	    client_auth_names },
	{ "client_allowed_sans", VX_CFG_T_STRLIST, T(allowed_sans), false, 0,
	    0, NULL },
	{ "min_version", VX_CFG_T_ENUM, T(min_version), false, 0, 0,
	    version_names },
	{ "max_version", VX_CFG_T_ENUM, T(max_version), false, 0, 0,
	    version_names },
	{ "cipher_suites", VX_CFG_T_NODE, T(cipher_suites), false, 0, 0,
	    NULL },
	{ "curve_preferences", VX_CFG_T_NODE, T(curve_preferences), false, 0,
	    0, NULL },
	{ "prefer_server_cipher_suites", VX_CFG_T_BOOL, T(prefer_server),
	    false, 0, 0, NULL },
	{ NULL, 0, 0, false, 0, 0, NULL },
};
#undef T

struct http_raw {
	bool				 http2;
	const struct vx_cfg_node	*headers;
};

static const struct vx_cfg_key http_keys[] = {
	{ "http2", VX_CFG_T_BOOL, offsetof(struct http_raw, http2), false, 0,
	    0, NULL },
	{ "headers", VX_CFG_T_NODE, offsetof(struct http_raw, headers), false,
	    0, 0, NULL },
	{ NULL, 0, 0, false, 0, 0, NULL },
};

/*
 * The only headers the exporter-toolkit lets a web config set, with the
 * values it accepts (NULL: any).  Keeping the same list keeps one file
 * valid for every exporter.
 */
static const struct {
	const char	*name;
	const char	*values[3];
} allowed_headers[] = {
	{ "Strict-Transport-Security", { NULL } },
	{ "X-Content-Type-Options", { "nosniff", NULL } },
	{ "X-Frame-Options", { "deny", "sameorigin", NULL } },
	{ "X-XSS-Protection", { NULL } },
	{ "Content-Security-Policy", { NULL } },
};
#define NALLOWED_HEADERS \
	(sizeof(allowed_headers) / sizeof(allowed_headers[0]))

/*
 * Go's names for the suites crypto/tls calls secure (tls.CipherSuites(),
 * which is what the toolkit accepts), as GnuTLS key exchange and cipher.
 */
enum suite_kx { KX_RSA, KX_ECDHE_RSA, KX_ECDHE_ECDSA, KX__N, KX_TLS13 };
enum suite_cipher {
	C_AES128_CBC, C_AES256_CBC, C_AES128_GCM, C_AES256_GCM, C_CHACHA,
	C__N
};
static const char *const kx_prio[KX__N] = {
	"RSA", "ECDHE-RSA", "ECDHE-ECDSA",
};
static const struct {
	const char	*prio;
	bool		 aead;		/* usable with TLS 1.3 too */
} cipher_prio[C__N] = {
	{ "AES-128-CBC", false }, { "AES-256-CBC", false },
	{ "AES-128-GCM", true }, { "AES-256-GCM", true },
	{ "CHACHA20-POLY1305", true },
};
static const struct suite {
	const char		*name;
	enum suite_kx		 kx;
	enum suite_cipher	 cipher;
} suites[] = {
	{ "TLS_RSA_WITH_AES_128_CBC_SHA", KX_RSA, C_AES128_CBC },
	{ "TLS_RSA_WITH_AES_256_CBC_SHA", KX_RSA, C_AES256_CBC },
	{ "TLS_RSA_WITH_AES_128_GCM_SHA256", KX_RSA, C_AES128_GCM },
	{ "TLS_RSA_WITH_AES_256_GCM_SHA384", KX_RSA, C_AES256_GCM },
	{ "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", KX_ECDHE_ECDSA,
	    C_AES128_CBC },
	{ "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", KX_ECDHE_ECDSA,
	    C_AES256_CBC },
	{ "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", KX_ECDHE_RSA, C_AES128_CBC },
	{ "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", KX_ECDHE_RSA, C_AES256_CBC },
	{ "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", KX_ECDHE_ECDSA,
	    C_AES128_GCM },
	{ "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", KX_ECDHE_RSA,
	    C_AES128_GCM },
	{ "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", KX_ECDHE_ECDSA,
	    C_AES256_GCM },
	{ "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", KX_ECDHE_RSA,
	    C_AES256_GCM },
	{ "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", KX_ECDHE_ECDSA,
	    C_CHACHA },
	{ "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", KX_ECDHE_RSA,
	    C_CHACHA },
	{ "TLS_AES_128_GCM_SHA256", KX_TLS13, C_AES128_GCM },
	{ "TLS_AES_256_GCM_SHA384", KX_TLS13, C_AES256_GCM },
	{ "TLS_CHACHA20_POLY1305_SHA256", KX_TLS13, C_CHACHA },
};
#define NSUITES		(sizeof(suites) / sizeof(suites[0]))

static const struct {
	const char	*go;
	const char	*prio;
} curves[] = {
	{ "CurveP256", "GROUP-SECP256R1" },
	{ "CurveP384", "GROUP-SECP384R1" },
	{ "CurveP521", "GROUP-SECP521R1" },
	{ "X25519", "GROUP-X25519" },
};
#define NCURVES		(sizeof(curves) / sizeof(curves[0]))

/* ---- helpers ---- */

/* YAML null: "key:" with nothing after it, "~" or "null". */
static bool
is_null(const struct vx_cfg_node *n)
{
	return n == NULL || (n->kind == VX_CFG_SCALAR && n->plain &&
	    (n->len == 0 || strcmp(n->value, "~") == 0 ||
	    strcmp(n->value, "null") == 0 || strcmp(n->value, "Null") == 0 ||
	    strcmp(n->value, "NULL") == 0));
}

/* An absent, null or empty mapping: the section is not configured. */
static bool
section_empty(const struct vx_cfg_node *n)
{
	return is_null(n) || (n->kind == VX_CFG_MAP && n->n == 0);
}

/* The key node of 'key' in map, for positions in messages. */
static const struct vx_cfg_node *
key_node(const struct vx_cfg_node *map, const char *key)
{
	for (size_t i = 0; map != NULL && i + 1 < map->n; i += 2)
		if (strcmp(map->items[i]->value, key) == 0)
			return map->items[i];
	return map;
}

static void
wipe_free(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

/* gnutls_strerror() without its full stop, for our messages. */
static const char *
tls_strerror(int rc, char *buf, size_t len)
{
	size_t n;

	snprintf(buf, len, "%s", gnutls_strerror(rc));
	n = strlen(buf);
	if (n > 0 && buf[n - 1] == '.')
		buf[n - 1] = '\0';
	return buf;
}

/*
 * Reads a PEM file named in the config (relative to the config's
 * directory).  Returns a NUL-terminated copy, or NULL with an error at
 * 'at'.  The caller wipes it if it may hold a key.
 */
static char *
read_pem_file(const struct vx_cfg_doc *doc, const struct vx_cfg_node *at,
    const char *key, const char *path, struct vx_cfg_errors *errs)
{
	char	 full[PATH_MAX_LEN], why[160];
	char	*buf;
	size_t	 len = 0;

	if (!vx_cfg_path(doc, path, full, sizeof(full))) {
		vx_cfg_error(errs, at, "%s: path is too long", key);
		return NULL;
	}
	/* A regular file, opened without blocking (cfg.h). */
	buf = vx_cfg_file_read(full, PEM_MAX, &len, why, sizeof(why));
	if (buf == NULL) {
		vx_cfg_error(errs, at, "cannot read %s '%s': %s", key, full,
		    why);
		return NULL;
	}
	if (len == 0 || strlen(buf) != len) {
		vx_cfg_error(errs, at, "%s '%s' is empty or not a PEM file",
		    key, full);
		explicit_bzero(buf, len);
		free(buf);
		return NULL;
	}
	return buf;
}

/*
 * One of two ways to give a PEM: inline ('cert') or as a file
 * ('cert_file').  *what gets the description used in later messages.
 */
static char *
load_pem(const struct vx_cfg_doc *doc, const struct vx_cfg_node *map,
    const char *inline_key, const char *inline_val, const char *file_key,
    const char *file_val, struct vx_cfg_errors *errs,
    const struct vx_cfg_node **at)
{
	char *pem;

	if (inline_val != NULL && file_val != NULL) {
		vx_cfg_error(errs, key_node(map, inline_key), "'%s' and '%s' "
		    "in tls_server_config are both set; use one of them",
		    inline_key, file_key);
		return NULL;
	}
	if (file_val != NULL) {
		*at = vx_cfg_map_get(map, file_key);
		return read_pem_file(doc, *at, file_key, file_val, errs);
	}
	if (inline_val == NULL)
		return NULL;
	*at = vx_cfg_map_get(map, inline_key);
	pem = strdup(inline_val);
	if (pem == NULL)
		vx_cfg_error(errs, *at, "out of memory");
	return pem;
}

/* "cert_file '/etc/x.pem'" or "'cert'": the subject of a message. */
static void
describe(char *buf, size_t len, const struct vx_cfg_doc *doc,
    const char *inline_key, const char *file_key, const char *file_val)
{
	if (file_val == NULL)
		snprintf(buf, len, "'%s'", inline_key);
	else if (file_val[0] == '/')
		snprintf(buf, len, "%s '%s'", file_key, file_val);
	else
		snprintf(buf, len, "%s '%s/%s'", file_key, doc->dir, file_val);
}

/* ---- tls_server_config ---- */

/* Checks that cert and key parse and belong together. */
static void
check_keypair(struct vx_webcfg *w, struct vx_cfg_errors *errs,
    const struct vx_cfg_node *cert_at, const char *cert_what,
    const struct vx_cfg_node *key_at, const char *key_what)
{
	gnutls_x509_crt_t			*crts = NULL;
	unsigned int				 ncrts = 0;
	gnutls_x509_privkey_t			 pk = NULL;
	gnutls_certificate_credentials_t	 cred = NULL;
	gnutls_datum_t				 cd, kd;
	char					 eb[128];
	int					 rc;
	bool					 ok = true;

	cd.data = (unsigned char *)w->cert_pem;
	cd.size = (unsigned int)strlen(w->cert_pem);
	kd.data = (unsigned char *)w->key_pem;
	kd.size = (unsigned int)strlen(w->key_pem);
	rc = gnutls_x509_crt_list_import2(&crts, &ncrts, &cd,
	    GNUTLS_X509_FMT_PEM, 0);
	if (rc < 0 || ncrts == 0) {
		vx_cfg_error(errs, cert_at, "%s holds no usable PEM "
		    "certificate: %s", cert_what, rc < 0 ?
		    tls_strerror(rc, eb, sizeof(eb)) : "none found");
		ok = false;
	}
	for (unsigned int i = 0; i < ncrts; i++)
		gnutls_x509_crt_deinit(crts[i]);
	gnutls_free(crts);
	rc = gnutls_x509_privkey_init(&pk);
	if (rc == 0)
		rc = gnutls_x509_privkey_import2(pk, &kd, GNUTLS_X509_FMT_PEM,
		    NULL, 0);
	if (pk != NULL)
		gnutls_x509_privkey_deinit(pk);
	if (rc < 0) {
		vx_cfg_error(errs, key_at, "%s holds no usable PEM private "
		    "key (unencrypted PKCS#1, PKCS#8 or SEC1): %s", key_what,
		    tls_strerror(rc, eb, sizeof(eb)));
		ok = false;
	}
	if (!ok)
		return;
	rc = gnutls_certificate_allocate_credentials(&cred);
	if (rc == 0)
		rc = gnutls_certificate_set_x509_key_mem2(cred, &cd, &kd,
		    GNUTLS_X509_FMT_PEM, NULL, 0);
	if (rc < 0)
		vx_cfg_error(errs, key_at, "%s cannot be used with %s: %s",
		    key_what, cert_what, tls_strerror(rc, eb, sizeof(eb)));
	if (cred != NULL)
		gnutls_certificate_free_credentials(cred);
}

static void
check_ca(struct vx_webcfg *w, struct vx_cfg_errors *errs,
    const struct vx_cfg_node *at, const char *what)
{
	gnutls_certificate_credentials_t	cred = NULL;
	gnutls_datum_t				d;
	char					eb[128];
	int					rc;

	d.data = (unsigned char *)w->ca_pem;
	d.size = (unsigned int)strlen(w->ca_pem);
	rc = gnutls_certificate_allocate_credentials(&cred);
	if (rc == 0)
		rc = gnutls_certificate_set_x509_trust_mem(cred, &d,
		    GNUTLS_X509_FMT_PEM);
	if (rc <= 0)
		vx_cfg_error(errs, at, "%s holds no usable PEM CA "
		    "certificate: %s", what, rc < 0 ?
		    tls_strerror(rc, eb, sizeof(eb)) : "none found");
	if (cred != NULL)
		gnutls_certificate_free_credentials(cred);
}

static const struct suite *
find_suite(const char *name)
{
	for (size_t i = 0; i < NSUITES; i++)
		if (strcmp(suites[i].name, name) == 0)
			return &suites[i];
	return NULL;
}

/*
 * cipher_suites -> "-CIPHER-ALL:+...:-KX-ALL:+...:-MAC-ALL:+..." appended
 * to sb.  GnuTLS combines every listed key exchange with every listed
 * cipher, so the list must already hold every such combination: we
 * refuse a list that would quietly allow a suite it does not name.
 */
static void
add_cipher_suites(struct vx_strbuf *sb, const struct vx_cfg_node *list,
    bool v12, bool v13, struct vx_cfg_errors *errs)
{
	bool	listed[NSUITES];
	int	corder[C__N], korder[KX__N];
	size_t	nc = 0, nk = 0;
	bool	cbc = false, aead = false, bad = false;

	if (list->kind != VX_CFG_SEQ) {
		vx_cfg_error(errs, list, "'cipher_suites' in tls_server_config "
		    "must be a list, not %s", vx_cfg_kind_name(list->kind));
		return;
	}
	if (list->n == 0)
		return;		/* as in Go: the defaults */
	memset(listed, 0, sizeof(listed));
	for (size_t i = 0; i < list->n; i++) {
		const struct vx_cfg_node	*it = list->items[i];
		const struct suite		*s;
		bool				 seen = false;

		if (it->kind != VX_CFG_SCALAR) {
			vx_cfg_error(errs, it, "items of 'cipher_suites' in "
			    "tls_server_config must be strings, not %s",
			    vx_cfg_kind_name(it->kind));
			bad = true;
			continue;
		}
		s = find_suite(it->value);
		if (s == NULL) {
			vx_cfg_error(errs, it, "unknown or insecure cipher "
			    "suite '%s' in cipher_suites (use Go's names, e.g. "
			    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256)",
			    it->value);
			bad = true;
			continue;
		}
		/* As in Go, suites of versions not enabled do nothing. */
		if (s->kx == KX_TLS13 ? !v13 : !v12)
			continue;
		listed[s - suites] = true;
		for (size_t j = 0; j < nc; j++)
			seen |= corder[j] == (int)s->cipher;
		if (!seen)
			corder[nc++] = (int)s->cipher;
		if (s->kx == KX_TLS13)
			continue;
		seen = false;
		for (size_t j = 0; j < nk; j++)
			seen |= korder[j] == (int)s->kx;
		if (!seen)
			korder[nk++] = (int)s->kx;
	}
	if (bad)
		return;
	if (v12 && nk == 0) {
		vx_cfg_error(errs, list, "cipher_suites names no suite for TLS "
		    "1.2 and below, which min_version allows (set min_version: "
		    "TLS13 for TLS 1.3 only)");
		return;
	}
	if (!v12 && nc == 0) {
		vx_cfg_error(errs, list, "cipher_suites names no TLS 1.3 "
		    "suite, but min_version is TLS13");
		return;
	}
	for (size_t j = 0; j < nc; j++) {
		if (cipher_prio[corder[j]].aead)
			aead = true;
		else
			cbc = true;
	}
	if (v13 && !aead) {
		vx_cfg_error(errs, list, "cipher_suites leaves no cipher for "
		    "TLS 1.3 (GnuTLS has one cipher list for every version): "
		    "add e.g. TLS_AES_128_GCM_SHA256, or set max_version: "
		    "TLS12");
		return;
	}
	for (size_t k = 0; v12 && k < nk; k++) {
		for (size_t c = 0; c < nc; c++) {
			for (size_t i = 0; i < NSUITES; i++) {
				if (suites[i].kx != (enum suite_kx)korder[k] ||
				    suites[i].cipher !=
				    (enum suite_cipher)corder[c] || listed[i])
					continue;
				vx_cfg_error(errs, list, "cipher_suites also "
				    "allows '%s' (GnuTLS combines every listed "
				    "key exchange with every listed cipher): "
				    "add it to the list", suites[i].name);
				bad = true;
			}
		}
	}
	if (bad)
		return;
	vx_strbuf_addstr(sb, ":-CIPHER-ALL");
	for (size_t j = 0; j < nc; j++)
		vx_strbuf_addf(sb, ":+%s", cipher_prio[corder[j]].prio);
	if (v12) {
		vx_strbuf_addstr(sb, ":-KX-ALL");
		for (size_t k = 0; k < nk; k++)
			vx_strbuf_addf(sb, ":+%s", kx_prio[korder[k]]);
	}
	vx_strbuf_addstr(sb, ":-MAC-ALL");
	if (aead)
		vx_strbuf_addstr(sb, ":+AEAD");
	if (cbc)
		vx_strbuf_addstr(sb, ":+SHA1");
}

static void
add_curves(struct vx_strbuf *sb, const struct vx_cfg_node *list,
    struct vx_cfg_errors *errs)
{
	struct vx_strbuf	part;
	bool			bad = false;

	if (list->kind != VX_CFG_SEQ) {
		vx_cfg_error(errs, list, "'curve_preferences' in "
		    "tls_server_config must be a list, not %s",
		    vx_cfg_kind_name(list->kind));
		return;
	}
	if (list->n == 0)
		return;
	vx_strbuf_init(&part, 64);
	vx_strbuf_addstr(&part, ":-GROUP-ALL");
	for (size_t i = 0; i < list->n; i++) {
		const struct vx_cfg_node	*it = list->items[i];
		size_t				 j;

		for (j = 0; it->kind == VX_CFG_SCALAR && j < NCURVES; j++)
			if (strcmp(curves[j].go, it->value) == 0)
				break;
		if (it->kind != VX_CFG_SCALAR || j == NCURVES) {
			vx_cfg_error(errs, it, "unknown curve '%s' in "
			    "curve_preferences (expected one of: CurveP256, "
			    "CurveP384, CurveP521, X25519)",
			    it->kind == VX_CFG_SCALAR ? it->value : "?");
			bad = true;
			continue;
		}
		vx_strbuf_addf(&part, ":+%s", curves[j].prio);
	}
	if (!bad)
		vx_strbuf_addstr(sb, part.buf);
	vx_strbuf_release(&part);
}

static void
build_priorities(struct vx_webcfg *w, const struct tls_raw *t,
    const struct vx_cfg_node *map, struct vx_cfg_errors *errs)
{
	struct vx_strbuf	 sb;
	gnutls_priority_t	 prio;
	const char		*errpos = NULL;
	char			 eb[128];
	size_t			 before = errs->n;
	int			 rc;

	if (t->min_version > t->max_version) {
		vx_cfg_error(errs, vx_cfg_map_get(map, "min_version"),
		    "min_version %s in tls_server_config is above max_version "
		    "%s", version_names[t->min_version],
		    version_names[t->max_version]);
		return;
	}
	vx_strbuf_init(&sb, 256);
	vx_strbuf_addstr(&sb, "NORMAL:-VERS-ALL");
	for (int v = t->max_version; v >= t->min_version; v--)
		vx_strbuf_addf(&sb, ":+%s", version_prio[v]);
	if (!is_null(t->cipher_suites))
		add_cipher_suites(&sb, t->cipher_suites,
		    t->min_version <= TLS12, t->max_version == TLS13, errs);
	if (!is_null(t->curve_preferences))
		add_curves(&sb, t->curve_preferences, errs);
	if (t->prefer_server)
		vx_strbuf_addstr(&sb, ":%SERVER_PRECEDENCE");
	if (sb.failed) {
		vx_cfg_error(errs, map, "out of memory");
		vx_strbuf_release(&sb);
		return;
	}
	if (errs->n != before) {
		vx_strbuf_release(&sb);
		return;
	}
	rc = gnutls_priority_init2(&prio, sb.buf, &errpos, 0);
	if (rc < 0) {
		vx_cfg_error(errs, map, "GnuTLS refuses the TLS settings of "
		    "tls_server_config (priority string '%s', at '%s'): %s",
		    sb.buf, errpos != NULL ? errpos : "?",
		    tls_strerror(rc, eb, sizeof(eb)));
		vx_strbuf_release(&sb);
		return;
	}
	gnutls_priority_deinit(prio);
	w->priorities = vx_strbuf_detach(&sb, NULL);
	if (w->priorities == NULL)
		vx_cfg_error(errs, map, "out of memory");
}

static void
load_tls(struct vx_webcfg *w, const struct vx_cfg_doc *doc,
    const struct vx_cfg_node *map, struct vx_cfg_errors *errs)
{
	struct tls_raw			 t;
	const struct vx_cfg_node	*cert_at = map, *key_at = map;
	const struct vx_cfg_node	*ca_at = map;
	const char			*key_inline = NULL;
	char				 cert_what[PATH_MAX_LEN + 32];
	char				 key_what[PATH_MAX_LEN + 32];
	char				 ca_what[PATH_MAX_LEN + 32];

	memset(&t, 0, sizeof(t));
	t.client_auth = WEBCFG_NO_CLIENT_CERT;
	t.min_version = TLS12;
	t.max_version = TLS13;
	t.prefer_server = true;
	vx_cfg_apply(errs, doc, tls_keys, map, &t, "tls_server_config", NULL);
	if (map->kind != VX_CFG_MAP)
		goto out;
	w->tls = true;
	if (t.client_auth == CLIENT_AUTH_ALIAS)
		t.client_auth = WEBCFG_REQUIRE_ANY_CLIENT_CERT;
	w->client_auth = (enum webcfg_client_auth)t.client_auth;
	w->allowed_sans = t.allowed_sans;
	memset(&t.allowed_sans, 0, sizeof(t.allowed_sans));

	if (t.key != NULL) {
		if (t.key->kind != VX_CFG_SCALAR || t.key->len == 0)
			vx_cfg_error(errs, t.key, "'key' in tls_server_config "
			    "must be a PEM private key as a string");
		else
			key_inline = t.key->value;
	}
	if (t.cert == NULL && t.cert_file == NULL)
		vx_cfg_error(errs, map, "missing required key 'cert_file' (or "
		    "'cert') in tls_server_config");
	if (key_inline == NULL && t.key_file == NULL && t.key == NULL)
		vx_cfg_error(errs, map, "missing required key 'key_file' (or "
		    "'key') in tls_server_config");
	w->cert_pem = load_pem(doc, map, "cert", t.cert, "cert_file",
	    t.cert_file, errs, &cert_at);
	w->key_pem = load_pem(doc, map, "key", key_inline, "key_file",
	    t.key_file, errs, &key_at);
	w->ca_pem = load_pem(doc, map, "client_ca", t.client_ca,
	    "client_ca_file", t.client_ca_file, errs, &ca_at);
	describe(cert_what, sizeof(cert_what), doc, "cert", "cert_file",
	    t.cert_file);
	describe(key_what, sizeof(key_what), doc, "key", "key_file",
	    t.key_file);
	describe(ca_what, sizeof(ca_what), doc, "client_ca", "client_ca_file",
	    t.client_ca_file);
	if (w->cert_pem != NULL && w->key_pem != NULL)
		check_keypair(w, errs, cert_at, cert_what, key_at, key_what);
	if (w->ca_pem != NULL)
		check_ca(w, errs, ca_at, ca_what);

	if (w->client_auth != WEBCFG_NO_CLIENT_CERT &&
	    t.client_ca == NULL && t.client_ca_file == NULL)
		vx_cfg_error(errs, vx_cfg_map_get(map, "client_auth_type"),
		    "client_auth_type %s needs client_ca_file (or client_ca): "
		    "libmicrohttpd asks clients for a certificate only when "
		    "it has a CA list", client_auth_names[w->client_auth]);
	if (w->client_auth == WEBCFG_NO_CLIENT_CERT &&
	    (t.client_ca != NULL || t.client_ca_file != NULL))
		vx_cfg_error(errs, key_node(map, t.client_ca_file != NULL ?
		    "client_ca_file" : "client_ca"), "a client CA is set but "
		    "client_auth_type is NoClientCert (set client_auth_type, "
		    "e.g. RequireAndVerifyClientCert)");
	if (vx_cfg_map_get(map, "client_allowed_sans") != NULL &&
	    w->client_auth != WEBCFG_REQUIRE_ANY_CLIENT_CERT &&
	    w->client_auth != WEBCFG_REQUIRE_AND_VERIFY_CLIENT_CERT)
		vx_cfg_error(errs, key_node(map, "client_allowed_sans"),
		    "client_allowed_sans needs client_auth_type "
		    "RequireAnyClientCert or RequireAndVerifyClientCert");
	else if (vx_cfg_map_get(map, "client_allowed_sans") != NULL &&
	    w->allowed_sans.n == 0)
		vx_cfg_error(errs, vx_cfg_map_get(map, "client_allowed_sans"),
		    "client_allowed_sans is empty: no client could connect "
		    "(remove it to accept any SAN)");
	build_priorities(w, &t, map, errs);
out:
	vx_cfg_free_fields(tls_keys, &t);
}

/* ---- http_server_config ---- */

static bool
header_value_ok(const char *v)
{
	for (const unsigned char *p = (const unsigned char *)v; *p; p++)
		if ((*p < 0x20 && *p != '\t') || *p == 0x7f)
			return false;
	return true;
}

static size_t
find_header(const char *name, int (*cmp)(const char *, const char *))
{
	size_t j;

	for (j = 0; j < NALLOWED_HEADERS; j++)
		if (cmp(allowed_headers[j].name, name) == 0)
			break;
	return j;
}

static void
load_headers(struct vx_webcfg *w, const struct vx_cfg_node *map,
    struct vx_cfg_errors *errs)
{
	if (is_null(map))
		return;
	if (map->kind != VX_CFG_MAP) {
		vx_cfg_error(errs, map, "'headers' in http_server_config must "
		    "be a mapping of header names to values, not %s",
		    vx_cfg_kind_name(map->kind));
		return;
	}
	w->headers = calloc(map->n / 2 + 1, sizeof(*w->headers));
	if (w->headers == NULL) {
		vx_cfg_error(errs, map, "out of memory");
		return;
	}
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		const struct vx_cfg_node	*k = map->items[i];
		const struct vx_cfg_node	*v = map->items[i + 1];
		struct webcfg_header		*h;
		size_t				 j;
		bool				 ok;

		j = find_header(k->value, strcmp);
		if (j == NALLOWED_HEADERS) {
			j = find_header(k->value, strcasecmp);
			if (j < NALLOWED_HEADERS)
				vx_cfg_error(errs, k, "header '%s' cannot be "
				    "set in http_server_config (did you mean "
				    "'%s'?)", k->value,
				    allowed_headers[j].name);
			else
				vx_cfg_error(errs, k, "header '%s' cannot be "
				    "set in http_server_config (allowed: "
				    "Strict-Transport-Security, "
				    "X-Content-Type-Options, X-Frame-Options, "
				    "X-XSS-Protection, "
				    "Content-Security-Policy)", k->value);
			continue;
		}
		if (v->kind != VX_CFG_SCALAR) {
			vx_cfg_error(errs, v, "value of header '%s' must be a "
			    "string, not %s", k->value,
			    vx_cfg_kind_name(v->kind));
			continue;
		}
		if (v->len == 0)
			continue;	/* "unset if blank" */
		ok = allowed_headers[j].values[0] == NULL;
		for (size_t m = 0; !ok && allowed_headers[j].values[m]; m++)
			ok = strcmp(allowed_headers[j].values[m], v->value) ==
			    0;
		if (!ok) {
			vx_cfg_error(errs, v, "invalid value '%s' for header "
			    "'%s' (expected %s%s%s)", v->value, k->value,
			    allowed_headers[j].values[0],
			    allowed_headers[j].values[1] ? " or " : "",
			    allowed_headers[j].values[1] ?
			    allowed_headers[j].values[1] : "");
			continue;
		}
		if (!header_value_ok(v->value)) {
			vx_cfg_error(errs, v, "value of header '%s' contains a "
			    "control character", k->value);
			continue;
		}
		h = &w->headers[w->nheaders];
		h->name = strdup(allowed_headers[j].name);
		h->value = strdup(v->value);
		if (h->name == NULL || h->value == NULL) {
			free(h->name);
			free(h->value);
			vx_cfg_error(errs, v, "out of memory");
			continue;
		}
		w->nheaders++;
	}
}

static void
load_http(struct vx_webcfg *w, const struct vx_cfg_doc *doc,
    const struct vx_cfg_node *map, struct vx_cfg_errors *errs)
{
	struct http_raw h;

	memset(&h, 0, sizeof(h));
	h.http2 = true;
	if (vx_cfg_apply(errs, doc, http_keys, map, &h, "http_server_config",
	    NULL) > 0 && map->kind != VX_CFG_MAP)
		return;
	w->http2 = h.http2;
	load_headers(w, h.headers, errs);
}

/* ---- basic_auth_users ---- */

static bool
bcrypt_char(char c)
{
	return c == '.' || c == '/' || (c >= 'A' && c <= 'Z') ||
	    (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool
webcfg_bcrypt_valid(const char *s, size_t len)
{
	int cost;

	if (len != WEBCFG_BCRYPT_LEN || strlen(s) != len)
		return false;
	if (strncmp(s, "$2a$", 4) != 0 && strncmp(s, "$2b$", 4) != 0 &&
	    strncmp(s, "$2y$", 4) != 0)
		return false;
	if (s[4] < '0' || s[4] > '9' || s[5] < '0' || s[5] > '9' ||
	    s[6] != '$')
		return false;
	cost = (s[4] - '0') * 10 + (s[5] - '0');
	if (cost < 4 || cost > 31)
		return false;
	for (size_t i = 7; i < len; i++)
		if (!bcrypt_char(s[i]))
			return false;
	return crypt_checksalt(s) == CRYPT_SALT_OK;
}

int
webcfg_bcrypt_cost(const char *hash)
{
	return (hash[4] - '0') * 10 + (hash[5] - '0');
}

/*
 * A hash nobody's password matches, of the given cost: bcrypt runs on it
 * for unknown users so that they cost the same as known ones.
 */
static bool
make_dummy_hash(char *out, size_t outlen, int cost)
{
	static const char	 alphabet[] = "./ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				    "abcdefghijklmnopqrstuvwxyz0123456789";
	char			 setting[CRYPT_GENSALT_OUTPUT_SIZE];
	unsigned char		 rnd[WEBCFG_BCRYPT_LEN];
	size_t			 n;

	if (crypt_gensalt_rn("$2b$", (unsigned long)cost, NULL, 0, setting,
	    sizeof(setting)) == NULL)
		return false;
	n = strlen(setting);
	if (n >= WEBCFG_BCRYPT_LEN || outlen <= WEBCFG_BCRYPT_LEN ||
	    gnutls_rnd(GNUTLS_RND_NONCE, rnd, sizeof(rnd)) < 0)
		return false;
	memcpy(out, setting, n);
	for (size_t i = n; i < WEBCFG_BCRYPT_LEN; i++)
		out[i] = alphabet[rnd[i] & 63];
	out[WEBCFG_BCRYPT_LEN] = '\0';
	return webcfg_bcrypt_valid(out, WEBCFG_BCRYPT_LEN);
}

static void
load_users(struct vx_webcfg *w, const struct vx_cfg_node *map,
    struct vx_cfg_errors *errs)
{
	int	max_cost = 0;
	bool	mixed = false;

	if (map->kind != VX_CFG_MAP) {
		vx_cfg_error(errs, map, "basic_auth_users must be a mapping of "
		    "user names to bcrypt hashes, not %s",
		    vx_cfg_kind_name(map->kind));
		return;
	}
	w->users = calloc(map->n / 2 + 1, sizeof(*w->users));
	if (w->users == NULL) {
		vx_cfg_error(errs, map, "out of memory");
		return;
	}
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		const struct vx_cfg_node	*k = map->items[i];
		const struct vx_cfg_node	*v = map->items[i + 1];
		struct webcfg_user		*u;
		int				 cost;

		if (k->len == 0 || strchr(k->value, ':') != NULL) {
			vx_cfg_error(errs, k, "user name '%s' in "
			    "basic_auth_users cannot log in with basic auth "
			    "(it is empty or contains ':')", k->value);
			continue;
		}
		if (v->kind != VX_CFG_SCALAR || !webcfg_bcrypt_valid(v->value,
		    v->len)) {
			/* Never quote the value: it is a password hash. */
			vx_cfg_error(errs, v, "the password of user '%s' in "
			    "basic_auth_users is not a bcrypt hash (60 "
			    "characters starting with $2a$, $2b$ or $2y$ and "
			    "a cost of 04 to 31, e.g. from 'htpasswd -nBC 10 "
			    "\"\"')", k->value);
			continue;
		}
		u = &w->users[w->nusers];
		u->name = strdup(k->value);
		if (u->name == NULL) {
			vx_cfg_error(errs, k, "out of memory");
			continue;
		}
		u->name_len = k->len;
		memcpy(u->hash, v->value, WEBCFG_BCRYPT_LEN + 1);
		cost = webcfg_bcrypt_cost(u->hash);
		if (max_cost != 0 && cost != max_cost)
			mixed = true;
		if (cost > max_cost)
			max_cost = cost;
		w->nusers++;
	}
	if (w->nusers == 0)
		return;
	/*
	 * With users of different costs an unknown user costs as much as
	 * the dearest one, so a cheaper user can be told apart by timing.
	 */
	if (mixed)
		vx_log_warn("%s:%u:%u: basic_auth_users have different bcrypt "
		    "costs; response times can tell which users exist (give "
		    "every user the same cost)", map->file, map->line,
		    map->col);
	if (!make_dummy_hash(w->dummy_hash, sizeof(w->dummy_hash), max_cost))
		vx_cfg_error(errs, map, "cannot prepare bcrypt for "
		    "basic_auth_users (crypt_gensalt or random numbers "
		    "failed)");
}

/* ---- the object ---- */

struct vx_webcfg *
vx_webcfg_load(const char *path, struct vx_cfg_errors *errs)
{
	struct vx_cfg_doc	*doc;
	struct vx_webcfg	*w;
	struct top_raw		 top;
	size_t			 before = errs->n;

	doc = vx_cfg_doc_load_file(path, errs);
	if (doc == NULL)
		return NULL;
	w = calloc(1, sizeof(*w));
	if (w == NULL) {
		vx_cfg_error(errs, NULL, "%s: out of memory", path);
		vx_cfg_doc_free(doc);
		return NULL;
	}
	w->http2 = true;
	memset(&top, 0, sizeof(top));
	if (doc->root != NULL && !is_null(doc->root))
		vx_cfg_apply(errs, doc, top_keys, doc->root, &top,
		    "the web configuration", NULL);
	if (top.rate_limit != NULL)
		vx_cfg_error(errs, key_node(doc->root, "rate_limit"),
		    "'rate_limit' is not supported by vpn_exporter (use a "
		    "reverse proxy to limit request rates)");
	if (!section_empty(top.tls))
		load_tls(w, doc, top.tls, errs);
	if (!section_empty(top.http))
		load_http(w, doc, top.http, errs);
	if (!is_null(top.users))
		load_users(w, top.users, errs);
	if (errs->n == before && !webcfg_auth_init(w))
		vx_cfg_error(errs, NULL, "%s: cannot set up authentication "
		    "(out of memory or no random numbers)", path);
	vx_cfg_doc_free(doc);
	if (errs->n != before) {
		vx_webcfg_free(w);
		return NULL;
	}
	return w;
}

void
vx_webcfg_free(struct vx_webcfg *w)
{
	if (w == NULL)
		return;
	free(w->cert_pem);
	wipe_free(w->key_pem);
	free(w->ca_pem);
	free(w->priorities);
	vx_strlist_clear(&w->allowed_sans);
	for (size_t i = 0; i < w->nheaders; i++) {
		free(w->headers[i].name);
		free(w->headers[i].value);
	}
	free(w->headers);
	for (size_t i = 0; i < w->nusers; i++)
		free(w->users[i].name);
	if (w->users != NULL)
		explicit_bzero(w->users, w->nusers * sizeof(*w->users));
	free(w->users);
	explicit_bzero(w->dummy_hash, sizeof(w->dummy_hash));
	webcfg_auth_free(w);
	free(w);
}

bool
vx_webcfg_tls(const struct vx_webcfg *w)
{
	return w != NULL && w->tls;
}

static void
set_option(struct MHD_OptionItem *o, enum MHD_OPTION option, const char *s)
{
	o->option = option;
	o->value = 0;
	o->ptr_value = (void *)(uintptr_t)s;	/* MHD does not write it */
}

size_t
vx_webcfg_mhd_options(const struct vx_webcfg *w, unsigned int *flags,
    struct MHD_OptionItem *opts, size_t max)
{
	size_t n = 0;

	if (w == NULL || !w->tls)
		return 0;
	*flags |= MHD_USE_TLS;
	if (max < 3 + (w->ca_pem != NULL))
		return 0;	/* MHD then refuses TLS without a key */
	set_option(&opts[n++], MHD_OPTION_HTTPS_MEM_CERT, w->cert_pem);
	set_option(&opts[n++], MHD_OPTION_HTTPS_MEM_KEY, w->key_pem);
	set_option(&opts[n++], MHD_OPTION_HTTPS_PRIORITIES, w->priorities);
	if (w->ca_pem != NULL)
		set_option(&opts[n++], MHD_OPTION_HTTPS_MEM_TRUST, w->ca_pem);
	return n;
}

void
vx_webcfg_add_headers(const struct vx_webcfg *w, struct MHD_Response *r)
{
	if (r == NULL)
		return;
	/* Always sent; the only value a web config may give it anyway. */
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	if (w == NULL)
		return;
	for (size_t i = 0; i < w->nheaders; i++) {
		if (strcasecmp(w->headers[i].name,
		    "X-Content-Type-Options") == 0)
			continue;
		MHD_add_response_header(r, w->headers[i].name,
		    w->headers[i].value);
	}
}

static bool
str_same(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

bool
vx_webcfg_tls_same(const struct vx_webcfg *a, const struct vx_webcfg *b)
{
	bool ta = a != NULL && a->tls, tb = b != NULL && b->tls;

	if (!ta || !tb)
		return ta == tb;
	return str_same(a->cert_pem, b->cert_pem) &&
	    str_same(a->key_pem, b->key_pem) &&
	    str_same(a->ca_pem, b->ca_pem) &&
	    str_same(a->priorities, b->priorities);
}
