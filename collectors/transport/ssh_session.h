#ifndef VX_TRANSPORT_SSH_SESSION_H
#define VX_TRANSPORT_SSH_SESSION_H

/*
 * The SSH session layer (libssh, blocking API): one connection to one
 * device -- key exchange, the host key checked against known_hosts,
 * authentication, TCP keepalive -- and the channels opened on it:
 *
 *   shell      a pty and the login shell: the interactive CLI (ssh.h)
 *   exec       one command, its output until EOF, its exit status
 *   subsystem  a named subsystem ("netconf", netconf.h)
 *
 * Every blocking step is bounded by the caller's deadline: libssh's own
 * timeout (SSH_OPTIONS_TIMEOUT{,_USEC}, used by key exchange,
 * authentication and channel requests) is set to what is left of it
 * before each step, and reads wait at most that long.
 *
 * Errors (negative vx_errcode, details in err->msg; never a secret):
 *   VX_E_CONNECT   refused, unreachable, name resolution, key exchange
 *   VX_E_HOSTKEY   host key not in known_hosts (strict) or changed
 *   VX_E_AUTH      credentials refused
 *   VX_E_TIMEOUT   the deadline passed
 *   VX_E_PROTOCOL  the session or the channel died, a channel request
 *                  was refused, more output than allowed
 *   VX_E_CONFIG    the private key file cannot be read
 *
 * One struct vx_ssh_sess (and its channels) is used by one thread at a
 * time.  libssh is loaded on first use (ssh_lib.h).
 */

#include <stdbool.h>
#include <stddef.h>

#include "clock.h"
#include "err.h"
#include "strbuf.h"

enum vx_ssh_host_key_policy {
	/* The server's key must be in known_hosts already. */
	VX_SSH_HOST_KEY_STRICT,
	/*
	 * An unknown host is accepted and its key appended to known_hosts;
	 * a known host with a different key is still refused.
	 */
	VX_SSH_HOST_KEY_ACCEPT_NEW,
};

/* Idle time before TCP keepalive probes start, by default. */
#define VX_SSH_KEEPALIVE_DEFAULT_S	60

/*
 * What a session needs.  The strings are not copied: they must outlive
 * the session.
 */
struct vx_ssh_sess_params {
	const char			*address;	/* host name or IP */
	unsigned			 port;		/* 0 means 22 */
	const char			*username;
	const char			*password;	/* NULL: none */
	const char			*private_key_file; /* NULL: none */
	const char			*known_hosts_file; /* required */
	enum vx_ssh_host_key_policy	 host_key_policy;
	/*
	 * TCP keepalive on the kept connection: probes after this many idle
	 * seconds (then every 10 s, 3 unanswered ones end it), so a kept
	 * session through a NAT or firewall stays known to it and a dead
	 * peer is noticed.  0: VX_SSH_KEEPALIVE_DEFAULT_S; negative: off.
	 */
	int				 keepalive_s;
};

struct vx_ssh_sess;
struct vx_ssh_chan;

enum vx_ssh_chan_kind {
	VX_SSH_CHAN_SHELL,	/* arg: unused; a pty of `columns` columns */
	VX_SSH_CHAN_EXEC,	/* arg: the command line */
	VX_SSH_CHAN_SUBSYSTEM,	/* arg: the subsystem's name */
};

/* Loads libssh; false with the reason in msg if it cannot be. */
bool		 vx_ssh_lib_available(char *msg, size_t size);

/* A new, unconnected session; NULL on out-of-memory. */
struct vx_ssh_sess *vx_ssh_sess_new(const struct vx_ssh_sess_params *p);
/* Closes (see vx_ssh_sess_close) and frees; s may be NULL. */
void		 vx_ssh_sess_free(struct vx_ssh_sess *s);
/*
 * Connects, checks the host key and authenticates, unless connected
 * already.  Returns 0 or a negative vx_errcode.
 */
int		 vx_ssh_sess_open(struct vx_ssh_sess *s,
		    struct vx_deadline deadline, struct vx_err *err);
/* Disconnects (politely, briefly).  Channels must be freed first. */
void		 vx_ssh_sess_close(struct vx_ssh_sess *s);
bool		 vx_ssh_sess_connected(const struct vx_ssh_sess *s);
/* "host:port" or "[v6]:port", for messages. */
const char	*vx_ssh_sess_hostport(const struct vx_ssh_sess *s);
/* Successful authentications so far. */
unsigned long	 vx_ssh_sess_logins(const struct vx_ssh_sess *s);

/*
 * Opens a channel of kind on the (connected) session.  Returns 0 and
 * *out, or a negative vx_errcode (the channel is then not open).
 */
int		 vx_ssh_chan_open(struct vx_ssh_sess *s,
		    enum vx_ssh_chan_kind kind, const char *arg,
		    unsigned columns, struct vx_ssh_chan **out,
		    struct vx_deadline deadline, struct vx_err *err);
void		 vx_ssh_chan_free(struct vx_ssh_chan *c);
/*
 * Writes len bytes.  secret: the bytes are a secret and never appear in
 * a message.  Returns 0 or a negative vx_errcode.
 */
int		 vx_ssh_chan_write(struct vx_ssh_chan *c, const char *buf,
		    size_t len, struct vx_deadline deadline,
		    struct vx_err *err);
/*
 * Appends to into what arrives before the deadline (one read); *got says
 * whether anything came.  More than max bytes in into in all is an
 * error naming max ("more than max_output (N bytes) of output from
 * HOST", then what).  Returns 0 -- also at the deadline with nothing
 * read -- or an error when the channel ended (at EOF with
 * end_ok: 0, and vx_ssh_chan_eof() is then true).
 */
int		 vx_ssh_chan_read(struct vx_ssh_chan *c, struct vx_strbuf *into,
		    size_t max, const char *what, bool end_ok,
		    struct vx_deadline deadline, bool *got,
		    struct vx_err *err);
/*
 * Whether the channel still works, as far as can be told without
 * sending: pending packets are processed (an EOF the device sent while
 * we were idle shows now) and stray output is dropped.
 */
bool		 vx_ssh_chan_alive(struct vx_ssh_chan *c);
/* The peer ended the channel (EOF or close), or a write or read failed. */
bool		 vx_ssh_chan_died(const struct vx_ssh_chan *c);
bool		 vx_ssh_chan_eof(const struct vx_ssh_chan *c);
/* Sends EOF (the end of what we send). */
void		 vx_ssh_chan_send_eof(struct vx_ssh_chan *c);
/* The exit status of an exec channel's command, -1 if none yet. */
int		 vx_ssh_chan_exit_status(struct vx_ssh_chan *c);

/*
 * Runs one command on an exec channel of its own (logging in first when
 * needed) and puts its output (stdout) into out, reset first, up to max
 * bytes.  Returns 0 with *status the command's exit status (-1 if the
 * server sent none), or a negative vx_errcode; the session stays open
 * either way (the caller closes it after an error).
 */
int		 vx_ssh_exec(struct vx_ssh_sess *s, const char *cmd,
		    struct vx_strbuf *out, size_t max, int *status,
		    struct vx_deadline deadline, struct vx_err *err);

#endif
