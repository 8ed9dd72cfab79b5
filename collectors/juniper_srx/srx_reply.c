/*
 * A Junos reply split into one part per cluster node:
 *
 *   <rpc-reply xmlns:junos="...">
 *     <multi-routing-engine-results>
 *       <multi-routing-engine-item>
 *         <re-name>node0</re-name>
 *         <ipsec-security-associations-information>...</...>
 *       </multi-routing-engine-item>
 *       ...
 *   </rpc-reply>
 *
 * or the payload alone (a standalone device), an <output> holding text
 * (a text RPC), an <rpc-error> or <xnm:error> (an error, per node or for
 * the whole reply), or the CLI's text with its "node0:" sections.  See
 * srx_int.h.
 */
#include "srx_int.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "numparse.h"
#include "strbuf.h"

#include "banned.h"

#define MSG_MAX	200

/* Whether the device's message says the feature is not configured. */
static bool
not_configured(const char *msg)
{
	size_t n = strlen(msg);

	for (size_t i = 0; i + 14 <= n; i++) {
		if (strncmp(msg + i, "not configured", 14) == 0)
			return true;
	}
	return false;
}

/* The message of an <rpc-error> or <xnm:error>, blanks collapsed. */
static void
error_message(const xmlNode *e, char *msg, size_t size)
{
	char		 raw[MSG_MAX];
	const char	*t = vx_xml_child_text(e, "error-message", raw,
			    sizeof(raw));
	size_t		 n = 0;

	if (t == NULL)
		t = vx_xml_child_text(e, "message", raw, sizeof(raw));
	if (t == NULL)
		t = "no message";
	for (const char *p = t; *p != '\0' && n + 1 < size; p++) {
		bool blank = *p == ' ' || *p == '\t' || *p == '\r' || *p == '\n';

		if (blank && (n == 0 || msg[n - 1] == ' '))
			continue;
		msg[n++] = blank ? ' ' : ((unsigned char)*p < 0x20 ? '?' : *p);
	}
	while (n > 0 && msg[n - 1] == ' ')
		n--;
	msg[n] = '\0';
}

/*
 * An error element (rpc-error, xnm:error): 1 when the feature is not
 * configured, 0 when it is only a warning, else -VX_E_PROTOCOL.
 */
static int
error_elem(const xmlNode *e, const char *node, struct vx_err *err)
{
	char sev[32], msg[MSG_MAX];

	if (vx_xml_child_text(e, "error-severity", sev, sizeof(sev)) != NULL &&
	    strcmp(sev, "warning") == 0)
		return 0;
	error_message(e, msg, sizeof(msg));
	if (not_configured(msg))
		return 1;
	return vx_err_set(err, VX_E_PROTOCOL, "line %d: the device%s%s "
	    "answered with an error: %s", vx_xml_line(e), node != NULL ?
	    " node " : "", node != NULL ? node : "", msg);
}

static bool
is_error(const xmlNode *n)
{
	return vx_xml_is(n, "rpc-error") || vx_xml_is(n, "error");
}

struct walk {
	const char	*payload;
	srx_part_fn	 fn;
	void		*arg;
	struct vx_snapshot *snap;
	bool		 found;
};

/* The part for an <output> element: its text, its children joined. */
static int
output_part(struct walk *w, const xmlNode *out, const char *node,
    struct vx_err *err)
{
	struct srx_part		part = { .node = node };
	struct vx_strbuf	text;
	int			rc;

	vx_strbuf_init(&text, 0);
	for (const xmlNode *t = out->children; t != NULL; t = t->next) {
		if ((t->type == XML_TEXT_NODE ||
		    t->type == XML_CDATA_SECTION_NODE) && t->content != NULL)
			vx_strbuf_addstr(&text, (const char *)t->content);
	}
	if (text.failed) {
		vx_strbuf_release(&text);
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	}
	part.text = text.buf != NULL ? text.buf : "";
	part.len = text.len;
	part.line0 = vx_xml_line(out) > 0 ? vx_xml_line(out) - 1 : 0;
	w->found = true;
	rc = w->fn(w->arg, &part, w->snap, err);
	vx_strbuf_release(&text);
	return rc;
}

/*
 * The children of one container (the rpc-reply, or one node's item):
 * errors, the payload, or <output>.  Other elements (<cli>, <re-name>)
 * are not data.
 */
static int
walk_children(struct walk *w, const xmlNode *parent, const char *node,
    struct vx_err *err)
{
	struct srx_part	 part = { .node = node };
	const xmlNode	*out = NULL;
	bool		 none = false;
	int		 rc;

	for (xmlNode *c = vx_xml_child(parent, NULL); c != NULL;
	    c = vx_xml_next(c, NULL)) {
		if (is_error(c)) {
			if ((rc = error_elem(c, node, err)) < 0)
				return rc;
			none = none || rc == 1;
		} else if (vx_xml_is(c, w->payload)) {
			part.xml = c;
		} else if (vx_xml_is(c, "output")) {
			out = c;
		}
	}
	if (part.xml == NULL && out != NULL)
		return output_part(w, out, node, err);
	if (part.xml == NULL) {
		if (!none)
			return 0;
		part.not_configured = true;
	}
	w->found = true;
	return w->fn(w->arg, &part, w->snap, err);
}

