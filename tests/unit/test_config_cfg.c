/*
 * The configuration layer (config/): the YAML tree with file:line:col on
 * every node, and the table-driven walker vx_cfg_apply() over a schema
 * that uses every field type, with every error it reports given as its
 * exact "file:line:col: message" text.  Secrets (KEY, KEY_file, KEY_env)
 * must never show up in any message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "cfg.h"

#define CFG_DIR		VX_FIXTURE_DIR "/config"

/*
 * Under AddressSanitizer no memory limit can be set on a child (its
 * shadow memory defeats RLIMIT_AS, and hard_rss_limit_mb did not bind in
 * practice), so the alias bomb test runs only in plain builds.
 */
#if defined(__SANITIZE_ADDRESS__)
#define VX_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VX_ASAN 1
#endif
#endif

/* A struct with one field of every type the walker knows. */
struct obj {
	char				*name;
	struct vx_secret		 token;
	int64_t				 every_ms;
	int64_t				 count;
	int64_t				 any;
	bool				 on;
	int				 mode;
	struct vx_strlist		 peers;
	struct vx_strlist		 labels;
	const struct vx_cfg_node	*extra;
};

static const char *const modes[] = { "fast", "slow", NULL };

#define O(m)	offsetof(struct obj, m)
static const struct vx_cfg_key keys[] = {
	{ "name", VX_CFG_T_STRING, O(name), true, 0, 0, NULL },
	{ "token", VX_CFG_T_SECRET, O(token), false, 0, 0, NULL },
	{ "every", VX_CFG_T_DURATION, O(every_ms), false, 1000, 3600000,
	    NULL },
	{ "count", VX_CFG_T_INT, O(count), false, -5, 5, NULL },
	{ "any", VX_CFG_T_INT, O(any), false, 0, 0, NULL },
	{ "on", VX_CFG_T_BOOL, O(on), false, 0, 0, NULL },
	{ "mode", VX_CFG_T_ENUM, O(mode), false, 0, 0, modes },
	{ "peers", VX_CFG_T_STRLIST, O(peers), false, 0, 0, NULL },
	{ "labels", VX_CFG_T_LABELS, O(labels), false, 0, 0, NULL },
	{ "extra", VX_CFG_T_NODE, O(extra), false, 0, 0, NULL },
	{ NULL, 0, 0, false, 0, 0, NULL },
};
#undef O

/* Secret texts used by the cases; none may appear in a message. */
static const char *const secrets[] = {
	"INLINE-SECRET", "FILE-SECRET", "ENV-SECRET", NULL,
};

static char	tmpdir[64];

static int
group_setup(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/vx_cfg_XXXXXX");
	if (mkdtemp(tmpdir) == NULL)
		return -1;
	setenv("VX_T_ENV_SECRET", "ENV-SECRET-value", 1);
	setenv("VX_T_ENV_EMPTY", "", 1);
	unsetenv("VX_T_ENV_UNSET");
	return 0;
}

static int
group_teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* Fails if any message holds a secret text. */
static void
check_no_secret(const struct vx_cfg_errors *errs, const char *what)
{
	for (size_t i = 0; i < errs->n; i++) {
		for (size_t k = 0; secrets[k] != NULL; k++) {
			if (strstr(errs->msgs[i], secrets[k]) != NULL)
				fail_msg("%s: message %zu leaks a secret: %s",
				    what, i, errs->msgs[i]);
		}
	}
}

/* Compares all messages with want (NULL-terminated), in order. */
static void
check_msgs(const struct vx_cfg_errors *errs, const char *const *want,
    const char *what)
{
	size_t n = 0;

	while (want[n] != NULL)
		n++;
	for (size_t i = 0; i < errs->n || i < n; i++) {
		const char *g = i < errs->n ? errs->msgs[i] : "(none)";
		const char *w = i < n ? want[i] : "(none)";

		if (strcmp(g, w) != 0) {
			for (size_t k = 0; k < errs->n; k++)
				fprintf(stderr, "  got[%zu]: %s\n", k,
				    errs->msgs[k]);
			fail_msg("%s: message %zu:\n got: %s\nwant: %s", what,
			    i, g, w);
		}
	}
	check_no_secret(errs, what);
}

static struct vx_cfg_doc *
load(const char *name, const char *yaml, struct vx_cfg_errors *errs)
{
	return vx_cfg_doc_load_buffer(name, yaml, strlen(yaml), errs);
}

