#ifndef VX_XML_H
#define VX_XML_H

/*
 * libxml2 for device replies (PAN-OS XML API, Junos "| display xml"):
 * one safe way to parse untrusted XML into a tree, and the few lookups
 * the parsers need.  Pure: no I/O, no logging, nothing printed to stderr.
 *
 * Parsing never fetches anything (XML_PARSE_NONET), never substitutes
 * entities, and refuses a document type declaration (device replies have
 * none; it is how entity bombs come in).  Text is read from text and CDATA
 * nodes only, so an entity reference is never expanded.  libxml2's own
 * limits (depth, text node size) stay on.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libxml/tree.h>

#include "err.h"

/*
 * Parses text[0..len) as an XML document.  Returns 0 and *doc (free with
 * xmlFreeDoc), or -VX_E_PARSE with "line N: reason" in err (libxml2's
 * reason: a truncated reply reads "line 3: premature end of data in tag
 * result"), or -VX_E_NOMEM.
 */
int	vx_xml_parse(const char *text, size_t len, xmlDoc **doc,
	    struct vx_err *err);

/*
 * If text looks like an HTML page (a web server's error page rather than
 * an API reply), true, with its <title> (or "" if it has none) copied to
 * title, cut to size.  Uses libxml2's HTML parser for the title.
 */
bool	vx_xml_is_html(const char *text, size_t len, char *title, size_t size);

/* The first element child of parent named name, or NULL. */
xmlNode	*vx_xml_child(const xmlNode *parent, const char *name);
/*
 * The next element sibling of n named name (any element if name is
 * NULL), or NULL:  for (e = vx_xml_child(p, "entry"); e != NULL;
 * e = vx_xml_next(e, "entry")).
 */
xmlNode	*vx_xml_next(const xmlNode *n, const char *name);
/* Whether n is an element named name. */
bool	 vx_xml_is(const xmlNode *n, const char *name);

/*
 * The text of element n (its text and CDATA children, not entity
 * references), without leading and trailing blanks, into buf (size > 0,
 * NUL-terminated, cut to size - 1).  Returns the length written.
 */
size_t	 vx_xml_text(const xmlNode *n, char *buf, size_t size);
/*
 * The text of parent's first child element named name into buf (as
 * vx_xml_text), or NULL if there is no such child.
 */
const char *vx_xml_child_text(const xmlNode *parent, const char *name,
	    char *buf, size_t size);
/*
 * The value of attribute name of n into buf (cut to size - 1), or NULL if
 * n has no such attribute.
 */
const char *vx_xml_attr(const xmlNode *n, const char *name, char *buf,
	    size_t size);

/* The line n starts on in the document (0 if unknown). */
int	 vx_xml_line(const xmlNode *n);

#endif
