/*
 * The SSH session layer over libssh: connection, host key, authentication,
 * keepalive, channels.  See ssh_session.h for the contract.
 */
#include "ssh_session.h"

#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "ssh_lib.h"

#include "banned.h"

/* Budget for closing a connection politely. */
#define CLOSE_MS		500

struct vx_ssh_sess {
	struct vx_ssh_sess_params	 p;
	char				 hostport[300];
	ssh_session			 sess;
	unsigned long			 logins;
};

struct vx_ssh_chan {
	struct vx_ssh_sess	*s;
	ssh_channel		 chan;
	bool			 died;		/* EOF, close or I/O error */
	bool			 eof;
};

bool
vx_ssh_lib_available(char *msg, size_t size)
{
	return vx_libssh_load(msg, size);
}

struct vx_ssh_sess *
vx_ssh_sess_new(const struct vx_ssh_sess_params *p)
{
	struct vx_ssh_sess *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->p = *p;
	if (s->p.port == 0)
		s->p.port = 22;
	if (s->p.keepalive_s == 0)
		s->p.keepalive_s = VX_SSH_KEEPALIVE_DEFAULT_S;
	if (strchr(p->address, ':') != NULL)
		snprintf(s->hostport, sizeof(s->hostport), "[%s]:%u",
		    p->address, s->p.port);
	else
		snprintf(s->hostport, sizeof(s->hostport), "%s:%u",
		    p->address, s->p.port);
	return s;
}

const char *
vx_ssh_sess_hostport(const struct vx_ssh_sess *s)
{
	return s->hostport;
}

unsigned long
vx_ssh_sess_logins(const struct vx_ssh_sess *s)
{
	return s->logins;
}

bool
vx_ssh_sess_connected(const struct vx_ssh_sess *s)
{
	return s != NULL && s->sess != NULL;
}

static void
set_timeout_ms(struct vx_ssh_sess *s, int64_t ms)
{
	long sec, usec;

	if (ms < 1)
		ms = 1;		/* 0 would mean "no timeout" to libssh */
	sec = (long)(ms / 1000);
	usec = (long)(ms % 1000) * 1000;
	ssh_options_set(s->sess, SSH_OPTIONS_TIMEOUT, &sec);
	ssh_options_set(s->sess, SSH_OPTIONS_TIMEOUT_USEC, &usec);
}

/* Sets libssh's timeout to the time left; false if there is none. */
static bool
arm(struct vx_ssh_sess *s, struct vx_deadline d)
{
	int64_t left = vx_deadline_left_ms(d);

	if (left <= 0)
		return false;
	set_timeout_ms(s, left);
	return true;
}

void
vx_ssh_sess_close(struct vx_ssh_sess *s)
{
	if (s == NULL || s->sess == NULL)
		return;
	set_timeout_ms(s, CLOSE_MS);
	if (ssh_is_connected(s->sess))
		ssh_disconnect(s->sess);
	ssh_free(s->sess);
	s->sess = NULL;
}

void
vx_ssh_sess_free(struct vx_ssh_sess *s)
{
	if (s == NULL)
		return;
	vx_ssh_sess_close(s);
	free(s);
}

/* A libssh failure during a step: the deadline, or the session itself. */
static int
step_error(struct vx_ssh_sess *s, struct vx_deadline d, enum vx_errcode code,
    const char *what, struct vx_err *err)
{
	if (vx_deadline_passed(d))
		return vx_err_set(err, VX_E_TIMEOUT, "%s %s: deadline passed",
		    what, s->hostport);
	return vx_err_set(err, code, "%s %s: %s", what, s->hostport,
	    ssh_get_error(s->sess));
}

/* "SHA256:..." and the type name of key, into fp / type. */
static void
key_fingerprint(ssh_key key, char *fp, size_t fpsize, const char **type)
{
	unsigned char	*hash = NULL;
	size_t		 hlen = 0;
	char		*str;

	snprintf(fp, fpsize, "(unknown)");
	*type = ssh_key_type_to_char(ssh_key_type(key));
	if (*type == NULL)
		*type = "unknown";
	if (ssh_get_publickey_hash(key, SSH_PUBLICKEY_HASH_SHA256, &hash,
	    &hlen) != 0)
		return;
	str = ssh_get_fingerprint_hash(SSH_PUBLICKEY_HASH_SHA256, hash, hlen);
	if (str != NULL) {
		snprintf(fp, fpsize, "%s", str);
		ssh_string_free_char(str);
	}
	ssh_clean_pubkey_hash(&hash);
}

