/*
 * An interactive CLI session over libssh.  See ssh.h for the contract.
 *
 * libssh's blocking calls take their timeout from the session options
 * (SSH_OPTIONS_TIMEOUT{,_USEC}, used by key exchange, authentication and
 * channel requests); we set it to what is left of the caller's deadline
 * before each of them, and reads use ssh_channel_read_timeout() with the
 * same budget, so no step can outlive the deadline by more than one
 * network round trip.
 */
#include "ssh.h"

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "memtrim.h"
#include "ssh_lib.h"

#include "banned.h"

/* Buffer capacity kept between commands; more is given back. */
#define KEEP_RAW		(1024 * 1024)
/* How far back from the end we look for the start of the last line. */
#define TAIL_MAX		4096
/*
 * How long a prompt that is not ours must stay the last thing received
 * before we call it unexpected (it may be output that happens to end in
 * '#' or '>' at a read boundary).
 */
#define QUIET_MS		500
/* Budget for closing a connection politely. */
#define CLOSE_MS		500
/* Longest command line we send. */
#define CMD_MAX			1024

/* memmem(3) and memrchr(3) are GNU extensions; these are all we need. */
static const char *
find_mem(const char *hay, size_t hl, const char *needle, size_t nl)
{
	if (nl == 0 || hl < nl)
		return NULL;
	for (size_t i = 0; i + nl <= hl; i++) {
		if (hay[i] == needle[0] && memcmp(hay + i, needle, nl) == 0)
			return hay + i;
	}
	return NULL;
}

static const char *
find_last(const char *s, char c, size_t n)
{
	while (n > 0) {
		if (s[--n] == c)
			return s + n;
	}
	return NULL;
}

struct vx_ssh {
	struct vx_ssh_params	 p;
	char			 hostport[300];	/* "host:port" for messages */
	ssh_session		 sess;
	ssh_channel		 chan;
	char			 prompt[VX_SSH_PROMPT_MAX + 1];
	char			 cand[VX_SSH_PROMPT_MAX + 1];	/* last seen */
	struct vx_strbuf	 raw;		/* what the device sent */
	size_t			 max_output;	/* cap on raw */
	size_t			 pager_at;	/* raw.len when we last paged */
	unsigned long		 logins;
	bool			 died;		/* EOF or channel error */
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

/*
 * Terminal rendering: the current line and a cursor, as a terminal shows
 * text with CRs, backspaces and erase-line sequences.
 */
struct term {
	struct vx_strbuf	*out;
	bool			 keep_pager;	/* leave pager prompts in */
	char			*line;
	size_t			 len;
	size_t			 cap;
	size_t			 cur;
	bool			 failed;
};

static void
term_put(struct term *t, char c)
{
	if (t->cur >= t->cap) {
		size_t	 ncap = t->cap == 0 ? 256 : t->cap * 2;
		char	*n;

		n = realloc(t->line, ncap);
		if (n == NULL) {
			t->failed = true;
			return;
		}
		t->line = n;
		t->cap = ncap;
	}
	if (t->cur >= t->len) {
		/* A cursor past the end leaves blanks, as a terminal would. */
		memset(t->line + t->len, ' ', t->cur - t->len);
		t->len = t->cur + 1;
	}
	t->line[t->cur++] = c;
}

static bool
is_blank_run(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] != ' ' && s[i] != '\t')
			return false;
	}
	return true;
}

/* Removes pager prompts from a rendered line; true if it held one. */
static bool
strip_pager(char *line, size_t *len)
{
	static const char *const marks[] = {
		VX_SSH_PAGER_ASA, " " VX_SSH_PAGER_IOS " ", VX_SSH_PAGER_IOS,
	};
	bool found = false;

	for (size_t m = 0; m < sizeof(marks) / sizeof(marks[0]); m++) {
		size_t		 ml = strlen(marks[m]);
		const char	*q;

		while ((q = find_mem(line, *len, marks[m], ml)) != NULL) {
			size_t off = (size_t)(q - line);

			memmove(line + off, line + off + ml, *len - off - ml);
			*len -= ml;
			found = true;
		}
	}
	return found;
}

/*
 * The cursor moved back to cur (CR, backspace).  What lies after it is
 * still on the line; but if that is only blanks (a pager prompt
 * overwritten with spaces, as the ASA erases "<--- More --->"), it is no
 * text, and dropping it keeps the next line free of trailing blanks.
 */
