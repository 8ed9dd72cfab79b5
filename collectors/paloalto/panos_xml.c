/*
 * The PAN-OS XML API envelope:
 *
 *   <response status="success"><result>...</result></response>
 *   <response status="error" code="17"><msg><line><![CDATA[ show ->
 *       redistribution  is unexpected]]></line></msg></response>
 *
 * The error message is wherever the device put it (pan-python's list:
 * msg/line, msg/line/line, result/msg/line, result/msg, msg).  Codes 403
 * and 16 (unauthorized) are refused credentials; the others are the
 * device refusing the request.  A bare <result> is accepted, as users
 * paste it from captures.  An HTML page is a web server's error page (a
 * proxy, a management plane restarting), not a reply.
 */
#include "panos_int.h"

#include <stdio.h>
#include <string.h>

#include "numparse.h"

#include "banned.h"

#define MSG_MAX	240

/* Appends the text of n to msg, blank runs collapsed to one space. */
static void
msg_add(char *msg, size_t size, const xmlNode *n)
{
	char	text[MSG_MAX + 1];
	size_t	len = strlen(msg);

	vx_xml_text(n, text, sizeof(text));
	if (text[0] == '\0')
		return;
	if (len > 0 && len + 2 < size) {
		memcpy(msg + len, "; ", 3);
		len += 2;
	}
	for (const char *p = text; *p != '\0' && len + 1 < size; p++) {
		bool	blank = *p == ' ' || *p == '\t' || *p == '\r' ||
			    *p == '\n';

		if (blank && (len == 0 || msg[len - 1] == ' ' ||
		    p[1] == '\0'))
			continue;
		msg[len++] = blank ? ' ' : *p;
	}
	msg[len] = '\0';
}

/* msg/line..., msg/line/line..., or msg's own text. */
static void
msg_from(char *msg, size_t size, const xmlNode *m)
{
	const xmlNode *line = vx_xml_child(m, "line");

	if (line == NULL) {
		msg_add(msg, size, m);
		return;
	}
	for (; line != NULL; line = vx_xml_next(line, "line")) {
		const xmlNode *inner = vx_xml_child(line, "line");

		if (inner == NULL)
			msg_add(msg, size, line);
		for (; inner != NULL; inner = vx_xml_next(inner, "line"))
			msg_add(msg, size, inner);
	}
}

static int
error_reply(const xmlNode *root, struct vx_err *err)
{
	char		 code[32], msg[MSG_MAX + 1] = "";
	const xmlNode	*m = vx_xml_child(root, "msg");
	const xmlNode	*result = vx_xml_child(root, "result");

	if (m == NULL && result != NULL)
		m = vx_xml_child(result, "msg");
	if (m != NULL)
		msg_from(msg, sizeof(msg), m);
	if (vx_xml_attr(root, "code", code, sizeof(code)) == NULL)
		snprintf(code, sizeof(code), "(none)");
	if (strcmp(code, "403") == 0 || strcmp(code, "16") == 0)
		return vx_err_set(err, VX_E_AUTH, "the device refused the "
		    "credentials (error code %s: %s)", code,
		    msg[0] != '\0' ? msg : "no message");
	return vx_err_set(err, VX_E_PROTOCOL, "the device answered error "
	    "code %s: %s", code, msg[0] != '\0' ? msg : "no message");
}

static bool
all_blank(const char *text, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r' &&
		    text[i] != '\n')
			return false;
	}
	return true;
}

int
panos_open(const char *text, size_t len, xmlDoc **doc, xmlNode **result,
    struct vx_err *err)
{
	char	 title[80], status[32];
	xmlNode	*root;
	int	 rc;

