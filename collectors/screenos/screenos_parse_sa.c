/*
 * "get sa" and "get sa active" -> rows (screenos.h):
 *
 *   total configured sa: 2
 *   HEX ID    Gateway         Port Algorithm     SPI      Life:sec kb Sta   PID vsys
 *   00000002<   72.21.209.225  500 esp:a128/sha1 80041ca4  3385 unlim A/-    -1 0
 *   00000002>   72.21.209.225  500 esp:a128/sha1 8cdd274a  3385 unlim A/-    -1 0
 *
 * Word by word: the header (when present) says which word is which, so a
 * release that pads, adds or drops a column still reads.  Life is seconds
 * or "expir" (an inactive SA), kb a number or "unlim".
 */
#include "screenos.h"
#include "screenos_int.h"

#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "numparse.h"
#include "text.h"

#include "banned.h"

enum { C_GW, C_PORT, C_SPI, C_LIFE, C_KB, C_STA, C__COUNT };

static const char *const col_names[] = {
	"Gateway", "Port", "SPI", "Life:sec", "kb", "Sta", NULL,
};

/* The words of a row after the id, when no header says otherwise. */
static const int col_default[C__COUNT] = { 0, 1, 3, 4, 5, 6 };

void
screenos_sa_rows_release(struct screenos_sa_rows *rows)
{
	free(rows->v);
	memset(rows, 0, sizeof(*rows));
}

/* "A/-", "A/U", "A/D", "I/I". */
static bool
read_sta(const struct vx_tok *t, struct screenos_sa_row *r)
{
	if (t->len != 3 || t->s[1] != '/' || strchr("AI", t->s[0]) == NULL ||
	    strchr("-UDI", t->s[2]) == NULL || t->s[0] == '\0' ||
	    t->s[2] == '\0')
		return false;
	r->sa_state = t->s[0];
	r->mon = t->s[2];
	return true;
}

/* A number, or the word meaning "none" (-1). */
static bool
num_or(const struct vx_tok *t, const char *none, int64_t *out)
{
	uint64_t v;

	if (vx_txt_eq(t->s, t->len, none)) {
		*out = -1;
		return true;
	}
	if (!vx_parse_u64(t->s, t->len, &v) || v > INT64_MAX)
		return false;
	*out = (int64_t)v;
	return true;
}

static int
read_row(const struct vx_line *l, const struct vx_tok *t, size_t n,
    size_t skip, const int *col, struct screenos_sa_row *r,
    struct vx_err *err)
{
	const struct vx_tok	*w = t + skip;
	size_t			 nw = n - skip;
	uint64_t		 port;

	for (int c = 0; c < C__COUNT; c++) {
		if (col[c] >= 0 && (size_t)col[c] >= nw &&
		    (c == C_GW || c == C_SPI || c == C_STA))
			return vx_txt_err(err, VX_E_PARSE, l, "row too short");
	}
	if (!screenos_gateway(&w[col[C_GW]], r->gateway, sizeof(r->gateway)))
		return vx_txt_err(err, VX_E_PARSE, l, "bad gateway");
	if (!vx_parse_spi_hex(w[col[C_SPI]].s, w[col[C_SPI]].len, &r->spi))
		return vx_txt_err(err, VX_E_PARSE, l, "bad SPI");
	if (!read_sta(&w[col[C_STA]], r))
		return vx_txt_err(err, VX_E_PARSE, l, "unknown Sta");
	r->life_s = r->life_kb = -1;
	if (col[C_PORT] >= 0 && (size_t)col[C_PORT] < nw) {
		if (!vx_parse_u64(w[col[C_PORT]].s, w[col[C_PORT]].len,
		    &port) || port > 65535)
			return vx_txt_err(err, VX_E_PARSE, l, "bad port");
		r->port = (unsigned)port;
	}
	if (col[C_LIFE] >= 0 && (size_t)col[C_LIFE] < nw &&
	    !num_or(&w[col[C_LIFE]], "expir", &r->life_s))
		return vx_txt_err(err, VX_E_PARSE, l, "bad lifetime");
	if (col[C_KB] >= 0 && (size_t)col[C_KB] < nw &&
	    !num_or(&w[col[C_KB]], "unlim", &r->life_kb))
		return vx_txt_err(err, VX_E_PARSE, l, "bad kb lifetime");
	r->line = l->no;
	return 0;
}

int
screenos_read_sa(const char *text, size_t len, struct screenos_sa_rows *rows,
    struct vx_err *err)
{
	const char	*p = text, *end = text + len;
	struct vx_line	 l;
	struct vx_tok	 t[VX_TOK_MAX];
	int		 no = 0, col[C__COUNT];
	bool		 seen = false;

	memset(rows, 0, sizeof(*rows));
	rows->total_active = rows->total_configured = -1;
	memcpy(col, col_default, sizeof(col));
	while (vx_txt_next_line(&p, end, &no, &l)) {
		size_t			 n = vx_txt_split(l.s, l.len, t, VX_TOK_MAX);
		struct screenos_sa_row	 r = { 0 };
		size_t			 skip;
		int64_t			 v;
		char			 which;
		int			 rc;

		if (n == 0 || screenos_prompt_line(t, n))
			continue;
		seen = true;
		if (screenos_total(t, n, &which, &v)) {
			if (which == 'a')
				rows->total_active = v;
			else
				rows->total_configured = v;
			continue;
		}
		if (screenos_header(t, n, col_names, col)) {
			if (col[C_GW] < 0 || col[C_SPI] < 0 || col[C_STA] < 0)
				return vx_txt_err(err, VX_E_PARSE, &l,
				    "header lacks Gateway, SPI or Sta");
			continue;
		}
		skip = screenos_row_id(t, n, &r.id, &r.dir);
		if (skip == 0)
			return vx_txt_err(err, VX_E_PARSE, &l,
			    "not a 'get sa' row");
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