static void
test_tree_positions(void **state)
{
	static const char yaml[] =
	    "# comment\n"
	    "top:\n"
	    "  key: plain\n"
	    "  quoted: \"q v\"\n"
	    "  single: 'x'\n"
	    "  list:\n"
	    "    - a\n"
	    "    -   b\n"
	    "  flow: {k: [1, 2]}\n"
	    "  empty:\n"
	    "other: 7\n";
	struct vx_cfg_errors		 errs = { 0 };
	struct vx_cfg_doc		*doc = load("dir/sub/t.yml", yaml, &errs);
	const struct vx_cfg_node	*top, *n, *flow;

	(void)state;
	assert_non_null(doc);
	assert_int_equal(errs.n, 0);
	assert_string_equal(doc->file, "dir/sub/t.yml");
	assert_string_equal(doc->dir, "dir/sub");
	assert_int_equal(doc->root->kind, VX_CFG_MAP);
	assert_int_equal(doc->root->n, 4);
	assert_int_equal(doc->root->items[0]->line, 2);
	assert_int_equal(doc->root->items[0]->col, 1);
	assert_string_equal(doc->root->items[0]->file, "dir/sub/t.yml");
	top = vx_cfg_map_get(doc->root, "top");
	assert_non_null(top);
	assert_int_equal(top->kind, VX_CFG_MAP);
	assert_int_equal(top->line, 3);
	assert_int_equal(top->col, 3);

	n = vx_cfg_map_get(top, "key");
	assert_int_equal(n->kind, VX_CFG_SCALAR);
	assert_string_equal(n->value, "plain");
	assert_int_equal(n->len, 5);
	assert_true(n->plain);
	assert_int_equal(n->line, 3);
	assert_int_equal(n->col, 8);
	n = vx_cfg_map_get(top, "quoted");
	assert_string_equal(n->value, "q v");
	assert_false(n->plain);
	assert_int_equal(n->line, 4);
	assert_int_equal(n->col, 11);
	assert_false(vx_cfg_map_get(top, "single")->plain);

	n = vx_cfg_map_get(top, "list");
	assert_int_equal(n->kind, VX_CFG_SEQ);
	assert_int_equal(n->n, 2);
	assert_int_equal(n->items[0]->line, 7);
	assert_int_equal(n->items[0]->col, 7);
	assert_int_equal(n->items[1]->line, 8);
	assert_int_equal(n->items[1]->col, 9);
	assert_string_equal(n->items[1]->value, "b");

	flow = vx_cfg_map_get(top, "flow");
	assert_int_equal(flow->kind, VX_CFG_MAP);
	assert_int_equal(flow->line, 9);
	assert_int_equal(flow->col, 9);
	n = vx_cfg_map_get(flow, "k");
	assert_int_equal(n->kind, VX_CFG_SEQ);
	assert_int_equal(n->items[1]->line, 9);
	assert_int_equal(n->items[1]->col, 17);

	/* "empty:" is an empty plain scalar. */
	n = vx_cfg_map_get(top, "empty");
	assert_int_equal(n->kind, VX_CFG_SCALAR);
	assert_int_equal(n->len, 0);
	assert_string_equal(n->value, "");
	assert_true(n->plain);

	assert_string_equal(vx_cfg_map_get(doc->root, "other")->value, "7");
	assert_null(vx_cfg_map_get(doc->root, "nothere"));
	assert_null(vx_cfg_map_get(NULL, "top"));
	assert_null(vx_cfg_map_get(vx_cfg_map_get(top, "list"), "a"));
	assert_string_equal(vx_cfg_kind_name(VX_CFG_SCALAR), "a single value");
	assert_string_equal(vx_cfg_kind_name(VX_CFG_SEQ), "a list");
	assert_string_equal(vx_cfg_kind_name(VX_CFG_MAP), "a mapping");
	vx_cfg_doc_free(doc);
	vx_cfg_errors_release(&errs);
}

static void
test_empty_and_bare_names(void **state)
{
	struct vx_cfg_errors	 errs = { 0 };
	struct vx_cfg_doc	*doc;

	(void)state;
	doc = load("t.yml", "", &errs);
	assert_non_null(doc);
	assert_null(doc->root);
	assert_string_equal(doc->dir, ".");
	vx_cfg_doc_free(doc);
	doc = load("t.yml", "# only a comment\n", &errs);
	assert_non_null(doc);
	assert_null(doc->root);
	vx_cfg_doc_free(doc);
	doc = load("/abs.yml", "a: 1\n", &errs);
	assert_non_null(doc);
	assert_string_equal(doc->dir, "");
	vx_cfg_doc_free(doc);
	assert_int_equal(errs.n, 0);
	vx_cfg_doc_free(NULL);
}

struct doc_err_case {
	const char	*yaml;
	const char	*want[4];
};

/* Documents that must be refused as a whole, with their messages. */
static void
test_doc_errors(void **state)
{
	static const struct doc_err_case cases[] = {
		{ "a:\n  - b\n   c: d\n", {
		    "t.yml:3:5: YAML syntax error: mapping values are not "
		    "allowed in this context", NULL } },
		{ "a:\n  - b\n c: d\n", {
		    "t.yml:3:2: YAML syntax error: did not find expected key "
		    "while parsing a block mapping", NULL } },
		{ "a: [b\n", {
		    "t.yml:2:1: YAML syntax error: did not find expected ',' "
		    "or ']' while parsing a flow sequence", NULL } },
		{ "a:\n\t- b\n", {
		    "t.yml:2:1: YAML syntax error: found character that "
		    "cannot start any token while scanning for the next token",
		    NULL } },
		{ "a: *nothere\n", {
		    "t.yml:1:4: YAML syntax error: found undefined alias",
		    NULL } },
		{ "a: 1\nb: 2\na: 3\n", {
		    "t.yml:3:1: duplicate key 'a' (first at line 1)", NULL } },
		{ "a:\n  x: 1\n  y: \"n\\0ul\"\n", {
		    "t.yml:3:6: value contains a NUL byte", NULL } },
		{ "? [k]\n: v\n", {
		    "t.yml:1:3: mapping keys must be plain strings", NULL } },
		{ "{a: 1}: v\n", {
		    "t.yml:1:1: mapping keys must be plain strings", NULL } },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vx_cfg_errors	 errs = { 0 };
		struct vx_cfg_doc	*doc = load("t.yml", cases[i].yaml,
					    &errs);
		char			 what[32];

		snprintf(what, sizeof(what), "case %zu", i);
		if (doc != NULL)
			fail_msg("case %zu: loaded", i);
		check_msgs(&errs, cases[i].want, what);
		vx_cfg_errors_release(&errs);
	}
}

