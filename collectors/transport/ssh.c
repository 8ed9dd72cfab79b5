/*
 * The SSH CLI layer: an interactive command line on a shell channel of a
 * kept SSH session (ssh_session.c), driven by the vendor's dialect.  See
 * ssh.h for the contract; the pure terminal helpers are in ssh_term.c.
 */
#include "ssh.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memtrim.h"

#include "banned.h"

/*
 * How long a prompt that is not ours must stay the last thing received
 * before we call it unexpected (it may be output that happens to end in
 * '#' or '>' at a read boundary).
 */
#define QUIET_MS		500
/* Longest command line we send. */
#define CMD_MAX			1024
/* Why a command's output may be cut: named by the max_output error. */
#define OVERFLOW_WHY	"without a prompt: a device that never stops sending?"

struct vx_ssh {
	struct vx_ssh_params	 p;
	const struct vx_cli_dialect *dl;
	struct vx_ssh_sess	*sess;
	struct vx_ssh_chan	*chan;		/* the shell */
	char			 prompt[VX_SSH_PROMPT_MAX + 1];
	char			 cand[VX_SSH_PROMPT_MAX + 1];	/* last seen */
	struct vx_strbuf	 raw;		/* what the device sent */
	size_t			 max_output;	/* cap on raw */
	size_t			 pager_at;	/* raw.len when we last paged */
	bool			 rejected;	/* the CLI refused it */
};

enum want {
	WANT_PROMPT,		/* exactly s->prompt */
	WANT_ANY_PROMPT,	/* any prompt; it goes to s->cand */
	WANT_PASSWORD,		/* "Password:" or any prompt */
};

enum matched {
	MATCH_PROMPT,
	MATCH_PASSWORD,
};

struct vx_ssh *
vx_ssh_new(const struct vx_ssh_params *p)
{
	struct vx_ssh *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->p = *p;
	s->dl = p->dialect;
	s->sess = vx_ssh_sess_new(&p->sess);
	if (s->sess == NULL) {
		free(s);
		return NULL;
	}
	vx_strbuf_init(&s->raw, 4096);
	s->max_output = p->max_output > 0 ? p->max_output :
	    VX_SSH_MAX_OUTPUT_DEFAULT;
	return s;
}

void
vx_ssh_close(struct vx_ssh *s)
{
	if (s == NULL)
		return;
	vx_ssh_chan_free(s->chan);
	s->chan = NULL;
	vx_ssh_sess_close(s->sess);
	s->prompt[0] = '\0';
	vx_strbuf_reset(&s->raw);
	vx_shrink_buffer(&s->raw, 4096);
}

void
vx_ssh_free(struct vx_ssh *s)
{
	if (s == NULL)
		return;
	vx_ssh_close(s);
	vx_ssh_sess_free(s->sess);
	vx_strbuf_release(&s->raw);
	free(s);
}

bool
vx_ssh_connected(const struct vx_ssh *s)
{
	return s != NULL && s->chan != NULL;
}

bool
vx_ssh_rejected(const struct vx_ssh *s)
{
	return vx_ssh_connected(s) && s->rejected;
}

const char *
vx_ssh_prompt(const struct vx_ssh *s)
{
	return s->prompt;
}

unsigned long
vx_ssh_logins(const struct vx_ssh *s)
{
	return vx_ssh_sess_logins(s->sess);
}

/* Sends line + LF.  The line may be a secret: it never goes to err. */
static int
send_line(struct vx_ssh *s, const char *line, struct vx_deadline d,
    struct vx_err *err)
{
	size_t	len = strlen(line);
	char	buf[CMD_MAX + 2];
	int	rc;

	if (len > CMD_MAX)
		return vx_err_set(err, VX_E_INTERNAL, "command line too long");
	memcpy(buf, line, len);
	buf[len] = '\n';
	rc = vx_ssh_chan_write(s->chan, buf, len + 1, d, err);
	explicit_bzero(buf, sizeof(buf));
	return rc;
}

