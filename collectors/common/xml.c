/* libxml2 for untrusted device replies: safe parsing, small lookups. */
#include "xml.h"

#include <limits.h>
#include <pthread.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/parser.h>
#include <libxml/xmlerror.h>

#include "banned.h"

static pthread_once_t xml_once = PTHREAD_ONCE_INIT;

/* libxml2 must be initialised once before threads use it. */
static void
xml_init(void)
{
	xmlInitParser();
}

/*
 * Errors go to the parser context, where we read them; this handler keeps
 * libxml2 from printing them on stderr.
 */
static void
quiet(void *data, xmlErrorPtr e)
{
	(void)data;
	(void)e;
}

static bool
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Copies a libxml2 message, lower-cased first letter, no trailing blanks. */
static void
xml_reason(const char *msg, char *buf, size_t size)
{
	size_t n;

	if (msg == NULL)
		msg = "not well-formed";
	n = strlen(msg);
	while (n > 0 && blank(msg[n - 1]))
		n--;
	if (n >= size)
		n = size - 1;
	memcpy(buf, msg, n);
	buf[n] = '\0';
	if (buf[0] >= 'A' && buf[0] <= 'Z' && !(buf[1] >= 'A' && buf[1] <= 'Z'))
		buf[0] = (char)(buf[0] - 'A' + 'a');
}

int
vx_xml_parse(const char *text, size_t len, xmlDoc **doc, struct vx_err *err)
{
	xmlParserCtxt	*ctxt;
	xmlDoc		*d;
	char		 reason[200];

	*doc = NULL;
	if (len > INT_MAX)
		return vx_err_set(err, VX_E_PARSE, "line 1: reply too large");
	pthread_once(&xml_once, xml_init);
	ctxt = xmlNewParserCtxt();
	if (ctxt == NULL)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	ctxt->sax->serror = quiet;
	d = xmlCtxtReadMemory(ctxt, text, (int)len, NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
	    XML_PARSE_NOCDATA);
	if (d == NULL || !ctxt->wellFormed) {
		const xmlError	*e = xmlCtxtGetLastError(ctxt);
		int		 line = e != NULL && e->line > 0 ? e->line : 1;
		bool		 nomem = e != NULL &&
				    e->code == XML_ERR_NO_MEMORY;

		xml_reason(e != NULL ? e->message : NULL, reason,
		    sizeof(reason));
		xmlFreeDoc(d);
		xmlFreeParserCtxt(ctxt);
		if (nomem)
			return vx_err_set(err, VX_E_NOMEM, "out of memory");
		return vx_err_set(err, VX_E_PARSE, "line %d: %s", line, reason);
	}
	xmlFreeParserCtxt(ctxt);
	if (d->intSubset != NULL || d->extSubset != NULL) {
		int line = (int)xmlGetLineNo((xmlNode *)d->intSubset);

		xmlFreeDoc(d);
		return vx_err_set(err, VX_E_PARSE, "line %d: a document type "
		    "declaration (not in a device reply)", line > 0 ? line : 1);
	}
	if (xmlDocGetRootElement(d) == NULL) {
		xmlFreeDoc(d);
		return vx_err_set(err, VX_E_PARSE, "line 1: no root element");
	}
	*doc = d;
	return 0;
}

/* Case-insensitive: does s[0..len) start with prefix? */
static bool
starts_with_ci(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);

	if (len < n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if (c != prefix[i])
			return false;
	}
	return true;
}

static const xmlNode *
find_element(const xmlNode *n, const char *name, int depth)
{
	for (; n != NULL && depth < 16; n = n->next) {
		const xmlNode *hit;

		if (n->type != XML_ELEMENT_NODE)
			continue;
		if (xmlStrcasecmp(n->name, (const xmlChar *)name) == 0)
			return n;
		hit = find_element(n->children, name, depth + 1);
		if (hit != NULL)
			return hit;
	}
	return NULL;
}

bool
vx_xml_is_html(const char *text, size_t len, char *title, size_t size)
{
	htmlDocPtr	 d;
	const xmlNode	*t;
	size_t		 i = 0;

	title[0] = '\0';
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < len && blank(text[i]))
		i++;
	if (!starts_with_ci(text + i, len - i, "<!doctype html") &&
	    !starts_with_ci(text + i, len - i, "<html"))
		return false;
	if (len > INT_MAX)
		return true;
	pthread_once(&xml_once, xml_init);
	d = htmlReadMemory(text, (int)len, NULL, NULL, HTML_PARSE_NONET |
	    HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_RECOVER);
	if (d == NULL)
		return true;
	t = find_element(xmlDocGetRootElement(d), "title", 0);
	if (t != NULL)
		vx_xml_text(t, title, size);
	xmlFreeDoc(d);
	return true;
}

bool
vx_xml_is(const xmlNode *n, const char *name)
{
	return n != NULL && n->type == XML_ELEMENT_NODE &&
	    xmlStrcmp(n->name, (const xmlChar *)name) == 0;
}

/* The first element from n on (n included) named name (any if NULL). */
static xmlNode *
element_from(xmlNode *n, const char *name)
{
	for (; n != NULL; n = n->next) {
		if (n->type == XML_ELEMENT_NODE &&
		    (name == NULL || vx_xml_is(n, name)))
			return n;
	}
	return NULL;
}

xmlNode *
vx_xml_next(const xmlNode *n, const char *name)
{
	return element_from(n->next, name);
}

xmlNode *
vx_xml_child(const xmlNode *parent, const char *name)
{
	return parent != NULL ? element_from(parent->children, name) : NULL;
}

size_t
vx_xml_text(const xmlNode *n, char *buf, size_t size)
{
	size_t len = 0, start = 0;

	for (const xmlNode *c = n->children; c != NULL; c = c->next) {
		const char	*t;
		size_t		 tl;

		if ((c->type != XML_TEXT_NODE &&
		    c->type != XML_CDATA_SECTION_NODE) || c->content == NULL)
			continue;
		t = (const char *)c->content;
		tl = strlen(t);
		if (tl > size - 1 - len)
			tl = size - 1 - len;
		memcpy(buf + len, t, tl);
		len += tl;
	}
	while (len > 0 && blank(buf[len - 1]))
		len--;
	while (start < len && blank(buf[start]))
		start++;
	memmove(buf, buf + start, len - start);
	len -= start;
	buf[len] = '\0';
	return len;
}

const char *
vx_xml_child_text(const xmlNode *parent, const char *name, char *buf,
    size_t size)
{
	const xmlNode *c = vx_xml_child(parent, name);

	if (c == NULL)
		return NULL;
	vx_xml_text(c, buf, size);
	return buf;
}

const char *
vx_xml_attr(const xmlNode *n, const char *name, char *buf, size_t size)
{
	xmlChar	*v = xmlGetNoNsProp(n, (const xmlChar *)name);
	size_t	 len;

	if (v == NULL)
		return NULL;
	len = strlen((const char *)v);
	if (len >= size)
		len = size - 1;
	memcpy(buf, v, len);
	buf[len] = '\0';
	xmlFree(v);
	return buf;
}

int
vx_xml_line(const xmlNode *n)
{
	long line = n != NULL ? xmlGetLineNo(n) : 0;

	return line > 0 && line < INT_MAX ? (int)line : 0;
}