/* Nesting is limited; the message points at the first node too deep. */
static void
test_depth_limit(void **state)
{
	char			 yaml[400];
	struct vx_cfg_errors	 errs = { 0 };
	struct vx_cfg_doc	*doc;
	size_t			 n = 0;

	(void)state;
	/* 64 levels below the root load; 65 do not. */
	n += (size_t)snprintf(yaml, sizeof(yaml), "a: ");
	for (int i = 0; i < 64; i++)
		yaml[n++] = '[';
	for (int i = 0; i < 64; i++)
		yaml[n++] = ']';
	yaml[n] = '\0';
	doc = load("t.yml", yaml, &errs);
	assert_non_null(doc);
	assert_int_equal(errs.n, 0);
	vx_cfg_doc_free(doc);

	n = (size_t)snprintf(yaml, sizeof(yaml), "a: ");
	for (int i = 0; i < 65; i++)
		yaml[n++] = '[';
	for (int i = 0; i < 65; i++)
		yaml[n++] = ']';
	yaml[n] = '\0';
	doc = load("t.yml", yaml, &errs);
	/* The 65th '[' is at column 3 + 65. */
	assert_null(doc);
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.msgs[0],
	    "t.yml:1:68: nesting deeper than 64 levels");
	vx_cfg_errors_release(&errs);
}

static void	write_tmp(const char *name, const void *data, size_t len,
		    char *path, size_t size);

/*
 * The depth is checked as the parser reads: 200 KB of '[' are refused at
 * the 65th (the document loader alone took 23 s to build them all).
 */
static void
test_depth_checked_while_parsing(void **state)
{
	size_t			 len = 200 * 1024;
	char			*yaml = malloc(len + 4);
	struct vx_cfg_errors	 errs = { 0 };

	(void)state;
	assert_non_null(yaml);
	memcpy(yaml, "a: ", 3);
	memset(yaml + 3, '[', len);
	yaml[len + 3] = '\0';
	assert_null(vx_cfg_doc_load_buffer("t.yml", yaml, len + 3, &errs));
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.msgs[0],
	    "t.yml:1:68: nesting deeper than 64 levels");
	vx_cfg_errors_release(&errs);
	free(yaml);
}

/*
 * Files named by the configuration (cfg_file.c): regular files of at most
 * the given size, read without blocking.
 */
static void
test_file_read(void **state)
{
	char	 path[512], why[160], data[100];
	char	*buf;
	size_t	 len = 0;

	(void)state;
	memset(data, 'x', sizeof(data));
	write_tmp("hundred", data, sizeof(data), path, sizeof(path));
	buf = vx_cfg_file_read(path, 100, &len, why, sizeof(why));
	assert_non_null(buf);
	assert_int_equal(len, 100);
	assert_int_equal(buf[100], '\0');
	free(buf);
	assert_true(vx_cfg_file_check(path, 100, why, sizeof(why)));
	assert_null(vx_cfg_file_read(path, 99, &len, why, sizeof(why)));
	assert_string_equal(why, "100 bytes, more than the 99 allowed");
	assert_false(vx_cfg_file_check(path, 99, why, sizeof(why)));
	assert_null(vx_cfg_file_read("/dev/null", 100, &len, why,
	    sizeof(why)));
	assert_string_equal(why, "a character device, not a regular file");
	snprintf(path, sizeof(path), "%s/nothere", tmpdir);
	assert_false(vx_cfg_file_check(path, 100, why, sizeof(why)));
	assert_string_equal(why, "No such file or directory");
}

/*
 * Aliases are fine in moderation: *x refers to the anchored node.
 */
static void
test_alias(void **state)
{
	struct vx_cfg_errors		 errs = { 0 };
	struct vx_cfg_doc		*doc = load("t.yml",
					    "a: &x {k: v}\nb: *x\n", &errs);
	const struct vx_cfg_node	*b;

	(void)state;
	assert_non_null(doc);
	b = vx_cfg_map_get(doc->root, "b");
	assert_non_null(b);
	assert_int_equal(b->kind, VX_CFG_MAP);
	assert_string_equal(vx_cfg_map_get(b, "k")->value, "v");
	vx_cfg_doc_free(doc);
	vx_cfg_errors_release(&errs);
}

/*
 * An alias "bomb" (each level a list of ten aliases of the previous one:
 * 10^8 leaves in a 600-byte file) must be refused quickly, not expanded
 * node by node into gigabytes.  In a child with a 1 GiB address-space
 * limit and a 20 s alarm; skipped under ASan (see VX_ASAN).
 */
