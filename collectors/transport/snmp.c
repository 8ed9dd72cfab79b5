#include "snmp.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/snmpusm.h>

#define WALK_COLS_MAX	64
/*
 * At most this many varbinds are asked for per GETBULK request (columns x
 * repetitions).  net-snmp decodes a whole response at once, at 1,136
 * bytes a varbind, so a request for 25 repetitions of 30 columns from an
 * agent with large messages would hold 850 KB per poll; a real device's
 * response holds a few dozen varbinds anyway.
 */
#define WALK_VARBINDS_MAX	128

struct vx_snmp {
	void		*handle;	/* snmp_sess_open() */
	char		 peer[300];
	int		 retries;
	unsigned long	 requests;
};

/*
 * net-snmp keeps USM users in a process-wide list that session opening
 * modifies; serialise opens (sessions are kept, so this is rare).
 */
static pthread_mutex_t	open_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t	init_once = PTHREAD_ONCE_INIT;
static pthread_once_t	init_v3_once = PTHREAD_ONCE_INIT;

static void
global_init(void)
{
	/* No MIB files, no snmp.conf, no persistent state under /var/lib. */
	setenv("MIBS", "", 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_DONT_READ_CONFIGS, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_DISABLE_PERSISTENT_LOAD, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_DISABLE_PERSISTENT_SAVE, 1);
	netsnmp_ds_set_boolean(NETSNMP_DS_LIBRARY_ID,
	    NETSNMP_DS_LIB_QUICK_PRINT, 1);
	snmp_disable_log();
}

/*
 * The full init_snmp() sets up SNMPv3 (USM, engine ID, OpenSSL), which
 * costs about 2 MiB of resident memory; v2c sessions do not need it, so
 * it runs only when the first v3 session opens.
 */
static void
global_init_v3(void)
{
	init_snmp("vpn_exporter");
}

void
vx_snmp_global_init(void)
{
	pthread_once(&init_once, global_init);
}

unsigned long
vx_snmp_requests(const struct vx_snmp *s)
{
	return s->requests;
}

/* Maps a net-snmp library error to our outcome and a clear message. */
static int
lib_error(struct vx_snmp *s, int liberr, const char *detail,
    struct vx_err *err)
{
	switch (liberr) {
	case SNMPERR_TIMEOUT:
		return vx_err_set(err, VX_E_TIMEOUT, "no response from %s "
		    "(device unreachable, or wrong community or v3 "
		    "credentials)", s->peer);
	case SNMPERR_AUTHENTICATION_FAILURE:
	case SNMPERR_USM_AUTHENTICATIONFAILURE:
		return vx_err_set(err, VX_E_AUTH, "SNMPv3 authentication "
		    "failed at %s (wrong auth password or protocol)", s->peer);
	case SNMPERR_DECRYPTION_ERR:
	case SNMPERR_USM_DECRYPTIONERROR:
		return vx_err_set(err, VX_E_AUTH, "SNMPv3 decryption failed at "
		    "%s (wrong privacy password or protocol)", s->peer);
	case SNMPERR_UNKNOWN_USER_NAME:
	case SNMPERR_USM_UNKNOWNSECURITYNAME:
		return vx_err_set(err, VX_E_AUTH, "SNMPv3 user unknown to %s",
		    s->peer);
	case SNMPERR_UNSUPPORTED_SEC_LEVEL:
	case SNMPERR_USM_UNSUPPORTEDSECURITYLEVEL:
		return vx_err_set(err, VX_E_AUTH, "SNMPv3 security level not "
		    "supported for this user by %s", s->peer);
	case SNMPERR_NOT_IN_TIME_WINDOW:
	case SNMPERR_USM_NOTINTIMEWINDOW:
	case SNMPERR_UNKNOWN_ENG_ID:
	case SNMPERR_USM_UNKNOWNENGINEID:
		return vx_err_set(err, VX_E_PROTOCOL, "SNMPv3 engine "
		    "synchronisation with %s failed: %s", s->peer, detail);
	case SNMPERR_BAD_ADDRESS:
	case SNMPERR_BAD_SENDTO:
	case SNMPERR_BAD_RECVFROM:
	case SNMPERR_NO_SOCKET:
	case SNMPERR_BAD_LOCPORT:
		return vx_err_set(err, VX_E_CONNECT, "cannot reach %s: %s",
		    s->peer, detail);
	default:
		break;
	}
	return vx_err_set(err, VX_E_PROTOCOL, "SNMP error with %s: %s "
	    "(net-snmp error %d)", s->peer, detail, liberr);
}

