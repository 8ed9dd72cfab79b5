#ifndef VX_TRANSPORT_SSH_H
#define VX_TRANSPORT_SSH_H

/*
 * The SSH CLI layer: an interactive command line over SSH, driven by the
 * vendor's dialect (cli_dialect.h: prompt forms, the pager-off commands,
 * the privilege command or none, the error prefixes).  One struct vx_ssh
 * is one device login (ssh_session.h) with a persistent shell channel on
 * a pty, reused by every command until it dies or is closed, so that a
 * poll does not cost a login (each login is a line in the AAA logs
 * operators watch).
 *
 * Login sequence (vx_ssh_open, run implicitly by vx_ssh_run):
 *   connect (TCP + key exchange) -> host key checked against known_hosts
 *   -> authentication (public key, then password, then keyboard-
 *   interactive with the password) -> pty + shell -> learn the prompt
 *   ("asa-1>", "monitor@srx>") -> if the dialect has a privilege command
 *   and the prompt ends in its user-mode character: that command
 *   ("enable") + the enable secret -> the optional setup commands
 *   ("changeto context X"), each must leave the device at a prompt ->
 *   the dialect's pager-off commands ("terminal pager 0", "set cli
 *   screen-length 0"), whose refusal is ignored.
 *
 * Every blocking step is bounded by the caller's deadline.  No parsing of
 * command output happens here: vx_ssh_run returns the text the command
 * printed, minus the echoed command line, the trailing prompt, carriage
 * returns and pager prompts (answered with a space if the pager was left
 * on).  The one thing read from the output is the CLI's own rejection of
 * a command (the dialect's error prefixes: "% Invalid input detected at
 * '^' marker.", "ERROR: ...", "syntax error, expecting <command>."),
 * which is part of the CLI protocol, like the prompt.
 *
 * Errors (negative vx_errcode, details in err->msg; never a secret):
 *   VX_E_CONNECT   refused, unreachable, name resolution, key exchange
 *   VX_E_HOSTKEY   host key not in known_hosts (strict) or changed
 *   VX_E_AUTH      credentials refused, enable secret refused, login
 *                  landed in user mode with no enable secret configured
 *   VX_E_TIMEOUT   the deadline passed (connecting, or waiting for the
 *                  prompt, e.g. a device hanging in the middle of output)
 *   VX_E_PROTOCOL  the session died, an unexpected prompt, the device
 *                  rejected a command, more than max_output
 *   VX_E_CONFIG    the private key file cannot be read
 * After any error but a rejected command the connection is closed, and the
 * next vx_ssh_run logs in again.
 *
 * Thread safety: one struct vx_ssh must be used by one thread at a time;
 * different ones may be used concurrently.
 */

#include <stdbool.h>
#include <stddef.h>

#include "cli_dialect.h"
#include "clock.h"
#include "err.h"
#include "ssh_session.h"
#include "strbuf.h"

/*
 * Connection parameters.  vx_ssh_new() copies the struct but not the
 * strings: they must stay valid until vx_ssh_free().
 */
struct vx_ssh_params {
	/* The login: address, credentials, host key (ssh_session.h). */
	struct vx_ssh_sess_params	 sess;
	/* The vendor's command line; required. */
	const struct vx_cli_dialect	*dialect;
	/* Sent after the privilege command when the login lands in user mode. */
	const char			*enable_password;
	/*
	 * Commands run once after each login, before the dialect's pager-off
	 * ones, in order (NULL-terminated, may be NULL): "changeto context
	 * X".  A rejected command fails the login, except the ones listed in
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

/*
 * Runs one command on an exec channel of the same login instead of the
 * shell (no pty, no prompt: the output ends at EOF), as "ssh host CMD"
 * does.  Returns 0 with *status the command's exit status (-1 if none
 * was sent), or a negative vx_errcode.
 */
int		 vx_ssh_exec_cmd(struct vx_ssh *s, const char *cmd,
		    struct vx_strbuf *out, int *status,
		    struct vx_deadline deadline, struct vx_err *err);

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
 * Pure helpers behind vx_ssh_run (ssh_term.c), exported for the unit
 * tests.  They work on raw terminal output (CR LF line ends, lone CRs and
 * backspaces that overwrite, ANSI CSI sequences).
 */

#define VX_SSH_PROMPT_MAX	128

/*
 * If the last line of raw (after the last LF) looks like a CLI prompt --
 * up to VX_SSH_PROMPT_MAX printable non-blank characters ending in one
 * of the dialect's prompt characters, not made of '#' only, optionally
 * followed by blanks -- copies it without the trailing blanks to prompt
 * (NUL-terminated, size > VX_SSH_PROMPT_MAX) and returns true.
 */
bool	vx_ssh_find_prompt(const struct vx_cli_dialect *dl, const char *raw,
	    size_t len, char *prompt, size_t size);
/* True if the last line of raw ends with one of the dialect's pagers. */
bool	vx_ssh_pager_pending(const struct vx_cli_dialect *dl, const char *raw,
	    size_t len);
/*
 * True if the last line of raw, rendered and without trailing blanks,
 * ends with suffix (case-insensitive), e.g. "Password:".
 */
bool	vx_ssh_tail_endswith(const char *raw, size_t len, const char *suffix);
/*
 * The last line of raw, rendered, without trailing blanks, into buf
 * (NUL-terminated); false if it does not fit or no line start is near
 * the end.
 */
bool	vx_ssh_tail(const char *raw, size_t len, char *buf, size_t size);

/*
 * Renders raw terminal output into plain text lines ending in LF: CR LF
 * becomes LF, a lone CR or a backspace moves back over the current line
 * (what follows overwrites it; if only blanks lie after the cursor, as
 * when a pager prompt was overwritten with spaces, they are dropped),
 * "ESC [ ... K" erases to the end of the line, other CSI
 * sequences and NUL bytes are dropped, the dialect's pager prompts are
 * removed.  Then, if cmd is not NULL and the first line is its echo (cmd
 * itself, or a form scrolled with '$' by a narrow terminal), that line is
 * dropped; if prompt is not NULL and the last line is that prompt, it is
 * dropped.  Appends to out.
 */
void	vx_ssh_clean_output(const struct vx_cli_dialect *dl, const char *raw,
	    size_t len, const char *cmd, const char *prompt,
	    struct vx_strbuf *out);

/*
 * If the cleaned output of a command is the CLI rejecting it -- its first
 * non-blank line, after an optional caret line ("    ^"), starts with
 * one of the dialect's error prefixes -- copies that line to msg (cut to
 * size, controls as '?') and returns true.
 */
bool	vx_ssh_device_error(const struct vx_cli_dialect *dl, const char *text,
	    size_t len, char *msg, size_t size);

#endif
