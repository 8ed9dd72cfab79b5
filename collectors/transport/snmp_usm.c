#include "snmp_usm.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"

/* One per owner: the pair it last built keys for, with copies of them. */
struct claim {
	const void	*owner;
	char		*device;
	unsigned char	*engine;
	size_t		 engine_len;
	char		*user;
	unsigned char	*auth;
	size_t		 auth_len;
	unsigned char	*priv;
	size_t		 priv_len;
};

static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;
static struct claim	*claims;
static size_t		 nclaims, cap;

static bool
same_bytes(const unsigned char *a, size_t alen, const unsigned char *b,
    size_t blen)
{
	return alen == blen && (alen == 0 || memcmp(a, b, alen) == 0);
}

/* Differing keys of one kind clash only if both sides have that kind. */
static bool
keys_clash(const unsigned char *a, size_t alen, const unsigned char *b,
    size_t blen)
{
	return alen > 0 && blen > 0 && !same_bytes(a, alen, b, blen);
}

static bool
same_pair(const struct claim *h, const struct vx_snmp_usm_claim *c)
{
	return same_bytes(h->engine, h->engine_len, c->engine,
	    c->engine_len) && strcmp(h->user, c->user) == 0;
}

static bool
same_device(const struct claim *h, const struct vx_snmp_usm_claim *c)
{
	return h->owner == c->owner || strcmp(h->device, c->device) == 0;
}

static void *
dup_bytes(const void *p, size_t n)
{
	void *d = malloc(n > 0 ? n : 1);

	if (d != NULL && n > 0)
		memcpy(d, p, n);
	return d;
}

static void
claim_clear(struct claim *h)
{
	/* Copies of key material: not left behind in freed memory. */
	if (h->auth != NULL)
		explicit_bzero(h->auth, h->auth_len);
	if (h->priv != NULL)
		explicit_bzero(h->priv, h->priv_len);
	free(h->device);
	free(h->engine);
	free(h->user);
	free(h->auth);
	free(h->priv);
	memset(h, 0, sizeof(*h));
}

static int
claim_fill(struct claim *h, const struct vx_snmp_usm_claim *c)
{
	h->owner = c->owner;
	h->device = strdup(c->device);
	h->engine = dup_bytes(c->engine, c->engine_len);
	h->engine_len = c->engine_len;
	h->user = strdup(c->user);
	h->auth = dup_bytes(c->auth, c->auth_len);
	h->auth_len = c->auth_len;
	h->priv = dup_bytes(c->priv, c->priv_len);
	h->priv_len = c->priv_len;
	if (h->device == NULL || h->engine == NULL || h->user == NULL ||
	    h->auth == NULL || h->priv == NULL) {
		claim_clear(h);
		return VX_SNMP_USM_NOMEM;
	}
	return 0;
}

int
vx_snmp_usm_claim(const struct vx_snmp_usm_claim *c, char *other,
    size_t other_size)
{
	struct claim	 fresh;
	size_t		 mine = SIZE_MAX;
	int		 rc;

	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < nclaims; i++) {
		struct claim *h = &claims[i];

		if (same_device(h, c)) {
			mine = i;
			continue;
		}
		if (same_pair(h, c) && (keys_clash(h->auth, h->auth_len,
		    c->auth, c->auth_len) || keys_clash(h->priv, h->priv_len,
		    c->priv, c->priv_len))) {
			snprintf(other, other_size, "%s", h->device);
			pthread_mutex_unlock(&lock);
			return VX_SNMP_USM_CLASH;
		}
	}
	rc = claim_fill(&fresh, c);
	if (rc == 0 && mine == SIZE_MAX && nclaims == cap) {
		struct claim *n = vx_grow(claims, &cap, sizeof(*n), 16);

		if (n == NULL) {
			claim_clear(&fresh);
			rc = VX_SNMP_USM_NOMEM;
		} else
			claims = n;
	}
	if (rc == 0) {
		if (mine == SIZE_MAX)
			mine = nclaims++;
		else
			claim_clear(&claims[mine]);
		claims[mine] = fresh;
	}
	pthread_mutex_unlock(&lock);
	return rc;
}

void
vx_snmp_usm_release(const void *owner)
{
	pthread_mutex_lock(&lock);
	for (size_t i = 0; i < nclaims; i++) {
		if (claims[i].owner != owner)
			continue;
		claim_clear(&claims[i]);
		claims[i] = claims[--nclaims];
		break;
	}
	if (nclaims == 0) {
		free(claims);
		claims = NULL;
		cap = 0;
	}
	pthread_mutex_unlock(&lock);
}
