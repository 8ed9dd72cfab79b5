/*
 * The header of a syslog message: RFC 5424, or RFC 3164 as devices
 * actually write it.  Pure.
 */
#include "syslog_msg.h"

#include <string.h>

#include "banned.h"

#define APP_MAX		48	/* RFC 5424 field limits */
#define PROCID_MAX	128
#define MSGID_MAX	32
#define SDID_MAX	32
#define TAG_MAX		32	/* RFC 3164 */

/* A cursor over the message. */
struct cur {
	const char	*p;
	const char	*end;
};

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* "<PRI>": 1 to 3 digits, no leading zero, at most 191. */
static bool
parse_pri(struct cur *c, int *pri)
{
	int	v = 0, n = 0;

	if (c->p >= c->end || *c->p != '<')
		return false;
	c->p++;
	while (c->p < c->end && is_digit(*c->p) && n < 4) {
		v = v * 10 + (*c->p - '0');
		n++;
		c->p++;
	}
	if (n == 0 || n > 3 || c->p >= c->end || *c->p != '>' ||
	    (n > 1 && c->p[-n] == '0') || v > 191)
		return false;
	c->p++;
	*pri = v;
	return true;
}

/* Printable US-ASCII without space (RFC 5424 PRINTUSASCII). */
static bool
is_print(char c)
{
	return c >= 33 && c <= 126;
}

/* A header field of up to max printable characters, then a space. */
static bool
field(struct cur *c, size_t max, const char **out, size_t *len)
{
	const char *s = c->p;

	while (c->p < c->end && is_print(*c->p))
		c->p++;
	*len = (size_t)(c->p - s);
	if (*len == 0 || *len > max || c->p >= c->end || *c->p != ' ')
		return false;
	*out = s;
	c->p++;
	if (*len == 1 && *s == '-')
		*len = 0;	/* NILVALUE */
	return true;
}

/* One SD-ELEMENT: "[" SD-ID *(SP PARAM-NAME "=" DQUOTE value DQUOTE) "]". */
static bool
sd_element(struct cur *c)
{
	size_t n = 0;

	c->p++;		/* '[' */
	while (c->p < c->end && is_print(*c->p) && *c->p != '=' &&
	    *c->p != ']' && *c->p != '"') {
		c->p++;
		n++;
	}
	if (n == 0 || n > SDID_MAX)
		return false;
	while (c->p < c->end && *c->p == ' ') {
		c->p++;
		n = 0;
		while (c->p < c->end && is_print(*c->p) && *c->p != '=' &&
		    *c->p != ']' && *c->p != '"') {
			c->p++;
			n++;
		}
		if (n == 0 || n > SDID_MAX || c->p + 1 >= c->end ||
		    c->p[0] != '=' || c->p[1] != '"')
			return false;
		c->p += 2;
		while (c->p < c->end && *c->p != '"') {
			if (*c->p == '\\' && c->p + 1 < c->end)
				c->p++;
			c->p++;
		}
		if (c->p >= c->end)
			return false;
		c->p++;		/* closing '"' */
	}
	if (c->p >= c->end || *c->p != ']')
		return false;
	c->p++;
	return true;
}

static int
parse_5424(struct cur *c, struct vx_syslog_msg *m)
{
	const char	*ts, *procid;
	size_t		 ts_len, procid_len;

	if (!field(c, 64, &ts, &ts_len) ||
	    !field(c, VX_SYSLOG_HOST_MAX, &m->host, &m->host_len) ||
	    !field(c, APP_MAX, &m->app, &m->app_len) ||
	    !field(c, PROCID_MAX, &procid, &procid_len) ||
	    !field(c, MSGID_MAX, &m->msgid, &m->msgid_len))
		return -1;
	if (c->p >= c->end)
		return -1;
	if (*c->p == '-') {
		c->p++;
	} else if (*c->p == '[') {
		while (c->p < c->end && *c->p == '[') {
			if (!sd_element(c))
				return -1;
		}
	} else {
		return -1;
	}
	if (c->p < c->end) {
		if (*c->p != ' ')
			return -1;
		c->p++;
		if (c->end - c->p >= 3 && memcmp(c->p, "\xef\xbb\xbf", 3) == 0)
			c->p += 3;
	}
	m->text = c->p;
	m->text_len = (size_t)(c->end - c->p);
	return 0;
}

/* n digits exactly. */
static bool
digits(struct cur *c, int n)
{
	if (c->end - c->p < n)
		return false;
	for (int i = 0; i < n; i++) {
		if (!is_digit(c->p[i]))
			return false;
	}
	c->p += n;
	return true;
}

static bool
lit(struct cur *c, char ch)
{
	if (c->p >= c->end || *c->p != ch)
		return false;
	c->p++;
	return true;
}

