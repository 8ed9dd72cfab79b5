/* "auths:" and "modules:", and a device expanded with them (config_fleet.h). */
#include "config_fleet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "strbuf.h"

#include "banned.h"

struct fleet_entry {
	const char			*name;	/* the map's key */
	const struct vx_cfg_node	*key;	/* its name, for positions */
	const struct vx_cfg_node	*node;	/* its mapping */
	bool				 bad;	/* it has errors */
};

static const char *const transport_names[] = {
	[VX_TRANSPORT_SNMP] = "snmp",
	[VX_TRANSPORT_SSH] = "ssh",
	[VX_TRANSPORT_HTTPS] = "https",
	[VX_TRANSPORT_SYSLOG] = "syslog",
};
#define NTRANSPORTS	(sizeof(transport_names) / sizeof(transport_names[0]))

/* Device keys a module may not set: they name one device. */
static const char *const device_only[] = {
	"name", "address", "module", "peer_devices", NULL,
};

static bool
is_null(const struct vx_cfg_node *n)
{
	return n != NULL && n->kind == VX_CFG_SCALAR && n->len == 0 &&
	    n->plain;
}

struct vx_cfg_node *
vx_fleet_scalar(struct vx_arena *arena, const struct vx_cfg_node *at,
    const char *value)
{
	struct vx_cfg_node *n = vx_arena_alloc(arena, sizeof(*n));

	if (n == NULL)
		return NULL;
	memset(n, 0, sizeof(*n));
	n->kind = VX_CFG_SCALAR;
	n->file = at != NULL ? at->file : "";
	n->line = at != NULL ? at->line : 0;
	n->col = at != NULL ? at->col : 0;
	n->value = vx_arena_strdup(arena, value);
	if (n->value == NULL)
		return NULL;
	n->len = strlen(value);
	n->plain = false;
	return n;
}

/* An empty mapping with room for cap entries, placed at 'at'. */
static struct vx_cfg_node *
new_map(struct vx_arena *arena, const struct vx_cfg_node *at, size_t cap)
{
	struct vx_cfg_node *m = vx_arena_alloc(arena, sizeof(*m));

	if (m == NULL)
		return NULL;
	memset(m, 0, sizeof(*m));
	m->kind = VX_CFG_MAP;
	m->file = at->file;
	m->line = at->line;
	m->col = at->col;
	m->items = vx_arena_alloc(arena, (2 * cap + 1) * sizeof(*m->items));
	return m->items != NULL ? m : NULL;
}

static void
map_add(struct vx_cfg_node *m, const struct vx_cfg_node *k,
    const struct vx_cfg_node *v)
{
	m->items[m->n++] = (struct vx_cfg_node *)(uintptr_t)k;
	m->items[m->n++] = (struct vx_cfg_node *)(uintptr_t)v;
}

/* The length of key less a secret's "_file" or "_env" ending. */
static size_t
base_len(const char *key)
{
	size_t l = strlen(key);

	if (l > 5 && strcmp(key + l - 5, "_file") == 0)
		return l - 5;
	if (l > 4 && strcmp(key + l - 4, "_env") == 0)
		return l - 4;
	return l;
}

static bool
same_base(const char *a, const char *b)
{
	size_t la = base_len(a);

	return la == base_len(b) && strncmp(a, b, la) == 0;
}

/* The index of hi's entry with the same base key as key, or -1. */
static long
find_base(const struct vx_cfg_node *hi, const char *key)
{
	for (size_t i = 0; i + 1 < hi->n; i += 2) {
		if (hi->items[i]->kind == VX_CFG_SCALAR &&
		    same_base(hi->items[i]->value, key))
			return (long)i;
	}
	return -1;
}

/*
 * hi over lo: a mapping with lo's entries that hi does not replace, then
 * hi's; entries both have as mappings merge the same way.  Either may be
 * NULL or a null scalar; a value that is not a mapping replaces.
 */