static int
sess_error(struct vx_snmp *s, struct vx_err *err)
{
	int	 liberr = 0, syserr = 0;
	char	*msg = NULL;
	int	 rc;

	snmp_sess_error(s->handle, &liberr, &syserr, &msg);
	/* Report PDUs leave their error in the session, not in liberr. */
	if (liberr == 0)
		liberr = snmp_sess_session(s->handle)->s_snmp_errno;
	rc = lib_error(s, liberr, msg != NULL ? msg : "unknown error", err);
	free(msg);
	return rc;
}

static void
set_v3_keys(netsnmp_session *sess, const struct vx_snmp_params *p,
    const oid *authproto, size_t authlen, const oid *privproto,
    size_t privlen)
{
	sess->securityAuthProto = snmp_duplicate_objid(authproto, authlen);
	sess->securityAuthProtoLen = authlen;
	sess->securityAuthKeyLen = USM_AUTH_KU_LEN;
	if (p->auth_password != NULL)
		generate_Ku(authproto, (u_int)authlen,
		    (const u_char *)p->auth_password, strlen(p->auth_password),
		    sess->securityAuthKey, &sess->securityAuthKeyLen);
	if (privproto == NULL)
		return;
	sess->securityPrivProto = snmp_duplicate_objid(privproto, privlen);
	sess->securityPrivProtoLen = privlen;
	sess->securityPrivKeyLen = USM_PRIV_KU_LEN;
	if (p->priv_password != NULL)
		generate_Ku(authproto, (u_int)authlen,
		    (const u_char *)p->priv_password, strlen(p->priv_password),
		    sess->securityPrivKey, &sess->securityPrivKeyLen);
}

static void
auth_proto(enum vx_snmp_auth a, const oid **proto, size_t *len)
{
	switch (a) {
	case VX_SNMP_AUTH_MD5:
		*proto = usmHMACMD5AuthProtocol;
		*len = OID_LENGTH(usmHMACMD5AuthProtocol);
		return;
	case VX_SNMP_AUTH_SHA224:
		*proto = usmHMAC128SHA224AuthProtocol;
		*len = OID_LENGTH(usmHMAC128SHA224AuthProtocol);
		return;
	case VX_SNMP_AUTH_SHA256:
		*proto = usmHMAC192SHA256AuthProtocol;
		*len = OID_LENGTH(usmHMAC192SHA256AuthProtocol);
		return;
	case VX_SNMP_AUTH_SHA384:
		*proto = usmHMAC256SHA384AuthProtocol;
		*len = OID_LENGTH(usmHMAC256SHA384AuthProtocol);
		return;
	case VX_SNMP_AUTH_SHA512:
		*proto = usmHMAC384SHA512AuthProtocol;
		*len = OID_LENGTH(usmHMAC384SHA512AuthProtocol);
		return;
	case VX_SNMP_AUTH_SHA:
		break;
	}
	*proto = usmHMACSHA1AuthProtocol;
	*len = OID_LENGTH(usmHMACSHA1AuthProtocol);
}

static void
priv_proto(enum vx_snmp_priv pv, const oid **proto, size_t *len)
{
	switch (pv) {
	case VX_SNMP_PRIV_DES:
		*proto = usmDESPrivProtocol;
		*len = OID_LENGTH(usmDESPrivProtocol);
		return;
	case VX_SNMP_PRIV_AES192:
		*proto = usmAES192PrivProtocol;
		*len = OID_LENGTH(usmAES192PrivProtocol);
		return;
	case VX_SNMP_PRIV_AES256:
		*proto = usmAES256PrivProtocol;
		*len = OID_LENGTH(usmAES256PrivProtocol);
		return;
	case VX_SNMP_PRIV_AES:
		break;
	}
	*proto = usmAESPrivProtocol;
	*len = OID_LENGTH(usmAESPrivProtocol);
}

/* Per-request timeout: the time left shared among the tries. */
static long
request_timeout_us(const struct vx_snmp *s, struct vx_deadline d)
{
	int64_t left = vx_deadline_left_ms(d);
	int64_t per = left / (s->retries + 1);

	if (per < 50)
		per = 50;
	return (long)per * 1000;
}

/*
 * net-snmp keeps one USM user per (engine ID, user name) for the whole
 * process and uses its keys for every session of that user and engine: a
 * session opened later with other passwords (after a reload that changed
 * them, say) would silently keep using the old keys, and a wrong password
 * would go unnoticed.  The engine ID is only known once the session has
 * talked to the agent, so: one request, then rebuild the user from this
 * session's own keys (clearing SNMP_FLAGS_USER_CREATED, without which
 * net-snmp does not rebuild it).  NEEDSWORK: two devices answering with
 * the same engine ID and user name still share one set of keys.
 */
