/*
 * The daemon's command-line flags (exporter/cli.c, vx_cli_parse): both
 * "--flag=value" and "--flag value", defaults, bad values with their exact
 * messages, unknown flags, --help and --version.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "cli.h"

/* What vx_cli_parse printed to stdout and stderr. */
struct captured {
	char	out[8192];
	char	err[2048];
};

static void
read_back(FILE *f, char *buf, size_t size)
{
	size_t n;

	rewind(f);
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
}

/* Runs vx_cli_parse on a NULL-terminated argv, capturing its output. */
static int
parse(const char *const *args, struct vx_opts *o, struct captured *cap)
{
	char	*argv[32];
	int	 argc = 0;
	FILE	*out = tmpfile(), *err = tmpfile();
	int	 saved_out, saved_err, rc;

	assert_non_null(out);
	assert_non_null(err);
	argv[argc++] = (char *)(uintptr_t)"vpn_exporter";
	for (size_t i = 0; args[i] != NULL; i++)
		argv[argc++] = (char *)(uintptr_t)args[i];
	argv[argc] = NULL;
	fflush(stdout);
	fflush(stderr);
	saved_out = dup(STDOUT_FILENO);
	saved_err = dup(STDERR_FILENO);
	dup2(fileno(out), STDOUT_FILENO);
	dup2(fileno(err), STDERR_FILENO);
	rc = vx_cli_parse(argc, argv, o);
	fflush(stdout);
	fflush(stderr);
	dup2(saved_out, STDOUT_FILENO);
	dup2(saved_err, STDERR_FILENO);
	close(saved_out);
	close(saved_err);
	read_back(out, cap->out, sizeof(cap->out));
	read_back(err, cap->err, sizeof(cap->err));
	return rc;
}

static void
test_defaults(void **state)
{
	static const char *const none[] = { NULL };
	struct vx_opts		o;
	struct captured		cap;

	(void)state;
	memset(&o, 0x5a, sizeof(o));
	assert_int_equal(parse(none, &o, &cap), 0);
	assert_string_equal(o.config_file, "vpn_exporter.yml");
	assert_int_equal(o.nlisten, 1);
	assert_string_equal(o.listen[0], ":10039");
	assert_false(o.systemd_socket);
	assert_int_equal(o.probe_workers, 1024);
	assert_false(o.probe_nice);
	assert_null(o.web_config_file);
	assert_string_equal(o.metrics_path, "/metrics");
	assert_int_equal(o.log_level, VX_LOG_INFO);
	assert_int_equal(o.log_format, VX_LOGFMT_LOGFMT);
	assert_false(o.dry_run);
	assert_int_equal(o.workers, 64);
	assert_int_equal(o.timeout_offset_ms, 500);
	assert_string_equal(cap.out, "");
	assert_string_equal(cap.err, "");
}

/* Every flag, in both forms, lands in its field. */
static void
test_both_forms(void **state)
{
	static const char *const eq[] = {
		"--config.file=/etc/vpn.yml", "--web.listen-address=127.0.0.1:9999",
		"--web.config.file=web.yml", "--web.telemetry-path=/m",
		"--log.level=debug", "--log.format=json", "--poll.workers=8",
		"--probe.timeout-offset=1s250ms", "--dry-run", NULL,
	};
	static const char *const sp[] = {
		"--config.file", "/etc/vpn.yml", "--web.listen-address",
		"127.0.0.1:9999", "--web.config.file", "web.yml",
		"--web.telemetry-path", "/m", "--log.level", "debug",
		"--log.format", "json", "--poll.workers", "8",
		"--probe.timeout-offset", "1s250ms", "--dry-run", NULL,
	};
	const char *const *forms[] = { eq, sp };

	(void)state;
	for (size_t f = 0; f < 2; f++) {
		struct vx_opts	o;
		struct captured	cap;

		if (parse(forms[f], &o, &cap) != 0)
			fail_msg("form %zu: %s", f, cap.err);
		assert_string_equal(o.config_file, "/etc/vpn.yml");
		assert_int_equal(o.nlisten, 1);
		assert_string_equal(o.listen[0], "127.0.0.1:9999");
		assert_string_equal(o.web_config_file, "web.yml");
		assert_string_equal(o.metrics_path, "/m");
		assert_int_equal(o.log_level, VX_LOG_DEBUG);
		assert_int_equal(o.log_format, VX_LOGFMT_JSON);
		assert_true(o.dry_run);
		assert_int_equal(o.workers, 8);
		assert_int_equal(o.timeout_offset_ms, 1250);
		assert_string_equal(cap.err, "");
	}
}

struct value_case {
	const char	*args[4];
	int		 rc;
	const char	*err;		/* exact stderr */
};