/* "hh:mm:ss", then an optional fraction ".123". */
static bool
clock_time(struct cur *c)
{
	if (!digits(c, 2) || !lit(c, ':') || !digits(c, 2) || !lit(c, ':') ||
	    !digits(c, 2))
		return false;
	if (c->p + 1 < c->end && *c->p == '.' && is_digit(c->p[1])) {
		c->p++;
		while (c->p < c->end && is_digit(*c->p))
			c->p++;
	}
	return true;
}

/*
 * "Mmm dd hh:mm:ss[.f][ YYYY]", "Mmm dd YYYY hh:mm:ss[.f]" (ASA) or
 * RFC 3339 "YYYY-MM-DDThh:mm:ss[.f](Z|+hh:mm)".  Moves past it or fails
 * leaving c as it was.
 */
static bool
timestamp_3164(struct cur *c)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	struct cur	 s = *c;

	if (s.end - s.p >= 4 && is_digit(s.p[0]) && digits(&s, 4) &&
	    lit(&s, '-') && digits(&s, 2) && lit(&s, '-') && digits(&s, 2) &&
	    lit(&s, 'T') && clock_time(&s)) {
		if (!lit(&s, 'Z')) {
			if (s.p >= s.end || (*s.p != '+' && *s.p != '-'))
				return false;
			s.p++;
			if (!digits(&s, 2) || !lit(&s, ':') || !digits(&s, 2))
				return false;
		}
		*c = s;
		return true;
	}
	s = *c;
	if (s.end - s.p < 4 || s.p[3] != ' ')
		return false;
	for (size_t i = 0; i < 12; i++) {
		if (memcmp(s.p, months + 3 * i, 3) == 0) {
			s.p += 4;
			break;
		}
	}
	if (s.p == c->p)
		return false;
	/* " 1": a day padded with a space. */
	if (s.p < s.end && *s.p == ' ')
		s.p++;
	if (!(digits(&s, 2) || digits(&s, 1)) || !lit(&s, ' '))
		return false;
	/* The year first (ASA), or the time. */
	if (s.end - s.p >= 5 && is_digit(s.p[2])) {
		if (!digits(&s, 4) || !lit(&s, ' ') || !clock_time(&s))
			return false;
	} else {
		if (!clock_time(&s))
			return false;
		if (s.end - s.p >= 5 && s.p[0] == ' ' && is_digit(s.p[1]) &&
		    is_digit(s.p[2]) && is_digit(s.p[3]) && is_digit(s.p[4]) &&
		    (s.end - s.p == 5 || s.p[5] == ' '))
			s.p += 5;
	}
	*c = s;
	return true;
}

static bool
host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    is_digit(c) || c == '.' || c == '-' || c == '_' || c == ':';
}

/* "TAG:" or "TAG[pid]:" at the start of the text: the tag. */
static void
tag_3164(struct vx_syslog_msg *m)
{
	size_t n = 0;

	while (n < m->text_len && n <= TAG_MAX && (host_char(m->text[n]) ||
	    m->text[n] == '/' || m->text[n] == '%') && m->text[n] != ':')
		n++;
	if (n == 0 || n > TAG_MAX || n >= m->text_len ||
	    (m->text[n] != ':' && m->text[n] != '['))
		return;
	m->app = m->text;
	m->app_len = n;
}

static void
parse_3164(struct cur *c, struct vx_syslog_msg *m)
{
	if (timestamp_3164(c)) {
		const char	*h;
		size_t		 n = 0;

		/* ASA without a device id: "19:14:36: %ASA". */
		lit(c, ':');
		while (c->p < c->end && *c->p == ' ')
			c->p++;
		h = c->p;
		while (h + n < c->end && host_char(h[n]))
			n++;
		/*
		 * A host name is a word followed by a space; "tag:" or
		 * "%ASA-4-402114:" is already the message.
		 */
		if (n > 0 && n <= VX_SYSLOG_HOST_MAX && h + n < c->end &&
		    h[n] == ' ' && h[n - 1] != ':') {
			m->host = h;
			m->host_len = n;
			c->p = h + n + 1;
			/* ASA "logging device-id": "asa-fra1 : %ASA-..." */
			if (c->end - c->p >= 2 && c->p[0] == ':' &&
			    c->p[1] == ' ')
				c->p += 2;
		}
	}
	m->text = c->p;
	m->text_len = (size_t)(c->end - c->p);
	tag_3164(m);
}

int
vx_syslog_parse(const char *buf, size_t len, struct vx_syslog_msg *out)
{
	struct cur c = { buf, buf + len };

	memset(out, 0, sizeof(*out));
	while (c.end > c.p && (c.end[-1] == '\n' || c.end[-1] == '\r' ||
	    c.end[-1] == '\0'))
		c.end--;
	if (!parse_pri(&c, &out->pri))
		return -1;
	if (c.end - c.p >= 2 && c.p[0] == '1' && c.p[1] == ' ') {
		c.p += 2;
		out->version = 1;
		return parse_5424(&c, out);
	}
	parse_3164(&c, out);
	return 0;
}
