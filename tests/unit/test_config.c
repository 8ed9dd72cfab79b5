/*
 * The vpn_exporter.yml loader (exporter/config.c) with the cisco_asa_snmp
 * collector's own option checks (collectors/cisco_asa/asa_snmp.c):
 * a full valid file (tests/fixtures/config/full.yml) with defaults,
 * overrides, labels, expected peers and every secret form; a file with
 * several mistakes, all reported in one load (errors.yml); and one case
 * per error kind with its exact "file:line:col: message".  No message may
 * contain a secret.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "config.h"
#include "registry.h"
#include "strbuf.h"

#define CFG_DIR		VX_FIXTURE_DIR "/config"

static char	tmpdir[64];
static char	oldcwd[1024];

static void
write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
	fclose(f);
}

/*
 * The inline cases run in a scratch directory, so that messages start
 * with "c.yml:" and relative secret files are found next to it.
 */
static int
group_setup(void **state)
{
	(void)state;
	if (getcwd(oldcwd, sizeof(oldcwd)) == NULL)
		return -1;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/vx_config_XXXXXX");
	if (mkdtemp(tmpdir) == NULL || chdir(tmpdir) != 0)
		return -1;
	write_file("sec.txt", "FILE-SECRET-community\n");
	write_file("empty.txt", "");
	write_file("short.txt", "SECRET7\n");	/* 7 characters */
	setenv("VX_T_ENV_SECRET", "ENV-SECRET-community", 1);
	unsetenv("VX_T_UNSET_VAR");
	setenv("VX_TEST_PRIV_PASSWORD", "ENV-SECRET-priv", 1);
	return 0;
}