static int
refresh_usm_user(struct vx_snmp *s, struct vx_deadline deadline,
    struct vx_err *err)
{
	static const oid	 uptime[] = { 1, 3, 6, 1, 2, 1, 1, 3, 0 };
	netsnmp_session		*ss = snmp_sess_session(s->handle);
	netsnmp_pdu		*pdu = snmp_pdu_create(SNMP_MSG_GET);
	netsnmp_pdu		*resp = NULL;
	struct usmUser		*u;
	int			 status;

	snmp_add_null_var(pdu, uptime, OID_LENGTH(uptime));
	ss->timeout = request_timeout_us(s, deadline);
	s->requests++;
	status = snmp_sess_synch_response(s->handle, pdu, &resp);
	if (resp != NULL)
		snmp_free_pdu(resp);
	if (status == STAT_TIMEOUT)
		return lib_error(s, SNMPERR_TIMEOUT, "timeout", err);
	if (ss->securityEngineIDLen == 0)
		return sess_error(s, err);
	pthread_mutex_lock(&open_lock);
	u = usm_get_user(ss->securityEngineID, ss->securityEngineIDLen,
	    ss->securityName);
	if (u != NULL) {
		usm_remove_user(u);
		usm_free_user(u);
	}
	ss->flags &= ~SNMP_FLAGS_USER_CREATED;
	usm_create_user_from_session(ss);
	pthread_mutex_unlock(&open_lock);
	return 0;
}

int
vx_snmp_open(const struct vx_snmp_params *p, struct vx_deadline deadline,
    struct vx_snmp **out, struct vx_err *err)
{
	netsnmp_session	 sess;
	struct vx_snmp	*s;
	bool		 v6 = strchr(p->address, ':') != NULL;

	vx_snmp_global_init();
	if (p->version == VX_SNMP_V3)
		pthread_once(&init_v3_once, global_init_v3);
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	snprintf(s->peer, sizeof(s->peer), v6 ? "udp6:[%s]:%u" : "udp:%s:%u",
	    p->address, p->port);
	s->retries = p->retries;

	snmp_sess_init(&sess);
	sess.peername = s->peer;
	sess.retries = p->retries;
	sess.timeout = request_timeout_us(s, deadline);
	if (p->version == VX_SNMP_V2C) {
		sess.version = SNMP_VERSION_2c;
		sess.community = (u_char *)(uintptr_t)p->community;
		sess.community_len = strlen(p->community);
	} else {
		const oid	*ap = NULL, *pp = NULL;
		size_t		 alen = 0, plen = 0;

		sess.version = SNMP_VERSION_3;
		sess.securityName = (char *)(uintptr_t)p->username;
		sess.securityNameLen = strlen(p->username);
		if (p->context != NULL) {
			sess.contextName = (char *)(uintptr_t)p->context;
			sess.contextNameLen = strlen(p->context);
		}
		switch (p->seclevel) {
		case VX_SNMP_NOAUTH_NOPRIV:
			sess.securityLevel = SNMP_SEC_LEVEL_NOAUTH;
			break;
		case VX_SNMP_AUTH_NOPRIV:
			sess.securityLevel = SNMP_SEC_LEVEL_AUTHNOPRIV;
			auth_proto(p->auth, &ap, &alen);
			set_v3_keys(&sess, p, ap, alen, NULL, 0);
			break;
		case VX_SNMP_AUTH_PRIV:
			sess.securityLevel = SNMP_SEC_LEVEL_AUTHPRIV;
			auth_proto(p->auth, &ap, &alen);
			priv_proto(p->priv, &pp, &plen);
			set_v3_keys(&sess, p, ap, alen, pp, plen);
			break;
		}
	}

	pthread_mutex_lock(&open_lock);
	s->handle = snmp_sess_open(&sess);
	pthread_mutex_unlock(&open_lock);
	SNMP_FREE(sess.securityAuthProto);
	SNMP_FREE(sess.securityPrivProto);
	if (s->handle == NULL) {
		int	 liberr = 0, syserr = 0;
		char	*msg = NULL;
		int	 rc;

		snmp_error(&sess, &liberr, &syserr, &msg);
		rc = lib_error(s, liberr, msg != NULL ? msg : "cannot open "
		    "session", err);
		free(msg);
		free(s);
		return rc;
	}
	if (p->version == VX_SNMP_V3) {
		int rc = refresh_usm_user(s, deadline, err);

		if (rc != 0) {
			vx_snmp_close(s);
			return rc;
		}
	}
	*out = s;
	return 0;
}