/*
 * The fingerprints known_hosts records for our host (plain host names
 * only; hashed entries cannot be told apart without the key), for the
 * mismatch message.
 */
static void
recorded_keys(struct vx_ssh_sess *s, char *buf, size_t size)
{
	char	 host[320];
	char	 line[16384];
	FILE	*f;
	size_t	 used = 0;
	int	 found = 0;

	buf[0] = '\0';
	if (s->p.port == 22)
		snprintf(host, sizeof(host), "%s", s->p.address);
	else
		snprintf(host, sizeof(host), "[%s]:%u", s->p.address,
		    s->p.port);
	f = fopen(s->p.known_hosts_file, "r");
	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		char		*save = NULL, *hosts, *type, *b64, *h;
		ssh_key		 key = NULL;
		bool		 match = false;
		char		 fp[128];
		const char	*tname;
		int		 n;

		hosts = strtok_r(line, " \t\r\n", &save);
		if (hosts == NULL || hosts[0] == '#' || hosts[0] == '@')
			continue;
		type = strtok_r(NULL, " \t\r\n", &save);
		b64 = strtok_r(NULL, " \t\r\n", &save);
		if (type == NULL || b64 == NULL)
			continue;
		for (h = strtok_r(hosts, ",", &save); h != NULL;
		    h = strtok_r(NULL, ",", &save)) {
			if (strcmp(h, host) == 0)
				match = true;
		}
		if (!match || ssh_pki_import_pubkey_base64(b64,
		    ssh_key_type_from_name(type), &key) != SSH_OK)
			continue;
		key_fingerprint(key, fp, sizeof(fp), &tname);
		ssh_key_free(key);
		n = snprintf(buf + used, size - used, "%s%s %s",
		    found++ > 0 ? ", " : "", tname, fp);
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
	fclose(f);
	if (found == 0)
		snprintf(buf, size, "a key in a form we cannot show (hashed "
		    "host name?)");
}

static int
check_host_key(struct vx_ssh_sess *s, struct vx_err *err)
{
	ssh_key			 srv = NULL;
	enum ssh_known_hosts_e	 kh;
	char			 fp[128];
	char			 known[200];
	const char		*type;

	if (ssh_get_server_publickey(s->sess, &srv) != SSH_OK)
		return vx_err_set(err, VX_E_PROTOCOL, "no host key from %s: %s",
		    s->hostport, ssh_get_error(s->sess));
	key_fingerprint(srv, fp, sizeof(fp), &type);
	ssh_key_free(srv);
	kh = ssh_session_is_known_server(s->sess);
	switch (kh) {
	case SSH_KNOWN_HOSTS_OK:
		return 0;
	case SSH_KNOWN_HOSTS_CHANGED:
	case SSH_KNOWN_HOSTS_OTHER:
		recorded_keys(s, known, sizeof(known));
		return vx_err_set(err, VX_E_HOSTKEY, "host key mismatch for "
		    "%s: server offered %s %s, known_hosts '%s' has %s; "
		    "refusing to connect", s->hostport, type, fp,
		    s->p.known_hosts_file, known);
	case SSH_KNOWN_HOSTS_UNKNOWN:
	case SSH_KNOWN_HOSTS_NOT_FOUND:
		if (s->p.host_key_policy != VX_SSH_HOST_KEY_ACCEPT_NEW)
			return vx_err_set(err, VX_E_HOSTKEY, "host key of %s "
			    "is not in known_hosts '%s' (server offered %s "
			    "%s); add it, or set host_key_policy: accept-new",
			    s->hostport, s->p.known_hosts_file, type, fp);
		if (ssh_session_update_known_hosts(s->sess) != SSH_OK)
			return vx_err_set(err, VX_E_HOSTKEY, "cannot record "
			    "the host key of %s: %s", s->hostport,
			    ssh_get_error(s->sess));
		return 0;
	case SSH_KNOWN_HOSTS_ERROR:
		break;
	}
	return vx_err_set(err, VX_E_HOSTKEY, "cannot check the host key of "
	    "%s against '%s': %s", s->hostport, s->p.known_hosts_file,
	    ssh_get_error(s->sess));
}

