/*
 * Fleet configuration (exporter/config_fleet.c, exporter/config.c):
 * devices expanded with their module and auth (what each level gives,
 * which wins), the fingerprint that decides whether a reload reconnects
 * a device (an auth's secret file counts), probe_targets and devices made
 * for /probe, the CIDR checks (exporter/cidr.c), and one case per error
 * with its exact "file:line:col: message".
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

#include "cidr.h"
#include "config.h"

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

static int
group_setup(void **state)
{
	(void)state;
	if (getcwd(oldcwd, sizeof(oldcwd)) == NULL)
		return -1;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/vx_fleet_XXXXXX");
	if (mkdtemp(tmpdir) == NULL || chdir(tmpdir) != 0)
		return -1;
	write_file("comm.txt", "FILE-SECRET-community\n");
	write_file("auth.txt", "FILE-SECRET-auth\n");
	write_file("kh", "");
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

static const char fleet_yml[] =
"defaults: {interval: 30s}\n"
"auths:\n"
"  ro:\n"
"    snmp: {community_file: comm.txt}\n"
"    cisco_asa_snmp: {max_in_flight: 2}\n"
"    ssh: {username: mon, password: SSH-SECRET-pw, known_hosts_file: kh}\n"
"    cisco_asa_ssh: {enable_password: ENABLE-SECRET-pw}\n"
"  v3:\n"
"    snmp: {version: \"3\", username: mon, auth_password_file: auth.txt,\n"
"           priv_password_file: auth.txt, priv_protocol: AES256C,\n"
"           engine_id: \"0x80001f8880e9630000d61ff449\"}\n"
"modules:\n"
"  asa:\n"
"    vendor: cisco_asa\n"
"    auth: ro\n"
"    interval: 20s\n"
"    labels: {tier: edge, site: none}\n"
"    collectors:\n"
"      cisco_asa_snmp: {max_repetitions: 40}\n"
"probe_targets:\n"
"  allowed_targets: [192.0.2.0/24, \"2001:db8::/32\"]\n"
"  max_devices: 10\n"
"devices:\n"
"  - {name: a1, address: 192.0.2.1, module: asa}\n"
"  - {name: a2, address: 192.0.2.2, module: asa, auth: v3,\n"
"     labels: {site: fra1}, interval: 10s}\n"
"  - name: a3\n"
"    address: 192.0.2.3\n"
"    module: asa\n"
"    collectors: {cisco_asa_snmp: {community: other-community}}\n"
"  - {name: s1, address: 192.0.2.5, module: asa,\n"
"     collectors: {cisco_asa_ssh: {sessiondb: true}}}\n"
"  - name: plain\n"
"    vendor: cisco_asa\n"
"    address: 192.0.2.4\n"
"    collectors: {cisco_asa_snmp: {community: x}}\n";

static const char *
label(const struct vx_device_cfg *d, const char *name)
{
	for (size_t i = 0; i + 1 < d->labels.n; i += 2) {
		if (strcmp(d->labels.v[i], name) == 0)
			return d->labels.v[i + 1];
	}
	return NULL;
}

static bool
has_secret(const struct vx_device_cfg *d, const char *s)
{
	for (size_t i = 0; i < d->secrets.n; i++) {
		if (strcmp(d->secrets.v[i], s) == 0)
			return true;
	}
	return false;
}

static struct vx_config *
load(const char *yaml, struct vx_cfg_errors *errs)
{
	write_file("f.yml", yaml);
	return vx_config_load("f.yml", errs);
}

static void
test_expanded(void **state)
{
	struct vx_cfg_errors	 errs = { 0 };
	struct vx_config	*cfg;
	struct vx_device_cfg	*a1, *a2, *a3, *s1, *plain;

	(void)state;
	cfg = load(fleet_yml, &errs);
	for (size_t i = 0; i < errs.n; i++)
		fprintf(stderr, "%s\n", errs.msgs[i]);
	assert_non_null(cfg);
	assert_int_equal(cfg->ndevices, 5);
	a1 = vx_config_device(cfg, "a1");
	a2 = vx_config_device(cfg, "a2");
	a3 = vx_config_device(cfg, "a3");
	plain = vx_config_device(cfg, "plain");
	/* The module's vendor, interval, labels and collector. */
	assert_string_equal(a1->vendor, "cisco_asa");
	assert_int_equal(a1->interval_ms, 20000);
	assert_string_equal(label(a1, "tier"), "edge");
	assert_string_equal(a1->module, "asa");
	assert_string_equal(a1->auth, "ro");
	assert_int_equal(a1->ncollectors, 1);
	/* The module's auth: its community file read as the device's. */
	assert_true(has_secret(a1, "FILE-SECRET-community"));
	/* The device's own: interval, one label replaced, another auth. */
	assert_int_equal(a2->interval_ms, 10000);
	assert_string_equal(label(a2, "site"), "fra1");
	assert_string_equal(label(a2, "tier"), "edge");
	assert_string_equal(a2->auth, "v3");
	assert_true(has_secret(a2, "FILE-SECRET-auth"));
	assert_false(has_secret(a2, "FILE-SECRET-community"));
	/* A device's "community" replaces the auth's community_file. */
	assert_true(has_secret(a3, "other-community"));
	assert_false(has_secret(a3, "FILE-SECRET-community"));
	/* The auth's ssh section and its collector section, both. */
	s1 = vx_config_device(cfg, "s1");
	assert_int_equal(s1->ncollectors, 2);
	assert_true(has_secret(s1, "SSH-SECRET-pw"));
	assert_true(has_secret(s1, "ENABLE-SECRET-pw"));
	assert_true(has_secret(s1, "FILE-SECRET-community"));
	assert_false(has_secret(a1, "SSH-SECRET-pw"));
	assert_null(plain->module);
	assert_null(plain->auth);
	assert_int_equal(cfg->defaults.interval_ms, 30000);
	/* probe_targets */
	assert_non_null(cfg->fleet);
	assert_int_equal(cfg->fleet->probe.nallowed, 2);
	assert_int_equal(cfg->fleet->probe.max_devices, 10);
	vx_config_free(cfg);
	vx_cfg_errors_release(&errs);
}

