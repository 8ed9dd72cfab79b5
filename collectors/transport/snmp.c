#include "snmp.h"

#include <errno.h>
#include <time.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/library/large_fd_set.h>
#include <net-snmp/library/snmpusm.h>

#include "cpu_gate.h"
#include "grow.h"
#include "log.h"
#include "snmp_usm.h"

#define WALK_COLS_MAX	64
/*
 * At most this many varbinds are asked for per GETBULK request (columns x
 * repetitions).  net-snmp decodes a whole response at once, at 1,136
 * bytes a varbind, so a request for 25 repetitions of 30 columns from an
 * agent with large messages would hold 850 KB per poll; a real device's
 * response holds a few dozen varbinds anyway.
 */
#define WALK_VARBINDS_MAX	128
#define IN_FLIGHT_MAX		64
/* The shortest wait for an answer we give one request. */
#define REQUEST_TIMEOUT_MIN_MS	50
/*
 * Rows of one column a walk takes at most: a table that never ends (an
 * agent answering ever larger OIDs inside it) would otherwise grow the
 * poll's memory, about 500 bytes a tunnel row, until the deadline.  The
 * largest device we know (50,000 tunnels, bench/) has 200,000 SPI rows.
 */
#define WALK_ROWS_MAX		250000

enum chain_kind {
	CHAIN_GET,
	CHAIN_WALK,
};

/* One column of a walk, or one OID of a GET. */
struct col_state {
	const struct vx_oid	*root;
	oid			 last[VX_OID_MAX + 2];
	size_t			 last_len;
	size_t			 rows;
	bool			 done;
};

struct run;

/*
 * A chain of requests, each one depending on the answer to the one
 * before (the next rows of its columns), so at most one of its requests
 * is outstanding; chains run concurrently.
 */
struct chain {
	struct run		*run;
	enum chain_kind		 kind;
	struct col_state	*cols;
	size_t			 ncols;
	bool			 bounded;
	uint32_t		 lo, hi;
	int			 reps;		/* repetitions asked at most */
	int			 sent_reps;	/* in the request in flight */
	int			 tries;		/* sends of this request */
	bool			 in_flight;
	bool			 done;
	size_t			 sent[WALK_COLS_MAX];	/* columns asked for */
	size_t			 nsent;
};

/* One vx_snmp_run: its chains, and what the answers have done so far. */
struct run {
	struct vx_snmp		*s;
	vx_varbind_fn		 fn;
	void			*arg;
	struct vx_deadline	 deadline;
	struct vx_err		*err;
	int			 rc;		/* first error, or 0 */
	size_t			 in_flight;
	bool			 active;	/* false: ignore late answers */
	struct chain		*chains;
	size_t			 nchains;
	struct col_state	*cols;
};

struct vx_snmp {
	void			*handle;	/* snmp_sess_open() */
	int			 fd;
	netsnmp_large_fd_set	 fds;
	char			 peer[300];
	int			 retries;
	int			 max_in_flight;
	unsigned long		 requests;
	unsigned long		 answers;
	unsigned long		 handled;	/* messages our callback saw */
	unsigned long		 undecodable;	/* datagrams net-snmp refused */
	unsigned long		 strays;	/* SNMP, but no answer of ours */
	/*
	 * Runs whose requests may still be outstanding in the session: they
	 * are freed with it, since net-snmp could still call back into them.
	 */
	struct run		**runs;
	size_t			 nruns;
};

/*
 * net-snmp keeps USM users in a process-wide list that session opening
 * modifies, and the SNMPv3 initialisation registers its security model;
 * both happen under this lock.
 */
static pthread_mutex_t	open_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t	init_once = PTHREAD_ONCE_INIT;
static pthread_once_t	init_v3_once = PTHREAD_ONCE_INIT;

/*
 * net-snmp's log lines (snmp_log) come here instead of raw text on
 * stderr, which is where net-snmp writes when no log handler is enabled.
 * Debug level: what they report also comes back as an error from the
 * call that failed, and that error is logged once, per device.
 */
static int
log_line(int major, int minor, void *server_arg, void *client_arg)
{
	const struct snmp_log_message	*m = server_arg;
	static const char *const	 kv[] = { "component", "net-snmp",
					    NULL };
	size_t				 len;

	(void)major;
	(void)minor;
	(void)client_arg;
	if (m == NULL || m->msg == NULL || !vx_log_enabled(VX_LOG_DEBUG))
		return 0;
	len = strlen(m->msg);
	while (len > 0 && (m->msg[len - 1] == '\n' || m->msg[len - 1] == '\r'))
		len--;
	if (len > 0)
		vx_log_kv(VX_LOG_DEBUG, kv, "%.*s", (int)len, m->msg);
	return 0;
}

static void
global_init(void)
{
	netsnmp_session dummy;

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
	snmp_register_callback(SNMP_CALLBACK_LIBRARY, SNMP_CALLBACK_LOGGING,
	    log_line, NULL);
	snmp_enable_calllog();
	/*
	 * The first snmp_sess_init() initialises the library (transport
	 * domains, request ids): without a lock of its own, so a second
	 * thread could open a session on a half-registered transport list
	 * ("No support for any checked transport domain").
	 */
	snmp_sess_init(&dummy);
}

/*
 * net-snmp's usm_add_user() frees a user already listed with the same
 * engine ID and name, so two threads adding one at once free the user the
 * first is about to use.  Its sessions add users without a lock of ours:
 * engine discovery adds the user its probe is sent as (no engine ID, no
 * name) if there is none, and a session's first message the session's own
 * user.  The first is made here, once; the second never happens (our
 * sessions carry SNMP_FLAGS_USER_CREATED, and refresh_usm_user adds the
 * user under the open lock).
 */
