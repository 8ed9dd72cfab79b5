/*
 * libFuzzer: bytes -> YAML tree (vx_cfg_doc_load_buffer) -> the walker
 * over a schema with every field type, and the same bytes as a whole
 * vpn_exporter.yml (vx_config_load) in a scratch directory that holds a
 * secret file, with a secret in an environment variable.
 *
 * Invariants beyond "no crash, no leak": every message about the buffer
 * names it ("fuzz.yml..."), and no message ever shows a secret's value.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cfg.h"
#include "config.h"

#define FILE_SECRET	"FzFileSecret"
#define ENV_SECRET	"FzEnvSecret"

int	LLVMFuzzerInitialize(int *argc, char ***argv);
int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char	dir[64];
static char	path[128];

struct obj {
	char				*s;
	struct vx_secret		 sec;
	int64_t				 dur;
	int64_t				 n;
	bool				 b;
	int				 e;
	struct vx_strlist		 list;
	struct vx_strlist		 labels;
	const struct vx_cfg_node	*node;
};

static const char *const enum_names[] = { "a", "b", NULL };

#define O(m)	offsetof(struct obj, m)
static const struct vx_cfg_key keys[] = {
	{ "s", VX_CFG_T_STRING, O(s), true, 0, 0, NULL },
	{ "sec", VX_CFG_T_SECRET, O(sec), false, 0, 0, NULL },
	{ "dur", VX_CFG_T_DURATION, O(dur), false, 1, 1000000, NULL },
	{ "n", VX_CFG_T_INT, O(n), false, -10, 10, NULL },
	{ "b", VX_CFG_T_BOOL, O(b), false, 0, 0, NULL },
	{ "e", VX_CFG_T_ENUM, O(e), false, 0, 0, enum_names },
	{ "list", VX_CFG_T_STRLIST, O(list), false, 0, 0, NULL },
	{ "labels", VX_CFG_T_LABELS, O(labels), false, 0, 0, NULL },
	{ "node", VX_CFG_T_NODE, O(node), false, 0, 0, NULL },
	{ NULL, 0, 0, false, 0, 0, NULL },
};
#undef O

/* Removes the scratch directory when libFuzzer exits. */
static void
cleanup(void)
{
	static const char *const names[] = { "fuzz.yml", "s", "e", NULL };
	char p[160];

	for (size_t i = 0; names[i] != NULL; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char	 p[160];
	FILE	*f;

	(void)argc;
	(void)argv;
	/* A secret file must never block on a terminal: no stdin at all. */
	if (freopen("/dev/null", "r", stdin) == NULL)
		abort();
	snprintf(dir, sizeof(dir), "/tmp/vx_fuzz_config_XXXXXX");
	if (mkdtemp(dir) == NULL)
		abort();
	atexit(cleanup);
	snprintf(path, sizeof(path), "%s/fuzz.yml", dir);
	/* Relative *_file values "s" and "e" resolve here. */
	snprintf(p, sizeof(p), "%s/s", dir);
	if ((f = fopen(p, "w")) == NULL)
		abort();
	fputs(FILE_SECRET "\n", f);
	fclose(f);
	snprintf(p, sizeof(p), "%s/e", dir);
	if ((f = fopen(p, "w")) == NULL)
		abort();
	fclose(f);
	setenv("S", ENV_SECRET, 1);
	return 0;
}

static bool
contains(const uint8_t *data, size_t size, const char *s)
{
	size_t n = strlen(s);

	for (size_t i = 0; i + n <= size; i++) {
		if (memcmp(data + i, s, n) == 0)
			return true;
	}
	return false;
}

/* Aborts (a finding) if a message shows a secret the input did not. */
static void
check_secrets(const struct vx_cfg_errors *errs, const uint8_t *data,
    size_t size)
{
	for (size_t i = 0; i < errs->n; i++) {
		if ((strstr(errs->msgs[i], FILE_SECRET) != NULL &&
		    !contains(data, size, FILE_SECRET)) ||
		    (strstr(errs->msgs[i], ENV_SECRET) != NULL &&
		    !contains(data, size, ENV_SECRET))) {
			fprintf(stderr, "secret in message: %s\n",
			    errs->msgs[i]);
			abort();
		}
	}
}

static void
walk(const struct vx_cfg_doc *doc, const struct vx_cfg_node *map,
    struct vx_cfg_errors *errs)
{
	struct obj o;

	memset(&o, 0, sizeof(o));
	vx_cfg_apply(errs, doc, keys, map, &o, "fuzz section", NULL);
	vx_cfg_free_fields(keys, &o);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vx_cfg_errors	 errs = { 0 };
	struct vx_cfg_doc	*doc;
	struct vx_config	*cfg;
	FILE			*f;

	/* libyaml is quadratic in flow nesting: keep inputs small. */
	if (size > 16384)
		return 0;

	doc = vx_cfg_doc_load_buffer(path, (const char *)data, size, &errs);
	for (size_t i = 0; i < errs.n; i++) {
		if (strncmp(errs.msgs[i], path, strlen(path)) != 0) {
			fprintf(stderr, "message without the file: %s\n",
			    errs.msgs[i]);
			abort();
		}
	}
	if (doc != NULL && doc->root != NULL) {
		walk(doc, doc->root, &errs);
		/* And each mapping one level down, as sections are. */
		if (doc->root->kind == VX_CFG_MAP) {
			for (size_t i = 1; i < doc->root->n; i += 2) {
				if (doc->root->items[i]->kind == VX_CFG_MAP)
					walk(doc, doc->root->items[i], &errs);
			}
		}
		for (size_t i = 0; i < errs.n; i++) {
			if (strncmp(errs.msgs[i], path, strlen(path)) != 0) {
				fprintf(stderr, "message without the file: "
				    "%s\n", errs.msgs[i]);
				abort();
			}
		}
	}
	check_secrets(&errs, data, size);
	vx_cfg_doc_free(doc);
	vx_cfg_errors_release(&errs);

	/* The whole loader, on the same bytes as a file. */
	f = fopen(path, "wb");
	if (f == NULL)
		abort();
	if (size > 0 && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
	cfg = vx_config_load(path, &errs);
	check_secrets(&errs, data, size);
	vx_config_free(cfg);
	vx_cfg_errors_release(&errs);
	return 0;
}
