/*
 * The /probe target as the client sent it: refused if it has a control
 * character (a %00 would otherwise cut it short, "asa-1%00x" naming
 * asa-1), and quoted when an answer names it, so that a client's bytes
 * never reach a response unescaped.
 */
#include "http_int.h"

#include <stdio.h>

bool
http_target_ok(const char *target, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)target[i];

		if (c < 0x20 || c == 0x7f)
			return false;
	}
	return true;
}

void
http_target_quote(struct vx_strbuf *out, const char *target, size_t max)
{
	size_t i;

	vx_strbuf_addch(out, '"');
	for (i = 0; target[i] != '\0' && i < max; i++) {
		unsigned char c = (unsigned char)target[i];

		if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\')
			vx_strbuf_addf(out, "\\x%02x", c);
		else
			vx_strbuf_addch(out, (char)c);
	}
	vx_strbuf_addch(out, '"');
	if (target[i] != '\0')
		vx_strbuf_addstr(out, "...");
}