static void
add_probe_user(void)
{
	struct usmUser *u;

	if (usm_get_user(NULL, 0, "") != NULL)
		return;
	u = usm_create_user();
	if (u == NULL)
		return;
	u->name = strdup("");
	u->secName = strdup("");
	if (u->name == NULL || u->secName == NULL)
		usm_free_user(u);
	else
		usm_add_user(u);
}

/*
 * The full init_snmp() sets up SNMPv3 (USM, engine ID, OpenSSL), which
 * costs about 2 MiB of resident memory; v2c sessions do not need it.  It
 * runs under the open lock: v2c requests never look at the security
 * models it registers, and v2c sessions open only under that lock.
 */
static void
global_init_v3(void)
{
	pthread_mutex_lock(&open_lock);
	init_snmp("vpn_exporter");
	add_probe_user();
	pthread_mutex_unlock(&open_lock);
}

void
vx_snmp_global_init(void)
{
	pthread_once(&init_once, global_init);
}

void
vx_snmp_global_init_v3(void)
{
	vx_snmp_global_init();
	pthread_once(&init_v3_once, global_init_v3);
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
		/* Something came back, but nothing we could use. */
		if (s->answers == 0 && s->strays > 0)
			return vx_err_set(err, VX_E_PROTOCOL, "no answer from "
			    "%s: %lu SNMP messages came back, none of them an "
			    "answer to a request we sent (wrong request-ids, "
			    "or answers too late)", s->peer, s->strays);
		if (s->answers == 0 && s->undecodable > 0)
			return vx_err_set(err, VX_E_PROTOCOL, "no answer from "
			    "%s: %lu datagrams came back, none of them an SNMP "
			    "message (not an SNMP agent?)", s->peer,
			    s->undecodable);
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
	case VX_SNMP_PRIV_AES192C:
		*proto = usmAES192CiscoPrivProtocol;
		*len = OID_LENGTH(usmAES192CiscoPrivProtocol);
		return;
	case VX_SNMP_PRIV_AES256C:
		*proto = usmAES256CiscoPrivProtocol;
		*len = OID_LENGTH(usmAES256CiscoPrivProtocol);
		return;
	case VX_SNMP_PRIV_AES:
		break;
	}
	*proto = usmAESPrivProtocol;
	*len = OID_LENGTH(usmAESPrivProtocol);
}

/* Per-request timeout: what is left, shared among the tries left. */
static long
request_timeout_us(struct vx_deadline d, int tries_left)
{
	int64_t left = vx_deadline_left_ms(d);
	int64_t per = left / (tries_left > 0 ? tries_left : 1);

	if (per < REQUEST_TIMEOUT_MIN_MS)
		per = REQUEST_TIMEOUT_MIN_MS;
	return (long)per * 1000;
}

/*
 * Users replaced by refresh_usm_user.  net-snmp reads its user list and a
 * user's keys while it encodes and decodes, without a lock of ours (those
 * calls run in every poll thread at once, engine discovery included, which
 * decodes with whatever user the list has for the pair): a replaced user
 * is unlinked but never freed, since any other thread may be standing on
 * it.  A user is replaced only when its keys are not the device's
 * (user_serves: a password changed by a reload), so few are kept.
 * net-snmp's engine time list is likewise read and extended (never shrunk)
 * by every thread; a lost insert is redone at the next message.
 */
static struct usmUser	**retired;
static size_t		  nretired, retired_cap;

/* Under open_lock.  Its own links stay: a reader may be standing on it. */
static void
retire_user(struct usmUser *u)
{
	if (nretired == retired_cap) {
		struct usmUser **n = vx_grow(retired, &retired_cap, sizeof(*n),
		    8);

		if (n == NULL)
			return;	/* not freed all the same */
		retired = n;
	}
	retired[nretired++] = u;
}

/* A key's protocol and bytes, as one byte string (snmp_usm.h). */
static size_t
key_bytes(const oid *proto, size_t proto_len, const u_char *key,
    size_t key_len, unsigned char *out, size_t size)
{
	size_t n = proto_len * sizeof(*proto);

	if (proto == NULL || n + key_len > size)
		return 0;
	memcpy(out, proto, n);
	memcpy(out + n, key, key_len);
	return n + key_len;
}

/*
 * The session's engine ID and user are about to get its keys: unless
 * another device's other keys hold them (see refresh_usm_user).
 */
