/*
 * "get sa id N" -> what it says of one SA id (screenos.h):
 *
 *   index 1, name vpn-81, peer gateway ip 10.10.104.235. vsys<Root>
 *   tunnel id 21, peer id 1, NSRP Local. site-to-site. ...
 *   autokey, IN active, OUT active
 *   monitor<1>, latency: 1, availability: 100
 *   incoming: SPI 33511799, flag 00004000, tunnel info 40000015, pipeline
 *   life 3600 sec, 3537 remain, 0 kb, 0 bytes remain
 *   outgoing: SPI 01c2e484, flag 00000000, tunnel info 40000015, pipeline
 *   life 3600 sec, 3537 remain, 0 kb, 0 bytes remain
 *
 * Lines are recognised by their first words; the many others (proxy id,
 * anti-replay, DF bit, ...) are skipped.  A "life" line belongs to the
 * "incoming:" or "outgoing:" line before it; "0 kb" means no volume
 * lifetime, so its "bytes remain" is no limit.
 */
#include "screenos.h"
#include "screenos_int.h"

#include <string.h>

#include "numparse.h"
#include "text.h"

#include "banned.h"

/* A word without one trailing ',' or '.' ("vpn-81," -> "vpn-81"). */
static struct vx_tok
bare(struct vx_tok t)
{
	if (t.len > 0 && (t.s[t.len - 1] == ',' || t.s[t.len - 1] == '.'))
		t.len--;
	return t;
}

static bool
eq(const struct vx_tok *t, const char *lit)
{
	struct vx_tok b = bare(*t);

	return vx_txt_eq(b.s, b.len, lit);
}

/* "index 1, name vpn-81, peer gateway ip 10.10.104.235. vsys<Root>" */
static int
index_line(const struct vx_line *l, const struct vx_tok *t, size_t n,
    struct screenos_sa_detail *d, struct vx_err *err)
{
	for (size_t i = 0; i + 1 < n; i++) {
		if (eq(&t[i], "name")) {
			struct vx_tok w = bare(t[i + 1]);

			/* The name ends at the word that ends in ','. */
			if (t[i + 1].s[t[i + 1].len - 1] != ',') {
				size_t j = i + 1;

				while (j + 1 < n && t[j].s[t[j].len - 1] != ',')
					j++;
				w.len = (size_t)(bare(t[j]).s + bare(t[j]).len -
				    w.s);
			}
			if (w.len == 0 || w.len >= sizeof(d->name))
				return vx_txt_err(err, VX_E_PARSE, l,
				    "bad VPN name");
			vx_txt_cstr(d->name, sizeof(d->name), w.s, w.len);
			for (char *c = d->name; *c != '\0'; c++) {
				if ((unsigned char)*c < 0x20 ||
				    (unsigned char)*c >= 0x7f)
					*c = '?';
			}
		} else if (eq(&t[i], "ip") && i > 0 && eq(&t[i - 1],
		    "gateway")) {
			struct vx_tok w = bare(t[i + 1]);

			if (!screenos_gateway(&w, d->gateway,
			    sizeof(d->gateway)))
				return vx_txt_err(err, VX_E_PARSE, l,
				    "bad gateway");
		}
	}
	if (d->name[0] == '\0')
		return vx_txt_err(err, VX_E_PARSE, l, "no VPN name");
	if (d->gateway[0] == '\0')
		return vx_txt_err(err, VX_E_PARSE, l, "no peer gateway");
	return 0;
}

/* "tunnel id 21, peer id 1, ..." */
static int
tunnel_line(const struct vx_line *l, const struct vx_tok *t, size_t n,
    struct screenos_sa_detail *d, struct vx_err *err)
{
	struct vx_tok	w;
	uint64_t	v;

	if (n < 3 || !eq(&t[1], "id"))
		return 0;
	w = bare(t[2]);
	if (!(vx_parse_u64(w.s, w.len, &v) || (w.len > 2 && w.s[0] == '0' &&
	    (w.s[1] == 'x' || w.s[1] == 'X') &&
	    vx_parse_hex_u64(w.s, w.len, &v))) || v > UINT32_MAX)
		return vx_txt_err(err, VX_E_PARSE, l, "bad tunnel id");
	d->id = (uint32_t)v;
	d->has_id = true;
	return 0;
}

/* "autokey, IN active, OUT active" */
static void
state_line(const struct vx_tok *t, size_t n, struct screenos_sa_detail *d)
{
	for (size_t i = 0; i + 1 < n; i++) {
		if (eq(&t[i], "IN"))
			d->in_active = eq(&t[i + 1], "active");
		else if (eq(&t[i], "OUT"))
			d->out_active = eq(&t[i + 1], "active");
	}
}

