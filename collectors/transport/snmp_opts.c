/* The SNMP options shared by the SNMP collectors (snmp_opts.h). */
#include "snmp_opts.h"
#include "snmp_usm.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collector.h"
#include "numparse.h"

#include "banned.h"

/* Indexes of VX_SNMP_OPTS_KEYS, for the "seen" bits of vx_cfg_apply. */
enum { K_COMMUNITY = 2, K_AUTH_PASSWORD = 6, K_PRIV_PASSWORD = 8 };
#define KEY_BIT(k)	(UINT64_C(1) << (k))

const char *const vx_snmp_versions[] = { "2c", "3", NULL };
const char *const vx_snmp_seclevels[] = {
	"noAuthNoPriv", "authNoPriv", "authPriv", NULL,
};
const char *const vx_snmp_auths[] = {
	"MD5", "SHA", "SHA224", "SHA256", "SHA384", "SHA512", NULL,
};
const char *const vx_snmp_privs[] = {
	"DES", "AES", "AES192", "AES256", "AES192C", "AES256C", NULL,
};

void
vx_snmp_opts_init(struct vx_snmp_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->port = 161;
	o->version = 0;
	o->seclevel = 2;	/* authPriv */
	o->auth = 1;		/* SHA */
	o->priv = 1;		/* AES */
	o->max_repetitions = 25;
	/*
	 * Requests outstanding at once: round trips, not CPU, bound a remote
	 * device, but its agent is a shared and fragile resource.
	 */
	o->max_in_flight = 4;
}

/* Hex digits, "0x" first and colons between bytes allowed; false if not. */
static bool
parse_engine_id(const char *s, unsigned char *out, size_t max, size_t *len)
{
	size_t n = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	while (*s != '\0') {
		int hi, lo;

		if (*s == ':' && n > 0 && s[1] != '\0') {
			s++;
			continue;
		}
		hi = vx_hex_digit(s[0]);
		lo = hi < 0 ? -1 : vx_hex_digit(s[1]);
		if (hi < 0 || lo < 0 || n == max)
			return false;
		out[n++] = (unsigned char)(hi << 4 | lo);
		s += 2;
	}
	*len = n;
	return true;
}

size_t
vx_snmp_opts_check(struct vx_cfg_errors *errs, const struct vx_cfg_node *opts,
    struct vx_snmp_opts *c, const char *where, uint64_t seen)
{
	size_t nerr = 0;

	if (c->engine_id != NULL) {
		const struct vx_cfg_node *at = vx_cfg_map_get(opts, "engine_id");

		if (c->version != 1) {
			vx_cfg_error(errs, at, "%s: engine_id is for SNMP v3 "
			    "only", where);
			nerr++;
		} else if (!parse_engine_id(c->engine_id, c->engine,
		    sizeof(c->engine), &c->engine_len) || c->engine_len < 5) {
			vx_cfg_error(errs, at, "%s: engine_id must be 5 to 32 "
			    "bytes in hex, e.g. '80001f8880e9630000d61ff449'",
			    where);
			nerr++;
		}
	}
	/* A key given but unusable (unset variable...) is already reported. */
	if (c->version == 0 && c->community.value == NULL &&
	    !(seen & KEY_BIT(K_COMMUNITY))) {
		vx_cfg_error(errs, opts, "%s: SNMP v2c needs 'community' (or "
		    "community_file / community_env)", where);
		nerr++;
	}
	if (c->version != 1)
		return nerr;
	if (c->username == NULL) {
		vx_cfg_error(errs, opts, "%s: SNMP v3 needs 'username'", where);
		nerr++;
	}
	if (c->seclevel >= 1 && c->auth_password.value == NULL &&
	    !(seen & KEY_BIT(K_AUTH_PASSWORD))) {
		vx_cfg_error(errs, opts, "%s: security_level %s needs "
		    "'auth_password' (or auth_password_file / "
		    "auth_password_env)", where, vx_snmp_seclevels[c->seclevel]);
		nerr++;
	}
	if (c->seclevel == 2 && c->priv_password.value == NULL &&
	    !(seen & KEY_BIT(K_PRIV_PASSWORD))) {
		vx_cfg_error(errs, opts, "%s: security_level authPriv needs "
		    "'priv_password' (or priv_password_file / "
		    "priv_password_env)", where);
		nerr++;
	}
	if (c->auth_password.value != NULL &&
	    strlen(c->auth_password.value) < 8) {
		vx_cfg_error(errs, opts, "%s: auth_password must be at least 8 "
		    "characters (RFC 3414)", where);
		nerr++;
	}
	if (c->priv_password.value != NULL &&
	    strlen(c->priv_password.value) < 8) {
		vx_cfg_error(errs, opts, "%s: priv_password must be at least 8 "
		    "characters (RFC 3414)", where);
		nerr++;
	}
	return nerr;
}