static void
test_values(void **state)
{
	static const struct value_case cases[] = {
		/* 0: accepted edge values */
		{ { "--poll.workers=1", NULL }, 0, "" },
		{ { "--poll.workers=4096", NULL }, 0, "" },
		{ { "--log.level=warn", NULL }, 0, "" },
		{ { "--log.level=error", NULL }, 0, "" },
		{ { "--probe.timeout-offset=0s", NULL }, 0, "" },
		/* The last of a repeated flag wins. */
		{ { "--log.level=debug", "--log.level=error", NULL }, 0, "" },
		/* 6: refused values */
		{ { "--poll.workers=0", NULL }, -1,
		    "vpn_exporter: invalid --poll.workers '0' (1 to 4096)\n" },
		{ { "--poll.workers=4097", NULL }, -1,
		    "vpn_exporter: invalid --poll.workers '4097' (1 to 4096)\n" },
		{ { "--poll.workers=-1", NULL }, -1,
		    "vpn_exporter: invalid --poll.workers '-1' (1 to 4096)\n" },
		{ { "--poll.workers", "many", NULL }, -1,
		    "vpn_exporter: invalid --poll.workers 'many' (1 to 4096)\n" },
		{ { "--poll.workers=", NULL }, -1,
		    "vpn_exporter: invalid --poll.workers '' (1 to 4096)\n" },
		{ { "--poll.workers=99999999999999999999", NULL }, -1,
		    "vpn_exporter: invalid --poll.workers "
		    "'99999999999999999999' (1 to 4096)\n" },
		{ { "--log.level=verbose", NULL }, -1,
		    "vpn_exporter: invalid --log.level 'verbose' (debug, info, "
		    "warn, error)\n" },
		{ { "--log.level", "INFO", NULL }, -1,
		    "vpn_exporter: invalid --log.level 'INFO' (debug, info, "
		    "warn, error)\n" },
		{ { "--log.format=text", NULL }, -1,
		    "vpn_exporter: invalid --log.format 'text' (logfmt, json)\n" },
		{ { "--probe.timeout-offset=500", NULL }, -1,
		    "vpn_exporter: invalid --probe.timeout-offset '500' (e.g. "
		    "500ms)\n" },
		{ { "--probe.timeout-offset", "-1s", NULL }, -1,
		    "vpn_exporter: invalid --probe.timeout-offset '-1s' (e.g. "
		    "500ms)\n" },
		{ { "--web.telemetry-path=/", NULL }, -1,
		    "vpn_exporter: --web.telemetry-path must start with '/' and "
		    "not be '/'\n" },
		{ { "--web.telemetry-path=metrics", NULL }, -1,
		    "vpn_exporter: --web.telemetry-path must start with '/' and "
		    "not be '/'\n" },
		{ { "--probe.workers=0", NULL }, -1,
		    "vpn_exporter: invalid --probe.workers '0' (1 to 4096)\n" },
		{ { "--probe.workers", "x", NULL }, -1,
		    "vpn_exporter: invalid --probe.workers 'x' (1 to 4096)\n" },
		/* 21: unknown flags, including look-alikes of known ones */
		{ { "--nope", NULL }, -1,
		    "vpn_exporter: unknown flag '--nope' (see --help)\n" },
		{ { "--config.filex=y", NULL }, -1,
		    "vpn_exporter: unknown flag '--config.filex=y' (see --help)\n" },
		{ { "--dry-run=true", NULL }, -1,
		    "vpn_exporter: unknown flag '--dry-run=true' (see --help)\n" },
		{ { "-config.file=x", NULL }, -1,
		    "vpn_exporter: unknown flag '-config.file=x' (see --help)\n" },
		{ { "config.yml", NULL }, -1,
		    "vpn_exporter: unknown flag 'config.yml' (see --help)\n" },
		/* 26: an error stops at the first bad flag */
		{ { "--log.level=bad", "--nope", NULL }, -1,
		    "vpn_exporter: invalid --log.level 'bad' (debug, info, warn, "
		    "error)\n" },
		/* 27 */
		{ { "--probe.scheduling=fifo", NULL }, -1,
		    "vpn_exporter: invalid --probe.scheduling 'fifo' (idle, "
		    "nice)\n" },
		{ { "--probe.scheduling", NULL }, -1,
		    "vpn_exporter: flag '--probe.scheduling' needs a value "
		    "(--probe.scheduling=VALUE)\n" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vx_opts	o;
		struct captured	cap;
		int		rc = parse(cases[i].args, &o, &cap);

		if (rc != cases[i].rc || strcmp(cap.err, cases[i].err) != 0)
			fail_msg("case %zu ('%s'): rc %d, want %d; stderr '%s', "
			    "want '%s'", i, cases[i].args[0], rc, cases[i].rc,
			    cap.err, cases[i].err);
		assert_string_equal(cap.out, "");
	}
}

/*
 * --web.listen-address may be repeated (the first replaces the default);
 * the other flags of this change land in their fields.
 */
static void
test_listen_repeated(void **state)
{
	static const char *const args[] = {
		"--web.listen-address=127.0.0.1:1", "--web.listen-address",
		"[::1]:2", "--web.systemd-socket", "--probe.workers=7",
		"--probe.scheduling", "nice", NULL,
	};
	const char	*many[VX_LISTEN_MAX + 3];
	struct vx_opts	 o;
	struct captured	 cap;

	(void)state;
	assert_int_equal(parse(args, &o, &cap), 0);
	assert_int_equal(o.nlisten, 2);
	assert_string_equal(o.listen[0], "127.0.0.1:1");
	assert_string_equal(o.listen[1], "[::1]:2");
	assert_true(o.systemd_socket);
	assert_int_equal(o.probe_workers, 7);
	assert_true(o.probe_nice);
	for (size_t i = 0; i < VX_LISTEN_MAX + 1; i++)
		many[i] = "--web.listen-address=:1";
	many[VX_LISTEN_MAX + 1] = NULL;
	assert_int_equal(parse(many, &o, &cap), -1);
	assert_string_equal(cap.err, "vpn_exporter: at most 16 "
	    "--web.listen-address flags\n");
	many[VX_LISTEN_MAX] = NULL;
	assert_int_equal(parse(many, &o, &cap), 0);
	assert_int_equal(o.nlisten, VX_LISTEN_MAX);
}

/* The space form takes the next argument as the value, whatever it is. */
static void
test_space_form_takes_next(void **state)
{
	static const char *const args[] = {
		"--config.file", "--dry-run", NULL,
	};
	struct vx_opts	o;
	struct captured	cap;

	(void)state;
	assert_int_equal(parse(args, &o, &cap), 0);
	assert_string_equal(o.config_file, "--dry-run");
	assert_false(o.dry_run);
}

static void
test_help_and_version(void **state)
{
	static const char *const h[] = { "-h", NULL };
	static const char *const help[] = { "--log.level=bad", NULL };
	static const char *const help2[] = { "--help", "--nope", NULL };
	static const char *const ver[] = { "--version", NULL };
	struct vx_opts		 o;
	struct captured		 cap;

	(void)state;
	assert_int_equal(parse(h, &o, &cap), 1);
	assert_true(strncmp(cap.out, "usage: vpn_exporter", 19) == 0);
	/* Every flag is documented. */
	assert_non_null(strstr(cap.out, "--config.file"));
	assert_non_null(strstr(cap.out, "--web.listen-address=:10039"));
	assert_non_null(strstr(cap.out, "--web.config.file"));
	assert_non_null(strstr(cap.out, "--web.telemetry-path"));
	assert_non_null(strstr(cap.out, "--log.level"));
	assert_non_null(strstr(cap.out, "--log.format"));
	assert_non_null(strstr(cap.out, "--poll.workers"));
	assert_non_null(strstr(cap.out, "--probe.timeout-offset"));
	assert_non_null(strstr(cap.out, "--probe.workers"));
	assert_non_null(strstr(cap.out, "--web.systemd-socket"));
	assert_non_null(strstr(cap.out, "--dry-run"));
	assert_string_equal(cap.err, "");
	/* --help before a bad flag wins; after one, the error does. */
	assert_int_equal(parse(help2, &o, &cap), 1);
	assert_string_equal(cap.err, "");
	assert_int_equal(parse(help, &o, &cap), -1);
	assert_string_equal(cap.out, "");
	assert_int_equal(parse(ver, &o, &cap), 1);
	assert_true(strncmp(cap.out, "vpn_exporter, version ", 22) == 0);
	assert_non_null(strstr(cap.out, "(revision: "));
	assert_non_null(strstr(cap.out, "compiler: "));
	assert_string_equal(cap.err, "");
}

/*
 * A value flag given last, without its value, is a missing value, not an
 * unknown flag: the message must not send the user looking for a typo.
 */
static void
test_missing_value_message(void **state)
{
	static const char *const flags[] = {
		"--config.file", "--web.listen-address", "--log.level",
		"--poll.workers", NULL,
	};
	size_t failed = 0;

	(void)state;
	for (size_t i = 0; flags[i] != NULL; i++) {
		const char	*args[] = { flags[i], NULL };
		struct vx_opts	 o;
		struct captured	 cap;

		assert_int_equal(parse(args, &o, &cap), -1);
		assert_non_null(strstr(cap.err, flags[i]));
		if (strstr(cap.err, "unknown flag") != NULL) {
			fprintf(stderr, "%s without a value: %s", flags[i],
			    cap.err);
			failed++;
		}
	}
	if (failed > 0)
		fail_msg("%zu flags without a value called unknown", failed);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_both_forms),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_space_form_takes_next),
		cmocka_unit_test(test_listen_repeated),
		cmocka_unit_test(test_help_and_version),
		cmocka_unit_test(test_missing_value_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