static int
group_teardown(void **state)
{
	char cmd[128];

	(void)state;
	if (chdir(oldcwd) != 0)
		return -1;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

/* No message may hold any secret text used by these tests. */
static void
check_no_secret(const struct vx_cfg_errors *errs, const char *what)
{
	for (size_t i = 0; i < errs->n; i++) {
		if (strstr(errs->msgs[i], "SECRET") != NULL ||
		    strstr(errs->msgs[i], "hunter2") != NULL)
			fail_msg("%s: message %zu leaks a secret: %s", what, i,
			    errs->msgs[i]);
	}
}

/*
 * Compares all messages with want (NULL-terminated), in order, and checks
 * them for secrets.  Prints what differs and returns false on mismatch.
 */
static bool
msgs_match(const struct vx_cfg_errors *errs, const char *const *want,
    const char *what)
{
	size_t n = 0;

	while (want[n] != NULL)
		n++;
	for (size_t i = 0; i < errs->n || i < n; i++) {
		const char *g = i < errs->n ? errs->msgs[i] : "(none)";
		const char *w = i < n ? want[i] : "(none)";

		if (strcmp(g, w) != 0) {
			fprintf(stderr, "%s: message %zu:\n got: %s\nwant: %s\n",
			    what, i, g, w);
			for (size_t k = 0; k < errs->n; k++)
				fprintf(stderr, "  got[%zu]: %s\n", k,
				    errs->msgs[k]);
			return false;
		}
	}
	check_no_secret(errs, what);
	return true;
}

static void
check_msgs(const struct vx_cfg_errors *errs, const char *const *want,
    const char *what)
{
	if (!msgs_match(errs, want, what))
		fail_msg("%s: messages differ (above)", what);
}

static struct vx_config *
load_full(struct vx_cfg_errors *errs)
{
	struct vx_config *cfg = vx_config_load(CFG_DIR "/full.yml", errs);

	if (cfg == NULL)
		fail_msg("full.yml: %s", errs->n ? errs->msgs[0] : "?");
	assert_int_equal(errs->n, 0);
	return cfg;
}

static void
test_full(void **state)
{
	struct vx_cfg_errors		 errs = { 0 };
	struct vx_config		*cfg = load_full(&errs);
	struct vx_device_cfg		*d;
	const struct vx_collector_ops	*snmp = vx_collector_find(
					    "cisco_asa_snmp");

	(void)state;
	assert_non_null(snmp);
	assert_string_equal(cfg->path, CFG_DIR "/full.yml");
	assert_int_equal(cfg->defaults.interval_ms, 30000);
	assert_int_equal(cfg->defaults.timeout_ms, 5000);
	assert_int_equal(cfg->defaults.retries, 2);
	assert_false(cfg->defaults.background);
	assert_true(cfg->defaults.probe_fresh);
	assert_int_equal(cfg->ndevices, 3);

	/* asa-hq: everything inherited; labels; expected peers; _file. */
	d = &cfg->devices[0];
	assert_string_equal(d->name, "asa-hq");
	assert_string_equal(d->vendor, "cisco_asa");
	assert_string_equal(d->address, "192.0.2.10");
	assert_int_equal(d->interval_ms, 30000);
	assert_int_equal(d->timeout_ms, 5000);
	assert_int_equal(d->retries, 2);
	assert_false(d->background);
	assert_true(d->probe_fresh);
	assert_int_equal(d->labels.n, 4);
	assert_string_equal(d->labels.v[0], "site");
	assert_string_equal(d->labels.v[1], "fra1");
	assert_string_equal(d->labels.v[2], "tier");
	assert_string_equal(d->labels.v[3], "hub");
	assert_int_equal(d->expected_peers.n, 2);
	assert_string_equal(d->expected_peers.v[0], "198.51.100.7");
	assert_string_equal(d->expected_peers.v[1], "203.0.113.5");
	/* The collector's view of the device. */
	assert_string_equal(d->target.device, "asa-hq");
	assert_string_equal(d->target.address, "192.0.2.10");
	assert_int_equal(d->target.timeout_ms, 5000);
	assert_int_equal(d->target.retries, 2);
	assert_ptr_equal(d->target.expected_peers, &d->expected_peers);
	assert_int_equal(d->ncollectors, 1);
	assert_ptr_equal(d->collectors[0].ops, snmp);
	assert_non_null(d->collectors[0].state);

	/* asa-branch: every default overridden; v3 with _file and _env. */
	d = &cfg->devices[1];
	assert_string_equal(d->name, "asa-branch");
	assert_string_equal(d->address, "asa-branch.example.net");
	assert_int_equal(d->interval_ms, 120000);
	assert_int_equal(d->timeout_ms, 90000);
	assert_int_equal(d->retries, 0);
	assert_true(d->background);
	assert_false(d->probe_fresh);
	assert_int_equal(d->target.timeout_ms, 90000);
	assert_int_equal(d->target.retries, 0);
	assert_int_equal(d->labels.n, 0);
	assert_int_equal(d->expected_peers.n, 0);
	assert_int_equal(d->ncollectors, 1);
	assert_non_null(d->collectors[0].state);

	/* asa-lab: inline secret, empty labels. */
	d = &cfg->devices[2];
	assert_string_equal(d->name, "asa-lab");
	assert_int_equal(d->interval_ms, 30000);
	assert_true(d->probe_fresh);
	assert_int_equal(d->labels.n, 0);
	assert_int_equal(d->ncollectors, 1);

	assert_ptr_equal(vx_config_device(cfg, "asa-lab"), &cfg->devices[2]);
	assert_ptr_equal(vx_config_device(cfg, "asa-hq"), &cfg->devices[0]);
	assert_null(vx_config_device(cfg, "asa"));
	assert_null(vx_config_device(cfg, "asa-hq "));
	vx_config_free(cfg);
	vx_config_free(NULL);
	vx_cfg_errors_release(&errs);
}

/* The full file's _env secret, unset: one error, at its value. */
static void
test_full_env_unset(void **state)
{
	static const char *const want[] = {
		CFG_DIR "/full.yml:41:28: 'priv_password_env' in "
		"cisco_asa_snmp of device 'asa-branch': environment variable "
		"'VX_TEST_PRIV_PASSWORD' is not set",
		NULL,
	};
	struct vx_cfg_errors	 errs = { 0 };
	struct vx_config	*cfg;

	(void)state;
	unsetenv("VX_TEST_PRIV_PASSWORD");
	cfg = vx_config_load(CFG_DIR "/full.yml", &errs);
	setenv("VX_TEST_PRIV_PASSWORD", "ENV-SECRET-priv", 1);
	assert_null(cfg);
	check_msgs(&errs, want, "env unset");
	vx_cfg_errors_release(&errs);
}

/*
 * Fingerprints: the same file gives the same fingerprints; a rotated
 * secret file changes only its device's; an inherited default changes
 * every device that inherits it.
 */
static void
test_fingerprints(void **state)
{
	struct vx_cfg_errors	 errs = { 0 };
	struct vx_config	*a, *b;
	char			 fp[3][4096];
	FILE			*in;
	struct vx_strbuf	 text, edited;
	char			 buf[4096];
	size_t			 n;
	char			*p;

	(void)state;
	a = load_full(&errs);
	b = load_full(&errs);
	for (size_t i = 0; i < 3; i++) {
		assert_string_equal(a->devices[i].fingerprint,
		    b->devices[i].fingerprint);
		snprintf(fp[i], sizeof(fp[i]), "%s", a->devices[i].fingerprint);
	}
	assert_string_not_equal(fp[0], fp[1]);
	assert_string_not_equal(fp[0], fp[2]);
	assert_string_not_equal(fp[1], fp[2]);
	vx_config_free(a);
	vx_config_free(b);

	/* A copy of full.yml in the scratch directory with its secrets. */
	in = fopen(CFG_DIR "/full.yml", "rb");
	assert_non_null(in);
	vx_strbuf_init(&text, 0);
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		vx_strbuf_add(&text, buf, n);
	fclose(in);
	assert_int_equal(mkdir("secrets", 0700) == 0 || access("secrets",
	    F_OK) == 0, 1);
	write_file("secrets/community.txt", "FILE-SECRET-community\n");
	write_file("secrets/auth.txt", "FILE-SECRET-authpass\n");
	write_file("full.yml", text.buf);
	a = vx_config_load("full.yml", &errs);
	assert_non_null(a);
	write_file("secrets/community.txt", "FILE-SECRET-rotated\n");
	b = vx_config_load("full.yml", &errs);
	assert_non_null(b);
	assert_string_not_equal(a->devices[0].fingerprint,
	    b->devices[0].fingerprint);
	assert_string_equal(a->devices[1].fingerprint,
	    b->devices[1].fingerprint);
	assert_string_equal(a->devices[2].fingerprint,
	    b->devices[2].fingerprint);
	vx_config_free(b);

	/* defaults.interval 30s -> 40s: asa-hq and asa-lab inherit it. */
	p = strstr(text.buf, "interval: 30s");
	assert_non_null(p);
	p[10] = '4';
	write_file("full.yml", text.buf);
	b = vx_config_load("full.yml", &errs);
	assert_non_null(b);
	assert_int_equal(b->devices[0].interval_ms, 40000);
	assert_string_not_equal(a->devices[0].fingerprint,
	    b->devices[0].fingerprint);
	assert_string_equal(a->devices[1].fingerprint,
	    b->devices[1].fingerprint);
	assert_string_not_equal(a->devices[2].fingerprint,
	    b->devices[2].fingerprint);
	vx_config_free(a);
	a = b;

	/* defaults.probe_fresh: the same two, not asa-branch (its own). */
	p = strstr(text.buf, "  probe_fresh: true\n");
	assert_non_null(p);
	vx_strbuf_init(&edited, 0);
	vx_strbuf_add(&edited, text.buf, (size_t)(p - text.buf));
	vx_strbuf_addstr(&edited, "  probe_fresh: false\n");
	vx_strbuf_addstr(&edited, p + 20);
	write_file("full.yml", edited.buf);
	vx_strbuf_release(&edited);
	b = vx_config_load("full.yml", &errs);
	assert_non_null(b);
	assert_false(b->devices[0].probe_fresh);
	assert_string_not_equal(a->devices[0].fingerprint,
	    b->devices[0].fingerprint);
	assert_string_equal(a->devices[1].fingerprint,
	    b->devices[1].fingerprint);
	assert_string_not_equal(a->devices[2].fingerprint,
	    b->devices[2].fingerprint);
	vx_config_free(a);
	vx_config_free(b);
	vx_strbuf_release(&text);
	assert_int_equal(errs.n, 0);
	vx_cfg_errors_release(&errs);
}

/*
 * A known_hosts file that grows (accept-new records a key) leaves the
 * fingerprints of the devices sharing it alone; a rotated key file does
 * not.
 */
static void
test_fingerprint_known_hosts(void **state)
{
	static const char text[] =
	    "devices:\n"
	    "  - name: asa-a\n"
	    "    vendor: cisco_asa\n"
	    "    address: 192.0.2.1\n"
	    "    collectors:\n"
	    "      cisco_asa_ssh:\n"
	    "        username: monitor\n"
	    "        private_key_file: fp_key\n"
	    "        known_hosts_file: fp_known_hosts\n"
	    "        host_key_policy: accept-new\n";
	struct vx_cfg_errors	 errs = { 0 };
	struct vx_config	*a, *b;

	(void)state;
	write_file("fp.yml", text);
	write_file("fp_key", "KEY-1\n");
	write_file("fp_known_hosts", "[192.0.2.9]:22 ssh-ed25519 AAAA\n");
	a = vx_config_load("fp.yml", &errs);
	assert_non_null(a);
	write_file("fp_known_hosts", "[192.0.2.9]:22 ssh-ed25519 AAAA\n"
	    "[192.0.2.1]:22 ssh-ed25519 BBBB\n");
	b = vx_config_load("fp.yml", &errs);
	assert_non_null(b);
	assert_string_equal(a->devices[0].fingerprint,
	    b->devices[0].fingerprint);
	vx_config_free(b);
	write_file("fp_key", "KEY-2\n");
	b = vx_config_load("fp.yml", &errs);
	assert_non_null(b);
	assert_string_not_equal(a->devices[0].fingerprint,
	    b->devices[0].fingerprint);
	vx_config_free(a);
	vx_config_free(b);
	assert_int_equal(errs.n, 0);
	vx_cfg_errors_release(&errs);
}

/* errors.yml: every independent mistake in one run, in file order. */
static void
test_many_errors_one_run(void **state)
{
	static const char *const want[] = {
		CFG_DIR "/errors.yml:6:3: unknown key 'timout' in defaults "
		"(did you mean 'timeout'?)",
		CFG_DIR "/errors.yml:12:14: 'retries' in device 'asa-1' must be "
		"between 0 and 10, not 11",
		CFG_DIR "/errors.yml:19:5: unknown key 'adress' in device "
		"'asa-2' (did you mean 'address'?)",
		CFG_DIR "/errors.yml:17:5: missing required key 'address' in "
		"device 'asa-2'",
		CFG_DIR "/errors.yml:25:13: unknown vendor 'juniper' in device "
		"'asa-3'",
		CFG_DIR "/errors.yml:35:7: label name 'device' in device 'asa-4' "
		"is reserved for the exporter's own labels",
		CFG_DIR "/errors.yml:44:14: timeout (20000ms) of device 'asa-5' "
		"must not exceed its interval (10000ms)",
		CFG_DIR "/errors.yml:47:25: cannot read community_file '" CFG_DIR
		"/secrets/missing.txt': No such file or directory",
		CFG_DIR "/errors.yml:57:29: priv_password_file '" CFG_DIR
		"/secrets/empty.txt' is empty or contains a NUL byte",
		CFG_DIR "/errors.yml:59:11: duplicate device name 'asa-5'",
		NULL,
	};
	struct vx_cfg_errors	 errs = { 0 };
	struct vx_config	*cfg;

	(void)state;
	cfg = vx_config_load(CFG_DIR "/errors.yml", &errs);
	assert_null(cfg);
	check_msgs(&errs, want, "errors.yml");
	vx_cfg_errors_release(&errs);
}

/* Appended to errs: the loader keeps what was there before. */
static void
test_errors_appended(void **state)
{
	struct vx_cfg_errors	 errs = { 0 };
	struct vx_config	*cfg;

	(void)state;
	vx_cfg_error(&errs, NULL, "earlier");
	cfg = vx_config_load(CFG_DIR "/full.yml", &errs);
	/* An earlier, unrelated message does not fail this load. */
	assert_non_null(cfg);
	assert_int_equal(errs.n, 1);
	vx_config_free(cfg);
	cfg = vx_config_load(CFG_DIR "/nothere.yml", &errs);
	assert_null(cfg);
	assert_int_equal(errs.n, 2);
	assert_string_equal(errs.msgs[0], "earlier");
	assert_string_equal(errs.msgs[1], CFG_DIR "/nothere.yml: cannot "
	    "open: No such file or directory");
	vx_cfg_errors_release(&errs);
}

struct load_case {
	const char	*name;
	const char	*yaml;
	const char	*want[8];	/* NULL-terminated; none: loads */
};

/* A device "a" up to its collectors (lines 1-4). */
#define H	"devices:\n  - name: a\n    vendor: cisco_asa\n" \
		"    address: 192.0.2.1\n"
/* A v2c collector with an inline community. */
#define C	"    collectors:\n      cisco_asa_snmp:\n" \
		"        community: INLINE-SECRET\n"
/* The start of cisco_asa_snmp's options (its keys are on line 7). */
#define S	"    collectors:\n      cisco_asa_snmp:\n"
#define SNMP	"cisco_asa_snmp of device 'a'"

static const struct load_case cases[] = {
	/* Structure */
	{ "syntax", "devices:\n  - name: a\n   vendor: x\n", {
	    "c.yml:3:4: YAML syntax error: did not find expected '-' "
	    "indicator while parsing a block collection", NULL } },
	{ "tab", "devices:\n\t- name: a\n", {
	    "c.yml:2:1: YAML syntax error: found character that cannot start "
	    "any token while scanning for the next token", NULL } },
	{ "empty file", "", {
	    "c.yml: the file is empty (it needs at least 'devices:')",
	    NULL } },
	{ "comments only", "# nothing\n", {
	    "c.yml: the file is empty (it needs at least 'devices:')",
	    NULL } },
	{ "top scalar", "hello\n", {
	    "c.yml:1:1: the top level must be a mapping, not a single value",
	    NULL } },
	{ "top list", "- devices\n", {
	    "c.yml:1:1: the top level must be a mapping, not a list", NULL } },
	{ "unknown top key", "devics:\n  - name: a\n", {
	    "c.yml:1:1: unknown key 'devics' in the top level (did you mean "
	    "'devices'?)",
	    "c.yml:1:1: missing required key 'devices' in the top level",
	    NULL } },
	{ "devices not a list", "devices: {}\n", {
	    "c.yml:1:10: 'devices' must be a list, not a mapping", NULL } },
	{ "no devices", "devices:\n", { NULL } },
	{ "device not a mapping", "devices:\n  - asa-1\n  - [x]\n", {
	    "c.yml:2:5: device #1 must be a mapping, not a single value",
	    "c.yml:3:5: device #2 must be a mapping, not a list", NULL } },
	{ "duplicate key", "devices:\n  - name: a\n    name: b\n", {
	    "c.yml:3:5: duplicate key 'name' (first at line 2)", NULL } },
	{ "duplicate device", H C "  - name: a\n    vendor: cisco_asa\n"
	  "    address: 192.0.2.2\n" C, {
	    "c.yml:8:11: duplicate device name 'a'", NULL } },
	/* Device keys */
	{ "unknown device key", H "    adress: x\n" C, {
	    "c.yml:5:5: unknown key 'adress' in device 'a' (did you mean "
	    "'address'?)", NULL } },
	{ "missing device keys", "devices:\n  - labels: {}\n", {
	    "c.yml:2:5: missing required key 'name' in device #1",
	    "c.yml:2:5: missing required key 'vendor' in device #1",
	    "c.yml:2:5: missing required key 'address' in device #1",
	    "c.yml:2:5: missing required key 'collectors' in device #1",
	    NULL } },
	{ "name is a list", "devices:\n  - name: [a, b]\n"
	  "    vendor: cisco_asa\n    address: x\n" C, {
	    "c.yml:2:11: 'name' in device #1 must be a string, not a list",
	    NULL } },
	{ "empty address", "devices:\n  - name: a\n    vendor: cisco_asa\n"
	  "    address: \"\"\n" C, {
	    "c.yml:4:14: 'address' in device 'a' must not be empty", NULL } },
	{ "labels and peers of the wrong shape", H "    labels: [a]\n"
	  "    expected_peers: 192.0.2.9\n" C, {
	    "c.yml:5:13: 'labels' in device 'a' must be a mapping of label "
	    "names to values, not a list",
	    "c.yml:6:21: 'expected_peers' in device 'a' must be a list, not "
	    "a single value", NULL } },
	{ "collectors a list", H "    collectors: [cisco_asa_snmp]\n", {
	    "c.yml:5:17: 'collectors' of device 'a' must map collector names "
	    "to their options, e.g. 'cisco_asa_snmp: {community_file: ...}'",
	    NULL } },
	{ "collectors empty", H "    collectors: {}\n", {
	    "c.yml:5:17: 'collectors' of device 'a' must map collector names "
	    "to their options, e.g. 'cisco_asa_snmp: {community_file: ...}'",
	    NULL } },
	/* Durations, numbers, booleans */
	{ "bad durations", H "    interval: 30\n    timeout: 30sec\n" C, {
	    "c.yml:5:15: invalid duration '30' for 'interval' in device 'a' "
	    "(use e.g. 500ms, 30s, 5m, 1h)",
	    "c.yml:6:14: invalid duration '30sec' for 'timeout' in device "
	    "'a' (use e.g. 500ms, 30s, 5m, 1h)", NULL } },
	{ "durations out of range", H "    interval: 500ms\n"
	  "    timeout: 2h\n" C, {
	    "c.yml:5:15: 'interval' in device 'a' must be between 1000ms and "
	    "86400000ms, not 500ms",
	    "c.yml:6:14: 'timeout' in device 'a' must be between 100ms and "
	    "3600000ms, not 2h", NULL } },
	{ "retries too high", H "    retries: 11\n" C, {
	    "c.yml:5:14: 'retries' in device 'a' must be between 0 and 10, "
	    "not 11", NULL } },
	{ "retries negative", H "    retries: -1\n" C, {
	    "c.yml:5:14: 'retries' in device 'a' must be between 0 and 10, "
	    "not -1", NULL } },
	{ "retries overflow", H "    retries: 99999999999999999999\n" C, {
	    "c.yml:5:14: 'retries' in device 'a' must be a whole number, not "
	    "'99999999999999999999'", NULL } },
	{ "background not a bool", H "    background: maybe\n" C, {
	    "c.yml:5:17: 'background' in device 'a' must be true or false, "
	    "not 'maybe'", NULL } },
	{ "probe_fresh not a bool", H "    probe_fresh: yes-please\n" C, {
	    "c.yml:5:18: 'probe_fresh' in device 'a' must be true or false, "
	    "not 'yes-please'", NULL } },
	{ "probe_fresh misspelt", H "    probe_fersh: true\n" C, {
	    "c.yml:5:5: unknown key 'probe_fersh' in device 'a' (did you "
	    "mean 'probe_fresh'?)", NULL } },
	{ "timeout over interval", H "    interval: 10s\n    timeout: 20s\n"
	  C, {
	    "c.yml:6:14: timeout (20000ms) of device 'a' must not exceed its "
	    "interval (10000ms)", NULL } },
	{ "inherited timeout over interval", H "    interval: 5s\n" C, {
	    "c.yml:2:5: timeout (10000ms) of device 'a' must not exceed its "
	    "interval (5000ms)", NULL } },
	{ "timeout equal to interval", H "    interval: 10s\n"
	  "    timeout: 10s\n" C, { NULL } },
	{ "defaults", "defaults:\n  interval: 10s\n  timeout: 20s\n"
	  "  retries: 20\n  backgrnd: true\ndevices:\n", {
	    "c.yml:4:12: 'retries' in defaults must be between 0 and 10, not "
	    "20",
	    "c.yml:5:3: unknown key 'backgrnd' in defaults (did you mean "
	    "'background'?)",
	    "c.yml:2:3: default timeout (20000ms) must not exceed the default "
	    "interval (10000ms)", NULL } },
	{ "defaults not a mapping", "defaults: 5\ndevices:\n", {
	    "c.yml:1:11: defaults must be a mapping, not a single value",
	    NULL } },
	/* Vendors and collectors */
	{ "unknown vendor", "devices:\n  - name: a\n    vendor: juniper\n"
	  "    address: x\n" C, {
	    "c.yml:3:13: unknown vendor 'juniper' in device 'a'", NULL } },
	{ "unknown collector", H "    collectors:\n"
	  "      cisco_asa_telnet: {}\n", {
	    "c.yml:6:7: unknown collector 'cisco_asa_telnet' in device 'a' "
	    "(known: @KNOWN@)", NULL } },
	/* Labels */
	{ "label names", H "    labels:\n      2site: x\n      __x: y\n"
	  "      si-te: z\n      device: d\n      peer: p\n      ok: [1]\n"
	  C, {
	    "c.yml:6:7: invalid label name '2site' in device 'a' (use "
	    "[a-zA-Z_][a-zA-Z0-9_]*, not starting with __)",
	    "c.yml:7:7: invalid label name '__x' in device 'a' (use "
	    "[a-zA-Z_][a-zA-Z0-9_]*, not starting with __)",
	    "c.yml:8:7: invalid label name 'si-te' in device 'a' (use "
	    "[a-zA-Z_][a-zA-Z0-9_]*, not starting with __)",
	    "c.yml:9:7: label name 'device' in device 'a' is reserved for "
	    "the exporter's own labels",
	    "c.yml:10:7: label name 'peer' in device 'a' is reserved for the "
	    "exporter's own labels",
	    "c.yml:11:11: value of label 'ok' in device 'a' must be a string, "
	    "not a list", NULL } },
	/* cisco_asa_snmp options and secrets */
	{ "secret file missing", H S "        community_file: missing.txt\n", {
	    "c.yml:7:25: cannot read community_file './missing.txt': No such "
	    "file or directory", NULL } },
	{ "secret file empty", H S "        community_file: empty.txt\n", {
	    "c.yml:7:25: community_file './empty.txt' is empty or contains a "
	    "NUL byte", NULL } },
	{ "secret file ok", H S "        community_file: sec.txt\n", { NULL } },
	{ "secret env ok", H S "        community_env: VX_T_ENV_SECRET\n",
	    { NULL } },
	{ "secret env unset", H S "        community_env: VX_T_UNSET_VAR\n", {
	    "c.yml:7:24: 'community_env' in " SNMP ": environment variable "
	    "'VX_T_UNSET_VAR' is not set", NULL } },
	{ "two forms of a secret", H S "        community: INLINE-SECRET\n"
	  "        community_file: sec.txt\n", {
	    "c.yml:8:9: 'community_file' in " SNMP ": the secret is already "
	    "set by another key (use one of KEY, KEY_file, KEY_env)",
	    NULL } },
	{ "secret of the wrong type", H S
	  "        community: [INLINE-SECRET]\n", {
	    "c.yml:7:20: 'community' in " SNMP " must be a string, not a list",
	    NULL } },
	{ "misspelt secret", H S "        comunity: INLINE-SECRET\n", {
	    "c.yml:7:9: unknown key 'comunity' in " SNMP " (did you mean "
	    "'community'?)",
	    "c.yml:7:9: " SNMP ": SNMP v2c needs 'community' (or "
	    "community_file / community_env)", NULL } },
	{ "v2c without community", H S "        port: 161\n", {
	    "c.yml:7:9: " SNMP ": SNMP v2c needs 'community' (or "
	    "community_file / community_env)", NULL } },
	{ "v3 without username or passwords", H S "        version: \"3\"\n", {
	    "c.yml:7:9: " SNMP ": SNMP v3 needs 'username'",
	    "c.yml:7:9: " SNMP ": security_level authPriv needs "
	    "'auth_password' (or auth_password_file / auth_password_env)",
	    "c.yml:7:9: " SNMP ": security_level authPriv needs "
	    "'priv_password' (or priv_password_file / priv_password_env)",
	    NULL } },
	{ "v3 authNoPriv without auth password", H S "        version: 3\n"
	  "        username: mon\n        security_level: authNoPriv\n", {
	    "c.yml:7:9: " SNMP ": security_level authNoPriv needs "
	    "'auth_password' (or auth_password_file / auth_password_env)",
	    NULL } },
	{ "v3 noAuthNoPriv needs a username only", H S "        version: 3\n"
	  "        username: mon\n        security_level: noAuthNoPriv\n",
	    { NULL } },
	{ "v3 short passwords", H S "        version: \"3\"\n"
	  "        username: mon\n        auth_password: hunter2\n"
	  "        priv_password_file: short.txt\n", {
	    "c.yml:7:9: " SNMP ": auth_password must be at least 8 characters "
	    "(RFC 3414)",
	    "c.yml:7:9: " SNMP ": priv_password must be at least 8 characters "
	    "(RFC 3414)", NULL } },
	{ "v3 8-character passwords", H S "        version: \"3\"\n"
	  "        username: mon\n        auth_password: hunter22\n"
	  "        priv_password_env: VX_T_ENV_SECRET\n", { NULL } },
	{ "snmp option values", H S "        version: \"1\"\n"
	  "        community: INLINE-SECRET\n        port: 70000\n"
	  "        max_repetitions: 0\n        security_level: authpriv\n", {
	    "c.yml:7:18: invalid value '1' for 'version' in " SNMP
	    " (expected one of: 2c, 3)",
	    "c.yml:9:15: 'port' in " SNMP " must be between 1 and 65535, not "
	    "70000",
	    "c.yml:10:26: 'max_repetitions' in " SNMP " must be between 1 and "
	    "1000, not 0",
	    "c.yml:11:25: invalid value 'authpriv' for 'security_level' in "
	    SNMP " (expected one of: noAuthNoPriv, authNoPriv, authPriv)",
	    NULL } },
	/*
	 * "cisco_asa_snmp:" with nothing after it: the message must say
	 * where, like every other one (at the collector's key).
	 */
	{ "snmp options missing", H "    collectors:\n"
	  "      cisco_asa_snmp:\n", {
	    "c.yml:6:7: " SNMP ": needs options (community for v2c, or "
	    "username and passwords for v3)", NULL } },
	/*
	 * A device-key mistake must not hide the same device's collector
	 * errors: all errors are collected, then the file is refused.
	 */
	{ "device and collector errors together", H "    retries: 11\n" S
	  "        community_file: missing.txt\n", {
	    "c.yml:5:14: 'retries' in device 'a' must be between 0 and 10, "
	    "not 11",
	    "c.yml:8:25: cannot read community_file './missing.txt': No such "
	    "file or directory", NULL } },
	/* Labels: every name the renderer writes is reserved. */
	{ "label colliding with vpn_ipsec_sa_info", H
	  "    labels: {local_ident: x, remote_ident: y, state: z}\n" C, {
	    "c.yml:5:14: label name 'local_ident' in device 'a' is reserved "
	    "for the exporter's own labels",
	    "c.yml:5:30: label name 'remote_ident' in device 'a' is reserved "
	    "for the exporter's own labels",
	    "c.yml:5:47: label name 'state' in device 'a' is reserved for the "
	    "exporter's own labels", NULL } },
	{ "label colliding with a state set", H
	  "    labels: {vpn_ike_sa_state: x}\n" C, {
	    "c.yml:5:14: label name 'vpn_ike_sa_state' in device 'a' is "
	    "reserved for the exporter's own labels", NULL } },
	/* Alert thresholds. */
	{ "alerts valid", "alerts:\n  invalid_spi: {warning: 0.5, page: 2}\n"
	  "  tunnel_down: {for: 10m, enabled: false}\n"
	  "  overrides:\n    - match: {device: a}\n"
	  "      invalid_spi: {page: 3.5}\n" H C, { NULL } },
	{ "alerts: unknown alert and setting", "alerts:\n"
	  "  invalid_sp: {page: 2}\n  tunnel_down: {fro: 1m}\n" H C, {
	    "c.yml:2:3: unknown alert 'invalid_sp' in 'alerts' (known: "
	    "invalid_spi, tunnel_down, tunnel_flapping, sa_expiring, "
	    "spi_mismatch, ipsec_errors, device_unreachable, "
	    "collector_failing, stale_data, exporter_down, reload_failed)",
	    "c.yml:3:17: unknown key 'fro' in alert 'tunnel_down' of 'alerts' "
	    "(did you mean 'for'?)", NULL } },
	{ "alerts: warning above page", "alerts:\n"
	  "  invalid_spi: {warning: 5, page: 2}\n" H C, {
	    "c.yml:2:26: alert 'invalid_spi': warning threshold (5) is above "
	    "the page threshold (2) for device 'a'", NULL } },
	{ "alerts: override makes warning above page", "alerts:\n"
	  "  overrides:\n    - match: {site: fra1}\n"
	  "      invalid_spi: {page: 0.1}\n" H
	  "    labels: {site: fra1}\n" C, {
	    "c.yml:4:27: alert 'invalid_spi': warning threshold (0.2) is above "
	    "the page threshold (0.1) for device 'a'", NULL } },
	{ "alerts: negative and bad values", "alerts:\n"
	  "  invalid_spi: {page: -1, window: 0s, for: -5m}\n"
	  "  tunnel_flapping: {changes: many}\n" H C, {
	    "c.yml:2:23: 'page' in alert 'invalid_spi' of 'alerts' must be "
	    "between 0 and 1000000000, not -1",
	    "c.yml:2:35: 'window' in alert 'invalid_spi' of 'alerts' must be "
	    "between 1000ms and 86400000ms, not 0s",
	    "c.yml:2:44: invalid duration '-5m' for 'for' in alert "
	    "'invalid_spi' of 'alerts' (use e.g. 500ms, 30s, 5m, 1h)",
	    "c.yml:3:30: 'changes' in alert 'tunnel_flapping' of 'alerts' must "
	    "be a number, not 'many'", NULL } },
	{ "alerts: selector matching nothing", "alerts:\n  overrides:\n"
	  "    - match: {site: nowhere}\n      tunnel_down: {for: 1m}\n"
	  "    - match: {device: a}\n      tunnel_down: {for: 2m}\n" H C, {
	    "c.yml:3:14: the selector of alerts override #1 matches no "
	    "device", NULL } },
	{ "alerts: override without match, exporter alert per device",
	  "alerts:\n  overrides:\n    - tunnel_down: {for: 1m}\n"
	  "  runbook_url: https://example.net/\n" H
	  "    alerts: {exporter_down: {for: 1m}}\n" C, {
	    "c.yml:4:16: 'runbook_url' in 'alerts' must be a URL template "
	    "containing {alert}, e.g. https://wiki.example.net/runbooks/{alert}",
	    "c.yml:3:7: alerts override #1 needs 'match:', a mapping of label "
	    "names (or 'device') to values, e.g. 'match: {site: fra1}'",
	    "c.yml:9:14: alert 'exporter_down' is about the exporter, not a "
	    "device: set it in 'alerts:' only", NULL } },
	/* Sources and peer devices. */
	{ "sources", H "    sources: {invalid_spi: cisco_asa_ssh, "
	  "no_sa_failure: cisco_asa_snmp, drops: cisco_asa_snmp}\n" C, {
	    "c.yml:5:28: source 'cisco_asa_ssh' for 'invalid_spi' is not a "
	    "collector of device 'a'",
	    "c.yml:5:43: unknown field 'no_sa_failure' in 'sources' of device "
	    "'a' (did you mean 'no_sa_failures'?)",
	    "c.yml:5:81: collector 'cisco_asa_snmp' of device 'a' cannot "
	    "report 'drops'", NULL } },
	{ "peer devices", H "    peer_devices: {192.0.2.9: b, 192.0.2.8: a,"
	  " 192.0.2.7: [x]}\n" C, {
	    "c.yml:5:59: 'peer_devices' of device 'a': the device at the other "
	    "end of '192.0.2.7' must be a device name",
	    "c.yml:5:31: 'peer_devices' of device 'a' names 'b', which is not a "
	    "configured device",
	    "c.yml:5:45: 'peer_devices' of device 'a' names the device itself",
	    NULL } },
	{ "forget_after and grace", H "    forget_after: 0s\n"
	  "    spi_mismatch_grace: 2d\n" C, {
	    "c.yml:5:19: 'forget_after' in device 'a' must be between 1000ms "
	    "and 31536000000ms, not 0s",
	    "c.yml:6:25: 'spi_mismatch_grace' in device 'a' must be between "
	    "1000ms and 86400000ms, not 2d", NULL } },
};

/* The threshold of (alert, severity) among d's, or NAN. */
static double
threshold(const struct vx_device_cfg *d, const char *alert, const char *sev)
{
	for (size_t i = 0; i < d->nthresholds; i++) {
		if (strcmp(d->thresholds[i].alert, alert) == 0 &&
		    strcmp(d->thresholds[i].severity, sev) == 0)
			return d->thresholds[i].value;
	}
	return NAN;
}

/*
 * Precedence: built-in defaults, "alerts:", matching overrides in order,
 * the device's own; thresholds exported for every device; stale data
 * defaults to three intervals; a disabled alert exports nothing.
 */
static void
test_alerts_resolved(void **state)
{
	static const char yaml[] =
	    "alerts:\n"
	    "  invalid_spi: {page: 2}\n"
	    "  overrides:\n"
	    "    - match: {site: fra1}\n"
	    "      invalid_spi: {page: 4, warning: 1}\n"
	    "    - match: {site: fra1, tier: hub}\n"
	    "      invalid_spi: {page: 8}\n"
	    "devices:\n"
	    "  - name: a\n    vendor: cisco_asa\n    address: 192.0.2.1\n"
	    "    labels: {site: fra1, tier: hub}\n"
	    "    alerts: {invalid_spi: {page: 16}, tunnel_flapping: "
	    "{enabled: false}}\n" C
	    "  - name: b\n    vendor: cisco_asa\n    address: 192.0.2.2\n"
	    "    labels: {site: fra1}\n    interval: 20s\n" C
	    "  - name: c\n    vendor: cisco_asa\n    address: 192.0.2.3\n" C;
	struct vx_cfg_errors	 errs = { 0 };
	struct vx_config	*cfg;
	const struct vx_device_cfg *a, *b, *c;

	(void)state;
	write_file("c.yml", yaml);
	cfg = vx_config_load("c.yml", &errs);
	if (cfg == NULL)
		fail_msg("%s", errs.msgs[0]);
	a = &cfg->devices[0];
	b = &cfg->devices[1];
	c = &cfg->devices[2];
	assert_true(threshold(a, "invalid_spi", "page") == 16);
	assert_true(threshold(a, "invalid_spi", "warning") == 1);
	assert_true(threshold(b, "invalid_spi", "page") == 4);
	assert_true(threshold(c, "invalid_spi", "page") == 2);
	assert_true(threshold(c, "invalid_spi", "warning") == 0.2);
	assert_true(isnan(threshold(a, "tunnel_flapping", "warning")));
	assert_true(threshold(c, "tunnel_flapping", "warning") == 4);
	assert_true(threshold(b, "stale_data", "warning") == 60);
	assert_true(threshold(c, "stale_data", "warning") == 180);
	assert_true(c->alerts.a[VX_AL_INVALID_SPI].v[VX_AS_WINDOW] == 300000);
	assert_int_equal(c->forget_after_ms, 24 * 3600 * 1000);
	assert_int_equal(b->spi_mismatch_grace_ms, 40000);
	/* One SNMP collector is the source of everything it can report. */
	assert_int_equal(c->collectors[0].allow.dev[VX_DV_INVALID_SPI], 1);
	assert_int_equal(c->collectors[0].allow.tun[VX_TC_PKTS_IN], 1);
	assert_int_equal(c->collectors[0].allow.drops, 0);
	vx_config_free(cfg);
	vx_cfg_errors_release(&errs);
}

/* The "known:" list of the unknown-collector message, from the registry. */
static void
known_collectors(char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t c = 0; vx_collectors[c] != NULL && n < size; c++)
		n += (size_t)snprintf(buf + n, size - n, "%s%s", c ? ", " : "",
		    vx_collectors[c]->name);
}