static void
methods_str(int m, char *buf, size_t size)
{
	static const struct {
		int		 bit;
		const char	*name;
	} names[] = {
		{ SSH_AUTH_METHOD_PUBLICKEY, "publickey" },
		{ SSH_AUTH_METHOD_PASSWORD, "password" },
		{ SSH_AUTH_METHOD_INTERACTIVE, "keyboard-interactive" },
		{ SSH_AUTH_METHOD_HOSTBASED, "hostbased" },
		{ SSH_AUTH_METHOD_GSSAPI_MIC, "gssapi-with-mic" },
	};
	size_t used = 0;

	snprintf(buf, size, "none");
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		int n;

		if (!(m & names[i].bit))
			continue;
		n = snprintf(buf + used, size - used, "%s%s",
		    used > 0 ? "," : "", names[i].name);
		if (n < 0 || (size_t)n >= size - used)
			break;
		used += (size_t)n;
	}
}

/* Keyboard-interactive with the password as the answer to every prompt. */
static int
auth_kbdint(struct vx_ssh_sess *s)
{
	bool	answered = false;
	int	rc;

	rc = ssh_userauth_kbdint(s->sess, NULL, NULL);
	/* A few rounds at most: some servers send an empty one first. */
	for (int round = 0; rc == SSH_AUTH_INFO && round < 4; round++) {
		int n = ssh_userauth_kbdint_getnprompts(s->sess);

		/* Asked again: the first answer was wrong. */
		if (n > 0 && answered)
			return SSH_AUTH_DENIED;
		for (int i = 0; i < n; i++) {
			if (ssh_userauth_kbdint_setanswer(s->sess,
			    (unsigned)i, s->p.password) < 0)
				return SSH_AUTH_ERROR;
		}
		answered = answered || n > 0;
		rc = ssh_userauth_kbdint(s->sess, NULL, NULL);
	}
	return rc == SSH_AUTH_INFO ? SSH_AUTH_DENIED : rc;
}

static int
authenticate(struct vx_ssh_sess *s, struct vx_deadline d, struct vx_err *err)
{
	char	tried[200] = "";
	char	allowed[120];
	int	rc = SSH_AUTH_DENIED;
	int	methods;

	if (s->p.private_key_file != NULL) {
		ssh_key key = NULL;

		if (ssh_pki_import_privkey_file(s->p.private_key_file, NULL,
		    NULL, NULL, &key) != SSH_OK)
			return vx_err_set(err, VX_E_CONFIG, "cannot read "
			    "private key '%s' (missing, unreadable, or "
			    "protected by a passphrase)",
			    s->p.private_key_file);
		if (!arm(s, d)) {
			ssh_key_free(key);
			return step_error(s, d, VX_E_AUTH,
			    "authenticating to", err);
		}
		rc = ssh_userauth_publickey(s->sess, NULL, key);
		ssh_key_free(key);
		snprintf(tried, sizeof(tried), "publickey '%s'",
		    s->p.private_key_file);
	}
	if (rc != SSH_AUTH_SUCCESS && rc != SSH_AUTH_ERROR &&
	    rc != SSH_AUTH_AGAIN && s->p.password != NULL) {
		size_t used = strlen(tried);

		if (!arm(s, d))
			return step_error(s, d, VX_E_AUTH, "authenticating to",
			    err);
		methods = ssh_userauth_list(s->sess, NULL);
		if (methods == 0) {
			/* Nothing tried yet: ask which methods exist. */
			rc = ssh_userauth_none(s->sess, NULL);
			methods = ssh_userauth_list(s->sess, NULL);
		}
		if (rc == SSH_AUTH_SUCCESS) {
			/* The server wanted no credentials at all. */
		} else if (rc == SSH_AUTH_ERROR || rc == SSH_AUTH_AGAIN) {
			/* handled below */
		} else if (methods & SSH_AUTH_METHOD_PASSWORD) {
			rc = ssh_userauth_password(s->sess, NULL,
			    s->p.password);
			snprintf(tried + used, sizeof(tried) - used, "%s"
			    "password", used > 0 ? ", " : "");
		} else if (methods & SSH_AUTH_METHOD_INTERACTIVE) {
			rc = auth_kbdint(s);
			snprintf(tried + used, sizeof(tried) - used, "%s"
			    "keyboard-interactive with the password",
			    used > 0 ? ", " : "");
		} else
			rc = SSH_AUTH_DENIED;
	}
	switch (rc) {
	case SSH_AUTH_SUCCESS:
		return 0;
	case SSH_AUTH_AGAIN:
		return vx_err_set(err, VX_E_TIMEOUT, "authenticating to %s: "
		    "deadline passed", s->hostport);
	case SSH_AUTH_ERROR:
		return step_error(s, d, VX_E_PROTOCOL, "authenticating to",
		    err);
	default:
		break;
	}
	methods_str(ssh_userauth_list(s->sess, NULL), allowed,
	    sizeof(allowed));
	return vx_err_set(err, VX_E_AUTH, "authentication failed for user "
	    "'%s' on %s (tried %s; server allows %s)", s->p.username,
	    s->hostport, tried[0] != '\0' ? tried : "nothing", allowed);
}