/* Reads what arrives before d into s->raw (see vx_ssh_chan_read). */
static int
read_some(struct vx_ssh *s, struct vx_deadline d, bool *got,
    struct vx_err *err)
{
	return vx_ssh_chan_read(s->chan, &s->raw, s->max_output, OVERFLOW_WHY,
	    false, d, got, err);
}

/* The last non-blank line received, printable, for messages. */
static void
last_line(const struct vx_ssh *s, char *buf, size_t size)
{
	size_t n = s->raw.len;

	while (n > 0 && strchr("\r\n ", s->raw.buf[n - 1]) != NULL)
		n--;
	if (!vx_ssh_tail(s->raw.buf, n, buf, size)) {
		snprintf(buf, size, "(long line)");
		return;
	}
	for (char *p = buf; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || (unsigned char)*p >= 0x7f)
			*p = '?';
	}
}

/*
 * Reads until the device waits for us: at a prompt (or "Password:").
 * Pager prompts are answered with a space on the way.
 */
static int
read_until(struct vx_ssh *s, enum want want, const char *what,
    struct vx_deadline d, enum matched *m, struct vx_err *err)
{
	const char	*hp = vx_ssh_sess_hostport(s->sess);
	char		 tail[80];
	bool		 got;
	int		 rc;

	for (;;) {
		if (want == WANT_PASSWORD && vx_ssh_tail_endswith(s->raw.buf,
		    s->raw.len, "Password:")) {
			*m = MATCH_PASSWORD;
			return 0;
		}
		if (vx_ssh_find_prompt(s->dl, s->raw.buf, s->raw.len, s->cand,
		    sizeof(s->cand))) {
			struct vx_deadline quiet;

			*m = MATCH_PROMPT;
			if (want != WANT_PROMPT || strcmp(s->cand,
			    s->prompt) == 0)
				return 0;
			/* Not our prompt: unexpected, unless more follows. */
			quiet = vx_deadline_min(d, vx_deadline_in(QUIET_MS));
			rc = read_some(s, quiet, &got, err);
			if (rc != 0)
				return rc;
			if (got)
				continue;
			if (vx_deadline_passed(d))
				break;
			return vx_err_set(err, VX_E_PROTOCOL, "unexpected "
			    "prompt '%s' from %s after %s (expected '%s')",
			    s->cand, hp, what, s->prompt);
		}
		if (s->raw.len != s->pager_at &&
		    vx_ssh_pager_pending(s->dl, s->raw.buf, s->raw.len)) {
			/* The pager is on: ask for the next page. */
			s->pager_at = s->raw.len;
			if (vx_deadline_passed(d))
				break;
			rc = vx_ssh_chan_write(s->chan, " ", 1, d, err);
			if (rc != 0) {
				vx_err_prefix(err, "paging");
				return rc;
			}
		}
		rc = read_some(s, d, &got, err);
		if (rc != 0) {
			vx_err_prefix(err, "waiting for %s", what);
			return rc;
		}
		if (!got && vx_deadline_passed(d))
			break;
	}
	last_line(s, tail, sizeof(tail));
	return vx_err_set(err, VX_E_TIMEOUT, "no prompt from %s after %s "
	    "before the deadline (%zu bytes received, last line '%s')",
	    hp, what, s->raw.len, tail);
}

/*
 * Sends one command line and waits for the prompt.  learn: any prompt
 * ends the output and becomes the session's prompt (the command may
 * change it, as "changeto context" does).  The cleaned output goes to out.
 */
static int
run_once(struct vx_ssh *s, const char *cmd, bool learn,
    struct vx_strbuf *out, struct vx_deadline d, struct vx_err *err)
{
	char		what[CMD_MAX + 3];
	char		msg[200];
	enum matched	m;
	int		rc;

