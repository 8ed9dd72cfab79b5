/*
 * A whole multi-device exposition, with self-metrics, a stale device, an
 * expected-but-down tunnel and hostile strings, checked by the real parser
 * and linter: "promtool check metrics" (text format 0.0.4).  Exits 77
 * (skipped) when promtool is missing, unless CI=true.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "model.h"
#include "render.h"
#include "strbuf.h"
#include "test_snapshots.h"

static const char *promtool;

/* Runs promtool check metrics on text; its output goes to out. */
static int
promtool_check(const char *text, char *out, size_t outlen)
{
	char	 path[] = "/tmp/vx_render_XXXXXX";
	char	 cmd[512];
	int	 fd = mkstemp(path);
	FILE	*p;
	size_t	 n;
	int	 status;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	snprintf(cmd, sizeof(cmd), "'%s' check metrics < '%s' 2>&1", promtool,
	    path);
	p = popen(cmd, "r");
	assert_non_null(p);
	n = fread(out, 1, outlen - 1, p);
	out[n] = '\0';
	status = pclose(p);
	unlink(path);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/*
 * Renders the multi-device exposition and checks it: that it parses, and
 * if lint is set, that promtool has no naming complaint either.
 */
static void
check_exposition(bool lint)
{
	static const struct vx_selfstats self = {
		.version = "0.1.0", .revision = "abc123", .compiler = "gcc",
		.reload_ok = true, .reload_success_ms = INT64_C(1700000000500),
		.ndevices = 4,
		.proc = { true, 1.5, 4096, 8192, 9, 1024, 1700000000.25 },
	};
	struct vx_snapshot	*snaps[5];
	struct vx_strbuf	 sb;
	char			 out[16384];
	int			 rc;

	for (int i = 0; i < 3; i++)
		snaps[i] = vxt_busy_snapshot(i);
	snaps[1]->stale = true;
	snaps[3] = NULL;
	/* Hostile device strings still make a valid exposition. */
	snaps[4] = vx_snapshot_new("we\"ird\\dev\nice\xff");
	snaps[4]->collected_ms = 1;
	vx_snapshot_add_label(snaps[4], "site", "a\"b\\c\nd\xc0\xaf");
	vx_snapshot_tunnel(snaps[4], "na\"me\\\n\xed\xa0\x80", "p\xe2\x82");
	vx_snapshot_add_drop(snaps[4], "frame", "r\"\\\n\xf8", 1);
	vx_strbuf_init(&sb, 0);
	vx_render(&sb, VX_FMT_TEXT, snaps, 5, &self);
	assert_false(sb.failed);
	rc = promtool_check(sb.buf, out, sizeof(out));
	/* Exit 1 is a parse error; 3 means parsed but lint problems. */
	if (rc != 0 && rc != 3)
		fail_msg("promtool check metrics: exit %d\n%s\n--- input:\n%s",
		    rc, out, sb.buf);
	vx_strbuf_release(&sb);
	for (int i = 0; i < 5; i++)
		vx_snapshot_unref(snaps[i]);
	/* Clean: exit 0 and nothing printed. */
	if (lint && (rc != 0 || out[0] != '\0'))
		fail_msg("promtool lint (exit %d):\n%s", rc, out);
}

static void
test_promtool_parses(void **state)
{
	(void)state;
	check_exposition(false);
}

/* Metric names follow the Prometheus conventions promtool lints for. */
static void
test_promtool_lint_clean(void **state)
{
	(void)state;
	check_exposition(true);
}

/* The checker really checks: broken expositions are refused. */
static void
test_promtool_refuses_broken(void **state)
{
	static const char *const broken[] = {
		"x{a=\"b} 1\n",
		"x{a=\"b\"} 1\nx{a=\"b\"} 2\n# TYPE x counter\n",
		"# TYPE x gauge\nx 1\n# TYPE x gauge\nx 2\n",
		"x{a=\"\xff\"} 1\n",
	};
	char out[4096];

	(void)state;
	for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
		if (promtool_check(broken[i], out, sizeof(out)) == 0)
			fail_msg("case %zu: promtool accepted:\n%s", i,
			    broken[i]);
	}
}

int
main(void)
{
	static const char *const paths[] = {
		"/usr/bin/promtool", "/usr/local/bin/promtool", NULL,
	};
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_promtool_parses),
		cmocka_unit_test(test_promtool_lint_clean),
		cmocka_unit_test(test_promtool_refuses_broken),
	};
	const char *env = getenv("PROMTOOL");
	const char *ci = getenv("CI");

	if (env != NULL && access(env, X_OK) == 0)
		promtool = env;
	for (size_t i = 0; promtool == NULL && paths[i] != NULL; i++) {
		if (access(paths[i], X_OK) == 0)
			promtool = paths[i];
	}
	if (promtool == NULL) {
		if (ci != NULL && strcmp(ci, "true") == 0) {
			fprintf(stderr, "promtool not found, and CI=true\n");
			return 1;
		}
		fprintf(stderr, "promtool not found: skipped\n");
		return 77;
	}
	return cmocka_run_group_tests(tests, NULL, NULL);
}