static int
claim_usm_user(struct vx_snmp *s, const netsnmp_session *ss,
    const struct vx_snmp_params *p, struct vx_err *err)
{
	unsigned char		 auth[MAX_OID_LEN * sizeof(oid) + USM_AUTH_KU_LEN];
	unsigned char		 priv[MAX_OID_LEN * sizeof(oid) + USM_PRIV_KU_LEN];
	char			 other[256], hex[2 * VX_SNMP_ENGINE_ID_MAX + 1];
	struct vx_snmp_usm_claim c = {
		.owner = p->owner,
		.device = p->device != NULL ? p->device : s->peer,
		.engine = ss->securityEngineID,
		.engine_len = ss->securityEngineIDLen,
		.user = ss->securityName != NULL ? ss->securityName : "",
		.auth = auth,
		.priv = priv,
	};
	size_t			 n = c.engine_len;
	int			 rc;

	if (p->owner == NULL)
		return VX_SNMP_USM_OK;
	if (ss->securityLevel >= SNMP_SEC_LEVEL_AUTHNOPRIV)
		c.auth_len = key_bytes(ss->securityAuthProto,
		    ss->securityAuthProtoLen, ss->securityAuthKey,
		    ss->securityAuthKeyLen, auth, sizeof(auth));
	if (ss->securityLevel >= SNMP_SEC_LEVEL_AUTHPRIV)
		c.priv_len = key_bytes(ss->securityPrivProto,
		    ss->securityPrivProtoLen, ss->securityPrivKey,
		    ss->securityPrivKeyLen, priv, sizeof(priv));
	rc = vx_snmp_usm_claim(&c, other, sizeof(other));
	explicit_bzero(auth, sizeof(auth));
	explicit_bzero(priv, sizeof(priv));
	if (rc == VX_SNMP_USM_NOMEM)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	if (rc != VX_SNMP_USM_CLASH)
		return rc;
	if (n > VX_SNMP_ENGINE_ID_MAX)
		n = VX_SNMP_ENGINE_ID_MAX;
	for (size_t i = 0; i < n; i++)
		snprintf(hex + 2 * i, 3, "%02x", c.engine[i]);
	hex[2 * n] = '\0';
	return vx_err_set(err, VX_E_CONFIG, "SNMPv3 engine ID 0x%s, user "
	    "'%s': device '%s' has them with other credentials, and one "
	    "process holds one set of keys per engine ID and user (a cloned "
	    "engine ID?)", hex, c.user, other);
}

/*
 * Whether a user's protocol and key are this session's: its Ku localized
 * with hash.  A privacy key (prefix) may be longer than the hash (AES-192
 * and AES-256 after SHA-1: the localized key extended) or shorter (its
 * start).
 */
static bool
same_key(const oid *uproto, size_t uproto_len, const u_char *ukey,
    size_t ukey_len, const oid *proto, size_t proto_len, const oid *hash,
    size_t hash_len, const netsnmp_session *ss, const u_char *ku,
    size_t ku_len, bool prefix)
{
	u_char	kul[USM_LENGTH_KU_HASHBLOCK];
	size_t	kul_len = sizeof(kul);
	bool	same;

	if (uproto == NULL || snmp_oid_compare(uproto, uproto_len, proto,
	    proto_len) != 0 || generate_kul(hash, (u_int)hash_len,
	    ss->securityEngineID, ss->securityEngineIDLen, ku, ku_len, kul,
	    &kul_len) != SNMPERR_SUCCESS)
		return false;
	if (prefix && ukey_len < kul_len)
		kul_len = ukey_len;
	same = ukey != NULL && kul_len > 0 && (prefix ? ukey_len >= kul_len :
	    ukey_len == kul_len) && memcmp(ukey, kul, kul_len) == 0;
	explicit_bzero(kul, sizeof(kul));
	return same;
}

/*
 * Whether user u (built here before, for this device or another) has the
 * session's keys, those of its security level (an authPriv user serves
 * authNoPriv too).
 */
static bool
user_serves(const struct usmUser *u, const netsnmp_session *ss)
{
	if (ss->securityLevel >= SNMP_SEC_LEVEL_AUTHNOPRIV &&
	    !same_key(u->authProtocol, u->authProtocolLen, u->authKey,
	    u->authKeyLen, ss->securityAuthProto, ss->securityAuthProtoLen,
	    ss->securityAuthProto, ss->securityAuthProtoLen, ss,
	    ss->securityAuthKey, ss->securityAuthKeyLen, false))
		return false;
	return ss->securityLevel < SNMP_SEC_LEVEL_AUTHPRIV ||
	    same_key(u->privProtocol, u->privProtocolLen, u->privKey,
	    u->privKeyLen, ss->securityPrivProto, ss->securityPrivProtoLen,
	    ss->securityAuthProto, ss->securityAuthProtoLen, ss,
	    ss->securityPrivKey, ss->securityPrivKeyLen, true);
}

/*
 * net-snmp keeps one USM user per (engine ID, user name) for the whole
 * process and uses its keys for every session of that user and engine: a
 * session opened later with other passwords (after a reload that changed
 * them, say) would silently keep using the old keys, and a wrong password
 * would go unnoticed.  The engine ID is only known once the session has
 * talked to the agent (net-snmp discovers it when the first request is
 * built), so: one request (which fails before it is sent when there is no
 * user for the engine ID and name yet: the discovery is what counts), then
 * rebuild the user from this session's own keys unless it has them already
 * (clearing SNMP_FLAGS_USER_CREATED, without which net-snmp does not build
 * it), under the open lock (see add_probe_user).  Sessions opened later with
 * the engine ID the caller kept (the next polls) use the keys built here.
 * Two devices answering with the same engine ID and user name share that
 * one set of keys: the user is only rebuilt for a device whose keys agree
 * with every other's (snmp_usm.h), and one whose keys differ fails naming
 * the other.
 */
static int
refresh_usm_user(struct vx_snmp *s, const struct vx_snmp_params *p,
    struct vx_deadline deadline, struct vx_err *err)
{
	static const oid	 uptime[] = { 1, 3, 6, 1, 2, 1, 1, 3, 0 };
	netsnmp_session		*ss = snmp_sess_session(s->handle);
	netsnmp_pdu		*pdu = snmp_pdu_create(SNMP_MSG_GET);
	netsnmp_pdu		*resp = NULL;
	struct usmUser		*u;
	int			 status;

