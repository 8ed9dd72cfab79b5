#ifndef VX_TRANSPORT_SSH_H
#define VX_TRANSPORT_SSH_H

/*
 * An interactive CLI over SSH (libssh, blocking API), for devices with an
 * IOS-like command line: Cisco ASA and friends.  One struct vx_ssh is one
 * device login: a persistent shell channel with a pty, reused by every
 * command until it dies or is closed, so that a poll does not cost a login
 * (each login is a line in the AAA logs operators watch).
 *
 * Login sequence (vx_ssh_open, run implicitly by vx_ssh_run):
 *   connect (TCP + key exchange) -> host key checked against known_hosts
 *   -> authentication (public key, then password, then keyboard-
 *   interactive with the password) -> pty + shell -> learn the prompt
 *   ("asa-1>" or "asa-1#") -> "enable" + enable secret if the prompt ends
 *   in '>' -> optional setup commands ("changeto context X",
 *   "terminal pager 0"), each must leave the device at a prompt.
 *
 * Every blocking step is bounded by the caller's deadline.  No parsing of
 * command output happens here: vx_ssh_run returns the text the command
 * printed, minus the echoed command line, the trailing prompt, carriage
 * returns and pager prompts ("<--- More --->" is answered with a space if
 * the pager was left on).  The one thing read from the output is the CLI's
 * own rejection of a command ("% Invalid input detected at '^' marker.",
 * "ERROR: ..."), which is part of the CLI protocol, like the prompt.
 *
 * Errors (negative vx_errcode, details in err->msg; never a secret):
 *   VX_E_CONNECT   refused, unreachable, name resolution, key exchange
 *   VX_E_HOSTKEY   host key not in known_hosts (strict) or changed
 *   VX_E_AUTH      credentials refused, enable secret refused, login
 *                  landed in user mode with no enable secret configured
 *   VX_E_TIMEOUT   the deadline passed (connecting, or waiting for the
 *                  prompt, e.g. a device hanging in the middle of output)
 *   VX_E_PROTOCOL  the session died, an unexpected prompt, the device
 *                  rejected a command
 *   VX_E_CONFIG    the private key file cannot be read
 * After any error but a rejected command the connection is closed, and the
 * next vx_ssh_run logs in again.
 *
 * Thread safety: one struct vx_ssh must be used by one thread at a time;
 * different ones may be used concurrently.
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

/*
 * Connection parameters.  vx_ssh_new() copies the struct but not the
 * strings: they must stay valid until vx_ssh_free().
 */
struct vx_ssh_params {
	const char			*address;	/* host name or IP */
	unsigned			 port;		/* 0 means 22 */
	const char			*username;
	const char			*password;	/* NULL: none */
	const char			*private_key_file; /* NULL: none */
	const char			*known_hosts_file; /* required */
	enum vx_ssh_host_key_policy	 host_key_policy;
	/* Sent after "enable" when the login lands in user mode. */
	const char			*enable_password;
	/*
	 * Commands run once after each login, in order (NULL-terminated,
	 * may be NULL): "changeto context X", "terminal pager 0".  A
	 * rejected command fails the login, except the ones listed in
	 * setup_optional (same indexes; true: failure is ignored).
	 */
	const char *const		*setup;
	const bool			*setup_optional;
	/*
	 * The most bytes one command (or the login) may send before its
	 * prompt; more fails the command, naming the cap.  0: the default.
	 */
	size_t				 max_output;
};

#define VX_SSH_MAX_OUTPUT_DEFAULT	((size_t)32 * 1024 * 1024)

struct vx_ssh;

/*
 * Loads libssh, which is not linked but opened on first use (ssh_lib.h).
 * Returns true, or false with the reason in msg.  vx_ssh_open does this
 * itself; collectors call it when configured, to refuse a configuration
 * early rather than fail every poll.
 */
bool		 vx_ssh_available(char *msg, size_t size);

/*
 * A new, unconnected session (nothing is sent until the first vx_ssh_open
 * or vx_ssh_run).  Returns NULL on out-of-memory.  Free with vx_ssh_free.
 */