/* The options alone, as a key table of their own. */
struct only {
	struct vx_snmp_opts o;
};

#define F(m)	offsetof(struct only, m)
static const struct vx_cfg_key only_keys[] = {
	VX_SNMP_OPTS_KEYS(F, o),
	{ NULL, 0, 0, false, 0, 0, NULL },
};
#undef F

size_t
vx_snmp_opts_configure(struct vx_cfg_errors *errs,
    const struct vx_cfg_doc *doc, const struct vx_cfg_node *key,
    const struct vx_cfg_node *opts, const char *where,
    struct vx_snmp_opts *o)
{
	uint64_t	seen = 0;
	size_t		nerr;

	vx_snmp_opts_init(o);
	if (opts == NULL) {
		vx_cfg_error(errs, key, "%s: needs options (community for "
		    "v2c, or username and passwords for v3)", where);
		return 1;
	}
	nerr = vx_cfg_apply(errs, doc, only_keys, opts, o, where, &seen);
	return nerr + vx_snmp_opts_check(errs, opts, o, where, seen);
}

void
vx_snmp_opts_release(struct vx_snmp_opts *o)
{
	vx_cfg_free_fields(only_keys, o);
}

void
vx_snmp_opts_params(const struct vx_snmp_opts *c, const char *address,
    int retries, struct vx_snmp_params *p)
{
	memset(p, 0, sizeof(*p));
	p->address = address;
	p->port = (unsigned)c->port;
	p->version = c->version == 0 ? VX_SNMP_V2C : VX_SNMP_V3;
	p->community = c->community.value;
	p->username = c->username;
	p->seclevel = (enum vx_snmp_seclevel)c->seclevel;
	p->auth = (enum vx_snmp_auth)c->auth;
	p->auth_password = c->auth_password.value;
	p->priv = (enum vx_snmp_priv)c->priv;
	p->priv_password = c->priv_password.value;
	p->context = c->context;
	p->retries = retries;
	p->max_in_flight = (int)c->max_in_flight;
}

int
vx_snmp_dev_configure(struct vx_cfg_errors *errs, const struct vx_cfg_doc *doc,
    const struct vx_cfg_node *key, const struct vx_cfg_node *opts,
    const char *collector, const struct vx_snmp_poller *poller,
    const struct vx_target *target, struct vx_snmp_dev **out)
{
	struct vx_snmp_dev	*d = calloc(1, sizeof(*d));
	char			 where[300];

	if (d == NULL)
		return -1;
	d->poller = poller;
	snprintf(where, sizeof(where), "%s of device '%s'", collector,
	    target->device);
	if (vx_snmp_opts_configure(errs, doc, key, opts, where,
	    &d->opts) > 0) {
		vx_snmp_dev_free(d);
		return -1;
	}
	if (d->opts.version == 1)
		vx_snmp_global_init_v3();
	vx_snmp_dev_reset(d);
	*out = d;
	return 0;
}

int
vx_snmp_dev_open(struct vx_snmp_dev *d, const struct vx_target *target,
    struct vx_deadline deadline, struct vx_snmp **sess, struct vx_err *err)
{
	struct vx_snmp_params p;

	int rc;

	vx_snmp_opts_params(&d->opts, target->address, target->retries, &p);
	p.engine = &d->engine;
	p.engine_fixed = d->opts.engine_len > 0 && !d->user_built;
	p.owner = d;
	p.device = target->device;
	*sess = NULL;
	rc = vx_snmp_open(&p, deadline, sess, err);
	if (rc == 0 && p.engine_fixed)
		d->user_built = true;
	return rc;
}

void
vx_snmp_dev_reset(void *arg)
{
	struct vx_snmp_dev *d = arg;

	/* A configured engine ID stays; a learnt one is learnt again. */
	memset(&d->engine, 0, sizeof(d->engine));
	memcpy(d->engine.id, d->opts.engine, d->opts.engine_len);
	d->engine.len = d->opts.engine_len;
	d->user_built = false;
}

void
vx_snmp_dev_free(void *arg)
{
	struct vx_snmp_dev *d = arg;

	if (d == NULL)
		return;
	vx_snmp_usm_release(d);
	vx_snmp_opts_release(&d->opts);
	free(d);
}
