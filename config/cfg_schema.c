/* The table-driven walker: one mapping -> one struct. */
#include "cfg.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numparse.h"
#include "render.h"

#define SECRET_MAX	4096

static void *
field(void *obj, const struct vx_cfg_key *k)
{
	return (char *)obj + k->offset;
}

void
vx_secret_clear(struct vx_secret *s)
{
	if (s->value != NULL) {
		explicit_bzero(s->value, strlen(s->value));
		free(s->value);
	}
	s->value = NULL;
}

void
vx_strlist_clear(struct vx_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

void
vx_strlist_clear_secrets(struct vx_strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		explicit_bzero(l->v[i], strlen(l->v[i]));
	vx_strlist_clear(l);
}

bool
vx_strlist_copy(struct vx_strlist *dst, const struct vx_strlist *src)
{
	dst->n = 0;
	dst->v = NULL;
	if (src->n == 0)
		return true;
	dst->v = calloc(src->n, sizeof(*dst->v));
	if (dst->v == NULL)
		return false;
	for (size_t i = 0; i < src->n; i++) {
		dst->v[i] = strdup(src->v[i]);
		if (dst->v[i] == NULL) {
			dst->n = i;
			vx_strlist_clear(dst);
			return false;
		}
	}
	dst->n = src->n;
	return true;
}

bool
vx_secret_copy(struct vx_secret *dst, const struct vx_secret *src)
{
	dst->value = src->value == NULL ? NULL : strdup(src->value);
	return src->value == NULL || dst->value != NULL;
}

void
vx_cfg_free_fields(const struct vx_cfg_key *keys, void *obj)
{
	for (const struct vx_cfg_key *k = keys; k->name != NULL; k++) {
		switch (k->type) {
		case VX_CFG_T_STRING: {
			char **p = field(obj, k);

			free(*p);
			*p = NULL;
			break;
		}
		case VX_CFG_T_SECRET:
			vx_secret_clear(field(obj, k));
			break;
		case VX_CFG_T_STRLIST:
		case VX_CFG_T_LABELS:
			vx_strlist_clear(field(obj, k));
			break;
		case VX_CFG_T_DURATION:
		case VX_CFG_T_INT:
		case VX_CFG_T_NUMBER:
		case VX_CFG_T_SIZE:
		case VX_CFG_T_BOOL:
		case VX_CFG_T_ENUM:
		case VX_CFG_T_NODE:
			break;
		}
	}
}

/* Levenshtein distance, capped, for "did you mean" hints. */
size_t
vx_cfg_edit_distance(const char *a, const char *b)
{
	size_t	la = strlen(a), lb = strlen(b);
	size_t	row[64];

	if (la >= 63 || lb >= 63)
		return 99;
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t prev = row[0];

		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cur = row[j];
			size_t best = prev + (a[i - 1] != b[j - 1]);

			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	return row[lb];
}

static const char *
suggest(const struct vx_cfg_key *keys, const char *name)
{
	const char	*best = NULL;
	size_t		 bestd = 3;

	for (const struct vx_cfg_key *k = keys; k->name != NULL; k++) {
		size_t d = vx_cfg_edit_distance(name, k->name);

		if (d < bestd) {
			bestd = d;
			best = k->name;
		}
	}
	return best;
}

static bool
want_scalar(struct vx_cfg_errors *errs, const struct vx_cfg_node *v,
    const char *key, const char *where, const char *what)
{
	if (v->kind == VX_CFG_SCALAR)
		return true;
	vx_cfg_error(errs, v, "'%s' in %s must be %s, not %s", key, where,
	    what, vx_cfg_kind_name(v->kind));
	return false;
}

static char *
read_secret_file(const struct vx_cfg_doc *doc, const char *path,
    struct vx_cfg_errors *errs, const struct vx_cfg_node *at,
    const char *key)
{
	char	 full[4096], why[160];
	char	*buf;
	size_t	 len;

	vx_cfg_path(doc, path, full, sizeof(full));
	buf = vx_cfg_file_read(full, VX_CFG_FILE_MAX, &len, why, sizeof(why));
	if (buf == NULL) {
		vx_cfg_error(errs, at, "cannot read %s '%s': %s", key, full,
		    why);
		return NULL;
	}
	if (len > SECRET_MAX) {
		vx_cfg_error(errs, at, "%s '%s' is larger than %d bytes", key,
		    full, SECRET_MAX);
		explicit_bzero(buf, len);
		free(buf);
		return NULL;
	}
	/* One trailing newline is the file's, not the secret's. */
	if (len > 0 && buf[len - 1] == '\n')
		buf[--len] = '\0';
	if (len > 0 && buf[len - 1] == '\r')
		buf[--len] = '\0';
	if (strlen(buf) != len || len == 0) {
		vx_cfg_error(errs, at, "%s '%s' is empty or contains a NUL "
		    "byte", key, full);
		explicit_bzero(buf, len);
		free(buf);
		return NULL;
	}
	return buf;
}

/*
 * Which form of a secret key this is: 0 inline, 1 _file, 2 _env; -1 if
 * the key does not belong to this secret.
 */
static int
secret_form(const char *key, const char *base)
{
	size_t bl = strlen(base);

	if (strncmp(key, base, bl) != 0)
		return -1;
	if (key[bl] == '\0')
		return 0;
	if (strcmp(key + bl, "_file") == 0)
		return 1;
	if (strcmp(key + bl, "_env") == 0)
		return 2;
	return -1;
}

/* Appends a copy of value to the sink (out of memory: it is left out). */
static void
sink_secret(struct vx_strlist *sink, const char *value)
{
	char **v = realloc(sink->v, (sink->n + 1) * sizeof(*v));

	if (v == NULL)
		return;
	sink->v = v;
	if ((v[sink->n] = strdup(value)) != NULL)
		sink->n++;
}

static void
apply_secret(struct vx_cfg_errors *errs, const struct vx_cfg_doc *doc,
    const struct vx_cfg_node *k, const struct vx_cfg_node *v, int form,
    struct vx_secret *out, const char *where)
{
	char *value = NULL;

	if (!want_scalar(errs, v, k->value, where, "a string"))
		return;
	if (out->value != NULL) {
		vx_cfg_error(errs, k, "'%s' in %s: the secret is already set "
		    "by another key (use one of KEY, KEY_file, KEY_env)",
		    k->value, where);
		return;
	}
	switch (form) {
	case 0:
		value = strdup(v->value);
		break;
	case 1:
		value = read_secret_file(doc, v->value, errs, v, k->value);
		if (value == NULL)
			return;
		break;
	default: {
		const char *env = getenv(v->value);

		if (env == NULL || env[0] == '\0') {
			vx_cfg_error(errs, v, "'%s' in %s: environment "
			    "variable '%s' is not set", k->value, where,
			    v->value);
			return;
		}
		value = strdup(env);
		break;
	}
	}
	if (value == NULL) {
		vx_cfg_error(errs, v, "out of memory");
		return;
	}
	out->value = value;
	if (doc->secret_sink != NULL)
		sink_secret(doc->secret_sink, value);
}

static bool
parse_bool(const char *s, bool *out)
{
	if (strcmp(s, "true") == 0 || strcmp(s, "yes") == 0) {
		*out = true;
		return true;
	}
	if (strcmp(s, "false") == 0 || strcmp(s, "no") == 0) {
		*out = false;
		return true;
	}
	return false;
}

static void
apply_strlist(struct vx_cfg_errors *errs, const struct vx_cfg_node *k,
    const struct vx_cfg_node *v, struct vx_strlist *out, const char *where)
{
	vx_strlist_clear(out);
	if (v->kind != VX_CFG_SEQ) {
		vx_cfg_error(errs, v, "'%s' in %s must be a list, not %s",
		    k->value, where, vx_cfg_kind_name(v->kind));
		return;
	}
	out->v = calloc(v->n + 1, sizeof(*out->v));
	if (out->v == NULL)
		return;
	for (size_t i = 0; i < v->n; i++) {
		const struct vx_cfg_node *it = v->items[i];

		if (it->kind != VX_CFG_SCALAR) {
			vx_cfg_error(errs, it, "items of '%s' in %s must be "
			    "strings, not %s", k->value, where,
			    vx_cfg_kind_name(it->kind));
			continue;
		}
		if (it->len == 0) {
			vx_cfg_error(errs, it, "empty item in '%s' in %s",
			    k->value, where);
			continue;
		}
		out->v[out->n] = strdup(it->value);
		if (out->v[out->n] != NULL)
			out->n++;
	}
}

static void
apply_labels(struct vx_cfg_errors *errs, const struct vx_cfg_node *k,
    const struct vx_cfg_node *v, struct vx_strlist *out, const char *where)
{
	vx_strlist_clear(out);
	if (v->kind != VX_CFG_MAP) {
		vx_cfg_error(errs, v, "'%s' in %s must be a mapping of label "
		    "names to values, not %s", k->value, where,
		    vx_cfg_kind_name(v->kind));
		return;
	}
	out->v = calloc(v->n + 1, sizeof(*out->v));
	if (out->v == NULL)
		return;
	for (size_t i = 0; i + 1 < v->n; i += 2) {
		const struct vx_cfg_node *ln = v->items[i], *lv = v->items[i + 1];

		if (!vx_label_name_valid(ln->value)) {
			vx_cfg_error(errs, ln, "invalid label name '%s' in %s "
			    "(use [a-zA-Z_][a-zA-Z0-9_]*, not starting with "
			    "__)", ln->value, where);
			continue;
		}
		if (vx_label_name_reserved(ln->value)) {
			vx_cfg_error(errs, ln, "label name '%s' in %s is "
			    "reserved for the exporter's own labels",
			    ln->value, where);
			continue;
		}
		if (lv->kind != VX_CFG_SCALAR) {
			vx_cfg_error(errs, lv, "value of label '%s' in %s must "
			    "be a string, not %s", ln->value, where,
			    vx_cfg_kind_name(lv->kind));
			continue;
		}
		out->v[out->n] = strdup(ln->value);
		out->v[out->n + 1] = strdup(lv->value);
		if (out->v[out->n] == NULL || out->v[out->n + 1] == NULL) {
			free(out->v[out->n]);
			free(out->v[out->n + 1]);
			continue;
		}
		out->n += 2;
	}
}

static void
apply_one(struct vx_cfg_errors *errs, const struct vx_cfg_doc *doc,
    const struct vx_cfg_key *key, const struct vx_cfg_node *k,
    const struct vx_cfg_node *v, void *obj, const char *where, int form)
{
	void *f = field(obj, key);

	switch (key->type) {
	case VX_CFG_T_STRING:
		if (!want_scalar(errs, v, k->value, where, "a string"))
			return;
		if (v->len == 0) {
			vx_cfg_error(errs, v, "'%s' in %s must not be empty",
			    k->value, where);
			return;
		}
		free(*(char **)f);
		*(char **)f = strdup(v->value);
		return;
	case VX_CFG_T_SECRET:
		apply_secret(errs, doc, k, v, form, f, where);
		return;
	case VX_CFG_T_DURATION: {
		int64_t ms;

		if (!want_scalar(errs, v, k->value, where, "a duration"))
			return;
		if (!vx_parse_duration_ms(v->value, v->len, &ms)) {
			vx_cfg_error(errs, v, "invalid duration '%s' for '%s' "
			    "in %s (use e.g. 500ms, 30s, 5m, 1h)", v->value,
			    k->value, where);
			return;
		}
		if (key->min != key->max && (ms < key->min || ms > key->max)) {
			vx_cfg_error(errs, v, "'%s' in %s must be between "
			    "%lldms and %lldms, not %s", k->value, where,
			    (long long)key->min, (long long)key->max,
			    v->value);
			return;
		}
		*(int64_t *)f = ms;
		return;
	}
	case VX_CFG_T_INT: {
		int64_t n;

		if (!want_scalar(errs, v, k->value, where, "a number"))
			return;
		if (!vx_parse_i64(v->value, v->len, &n)) {
			vx_cfg_error(errs, v, "'%s' in %s must be a whole "
			    "number, not '%s'", k->value, where, v->value);
			return;
		}
		if (key->min != key->max && (n < key->min || n > key->max)) {
			vx_cfg_error(errs, v, "'%s' in %s must be between %lld "
			    "and %lld, not %lld", k->value, where,
			    (long long)key->min, (long long)key->max,
			    (long long)n);
			return;
		}
		*(int64_t *)f = n;
		return;
	}
	case VX_CFG_T_SIZE: {
		int64_t n;

		if (!want_scalar(errs, v, k->value, where, "a size"))
			return;
		if (!vx_parse_size(v->value, v->len, &n)) {
			vx_cfg_error(errs, v, "invalid size '%s' for '%s' in %s "
			    "(use e.g. 65536, 512KiB, 32MiB, 1GiB)", v->value,
			    k->value, where);
			return;
		}
		if (key->min != key->max && (n < key->min || n > key->max)) {
			vx_cfg_error(errs, v, "'%s' in %s must be between %lld "
			    "and %lld bytes, not %s", k->value, where,
			    (long long)key->min, (long long)key->max, v->value);
			return;
		}
		*(int64_t *)f = n;
		return;
	}
	case VX_CFG_T_NUMBER: {
		char	*end = NULL;
		double	 d;

		if (!want_scalar(errs, v, k->value, where, "a number"))
			return;
		errno = 0;
		d = v->len > 0 ? strtod(v->value, &end) : 0;
		if (v->len == 0 || end != v->value + v->len || errno != 0 ||
		    !isfinite(d)) {
			vx_cfg_error(errs, v, "'%s' in %s must be a number, "
			    "not '%s'", k->value, where, v->value);
			return;
		}
		if (key->min != key->max && (d < (double)key->min ||
		    d > (double)key->max)) {
			vx_cfg_error(errs, v, "'%s' in %s must be between %lld "
			    "and %lld, not %s", k->value, where,
			    (long long)key->min, (long long)key->max,
			    v->value);
			return;
		}
		*(double *)f = d;
		return;
	}
	case VX_CFG_T_BOOL:
		if (!want_scalar(errs, v, k->value, where, "true or false"))
			return;
		if (!parse_bool(v->value, f))
			vx_cfg_error(errs, v, "'%s' in %s must be true or "
			    "false, not '%s'", k->value, where, v->value);
		return;
	case VX_CFG_T_ENUM: {
		struct vx_strbuf_like { char b[256]; size_t n; } allowed = {
		    "", 0 };

		if (!want_scalar(errs, v, k->value, where, "a string"))
			return;
		for (int i = 0; key->enum_names[i] != NULL; i++) {
			if (strcmp(key->enum_names[i], v->value) == 0) {
				*(int *)f = i;
				return;
			}
			allowed.n += (size_t)snprintf(allowed.b + allowed.n,
			    sizeof(allowed.b) - allowed.n, "%s%s",
			    i ? ", " : "", key->enum_names[i]);
			if (allowed.n >= sizeof(allowed.b))
				allowed.n = sizeof(allowed.b) - 1;
		}
		vx_cfg_error(errs, v, "invalid value '%s' for '%s' in %s "
		    "(expected one of: %s)", v->value, k->value, where,
		    allowed.b);
		return;
	}
	case VX_CFG_T_STRLIST:
		apply_strlist(errs, k, v, f, where);
		return;
	case VX_CFG_T_LABELS:
		apply_labels(errs, k, v, f, where);
		return;
	case VX_CFG_T_NODE:
		*(const struct vx_cfg_node **)f = v;
		return;
	}
}

size_t
vx_cfg_apply(struct vx_cfg_errors *errs, const struct vx_cfg_doc *doc,
    const struct vx_cfg_key *keys, const struct vx_cfg_node *map, void *obj,
    const char *where, uint64_t *seen)
{
	size_t		before = errs->n;
	uint64_t	present = 0;

	if (map == NULL || map->kind != VX_CFG_MAP) {
		vx_cfg_error(errs, map, "%s must be a mapping, not %s", where,
		    map == NULL ? "empty" : vx_cfg_kind_name(map->kind));
		return errs->n - before;
	}
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		const struct vx_cfg_node	*k = map->items[i];
		const struct vx_cfg_node	*v = map->items[i + 1];
		const struct vx_cfg_key		*key = NULL;
		int				 form = 0;
		size_t				 idx = 0;

		for (const struct vx_cfg_key *c = keys; c->name != NULL; c++) {
			if (c->type == VX_CFG_T_SECRET)
				form = secret_form(k->value, c->name);
			else
				form = strcmp(k->value, c->name) == 0 ? 0 : -1;
			if (form >= 0) {
				key = c;
				idx = (size_t)(c - keys);
				break;
			}
		}
		if (key == NULL) {
			const char *hint = suggest(keys, k->value);

			if (hint != NULL)
				vx_cfg_error(errs, k, "unknown key '%s' in %s "
				    "(did you mean '%s'?)", k->value, where,
				    hint);
			else
				vx_cfg_error(errs, k, "unknown key '%s' in %s",
				    k->value, where);
			continue;
		}
		if (idx < 64)
			present |= UINT64_C(1) << idx;
		apply_one(errs, doc, key, k, v, obj, where, form);
	}
	for (const struct vx_cfg_key *c = keys; c->name != NULL; c++) {
		size_t idx = (size_t)(c - keys);

		if (c->required && idx < 64 &&
		    !(present & (UINT64_C(1) << idx)))
			vx_cfg_error(errs, map, "missing required key '%s'%s "
			    "in %s", c->name, c->type == VX_CFG_T_SECRET ?
			    " (or its _file / _env form)" : "", where);
	}
	if (seen != NULL)
		*seen = present;
	return errs->n - before;
}