void
vx_snmp_close(struct vx_snmp *s)
{
	if (s == NULL)
		return;
	if (s->handle != NULL) {
		pthread_mutex_lock(&open_lock);
		snmp_sess_close(s->handle);
		pthread_mutex_unlock(&open_lock);
	}
	free(s);
}

/* net-snmp variable -> struct vx_varbind (pointers into var). */
static void
to_varbind(const netsnmp_variable_list *var, uint32_t *oidbuf,
    struct vx_varbind *vb)
{
	size_t n = var->name_length < VX_OID_MAX ? var->name_length :
	    VX_OID_MAX;

	for (size_t i = 0; i < n; i++)
		oidbuf[i] = (uint32_t)var->name[i];
	memset(vb, 0, sizeof(*vb));
	vb->oid = oidbuf;
	vb->oid_len = n;
	switch (var->type) {
	case ASN_INTEGER:
		vb->type = VX_VB_INTEGER;
		vb->v.i = *var->val.integer;
		break;
	case ASN_COUNTER:
		vb->type = VX_VB_COUNTER32;
		vb->v.u = (uint32_t)*var->val.integer;
		break;
	case ASN_GAUGE:
		vb->type = VX_VB_GAUGE32;
		vb->v.u = (uint32_t)*var->val.integer;
		break;
	case ASN_TIMETICKS:
		vb->type = VX_VB_TIMETICKS;
		vb->v.u = (uint32_t)*var->val.integer;
		break;
	case ASN_COUNTER64:
		vb->type = VX_VB_COUNTER64;
		vb->v.u = ((uint64_t)var->val.counter64->high << 32) |
		    (uint32_t)var->val.counter64->low;
		break;
	case ASN_OCTET_STR:
		vb->type = VX_VB_OCTETS;
		vb->v.s.p = var->val.string;
		vb->v.s.len = var->val_len;
		break;
	case ASN_IPADDRESS:
		vb->type = VX_VB_IPADDR;
		vb->v.s.p = var->val.string;
		vb->v.s.len = var->val_len;
		break;
	default:
		vb->type = VX_VB_NULL;
		break;
	}
}

static bool
is_exception(u_char type)
{
	return type == SNMP_NOSUCHOBJECT || type == SNMP_NOSUCHINSTANCE ||
	    type == SNMP_ENDOFMIBVIEW;
}

/* Sends pdu; on success *resp is an answer with error-status noError. */
static int
transact(struct vx_snmp *s, netsnmp_pdu *pdu, netsnmp_pdu **resp,
    struct vx_deadline deadline, struct vx_err *err)
{
	netsnmp_session	*sess = snmp_sess_session(s->handle);
	int		 status;

	if (vx_deadline_passed(deadline)) {
		snmp_free_pdu(pdu);
		return vx_err_set(err, VX_E_TIMEOUT, "deadline passed while "
		    "polling %s", s->peer);
	}
	sess->timeout = request_timeout_us(s, deadline);
	*resp = NULL;
	s->requests++;
	status = snmp_sess_synch_response(s->handle, pdu, resp);
	if (status == STAT_TIMEOUT) {
		if (*resp != NULL)
			snmp_free_pdu(*resp);
		return lib_error(s, SNMPERR_TIMEOUT, "timeout", err);
	}
	if (status != STAT_SUCCESS || *resp == NULL) {
		if (*resp != NULL)
			snmp_free_pdu(*resp);
		return sess_error(s, err);
	}
	return 0;
}

int
vx_snmp_get(struct vx_snmp *s, const struct vx_oid *oids, size_t n,
    vx_varbind_fn fn, void *arg, struct vx_deadline deadline,
    struct vx_err *err)
{
	netsnmp_pdu		*pdu, *resp;
	netsnmp_variable_list	*var;
	int			 rc;

	pdu = snmp_pdu_create(SNMP_MSG_GET);
	for (size_t i = 0; i < n; i++) {
		oid tmp[VX_OID_MAX];

		for (size_t k = 0; k < oids[i].len; k++)
			tmp[k] = oids[i].sub[k];
		snmp_add_null_var(pdu, tmp, oids[i].len);
	}
	rc = transact(s, pdu, &resp, deadline, err);
	if (rc != 0)
		return rc;
	if (resp->errstat != SNMP_ERR_NOERROR) {
		rc = vx_err_set(err, VX_E_PROTOCOL, "%s answered GET with %s",
		    s->peer, snmp_errstring((int)resp->errstat));
		snmp_free_pdu(resp);
		return rc;
	}
	for (var = resp->variables; var != NULL && rc == 0;
	    var = var->next_variable) {
		uint32_t		oidbuf[VX_OID_MAX];
		struct vx_varbind	vb;

		if (is_exception(var->type))
			continue;
		to_varbind(var, oidbuf, &vb);
		rc = fn(arg, &vb, err);
	}
	snmp_free_pdu(resp);
	return rc;
}