/* The fingerprints of the devices of yaml, by name, into fp[]. */
static void
fingerprints(const char *yaml, char **fp, const char *const *names)
{
	struct vx_cfg_errors	 errs = { 0 };
	struct vx_config	*cfg = load(yaml, &errs);

	assert_non_null(cfg);
	for (size_t i = 0; names[i] != NULL; i++)
		fp[i] = strdup(vx_config_device(cfg, names[i])->fingerprint);
	vx_config_free(cfg);
}

static void
test_fingerprint_follows_auth_file(void **state)
{
	const char *const	 names[] = { "a1", "a2", "a3", "plain", NULL };
	char			*before[4], *after[4], *edited[4];
	char			*yaml = strdup(fleet_yml);
	char			*p = strstr(yaml, "max_repetitions: 40");

	(void)state;
	fingerprints(fleet_yml, before, names);
	write_file("comm.txt", "FILE-SECRET-community2\n");
	fingerprints(fleet_yml, after, names);
	write_file("comm.txt", "FILE-SECRET-community\n");
	/* a1 uses the auth's file; a2 another auth; a3 its own community. */
	assert_string_not_equal(before[0], after[0]);
	assert_string_equal(before[1], after[1]);
	assert_string_equal(before[2], after[2]);
	assert_string_equal(before[3], after[3]);
	/* A module's option changes every device using it. */
	memcpy(p, "max_repetitions: 41", 19);
	fingerprints(yaml, edited, names);
	assert_string_not_equal(before[0], edited[0]);
	assert_string_not_equal(before[1], edited[1]);
	assert_string_equal(before[3], edited[3]);
	for (size_t i = 0; i < 4; i++) {
		free(before[i]);
		free(after[i]);
		free(edited[i]);
	}
	free(yaml);
}