static const struct vx_cfg_node *
merge(struct vx_arena *arena, const struct vx_cfg_node *lo,
    const struct vx_cfg_node *hi, int depth)
{
	struct vx_cfg_node	*m;
	bool			 used[256];

	if (lo == NULL || is_null(lo))
		return hi != NULL ? hi : lo;
	if (hi == NULL || is_null(hi))
		return lo;
	if (lo->kind != VX_CFG_MAP || hi->kind != VX_CFG_MAP || depth > 8 ||
	    hi->n / 2 > sizeof(used))
		return hi;
	m = new_map(arena, hi, lo->n / 2 + hi->n / 2);
	if (m == NULL)
		return hi;
	memset(used, 0, sizeof(used));
	for (size_t i = 0; i + 1 < lo->n; i += 2) {
		const struct vx_cfg_node	*k = lo->items[i];
		long				 h = k->kind == VX_CFG_SCALAR ?
						    find_base(hi, k->value) : -1;

		if (h < 0) {
			map_add(m, k, lo->items[i + 1]);
			continue;
		}
		if (strcmp(hi->items[h]->value, k->value) == 0 &&
		    lo->items[i + 1]->kind == VX_CFG_MAP &&
		    hi->items[h + 1]->kind == VX_CFG_MAP) {
			map_add(m, hi->items[h], merge(arena, lo->items[i + 1],
			    hi->items[h + 1], depth + 1));
			used[h / 2] = true;
		}
	}
	for (size_t i = 0; i + 1 < hi->n; i += 2) {
		if (!used[i / 2])
			map_add(m, hi->items[i], hi->items[i + 1]);
	}
	return m;
}

/* A copy of map without the keys in drop (NULL-terminated). */
static const struct vx_cfg_node *
without(struct vx_arena *arena, const struct vx_cfg_node *map,
    const char *const *drop)
{
	struct vx_cfg_node *m;

	if (map == NULL || map->kind != VX_CFG_MAP)
		return NULL;
	m = new_map(arena, map, map->n / 2);
	if (m == NULL)
		return NULL;
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		bool skip = false;

		for (size_t d = 0; drop[d] != NULL; d++)
			skip = skip || strcmp(map->items[i]->value, drop[d]) == 0;
		if (!skip)
			map_add(m, map->items[i], map->items[i + 1]);
	}
	return m;
}

static struct fleet_entry *
entry_get(const struct vx_strmap *m, const char *name)
{
	return vx_strmap_get(m, name, strlen(name));
}

const struct vx_cfg_node *
vx_fleet_module(const struct vx_fleet_tmpl *t, const char *name)
{
	struct fleet_entry *e = entry_get(&t->modules, name);

	return e != NULL && !e->bad ? e->node : NULL;
}

const struct vx_cfg_node *
vx_fleet_auth(const struct vx_fleet_tmpl *t, const char *name)
{
	struct fleet_entry *e = entry_get(&t->auths, name);

	return e != NULL && !e->bad ? e->node : NULL;
}

struct names_arg {
	struct vx_strbuf	*sb;
	const char		*want;
	const char		*best;
	size_t			 bestd;
};

static bool
list_name(void *arg, const char *key, void *value)
{
	struct names_arg	*a = arg;
	size_t			 d = vx_cfg_edit_distance(a->want, key);

	(void)value;
	if (a->sb->len < 200)
		vx_strbuf_addf(a->sb, "%s%s", a->sb->len ? ", " : "", key);
	if (d < a->bestd) {
		a->bestd = d;
		a->best = key;
	}
	return false;
}

/* "unknown module 'x' (did you mean 'y'?)" or with the known names. */
static void
unknown_ref(struct vx_cfg_errors *errs, const struct vx_cfg_node *at,
    const char *what, const struct vx_strmap *known, const char *where)
{
	struct vx_strbuf	sb;
	struct names_arg	a = { &sb, at->value, NULL, 3 };

	vx_strbuf_init(&sb, 128);
	vx_strmap_filter((struct vx_strmap *)(uintptr_t)known, list_name, &a);
	if (a.best != NULL)
		vx_cfg_error(errs, at, "unknown %s '%s' in %s (did you mean "
		    "'%s'?)", what, at->value, where, a.best);
	else if (sb.len > 0)
		vx_cfg_error(errs, at, "unknown %s '%s' in %s (defined: %s)",
		    what, at->value, where, sb.buf);
	else
		vx_cfg_error(errs, at, "unknown %s '%s' in %s (the file has "
		    "no '%ss:')", what, at->value, where, what);
	vx_strbuf_release(&sb);
}

