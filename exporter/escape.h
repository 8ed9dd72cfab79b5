#ifndef VX_ESCAPE_H
#define VX_ESCAPE_H

/*
 * Writers of untrusted text (device names, tunnel names, peers, error
 * messages: anything a device or a configuration file said) into HTML,
 * URLs and JSON.  Each one validates UTF-8 as it goes: an invalid byte
 * becomes U+FFFD, so the output is always well-formed.  A NULL string
 * writes nothing (the empty JSON string for vx_json_str).
 */

#include "strbuf.h"

/*
 * Text for an HTML element or a double-quoted attribute: < > & " ' become
 * entities, and control characters other than tab and newline become
 * U+FFFD.  Nothing the string holds can open a tag or leave an attribute.
 */
void	vx_html_escape(struct vx_strbuf *out, const char *s);

/* A URL query value: everything but A-Z a-z 0-9 - _ . ~ percent-encoded. */
void	vx_url_escape(struct vx_strbuf *out, const char *s);

/*
 * A JSON string, quotes included: " \ and control characters escaped, and
 * < > & as \u003c \u003e \u0026 so that the text stays inert even where a
 * browser sniffs it as HTML.
 */
void	vx_json_str(struct vx_strbuf *out, const char *s);

#endif
