/*
 * Helpers of the ScreenOS table readers (screenos_int.h).  Device text is
 * untrusted and not NUL-terminated: nothing here reads past a token.
 */
#include "screenos_int.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "numparse.h"

#include "banned.h"

bool
screenos_prompt_line(const struct vx_tok *t, size_t n)
{
	return n > 0 && t[0].len >= 3 && t[0].s[t[0].len - 2] == '-' &&
	    t[0].s[t[0].len - 1] == '>';
}

static bool
is_dir(char c)
{
	return c == '<' || c == '>';
}

static bool
hex_id(const char *s, size_t len, uint32_t *id)
{
	uint64_t v;

	if (len == 0 || len > 8 || !vx_parse_hex_u64(s, len, &v) ||
	    (len > 1 && (s[1] == 'x' || s[1] == 'X')))
		return false;
	*id = (uint32_t)v;
	return true;
}

size_t
screenos_row_id(const struct vx_tok *t, size_t n, uint32_t *id, char *dir)
{
	if (n >= 1 && t[0].len >= 2 && is_dir(t[0].s[t[0].len - 1]) &&
	    hex_id(t[0].s, t[0].len - 1, id)) {
		*dir = t[0].s[t[0].len - 1];
		return 1;
	}
	if (n >= 2 && t[1].len == 1 && is_dir(t[1].s[0]) &&
	    hex_id(t[0].s, t[0].len, id)) {
		*dir = t[1].s[0];
		return 2;
	}
	return 0;
}

bool
screenos_header(const struct vx_tok *t, size_t n, const char *const *names,
    int *pos)
{
	if (n < 3 || !vx_txt_eq(t[0].s, t[0].len, "HEX") ||
	    !vx_txt_eq(t[1].s, t[1].len, "ID"))
		return false;
	for (size_t k = 0; names[k] != NULL; k++) {
		pos[k] = -1;
		for (size_t i = 2; i < n; i++) {
			if (vx_txt_eq(t[i].s, t[i].len, names[k])) {
				pos[k] = (int)(i - 2);
				break;
			}
		}
	}
	return true;
}

bool
screenos_total(const struct vx_tok *t, size_t n, char *which, int64_t *v)
{
	uint64_t u;

	if (n != 4 || !vx_txt_eq(t[0].s, t[0].len, "total") ||
	    !vx_txt_eq(t[2].s, t[2].len, "sa:") ||
	    !vx_parse_u64(t[3].s, t[3].len, &u) || u > INT64_MAX)
		return false;
	if (vx_txt_eq(t[1].s, t[1].len, "configured"))
		*which = 'c';
	else if (vx_txt_eq(t[1].s, t[1].len, "active"))
		*which = 'a';
	else
		return false;
	*v = (int64_t)u;
	return true;
}

bool
screenos_gateway(const struct vx_tok *t, char *buf, size_t size)
{
	if (t->len >= size || !vx_txt_word(t->s, t->len))
		return false;
	vx_txt_cstr(buf, size, t->s, t->len);
	return true;
}