	snprintf(what, sizeof(what), "'%s'", cmd);
	vx_strbuf_reset(&s->raw);
	s->pager_at = 0;
	s->rejected = false;
	vx_strbuf_reset(out);
	rc = send_line(s, cmd, d, err);
	if (rc == 0)
		rc = read_until(s, learn ? WANT_ANY_PROMPT : WANT_PROMPT, what,
		    d, &m, err);
	/* A failed command's output is not used: no second copy of it. */
	if (rc == 0)
		vx_ssh_clean_output(s->dl, s->raw.buf, s->raw.len, cmd,
		    s->cand, out);
	vx_shrink_buffer(&s->raw, 4096);
	if (rc != 0)
		return rc;
	if (out->failed)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	if (learn)
		memcpy(s->prompt, s->cand, sizeof(s->prompt));
	if (vx_ssh_device_error(s->dl, out->buf, out->len, msg,
	    sizeof(msg))) {
		s->rejected = true;
		return vx_err_set(err, VX_E_PROTOCOL, "%s rejected by %s: %s",
		    what, vx_ssh_sess_hostport(s->sess), msg);
	}
	return 0;
}

/*
 * The prompt after login.  The banner ends with it, but a banner line
 * ending in '#' could be cut at a read boundary and look like one, so it
 * is confirmed by an empty line, which the device answers with the prompt.
 */
static int
learn_prompt(struct vx_ssh *s, struct vx_deadline d, struct vx_err *err)
{
	char		prev[VX_SSH_PROMPT_MAX + 1];
	enum matched	m;
	int		rc;

	vx_strbuf_reset(&s->raw);
	rc = read_until(s, WANT_ANY_PROMPT, "login", d, &m, err);
	for (int i = 0; rc == 0 && i < 3; i++) {
		memcpy(prev, s->cand, sizeof(prev));
		vx_strbuf_reset(&s->raw);
		rc = send_line(s, "", d, err);
		if (rc == 0)
			rc = read_until(s, WANT_ANY_PROMPT, "an empty line", d,
			    &m, err);
		if (rc == 0 && strcmp(prev, s->cand) == 0) {
			memcpy(s->prompt, s->cand, sizeof(s->prompt));
			return 0;
		}
	}
	if (rc != 0)
		return rc;
	return vx_err_set(err, VX_E_PROTOCOL, "no stable prompt from %s after "
	    "login (last '%s')", vx_ssh_sess_hostport(s->sess), s->cand);
}

/* The dialect's privilege command ("enable") and its secret. */
static int
privilege(struct vx_ssh *s, struct vx_deadline d, struct vx_err *err)
{
	const char	*hp = vx_ssh_sess_hostport(s->sess);
	const char	*cmd = s->dl->privilege_cmd;
	char		 user_prompt[VX_SSH_PROMPT_MAX + 1];
	char		 what[80];
	enum matched	 m;
	int		 rc;

	memcpy(user_prompt, s->prompt, sizeof(user_prompt));
	if (s->p.enable_password == NULL)
		return vx_err_set(err, VX_E_AUTH, "login as '%s' on %s landed "
		    "in user mode ('%s') and no enable_password is configured",
		    s->p.sess.username, hp, user_prompt);
	snprintf(what, sizeof(what), "'%s'", cmd);
	vx_strbuf_reset(&s->raw);
	rc = send_line(s, cmd, d, err);
	if (rc == 0)
		rc = read_until(s, WANT_PASSWORD, what, d, &m, err);
	if (rc != 0)
		return rc;
	if (m == MATCH_PASSWORD) {
		vx_strbuf_reset(&s->raw);
		rc = send_line(s, s->p.enable_password, d, err);
		if (rc == 0)
			rc = read_until(s, WANT_PASSWORD, "the enable secret",
			    d, &m, err);
		if (rc != 0)
			return rc;
		/* Asked again, or back at the user prompt: refused. */
		if (m == MATCH_PASSWORD ||
		    s->cand[strlen(s->cand) - 1] != s->dl->priv_end)
			return vx_err_set(err, VX_E_AUTH, "enable secret "
			    "refused by %s (still at '%s')", hp,
			    m == MATCH_PASSWORD ? "Password:" : user_prompt);
	} else if (s->cand[strlen(s->cand) - 1] != s->dl->priv_end)
		return vx_err_set(err, VX_E_AUTH, "%s failed on %s "
		    "(prompt '%s')", what, hp, s->cand);
	memcpy(s->prompt, s->cand, sizeof(s->prompt));
	return 0;
}