static void
test_cases(void **state)
{
	char	known[512];
	size_t	failed = 0;

	(void)state;
	known_collectors(known, sizeof(known));
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct load_case	*c = &cases[i];
		struct vx_cfg_errors	 errs = { 0 };
		struct vx_config	*cfg;
		const char		*want[8];
		char			 subst[8][512];
		char			 what[128];
		size_t			 k;

		snprintf(what, sizeof(what), "case %zu (%s)", i, c->name);
		for (k = 0; c->want[k] != NULL; k++) {
			const char *at = strstr(c->want[k], "@KNOWN@");

			if (at == NULL) {
				want[k] = c->want[k];
				continue;
			}
			if (snprintf(subst[k], sizeof(subst[k]), "%.*s%s%s",
			    (int)(at - c->want[k]), c->want[k], known,
			    at + 7) >= (int)sizeof(subst[k]))
				fail_msg("%s: message too long", what);
			want[k] = subst[k];
		}
		want[k] = NULL;
		write_file("c.yml", c->yaml);
		cfg = vx_config_load("c.yml", &errs);
		if ((want[0] == NULL) != (cfg != NULL)) {
			fprintf(stderr, "%s: %s\n", what, cfg != NULL ?
			    "loaded" : "refused");
			failed++;
		}
		if (!msgs_match(&errs, want, what))
			failed++;
		vx_config_free(cfg);
		vx_cfg_errors_release(&errs);
	}
	/* Every case ran; the failures are listed above. */
	if (failed > 0)
		fail_msg("%zu of %zu cases failed", failed,
		    sizeof(cases) / sizeof(cases[0]));
}