struct vx_ssh	*vx_ssh_new(const struct vx_ssh_params *p);
/* Closes the connection (if any) and frees s.  s may be NULL. */
void		 vx_ssh_free(struct vx_ssh *s);

/*
 * Logs in if not connected (see the sequence above).  Returns 0, or a
 * negative vx_errcode with err filled in.
 */
int		 vx_ssh_open(struct vx_ssh *s, struct vx_deadline deadline,
		    struct vx_err *err);

/*
 * Runs one command line (no control characters) and puts what it printed
 * into out (reset first; NUL-terminated, may contain any byte).  Logs in
 * first when needed.  A connection found dead before the command is sent,
 * or that dies before the command printed anything, is re-established and
 * the command sent once more (show commands are safe to repeat).  Returns
 * 0 or a negative vx_errcode; out then holds whatever was received.
 */
int		 vx_ssh_run(struct vx_ssh *s, const char *cmd,
		    struct vx_strbuf *out, struct vx_deadline deadline,
		    struct vx_err *err);

/* Drops the connection; the next vx_ssh_run logs in again. */
void		 vx_ssh_close(struct vx_ssh *s);

/* Whether a connection is established (it may have died unnoticed). */
bool		 vx_ssh_connected(const struct vx_ssh *s);
/*
 * Whether the last vx_ssh_run failed only because the CLI rejected the
 * command (VX_E_PROTOCOL): the session is still at its prompt and usable.
 */
bool		 vx_ssh_rejected(const struct vx_ssh *s);
/* The prompt learnt at the last login ("asa-1#"), or "" if none. */
const char	*vx_ssh_prompt(const struct vx_ssh *s);
/* Successful logins so far (for tests and the benchmark). */
unsigned long	 vx_ssh_logins(const struct vx_ssh *s);

/*
 * Pure helpers behind vx_ssh_run, exported for the unit tests.  They work
 * on raw terminal output (CR LF line ends, lone CRs and backspaces that
 * overwrite, ANSI CSI sequences).
 */

#define VX_SSH_PROMPT_MAX	128

/* The pager prompts we recognise at the end of output. */
#define VX_SSH_PAGER_ASA	"<--- More --->"
#define VX_SSH_PAGER_IOS	"--More--"

/*
 * If the last line of raw (after the last LF) looks like a CLI prompt --
 * up to VX_SSH_PROMPT_MAX printable non-blank characters ending in '>' or
 * '#', not made of '#' only, optionally followed by blanks -- copies it
 * without the trailing blanks to prompt (NUL-terminated, size >
 * VX_SSH_PROMPT_MAX) and returns true.
 */
bool	vx_ssh_find_prompt(const char *raw, size_t len, char *prompt,
	    size_t size);
/* True if the last line of raw ends with a pager prompt. */
bool	vx_ssh_pager_pending(const char *raw, size_t len);
/*
 * True if the last line of raw, rendered and without trailing blanks,
 * ends with suffix (case-insensitive), e.g. "Password:".
 */
bool	vx_ssh_tail_endswith(const char *raw, size_t len, const char *suffix);

/*
 * Renders raw terminal output into plain text lines ending in LF: CR LF
 * becomes LF, a lone CR or a backspace moves back over the current line
 * (what follows overwrites it; if only blanks lie after the cursor, as
 * when a pager prompt was overwritten with spaces, they are dropped),
 * "ESC [ ... K" erases to the end of the line, other CSI
 * sequences and NUL bytes are dropped, pager prompts are removed.  Then,
 * if cmd is not NULL and the first line is its echo (cmd itself, or a
 * form scrolled with '$' by a narrow terminal), that line is dropped; if
 * prompt is not NULL and the last line is that prompt, it is dropped.
 * Appends to out.
 */
void	vx_ssh_clean_output(const char *raw, size_t len, const char *cmd,
	    const char *prompt, struct vx_strbuf *out);

/*
 * If the cleaned output of a command is the CLI rejecting it -- its first
 * non-blank line, after an optional caret line ("    ^"), starts with
 * "% " or "ERROR:" or is "Command authorization failed" -- copies that
 * line to msg (cut to size) and returns true.
 */
bool	vx_ssh_device_error(const char *text, size_t len, char *msg,
	    size_t size);

#endif