static void
test_fleet_device(void **state)
{
	struct vx_cfg_errors	 errs = { 0 };
	struct vx_config	*cfg;
	struct vx_device_cfg	 d;
	struct vx_ipaddr	 ip;

	(void)state;
	cfg = load(fleet_yml, &errs);
	assert_non_null(cfg);
	assert_int_equal(vx_fleet_device(cfg->fleet, "192.0.2.77", "asa",
	    NULL, &d, &errs), 0);
	assert_string_equal(d.name, "192.0.2.77");
	assert_string_equal(d.address, "192.0.2.77");
	assert_string_equal(d.vendor, "cisco_asa");
	assert_string_equal(d.auth, "ro");
	assert_int_equal(d.interval_ms, 20000);
	assert_true(has_secret(&d, "FILE-SECRET-community"));
	vx_device_cfg_release(&d);
	assert_int_equal(vx_fleet_device(cfg->fleet, "192.0.2.77", "asa",
	    "v3", &d, &errs), 0);
	assert_true(has_secret(&d, "FILE-SECRET-auth"));
	vx_device_cfg_release(&d);
	assert_int_equal(errs.n, 0);
	assert_int_equal(vx_fleet_device(cfg->fleet, "192.0.2.77", "nope",
	    NULL, &d, &errs), -1);
	assert_int_equal(errs.n, 1);
	assert_string_equal(errs.msgs[0], "unknown module 'nope'");
	assert_true(vx_ip_parse("192.0.2.200", &ip));
	assert_true(vx_fleet_allowed(cfg->fleet, &ip));
	assert_true(vx_ip_parse("198.51.100.1", &ip));
	assert_false(vx_fleet_allowed(cfg->fleet, &ip));
	assert_true(vx_ip_parse("2001:db8:ffff::1", &ip));
	assert_true(vx_fleet_allowed(cfg->fleet, &ip));
	vx_config_free(cfg);
	vx_cfg_errors_release(&errs);
}