static void
term_back(struct term *t, size_t cur)
{
	t->cur = cur;
	if (t->cur < t->len && is_blank_run(t->line + t->cur, t->len - t->cur))
		t->len = t->cur;
}

/* Ends the current line: writes it (and LF if nl) to out. */
static void
term_commit(struct term *t, bool nl)
{
	size_t len = t->len;

	if (len > 0 && !t->keep_pager && strip_pager(t->line, &len) &&
	    is_blank_run(t->line, len)) {
		/* A pager prompt alone on its line was not output. */
		len = 0;
		nl = false;
	}
	vx_strbuf_add(t->out, t->line, len);
	if (nl)
		vx_strbuf_addch(t->out, '\n');
	t->len = t->cur = 0;
}

/* Skips an escape sequence starting at raw[i] (ESC); returns the new i. */
static size_t
term_escape(struct term *t, const char *raw, size_t len, size_t i)
{
	size_t j = i + 1;

	if (j >= len)
		return j;
	if (raw[j] != '[')
		return j + 1;		/* ESC x: two bytes */
	j++;
	while (j < len && (unsigned char)raw[j] >= 0x20 &&
	    (unsigned char)raw[j] <= 0x3f)
		j++;
	if (j >= len)
		return j;
	if (raw[j] == 'K') {
		/* Erase to the end of the line. */
		if (t->cur < t->len)
			t->len = t->cur;
	}
	return j + 1;
}

/* Renders raw into out, line by line; the last line gets no LF. */
static bool
render(const char *raw, size_t len, bool keep_pager, struct vx_strbuf *out)
{
	struct term	t = { .out = out, .keep_pager = keep_pager };
	bool		ok;

	for (size_t i = 0; i < len; ) {
		unsigned char c = (unsigned char)raw[i];

		switch (c) {
		case '\n':
			term_commit(&t, true);
			i++;
			continue;
		case '\r':
			/* CR LF is a line end; a lone CR returns the cursor. */
			if (i + 1 < len && raw[i + 1] == '\n') {
				i++;
				continue;
			}
			term_back(&t, 0);
			i++;
			continue;
		case '\b':
			term_back(&t, t.cur > 0 ? t.cur - 1 : 0);
			i++;
			continue;
		case 0x1b:
			i = term_escape(&t, raw, len, i);
			continue;
		case '\t':
			term_put(&t, '\t');
			i++;
			continue;
		default:
			if (c < 0x20 || c == 0x7f) {
				i++;	/* NUL, BEL and other controls */
				continue;
			}
			term_put(&t, (char)c);
			i++;
			continue;
		}
	}
	if (t.len > 0)
		term_commit(&t, false);
	ok = !t.failed;
	free(t.line);
	return ok;
}

/* The rendered last line of raw, without trailing blanks, into buf. */
static bool
render_tail(const char *raw, size_t len, char *buf, size_t size)
{
	const char		*start = raw;
	const char		*nl;
	size_t			 look = len < TAIL_MAX ? len : TAIL_MAX;
	struct vx_strbuf	 sb;
	size_t			 n;
	bool			 ok;

	nl = look > 0 ? find_last(raw + len - look, '\n', look) : NULL;
	if (nl != NULL)
		start = nl + 1;
	else if (len > TAIL_MAX)
		return false;	/* no line start in reach: not a prompt */
	vx_strbuf_init(&sb, 128);
	ok = render(start, len - (size_t)(start - raw), true, &sb) &&
	    !sb.failed;
	n = sb.len;
	while (n > 0 && (sb.buf[n - 1] == ' ' || sb.buf[n - 1] == '\t' ||
	    sb.buf[n - 1] == '\n'))
		n--;
	if (ok && n < size) {
		memcpy(buf, sb.buf, n);
		buf[n] = '\0';
	} else
		ok = false;
	vx_strbuf_release(&sb);
	return ok;
}