/*
 * The entry a "module:" or "auth:" value names; NULL (with an error, or
 * none for an entry with errors of its own) if it cannot be used.
 */
static struct fleet_entry *
lookup(struct vx_cfg_errors *errs, const struct vx_cfg_node *v,
    const char *what, const struct vx_strmap *m, const char *where)
{
	struct fleet_entry *e;

	if (v->kind != VX_CFG_SCALAR || v->len == 0) {
		vx_cfg_error(errs, v, "'%s' in %s must name one of the "
		    "'%ss:'", what, where, what);
		return NULL;
	}
	e = entry_get(m, v->value);
	if (e == NULL) {
		unknown_ref(errs, v, what, m, where);
		return NULL;
	}
	return e->bad ? NULL : e;
}

static void
where_of(const struct vx_cfg_node *node, char *buf, size_t len)
{
	const struct vx_cfg_node *nm = vx_cfg_map_get(node, "name");

	if (nm != NULL && nm->kind == VX_CFG_SCALAR)
		snprintf(buf, len, "device '%s'", nm->value);
	else
		snprintf(buf, len, "a device");
}

/* The options of one collector: module, auth sections, the device's. */
static const struct vx_cfg_node *
collector_opts(struct vx_arena *arena, const char *name,
    const struct vx_cfg_node *mopts, const struct vx_cfg_node *auth,
    const struct vx_cfg_node *dopts)
{
	const struct vx_cfg_node	*o = mopts;
	const struct vx_collector_ops	*ops = vx_collector_find(name);

	if (auth != NULL && ops != NULL && ops->transport < NTRANSPORTS)
		o = merge(arena, o, vx_cfg_map_get(auth,
		    transport_names[ops->transport]), 0);
	if (auth != NULL)
		o = merge(arena, o, vx_cfg_map_get(auth, name), 0);
	return merge(arena, o, dopts, 0);
}

/* The device's "collectors:" with its module's and auth's options. */
static const struct vx_cfg_node *
merge_collectors(struct vx_arena *arena, const struct vx_cfg_node *cm,
    const struct vx_cfg_node *cd, const struct vx_cfg_node *auth)
{
	struct vx_cfg_node *m;

	if (cm != NULL && cm->kind != VX_CFG_MAP)
		cm = NULL;	/* reported with the module */
	if (cd != NULL && cd->kind != VX_CFG_MAP)
		return cd;	/* the loader says what is wrong */
	if (cm == NULL && (cd == NULL || auth == NULL))
		return cd;
	m = new_map(arena, cd != NULL ? cd : cm,
	    (cm != NULL ? cm->n / 2 : 0) + (cd != NULL ? cd->n / 2 : 0));
	if (m == NULL)
		return cd;
	for (size_t i = 0; cm != NULL && i + 1 < cm->n; i += 2) {
		const struct vx_cfg_node *k = cm->items[i];
		const struct vx_cfg_node *dk = NULL, *dv = NULL;

		for (size_t j = 0; cd != NULL && j + 1 < cd->n; j += 2) {
			if (strcmp(cd->items[j]->value, k->value) == 0) {
				dk = cd->items[j];
				dv = cd->items[j + 1];
			}
		}
		map_add(m, dk != NULL ? dk : k, collector_opts(arena, k->value,
		    cm->items[i + 1], auth, dv));
	}
	for (size_t j = 0; cd != NULL && j + 1 < cd->n; j += 2) {
		const struct vx_cfg_node *k = cd->items[j];

		if (cm != NULL && vx_cfg_map_get(cm, k->value) != NULL)
			continue;
		map_add(m, k, collector_opts(arena, k->value, NULL, auth,
		    cd->items[j + 1]));
	}
	return m;
}

const struct vx_cfg_node *
vx_fleet_expand(struct vx_fleet_tmpl *t, struct vx_cfg_errors *errs,
    struct vx_arena *arena, const struct vx_cfg_node *node,
    struct vx_fleet_use *use)
{
	static const char *const mod_drop[] = { "collectors", "auth", NULL };
	static const char *const dev_drop[] = { "collectors", "module", "auth",
	    NULL };
	const struct vx_cfg_node	*mn, *an, *module = NULL, *auth = NULL;
	const struct vx_cfg_node	*cols, *top;
	const struct vx_cfg_node	*ck;
	struct vx_cfg_node		*out;
	struct fleet_entry		*e;
	char				 where[300];

