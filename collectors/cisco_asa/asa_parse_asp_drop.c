/*
 * "show asp drop" -> drop counters and the device-wide invalid-SPI count.
 *
 *   Frame drop:
 *     Invalid SPI (np-sp-invalid-spi)                              42
 *     Dropped pending ... socket lock (np-socket-lock-failu         61
 *
 *   Last clearing: 10:43:33 UTC Mar 27 2019 by enable_15
 *
 *   Flow drop:
 *     Flow is denied by access rule (acl-drop)                 192350
 *   Last clearing: Never
 *
 * A drop line is "<description> (<keyword>) <count>".  The keyword is the
 * last parenthesised token (descriptions may hold "(show arp)"), and long
 * descriptions push the count out of its column or cut the keyword short
 * with no closing parenthesis: only the blank-separated last token (the
 * count) and the last '(' are relied on, never columns.
 *
 * Error policy.  Every non-blank line must be a header, a "Last clearing"
 * line or a drop line; anything else (garbage, a line cut before its
 * count) is -VX_E_PARSE naming the line.  Being strict here is what makes
 * the "absent means 0" rule below safe: a mangled invalid-SPI line must
 * fail the scrape, never turn into a silent 0.
 *
 * Absent is zero, but only for a complete section.  The ASA prints no line
 * for a zero counter, so VX_DV_INVALID_SPI is set to 0 when the Frame
 * section was read to its end (closed by its "Last clearing:" line or by
 * the "Flow drop:" header) without an np-sp-invalid-spi line.  An output
 * that stops inside the Frame section (cut on a line boundary, which
 * cannot be told from a short list) still parses, but leaves the value
 * absent rather than claim a 0 it did not see.
 *
 * "Last clearing:" times are printed in the device's "clock timezone",
 * whose name is a free-form label ("EDT", "CET", "MYZONE") with no offset
 * in the output.  Turning one into Unix time would mean guessing, so
 * VX_DV_DROPS_CLEARED_TS is set only for "UTC"/"GMT" (the ASA default) or
 * an ISO-style numeric offset ("+0200", "-05:00"); otherwise, and for
 * "Never", it is left absent.  With both sections cleared at different
 * times the later one is used: counters of that section restarted then.
 */
#include "asa_cli.h"

#include <stdint.h>
#include <string.h>

#include "numparse.h"

#include "banned.h"