	snmp_add_null_var(pdu, uptime, OID_LENGTH(uptime));
	ss->timeout = request_timeout_us(deadline, s->retries + 1);
	ss->retries = s->retries;
	s->requests++;
	/*
	 * Synchronous, as discovery inside it is anyway; net-snmp waits
	 * with a set sized for the socket, not a plain fd_set.
	 */
	status = snmp_sess_synch_response(s->handle, pdu, &resp);
	ss->retries = 0;
	if (resp != NULL)
		snmp_free_pdu(resp);
	if (status == STAT_TIMEOUT)
		return lib_error(s, SNMPERR_TIMEOUT, "timeout", err);
	if (ss->securityEngineIDLen == 0)
		return sess_error(s, err);
	status = claim_usm_user(s, ss, p, err);
	if (status < 0)
		return status;
	pthread_mutex_lock(&open_lock);
	u = usm_get_user(ss->securityEngineID, ss->securityEngineIDLen,
	    ss->securityName);
	/*
	 * Already these keys: nothing to change under the other threads
	 * (between the removal and the new user, their messages would find
	 * no user).
	 */
	if (u != NULL && user_serves(u, ss)) {
		pthread_mutex_unlock(&open_lock);
		return 0;
	}
	if (u != NULL) {
		usm_remove_user(u);
		retire_user(u);
	}
	ss->flags &= ~SNMP_FLAGS_USER_CREATED;
	usm_create_user_from_session(ss);
	pthread_mutex_unlock(&open_lock);
	return 0;
}

/* Fills the v3 part of sess from p; false if the engine ID is unusable. */
static void
setup_v3(netsnmp_session *sess, const struct vx_snmp_params *p)
{
	const oid	*ap = NULL, *pp = NULL;
	size_t		 alen = 0, plen = 0;

	sess->version = SNMP_VERSION_3;
	/* The user is ours to add (add_probe_user, refresh_usm_user). */
	sess->flags |= SNMP_FLAGS_USER_CREATED;
	sess->securityName = (char *)(uintptr_t)p->username;
	sess->securityNameLen = strlen(p->username);
	if (p->context != NULL) {
		sess->contextName = (char *)(uintptr_t)p->context;
		sess->contextNameLen = strlen(p->context);
	}
	/* A known engine ID: no discovery round trip. */
	if (p->engine != NULL && p->engine->len > 0) {
		sess->securityEngineID = p->engine->id;
		sess->securityEngineIDLen = p->engine->len;
	}
	switch (p->seclevel) {
	case VX_SNMP_NOAUTH_NOPRIV:
		sess->securityLevel = SNMP_SEC_LEVEL_NOAUTH;
		break;
	case VX_SNMP_AUTH_NOPRIV:
		sess->securityLevel = SNMP_SEC_LEVEL_AUTHNOPRIV;
		auth_proto(p->auth, &ap, &alen);
		set_v3_keys(sess, p, ap, alen, NULL, 0);
		break;
	case VX_SNMP_AUTH_PRIV:
		sess->securityLevel = SNMP_SEC_LEVEL_AUTHPRIV;
		auth_proto(p->auth, &ap, &alen);
		priv_proto(p->priv, &pp, &plen);
		set_v3_keys(sess, p, ap, alen, pp, plen);
		break;
	}
}

/*
 * ICMP errors (port unreachable: nothing listens there) reach an
 * unconnected UDP socket only with IP_RECVERR; then poll(2) says POLLERR
 * and SO_ERROR tells which.  Without it a closed port looks like a device
 * that does not answer.
 */
static void
want_icmp_errors(int fd, bool v6)
{
	int one = 1;

	if (v6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &one,
		    sizeof(one));
	else
		(void)setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one,
		    sizeof(one));
}

int
vx_snmp_open(const struct vx_snmp_params *p, struct vx_deadline deadline,
    struct vx_snmp **out, struct vx_err *err)
{
	netsnmp_session		 sess;
	netsnmp_transport	*t;
	struct vx_snmp		*s;
	bool			 v6 = strchr(p->address, ':') != NULL;
	bool			 discover;

	vx_snmp_global_init();
	if (p->version == VX_SNMP_V3)
		vx_snmp_global_init_v3();
	s = calloc(1, sizeof(*s));
	if (s == NULL)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	snprintf(s->peer, sizeof(s->peer), v6 ? "udp6:[%s]:%u" : "udp:%s:%u",
	    p->address, p->port);
	s->retries = p->retries;
	s->max_in_flight = p->max_in_flight < 1 ? 1 :
	    p->max_in_flight > IN_FLIGHT_MAX ? IN_FLIGHT_MAX : p->max_in_flight;
	s->fd = -1;

	snmp_sess_init(&sess);
	sess.peername = s->peer;
	/* Retries are ours (vx_snmp_run), so that each one is counted. */
	sess.retries = 0;
	sess.timeout = request_timeout_us(deadline, p->retries + 1);
	if (p->version == VX_SNMP_V2C) {
		sess.version = SNMP_VERSION_2c;
		sess.community = (u_char *)(uintptr_t)p->community;
		sess.community_len = strlen(p->community);
	} else {
		setup_v3(&sess, p);
	}
	discover = p->version == VX_SNMP_V3 && (sess.securityEngineIDLen == 0 ||
	    p->engine_fixed);

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
	t = snmp_sess_transport(s->handle);
	s->fd = t != NULL ? t->sock : -1;
	if (s->fd < 0) {
		vx_snmp_close(s);
		return vx_err_set(err, VX_E_INTERNAL, "no socket for %s",
		    p->address);
	}
	snmp_sess_session(s->handle)->retries = 0;
	/*
	 * Only our socket's bit is ever looked at (by snmp_sess_read2), so
	 * the set is not cleared: it is sized for the socket, whatever its
	 * number.
	 */
	netsnmp_large_fd_set_init(&s->fds, s->fd + 1);
	netsnmp_large_fd_setfd(s->fd, &s->fds);
	if (discover) {
		netsnmp_session	*ss = snmp_sess_session(s->handle);
		int		 rc = refresh_usm_user(s, p, deadline, err);

		if (rc != 0) {
			vx_snmp_close(s);
			return rc;
		}
		if (p->engine != NULL &&
		    ss->securityEngineIDLen <= VX_SNMP_ENGINE_ID_MAX) {
			memcpy(p->engine->id, ss->securityEngineID,
			    ss->securityEngineIDLen);
			p->engine->len = ss->securityEngineIDLen;
		}
	}
	/*
	 * Not before: net-snmp's synchronous discovery would spin on the
	 * socket an ICMP error keeps readable.
	 */
	want_icmp_errors(s->fd, v6);
	*out = s;
	return 0;
}