	memset(use, 0, sizeof(*use));
	if (node->kind != VX_CFG_MAP)
		return node;
	mn = vx_cfg_map_get(node, "module");
	an = vx_cfg_map_get(node, "auth");
	cols = vx_cfg_map_get(node, "collectors");
	use->own_collectors = cols != NULL && cols->kind == VX_CFG_MAP ?
	    cols : NULL;
	if (mn == NULL && an == NULL)
		return node;
	where_of(node, where, sizeof(where));
	if (mn != NULL) {
		if ((e = lookup(errs, mn, "module", &t->modules, where)) == NULL)
			return NULL;
		module = e->node;
		use->module = e->name;
		if (an == NULL)
			an = vx_cfg_map_get(module, "auth");
	}
	if (an != NULL) {
		if ((e = lookup(errs, an, "auth", &t->auths, where)) == NULL)
			return NULL;
		auth = e->node;
		use->auth = e->name;
	}
	ck = NULL;	/* the "collectors" key: the device's, else the module's */
	cols = merge_collectors(arena, module != NULL ?
	    vx_cfg_map_get(module, "collectors") : NULL, cols, auth);
	top = merge(arena, without(arena, module, mod_drop),
	    without(arena, node, dev_drop), 0);
	out = new_map(arena, node, (top != NULL ? top->n / 2 : 0) + 3);
	if (out == NULL)
		return NULL;
	for (size_t i = 0; top != NULL && i + 1 < top->n; i += 2)
		map_add(out, top->items[i], top->items[i + 1]);
	for (size_t i = 0; i + 1 < node->n; i += 2) {
		const char *k = node->items[i]->value;

		if (strcmp(k, "module") == 0 || strcmp(k, "auth") == 0)
			map_add(out, node->items[i], node->items[i + 1]);
		if (strcmp(k, "collectors") == 0)
			ck = node->items[i];
	}
	if (vx_cfg_map_get(node, "auth") == NULL && an != NULL)
		map_add(out, vx_fleet_scalar(arena, an, "auth"), an);
	for (size_t i = 0; ck == NULL && module != NULL && i + 1 < module->n;
	    i += 2) {
		if (strcmp(module->items[i]->value, "collectors") == 0)
			ck = module->items[i];
	}
	if (cols != NULL && ck != NULL)
		map_add(out, ck, cols);
	return out;
}

static void
failed_key(const struct vx_fleet_use *use, const char *collector, char *buf,
    size_t len, size_t *klen)
{
	/* Separated by US (0x1f): strmap keys are C strings. */
	int n = snprintf(buf, len, "%s\x1f%s\x1f%s", use->module != NULL ?
	    use->module : "", use->auth != NULL ? use->auth : "", collector);

	*klen = n < 0 ? 0 : (size_t)n >= len ? len - 1 : (size_t)n;
}

/* Whether the device adds options of its own to collector. */
static bool
shared_only(const struct vx_fleet_use *use, const char *collector)
{
	return (use->module != NULL || use->auth != NULL) &&
	    (use->own_collectors == NULL ||
	    vx_cfg_map_get(use->own_collectors, collector) == NULL);
}

bool
vx_fleet_failed_before(const struct vx_fleet_tmpl *t,
    const struct vx_fleet_use *use, const char *collector)
{
	char	key[512];
	size_t	len;

	if (!shared_only(use, collector))
		return false;
	failed_key(use, collector, key, sizeof(key), &len);
	return vx_strmap_get(&t->failed, key, len) != NULL;
}

void
vx_fleet_record_failure(struct vx_fleet_tmpl *t,
    const struct vx_fleet_use *use, const char *collector)
{
	char	key[512];
	size_t	len;

	if (!shared_only(use, collector))
		return;
	failed_key(use, collector, key, sizeof(key), &len);
	vx_strmap_put(&t->failed, key, len, (void *)1);
}