bool
vx_ssh_find_prompt(const char *raw, size_t len, char *prompt, size_t size)
{
	char	line[VX_SSH_PROMPT_MAX + 2];
	size_t	n;
	bool	all_hash = true;

	if (!render_tail(raw, len, line, sizeof(line)))
		return false;
	n = strlen(line);
	if (n < 2 || n > VX_SSH_PROMPT_MAX || n >= size)
		return false;
	if (line[n - 1] != '>' && line[n - 1] != '#')
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)line[i];

		if (c <= 0x20 || c >= 0x7f)
			return false;
		if (c != '#')
			all_hash = false;
	}
	if (all_hash || line[0] == '<' || line[0] == '-')
		return false;
	memcpy(prompt, line, n + 1);
	return true;
}

bool
vx_ssh_tail_endswith(const char *raw, size_t len, const char *suffix)
{
	char	line[512];
	size_t	n, sl = strlen(suffix);

	if (!render_tail(raw, len, line, sizeof(line)))
		return false;
	n = strlen(line);
	return n >= sl && strncasecmp(line + n - sl, suffix, sl) == 0;
}

bool
vx_ssh_pager_pending(const char *raw, size_t len)
{
	return vx_ssh_tail_endswith(raw, len, VX_SSH_PAGER_ASA) ||
	    vx_ssh_tail_endswith(raw, len, VX_SSH_PAGER_IOS);
}

static size_t
rtrim_len(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n;
}

/* Whether a rendered line is the device's echo of cmd. */
static bool
is_echo(const char *line, size_t n, const char *cmd)
{
	size_t cl = strlen(cmd);

	n = rtrim_len(line, n);
	if (n >= cl && memcmp(line + n - cl, cmd, cl) == 0)
		return true;
	/* A narrow terminal scrolls long input: "$ow crypto ipsec sa". */
	if (memchr(line, '$', n) != NULL) {
		while (n > 0 && line[n - 1] == '$')
			n--;
		while (n > 0 && (line[0] == '$' || line[0] == ' ')) {
			line++;
			n--;
		}
		return n > 0 && find_mem(cmd, cl, line, n) != NULL;
	}
	return false;
}

void
vx_ssh_clean_output(const char *raw, size_t len, const char *cmd,
    const char *prompt, struct vx_strbuf *out)
{
	struct vx_strbuf	 lines;
	const char		*p, *end, *last;
	size_t			 lastlen;

	vx_strbuf_init(&lines, len + 1);
	if (!render(raw, len, false, &lines) || lines.failed) {
		out->failed = true;
		vx_strbuf_release(&lines);
		return;
	}
	p = lines.buf;
	end = lines.buf + lines.len;
	if (cmd != NULL && p < end) {
		const char	*nl = memchr(p, '\n', (size_t)(end - p));
		const char	*le = nl != NULL ? nl : end;
		size_t		 n = (size_t)(le - p);

		if (is_echo(p, n, cmd))
			p = nl != NULL ? nl + 1 : end;
	}
	/* The unterminated last line is the prompt we stopped at. */
	last = end;
	if (p < end && end[-1] != '\n') {
		const char *nl = find_last(p, '\n', (size_t)(end - p));

		last = nl != NULL ? nl + 1 : p;
	}
	lastlen = (size_t)(end - last);
	if (prompt != NULL && lastlen > 0 &&
	    rtrim_len(last, lastlen) == strlen(prompt) &&
	    memcmp(last, prompt, strlen(prompt)) == 0)
		end = last;
	vx_strbuf_add(out, p, (size_t)(end - p));
	vx_strbuf_release(&lines);
}

bool
vx_ssh_device_error(const char *text, size_t len, char *msg, size_t size)
{
	const char	*p = text, *end = text + len;
	bool		 caret_ok = true;

	while (p < end) {
		const char	*nl = memchr(p, '\n', (size_t)(end - p));
		const char	*le = nl != NULL ? nl : end;
		const char	*s = p;
		size_t		 n;

		while (s < le && (*s == ' ' || *s == '\t'))
			s++;
		n = rtrim_len(s, (size_t)(le - s));
		p = nl != NULL ? nl + 1 : end;
		if (n == 0)
			continue;
		if (caret_ok && n == 1 && s[0] == '^') {
			caret_ok = false;
			continue;
		}
		if ((n >= 1 && s[0] == '%') ||
		    (n >= 6 && memcmp(s, "ERROR:", 6) == 0) ||
		    (n >= 28 && memcmp(s, "Command authorization failed",
		    28) == 0)) {
			if (size > 0) {
				size_t k = n < size - 1 ? n : size - 1;

				memcpy(msg, s, k);
				msg[k] = '\0';
				for (size_t i = 0; i < k; i++) {
					if ((unsigned char)msg[i] < 0x20 ||
					    (unsigned char)msg[i] == 0x7f)
						msg[i] = '?';
				}
			}
			return true;
		}
		return false;
	}
	return false;
}