/*
 * A collector of another vendor than the device's.  Needs two vendors in
 * the registry; skipped while there is only one.
 */
static void
test_collector_of_other_vendor(void **state)
{
	const struct vx_collector_ops	*a = vx_collectors[0], *b = NULL;
	struct vx_cfg_errors		 errs = { 0 };
	struct vx_config		*cfg;
	char				 yaml[512], want[512];
	const char			*w[] = { want, NULL };

	(void)state;
	for (size_t i = 1; vx_collectors[i] != NULL && b == NULL; i++) {
		if (vx_collectors[i]->vendor != NULL &&
		    strcmp(vx_collectors[i]->vendor, a->vendor) != 0)
			b = vx_collectors[i];
	}
	if (b == NULL)
		skip();
	snprintf(yaml, sizeof(yaml), "devices:\n  - name: a\n    vendor: %s\n"
	    "    address: x\n    collectors:\n      %s: {}\n", a->vendor,
	    b->name);
	snprintf(want, sizeof(want), "c.yml:6:7: collector '%s' is for vendor "
	    "'%s', but device 'a' has vendor '%s'", b->name, b->vendor,
	    a->vendor);
	write_file("c.yml", yaml);
	cfg = vx_config_load("c.yml", &errs);
	assert_null(cfg);
	check_msgs(&errs, w, "other vendor");
	vx_cfg_errors_release(&errs);
}