/* One "auths:" entry: sections named by transport or collector. */
static bool
check_auth(struct vx_cfg_errors *errs, const struct vx_cfg_node *k,
    const struct vx_cfg_node *v)
{
	bool ok = true;

	if (v->kind != VX_CFG_MAP || v->n == 0) {
		vx_cfg_error(errs, v, "auth '%s' must map transports (snmp, "
		    "ssh, https) or collector names to their credentials, "
		    "e.g. 'snmp: {community_file: ...}'", k->value);
		return false;
	}
	for (size_t i = 0; i + 1 < v->n; i += 2) {
		const struct vx_cfg_node	*sk = v->items[i];
		const struct vx_cfg_node	*sv = v->items[i + 1];
		bool				 known = false;
		const char			*best = NULL;
		size_t				 bestd = 3;

		for (size_t tr = 0; tr < NTRANSPORTS; tr++) {
			size_t d = vx_cfg_edit_distance(sk->value,
			    transport_names[tr]);

			known = known || d == 0;
			if (d < bestd) {
				bestd = d;
				best = transport_names[tr];
			}
		}
		for (size_t c = 0; vx_collectors[c] != NULL; c++) {
			size_t d = vx_cfg_edit_distance(sk->value,
			    vx_collectors[c]->name);

			known = known || d == 0;
			if (d < bestd) {
				bestd = d;
				best = vx_collectors[c]->name;
			}
		}
		if (!known) {
			if (best != NULL)
				vx_cfg_error(errs, sk, "unknown section '%s' in "
				    "auth '%s' (did you mean '%s'?)", sk->value,
				    k->value, best);
			else
				vx_cfg_error(errs, sk, "unknown section '%s' in "
				    "auth '%s': a transport (snmp, ssh, https) "
				    "or a collector name", sk->value, k->value);
			ok = false;
		} else if (sv->kind != VX_CFG_MAP && !is_null(sv)) {
			vx_cfg_error(errs, sv, "'%s' in auth '%s' must be a "
			    "mapping of options, not %s", sk->value, k->value,
			    vx_cfg_kind_name(sv->kind));
			ok = false;
		}
	}
	return ok;
}

static bool
check_module(struct vx_cfg_errors *errs, struct vx_fleet_tmpl *t,
    const struct vx_cfg_node *k, const struct vx_cfg_node *v,
    size_t (*check)(struct vx_cfg_errors *, const struct vx_cfg_node *,
    const char *, void *), void *arg)
{
	const struct vx_cfg_node	*an, *cols;
	char				 where[300];
	bool				 ok = true;

	if (v->kind != VX_CFG_MAP) {
		vx_cfg_error(errs, v, "module '%s' must be a mapping of device "
		    "options, e.g. '{vendor: cisco_asa, collectors: {...}}'",
		    k->value);
		return false;
	}
	snprintf(where, sizeof(where), "module '%s'", k->value);
	for (size_t i = 0; device_only[i] != NULL; i++) {
		const struct vx_cfg_node *n = vx_cfg_map_get(v, device_only[i]);

		if (n == NULL)
			continue;
		for (size_t j = 0; j + 1 < v->n; j++) {
			if (v->items[j + 1] == n)
				n = v->items[j];
		}
		vx_cfg_error(errs, n, "'%s' in %s: it names one device, so it "
		    "belongs to the device", device_only[i], where);
		ok = false;
	}
	an = vx_cfg_map_get(v, "auth");
	if (an != NULL && lookup(errs, an, "auth", &t->auths, where) == NULL)
		ok = false;
	cols = vx_cfg_map_get(v, "collectors");
	if (cols != NULL && cols->kind != VX_CFG_MAP) {
		vx_cfg_error(errs, cols, "'collectors' of %s must map collector "
		    "names to their options", where);
		ok = false;
	}
	for (size_t i = 0; cols != NULL && cols->kind == VX_CFG_MAP &&
	    i + 1 < cols->n; i += 2) {
		if (vx_collector_find(cols->items[i]->value) == NULL) {
			vx_cfg_error(errs, cols->items[i], "unknown collector "
			    "'%s' in %s", cols->items[i]->value, where);
			ok = false;
		}
	}
	if (check != NULL && check(errs, v, where, arg) > 0)
		ok = false;
	return ok;
}

struct fds {
	size_t kept, polling;
};

