/* YAML -> struct vx_cfg_node tree, keeping positions (libyaml document API). */
#include "cfg.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "grow.h"

#define CFG_MAX_DEPTH	64
#define CFG_MAX_BYTES	(16 * 1024 * 1024)
/*
 * Aliases expand in place, so a small file can name billions of nodes
 * ("billion laughs").  No real configuration comes near this.
 */
#define CFG_MAX_NODES	1000000

void
vx_cfg_error(struct vx_cfg_errors *errs, const struct vx_cfg_node *at,
    const char *fmt, ...)
{
	char	msg[512], full[700];
	va_list	ap;
	char	*copy;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (at != NULL)
		snprintf(full, sizeof(full), "%s:%u:%u: %s", at->file,
		    at->line, at->col, msg);
	else
		snprintf(full, sizeof(full), "%s", msg);
	/*
	 * The same message at the same place once: a module or auth that
	 * many devices use would otherwise repeat its mistakes for each.
	 */
	for (size_t i = 0; i < errs->n; i++) {
		if (strcmp(errs->msgs[i], full) == 0)
			return;
	}
	if (errs->n == errs->cap) {
		char **p = vx_grow(errs->msgs, &errs->cap, sizeof(*p), 8);

		if (p == NULL)
			return;
		errs->msgs = p;
	}
	copy = strdup(full);
	if (copy != NULL)
		errs->msgs[errs->n++] = copy;
}

void
vx_cfg_errors_release(struct vx_cfg_errors *errs)
{
	for (size_t i = 0; i < errs->n; i++)
		free(errs->msgs[i]);
	free(errs->msgs);
	errs->msgs = NULL;
	errs->n = errs->cap = 0;
}

const char *
vx_cfg_kind_name(enum vx_cfg_kind kind)
{
	switch (kind) {
	case VX_CFG_SCALAR:
		return "a single value";
	case VX_CFG_SEQ:
		return "a list";
	case VX_CFG_MAP:
		return "a mapping";
	}
	return "?";
}

const struct vx_cfg_node *
vx_cfg_map_get(const struct vx_cfg_node *map, const char *key)
{
	if (map == NULL || map->kind != VX_CFG_MAP)
		return NULL;
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		const struct vx_cfg_node *k = map->items[i];

		if (k->kind == VX_CFG_SCALAR && strcmp(k->value, key) == 0)
			return map->items[i + 1];
	}
	return NULL;
}

struct build {
	struct vx_cfg_doc	*doc;
	yaml_document_t		*ydoc;
	struct vx_cfg_errors	*errs;
	size_t			 nodes;
	bool			 failed;	/* stop building */
	bool			 invalid;	/* reported; keep building */
};