/*
 * TCP keepalive on the session's socket: a kept session is idle between
 * polls, and NAT and firewall state expires; probes keep it and tell a
 * dead peer.  Best effort: a failure leaves the connection as it is.
 */
static void
set_keepalive(struct vx_ssh_sess *s)
{
	int fd = ssh_get_fd(s->sess);
	int on = 1, idle = s->p.keepalive_s, intvl = 10, cnt = 3;

	if (fd < 0 || s->p.keepalive_s < 0)
		return;
	(void)setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &on, sizeof(on));
#ifdef TCP_KEEPIDLE
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof(idle));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &intvl,
	    sizeof(intvl));
	(void)setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &cnt, sizeof(cnt));
#else
	(void)idle;
	(void)intvl;
	(void)cnt;
#endif
}

static int
connect_session(struct vx_ssh_sess *s, struct vx_deadline d,
    struct vx_err *err)
{
	int	verbosity = SSH_LOG_NOLOG;
	bool	no = false;

	s->sess = ssh_new();
	if (s->sess == NULL)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	if (ssh_options_set(s->sess, SSH_OPTIONS_LOG_VERBOSITY,
	    &verbosity) != 0 ||
	    ssh_options_set(s->sess, SSH_OPTIONS_PROCESS_CONFIG, &no) != 0 ||
	    ssh_options_set(s->sess, SSH_OPTIONS_HOST, s->p.address) != 0 ||
	    ssh_options_set(s->sess, SSH_OPTIONS_PORT, &s->p.port) != 0 ||
	    ssh_options_set(s->sess, SSH_OPTIONS_USER, s->p.username) != 0 ||
	    ssh_options_set(s->sess, SSH_OPTIONS_KNOWNHOSTS,
	    s->p.known_hosts_file) != 0 ||
	    /* Only the configured file counts, not /etc/ssh/ssh_known_hosts. */
	    ssh_options_set(s->sess, SSH_OPTIONS_GLOBAL_KNOWNHOSTS,
	    s->p.known_hosts_file) != 0)
		return vx_err_set(err, VX_E_CONFIG, "ssh options for %s: %s",
		    s->hostport, ssh_get_error(s->sess));
	if (!arm(s, d))
		return vx_err_set(err, VX_E_TIMEOUT, "deadline passed before "
		    "connecting to %s", s->hostport);
	if (ssh_connect(s->sess) != SSH_OK) {
		if (vx_deadline_passed(d))
			return vx_err_set(err, VX_E_TIMEOUT, "connecting to "
			    "%s: no answer before the deadline (%s)",
			    s->hostport, ssh_get_error(s->sess));
		return vx_err_set(err, VX_E_CONNECT, "cannot connect to %s: "
		    "%s", s->hostport, ssh_get_error(s->sess));
	}
	set_keepalive(s);
	return 0;
}