static void
test_cidr(void **state)
{
	struct vx_cidr		c;
	struct vx_ipaddr	ip;
	char			buf[64];

	(void)state;
	assert_true(vx_cidr_parse("10.1.2.3/8", &c));
	assert_int_equal(c.bits, 8);
	assert_true(vx_ip_parse("10.255.0.1", &ip));
	assert_true(vx_cidr_contains(&c, &ip));
	assert_true(vx_ip_parse("11.0.0.1", &ip));
	assert_false(vx_cidr_contains(&c, &ip));
	/* An IPv4-mapped address is its IPv4 address, both ways. */
	assert_true(vx_ip_parse("::ffff:10.0.0.1", &ip));
	vx_ip_format(&ip, buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.1");
	assert_true(vx_cidr_contains(&c, &ip));
	assert_true(vx_cidr_parse("::ffff:192.0.2.0/120", &c));
	assert_true(vx_ip_parse("192.0.2.9", &ip));
	assert_true(vx_cidr_contains(&c, &ip));
	/* IPv6 prefixes of odd lengths; canonical text. */
	assert_true(vx_cidr_parse("2001:db8:8000::/33", &c));
	assert_true(vx_ip_parse("2001:0db8:8000:0::1", &ip));
	assert_true(vx_cidr_contains(&c, &ip));
	vx_ip_format(&ip, buf, sizeof(buf));
	assert_string_equal(buf, "2001:db8:8000::1");
	assert_true(vx_ip_parse("2001:db8:7fff::1", &ip));
	assert_false(vx_cidr_contains(&c, &ip));
	assert_true(vx_cidr_parse("::1", &c));
	assert_int_equal(c.bits, 128);
	assert_true(vx_cidr_parse("0.0.0.0/0", &c));
	assert_true(vx_ip_parse("203.0.113.1", &ip));
	assert_true(vx_cidr_contains(&c, &ip));
	assert_true(vx_ip_parse("::1", &ip));
	assert_false(vx_cidr_contains(&c, &ip));
	/* Not prefixes. */
	assert_false(vx_cidr_parse("10.0.0.0/33", &c));
	assert_false(vx_cidr_parse("10.0.0.0/", &c));
	assert_false(vx_cidr_parse("10.0.0.0/-1", &c));
	assert_false(vx_cidr_parse("host.example/24", &c));
	assert_false(vx_cidr_parse("/24", &c));
	assert_false(vx_ip_parse("localhost", &ip));
	assert_false(vx_ip_parse("10.0.0.0/8", &ip));
}

struct err_case {
	const char	*name;
	const char	*yaml;
	const char	*want[4];
};

#define HEAD	"auths:\n  ro: {snmp: {community: c}}\n"	/* lines 1-2 */

static const struct err_case cases[] = {
	{ "unknown module", HEAD
	  "modules: {asa: {vendor: cisco_asa}}\n"
	  "devices:\n"
	  "  - {name: d, address: 192.0.2.1, module: asb}\n",
	  { "f.yml:5:43: unknown module 'asb' in device 'd' (did you mean "
	    "'asa'?)", NULL } },
	{ "unknown auth, none defined",
	  "devices:\n"
	  "  - {name: d, vendor: cisco_asa, address: 192.0.2.1, auth: ro,\n"
	  "     collectors: {cisco_asa_snmp: {community: c}}}\n",
	  { "f.yml:2:60: unknown auth 'ro' in device 'd' (the file has no "
	    "'auths:')", NULL } },
	{ "module names a device key", HEAD
	  "modules:\n"
	  "  asa: {vendor: cisco_asa, address: 192.0.2.1}\n"
	  "devices:\n"
	  "  - {name: d, address: 192.0.2.1, module: asa}\n",
	  { "f.yml:4:28: 'address' in module 'asa': it names one device, so "
	    "it belongs to the device", NULL } },
	{ "module with a bad value, reported once", HEAD
	  "modules:\n"
	  "  asa: {vendor: cisco_asa, interval: 5x}\n"
	  "devices:\n"
	  "  - {name: d, address: 192.0.2.1, module: asa}\n"
	  "  - {name: e, address: 192.0.2.2, module: asa}\n",
	  { "f.yml:4:38: invalid duration '5x' for 'interval' in module "
	    "'asa' (use e.g. 500ms, 30s, 5m, 1h)", NULL } },
	{ "module's unknown vendor and collector", HEAD
	  "modules:\n"
	  "  asa: {vendor: cisco_asx, collectors: {cisco_asa_snpm: }}\n"
	  "devices:\n"
	  "  - {name: d, address: 192.0.2.1, module: asa}\n",
	  { "f.yml:4:41: unknown collector 'cisco_asa_snpm' in module 'asa'",
	    "f.yml:4:17: unknown vendor 'cisco_asx' in module 'asa'",
	    NULL } },
	{ "collector option from a module, once per module and auth", HEAD
	  "modules:\n"
	  "  asa: {vendor: cisco_asa, auth: ro,\n"
	  "        collectors: {cisco_asa_snmp: {max_repetitons: 5}}}\n"
	  "devices:\n"
	  "  - {name: d, address: 192.0.2.1, module: asa}\n"
	  "  - {name: e, address: 192.0.2.2, module: asa}\n",
	  { "f.yml:5:39: unknown key 'max_repetitons' in cisco_asa_snmp of "
	    "device 'd' (did you mean 'max_repetitions'?)", NULL } },
	{ "auth section unknown",
	  "auths:\n  ro: {snpm: {community: c}}\n"
	  "devices: []\n",
	  { "f.yml:2:8: unknown section 'snpm' in auth 'ro' (did you mean "
	    "'snmp'?)", NULL } },
	{ "auth secret file missing",
	  "auths:\n  ro: {snmp: {community_file: nope.txt}}\n"
	  "modules: {asa: {vendor: cisco_asa, auth: ro,"
	  " collectors: {cisco_asa_snmp: }}}\n"
	  "devices:\n"
	  "  - {name: d, address: 192.0.2.1, module: asa}\n"
	  "  - {name: e, address: 192.0.2.2, module: asa}\n",
	  { "f.yml:2:31: cannot read community_file './nope.txt': No such "
	    "file or directory", NULL } },
	{ "module vendor missing", HEAD
	  "modules: {asa: {auth: ro}}\n"
	  "devices:\n"
	  "  - {name: d, address: 192.0.2.1, module: asa,"
	  " collectors: {cisco_asa_snmp: }}\n",
	  { "f.yml:5:5: missing required key 'vendor' in device 'd'",
	    NULL } },
	{ "duplicate module",
	  "modules:\n  asa: {vendor: cisco_asa}\n  asa: {vendor: cisco_asa}\n"
	  "devices: []\n",
	  { "f.yml:3:3: duplicate key 'asa' (first at line 2)", NULL } },
	{ "probe_targets not a prefix",
	  "probe_targets: {allowed_targets: [10.0.0.0/8, vpn.example/24]}\n"
	  "devices: []\n",
	  { "f.yml:1:47: 'vpn.example/24' in probe_targets.allowed_targets "
	    "is not an IPv4 or IPv6 prefix (192.0.2.0/24, 2001:db8::/32) or "
	    "address; host names are not accepted", NULL } },
	{ "engine_id not hex", HEAD
	  "devices:\n"
	  "  - name: d\n    vendor: cisco_asa\n    address: 192.0.2.1\n"
	  "    collectors:\n"
	  "      cisco_asa_snmp: {version: \"3\", username: u, auth_password:"
	  " abcdefgh,\n        priv_password: abcdefgh, engine_id: 80zz}\n",
	  { "f.yml:9:45: cisco_asa_snmp of device 'd': engine_id must be 5 "
	    "to 32 bytes in hex, e.g. '80001f8880e9630000d61ff449'", NULL } },
	{ "engine_id with v2c", HEAD
	  "devices:\n"
	  "  - name: d\n    vendor: cisco_asa\n    address: 192.0.2.1\n"
	  "    collectors:\n"
	  "      cisco_asa_snmp: {community: c, engine_id: 80001f8880e9}\n",
	  { "f.yml:8:49: cisco_asa_snmp of device 'd': engine_id is for SNMP "
	    "v3 only", NULL } },
};

static void
test_errors(void **state)
{
	size_t failed = 0;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct err_case	*c = &cases[i];
		struct vx_cfg_errors	 errs = { 0 };
		struct vx_config	*cfg = load(c->yaml, &errs);
		size_t			 n = 0;
		bool			 ok = cfg == NULL;

		while (c->want[n] != NULL)
			n++;
		ok = ok && errs.n == n;
		for (size_t k = 0; ok && k < n; k++)
			ok = strcmp(errs.msgs[k], c->want[k]) == 0;
		if (!ok) {
			fprintf(stderr, "case '%s':%s\n", c->name, cfg != NULL ?
			    " loaded" : "");
			for (size_t k = 0; k < errs.n; k++)
				fprintf(stderr, "   got: %s\n", errs.msgs[k]);
			for (size_t k = 0; k < n; k++)
				fprintf(stderr, "  want: %s\n", c->want[k]);
			failed++;
		}
		for (size_t k = 0; k < errs.n; k++)
			assert_null(strstr(errs.msgs[k], "SECRET"));
		vx_config_free(cfg);
		vx_cfg_errors_release(&errs);
	}
	if (failed > 0)
		fail_msg("%zu of %zu cases failed", failed,
		    sizeof(cases) / sizeof(cases[0]));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expanded),
		cmocka_unit_test(test_fingerprint_follows_auth_file),
		cmocka_unit_test(test_fleet_device),
		cmocka_unit_test(test_cidr),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
