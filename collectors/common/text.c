/*
 * Line and token helpers shared by the text parsers of device output.
 * Device text is untrusted and not NUL-terminated: nothing here reads
 * past len, and no str*() function is ever called on it.
 */
#include "text.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "banned.h"

bool
vx_txt_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static char
lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

bool
vx_txt_next_line(const char **p, const char *end, int *no, struct vx_line *l)
{
	const char	*start = *p, *nl;
	size_t		 len;

	if (*p >= end)
		return false;
	nl = memchr(start, '\n', (size_t)(end - start));
	len = nl != NULL ? (size_t)(nl - start) : (size_t)(end - start);
	*p = nl != NULL ? nl + 1 : end;
	if (*no < INT_MAX)
		(*no)++;
	l->s = vx_txt_trim(start, &len);
	l->len = len;
	l->no = *no;
	return true;
}

bool
vx_txt_eq(const char *s, size_t len, const char *lit)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (lit[i] == '\0' || lower(s[i]) != lower(lit[i]))
			return false;
	}
	return lit[i] == '\0';
}

bool
vx_txt_prefix(const char *s, size_t len, const char *lit)
{
	size_t i;

	for (i = 0; lit[i] != '\0'; i++) {
		if (i == len || lower(s[i]) != lower(lit[i]))
			return false;
	}
	return true;
}

bool
vx_txt_eq_ws(const char *s, size_t len, const char *lit)
{
	size_t i = 0, j = 0;

	while (i < len && vx_txt_blank(s[i]))
		i++;
	while (lit[j] != '\0') {
		if (lit[j] == ' ') {
			if (i == len || !vx_txt_blank(s[i]))
				return false;
			while (i < len && vx_txt_blank(s[i]))
				i++;
			j++;
			continue;
		}
		if (lit[j] == ':' || lit[j] == ',') {
			while (i < len && vx_txt_blank(s[i]))
				i++;
		}
		if (i == len || lower(s[i]) != lower(lit[j]))
			return false;
		i++;
		j++;
	}
	while (i < len && vx_txt_blank(s[i]))
		i++;
	return i == len;
}

const char *
vx_txt_find(const char *s, size_t len, const char *lit)
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
vx_txt_trim(const char *s, size_t *len)
{
	size_t n = *len;

	while (n > 0 && vx_txt_blank(*s)) {
		s++;
		n--;
	}
	while (n > 0 && vx_txt_blank(s[n - 1]))
		n--;
	*len = n;
	return s;
}

bool
vx_txt_word(const char *s, size_t len)
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
vx_txt_split(const char *s, size_t len, struct vx_tok *t, size_t max)
{
	size_t i = 0, n = 0;

	while (n < max) {
		while (i < len && vx_txt_blank(s[i]))
			i++;
		if (i == len)
			break;
		t[n].s = s + i;
		while (i < len && !vx_txt_blank(s[i]))
			i++;
		t[n].len = (size_t)(s + i - t[n].s);
		n++;
	}
	return n;
}

size_t
vx_txt_split_kv(const char *s, size_t len, struct vx_tok *t, size_t max)
{
	size_t i = 0, n = 0;

	while (n < max) {
		size_t start;

		while (i < len && vx_txt_blank(s[i]))
			i++;
		if (i == len)
			break;
		start = i;
		while (i < len && !vx_txt_blank(s[i]))
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
tok_is(const struct vx_tok *t, const char *k, size_t wl)
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
vx_txt_kv(const struct vx_tok *t, size_t n, const char *key)
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
vx_txt_item(const char **p, const char *end, char sep, struct vx_tok *item)
{
	const char	*s = *p, *stop;
	size_t		 len;

	if (s >= end)
		return false;
	stop = memchr(s, sep, (size_t)(end - s));
	if (stop == NULL)
		stop = end;
	len = (size_t)(stop - s);
	item->s = vx_txt_trim(s, &len);
	item->len = len;
	*p = stop < end ? stop + 1 : end;
	return true;
}

void
vx_txt_cstr(char *buf, size_t size, const char *s, size_t len)
{
	if (size == 0)
		return;
	if (len > size - 1)
		len = size - 1;
	memcpy(buf, s, len);
	buf[len] = '\0';
}

bool
vx_txt_copy_word(char *buf, size_t size, const char *s, size_t len)
{
	if (!vx_txt_word(s, len))
		return false;
	vx_txt_cstr(buf, size, s, len);
	return true;
}

int
vx_txt_err(struct vx_err *err, enum vx_errcode code,
    const struct vx_line *l, const char *reason)
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
