/*
 * PAN-OS API requests: op commands as GET /api/?type=op&cmd=<xml> with
 * the key in the X-PAN-KEY header, and the key itself, read from the
 * configuration or made with type=keygen from a username and password
 * sent in a POST body.  The key, the username and the password never go
 * into a URL, a log line or an error message.
 *
 * A key can expire or be revoked: when the device refuses it (HTTP 401 or
 * 403), a new one is made once per poll, if a username and password are
 * configured, and the refused commands are sent again.
 */
#include "panos_api.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xml.h"

#include "banned.h"

static bool
refused(long status)
{
	return status == 401 || status == 403;
}

static bool
have_credentials(const struct panos_state *st)
{
	return st->cfg.username.value != NULL &&
	    st->cfg.password.value != NULL;
}

static void
set_key(struct panos_state *st, const char *key)
{
	snprintf(st->key, sizeof(st->key), "%s", key);
	snprintf(st->header, sizeof(st->header), "X-PAN-KEY: %s", st->key);
	st->have_key = true;
}

void
panos_forget_key(struct panos_state *st)
{
	explicit_bzero(st->key, sizeof(st->key));
	explicit_bzero(st->header, sizeof(st->header));
	st->have_key = false;
}

/*
 * A reply other than 200: the device's own message when the body is an
 * API error reply, the page title when it is HTML, else the status.
 */
static int
status_error(const struct panos_state *st, const char *what,
    const struct vx_https_req *r, struct vx_err *err)
{
	enum vx_errcode	 code = refused(r->status) ? VX_E_AUTH :
			    VX_E_PROTOCOL;
	struct vx_err	 inner;
	xmlDoc		*doc = NULL;
	xmlNode		*result;

	vx_err_clear(&inner);
	if (r->body.len > 0 &&
	    panos_open(r->body.buf, r->body.len, &doc, &result, &inner) != 0 &&
	    inner.code != VX_E_PARSE)
		return vx_err_set(err, code, "%s: HTTP %ld: %s", what,
		    r->status, inner.msg);
	xmlFreeDoc(doc);
	return vx_err_set(err, code, "%s: HTTP %ld%s", what, r->status,
	    !refused(r->status) ? "" : have_credentials(st) ?
	    " (the device refused the API key)" : " (the device refused the "
	    "API key; with username and password a new one would be made)");
}

static int
keygen(struct panos_state *st, struct vx_deadline deadline,
    struct vx_err *err)
{
	struct vx_https_req	r = { .path = "/api/" };
	struct vx_strbuf	body;
	char			key[PANOS_KEY_MAX];
	int			rc;

	panos_forget_key(st);
	if (!have_credentials(st))
		return vx_err_set(err, VX_E_AUTH, "no API key: configure "
		    "api_key, or username and password to make one");
	vx_strbuf_init(&body, 128);
	vx_strbuf_addstr(&body, "type=keygen&user=");
	vx_https_escape(&body, st->cfg.username.value);
	vx_strbuf_addstr(&body, "&password=");
	vx_https_escape(&body, st->cfg.password.value);
	if (body.failed) {
		vx_strbuf_release(&body);
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	}
	r.post = body.buf;
	rc = vx_https_run(st->https, (struct vx_https_req *[]){ &r }, 1, 0,
	    deadline);
	explicit_bzero(body.buf, body.alloc);
	vx_strbuf_release(&body);
	if (rc == 0 && !r.started)
		rc = r.rc;
	if (rc != 0) {
		*err = r.err;
		vx_err_prefix(err, "making an API key (keygen)");
	} else if (refused(r.status)) {
		rc = vx_err_set(err, VX_E_AUTH, "making an API key (keygen): "
		    "HTTP %ld: the device refused the username and password",
		    r.status);
	} else if (r.status != 200) {
		rc = status_error(st, "making an API key (keygen)", &r, err);
	} else if ((rc = panos_parse_keygen(r.body.buf, r.body.len, key,
	    sizeof(key), err)) != 0) {
		vx_err_prefix(err, "making an API key (keygen)");
	} else {
		set_key(st, key);
		st->keygens++;
		st->keygen_poll = st->poll;
	}
	explicit_bzero(key, sizeof(key));
	vx_https_req_release(&r);
	return rc;
}