static void
test_alias_bomb_refused(void **state)
{
	char	yaml[2048];
	size_t	n;
	pid_t	pid;
	int	status;

	(void)state;
#ifdef VX_ASAN
	skip();
#endif
	n = (size_t)snprintf(yaml, sizeof(yaml),
	    "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
	for (int i = 1; i <= 7; i++)
		n += (size_t)snprintf(yaml + n, sizeof(yaml) - n,
		    "l%d: &l%d [*l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, "
		    "*l%d, *l%d, *l%d]\n", i, i, i - 1, i - 1, i - 1, i - 1,
		    i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit		 rl = { 1UL << 30, 1UL << 30 };
		struct vx_cfg_errors	 errs = { 0 };
		struct vx_cfg_doc	*doc;

		signal(SIGSEGV, SIG_DFL);
		signal(SIGABRT, SIG_DFL);
		setrlimit(RLIMIT_AS, &rl);
		alarm(20);
		doc = load("t.yml", yaml, &errs);
		/*
		 * Refused for what it is, not because the expansion ran
		 * into the memory limit.
		 */
		_exit(doc == NULL && errs.n > 0 &&
		    strstr(errs.msgs[0], "out of memory") == NULL ? 0 : 1);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail_msg("alias bomb: %s %d (exit 1: loaded, or out of memory "
		    "under 1 GiB; signal 14: took over 20 s)", WIFEXITED(status) ? "exit" : "signal",
		    WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}

/*
 * A second YAML document ("---") must not be silently ignored: half a
 * configuration would load as if it were all of it.
 */
static void
test_second_document_refused(void **state)
{
	struct vx_cfg_errors	 errs = { 0 };
	struct vx_cfg_doc	*doc;

	(void)state;
	doc = load("t.yml", "a: 1\n---\nb: 2\n", &errs);
	if (doc != NULL) {
		vx_cfg_doc_free(doc);
		vx_cfg_errors_release(&errs);
		fail_msg("a file with two documents loaded without an error");
	}
	assert_true(errs.n > 0);
	assert_true(strncmp(errs.msgs[0], "t.yml:", 6) == 0);
	vx_cfg_errors_release(&errs);
}

/* Structural errors are collected too: both duplicates are reported. */
static void
test_all_duplicate_keys_reported(void **state)
{
	static const char *const want[] = {
		"t.yml:1:11: duplicate key 'x' (first at line 1)",
		"t.yml:2:11: duplicate key 'y' (first at line 2)",
		NULL,
	};
	struct vx_cfg_errors	 errs = { 0 };
	struct vx_cfg_doc	*doc;
	bool			 ok;

	(void)state;
	doc = load("t.yml", "a: {x: 1, x: 2}\nb: {y: 1, y: 2}\n", &errs);
	assert_null(doc);
	/* Released first, so that a failure leaks nothing. */
	ok = errs.n == 2 && strcmp(errs.msgs[0], want[0]) == 0 &&
	    strcmp(errs.msgs[1], want[1]) == 0;
	for (size_t i = 0; !ok && i < errs.n; i++)
		fprintf(stderr, "  got[%zu]: %s\n", i, errs.msgs[i]);
	vx_cfg_errors_release(&errs);
	if (!ok)
		fail_msg("want both duplicates reported:\n%s\n%s", want[0],
		    want[1]);
}

static void
test_load_file(void **state)
{
	struct vx_cfg_errors	 errs = { 0 };
	struct vx_cfg_doc	*doc;
	char			 want[256];

	(void)state;
	doc = vx_cfg_doc_load_file(CFG_DIR "/full.yml", &errs);
	assert_non_null(doc);
	assert_int_equal(errs.n, 0);
	assert_string_equal(doc->file, CFG_DIR "/full.yml");
	assert_string_equal(doc->dir, CFG_DIR);
	assert_non_null(vx_cfg_map_get(doc->root, "devices"));
	vx_cfg_doc_free(doc);

	doc = vx_cfg_doc_load_file(CFG_DIR "/nothere.yml", &errs);
	assert_null(doc);
	snprintf(want, sizeof(want), "%s: cannot open: No such file or "
	    "directory", CFG_DIR "/nothere.yml");
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.msgs[0], want);
	vx_cfg_errors_release(&errs);
}

static void
test_errors_list(void **state)
{
	struct vx_cfg_errors		 errs = { 0 };
	struct vx_cfg_node		 at = { .file = "f.yml", .line = 12,
					    .col = 7 };

	(void)state;
	vx_cfg_error(&errs, NULL, "plain %d", 1);
	vx_cfg_error(&errs, &at, "at %s", "node");
	for (int i = 0; i < 100; i++)
		vx_cfg_error(&errs, &at, "n%d", i);
	assert_int_equal(errs.n, 102);
	assert_string_equal(errs.msgs[0], "plain 1");
	assert_string_equal(errs.msgs[1], "f.yml:12:7: at node");
	assert_string_equal(errs.msgs[101], "f.yml:12:7: n99");
	vx_cfg_errors_release(&errs);
	assert_int_equal(errs.n, 0);
	assert_null(errs.msgs);
	vx_cfg_error(&errs, NULL, "again");
	assert_int_equal(errs.n, 1);
	vx_cfg_errors_release(&errs);
}

/* Applies yaml (a mapping) to a fresh obj with the keys table. */
static size_t
apply(const char *name, const char *yaml, struct obj *o,
    struct vx_cfg_errors *errs, uint64_t *seen, struct vx_cfg_doc **docp)
{
	struct vx_cfg_doc	*doc = load(name, yaml, errs);
	size_t			 n;

	memset(o, 0, sizeof(*o));
	if (doc == NULL)
		fail_msg("'%s' did not load: %s", yaml,
		    errs->n ? errs->msgs[0] : "?");
	n = vx_cfg_apply(errs, doc, keys, doc->root, o, "test section", seen);
	*docp = doc;
	return n;
}

static void
test_apply_all_types(void **state)
{
	static const char yaml[] =
	    "name: gw-1\n"
	    "token: INLINE-SECRET-a\n"
	    "every: 1m30s\n"
	    "count: -5\n"
	    "any: -9223372036854775808\n"
	    "on: yes\n"
	    "mode: slow\n"
	    "peers: [192.0.2.1, \"203.0.113.5\"]\n"
	    "labels: {site: fra1, rack: 12, _x: \"\"}\n"
	    "extra: {anything: [goes]}\n";
	struct vx_cfg_errors	 errs = { 0 };
	struct vx_cfg_doc	*doc;
	struct obj		 o;
	uint64_t		 seen = 0;

	(void)state;
	assert_int_equal(apply("t.yml", yaml, &o, &errs, &seen, &doc), 0);
	assert_int_equal(errs.n, 0);
	assert_string_equal(o.name, "gw-1");
	assert_string_equal(o.token.value, "INLINE-SECRET-a");
	assert_int_equal(o.every_ms, 90000);
	assert_int_equal(o.count, -5);
	assert_true(o.any == INT64_MIN);
	assert_true(o.on);
	assert_int_equal(o.mode, 1);
	assert_int_equal(o.peers.n, 2);
	assert_string_equal(o.peers.v[0], "192.0.2.1");
	assert_string_equal(o.peers.v[1], "203.0.113.5");
	assert_int_equal(o.labels.n, 6);
	assert_string_equal(o.labels.v[0], "site");
	assert_string_equal(o.labels.v[1], "fra1");
	assert_string_equal(o.labels.v[2], "rack");
	assert_string_equal(o.labels.v[3], "12");
	assert_string_equal(o.labels.v[4], "_x");
	assert_string_equal(o.labels.v[5], "");
	assert_non_null(o.extra);
	assert_int_equal(o.extra->kind, VX_CFG_MAP);
	assert_int_equal(o.extra->line, 10);
	assert_int_equal(o.extra->col, 8);
	/* Every key present: bits 0..9. */
	assert_int_equal(seen, 0x3ff);
	vx_cfg_free_fields(keys, &o);
	assert_null(o.name);
	assert_null(o.token.value);
	assert_null(o.peers.v);
	assert_int_equal(o.labels.n, 0);
	vx_cfg_doc_free(doc);
}

/* Absent keys leave the struct as it was and their seen bit clear. */
static void
test_apply_defaults_kept(void **state)
{
	struct vx_cfg_errors	 errs = { 0 };
	struct vx_cfg_doc	*doc = load("t.yml", "name: x\nmode: fast\n",
				    &errs);
	struct obj		 o;
	uint64_t		 seen = 0;

	(void)state;
	memset(&o, 0, sizeof(o));
	o.every_ms = 12345;
	o.count = 3;
	o.on = true;
	o.mode = 1;
	assert_int_equal(vx_cfg_apply(&errs, doc, keys, doc->root, &o, "s",
	    &seen), 0);
	assert_int_equal(o.every_ms, 12345);
	assert_int_equal(o.count, 3);
	assert_true(o.on);
	assert_int_equal(o.mode, 0);
	assert_null(o.token.value);
	assert_int_equal(seen, (1u << 0) | (1u << 6));
	/* seen may be NULL. */
	assert_int_equal(vx_cfg_apply(&errs, doc, keys, doc->root, &o, "s",
	    NULL), 0);
	vx_cfg_free_fields(keys, &o);
	vx_cfg_doc_free(doc);
	vx_cfg_errors_release(&errs);
}

struct bool_case {
	const char	*in;
	bool		 ok;
	bool		 want;
};

static void
test_apply_bools(void **state)
{
	static const struct bool_case cases[] = {
		{ "true", true, true }, { "yes", true, true },
		{ "false", true, false }, { "no", true, false },
		{ "1", false, false }, { "on", false, false },
		{ "maybe", false, false }, { "\"\"", false, false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vx_cfg_errors	 errs = { 0 };
		struct vx_cfg_doc	*doc;
		struct obj		 o;
		char			 yaml[64];

		snprintf(yaml, sizeof(yaml), "name: x\non: %s\n", cases[i].in);
		apply("t.yml", yaml, &o, &errs, NULL, &doc);
		if ((errs.n == 0) != cases[i].ok ||
		    (cases[i].ok && o.on != cases[i].want))
			fail_msg("case %zu '%s': %zu errors, on=%d", i,
			    cases[i].in, errs.n, o.on);
		vx_cfg_free_fields(keys, &o);
		vx_cfg_doc_free(doc);
		vx_cfg_errors_release(&errs);
	}
}

struct apply_case {
	const char	*yaml;
	const char	*want[6];
};

/* Every walker error, with its exact text. */
static void
test_apply_errors(void **state)
{
	static const struct apply_case cases[] = {
		/* 0: unknown keys, with and without a close match */
		{ "name: x\nnmae: y\nevry: 1s\nzzzzzz: 1\n", {
		    "t.yml:2:1: unknown key 'nmae' in test section (did you "
		    "mean 'name'?)",
		    "t.yml:3:1: unknown key 'evry' in test section (did you "
		    "mean 'every'?)",
		    "t.yml:4:1: unknown key 'zzzzzz' in test section", NULL } },
		/* 1: required key missing (at the mapping) */
		{ "mode: fast\n", {
		    "t.yml:1:1: missing required key 'name' in test section",
		    NULL } },
		/* 2: wrong types */
		{ "name: [a, b]\nevery: {x: 1}\ncount: [1]\non: [true]\n"
		  "mode: {a: b}\n", {
		    "t.yml:1:7: 'name' in test section must be a string, not "
		    "a list",
		    "t.yml:2:8: 'every' in test section must be a duration, "
		    "not a mapping",
		    "t.yml:3:8: 'count' in test section must be a number, not "
		    "a list",
		    "t.yml:4:5: 'on' in test section must be true or false, "
		    "not a list",
		    "t.yml:5:7: 'mode' in test section must be a string, not "
		    "a mapping",
		    NULL } },
		/* 3: lists and label maps of the wrong shape */
		{ "name: x\npeers: 192.0.2.1\nlabels: [a]\n", {
		    "t.yml:2:8: 'peers' in test section must be a list, not a "
		    "single value",
		    "t.yml:3:9: 'labels' in test section must be a mapping of "
		    "label names to values, not a list", NULL } },
		{ "name: x\npeers: [a, [b], {c: d}, \"\"]\n", {
		    "t.yml:2:12: items of 'peers' in test section must be "
		    "strings, not a list",
		    "t.yml:2:17: items of 'peers' in test section must be "
		    "strings, not a mapping",
		    "t.yml:2:25: empty item in 'peers' in test section",
		    NULL } },
		/* 5: empty string */
		{ "name: \"\"\n", {
		    "t.yml:1:7: 'name' in test section must not be empty",
		    NULL } },
		{ "name:\n", {
		    "t.yml:1:6: 'name' in test section must not be empty",
		    NULL } },
		/* 7: durations: bad text and out of range */
		{ "name: x\nevery: 30\n", {
		    "t.yml:2:8: invalid duration '30' for 'every' in test "
		    "section (use e.g. 500ms, 30s, 5m, 1h)", NULL } },
		{ "name: x\nevery: 1.5s\n", {
		    "t.yml:2:8: invalid duration '1.5s' for 'every' in test "
		    "section (use e.g. 500ms, 30s, 5m, 1h)", NULL } },
		{ "name: x\nevery: \"\"\n", {
		    "t.yml:2:8: invalid duration '' for 'every' in test "
		    "section (use e.g. 500ms, 30s, 5m, 1h)", NULL } },
		{ "name: x\nevery: 999ms\n", {
		    "t.yml:2:8: 'every' in test section must be between "
		    "1000ms and 3600000ms, not 999ms", NULL } },
		{ "name: x\nevery: 1h1ms\n", {
		    "t.yml:2:8: 'every' in test section must be between "
		    "1000ms and 3600000ms, not 1h1ms", NULL } },
		{ "name: x\nevery: 99999999999999999999d\n", {
		    "t.yml:2:8: invalid duration '99999999999999999999d' for "
		    "'every' in test section (use e.g. 500ms, 30s, 5m, 1h)",
		    NULL } },
		/* 13: integers: text, range, overflow */
		{ "name: x\ncount: 6\n", {
		    "t.yml:2:8: 'count' in test section must be between -5 "
		    "and 5, not 6", NULL } },
		{ "name: x\ncount: -6\n", {
		    "t.yml:2:8: 'count' in test section must be between -5 "
		    "and 5, not -6", NULL } },
		{ "name: x\ncount: 1.0\n", {
		    "t.yml:2:8: 'count' in test section must be a whole "
		    "number, not '1.0'", NULL } },
		{ "name: x\nany: 9223372036854775808\n", {
		    "t.yml:2:6: 'any' in test section must be a whole number, "
		    "not '9223372036854775808'", NULL } },
		{ "name: x\nany: 0x10\n", {
		    "t.yml:2:6: 'any' in test section must be a whole number, "
		    "not '0x10'", NULL } },
		/* 18: bool and enum values */
		{ "name: x\non: maybe\n", {
		    "t.yml:2:5: 'on' in test section must be true or false, "
		    "not 'maybe'", NULL } },
		{ "name: x\nmode: Fast\n", {
		    "t.yml:2:7: invalid value 'Fast' for 'mode' in test "
		    "section (expected one of: fast, slow)", NULL } },
		/* 20: label names */
		{ "name: x\nlabels:\n  2site: a\n  __x: b\n  si-te: c\n"
		  "  device: d\n  ok: [e]\n", {
		    "t.yml:3:3: invalid label name '2site' in test section "
		    "(use [a-zA-Z_][a-zA-Z0-9_]*, not starting with __)",
		    "t.yml:4:3: invalid label name '__x' in test section "
		    "(use [a-zA-Z_][a-zA-Z0-9_]*, not starting with __)",
		    "t.yml:5:3: invalid label name 'si-te' in test section "
		    "(use [a-zA-Z_][a-zA-Z0-9_]*, not starting with __)",
		    "t.yml:6:3: label name 'device' in test section is "
		    "reserved for the exporter's own labels",
		    "t.yml:7:7: value of label 'ok' in test section must be a "
		    "string, not a list", NULL } },
		/* 21: the mapping itself is not a mapping */
		{ "[name, x]\n", {
		    "t.yml:1:1: test section must be a mapping, not a list",
		    NULL } },
		{ "just text\n", {
		    "t.yml:1:1: test section must be a mapping, not a single "
		    "value", NULL } },
		/* 23: several errors of several kinds in one mapping */
		{ "nmae: x\nevery: 1x\ncount: 10\ntoken: [INLINE-SECRET-b]\n", {
		    "t.yml:1:1: unknown key 'nmae' in test section (did you "
		    "mean 'name'?)",
		    "t.yml:2:8: invalid duration '1x' for 'every' in test "
		    "section (use e.g. 500ms, 30s, 5m, 1h)",
		    "t.yml:3:8: 'count' in test section must be between -5 "
		    "and 5, not 10",
		    "t.yml:4:8: 'token' in test section must be a string, not "
		    "a list",
		    "t.yml:1:1: missing required key 'name' in test section",
		    NULL } },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vx_cfg_errors	 errs = { 0 };
		struct vx_cfg_doc	*doc;
		struct obj		 o;
		char			 what[32];
		size_t			 n, want = 0;

		snprintf(what, sizeof(what), "case %zu", i);
		n = apply("t.yml", cases[i].yaml, &o, &errs, NULL, &doc);
		while (cases[i].want[want] != NULL)
			want++;
		check_msgs(&errs, cases[i].want, what);
		if (n != want)
			fail_msg("case %zu: returned %zu, want %zu", i, n,
			    want);
		vx_cfg_free_fields(keys, &o);
		vx_cfg_doc_free(doc);
		vx_cfg_errors_release(&errs);
	}
}

/* An empty (NULL) mapping. */
static void
test_apply_null_map(void **state)
{
	struct vx_cfg_errors	errs = { 0 };
	struct obj		o;

	(void)state;
	memset(&o, 0, sizeof(o));
	assert_int_equal(vx_cfg_apply(&errs, NULL, keys, NULL, &o, "options",
	    NULL), 1);
	assert_string_equal(errs.msgs[0], "options must be a mapping, not "
	    "empty");
	vx_cfg_errors_release(&errs);
}

/* Writes a file under tmpdir; returns its full path in path. */
static void
write_tmp(const char *name, const void *data, size_t len, char *path,
    size_t size)
{
	FILE *f;

	snprintf(path, size, "%s/%s", tmpdir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	fclose(f);
}

/* Copies tmpl to dst with every "@D@" replaced by dir. */
static void
subst(char *dst, size_t size, const char *tmpl, const char *dir)
{
	size_t n = 0;

	for (const char *p = tmpl; *p != '\0' && n + 1 < size; ) {
		if (strncmp(p, "@D@", 3) == 0) {
			n += (size_t)snprintf(dst + n, size - n, "%s", dir);
			p += 3;
		} else {
			dst[n++] = *p++;
		}
	}
	assert_true(n < size);
	dst[n] = '\0';
}

struct secret_case {
	const char	*yaml;		/* @D@: the directory, see tmp */
	bool		 tmp;		/* doc lives in tmpdir, not CFG_DIR */
	const char	*want_value;	/* NULL: an error is expected */
	const char	*want_msg;	/* @D@: the same directory */
};

static void
test_secrets(void **state)
{
	static const struct secret_case cases[] = {
		/* 0: the three forms */
		{ "name: x\ntoken: INLINE-SECRET-c\n", false,
		    "INLINE-SECRET-c", NULL },
		{ "name: x\ntoken_file: secrets/community.txt\n", false,
		    "FILE-SECRET-community", NULL },
		{ "name: x\ntoken_env: VX_T_ENV_SECRET\n", false,
		    "ENV-SECRET-value", NULL },
		/* 3: one trailing CRLF is the file's, not the secret's */
		{ "name: x\ntoken_file: secrets/auth.txt\n", false,
		    "FILE-SECRET-authpass", NULL },
		/* 4: absolute path, in any directory */
		{ "name: x\ntoken_file: @D@/secrets/community.txt\n", false,
		    "FILE-SECRET-community", NULL },
		/* 5: a file that is not there */
		{ "name: x\ntoken_file: secrets/missing.txt\n", false, NULL,
		    "@D@/t.yml:2:13: cannot read token_file "
		    "'@D@/secrets/missing.txt': No such file or directory" },
		/* 6: empty, newline only, NUL inside */
		{ "name: x\ntoken_file: secrets/empty.txt\n", false, NULL,
		    "@D@/t.yml:2:13: token_file '@D@/secrets/empty.txt' is "
		    "empty or contains a NUL byte" },
		{ "name: x\ntoken_file: secrets/newline_only.txt\n", false,
		    NULL,
		    "@D@/t.yml:2:13: token_file '@D@/secrets/newline_only.txt' "
		    "is empty or contains a NUL byte" },
		{ "name: x\ntoken_file: secrets/nul.txt\n", false, NULL,
		    "@D@/t.yml:2:13: token_file '@D@/secrets/nul.txt' is empty "
		    "or contains a NUL byte" },
		/* 9: larger than 4096 bytes (written by the test) */
		{ "name: x\ntoken_file: big.txt\n", true, NULL,
		    "@D@/t.yml:2:13: token_file '@D@/big.txt' is larger than "
		    "4096 bytes" },
		/* 10: exactly 4096 bytes is fine */
		{ "name: x\ntoken_file: max.txt\n", true, "", NULL },
		/* 11: unset and empty variables */
		{ "name: x\ntoken_env: VX_T_ENV_UNSET\n", false, NULL,
		    "@D@/t.yml:2:12: 'token_env' in test section: environment "
		    "variable 'VX_T_ENV_UNSET' is not set" },
		{ "name: x\ntoken_env: VX_T_ENV_EMPTY\n", false, NULL,
		    "@D@/t.yml:2:12: 'token_env' in test section: environment "
		    "variable 'VX_T_ENV_EMPTY' is not set" },
		/* 13: two forms of one secret, in either order */
		{ "name: x\ntoken: INLINE-SECRET-d\ntoken_file: "
		  "secrets/community.txt\n", false, NULL,
		    "@D@/t.yml:3:1: 'token_file' in test section: the secret is "
		    "already set by another key (use one of KEY, KEY_file, "
		    "KEY_env)" },
		{ "name: x\ntoken_env: VX_T_ENV_SECRET\ntoken: "
		  "INLINE-SECRET-e\n", false, NULL,
		    "@D@/t.yml:3:1: 'token' in test section: the secret is "
		    "already set by another key (use one of KEY, KEY_file, "
		    "KEY_env)" },
		/* 15: a secret of the wrong shape, and a wrong suffix */
		{ "name: x\ntoken_file: [secrets/community.txt]\n", false,
		    NULL,
		    "@D@/t.yml:2:13: 'token_file' in test section must be a "
		    "string, not a list" },
		{ "name: x\ntoken_path: INLINE-SECRET-f\n", false, NULL,
		    "@D@/t.yml:2:1: unknown key 'token_path' in test section" },
		/*
		 * 17: only regular files, opened without blocking: a device
		 * that never ends, a FIFO nobody writes to, a 1 GiB sparse
		 * file and a directory are refused at once.
		 */
		{ "name: x\ntoken_file: /dev/zero\n", true, NULL,
		    "@D@/t.yml:2:13: cannot read token_file '/dev/zero': a "
		    "character device, not a regular file" },
		{ "name: x\ntoken_file: fifo\n", true, NULL,
		    "@D@/t.yml:2:13: cannot read token_file '@D@/fifo': a FIFO, "
		    "not a regular file" },
		{ "name: x\ntoken_file: sparse\n", true, NULL,
		    "@D@/t.yml:2:13: cannot read token_file '@D@/sparse': "
		    "1073741824 bytes, more than the 65536 allowed" },
		{ "name: x\ntoken_file: .\n", true, NULL,
		    "@D@/t.yml:2:13: cannot read token_file '@D@/.': a "
		    "directory, not a regular file" },
		/* 21: a symbolic link to a regular file is one */
		{ "name: x\ntoken_file: link\n", true, "FILE-SECRET-community",
		    NULL },
	};
	char	 big[5000], path[512], target[512];
	int	 fd;

	(void)state;
	memset(big, 'B', sizeof(big));
	write_tmp("big.txt", big, sizeof(big), path, sizeof(path));
	write_tmp("max.txt", big, 4096, path, sizeof(path));
	snprintf(path, sizeof(path), "%s/fifo", tmpdir);
	assert_int_equal(mkfifo(path, 0600), 0);
	snprintf(path, sizeof(path), "%s/sparse", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (off_t)1 << 30), 0);
	close(fd);
	snprintf(path, sizeof(path), "%s/link", tmpdir);
	snprintf(target, sizeof(target), "%s/secrets/community.txt", CFG_DIR);
	assert_int_equal(symlink(target, path), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct secret_case *c = &cases[i];
		const char		*dir = c->tmp ? tmpdir : CFG_DIR;
		struct vx_cfg_errors	 errs = { 0 };
		struct vx_cfg_doc	*doc;
		struct obj		 o;
		char			 name[512], yaml[512], want[1024];
		char			 what[32];

		snprintf(what, sizeof(what), "case %zu", i);
		snprintf(name, sizeof(name), "%s/t.yml", dir);
		subst(yaml, sizeof(yaml), c->yaml, dir);
		apply(name, yaml, &o, &errs, NULL, &doc);
		if (c->want_value != NULL) {
			if (errs.n != 0)
				fail_msg("case %zu: %s", i, errs.msgs[0]);
			if (i == 10) {
				assert_non_null(o.token.value);
				assert_int_equal(strlen(o.token.value), 4096);
			} else if (o.token.value == NULL ||
			    strcmp(o.token.value, c->want_value) != 0) {
				fail_msg("case %zu: value '%s'", i,
				    o.token.value ? o.token.value : "(null)");
			}
		} else {
			const char *w[] = { want, NULL };

			subst(want, sizeof(want), c->want_msg, dir);
			check_msgs(&errs, w, what);
			/* A refused secret leaves nothing behind... */
			if (i != 13 && i != 14)
				assert_null(o.token.value);
		}
		/* ...and the file contents never reach a message. */
		for (size_t k = 0; k < errs.n; k++)
			assert_null(strstr(errs.msgs[k], "BBBB"));
		check_no_secret(&errs, what);
		vx_cfg_free_fields(keys, &o);
		vx_cfg_doc_free(doc);
		vx_cfg_errors_release(&errs);
	}
}

static void
test_copies(void **state)
{
	char			*v[] = { "a", "bb", "" };
	struct vx_strlist	 src = { v, 3 }, dst, empty = { NULL, 0 };
	struct vx_secret	 s = { NULL }, d;

	(void)state;
	assert_true(vx_strlist_copy(&dst, &src));
	assert_int_equal(dst.n, 3);
	assert_true(dst.v != src.v && dst.v[1] != src.v[1]);
	assert_string_equal(dst.v[1], "bb");
	assert_string_equal(dst.v[2], "");
	vx_strlist_clear(&dst);
	assert_null(dst.v);
	assert_int_equal(dst.n, 0);
	assert_true(vx_strlist_copy(&dst, &empty));
	assert_int_equal(dst.n, 0);
	vx_strlist_clear(&dst);

	assert_true(vx_secret_copy(&d, &s));
	assert_null(d.value);
	s.value = strdup("INLINE-SECRET-g");
	assert_true(vx_secret_copy(&d, &s));
	assert_string_equal(d.value, "INLINE-SECRET-g");
	assert_true(d.value != s.value);
	vx_secret_clear(&d);
	assert_null(d.value);
	vx_secret_clear(&s);
	vx_secret_clear(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tree_positions),
		cmocka_unit_test(test_empty_and_bare_names),
		cmocka_unit_test(test_doc_errors),
		cmocka_unit_test(test_depth_limit),
		cmocka_unit_test(test_depth_checked_while_parsing),
		cmocka_unit_test(test_file_read),
		cmocka_unit_test(test_alias),
		cmocka_unit_test(test_alias_bomb_refused),
		cmocka_unit_test(test_second_document_refused),
		cmocka_unit_test(test_all_duplicate_keys_reported),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_errors_list),
		cmocka_unit_test(test_apply_all_types),
		cmocka_unit_test(test_apply_defaults_kept),
		cmocka_unit_test(test_apply_bools),
		cmocka_unit_test(test_apply_errors),
		cmocka_unit_test(test_apply_null_map),
		cmocka_unit_test(test_secrets),
		cmocka_unit_test(test_copies),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