static bool
module_fds(void *arg, const char *key, void *value)
{
	struct fds			*out = arg;
	const struct fleet_entry	*e = value;
	const struct vx_cfg_node	*cols;
	size_t				 kept = 0, polling = 0;

	(void)key;
	cols = e->node != NULL && e->node->kind == VX_CFG_MAP ?
	    vx_cfg_map_get(e->node, "collectors") : NULL;
	for (size_t i = 0; cols != NULL && cols->kind == VX_CFG_MAP &&
	    i + 1 < cols->n; i += 2) {
		const struct vx_collector_ops *ops =
		    vx_collector_find(cols->items[i]->value);

		if (ops != NULL) {
			kept += ops->fds_kept;
			polling += ops->fds_polling;
		}
	}
	if (kept > out->kept)
		out->kept = kept;
	if (polling > out->polling)
		out->polling = polling;
	return false;
}

void
vx_fleet_tmpl_fds(struct vx_fleet_tmpl *t, size_t *kept,
    size_t *polling)
{
	struct fds out = { 0, 0 };

	/* A filter that deletes nothing: a walk over the modules. */
	vx_strmap_filter(&t->modules, module_fds, &out);
	*kept = out.kept;
	*polling = out.polling;
}

static void
parse_section(struct vx_cfg_errors *errs, const struct vx_cfg_node *sec,
    const char *what, struct vx_strmap *into)
{
	if (sec == NULL || is_null(sec))
		return;
	if (sec->kind != VX_CFG_MAP) {
		vx_cfg_error(errs, sec, "'%s' must map names to %s, not %s",
		    what, strcmp(what, "auths") == 0 ? "credentials" :
		    "device options", vx_cfg_kind_name(sec->kind));
		return;
	}
	for (size_t i = 0; i + 1 < sec->n; i += 2) {
		struct fleet_entry *e = calloc(1, sizeof(*e));

		if (e == NULL) {
			vx_cfg_error(errs, sec, "out of memory");
			return;
		}
		e->key = sec->items[i];
		e->node = sec->items[i + 1];
		e->name = e->key->value;
		if (entry_get(into, e->name) != NULL) {
			vx_cfg_error(errs, e->key, "duplicate %s name '%s'",
			    strcmp(what, "auths") == 0 ? "auth" : "module",
			    e->name);
			free(e);
			continue;
		}
		if (!vx_strmap_put(into, e->name, strlen(e->name), e)) {
			vx_cfg_error(errs, sec, "out of memory");
			free(e);
			return;
		}
	}
}

void
vx_fleet_tmpl_parse(struct vx_fleet_tmpl *t, struct vx_cfg_errors *errs,
    const struct vx_cfg_node *auths, const struct vx_cfg_node *modules,
    size_t (*check)(struct vx_cfg_errors *errs, const struct vx_cfg_node *map,
    const char *where, void *arg), void *arg)
{
	memset(t, 0, sizeof(*t));
	parse_section(errs, auths, "auths", &t->auths);
	parse_section(errs, modules, "modules", &t->modules);
	/* In file order, so that the errors come in order. */
	for (size_t i = 0; auths != NULL && auths->kind == VX_CFG_MAP &&
	    i + 1 < auths->n; i += 2) {
		struct fleet_entry *e = entry_get(&t->auths,
		    auths->items[i]->value);

		if (e != NULL && !check_auth(errs, e->key, e->node))
			e->bad = true;
	}
	for (size_t i = 0; modules != NULL && modules->kind == VX_CFG_MAP &&
	    i + 1 < modules->n; i += 2) {
		struct fleet_entry *e = entry_get(&t->modules,
		    modules->items[i]->value);

		if (e != NULL && !check_module(errs, t, e->key, e->node, check,
		    arg))
			e->bad = true;
	}
}

static bool
drop_entry(void *arg, const char *key, void *value)
{
	(void)arg;
	(void)key;
	free(value);
	return true;
}

void
vx_fleet_tmpl_release(struct vx_fleet_tmpl *t)
{
	vx_strmap_filter(&t->modules, drop_entry, NULL);
	vx_strmap_filter(&t->auths, drop_entry, NULL);
	vx_strmap_release(&t->modules);
	vx_strmap_release(&t->auths);
	vx_strmap_release(&t->failed);
}
