/*
 * "get sa stat" -> rows (screenos.h):
 *
 *   total configured sa: 2
 *   HEX ID Gateway Fragment Auth-Fail Other Totalbytes
 *   00000015< 10.10.104.235 0 0 0 345976469
 *   00000015> 10.10.104.235 0 0 0 32472216
 *
 * The per-SA counters: fragments, authentication failures, other errors
 * and bytes, per direction.  Word by word, the header naming the words.
 */
#include "screenos.h"
#include "screenos_int.h"

#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "numparse.h"
#include "text.h"

#include "banned.h"

enum { C_GW, C_FRAG, C_AUTH, C_OTHER, C_BYTES, C__COUNT };

static const char *const col_names[] = {
	"Gateway", "Fragment", "Auth-Fail", "Other", "Totalbytes", NULL,
};

static const int col_default[C__COUNT] = { 0, 1, 2, 3, 4 };

void
screenos_stat_rows_release(struct screenos_stat_rows *rows)
{
	free(rows->v);
	memset(rows, 0, sizeof(*rows));
}

static int
read_num(const struct vx_line *l, const struct vx_tok *w, size_t nw, int c,
    uint64_t *v, bool *has, struct vx_err *err)
{
	if (c < 0 || (size_t)c >= nw)
		return 0;
	if (!vx_parse_u64(w[c].s, w[c].len, v))
		return vx_txt_err(err, VX_E_PARSE, l, "bad counter");
	*has = true;
	return 0;
}

static int
read_row(const struct vx_line *l, const struct vx_tok *t, size_t n,
    size_t skip, const int *col, struct screenos_stat_row *r,
    struct vx_err *err)
{
	const struct vx_tok	*w = t + skip;
	size_t			 nw = n - skip;
	int			 rc;

	if ((size_t)col[C_GW] >= nw || !screenos_gateway(&w[col[C_GW]],
	    r->gateway, sizeof(r->gateway)))
		return vx_txt_err(err, VX_E_PARSE, l, "bad gateway");
	if ((rc = read_num(l, w, nw, col[C_FRAG], &r->fragment,
	    &r->has_fragment, err)) != 0 ||
	    (rc = read_num(l, w, nw, col[C_AUTH], &r->auth_fail,
	    &r->has_auth_fail, err)) != 0 ||
	    (rc = read_num(l, w, nw, col[C_OTHER], &r->other,
	    &r->has_other, err)) != 0 ||
	    (rc = read_num(l, w, nw, col[C_BYTES], &r->bytes,
	    &r->has_bytes, err)) != 0)
		return rc;
	if (!r->has_bytes && !r->has_auth_fail)
		return vx_txt_err(err, VX_E_PARSE, l, "row too short");
	r->line = l->no;
	return 0;
}

int
screenos_read_stat(const char *text, size_t len,
    struct screenos_stat_rows *rows, struct vx_err *err)
{
	const char	*p = text, *end = text + len;
	struct vx_line	 l;
	struct vx_tok	 t[VX_TOK_MAX];
	int		 no = 0, col[C__COUNT];
	bool		 seen = false;

	memset(rows, 0, sizeof(*rows));
	memcpy(col, col_default, sizeof(col));
	while (vx_txt_next_line(&p, end, &no, &l)) {
		size_t			 n = vx_txt_split(l.s, l.len, t, VX_TOK_MAX);
		struct screenos_stat_row r = { 0 };
		size_t			 skip;
		int64_t			 v;
		char			 which;
		int			 rc;

		if (n == 0 || screenos_prompt_line(t, n))
			continue;
		seen = true;
		if (screenos_total(t, n, &which, &v))
			continue;
		if (screenos_header(t, n, col_names, col)) {
			if (col[C_GW] < 0 || (col[C_BYTES] < 0 &&
			    col[C_AUTH] < 0))
				return vx_txt_err(err, VX_E_PARSE, &l,
				    "header lacks Gateway, Auth-Fail and "
				    "Totalbytes");
			continue;
		}
		skip = screenos_row_id(t, n, &r.id, &r.dir);
		if (skip == 0)
			return vx_txt_err(err, VX_E_PARSE, &l,
			    "not a 'get sa stat' row");
		if ((rc = read_row(&l, t, n, skip, col, &r, err)) != 0)
			return rc;
		if (!vx_room(&rows->v, rows->n, &rows->cap, sizeof(r), 16))
			return vx_err_set(err, VX_E_NOMEM, "out of memory");
		rows->v[rows->n++] = r;
	}
	if (!seen)
		return vx_err_set(err, VX_E_PARSE, "empty output");
	return 0;
}
