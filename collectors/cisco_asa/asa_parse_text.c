/*
 * The ASA CLI parsers' line iterator: device errors, pager prompts,
 * prompt lines and the echoed command (the generic helpers are
 * collectors/common/text.c).
 */
#include "asa_cli.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "banned.h"

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
is_prompt(const struct vx_line *l)
{
	size_t	i, alnum = 0;

	for (i = 0; i < l->len && !vx_txt_blank(l->s[i]); i++) {
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
	return i + 1 == l->len || vx_txt_blank(l->s[i + 1]);
}

/* "show ...", "sh ...": the command echoed before its output. */
static bool
is_echo(const struct vx_line *l)
{
	size_t n = 0;

	while (n < l->len && !vx_txt_blank(l->s[n]))
		n++;
	return n >= 2 && n <= 4 &&
	    vx_txt_eq(l->s, n, n == 2 ? "sh" : n == 3 ? "sho" : "show");
}

/* The next line of it, trimmed, blank or not; false at the end. */
static bool
next_raw(struct asa_lines *it, struct vx_line *l)
{
	return vx_txt_next_line(&it->p, it->end, &it->no, l);
}

int
asa_lines_begin(struct asa_lines *it, const char *text, size_t len,
    struct vx_err *err)
{
	struct vx_line l;

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
		if (vx_txt_prefix(l.s, l.len, "ERROR:") ||
		    vx_txt_prefix(l.s, l.len, "% ") ||
		    vx_txt_find(l.s, l.len, "% Invalid input detected") !=
		    NULL)
			return vx_txt_err(err, VX_E_PROTOCOL, &l,
			    "device error");
		if (vx_txt_find(l.s, l.len, "<--- More --->") != NULL)
			return vx_err_set(err, VX_E_PROTOCOL, "line %d: pager "
			    "prompt in output: terminal pager 0 did not take "
			    "effect", l.no);
	}
	it->p = text;
	it->no = 0;
	return 0;
}

bool
asa_lines_next(struct asa_lines *it, struct vx_line *l)
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