static struct vx_cfg_node *
build_node(struct build *b, yaml_node_t *yn, int depth)
{
	struct vx_cfg_node *n;

	if (yn == NULL)
		return NULL;
	n = vx_arena_alloc(&b->doc->arena, sizeof(*n));
	if (n == NULL) {
		b->failed = true;
		return NULL;
	}
	n->file = b->doc->file;
	n->line = (unsigned)yn->start_mark.line + 1;
	n->col = (unsigned)yn->start_mark.column + 1;
	if (++b->nodes > CFG_MAX_NODES) {
		vx_cfg_error(b->errs, n, "more than %d values once aliases "
		    "are expanded", CFG_MAX_NODES);
		b->failed = true;
		return NULL;
	}
	if (depth > CFG_MAX_DEPTH) {
		vx_cfg_error(b->errs, n, "nesting deeper than %d levels",
		    CFG_MAX_DEPTH);
		b->failed = true;
		return NULL;
	}
	switch (yn->type) {
	case YAML_SCALAR_NODE:
		n->kind = VX_CFG_SCALAR;
		n->len = yn->data.scalar.length;
		n->value = vx_arena_strndup(&b->doc->arena,
		    (const char *)yn->data.scalar.value, n->len);
		n->plain = yn->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		if (n->value == NULL)
			b->failed = true;
		if (n->value != NULL && strlen(n->value) != n->len) {
			vx_cfg_error(b->errs, n, "value contains a NUL byte");
			b->failed = true;
		}
		break;
	case YAML_SEQUENCE_NODE: {
		yaml_node_item_t *it = yn->data.sequence.items.start;
		size_t count = (size_t)(yn->data.sequence.items.top - it);

		n->kind = VX_CFG_SEQ;
		n->items = vx_arena_alloc(&b->doc->arena,
		    (count + 1) * sizeof(*n->items));
		if (n->items == NULL) {
			b->failed = true;
			break;
		}
		for (size_t i = 0; i < count && !b->failed; i++)
			n->items[n->n++] = build_node(b,
			    yaml_document_get_node(b->ydoc, it[i]), depth + 1);
		break;
	}
	case YAML_MAPPING_NODE: {
		yaml_node_pair_t *p = yn->data.mapping.pairs.start;
		size_t count = (size_t)(yn->data.mapping.pairs.top - p);

		n->kind = VX_CFG_MAP;
		n->items = vx_arena_alloc(&b->doc->arena,
		    (2 * count + 1) * sizeof(*n->items));
		if (n->items == NULL) {
			b->failed = true;
			break;
		}
		for (size_t i = 0; i < count && !b->failed; i++) {
			struct vx_cfg_node *k = build_node(b,
			    yaml_document_get_node(b->ydoc, p[i].key),
			    depth + 1);
			struct vx_cfg_node *v = build_node(b,
			    yaml_document_get_node(b->ydoc, p[i].value),
			    depth + 1);

			if (k == NULL || v == NULL)
				break;
			if (k->kind != VX_CFG_SCALAR) {
				vx_cfg_error(b->errs, k,
				    "mapping keys must be plain strings");
				b->failed = true;
				break;
			}
			for (size_t j = 0; j < n->n; j += 2) {
				if (strcmp(n->items[j]->value, k->value) == 0) {
					vx_cfg_error(b->errs, k,
					    "duplicate key '%s' (first at "
					    "line %u)", k->value,
					    n->items[j]->line);
					b->invalid = true;
				}
			}
			n->items[n->n++] = k;
			n->items[n->n++] = v;
		}
		break;
	}
	case YAML_NO_NODE:
	default:
		b->failed = true;
		break;
	}
	return b->failed ? NULL : n;
}

static void
syntax_error(struct vx_cfg_errors *errs, const char *name,
    const yaml_parser_t *parser)
{
	vx_cfg_error(errs, NULL, "%s:%zu:%zu: YAML syntax error: %s%s%s",
	    name, parser->problem_mark.line + 1,
	    parser->problem_mark.column + 1,
	    parser->problem != NULL ? parser->problem : "unknown",
	    parser->context != NULL ? " " : "",
	    parser->context != NULL ? parser->context : "");
}

/*
 * Checks the nesting depth with libyaml's event parser, as the text is
 * read: the document loader would first build every level of a file of
 * nothing but '[' (200 KB of them took 23 s), while this stops at level
 * CFG_MAX_DEPTH + 1.  Syntax errors are left to the loader.
 */
static bool
depth_ok(const char *name, const char *buf, size_t len,
    struct vx_cfg_errors *errs)
{
	yaml_parser_t	parser;
	yaml_event_t	ev;
	int		depth = 0;
	bool		ok = true, done = false;

