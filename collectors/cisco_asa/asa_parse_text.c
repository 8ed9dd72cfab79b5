/*
 * Line and token helpers shared by the ASA CLI parsers.  Device text is
 * untrusted and not NUL-terminated: nothing here reads past len, and no
 * str*() function is ever called on it.
 */
#include "asa_cli.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "banned.h"

bool
asa_txt_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool
is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	    (c >= 'A' && c <= 'Z');
}

/*
 * "asa-1#", "asa-1/ctx#", "asa-1(config)#", "asa-1>": a host name
 * followed by '#' or '>', optionally with the command typed after it.
 */
static bool
is_prompt(const struct asa_line *l)
{
	size_t	i, alnum = 0;

	for (i = 0; i < l->len && !asa_txt_blank(l->s[i]); i++) {
		char c = l->s[i];

		if (c == '#' || c == '>')
			break;
		if (is_alnum(c))
			alnum++;
		else if (c != '-' && c != '_' && c != '.' && c != '/' &&
		    c != '(' && c != ')')
			return false;
	}
	if (i == l->len || alnum == 0 || (l->s[i] != '#' && l->s[i] != '>'))
		return false;
	return i + 1 == l->len || asa_txt_blank(l->s[i + 1]);
}

/* "show ...", "sh ...": the command echoed before its output. */
static bool
is_echo(const struct asa_line *l)
{
	size_t n = 0;

	while (n < l->len && !asa_txt_blank(l->s[n]))
		n++;
	return n >= 2 && n <= 4 &&
	    asa_txt_eq(l->s, n, n == 2 ? "sh" : n == 3 ? "sho" : "show");
}

/* The next line of it, trimmed, blank or not; false at the end. */
static bool
next_raw(struct asa_lines *it, struct asa_line *l)
{
	const char	*start = it->p, *nl;
	size_t		 len;

	if (it->p >= it->end)
		return false;
	nl = memchr(start, '\n', (size_t)(it->end - start));
	len = nl != NULL ? (size_t)(nl - start) : (size_t)(it->end - start);
	it->p = nl != NULL ? nl + 1 : it->end;
	if (it->no < INT_MAX)
		it->no++;
	l->s = asa_txt_trim(start, &len);
	l->len = len;
	l->no = it->no;
	return true;
}

int
asa_lines_begin(struct asa_lines *it, const char *text, size_t len,
    struct vx_err *err)
{
	struct asa_line l;

	if (text == NULL) {
		text = "";
		len = 0;
	}
	it->p = text;
	it->end = text + len;
	it->no = 0;
	it->content = false;
	/*
	 * A refusal may follow lines that are not output at all (the '^'
	 * marker under a mistyped command), so the whole text is searched
	 * first.  The ASA answers a bad command with "ERROR: % Invalid input
	 * detected at '^' marker." (older code: "% Invalid input ..."); other
	 * refusals start with "ERROR:" or "% ".
	 */
	while (next_raw(it, &l)) {
		if (asa_txt_prefix(l.s, l.len, "ERROR:") ||
		    asa_txt_prefix(l.s, l.len, "% ") ||
		    asa_txt_find(l.s, l.len, "% Invalid input detected") !=
		    NULL)
			return asa_txt_err(err, VX_E_PROTOCOL, &l,
			    "device error");
		if (asa_txt_find(l.s, l.len, "<--- More --->") != NULL)
			return vx_err_set(err, VX_E_PROTOCOL, "line %d: pager "
			    "prompt in output: terminal pager 0 did not take "
			    "effect", l.no);
	}
	it->p = text;
	it->no = 0;
	return 0;
}

bool
asa_lines_next(struct asa_lines *it, struct asa_line *l)
{
	while (next_raw(it, l)) {
		if (l->len == 0 || is_prompt(l))
			continue;
		if (!it->content) {
			it->content = true;
			if (is_echo(l))
				continue;
		}
		return true;
	}
	return false;
}

bool
asa_txt_eq(const char *s, size_t len, const char *lit)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (lit[i] == '\0' || lower(s[i]) != lower(lit[i]))
			return false;
	}
	return lit[i] == '\0';
}

bool
asa_txt_prefix(const char *s, size_t len, const char *lit)
{
	size_t i;

	for (i = 0; lit[i] != '\0'; i++) {
		if (i == len || lower(s[i]) != lower(lit[i]))
			return false;
	}
	return true;
}