/* Connection handling. */

struct vx_ssh *
vx_ssh_new(const struct vx_ssh_params *p)
{
	struct vx_ssh *s = calloc(1, sizeof(*s));

	if (s == NULL)
		return NULL;
	s->p = *p;
	if (s->p.port == 0)
		s->p.port = 22;
	if (strchr(p->address, ':') != NULL)
		snprintf(s->hostport, sizeof(s->hostport), "[%s]:%u",
		    p->address, s->p.port);
	else
		snprintf(s->hostport, sizeof(s->hostport), "%s:%u",
		    p->address, s->p.port);
	vx_strbuf_init(&s->raw, 4096);
	s->max_output = p->max_output > 0 ? p->max_output :
	    VX_SSH_MAX_OUTPUT_DEFAULT;
	return s;
}

/* Gives a large read buffer back, and the memory to the system. */
static void
shrink_raw(struct vx_ssh *s)
{
	if (s->raw.alloc <= KEEP_RAW)
		return;
	vx_strbuf_release(&s->raw);
	vx_strbuf_init(&s->raw, 4096);
	vx_release_memory();
}

static void
set_timeout_ms(struct vx_ssh *s, int64_t ms)
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
arm(struct vx_ssh *s, struct vx_deadline d)
{
	int64_t left = vx_deadline_left_ms(d);

	if (left <= 0)
		return false;
	set_timeout_ms(s, left);
	return true;
}

void
vx_ssh_close(struct vx_ssh *s)
{
	if (s == NULL)
		return;
	if (s->sess != NULL)
		set_timeout_ms(s, CLOSE_MS);
	if (s->chan != NULL) {
		ssh_channel_free(s->chan);
		s->chan = NULL;
	}
	if (s->sess != NULL) {
		if (ssh_is_connected(s->sess))
			ssh_disconnect(s->sess);
		ssh_free(s->sess);
		s->sess = NULL;
	}
	s->prompt[0] = '\0';
	s->died = false;
	vx_strbuf_reset(&s->raw);
	shrink_raw(s);
}

void
vx_ssh_free(struct vx_ssh *s)
{
	if (s == NULL)
		return;
	vx_ssh_close(s);
	vx_strbuf_release(&s->raw);
	free(s);
}

bool
vx_ssh_available(char *msg, size_t size)
{
	return vx_libssh_load(msg, size);
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
	return s->logins;
}

