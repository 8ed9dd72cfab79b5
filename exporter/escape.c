/* HTML, URL and JSON writers for untrusted text. */
#include "escape.h"

#include <string.h>

#include "utf8.h"

#include "banned.h"

/*
 * Walks s as UTF-8 and calls 'esc' for each byte that needs more than a
 * copy; runs of plain bytes are appended in one go (the status page
 * writes a few hundred thousand strings for a large fleet).
 */
typedef const char *escape_fn(unsigned char c, char buf[8]);

static void
escape_with(struct vx_strbuf *out, const char *s, escape_fn *esc)
{
	const unsigned char	*p = (const unsigned char *)s;
	const unsigned char	*run = p;
	size_t			 n;

	if (s == NULL)
		return;
	n = strlen(s);
	while (n > 0) {
		size_t		 len = vx_utf8_seq_len(p, n);
		const char	*rep = NULL;
		char		 buf[8];

		if (len == 0) {
			rep = VX_UTF8_REPLACEMENT;
			len = 1;
		} else if (len == 1) {
			rep = esc(*p, buf);
		}
		if (rep != NULL) {
			vx_strbuf_add(out, run, (size_t)(p - run));
			vx_strbuf_addstr(out, rep);
			run = p + len;
		}
		p += len;
		n -= len;
	}
	vx_strbuf_add(out, run, (size_t)(p - run));
}

static const char *
html_byte(unsigned char c, char buf[8])
{
	(void)buf;
	switch (c) {
	case '<':
		return "&lt;";
	case '>':
		return "&gt;";
	case '&':
		return "&amp;";
	case '"':
		return "&quot;";
	case '\'':
		return "&#39;";
	case '\t':
	case '\n':
		return NULL;
	default:
		return c < 0x20 || c == 0x7f ? VX_UTF8_REPLACEMENT : NULL;
	}
}

void
vx_html_escape(struct vx_strbuf *out, const char *s)
{
	escape_with(out, s, html_byte);
}

static const char hex[] = "0123456789ABCDEF";

void
vx_url_escape(struct vx_strbuf *out, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s;
	    p != NULL && *p; p++) {
		unsigned char c = *p;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~') {
			vx_strbuf_addch(out, (char)c);
		} else {
			vx_strbuf_addch(out, '%');
			vx_strbuf_addch(out, hex[c >> 4]);
			vx_strbuf_addch(out, hex[c & 15]);
		}
	}
}

static const char *
json_byte(unsigned char c, char buf[8])
{
	switch (c) {
	case '"':
		return "\\\"";
	case '\\':
		return "\\\\";
	case '\n':
		return "\\n";
	case '\t':
		return "\\t";
	case '\r':
		return "\\r";
	case '<':
	case '>':
	case '&':
		break;
	default:
		if (c >= 0x20 && c != 0x7f)
			return NULL;
		break;
	}
	memcpy(buf, "\\u00", 4);
	buf[4] = "0123456789abcdef"[c >> 4];
	buf[5] = "0123456789abcdef"[c & 15];
	buf[6] = '\0';
	return buf;
}

void
vx_json_str(struct vx_strbuf *out, const char *s)
{
	vx_strbuf_addch(out, '"');
	escape_with(out, s, json_byte);
	vx_strbuf_addch(out, '"');
}