/* "incoming: SPI 33511799, ..." */
static int
spi_line(const struct vx_line *l, const struct vx_tok *t, size_t n,
    bool in, struct screenos_sa_detail *d, struct vx_err *err)
{
	struct vx_tok	w;
	uint32_t	spi;

	if (n < 3 || !eq(&t[1], "SPI"))
		return vx_txt_err(err, VX_E_PARSE, l, "no SPI");
	w = bare(t[2]);
	if (!vx_parse_spi_hex(w.s, w.len, &spi))
		return vx_txt_err(err, VX_E_PARSE, l, "bad SPI");
	if (in) {
		d->spi_in = spi;
		d->has_in = true;
	} else {
		d->spi_out = spi;
		d->has_out = true;
	}
	return 0;
}

/* "life 3600 sec, 3537 remain, 0 kb, 0 bytes remain" */
static int
life_line(const struct vx_line *l, const struct vx_tok *t, size_t n,
    int64_t *life_s, int64_t *bytes_left, struct vx_err *err)
{
	uint64_t	remain, kb = 0, bytes = 0;
	struct vx_tok	w;

	if (n < 5 || !eq(&t[4], "remain"))
		return vx_txt_err(err, VX_E_PARSE, l, "no remaining lifetime");
	w = bare(t[3]);
	if (!vx_parse_u64(w.s, w.len, &remain) || remain > INT64_MAX)
		return vx_txt_err(err, VX_E_PARSE, l, "bad lifetime");
	*life_s = (int64_t)remain;
	*bytes_left = -1;
	if (n >= 9 && eq(&t[6], "kb") && eq(&t[8], "bytes")) {
		w = bare(t[5]);
		if (!vx_parse_u64(w.s, w.len, &kb))
			return vx_txt_err(err, VX_E_PARSE, l, "bad kb");
		w = bare(t[7]);
		if (!vx_parse_u64(w.s, w.len, &bytes) || bytes > INT64_MAX)
			return vx_txt_err(err, VX_E_PARSE, l, "bad bytes");
		if (kb > 0)
			*bytes_left = (int64_t)bytes;
	}
	return 0;
}

int
screenos_read_sa_id(const char *text, size_t len,
    struct screenos_sa_detail *d, struct vx_err *err)
{
	const char	*p = text, *end = text + len;
	struct vx_line	 l, first = { 0 };
	struct vx_tok	 t[VX_TOK_MAX];
	int		 no = 0, rc = 0;
	char		 dir = 0;	/* the last "incoming:"/"outgoing:" */
	bool		 seen_index = false, seen = false;

	memset(d, 0, sizeof(*d));
	d->life_in_s = d->life_out_s = -1;
	d->bytes_in_left = d->bytes_out_left = -1;
	d->mon = -1;
	while (rc == 0 && vx_txt_next_line(&p, end, &no, &l)) {
		size_t n = vx_txt_split(l.s, l.len, t, VX_TOK_MAX);

		if (n == 0 || screenos_prompt_line(t, n))
			continue;
		if (!seen)
			first = l;
		seen = true;
		if (eq(&t[0], "index")) {
			rc = index_line(&l, t, n, d, err);
			seen_index = true;
		} else if (eq(&t[0], "tunnel") && !d->has_id)
			rc = tunnel_line(&l, t, n, d, err);
		else if (eq(&t[0], "autokey") || eq(&t[0], "manual"))
			state_line(t, n, d);
		else if (vx_txt_prefix(t[0].s, t[0].len, "monitor<"))
			d->mon = t[0].len > 9 && t[0].s[8] != '0' ? 1 : 0;
		else if (eq(&t[0], "incoming:")) {
			rc = spi_line(&l, t, n, true, d, err);
			dir = '<';
		} else if (eq(&t[0], "outgoing:")) {
			rc = spi_line(&l, t, n, false, d, err);
			dir = '>';
		} else if (eq(&t[0], "life") && dir != 0) {
			rc = life_line(&l, t, n, dir == '<' ? &d->life_in_s :
			    &d->life_out_s, dir == '<' ? &d->bytes_in_left :
			    &d->bytes_out_left, err);
			dir = 0;
		}
	}
	if (rc != 0)
		return rc;
	if (!seen)
		return vx_err_set(err, VX_E_PARSE, "empty output");
	if (!seen_index)
		return vx_txt_err(err, VX_E_PARSE, &first,
		    "not 'get sa id' output (no 'index ..., name' line)");
	return 0;
}