static int
walk_xml(struct walk *w, const xmlNode *root, struct vx_err *err)
{
	const xmlNode	*mre = NULL;
	int		 rc;

	if (vx_xml_is(root, w->payload) || vx_xml_is(root, "output") ||
	    is_error(root)) {
		/* A bare element: as if it were the reply's only child. */
		struct srx_part part = { 0 };

		if (is_error(root)) {
			if ((rc = error_elem(root, NULL, err)) < 0)
				return rc;
			part.not_configured = rc == 1;
			w->found = true;
			return rc == 1 ? w->fn(w->arg, &part, w->snap, err) : 0;
		}
		if (vx_xml_is(root, "output"))
			return output_part(w, root, NULL, err);
		part.xml = root;
		w->found = true;
		return w->fn(w->arg, &part, w->snap, err);
	}
	if (vx_xml_is(root, "multi-routing-engine-results"))
		mre = root;
	else if (vx_xml_is(root, "rpc-reply"))
		mre = vx_xml_child(root, "multi-routing-engine-results");
	else
		return vx_err_set(err, VX_E_PARSE, "line %d: root element "
		    "<%.40s> is neither <rpc-reply> nor <%s>", vx_xml_line(root),
		    (const char *)root->name, w->payload);
	if (mre == NULL)
		return walk_children(w, root, NULL, err);
	/* Errors for the whole reply come before the nodes' results. */
	if (mre != root) {
		for (xmlNode *c = vx_xml_child(root, NULL); c != NULL;
		    c = vx_xml_next(c, NULL)) {
			if (is_error(c) && (rc = error_elem(c, NULL, err)) < 0)
				return rc;
		}
	}
	for (xmlNode *item = vx_xml_child(mre, "multi-routing-engine-item");
	    item != NULL; item = vx_xml_next(item,
	    "multi-routing-engine-item")) {
		char node[64];

		if (vx_xml_child_text(item, "re-name", node,
		    sizeof(node)) == NULL || node[0] == '\0')
			return vx_err_set(err, VX_E_PARSE, "line %d: a "
			    "<multi-routing-engine-item> without <re-name>",
			    vx_xml_line(item));
		if ((rc = walk_children(w, item, node, err)) != 0)
			return rc;
	}
	return 0;
}

/* "node0:" (a cluster section's title in CLI text). */
static bool
node_title(const struct vx_line *l, char *node, size_t size)
{
	if (l->len < 6 || l->len > 32 || l->s[l->len - 1] != ':' ||
	    !vx_txt_prefix(l->s, l->len, "node"))
		return false;
	for (size_t i = 4; i + 1 < l->len; i++) {
		if (l->s[i] < '0' || l->s[i] > '9')
			return false;
	}
	vx_txt_cstr(node, size, l->s, l->len - 1);
	return true;
}

static bool
dashes(const struct vx_line *l)
{
	if (l->len < 10)
		return false;
	for (size_t i = 0; i < l->len; i++) {
		if (l->s[i] != '-')
			return false;
	}
	return true;
}

#define SECTIONS_MAX	16

/* A "nodeN:" section of CLI text. */
struct section {
	char		 node[32];
	const char	*title;		/* where its title line starts */
	const char	*body;		/* after its line of dashes */
	int		 no;		/* lines before the body */
};

/*
 * CLI text: errors and pager prompts anywhere, then the parts: the whole
 * text, or each "nodeN:" section (a title line, then a line of dashes).
 */
static int
walk_text(struct walk *w, const char *text, size_t len, struct vx_err *err)
{
	struct section	 sec[SECTIONS_MAX];
	const char	*p = text, *end = text + len, *prev_start = NULL;
	const char	*start;
	size_t		 n = 0;
	int		 no = 0, rc;
	struct vx_line	 l, prev = { NULL, 0, 0 };

	for (start = p; vx_txt_next_line(&p, end, &no, &l); start = p) {
		char msg[MSG_MAX];

		if (vx_txt_prefix(l.s, l.len, "error:")) {
			vx_txt_cstr(msg, sizeof(msg), l.s, l.len);
			if (!not_configured(msg))
				return vx_txt_err(err, VX_E_PROTOCOL, &l,
				    "device error");
		}
		if (vx_txt_find(l.s, l.len, "---(more") != NULL)
			return vx_err_set(err, VX_E_PROTOCOL, "line %d: pager "
			    "prompt in output: set cli screen-length 0 did not "
			    "take effect", l.no);
		if (prev.s != NULL && dashes(&l) && n < SECTIONS_MAX &&
		    node_title(&prev, sec[n].node, sizeof(sec[n].node))) {
			sec[n].title = prev_start;
			sec[n].body = p;
			sec[n].no = no;
			n++;
		}
		prev = l;
		prev_start = start;
	}
	if (n == 0) {
		struct srx_part part = { .text = text, .len = len };

		w->found = true;
		return w->fn(w->arg, &part, w->snap, err);
	}
	for (size_t i = 0; i < n; i++) {
		const char	*stop = i + 1 < n ? sec[i + 1].title : end;
		struct srx_part	 part = { .node = sec[i].node,
				    .text = sec[i].body,
				    .len = (size_t)(stop - sec[i].body),
				    .line0 = sec[i].no };

		w->found = true;
		if ((rc = w->fn(w->arg, &part, w->snap, err)) != 0)
			return rc;
	}
	return 0;
}