/* The collector's setup commands, then the dialect's pager-off ones. */
static int
setup(struct vx_ssh *s, struct vx_deadline d, struct vx_err *err)
{
	struct vx_strbuf	out;
	int			rc = 0;

	vx_strbuf_init(&out, 256);
	for (size_t i = 0; rc == 0 && s->p.setup != NULL &&
	    s->p.setup[i] != NULL; i++) {
		rc = run_once(s, s->p.setup[i], true, &out, d, err);
		if (rc != 0 && s->rejected && s->p.setup_optional != NULL &&
		    s->p.setup_optional[i])
			rc = 0;
	}
	for (size_t i = 0; rc == 0 && s->dl->pager_off != NULL &&
	    s->dl->pager_off[i] != NULL; i++) {
		rc = run_once(s, s->dl->pager_off[i], true, &out, d, err);
		if (rc != 0 && s->rejected)
			rc = 0;		/* the pager is handled anyway */
	}
	vx_strbuf_release(&out);
	return rc;
}

int
vx_ssh_open(struct vx_ssh *s, struct vx_deadline d, struct vx_err *err)
{
	const char	*p;
	int		 rc;

	if (s->chan != NULL)
		return 0;
	s->prompt[0] = '\0';
	rc = vx_ssh_sess_open(s->sess, d, err);
	if (rc == 0)
		rc = vx_ssh_chan_open(s->sess, VX_SSH_CHAN_SHELL, NULL,
		    s->dl->columns, &s->chan, d, err);
	if (rc == 0)
		rc = learn_prompt(s, d, err);
	p = s->prompt;
	if (rc == 0 && s->dl->privilege_cmd != NULL &&
	    p[strlen(p) - 1] == s->dl->user_end)
		rc = privilege(s, d, err);
	if (rc == 0)
		rc = setup(s, d, err);
	if (rc != 0)
		vx_ssh_close(s);
	return rc;
}

int
vx_ssh_run(struct vx_ssh *s, const char *cmd, struct vx_strbuf *out,
    struct vx_deadline d, struct vx_err *err)
{
	bool	fresh = false;
	int	rc;

	vx_strbuf_reset(out);
	if (cmd[0] == '\0' || strlen(cmd) > CMD_MAX)
		return vx_err_set(err, VX_E_INTERNAL, "bad command length");
	for (const char *p = cmd; *p != '\0'; p++) {
		if ((unsigned char)*p < 0x20 || (unsigned char)*p == 0x7f)
			return vx_err_set(err, VX_E_INTERNAL, "control "
			    "character in command");
	}
	if (s->chan != NULL && !vx_ssh_chan_alive(s->chan))
		vx_ssh_close(s);
	if (s->chan == NULL) {
		rc = vx_ssh_open(s, d, err);
		if (rc != 0)
			return rc;
		fresh = true;
	}
	rc = run_once(s, cmd, false, out, d, err);
	if (rc != 0 && vx_ssh_chan_died(s->chan) && !fresh && out->len == 0) {
		/* It died while idle and we only noticed now: once more. */
		vx_ssh_close(s);
		rc = vx_ssh_open(s, d, err);
		if (rc == 0)
			rc = run_once(s, cmd, false, out, d, err);
	}
	if (rc != 0 && !s->rejected)
		vx_ssh_close(s);
	return rc;
}

int
vx_ssh_exec_cmd(struct vx_ssh *s, const char *cmd, struct vx_strbuf *out,
    int *status, struct vx_deadline d, struct vx_err *err)
{
	int rc;

	rc = vx_ssh_exec(s->sess, cmd, out, s->max_output, status, d, err);
	if (rc != 0 && rc != -VX_E_NOMEM)
		vx_ssh_close(s);
	return rc;
}