bool
asa_txt_eq_ws(const char *s, size_t len, const char *lit)
{
	size_t i = 0, j = 0;

	while (i < len && asa_txt_blank(s[i]))
		i++;
	while (lit[j] != '\0') {
		if (lit[j] == ' ') {
			if (i == len || !asa_txt_blank(s[i]))
				return false;
			while (i < len && asa_txt_blank(s[i]))
				i++;
			j++;
			continue;
		}
		if (lit[j] == ':' || lit[j] == ',') {
			while (i < len && asa_txt_blank(s[i]))
				i++;
		}
		if (i == len || lower(s[i]) != lower(lit[j]))
			return false;
		i++;
		j++;
	}
	while (i < len && asa_txt_blank(s[i]))
		i++;
	return i == len;
}

const char *
asa_txt_find(const char *s, size_t len, const char *lit)
{
	size_t n = strlen(lit);

	if (n == 0 || n > len)
		return n == 0 ? s : NULL;
	for (size_t i = 0; i + n <= len; i++) {
		if (s[i] == lit[0] && memcmp(s + i, lit, n) == 0)
			return s + i;
	}
	return NULL;
}

const char *
asa_txt_trim(const char *s, size_t *len)
{
	size_t n = *len;

	while (n > 0 && asa_txt_blank(*s)) {
		s++;
		n--;
	}
	while (n > 0 && asa_txt_blank(s[n - 1]))
		n--;
	*len = n;
	return s;
}

bool
asa_txt_word(const char *s, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++) {
		if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
			return false;
	}
	return true;
}

size_t
asa_txt_split(const char *s, size_t len, struct asa_tok *t, size_t max)
{
	size_t i = 0, n = 0;

	while (n < max) {
		while (i < len && asa_txt_blank(s[i]))
			i++;
		if (i == len)
			break;
		t[n].s = s + i;
		while (i < len && !asa_txt_blank(s[i]))
			i++;
		t[n].len = (size_t)(s + i - t[n].s);
		n++;
	}
	return n;
}

size_t
asa_txt_split_kv(const char *s, size_t len, struct asa_tok *t, size_t max)
{
	size_t i = 0, n = 0;

	while (n < max) {
		size_t start;

		while (i < len && asa_txt_blank(s[i]))
			i++;
		if (i == len)
			break;
		start = i;
		while (i < len && !asa_txt_blank(s[i]))
			i++;
		t[n].s = s + start;
		t[n].len = i - start;
		if (t[n].len > 1 && s[i - 1] == ':' && s[i - 2] != ':') {
			t[n].len--;
			if (++n == max)
				break;
			t[n].s = s + i - 1;
			t[n].len = 1;
		}
		n++;
	}
	return n;
}

/* Case-insensitive: t equals the first wl bytes of k. */
static bool
tok_is(const struct asa_tok *t, const char *k, size_t wl)
{
	if (t->len != wl)
		return false;
	for (size_t c = 0; c < wl; c++) {
		if (lower(t->s[c]) != lower(k[c]))
			return false;
	}
	return true;
}

int
asa_txt_kv(const struct asa_tok *t, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++) {
		const char	*k = key;
		size_t		 j = i;

		while (*k != '\0' && j < n) {
			size_t wl = strcspn(k, " ");

			if (!tok_is(&t[j], k, wl))
				break;
			j++;
			k += wl;
			while (*k == ' ')
				k++;
		}
		if (*k == '\0' && j < n && tok_is(&t[j], ":", 1))
			return (int)(j + 1);
	}
	return -1;
}

bool
asa_txt_item(const char **p, const char *end, char sep, struct asa_tok *item)
{
	const char	*s = *p, *stop;
	size_t		 len;

	if (s >= end)
		return false;
	stop = memchr(s, sep, (size_t)(end - s));
	if (stop == NULL)
		stop = end;
	len = (size_t)(stop - s);
	item->s = asa_txt_trim(s, &len);
	item->len = len;
	*p = stop < end ? stop + 1 : end;
	return true;
}

void
asa_txt_cstr(char *buf, size_t size, const char *s, size_t len)
{
	if (size == 0)
		return;
	if (len > size - 1)
		len = size - 1;
	memcpy(buf, s, len);
	buf[len] = '\0';
}

bool
asa_txt_copy_word(char *buf, size_t size, const char *s, size_t len)
{
	if (!asa_txt_word(s, len))
		return false;
	asa_txt_cstr(buf, size, s, len);
	return true;
}

int
asa_txt_err(struct vx_err *err, enum vx_errcode code,
    const struct asa_line *l, const char *reason)
{
	char	text[121];
	size_t	n = l->len < sizeof(text) - 1 ? l->len : sizeof(text) - 1;

	/* Device text goes into a log line: printable ASCII only. */
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)l->s[i];

		text[i] = c < 0x20 || c >= 0x7f ? '?' : (char)c;
	}
	text[n] = '\0';
	return vx_err_set(err, code, "line %d: %s: '%s%s'", l->no, reason,
	    text, l->len > n ? "..." : "");
}