void
vx_snmp_close(struct vx_snmp *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->nruns; i++)
		s->runs[i]->active = false;
	if (s->handle != NULL) {
		pthread_mutex_lock(&open_lock);
		snmp_sess_close(s->handle);
		pthread_mutex_unlock(&open_lock);
		netsnmp_large_fd_set_cleanup(&s->fds);
	}
	for (size_t i = 0; i < s->nruns; i++) {
		free(s->runs[i]->chains);
		free(s->runs[i]->cols);
		free(s->runs[i]);
	}
	free(s->runs);
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

/* Numeric text of an OID, for messages. */
static void
oid_text(const oid *o, size_t len, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < len && n + 1 < size; i++) {
		int w = snprintf(buf + n, size - n, "%s%lu", i ? "." : "",
		    (unsigned long)o[i]);

		if (w < 0 || (size_t)w >= size - n)
			break;
		n += (size_t)w;
	}
}

static bool
run_failed(struct run *r, int rc)
{
	if (r->rc == 0)
		r->rc = rc;
	return false;
}

/* A GET answer: every instance that exists goes to fn. */
static void
got_get(struct chain *c, netsnmp_pdu *resp)
{
	struct run	*r = c->run;
	struct vx_snmp	*s = r->s;

	if (resp->errstat != SNMP_ERR_NOERROR) {
		run_failed(r, vx_err_set(r->err, VX_E_PROTOCOL, "%s answered "
		    "GET with %s", s->peer,
		    snmp_errstring((int)resp->errstat)));
		return;
	}
	for (netsnmp_variable_list *var = resp->variables;
	    var != NULL && r->rc == 0; var = var->next_variable) {
		uint32_t		oidbuf[VX_OID_MAX];
		struct vx_varbind	vb;
		int			rc;

		if (is_exception(var->type))
			continue;
		to_varbind(var, oidbuf, &vb);
		if ((rc = r->fn(r->arg, &vb, r->err)) != 0)
			run_failed(r, rc);
	}
	c->done = true;
}

/*
 * One varbind for column col of a walk.  The agent must move forward:
 * an answer at or before what was asked for would loop for ever (or, as
 * the very OID asked for, look like the end of the table).
 */
static void
got_walk_var(struct chain *c, struct col_state *col,
    const netsnmp_variable_list *var, bool *progress)
{
	struct run		*r = c->run;
	uint32_t		 oidbuf[VX_OID_MAX];
	struct vx_varbind	 vb;
	int			 rc;

	if (is_exception(var->type) || var->name_length > VX_OID_MAX) {
		col->done = true;
		return;
	}
	if (snmp_oid_compare(var->name, var->name_length, col->last,
	    col->last_len) <= 0) {
		char got[160], asked[160];

		oid_text(var->name, var->name_length, got, sizeof(got));
		oid_text(col->last, col->last_len, asked, sizeof(asked));
		run_failed(r, vx_err_set(r->err, VX_E_PROTOCOL, "OID not "
		    "increasing: %s answered %s after %s (a broken agent "
		    "that would loop)", r->s->peer, got, asked));
		return;
	}
	to_varbind(var, oidbuf, &vb);
	if (!vx_oid_under(vb.oid, vb.oid_len, col->root->sub, col->root->len,
	    NULL, NULL)) {
		col->done = true;
		return;
	}
	if (c->bounded && c->hi != 0 && oidbuf[col->root->len] >= c->hi) {
		col->done = true;	/* the next range's rows */
		return;
	}
	if (++col->rows > WALK_ROWS_MAX) {
		char name[160];

		oid_text(col->last, col->root->len, name, sizeof(name));
		run_failed(r, vx_err_set(r->err, VX_E_PROTOCOL, "%s: more than "
		    "%d rows in column %s (a table that never ends?)",
		    r->s->peer, WALK_ROWS_MAX, name));
		return;
	}
	memcpy(col->last, var->name, var->name_length * sizeof(oid));
	col->last_len = var->name_length;
	*progress = true;
	if (c->bounded && oidbuf[col->root->len] < c->lo)
		return;
	if ((rc = r->fn(r->arg, &vb, r->err)) != 0)
		run_failed(r, rc);
}

