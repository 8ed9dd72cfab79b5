/*
 * The juniper_srx_rest collector: the Junos REST API ("set system
 * services rest https"), GET https://<srx>:<port>/rpc/<method> with HTTP
 * Basic authentication, through the shared HTTPS transport (libcurl,
 * TLS verified by default, the poll's deadline, a reply-size cap, one
 * kept connection).  The same three RPCs as juniper_srx_netconf
 * (srx_collect.c), each reply handed to its pure parser.
 */
#include "srx_collect.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "https.h"
#include "https_opts.h"

#include "banned.h"

#define NAME	"juniper_srx_rest"

struct srx_rest_cfg {
	struct vx_https_opts	 https;
	char			*username;
	struct vx_secret	 password;
};

struct srx_rest_state {
	struct srx_rest_cfg	 cfg;
	struct vx_https		*https;
};

#define F(m)	offsetof(struct srx_rest_cfg, m)
static const struct vx_cfg_key srx_rest_keys[] = {
	VX_HTTPS_OPTS_KEYS(F, https),
	{ "username", VX_CFG_T_STRING, F(username), true, 0, 0, NULL },
	{ "password", VX_CFG_T_SECRET, F(password), false, 0, 0, NULL },
	{ NULL, 0, 0, false, 0, 0, NULL },
};
#undef F

/* Index of "password" in srx_rest_keys, for the "seen" bits. */
#define K_PASSWORD	(VX_HTTPS_OPTS_NKEYS + 1)

static void
srx_rest_free(void *arg)
{
	struct srx_rest_state *st = arg;

	if (st == NULL)
		return;
	vx_https_free(st->https);
	vx_https_opts_release(&st->cfg.https);
	vx_cfg_free_fields(srx_rest_keys, &st->cfg);
	free(st);
}

static int
srx_rest_configure(struct vx_cfg_errors *errs, const struct vx_cfg_doc *doc,
    const struct vx_cfg_node *key, const struct vx_cfg_node *opts,
    const struct vx_target *target, void **state)
{
	struct srx_rest_state	*st;
	char			 where[300];
	uint64_t		 seen = 0;
	size_t			 nerr;

	snprintf(where, sizeof(where), NAME " of device '%s'", target->device);
	if (!vx_https_opts_start(errs, key, opts, where,
	    "username, password_file"))
		return -1;
	st = calloc(1, sizeof(*st));
	if (st == NULL)
		return -1;
	vx_https_opts_init(&st->cfg.https, 3443);
	nerr = vx_cfg_apply(errs, doc, srx_rest_keys, opts, &st->cfg, where,
	    &seen);
	nerr += vx_https_opts_check(errs, doc, opts, &st->cfg.https, where);
	if (st->cfg.password.value == NULL &&
	    !(seen & (UINT64_C(1) << K_PASSWORD))) {
		vx_cfg_error(errs, opts, "%s: needs 'password' (or "
		    "password_file / password_env)", where);
		nerr++;
	}
	if (nerr > 0) {
		srx_rest_free(st);
		return -1;
	}
	vx_https_opts_warn(&st->cfg.https, target->device, NAME,
	    "the password");
	*state = st;
	return 0;
}

static void
srx_rest_reset(void *arg)
{
	struct srx_rest_state *st = arg;

	vx_https_close(st->https);
}

/* One reply: parsed and merged, or the failure it is. */
static int
reply(const struct srx_request *r, const struct vx_https_req *q,
    const struct vx_target *target, struct vx_snapshot *snap,
    struct vx_err *err)
{
	struct vx_err inner;

	if (!q->started)
		return vx_err_set(err, VX_E_TIMEOUT, "'%s': the deadline passed "
		    "before it could be sent", r->what);
	if (q->rc != 0) {
		*err = q->err;
		vx_err_prefix(err, "'%s'", r->what);
		return q->rc;
	}
	if (q->status == 401 || q->status == 403)
		return vx_err_set(err, VX_E_AUTH, "'%s': HTTP %ld: the device "
		    "refused the username and password", r->what, q->status);
	if (q->status == 200)
		return srx_merge_reply(r, q->body.buf, q->body.len, target,
		    snap, err);
	/* An error status: the device's own message, when it sent one. */
	vx_err_clear(&inner);
	if (q->body.len > 0 && srx_merge_reply(r, q->body.buf, q->body.len,
	    target, snap, &inner) == -VX_E_PROTOCOL)
		return vx_err_set(err, VX_E_PROTOCOL, "HTTP %ld: %s", q->status,
		    inner.msg);
	return vx_err_set(err, VX_E_PROTOCOL, "'%s': HTTP %ld", r->what,
	    q->status);
}

static int
srx_rest_collect(void *arg, const struct vx_target *target,
    struct vx_deadline deadline, struct vx_snapshot *snap, struct vx_err *err)
{
	struct srx_rest_state	*st = arg;
	struct vx_https_req	 reqs[SRX_REQ__COUNT];
	struct vx_https_req	*rp[SRX_REQ__COUNT];
	int			 rc = 0;

	if (st->https == NULL) {
		struct vx_https_params p;

		vx_https_opts_params(&st->cfg.https, target->address, &p);
		p.username = st->cfg.username;
		p.password = st->cfg.password.value;
		st->https = vx_https_new(&p);
		if (st->https == NULL)
			return vx_err_set(err, VX_E_NOMEM, "out of memory");
	}
	memset(reqs, 0, sizeof(reqs));
	for (int i = 0; i < SRX_REQ__COUNT; i++) {
		reqs[i].path = srx_requests[i].rest;
		reqs[i].header = i == SRX_REQ_STATS ? "Accept: text/plain" :
		    "Accept: application/xml";
		rp[i] = &reqs[i];
	}
	vx_https_run(st->https, rp, SRX_REQ__COUNT, 0, deadline);
	for (int i = 0; rc == 0 && i < SRX_REQ__COUNT; i++)
		rc = reply(&srx_requests[i], &reqs[i], target, snap, err);
	for (int i = 0; i < SRX_REQ__COUNT; i++)
		vx_https_req_release(&reqs[i]);
	return rc;
}

const struct vx_collector_ops srx_rest_ops = {
	.name = NAME,
	.vendor = "juniper_srx",
	.transport = VX_TRANSPORT_HTTPS,
	.priority = VX_PRIO_AUTHORITATIVE,
	/*
	 * One kept HTTPS connection per device (libcurl's pool); a poll may
	 * open a new one if the device closed it.
	 */
	.fds_kept = 1,
	.fds_polling = 1,
	.configure = srx_rest_configure,
	.collect = srx_rest_collect,
	.fields = srx_poll_fields,
	.reset = srx_rest_reset,
	.free = srx_rest_free,
};