int
vx_ssh_sess_open(struct vx_ssh_sess *s, struct vx_deadline d,
    struct vx_err *err)
{
	char	lib[256];
	int	rc;

	if (s->sess != NULL)
		return 0;
	if (!vx_ssh_lib_available(lib, sizeof(lib)))
		return vx_err_set(err, VX_E_INTERNAL, "%s", lib);
	rc = connect_session(s, d, err);
	if (rc == 0)
		rc = check_host_key(s, err);
	if (rc == 0)
		rc = authenticate(s, d, err);
	if (rc != 0) {
		vx_ssh_sess_close(s);
		return rc;
	}
	s->logins++;
	return 0;
}

/* Channels. */

int
vx_ssh_chan_open(struct vx_ssh_sess *s, enum vx_ssh_chan_kind kind,
    const char *arg, unsigned columns, struct vx_ssh_chan **out,
    struct vx_deadline d, struct vx_err *err)
{
	struct vx_ssh_chan	*c;
	int			 rc = 0;

	*out = NULL;
	if (s->sess == NULL)
		return vx_err_set(err, VX_E_INTERNAL, "no session to %s",
		    s->hostport);
	c = calloc(1, sizeof(*c));
	if (c == NULL)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	c->s = s;
	c->chan = ssh_channel_new(s->sess);
	if (c->chan == NULL) {
		free(c);
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	}
	if (!arm(s, d) || ssh_channel_open_session(c->chan) != SSH_OK)
		rc = step_error(s, d, VX_E_PROTOCOL, "cannot open a session "
		    "channel on", err);
	else if (kind == VX_SSH_CHAN_SHELL) {
		if (!arm(s, d) || ssh_channel_request_pty_size(c->chan,
		    "vt100", (int)columns, 24) != SSH_OK)
			rc = step_error(s, d, VX_E_PROTOCOL, "cannot get a "
			    "terminal on", err);
		else if (!arm(s, d) ||
		    ssh_channel_request_shell(c->chan) != SSH_OK)
			rc = step_error(s, d, VX_E_PROTOCOL, "cannot start a "
			    "shell on", err);
	} else if (kind == VX_SSH_CHAN_EXEC) {
		if (!arm(s, d) || ssh_channel_request_exec(c->chan,
		    arg) != SSH_OK)
			rc = step_error(s, d, VX_E_PROTOCOL, "cannot run a "
			    "command on", err);
	} else if (!arm(s, d) || ssh_channel_request_subsystem(c->chan,
	    arg) != SSH_OK) {
		rc = step_error(s, d, VX_E_PROTOCOL, "no subsystem", err);
		vx_err_prefix(err, "'%s'", arg);
	}
	if (rc != 0) {
		vx_ssh_chan_free(c);
		return rc;
	}
	*out = c;
	return 0;
}

void
vx_ssh_chan_free(struct vx_ssh_chan *c)
{
	if (c == NULL)
		return;
	if (c->s->sess != NULL)
		set_timeout_ms(c->s, CLOSE_MS);
	ssh_channel_free(c->chan);
	free(c);
}

int
vx_ssh_chan_write(struct vx_ssh_chan *c, const char *buf, size_t len,
    struct vx_deadline d, struct vx_err *err)
{
	struct vx_ssh_sess *s = c->s;

	if (len > UINT32_MAX)
		return vx_err_set(err, VX_E_INTERNAL, "write too long");
	if (!arm(s, d))
		return vx_err_set(err, VX_E_TIMEOUT, "deadline passed before "
		    "sending to %s", s->hostport);
	if (ssh_channel_write(c->chan, buf, (uint32_t)len) != (int)len) {
		c->died = true;
		if (vx_deadline_passed(d))
			return vx_err_set(err, VX_E_TIMEOUT, "sending to %s: "
			    "deadline passed", s->hostport);
		return vx_err_set(err, VX_E_PROTOCOL, "session to %s lost "
		    "while sending: %s", s->hostport, ssh_get_error(s->sess));
	}
	return 0;
}