static void
got_walk(struct chain *c, netsnmp_pdu *resp)
{
	struct run		*r = c->run;
	netsnmp_variable_list	*var;
	size_t			 i = 0;
	bool			 progress = false, all_done = true;

	/* Halve what was asked for, not a bound it was already under. */
	if (resp->errstat == SNMP_ERR_TOOBIG && c->sent_reps > 1) {
		c->reps = c->sent_reps / 2;
		return;
	}
	if (resp->errstat != SNMP_ERR_NOERROR) {
		run_failed(r, vx_err_set(r->err, VX_E_PROTOCOL, "%s answered "
		    "GETBULK with %s", r->s->peer,
		    snmp_errstring((int)resp->errstat)));
		return;
	}
	for (var = resp->variables; var != NULL && r->rc == 0;
	    var = var->next_variable, i++) {
		struct col_state *col = &c->cols[c->sent[i % c->nsent]];

		if (!col->done)
			got_walk_var(c, col, var, &progress);
	}
	if (r->rc != 0)
		return;
	for (i = 0; i < c->ncols; i++)
		all_done = all_done && c->cols[i].done;
	c->done = all_done;
	if (!progress && !all_done)
		run_failed(r, vx_err_set(r->err, VX_E_PROTOCOL, "%s answered "
		    "GETBULK with no varbinds", r->s->peer));
}

/* net-snmp calls this for the answer to (or the end of) a request. */
static int
answered(int op, netsnmp_session *sess, int reqid, netsnmp_pdu *resp,
    void *magic)
{
	struct chain	*c = magic;
	struct run	*r = c->run;

	(void)reqid;
	if (op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE ||
	    op == NETSNMP_CALLBACK_OP_SEC_ERROR)
		r->s->handled++;
	if (!r->active || !c->in_flight)
		return 1;
	/* Not an end: net-snmp sent the request again, or connected. */
	if (op == NETSNMP_CALLBACK_OP_RESEND ||
	    op == NETSNMP_CALLBACK_OP_CONNECT)
		return 1;
	/*
	 * An SNMPv3 agent answers a request it refuses with a Report.  Out of
	 * its time window, net-snmp has already sent the request again with
	 * the agent's time: the answer to that one is still to come.
	 */
	if ((op == NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE ||
	    op == NETSNMP_CALLBACK_OP_SEC_ERROR) && resp != NULL &&
	    resp->command == SNMP_MSG_REPORT) {
		int type = snmpv3_get_report_type(resp);

		if (type == SNMPERR_NOT_IN_TIME_WINDOW)
			return 1;
		c->in_flight = false;
		r->in_flight--;
		run_failed(r, lib_error(r->s, type, snmp_api_errstring(type),
		    r->err));
		return 1;
	}
	c->in_flight = false;
	r->in_flight--;
	if (r->rc != 0)
		return 1;
	switch (op) {
	case NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE:
		r->s->answers++;
		c->tries = 0;
		if (c->kind == CHAIN_GET)
			got_get(c, resp);
		else
			got_walk(c, resp);
		break;
	case NETSNMP_CALLBACK_OP_TIMED_OUT:
		/* Asked again by the send loop, if tries are left. */
		if (c->tries > r->s->retries)
			run_failed(r, lib_error(r->s, SNMPERR_TIMEOUT,
			    "timeout", r->err));
		break;
	case NETSNMP_CALLBACK_OP_SEC_ERROR:
		/* net-snmp does not always say which check failed. */
		if (sess == NULL || sess->s_snmp_errno == 0) {
			run_failed(r, vx_err_set(r->err, VX_E_AUTH, "SNMPv3 "
			    "security processing failed with %s (wrong user, "
			    "passwords or protocols)", r->s->peer));
			break;
		}
		/* FALLTHROUGH */
	case NETSNMP_CALLBACK_OP_SEND_FAILED:
	default: {
		int liberr = sess != NULL ? sess->s_snmp_errno : 0;

		run_failed(r, lib_error(r->s, liberr != 0 ? liberr :
		    SNMPERR_GENERR, snmp_api_errstring(liberr), r->err));
		break;
	}
	}
	return 1;
}

/* The errno of the first ICMP message queued on fd, or 0. */
static int
queued_error(int fd)
{
	union {
		char		buf[CMSG_SPACE(sizeof(struct sock_extended_err) +
				    sizeof(struct sockaddr_in6))];
		struct cmsghdr	align;
	}		 ctl;
	char		 data[1];
	struct iovec	 iov = { data, sizeof(data) };
	struct msghdr	 msg;

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = ctl.buf;
	msg.msg_controllen = sizeof(ctl.buf);
	if (recvmsg(fd, &msg, MSG_ERRQUEUE | MSG_DONTWAIT) < 0)
		return 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL;
	    c = CMSG_NXTHDR(&msg, c)) {
		struct sock_extended_err ee;

		if (!(c->cmsg_level == IPPROTO_IP &&
		    c->cmsg_type == IP_RECVERR) &&
		    !(c->cmsg_level == IPPROTO_IPV6 &&
		    c->cmsg_type == IPV6_RECVERR))
			continue;
		memcpy(&ee, CMSG_DATA(c), sizeof(ee));
		return (int)ee.ee_errno;
	}
	return 0;
}

/* The socket's pending error (an ICMP message, see want_icmp_errors). */
static int
icmp_errno(int fd)
{
	int		 e = 0;
	socklen_t	 len = sizeof(e);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) != 0)
		e = 0;
	return e != 0 ? e : queued_error(fd);
}

static bool
icmp_error(struct run *r, int e)
{
	struct vx_snmp	*s = r->s;

	if (e == ECONNREFUSED)
		return run_failed(r, vx_err_set(r->err, VX_E_CONNECT, "%s: port "
		    "unreachable (ICMP): no SNMP agent listens there",
		    s->peer));
	return run_failed(r, vx_err_set(r->err, VX_E_CONNECT, "cannot reach "
	    "%s: %s (ICMP)", s->peer, strerror(e != 0 ? e : EIO)));
}