/* A libssh failure during a step: the deadline, or the session itself. */
static int
step_error(struct vx_ssh *s, struct vx_deadline d, enum vx_errcode code,
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
recorded_keys(struct vx_ssh *s, char *buf, size_t size)
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
check_host_key(struct vx_ssh *s, struct vx_err *err)
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
auth_kbdint(struct vx_ssh *s)
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
authenticate(struct vx_ssh *s, struct vx_deadline d, struct vx_err *err)
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

/* Sends line + LF.  The line may be a secret: it never goes to err. */
static int
send_line(struct vx_ssh *s, const char *line, struct vx_deadline d,
    struct vx_err *err)
{
	size_t	len = strlen(line);
	char	buf[CMD_MAX + 2];

	if (len > CMD_MAX)
		return vx_err_set(err, VX_E_INTERNAL, "command line too long");
	memcpy(buf, line, len);
	buf[len] = '\n';
	if (!arm(s, d))
		return vx_err_set(err, VX_E_TIMEOUT, "deadline passed before "
		    "sending to %s", s->hostport);
	if (ssh_channel_write(s->chan, buf, (uint32_t)(len + 1)) !=
	    (int)(len + 1)) {
		explicit_bzero(buf, sizeof(buf));
		s->died = true;
		if (vx_deadline_passed(d))
			return vx_err_set(err, VX_E_TIMEOUT, "sending to %s: "
			    "deadline passed", s->hostport);
		return vx_err_set(err, VX_E_PROTOCOL, "session to %s lost "
		    "while sending: %s", s->hostport, ssh_get_error(s->sess));
	}
	explicit_bzero(buf, sizeof(buf));
	return 0;
}

/*
 * Reads what arrives before the deadline into s->raw.  *got tells whether
 * anything came.  Returns 0, or an error if the session ended.
 */
static int
read_some(struct vx_ssh *s, struct vx_deadline d, bool *got,
    struct vx_err *err)
{
	char	buf[65536];
	int64_t	left = vx_deadline_left_ms(d);
	int	n;

	*got = false;
	if (left <= 0)
		return 0;
	if (left > INT_MAX)
		left = INT_MAX;
	n = ssh_channel_read_timeout(s->chan, buf, sizeof(buf), 0, (int)left);
	if (n > 0) {
		if (s->raw.len + (size_t)n > s->max_output)
			return vx_err_set(err, VX_E_PROTOCOL, "more than "
			    "max_output (%zu bytes) of output from %s without "
			    "a prompt: a device that never stops sending?",
			    s->max_output, s->hostport);
		vx_strbuf_add(&s->raw, buf, (size_t)n);
		if (s->raw.failed)
			return vx_err_set(err, VX_E_NOMEM, "out of memory");
		*got = true;
		return 0;
	}
	if (n == 0 && ssh_channel_is_open(s->chan) &&
	    !ssh_channel_is_eof(s->chan))
		return 0;	/* timed out */
	if (n == SSH_AGAIN)
		return 0;
	s->died = true;
	if (n == 0 || n == SSH_EOF)
		return vx_err_set(err, VX_E_PROTOCOL, "session closed by %s",
		    s->hostport);
	return vx_err_set(err, VX_E_PROTOCOL, "session to %s lost: %s",
	    s->hostport, ssh_get_error(s->sess));
}

/* The last non-blank line received, printable, for messages. */
static void
last_line(const struct vx_ssh *s, char *buf, size_t size)
{
	size_t n = s->raw.len;

	while (n > 0 && strchr("\r\n ", s->raw.buf[n - 1]) != NULL)
		n--;
	if (!render_tail(s->raw.buf, n, buf, size)) {
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
	char	tail[80];
	bool	got;
	int	rc;

	for (;;) {
		if (want == WANT_PASSWORD && vx_ssh_tail_endswith(s->raw.buf,
		    s->raw.len, "Password:")) {
			*m = MATCH_PASSWORD;
			return 0;
		}
		if (vx_ssh_find_prompt(s->raw.buf, s->raw.len, s->cand,
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
			    s->cand, s->hostport, what, s->prompt);
		}
		if (s->raw.len != s->pager_at &&
		    vx_ssh_pager_pending(s->raw.buf, s->raw.len)) {
			/* The pager is on: ask for the next page. */
			s->pager_at = s->raw.len;
			if (!arm(s, d))
				break;
			if (ssh_channel_write(s->chan, " ", 1) != 1) {
				s->died = true;
				return vx_err_set(err, VX_E_PROTOCOL, "session "
				    "to %s lost while paging: %s", s->hostport,
				    ssh_get_error(s->sess));
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
	    s->hostport, what, s->raw.len, tail);
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
		vx_ssh_clean_output(s->raw.buf, s->raw.len, cmd, s->cand, out);
	shrink_raw(s);
	if (rc != 0)
		return rc;
	if (out->failed)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	if (learn)
		memcpy(s->prompt, s->cand, sizeof(s->prompt));
	if (vx_ssh_device_error(out->buf, out->len, msg, sizeof(msg))) {
		s->rejected = true;
		return vx_err_set(err, VX_E_PROTOCOL, "%s rejected by %s: %s",
		    what, s->hostport, msg);
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
	    "login (last '%s')", s->hostport, s->cand);
}

static int
enable(struct vx_ssh *s, struct vx_deadline d, struct vx_err *err)
{
	char		user_prompt[VX_SSH_PROMPT_MAX + 1];
	enum matched	m;
	int		rc;

	memcpy(user_prompt, s->prompt, sizeof(user_prompt));
	if (s->p.enable_password == NULL)
		return vx_err_set(err, VX_E_AUTH, "login as '%s' on %s landed "
		    "in user mode ('%s') and no enable_password is configured",
		    s->p.username, s->hostport, user_prompt);
	vx_strbuf_reset(&s->raw);
	rc = send_line(s, "enable", d, err);
	if (rc == 0)
		rc = read_until(s, WANT_PASSWORD, "'enable'", d, &m, err);
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
		if (m == MATCH_PASSWORD || s->cand[strlen(s->cand) - 1] != '#')
			return vx_err_set(err, VX_E_AUTH, "enable secret "
			    "refused by %s (still at '%s')", s->hostport,
			    m == MATCH_PASSWORD ? "Password:" : user_prompt);
	} else if (s->cand[strlen(s->cand) - 1] != '#')
		return vx_err_set(err, VX_E_AUTH, "'enable' failed on %s "
		    "(prompt '%s')", s->hostport, s->cand);
	memcpy(s->prompt, s->cand, sizeof(s->prompt));
	return 0;
}

static int
open_shell(struct vx_ssh *s, struct vx_deadline d, struct vx_err *err)
{
	s->chan = ssh_channel_new(s->sess);
	if (s->chan == NULL)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	if (!arm(s, d) || ssh_channel_open_session(s->chan) != SSH_OK)
		return step_error(s, d, VX_E_PROTOCOL, "cannot open a session "
		    "channel on", err);
	/* 511 columns: the widest ASA terminal, so nothing is wrapped. */
	if (!arm(s, d) || ssh_channel_request_pty_size(s->chan, "vt100", 511,
	    24) != SSH_OK)
		return step_error(s, d, VX_E_PROTOCOL, "cannot get a terminal "
		    "on", err);
	if (!arm(s, d) || ssh_channel_request_shell(s->chan) != SSH_OK)
		return step_error(s, d, VX_E_PROTOCOL, "cannot start a shell "
		    "on", err);
	return 0;
}

static int
connect_session(struct vx_ssh *s, struct vx_deadline d, struct vx_err *err)
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
	return 0;
}

int
vx_ssh_open(struct vx_ssh *s, struct vx_deadline d, struct vx_err *err)
{
	struct vx_strbuf	out;
	char			lib[256];
	int			rc;

	if (s->chan != NULL)
		return 0;
	if (!vx_ssh_available(lib, sizeof(lib)))
		return vx_err_set(err, VX_E_INTERNAL, "%s", lib);
	vx_ssh_close(s);
	vx_strbuf_init(&out, 256);
	rc = connect_session(s, d, err);
	if (rc == 0)
		rc = check_host_key(s, err);
	if (rc == 0)
		rc = authenticate(s, d, err);
	if (rc == 0)
		rc = open_shell(s, d, err);
	if (rc == 0)
		rc = learn_prompt(s, d, err);
	if (rc == 0 && s->prompt[strlen(s->prompt) - 1] == '>')
		rc = enable(s, d, err);
	for (size_t i = 0; rc == 0 && s->p.setup != NULL &&
	    s->p.setup[i] != NULL; i++) {
		rc = run_once(s, s->p.setup[i], true, &out, d, err);
		if (rc != 0 && s->rejected && s->p.setup_optional != NULL &&
		    s->p.setup_optional[i])
			rc = 0;
	}
	vx_strbuf_release(&out);
	if (rc != 0) {
		vx_ssh_close(s);
		return rc;
	}
	s->logins++;
	return 0;
}

/*
 * Whether the channel still works, as far as we can tell without sending:
 * pending packets are processed (an EOF or close the device sent while we
 * were idle shows up now) and stray output is dropped.
 */
static bool
channel_alive(struct vx_ssh *s)
{
	char buf[4096];

	if (!ssh_is_connected(s->sess) || !ssh_channel_is_open(s->chan))
		return false;
	for (int i = 0; i < 256; i++) {
		int n = ssh_channel_read_nonblocking(s->chan, buf,
		    sizeof(buf), 0);

		if (n == 0)
			break;
		if (n < 0)
			return false;
	}
	return ssh_channel_is_open(s->chan) && !ssh_channel_is_eof(s->chan);
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
	if (s->chan != NULL && !channel_alive(s))
		vx_ssh_close(s);
	if (s->chan == NULL) {
		rc = vx_ssh_open(s, d, err);
		if (rc != 0)
			return rc;
		fresh = true;
	}
	rc = run_once(s, cmd, false, out, d, err);
	if (rc != 0 && s->died && !fresh && out->len == 0) {
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
