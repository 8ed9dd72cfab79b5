#ifndef VX_WEBCFG_INT_H
#define VX_WEBCFG_INT_H

/*
 * Internals of the web config shared by webcfg.c (loading) and
 * webcfg_auth.c (checking requests), plus the hooks the unit tests use.
 * Not for other modules: they use webcfg.h.
 */

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cfg.h"
#include "webcfg.h"

#define WEBCFG_BCRYPT_LEN	60	/* "$2b$10$" + 22 salt + 31 hash */
#define WEBCFG_PASSWORD_MAX	72	/* bcrypt ignores bytes past this */
#define WEBCFG_CACHE_SLOTS	16
#define WEBCFG_DIGEST_LEN	32	/* HMAC-SHA256 */

enum webcfg_client_auth {
	WEBCFG_NO_CLIENT_CERT,
	WEBCFG_REQUEST_CLIENT_CERT,
	WEBCFG_REQUIRE_ANY_CLIENT_CERT,
	WEBCFG_VERIFY_CLIENT_CERT_IF_GIVEN,
	WEBCFG_REQUIRE_AND_VERIFY_CLIENT_CERT,
};

struct webcfg_user {
	char	*name;
	size_t	 name_len;
	char	 hash[WEBCFG_BCRYPT_LEN + 1];
};

struct webcfg_header {
	char	*name;
	char	*value;
};

/*
 * What changes while serving.  vx_webcfg_precheck() gets a const
 * struct vx_webcfg, which points here.
 */
struct webcfg_auth_state {
	pthread_mutex_t	 bcrypt_lock;	/* one bcrypt at a time */
	pthread_mutex_t	 cache_lock;
	unsigned char	 cache_key[32];	/* random, per process */
	unsigned char	 cache[WEBCFG_CACHE_SLOTS][WEBCFG_DIGEST_LEN];
	bool		 cache_used[WEBCFG_CACHE_SLOTS];
	size_t		 cache_next;	/* round-robin replacement */
	/* For the tests; under bcrypt_lock or cache_lock. */
	uint64_t	 bcrypt_runs;
	uint64_t	 bcrypt_errors;	/* crypt_rn() failed */
	uint64_t	 cache_hits;
	int		 last_cost;	/* cost of the last hash bcrypt ran */
};

struct vx_webcfg {
	/* TLS; all NULL without tls_server_config. */
	bool				 tls;
	char				*cert_pem;
	char				*key_pem;	/* secret */
	char				*ca_pem;	/* NULL: no client certs */
	char				*priorities;	/* GnuTLS */
	enum webcfg_client_auth		 client_auth;
	struct vx_strlist		 allowed_sans;

	bool				 http2;		/* accepted, unused */
	struct webcfg_header		*headers;
	size_t				 nheaders;

	struct webcfg_user		*users;
	size_t				 nusers;
	/* Same cost as the dearest user's hash; run for unknown users. */
	char				 dummy_hash[WEBCFG_BCRYPT_LEN + 1];

	struct webcfg_auth_state	*auth;
};

/* webcfg_auth.c */

/* Allocates w->auth; false on failure (out of memory, no randomness). */
bool	webcfg_auth_init(struct vx_webcfg *w);
void	webcfg_auth_free(struct vx_webcfg *w);

/*
 * Checks a user name and password (not NUL-terminated; may contain NUL
 * bytes) against basic_auth_users: the work behind the 401.  True if w
 * has no users or they match.
 */
bool	vx_webcfg_basic_ok(const struct vx_webcfg *w, const char *user,
	    size_t ulen, const char *pass, size_t plen);

/* Test hooks. */
struct vx_webcfg_stats {
	uint64_t	bcrypt_runs;	/* crypt_rn() calls */
	uint64_t	bcrypt_errors;	/* of which failed (must stay 0) */
	uint64_t	cache_hits;
	int		last_cost;	/* bcrypt cost of the last run, or 0 */
};
void	vx_webcfg_get_stats(const struct vx_webcfg *w,
	    struct vx_webcfg_stats *out);

/* The bcrypt cost of a hash checked by webcfg_bcrypt_valid(). */
int	webcfg_bcrypt_cost(const char *hash);
/* True if s (len bytes) is a bcrypt hash we accept: $2a$, $2b$, $2y$. */
bool	webcfg_bcrypt_valid(const char *s, size_t len);

#endif