int
srx_each_part(const char *text, size_t len, const char *payload,
    srx_part_fn fn, void *arg, struct vx_snapshot *snap, struct vx_err *err)
{
	struct walk	 w = { payload, fn, arg, snap, false };
	size_t		 i = 0;
	xmlDoc		*doc;
	int		 rc;

	if (text == NULL)
		len = 0;
	while (i < len && (text[i] == ' ' || text[i] == '\t' ||
	    text[i] == '\r' || text[i] == '\n'))
		i++;
	if (i == len)
		return vx_err_set(err, VX_E_PARSE, "empty output");
	if (text[i] != '<')
		return walk_text(&w, text, len, err);
	if ((rc = vx_xml_parse(text, len, &doc, err)) != 0)
		return rc;
	rc = walk_xml(&w, xmlDocGetRootElement(doc), err);
	if (rc == 0 && !w.found)
		rc = vx_err_set(err, VX_E_PARSE, "line %d: no <%s> in the "
		    "reply", vx_xml_line(xmlDocGetRootElement(doc)), payload);
	xmlFreeDoc(doc);
	return rc;
}

static int
form_part(void *arg, const struct srx_part *p, struct vx_snapshot *snap,
    struct vx_err *err)
{
	const struct srx_forms *f = arg;

	if (p->not_configured)
		return 0;
	return p->xml != NULL ? f->xml(snap, p, err) : f->text(snap, p, err);
}

int
srx_parse_forms(const char *text, size_t len, const struct srx_forms *forms,
    struct vx_snapshot *snap, struct vx_err *err)
{
	return srx_each_part(text, len, forms->payload, form_part,
	    (void *)(uintptr_t)forms, snap, err);
}

/* Lines of a part. */

void
srx_lines_begin(struct srx_lines *it, const struct srx_part *p)
{
	it->p = p->text != NULL ? p->text : "";
	it->end = it->p + (p->text != NULL ? p->len : 0);
	it->no = p->line0;
}

/* "monitor@srx-1> show ...", "root@fw% ": a Junos prompt line. */
static bool
is_prompt(const struct vx_line *l)
{
	size_t i = 0;
	bool   at = false;

	while (i < l->len && !vx_txt_blank(l->s[i])) {
		if (l->s[i] == '@')
			at = true;
		i++;
	}
	return at && i > 2 && strchr(">#%", l->s[i - 1]) != NULL;
}

bool
srx_lines_next(struct srx_lines *it, struct vx_line *l)
{
	while (vx_txt_next_line(&it->p, it->end, &it->no, l)) {
		if (l->len == 0 || is_prompt(l) ||
		    (l->s[0] == '{' && l->s[l->len - 1] == '}') ||
		    vx_txt_prefix(l->s, l->len, "show ") ||
		    vx_txt_prefix(l->s, l->len, "error:"))
			continue;
		return true;
	}
	return false;
}

const char *
srx_field(const struct vx_line *l, const char *key, char *buf, size_t size)
{
	size_t		 kl = strlen(key);
	const char	*s = l->s, *end = l->s + l->len, *v, *stop;
	size_t		 n;

	for (const char *at = s; at + kl + 1 <= end; at++) {
		if (memcmp(at, key, kl) != 0 || at[kl] != ':' ||
		    (at > s && !vx_txt_blank(at[-1]) && at[-1] != ','))
			continue;
		v = at + kl + 1;
		stop = memchr(v, ',', (size_t)(end - v));
		if (stop == NULL)
			stop = end;
		n = (size_t)(stop - v);
		v = vx_txt_trim(v, &n);
		vx_txt_cstr(buf, size, v, n);
		return buf;
	}
	return NULL;
}

bool
srx_first_number(const char *s, int64_t *out)
{
	const char *p = s;

	while (*p != '\0' && (*p < '0' || *p > '9'))
		p++;
	if (*p == '\0')
		return false;
	s = p;
	while (*p >= '0' && *p <= '9')
		p++;
	return vx_parse_i64(s, (size_t)(p - s), out);
}

bool
srx_unlimited(const char *s)
{
	while (*s == ' ')
		s++;
	return vx_txt_prefix(s, strlen(s), "unlim");
}

bool
srx_spi(const char *s, uint32_t *spi, bool *has)
{
	if (!vx_parse_spi_hex(s, strlen(s), spi))
		return false;
	*has = *spi != 0;
	return true;
}

const char *
srx_ike_version(const char *s)
{
	size_t n = strlen(s);

	if (vx_txt_eq(s, n, "IKEv2"))
		return "2";
	if (vx_txt_eq(s, n, "IKEv1") || vx_txt_eq(s, n, "Main") ||
	    vx_txt_eq(s, n, "Aggressive"))
		return "1";
	return "";
}