/* Secrets in a failing file never reach a message, whatever fails. */
static void
test_no_secret_in_any_message(void **state)
{
	static const char yaml[] =
	    "defaults: {interval: 1x}\n"
	    "devices:\n"
	    "  - name: a\n"
	    "    vendor: cisco_asa\n"
	    "    address: 192.0.2.1\n"
	    "    collectors:\n"
	    "      cisco_asa_snmp:\n"
	    "        version: \"3\"\n"
	    "        username: INLINE-SECRET-not-really\n"
	    "        auth_password: hunter2\n"
	    "        priv_password: INLINE-SECRET-x\n"
	    "        priv_password_file: sec.txt\n"
	    "        community: INLINE-SECRET-y\n"
	    "        community_env: VX_T_ENV_SECRET\n"
	    "  - name: b\n"
	    "    vendor: cisco_asa\n"
	    "    address: 192.0.2.2\n"
	    "    collectors:\n"
	    "      cisco_asa_snmp: {community_file: sec.txt, community: "
	    "INLINE-SECRET-z, comunity: INLINE-SECRET-w}\n";
	struct vx_cfg_errors	 errs = { 0 };
	struct vx_config	*cfg;

	(void)state;
	write_file("c.yml", yaml);
	cfg = vx_config_load("c.yml", &errs);
	assert_null(cfg);
	assert_true(errs.n >= 5);
	/* The username is not a secret; it may be named. */
	for (size_t i = 0; i < errs.n; i++) {
		const char *m = errs.msgs[i];

		if (strstr(m, "hunter2") != NULL ||
		    strstr(m, "INLINE-SECRET-x") != NULL ||
		    strstr(m, "INLINE-SECRET-y") != NULL ||
		    strstr(m, "INLINE-SECRET-z") != NULL ||
		    strstr(m, "INLINE-SECRET-w") != NULL ||
		    strstr(m, "FILE-SECRET") != NULL ||
		    strstr(m, "ENV-SECRET") != NULL)
			fail_msg("message %zu leaks a secret: %s", i, m);
	}
	vx_config_free(cfg);
	vx_cfg_errors_release(&errs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_full_env_unset),
		cmocka_unit_test(test_fingerprints),
		cmocka_unit_test(test_fingerprint_known_hosts),
		cmocka_unit_test(test_many_errors_one_run),
		cmocka_unit_test(test_errors_appended),
		cmocka_unit_test(test_cases),
		cmocka_unit_test(test_alerts_resolved),
		cmocka_unit_test(test_collector_of_other_vendor),
		cmocka_unit_test(test_no_secret_in_any_message),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