/* Sends the chain's next request (or the same one again). */
static void
send_chain(struct chain *c)
{
	struct run	*r = c->run;
	struct vx_snmp	*s = r->s;
	netsnmp_session	*sess = snmp_sess_session(s->handle);
	netsnmp_pdu	*pdu;

	if (c->kind == CHAIN_GET) {
		pdu = snmp_pdu_create(SNMP_MSG_GET);
		for (size_t i = 0; i < c->ncols; i++) {
			oid tmp[VX_OID_MAX];

			for (size_t k = 0; k < c->cols[i].root->len; k++)
				tmp[k] = c->cols[i].root->sub[k];
			snmp_add_null_var(pdu, tmp, c->cols[i].root->len);
		}
	} else {
		int reps = c->reps;

		c->nsent = 0;
		for (size_t i = 0; i < c->ncols; i++) {
			if (!c->cols[i].done)
				c->sent[c->nsent++] = i;
		}
		if ((size_t)reps * c->nsent > WALK_VARBINDS_MAX)
			reps = c->nsent >= WALK_VARBINDS_MAX ? 1 :
			    (int)(WALK_VARBINDS_MAX / c->nsent);
		pdu = snmp_pdu_create(SNMP_MSG_GETBULK);
		pdu->non_repeaters = 0;
		pdu->max_repetitions = reps;
		c->sent_reps = reps;
		for (size_t i = 0; i < c->nsent; i++) {
			struct col_state *col = &c->cols[c->sent[i]];

			snmp_add_null_var(pdu, col->last, col->last_len);
		}
	}
	if (pdu == NULL) {
		run_failed(r, vx_err_set(r->err, VX_E_NOMEM, "out of memory"));
		return;
	}
	c->tries++;
	sess->timeout = request_timeout_us(r->deadline,
	    s->retries + 2 - c->tries);
	s->requests++;
	if (snmp_sess_async_send(s->handle, pdu, answered, c) == 0) {
		int e = icmp_errno(s->fd);

		snmp_free_pdu(pdu);
		/* sendto(2) fails with what an earlier ICMP message said. */
		if (e != 0)
			icmp_error(r, e);
		else
			run_failed(r, sess_error(s, r->err));
		return;
	}
	c->in_flight = true;
	r->in_flight++;
}

/*
 * Reads one datagram.  net-snmp drops what it cannot decode and answers
 * to no request of ours without a word: count both, so that an agent
 * that only sends those is not taken for a silent one.
 */
static void
read_datagram(struct vx_snmp *s)
{
	netsnmp_session	*ss = snmp_sess_session(s->handle);
	unsigned long	 handled = s->handled;

	ss->s_snmp_errno = 0;
	snmp_sess_read2(s->handle, &s->fds);
	if (s->handled != handled)
		return;
	if (ss->s_snmp_errno != 0)
		s->undecodable++;
	else
		s->strays++;
}

/* Waits for answers or timeouts until the deadline; false on an error. */
static bool
wait_answers(struct run *r)
{
	struct vx_snmp	*s = r->s;
	struct pollfd	 pfd = { .fd = s->fd, .events = POLLIN };
	struct timeval	 tv = { 0, 0 };
	int64_t		 wait_ms = vx_deadline_left_ms(r->deadline);
	int		 numfds = 0, block = 1, n;

	/*
	 * The deadline, with requests outstanding: an agent that never
	 * answered is most likely unreachable or refusing our credentials;
	 * one that did was too slow for the timeout.
	 */
	if (wait_ms <= 0 && s->answers == 0)
		return run_failed(r, lib_error(s, SNMPERR_TIMEOUT, "timeout",
		    r->err));
	if (wait_ms <= 0)
		return run_failed(r, vx_err_set(r->err, VX_E_TIMEOUT,
		    "deadline passed while polling %s (%lu of %lu requests "
		    "answered)", s->peer, s->answers, s->requests));
	/*
	 * net-snmp's next request expiry (block stays 1 if none); our fd
	 * set is scratch here.  No alarms: they are not ours to run.
	 */
	snmp_sess_select_info2_flags(s->handle, &numfds, &s->fds, &tv, &block,
	    NETSNMP_SELECT_NOALARMS);
	if (!block) {
		int64_t ms = (int64_t)tv.tv_sec * 1000 +
		    (tv.tv_usec + 999) / 1000;

		if (ms < wait_ms)
			wait_ms = ms;
	}
	/* In slices, to notice a shutdown (vx_deadline_cancel_all). */
	if (wait_ms > VX_DEADLINE_SLICE_MS)
		wait_ms = VX_DEADLINE_SLICE_MS;
	vx_cpu_block_begin();
	n = poll(&pfd, 1, (int)wait_ms);
	vx_cpu_block_end();
	if (n < 0 && errno != EINTR)
		return run_failed(r, vx_err_set(r->err, VX_E_INTERNAL,
		    "poll: %s", strerror(errno)));
	if (n > 0 && (pfd.revents & POLLERR))
		return icmp_error(r, icmp_errno(s->fd));
	netsnmp_large_fd_setfd(s->fd, &s->fds);
	if (n > 0)
		read_datagram(s);
	else if (n == 0)
		snmp_sess_timeout(s->handle);
	return r->rc == 0;
}

