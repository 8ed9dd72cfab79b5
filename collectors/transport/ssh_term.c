/*
 * The CLI layer's pure helpers: raw terminal output rendered as a
 * terminal shows it, prompts, pager prompts, the echo, and the CLI's
 * refusal of a command, each as the vendor's dialect says.  See ssh.h.
 */
#include "ssh.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "banned.h"

/* How far back from the end we look for the start of the last line. */
#define TAIL_MAX		4096

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

/*
 * Terminal rendering: the current line and a cursor, as a terminal shows
 * text with CRs, backspaces and erase-line sequences.
 */
struct term {
	struct vx_strbuf	*out;
	/* The pagers to remove from lines; NULL: leave them in. */
	const struct vx_cli_pager *pagers;
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
strip_pager(const struct vx_cli_pager *pagers, char *line, size_t *len)
{
	bool found = false;

	for (const struct vx_cli_pager *m = pagers; m->start != NULL; m++) {
		size_t		 ml = strlen(m->start);
		const char	*q;

		while ((q = find_mem(line, *len, m->start, ml)) != NULL) {
			size_t		 off = (size_t)(q - line);
			size_t		 cut = ml;
			const char	*e;

			if (m->end != NULL) {
				e = find_mem(q + ml, *len - off - ml, m->end,
				    strlen(m->end));
				if (e == NULL)
					break;
				cut = (size_t)(e - q) + strlen(m->end);
			}
			memmove(line + off, line + off + cut, *len - off - cut);
			*len -= cut;
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

	if (len > 0 && t->pagers != NULL && strip_pager(t->pagers, t->line,
	    &len) &&
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
render(const char *raw, size_t len, const struct vx_cli_pager *pagers,
    struct vx_strbuf *out)
{
	struct term	t = { .out = out, .pagers = pagers };
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
	ok = render(start, len - (size_t)(start - raw), NULL, &sb) &&
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
vx_ssh_find_prompt(const struct vx_cli_dialect *dl, const char *raw,
    size_t len, char *prompt, size_t size)
{
	char	line[VX_SSH_PROMPT_MAX + 2];
	size_t	n;
	bool	all_hash = true;

	if (!render_tail(raw, len, line, sizeof(line)))
		return false;
	n = strlen(line);
	if (n < 2 || n > VX_SSH_PROMPT_MAX || n >= size)
		return false;
	if (strchr(dl->prompt_ends, line[n - 1]) == NULL)
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

/* Whether the rendered line ends with the pager prompt m. */
static bool
is_pager(const struct vx_cli_pager *m, const char *line)
{
	size_t		 n = strlen(line), sl = strlen(m->start), el;
	const char	*at;

	while (sl > 0 && m->start[sl - 1] == ' ')
		sl--;
	if (m->end == NULL) {
		/* " --More-- " is "--More--" once the blanks are gone. */
		const char *st = m->start;

		while (*st == ' ') {
			st++;
			sl--;
		}
		return n >= sl && strncasecmp(line + n - sl, st, sl) == 0;
	}
	el = strlen(m->end);
	if (n < sl + el || strncmp(line + n - el, m->end, el) != 0)
		return false;
	at = find_mem(line, n - el, m->start, sl);
	return at != NULL;
}

bool
vx_ssh_pager_pending(const struct vx_cli_dialect *dl, const char *raw,
    size_t len)
{
	char line[512];

	if (!render_tail(raw, len, line, sizeof(line)))
		return false;
	for (const struct vx_cli_pager *m = dl->pagers; m->start != NULL;
	    m++) {
		if (is_pager(m, line))
			return true;
	}
	return false;
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
vx_ssh_clean_output(const struct vx_cli_dialect *dl, const char *raw,
    size_t len, const char *cmd, const char *prompt, struct vx_strbuf *out)
{
	struct vx_strbuf	 lines;
	const char		*p, *end, *last;
	size_t			 lastlen;

	vx_strbuf_init(&lines, len + 1);
	if (!render(raw, len, dl->pagers, &lines) || lines.failed) {
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

/* Whether s[0..n) starts with one of the dialect's error prefixes. */
static bool
is_error_line(const struct vx_cli_dialect *dl, const char *s, size_t n)
{
	for (size_t i = 0; dl->error_prefixes[i] != NULL; i++) {
		size_t pl = strlen(dl->error_prefixes[i]);

		if (n >= pl && memcmp(s, dl->error_prefixes[i], pl) == 0)
			return true;
	}
	return false;
}

bool
vx_ssh_device_error(const struct vx_cli_dialect *dl, const char *text,
    size_t len, char *msg, size_t size)
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
		if (is_error_line(dl, s, n)) {
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


bool
vx_ssh_tail(const char *raw, size_t len, char *buf, size_t size)
{
	return render_tail(raw, len, buf, size);
}
