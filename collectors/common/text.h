#ifndef VX_TEXT_H
#define VX_TEXT_H

/*
 * Line and token helpers for the text parsers of device output
 * (the vendors' *_parse_ files).  Pure; nothing reads past len.
 */

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

/* One line of input, blanks and the CR of CRLF trimmed from both ends. */
struct vx_line {
	const char	*s;
	size_t		 len;
	int		 no;		/* 1-based line number */
};

struct vx_tok {
	const char	*s;
	size_t		 len;
};

#define VX_TOK_MAX	64

/* Space, tab, CR, VT or FF. */
bool	vx_txt_blank(char c);
/* Case-insensitive: s[0..len) equals lit / starts with lit. */
bool	vx_txt_eq(const char *s, size_t len, const char *lit);
bool	vx_txt_prefix(const char *s, size_t len, const char *lit);
/*
 * Case-insensitive, blank-insensitive equality: runs of blanks in s match
 * one blank in lit, blanks before ':' or ',' in s are ignored.
 */
bool	vx_txt_eq_ws(const char *s, size_t len, const char *lit);
/* Case-sensitive substring search; NULL if absent. */
const char *vx_txt_find(const char *s, size_t len, const char *lit);
/* Trims blanks from both ends of s[0..*len); returns the new start. */
const char *vx_txt_trim(const char *s, size_t *len);
/* True if every byte is printable ASCII other than a blank, and len > 0. */
bool	vx_txt_word(const char *s, size_t len);
/* Splits s on blanks into at most max tokens; returns the count. */
size_t	vx_txt_split(const char *s, size_t len, struct vx_tok *t,
	    size_t max);
/*
 * As vx_txt_split, and a ':' ending a token (but not "::", which ends
 * an IPv6 address) becomes a token of its own, so "Key  : v" and
 * "Key: v" tokenize alike.
 */
size_t	vx_txt_split_kv(const char *s, size_t len, struct vx_tok *t,
	    size_t max);
/*
 * In tokens from vx_txt_split_kv, finds the words of key (blank
 * separated, case-insensitive) followed by ":".  Returns the index of the
 * value token (== n when the key ends the line), or -1 if key is absent.
 */
int	vx_txt_kv(const struct vx_tok *t, size_t n, const char *key);
/*
 * The next sep-separated item of [*p, end), blanks trimmed (possibly
 * empty); advances *p past it.  False when nothing is left.
 */
bool	vx_txt_item(const char **p, const char *end, char sep,
	    struct vx_tok *item);
/* NUL-terminated copy of s[0..len) cut to size - 1 bytes. */
void	vx_txt_cstr(char *buf, size_t size, const char *s, size_t len);
/* vx_txt_cstr() if vx_txt_word(s, len), else false. */
bool	vx_txt_copy_word(char *buf, size_t size, const char *s,
	    size_t len);
/* Fills err with "line N: <reason> '<line text>'" and returns -code. */
int	vx_txt_err(struct vx_err *err, enum vx_errcode code,
	    const struct vx_line *l, const char *reason);
/*
 * The next line of [*p, end), blanks and the CR of CRLF trimmed from both
 * ends, numbered from *no + 1; advances *p and *no.  False at the end.
 */
bool	vx_txt_next_line(const char **p, const char *end, int *no,
	    struct vx_line *l);

#endif