	if (!yaml_parser_initialize(&parser))
		return true;	/* the loader will say */
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	while (!done && yaml_parser_parse(&parser, &ev)) {
		switch (ev.type) {
		case YAML_SCALAR_EVENT:
		case YAML_ALIAS_EVENT:
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (depth > CFG_MAX_DEPTH) {
				vx_cfg_error(errs, NULL, "%s:%zu:%zu: nesting "
				    "deeper than %d levels", name,
				    ev.start_mark.line + 1,
				    ev.start_mark.column + 1, CFG_MAX_DEPTH);
				ok = false;
				done = true;
			}
			if (ev.type == YAML_SEQUENCE_START_EVENT ||
			    ev.type == YAML_MAPPING_START_EVENT)
				depth++;
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		case YAML_STREAM_END_EVENT:
			done = true;
			break;
		case YAML_NO_EVENT:
		case YAML_STREAM_START_EVENT:
		case YAML_DOCUMENT_START_EVENT:
		case YAML_DOCUMENT_END_EVENT:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return ok;
}

struct vx_cfg_doc *
vx_cfg_doc_load_buffer(const char *name, const char *buf, size_t len,
    struct vx_cfg_errors *errs)
{
	struct vx_cfg_doc	*doc;
	yaml_parser_t		 parser;
	yaml_document_t		 ydoc;
	struct build		 b;
	const char		*slash;

	doc = calloc(1, sizeof(*doc));
	if (doc == NULL) {
		vx_cfg_error(errs, NULL, "%s: out of memory", name);
		return NULL;
	}
	vx_arena_init(&doc->arena);
	doc->file = vx_arena_strdup(&doc->arena, name);
	slash = strrchr(name, '/');
	doc->dir = slash == NULL ? vx_arena_strdup(&doc->arena, ".") :
	    vx_arena_strndup(&doc->arena, name, (size_t)(slash - name));
	if (doc->file == NULL || doc->dir == NULL) {
		vx_cfg_error(errs, NULL, "%s: out of memory", name);
		vx_cfg_doc_free(doc);
		return NULL;
	}
	if (!depth_ok(name, buf, len, errs)) {
		vx_cfg_doc_free(doc);
		return NULL;
	}
	if (!yaml_parser_initialize(&parser)) {
		vx_cfg_error(errs, NULL, "%s: cannot initialise YAML parser",
		    name);
		vx_cfg_doc_free(doc);
		return NULL;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &ydoc)) {
		syntax_error(errs, name, &parser);
		yaml_parser_delete(&parser);
		vx_cfg_doc_free(doc);
		return NULL;
	}
	b.doc = doc;
	b.ydoc = &ydoc;
	b.errs = errs;
	b.nodes = 0;
	b.failed = b.invalid = false;
	doc->root = build_node(&b, yaml_document_get_root_node(&ydoc), 0);
	yaml_document_delete(&ydoc);
	/* A second document would be half a configuration, silently lost. */
	if (!b.failed && !b.invalid) {
		if (!yaml_parser_load(&parser, &ydoc)) {
			vx_cfg_error(errs, NULL, "%s:%zu:%zu: YAML syntax "
			    "error: %s", name, parser.problem_mark.line + 1,
			    parser.problem_mark.column + 1,
			    parser.problem != NULL ? parser.problem :
			    "unknown");
			b.failed = true;
		} else {
			yaml_node_t *r = yaml_document_get_root_node(&ydoc);

			if (r != NULL) {
				vx_cfg_error(errs, NULL, "%s:%zu:%zu: a second "
				    "YAML document; put everything in one",
				    name, ydoc.start_mark.line + 1,
				    ydoc.start_mark.column + 1);
				b.failed = true;
			}
			yaml_document_delete(&ydoc);
		}
	}
	yaml_parser_delete(&parser);
	if (b.failed || b.invalid) {
		if (errs->n == 0)
			vx_cfg_error(errs, NULL, "%s: out of memory", name);
		vx_cfg_doc_free(doc);
		return NULL;
	}
	return doc;
}

struct vx_cfg_doc *
vx_cfg_doc_load_file(const char *path, struct vx_cfg_errors *errs)
{
	char			 why[160];
	char			*buf;
	size_t			 len = 0;
	struct vx_cfg_doc	*doc;

	buf = vx_cfg_file_read(path, CFG_MAX_BYTES, &len, why, sizeof(why));
	if (buf == NULL) {
		vx_cfg_error(errs, NULL, "%s: cannot open: %s", path, why);
		return NULL;
	}
	doc = vx_cfg_doc_load_buffer(path, buf, len, errs);
	free(buf);
	return doc;
}

bool
vx_cfg_path(const struct vx_cfg_doc *doc, const char *path, char *buf,
    size_t size)
{
	int n;

	if (path[0] == '/' || doc == NULL || doc->dir == NULL)
		n = snprintf(buf, size, "%s", path);
	else
		n = snprintf(buf, size, "%s/%s", doc->dir, path);
	return n >= 0 && (size_t)n < size;
}

void
vx_cfg_doc_free(struct vx_cfg_doc *doc)
{
	if (doc == NULL)
		return;
	vx_arena_release(&doc->arena);
	free(doc);
}