	*doc = NULL;
	*result = NULL;
	if (all_blank(text, len))
		return vx_err_set(err, VX_E_PARSE, "empty output");
	if (vx_xml_is_html(text, len, title, sizeof(title)))
		return vx_err_set(err, VX_E_PROTOCOL, "the device answered "
		    "with an HTML page ('%s'), not an API reply", title);
	if ((rc = vx_xml_parse(text, len, doc, err)) != 0)
		return rc;
	root = xmlDocGetRootElement(*doc);
	if (vx_xml_is(root, "result")) {
		*result = root;
		return 0;
	}
	if (!vx_xml_is(root, "response")) {
		rc = vx_err_set(err, VX_E_PARSE, "line %d: root element "
		    "<%.40s> is not <response>", vx_xml_line(root),
		    (const char *)root->name);
		goto fail;
	}
	if (vx_xml_attr(root, "status", status, sizeof(status)) == NULL)
		status[0] = '\0';
	if (strcmp(status, "error") == 0) {
		rc = error_reply(root, err);
		goto fail;
	}
	if (strcmp(status, "success") != 0) {
		rc = vx_err_set(err, VX_E_PROTOCOL, "line %d: reply status "
		    "'%s' (neither success nor error)", vx_xml_line(root),
		    status);
		goto fail;
	}
	*result = vx_xml_child(root, "result");
	return 0;
fail:
	xmlFreeDoc(*doc);
	*doc = NULL;
	return rc;
}

int
panos_parse_keygen(const char *text, size_t len, char *key, size_t size,
    struct vx_err *err)
{
	xmlDoc	*doc;
	xmlNode	*result;
	int	 rc;

	key[0] = '\0';
	if ((rc = panos_open(text, len, &doc, &result, err)) != 0)
		return rc;
	if (vx_xml_child_text(result, "key", key, size) == NULL ||
	    key[0] == '\0')
		rc = vx_err_set(err, VX_E_PROTOCOL, "the keygen reply has no "
		    "<key>");
	else if (strlen(key) + 1 >= size)
		rc = vx_err_set(err, VX_E_PROTOCOL, "the key in the keygen "
		    "reply is longer than %zu bytes", size - 2);
	else if (strpbrk(key, "\r\n") != NULL)
		rc = vx_err_set(err, VX_E_PROTOCOL, "the key in the keygen "
		    "reply has a line break");
	if (rc != 0)
		memset(key, 0, size);
	xmlFreeDoc(doc);
	return rc;
}

int
panos_open_result(const char *text, size_t len, xmlDoc **doc,
    xmlNode **result, struct vx_err *err)
{
	int rc = panos_open(text, len, doc, result, err);

	if (rc == 0 && *result == NULL) {
		rc = vx_err_set(err, VX_E_PARSE, "line %d: a reply without "
		    "<result>", vx_xml_line(xmlDocGetRootElement(*doc)));
		xmlFreeDoc(*doc);
		*doc = NULL;
	}
	return rc;
}

int
panos_u64(const xmlNode *c, const char *owner, uint64_t *v,
    struct vx_err *err)
{
	char buf[32];

	vx_xml_text(c, buf, sizeof(buf));
	if (!vx_parse_u64(buf, strlen(buf), v))
		return vx_err_set(err, VX_E_PARSE, "line %d: '%s': <%s> '%s' "
		    "is not a number", vx_xml_line(c), owner,
		    (const char *)c->name, buf);
	return 0;
}

int
panos_spi(const xmlNode *e, const char *name, enum panos_spi_fmt fmt,
    const char *owner, uint32_t *spi, bool *has, struct vx_err *err)
{
	char		 buf[32];
	const xmlNode	*c = vx_xml_child(e, name);
	bool		 ok;

	*has = false;
	if (c == NULL)
		return 0;
	vx_xml_text(c, buf, sizeof(buf));
	ok = fmt == PANOS_SPI_HEX ? vx_parse_spi_hex(buf, strlen(buf), spi) :
	    vx_parse_spi_dec(buf, strlen(buf), spi);
	if (!ok)
		return vx_err_set(err, VX_E_PARSE, "line %d: '%s': <%s> '%s' "
		    "is not a %s SPI", vx_xml_line(c), owner, name, buf,
		    fmt == PANOS_SPI_HEX ? "hex" : "decimal");
	*has = true;
	return 0;
}

int
panos_tunnel_attrs(struct vx_snapshot *snap, struct vx_tunnel *t,
    const char *const value[VX_TA__COUNT], struct vx_err *err)
{
	for (int a = 0; a < VX_TA__COUNT; a++) {
		if (value[a] == NULL || value[a][0] == '\0')
			continue;
		vx_tunnel_set_attr(snap, t, (enum vx_tun_attr)a, value[a]);
		if (t->attr[a] == NULL)
			return vx_err_set(err, VX_E_NOMEM, "out of memory");
	}
	return 0;
}