int
vx_ssh_chan_read(struct vx_ssh_chan *c, struct vx_strbuf *into, size_t max,
    const char *what, bool end_ok, struct vx_deadline d, bool *got,
    struct vx_err *err)
{
	struct vx_ssh_sess	*s = c->s;
	char			 buf[65536];
	int64_t			 left = vx_deadline_left_ms(d);
	int			 n;

	*got = false;
	if (left <= 0)
		return 0;
	if (left > INT_MAX)
		left = INT_MAX;
	n = ssh_channel_read_timeout(c->chan, buf, sizeof(buf), 0, (int)left);
	if (n > 0) {
		if (into->len + (size_t)n > max)
			return vx_err_set(err, VX_E_PROTOCOL, "more than "
			    "max_output (%zu bytes) of output from %s %s",
			    max, s->hostport, what);
		vx_strbuf_add(into, buf, (size_t)n);
		if (into->failed)
			return vx_err_set(err, VX_E_NOMEM, "out of memory");
		*got = true;
		return 0;
	}
	if (n == 0 && ssh_channel_is_open(c->chan) &&
	    !ssh_channel_is_eof(c->chan))
		return 0;	/* timed out */
	if (n == SSH_AGAIN)
		return 0;
	c->died = true;
	if (n == 0 || n == SSH_EOF) {
		c->eof = true;
		if (end_ok)
			return 0;
		return vx_err_set(err, VX_E_PROTOCOL, "session closed by %s",
		    s->hostport);
	}
	return vx_err_set(err, VX_E_PROTOCOL, "session to %s lost: %s",
	    s->hostport, ssh_get_error(s->sess));
}

bool
vx_ssh_chan_alive(struct vx_ssh_chan *c)
{
	char buf[4096];

	if (c->died || !ssh_is_connected(c->s->sess) ||
	    !ssh_channel_is_open(c->chan))
		return false;
	for (int i = 0; i < 256; i++) {
		int n = ssh_channel_read_nonblocking(c->chan, buf,
		    sizeof(buf), 0);

		if (n == 0)
			break;
		if (n < 0)
			return false;
	}
	return ssh_channel_is_open(c->chan) && !ssh_channel_is_eof(c->chan);
}

bool
vx_ssh_chan_died(const struct vx_ssh_chan *c)
{
	return c->died;
}

bool
vx_ssh_chan_eof(const struct vx_ssh_chan *c)
{
	return c->eof;
}

void
vx_ssh_chan_send_eof(struct vx_ssh_chan *c)
{
	set_timeout_ms(c->s, CLOSE_MS);
	(void)ssh_channel_send_eof(c->chan);
}

int
vx_ssh_chan_exit_status(struct vx_ssh_chan *c)
{
	return ssh_channel_get_exit_status(c->chan);
}

int
vx_ssh_exec(struct vx_ssh_sess *s, const char *cmd, struct vx_strbuf *out,
    size_t max, int *status, struct vx_deadline d, struct vx_err *err)
{
	struct vx_ssh_chan	*c = NULL;
	char			 what[200];
	bool			 got;
	int			 rc;

	vx_strbuf_reset(out);
	*status = -1;
	snprintf(what, sizeof(what), "for '%.150s'", cmd);
	rc = vx_ssh_sess_open(s, d, err);
	if (rc == 0)
		rc = vx_ssh_chan_open(s, VX_SSH_CHAN_EXEC, cmd, 0, &c, d, err);
	while (rc == 0 && !c->eof) {
		rc = vx_ssh_chan_read(c, out, max, what, true, d, &got, err);
		if (rc == 0 && !got && !c->eof && vx_deadline_passed(d))
			rc = vx_err_set(err, VX_E_TIMEOUT, "'%.150s' on %s "
			    "did not end before the deadline (%zu bytes "
			    "received)", cmd, s->hostport, out->len);
	}
	if (rc == 0)
		*status = vx_ssh_chan_exit_status(c);
	vx_ssh_chan_free(c);
	return rc;
}