struct walk_col {
	const struct vx_oid	*root;
	oid			 last[VX_OID_MAX];
	size_t			 last_len;
	bool			 done;
};

int
vx_snmp_walk_columns(struct vx_snmp *s, const struct vx_oid *cols,
    size_t ncols, int max_reps, vx_varbind_fn fn, void *arg,
    struct vx_deadline deadline, struct vx_err *err)
{
	struct walk_col	c[WALK_COLS_MAX];
	size_t		active[WALK_COLS_MAX];
	int		rc = 0;

	if (ncols > WALK_COLS_MAX)
		return vx_err_set(err, VX_E_INTERNAL, "too many columns");
	if (max_reps < 1)
		max_reps = 1;
	for (size_t i = 0; i < ncols; i++) {
		c[i].root = &cols[i];
		c[i].last_len = cols[i].len;
		for (size_t k = 0; k < cols[i].len; k++)
			c[i].last[k] = cols[i].sub[k];
		c[i].done = false;
	}
	for (;;) {
		netsnmp_pdu		*pdu, *resp;
		netsnmp_variable_list	*var;
		size_t			 nactive = 0, i;
		int			 reps;
		bool			 progress = false;

		for (i = 0; i < ncols; i++) {
			if (!c[i].done)
				active[nactive++] = i;
		}
		if (nactive == 0)
			return 0;
		reps = max_reps;
		if ((size_t)reps * nactive > WALK_VARBINDS_MAX)
			reps = nactive >= WALK_VARBINDS_MAX ? 1 :
			    (int)(WALK_VARBINDS_MAX / nactive);
		pdu = snmp_pdu_create(SNMP_MSG_GETBULK);
		pdu->non_repeaters = 0;
		pdu->max_repetitions = reps;
		for (i = 0; i < nactive; i++)
			snmp_add_null_var(pdu, c[active[i]].last,
			    c[active[i]].last_len);
		rc = transact(s, pdu, &resp, deadline, err);
		if (rc != 0)
			return rc;
		/* Halve what was asked for, not a bound it was already under. */
		if (resp->errstat == SNMP_ERR_TOOBIG && reps > 1) {
			max_reps = reps / 2;
			snmp_free_pdu(resp);
			continue;
		}
		if (resp->errstat != SNMP_ERR_NOERROR) {
			rc = vx_err_set(err, VX_E_PROTOCOL, "%s answered "
			    "GETBULK with %s", s->peer,
			    snmp_errstring((int)resp->errstat));
			snmp_free_pdu(resp);
			return rc;
		}
		i = 0;
		for (var = resp->variables; var != NULL && rc == 0;
		    var = var->next_variable, i++) {
			struct walk_col		*col = &c[active[i % nactive]];
			uint32_t		 oidbuf[VX_OID_MAX];
			struct vx_varbind	 vb;

			if (col->done)
				continue;
			if (is_exception(var->type) ||
			    var->name_length > VX_OID_MAX) {
				col->done = true;
				continue;
			}
			to_varbind(var, oidbuf, &vb);
			if (!vx_oid_under(vb.oid, vb.oid_len, col->root->sub,
			    col->root->len, NULL, NULL)) {
				col->done = true;
				continue;
			}
			/* An agent that does not move forward would loop. */
			if (snmp_oid_compare(var->name, var->name_length,
			    col->last, col->last_len) <= 0) {
				rc = vx_err_set(err, VX_E_PROTOCOL, "%s returned "
				    "OIDs out of order in a walk", s->peer);
				break;
			}
			memcpy(col->last, var->name,
			    var->name_length * sizeof(oid));
			col->last_len = var->name_length;
			progress = true;
			rc = fn(arg, &vb, err);
		}
		snmp_free_pdu(resp);
		if (rc != 0)
			return rc;
		if (!progress) {
			bool all_done = true;

			for (i = 0; i < nactive; i++)
				all_done = all_done && c[active[i]].done;
			if (!all_done)
				return vx_err_set(err, VX_E_PROTOCOL, "%s "
				    "answered GETBULK with no varbinds",
				    s->peer);
		}
	}
}