#define ASP_INVALID_SPI	"np-sp-invalid-spi"

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t
days_from_civil(int64_t y, int64_t m, int64_t d)
{
	int64_t	era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* Reads exactly n digits at s; false if any is not a digit. */
static bool
digits(const char *s, size_t n, int64_t *out)
{
	uint64_t v;

	if (!vx_parse_u64(s, n, &v))
		return false;
	*out = (int64_t)v;
	return true;
}

/* "UTC", "GMT", "+0200", "-05:00", "+02": offset east of UTC, seconds. */
static bool
zone_offset(const struct vx_tok *z, int64_t *off)
{
	int64_t	h, m = 0;
	size_t	n = z->len;

	if (vx_txt_eq(z->s, n, "UTC") || vx_txt_eq(z->s, n, "GMT")) {
		*off = 0;
		return true;
	}
	if (n < 3 || (z->s[0] != '+' && z->s[0] != '-'))
		return false;
	if (!digits(z->s + 1, 2, &h))
		return false;
	if (n == 5 && !digits(z->s + 3, 2, &m))
		return false;
	if (n == 6 && (z->s[3] != ':' || !digits(z->s + 4, 2, &m)))
		return false;
	if ((n != 3 && n != 5 && n != 6) || h > 14 || m > 59)
		return false;
	*off = (h * 3600 + m * 60) * (z->s[0] == '-' ? -1 : 1);
	return true;
}

/*
 * "10:43:33 UTC Mar 27 2019 [by user]" -> Unix time.  False for "Never",
 * a named zone, or anything malformed.
 */
static bool
clearing_time(const struct vx_tok *t, size_t n, int64_t *out)
{
	static const char *const months[] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int64_t	hh, mm, ss, day, year, off, mon;
	bool	leap;

	if (n < 5 || t[0].len != 8 || t[0].s[2] != ':' || t[0].s[5] != ':')
		return false;
	if (!digits(t[0].s, 2, &hh) || !digits(t[0].s + 3, 2, &mm) ||
	    !digits(t[0].s + 6, 2, &ss) || hh > 23 || mm > 59 || ss > 60)
		return false;
	if (!zone_offset(&t[1], &off))
		return false;
	for (mon = 0; mon < 12; mon++) {
		if (vx_txt_eq(t[2].s, t[2].len, months[mon]))
			break;
	}
	if (mon == 12 || t[3].len > 2 || !digits(t[3].s, t[3].len, &day))
		return false;
	if (t[4].len != 4 || !digits(t[4].s, 4, &year) || year < 1970)
		return false;
	leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	if (day < 1 || day > mdays[mon] + (mon == 1 && leap))
		return false;
	if (n > 5 && !vx_txt_eq(t[5].s, t[5].len, "by"))
		return false;
	*out = days_from_civil(year, mon + 1, day) * 86400 + hh * 3600 +
	    mm * 60 + ss - off;
	return *out >= 0;
}

/*
 * One "<description> (<keyword>) <count>" line.  Returns 0 with the
 * keyword and count, or -VX_E_PARSE.
 */
static int
drop_line(const struct vx_line *l, const char **kw, size_t *kwlen,
    uint64_t *count, struct vx_err *err)
{
	const char	*d = l->s, *open = NULL, *close;
	size_t		 dlen = l->len, klen;

	/* The count is the last blank-separated token. */
	while (dlen > 0 && !vx_txt_blank(l->s[dlen - 1]))
		dlen--;
	if (!vx_parse_u64(l->s + dlen, l->len - dlen, count))
		return vx_txt_err(err, VX_E_PARSE, l, "no drop count at the "
		    "end of the line");
	d = vx_txt_trim(d, &dlen);
	for (size_t i = dlen; i > 0; i--) {
		if (d[i - 1] == '(') {
			open = d + i - 1;
			break;
		}
	}
	if (open == NULL)
		return vx_txt_err(err, VX_E_PARSE, l, "no '(keyword)' before "
		    "the drop count");
	klen = (size_t)(d + dlen - open - 1);
	close = memchr(open + 1, ')', klen);
	if (close != NULL) {
		/* Nothing may follow the keyword but the count. */
		if (close != d + dlen - 1)
			return vx_txt_err(err, VX_E_PARSE, l, "text after the "
			    "drop keyword");
		klen--;
	}
	/* else: a keyword cut short by a long description; keep the stem. */
	if (!vx_txt_word(open + 1, klen))
		return vx_txt_err(err, VX_E_PARSE, l, "bad drop keyword");
	*kw = open + 1;
	*kwlen = klen;
	return 0;
}

int
asa_parse_asp_drop(const char *text, size_t len, struct vx_snapshot *snap,
    struct vx_err *err)
{
	struct asa_lines	 it;
	struct vx_line		 l;
	const char		*section = NULL;
	bool			 frame_seen = false, flow_seen = false;
	bool			 frame_closed = false, closed = false;
	bool			 spi_seen = false;
	bool			 cleared_set = false;
	uint64_t		 spi = 0;
	int64_t			 cleared = 0;
	int			 rc;

	if ((rc = asa_lines_begin(&it, text, len, err)) != 0)
		return rc;
	while (asa_lines_next(&it, &l)) {
		struct vx_tok	 t[VX_TOK_MAX];
		size_t		 n;
		const char	*kw = NULL;
		char		 kwbuf[VX_MODEL_STR_MAX + 1];
		size_t		 kwlen = 0;
		uint64_t	 count;
		int		 v;

		if (vx_txt_eq_ws(l.s, l.len, "Frame drop:")) {
			if (frame_seen)
				return vx_txt_err(err, VX_E_PARSE, &l,
				    "second 'Frame drop:' section");
			frame_seen = true;
			closed = false;
			section = "frame";
			continue;
		}
		if (vx_txt_eq_ws(l.s, l.len, "Flow drop:")) {
			if (flow_seen)
				return vx_txt_err(err, VX_E_PARSE, &l,
				    "second 'Flow drop:' section");
			if (frame_seen)
				frame_closed = true;
			flow_seen = true;
			closed = false;
			section = "flow";
			continue;
		}
		n = vx_txt_split_kv(l.s, l.len, t, VX_TOK_MAX);
		v = vx_txt_kv(t, n, "Last clearing");
		if (v == 3) {
			int64_t ts;

			if (section == NULL)
				return vx_txt_err(err, VX_E_PARSE, &l,
				    "'Last clearing' before any section");
			if (strcmp(section, "frame") == 0)
				frame_closed = true;
			closed = true;
			if (clearing_time(t + v, n - (size_t)v, &ts) &&
			    (!cleared_set || ts > cleared)) {
				cleared = ts;
				cleared_set = true;
			}
			continue;
		}
		if (section == NULL)
			return vx_txt_err(err, VX_E_PARSE, &l, "not 'show asp "
			    "drop' output (no 'Frame drop:' or 'Flow drop:' "
			    "header)");
		if (closed)
			return vx_txt_err(err, VX_E_PARSE, &l,
			    "drop line after 'Last clearing'");
		rc = drop_line(&l, &kw, &kwlen, &count, err);
		if (rc != 0)
			return rc;
		vx_txt_cstr(kwbuf, sizeof(kwbuf), kw, kwlen);
		if (vx_snapshot_add_drop(snap, section, kwbuf, count) != 0)
			return vx_err_set(err, VX_E_NOMEM, "out of memory");
		if (strcmp(section, "frame") == 0 &&
		    strcmp(kwbuf, ASP_INVALID_SPI) == 0) {
			spi += count;
			spi_seen = true;
		}
	}
	if (!frame_seen && !flow_seen)
		return vx_err_set(err, VX_E_PARSE, "empty output (no 'Frame "
		    "drop:' or 'Flow drop:' header)");
	if (spi_seen || frame_closed)
		vx_snapshot_set_dev(snap, VX_DV_INVALID_SPI, spi,
		    VX_PRIO_AUTHORITATIVE);
	if (cleared_set)
		vx_snapshot_set_dev(snap, VX_DV_DROPS_CLEARED_TS,
		    (uint64_t)cleared, VX_PRIO_AUTHORITATIVE);
	return 0;
}