static int
ensure_key(struct panos_state *st, struct vx_deadline deadline,
    struct vx_err *err)
{
	if (st->have_key)
		return 0;
	if (st->cfg.api_key.value != NULL) {
		set_key(st, st->cfg.api_key.value);
		return 0;
	}
	return keygen(st, deadline, err);
}

void
panos_op_init(struct panos_op *op, const char *cmd, const char *xml)
{
	memset(op, 0, sizeof(*op));
	snprintf(op->cmd, sizeof(op->cmd), "%s", cmd);
	snprintf(op->xml, sizeof(op->xml), "%s", xml);
	vx_strbuf_init(&op->path, 0);
	vx_strbuf_init(&op->req.body, 0);
}

void
panos_ops_release(struct panos_op *ops, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		vx_strbuf_release(&ops[i].path);
		vx_https_req_release(&ops[i].req);
	}
}

/*
 * Sends the ops with refuse[i] set (all when refuse is NULL), with the
 * current key.  Returns 0 or -VX_E_NOMEM.
 */
static int
send_ops(struct panos_state *st, struct panos_op *ops, size_t n,
    const bool *redo, int64_t min_left_ms, struct vx_deadline deadline)
{
	struct vx_https_req	**reqs = calloc(n > 0 ? n : 1, sizeof(*reqs));
	size_t			  m = 0;

	if (reqs == NULL)
		return -VX_E_NOMEM;
	for (size_t i = 0; i < n; i++) {
		struct panos_op *op = &ops[i];

		if (redo != NULL && !redo[i])
			continue;
		if (op->path.len == 0) {
			vx_strbuf_addstr(&op->path, "/api/?type=op&cmd=");
			if (!vx_https_escape(&op->path, op->xml)) {
				free(reqs);
				return -VX_E_NOMEM;
			}
		}
		vx_https_req_release(&op->req);
		op->req.path = op->path.buf;
		op->req.post = NULL;
		op->req.header = st->header;
		reqs[m++] = &op->req;
	}
	vx_https_run(st->https, reqs, m, min_left_ms, deadline);
	free(reqs);
	return 0;
}

int
panos_run_ops(struct panos_state *st, struct panos_op *ops, size_t n,
    int64_t min_left_ms, struct vx_deadline deadline, struct vx_err *err)
{
	bool	*redo;
	bool	 any = false;
	int	 rc;

	if ((rc = ensure_key(st, deadline, err)) != 0)
		return rc;
	if (send_ops(st, ops, n, NULL, min_left_ms, deadline) != 0)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	redo = calloc(n > 0 ? n : 1, sizeof(*redo));
	if (redo == NULL)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++) {
		redo[i] = ops[i].req.started && ops[i].req.rc == 0 &&
		    refused(ops[i].req.status);
		any = any || redo[i];
	}
	/* The key expired or was revoked: a new one, once a poll. */
	if (any && have_credentials(st) && st->keygen_poll != st->poll) {
		if ((rc = keygen(st, deadline, err)) != 0 ||
		    send_ops(st, ops, n, redo, 0, deadline) != 0) {
			free(redo);
			return rc != 0 ? rc : vx_err_set(err, VX_E_NOMEM,
			    "out of memory");
		}
	}
	free(redo);
	for (size_t i = 0; i < n; i++) {
		const struct vx_https_req *r = &ops[i].req;

		if (!r->started)
			continue;
		if (r->rc != 0) {
			*err = r->err;
			vx_err_prefix(err, "'%s'", ops[i].cmd);
			return r->rc;
		}
		if (r->status != 200) {
			char what[160];

			snprintf(what, sizeof(what), "'%s'", ops[i].cmd);
			if (refused(r->status))
				panos_forget_key(st);
			return status_error(st, what, r, err);
		}
	}
	return 0;
}