/* Groups of a walk's columns that each fill whole requests. */
static size_t
walk_chains(const struct vx_snmp_walk *w, int max_reps, int max_in_flight)
{
	size_t n = w->ncols * (size_t)max_reps / WALK_VARBINDS_MAX;

	if (n > (size_t)max_in_flight)
		n = (size_t)max_in_flight;
	if (n > w->ncols)
		n = w->ncols;
	return n > 0 ? n : 1;
}

/* A column's first OID: the column, or just before the range's rows. */
static void
col_start(struct col_state *col, const struct vx_snmp_walk *w)
{
	col->last_len = col->root->len;
	for (size_t k = 0; k < col->root->len; k++)
		col->last[k] = col->root->sub[k];
	if (w->bounded && w->lo > 0) {
		col->last[col->last_len++] = w->lo - 1;
		col->last[col->last_len++] = UINT32_MAX;
	}
}

/* Builds the chains of one vx_snmp_run into r. */
static int
plan(struct run *r, const struct vx_oid *get, size_t nget,
    const struct vx_snmp_walk *walks, size_t nwalks, int max_reps)
{
	size_t ncols = nget, nchains = 0, ci = 0;

	for (size_t w = 0; w < nwalks; w++) {
		if (walks[w].ncols > WALK_COLS_MAX)
			return vx_err_set(r->err, VX_E_INTERNAL,
			    "too many columns");
		ncols += walks[w].ncols;
		nchains += walk_chains(&walks[w], max_reps,
		    r->s->max_in_flight);
	}
	nchains += (nget + WALK_VARBINDS_MAX - 1) / WALK_VARBINDS_MAX;
	r->cols = calloc(ncols + 1, sizeof(*r->cols));
	r->chains = calloc(nchains + 1, sizeof(*r->chains));
	if (r->cols == NULL || r->chains == NULL)
		return vx_err_set(r->err, VX_E_NOMEM, "out of memory");
	for (size_t i = 0; i < nget; i += WALK_VARBINDS_MAX) {
		struct chain *c = &r->chains[r->nchains++];

		c->run = r;
		c->kind = CHAIN_GET;
		c->cols = &r->cols[ci];
		c->ncols = nget - i < WALK_VARBINDS_MAX ? nget - i :
		    WALK_VARBINDS_MAX;
		for (size_t k = 0; k < c->ncols; k++)
			r->cols[ci++].root = &get[i + k];
	}
	for (size_t w = 0; w < nwalks; w++) {
		size_t n = walk_chains(&walks[w], max_reps,
		    r->s->max_in_flight);

		for (size_t g = 0, first = 0; g < n; g++) {
			struct chain	*c = &r->chains[r->nchains++];
			size_t		 cnt = (walks[w].ncols - first) /
					    (n - g);

			c->run = r;
			c->kind = CHAIN_WALK;
			c->bounded = walks[w].bounded;
			c->lo = walks[w].lo;
			c->hi = walks[w].hi;
			c->reps = max_reps < 1 ? 1 : max_reps;
			c->cols = &r->cols[ci];
			c->ncols = cnt;
			for (size_t k = 0; k < cnt; k++) {
				r->cols[ci].root = &walks[w].cols[first + k];
				col_start(&r->cols[ci++], &walks[w]);
			}
			c->done = cnt == 0;
			first += cnt;
		}
	}
	return 0;
}

int
vx_snmp_run(struct vx_snmp *s, const struct vx_oid *get, size_t nget,
    const struct vx_snmp_walk *walks, size_t nwalks, int max_reps,
    vx_varbind_fn fn, void *arg, struct vx_deadline deadline,
    struct vx_err *err)
{
	struct run	*r = calloc(1, sizeof(*r));
	struct run	**runs;

	if (r == NULL)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	runs = realloc(s->runs, (s->nruns + 1) * sizeof(*runs));
	if (runs == NULL) {
		free(r);
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	}
	s->runs = runs;
	s->runs[s->nruns++] = r;
	r->s = s;
	r->fn = fn;
	r->arg = arg;
	r->deadline = deadline;
	r->err = err;
	r->active = true;
	/*
	 * Encoding requests, decoding answers and the collector's callbacks
	 * are the poll's CPU: through the thread's gate, if it has one
	 * (core/cpu_gate.h).
	 */
	vx_cpu_enter();
	r->rc = plan(r, get, nget, walks, nwalks, max_reps);
	while (r->rc == 0) {
		bool pending = false;

		/* Chains in order, so the first walks start first. */
		for (size_t i = 0; i < r->nchains && r->rc == 0; i++) {
			struct chain *c = &r->chains[i];

			if (c->done || c->in_flight)
				continue;
			pending = true;
			if (r->in_flight < (size_t)s->max_in_flight)
				send_chain(c);
		}
		if (!pending && r->in_flight == 0)
			break;
		if (r->rc == 0)
			wait_answers(r);
	}
	/* Late answers to what is still outstanding are ignored. */
	r->active = false;
	vx_cpu_leave();
	return r->rc;
}

int
vx_snmp_get(struct vx_snmp *s, const struct vx_oid *oids, size_t n,
    vx_varbind_fn fn, void *arg, struct vx_deadline deadline,
    struct vx_err *err)
{
	return vx_snmp_run(s, oids, n, NULL, 0, 1, fn, arg, deadline, err);
}

int
vx_snmp_walk_columns(struct vx_snmp *s, const struct vx_oid *cols,
    size_t ncols, int max_reps, vx_varbind_fn fn, void *arg,
    struct vx_deadline deadline, struct vx_err *err)
{
	struct vx_snmp_walk w = { cols, ncols, false, 0, 0 };

	return vx_snmp_run(s, NULL, 0, &w, 1, max_reps, fn, arg, deadline,
	    err);
}
