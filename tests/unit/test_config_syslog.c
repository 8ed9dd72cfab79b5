/*
 * The "syslog:" section and the devices' syslog collectors in the
 * configuration loader (exporter/config_syslog.c, collectors/syslog/):
 * a valid file with its defaults, and one case per mistake with its exact
 * "file:line:col: message".
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

#include "config.h"
#include "registry.h"
#include "syslog/syslog_collector.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

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
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/vx_cfgsys_XXXXXX");
	if (mkdtemp(tmpdir) == NULL || chdir(tmpdir) != 0)
		return -1;
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

static void
test_valid(void **state)
{
	static const char yaml[] =
	    "syslog:\n"
	    "  udp: [':5514', '[::1]:5514']\n"
	    "  tcp: ['127.0.0.1:5514']\n"
	    "  max_connections: 8\n"
	    "devices:\n"
	    "  - name: asa\n"
	    "    vendor: cisco_asa\n"
	    "    address: 192.0.2.1\n"
	    "    collectors:\n"
	    "      syslog:\n"
	    "  - name: ssg\n"
	    "    vendor: screenos\n"
	    "    address: ssg.example.net\n"
	    "    collectors:\n"
	    "      syslog: {hostnames: [SSG5], sources: ['2001:db8::5'],\n"
	    "               max_peers: 50, expire_after: 1h}\n"
	    "  - name: rtr\n"
	    "    vendor: cisco_ios\n"
	    "    address: 192.0.2.3\n"
	    "    collectors: {syslog: {sources: [], hostnames: [rtr1]}}\n";
	struct vx_cfg_errors	 errs = { 0 };
	struct vx_config	*cfg;
	const struct vx_strlist	*src, *hosts;

	(void)state;
	write_file("c.yml", yaml);
	cfg = vx_config_load("c.yml", &errs);
	for (size_t i = 0; i < errs.n; i++)
		print_error("%s\n", errs.msgs[i]);
	assert_non_null(cfg);
	assert_true(cfg->syslog.enabled);
	assert_int_equal(cfg->syslog.s.udp.n, 2);
	assert_int_equal(cfg->syslog.s.tcp.n, 1);
	assert_int_equal(cfg->syslog.s.max_connections, 8);
	assert_int_equal(cfg->syslog.s.max_message_size, 8192);
	assert_int_equal(cfg->syslog.s.idle_timeout_ms, 15 * 60 * 1000);
	assert_int_equal(cfg->ndevices, 3);
	/* The device's own address by default. */
	assert_ptr_equal(cfg->devices[0].collectors[0].ops, &syslog_ops);
	syslog_claims(cfg->devices[0].collectors[0].state, &src, &hosts);
	assert_int_equal(src->n, 1);
	assert_string_equal(src->v[0], "192.0.2.1");
	assert_int_equal(hosts->n, 0);
	syslog_claims(cfg->devices[1].collectors[0].state, &src, &hosts);
	assert_int_equal(src->n, 1);
	assert_string_equal(hosts->v[0], "SSG5");
	/* An empty list is a choice: no source address at all. */
	syslog_claims(cfg->devices[2].collectors[0].state, &src, &hosts);
	assert_int_equal(src->n, 0);
	assert_int_equal(hosts->n, 1);
	vx_config_free(cfg);
	vx_cfg_errors_release(&errs);
}

static const struct {
	const char	*name;
	const char	*yaml;
	const char	*want;
} cases[] = {
	{ "no listener",
	  "devices:\n"
	  "  - name: a\n"
	  "    vendor: cisco_asa\n"
	  "    address: 192.0.2.1\n"
	  "    collectors:\n"
	  "      syslog: {}\n",
	  "c.yml:6:7: device 'a' has a syslog collector, but no syslog "
	  "listener is configured: add a top-level 'syslog:' section with "
	  "'udp' or 'tcp' addresses" },
	{ "no addresses",
	  "syslog: {max_connections: 3}\n"
	  "devices: []\n",
	  "c.yml:1:9: syslog: give at least one 'udp' or 'tcp' address to "
	  "listen on, e.g. 'udp: [\":5514\"]'" },
	{ "bad listen address",
	  "syslog: {udp: ['5514']}\n"
	  "devices: []\n",
	  "c.yml:1:15: syslog: invalid listen address '5514' (use "
	  "host:port, [ipv6]:port or :port)" },
	{ "bad limit",
	  "syslog: {udp: [':5514'], max_message_size: 100}\n"
	  "devices: []\n",
	  "c.yml:1:44: 'max_message_size' in syslog must be between 480 and "
	  "65535, not 100" },
	{ "unknown key",
	  "syslog: {udp: [':5514'], tcpp: [':5514']}\n"
	  "devices: []\n",
	  "c.yml:1:26: unknown key 'tcpp' in syslog (did you mean 'tcp'?)" },
	{ "source not an address",
	  "syslog: {udp: [':5514']}\n"
	  "devices:\n"
	  "  - name: a\n"
	  "    vendor: cisco_asa\n"
	  "    address: 192.0.2.1\n"
	  "    collectors:\n"
	  "      syslog: {sources: [192.0.2.1, asa.example]}\n",
	  "c.yml:7:37: syslog of device 'a': source 'asa.example' is not an "
	  "IP address (the address the device sends its syslog from)" },
	{ "bad host name",
	  "syslog: {udp: [':5514']}\n"
	  "devices:\n"
	  "  - name: a\n"
	  "    vendor: cisco_asa\n"
	  "    address: 192.0.2.1\n"
	  "    collectors:\n"
	  "      syslog: {hostnames: ['asa 1']}\n",
	  "c.yml:7:28: syslog of device 'a': 'asa 1' is not a host name" },
	{ "nothing identifies the device",
	  "syslog: {udp: [':5514']}\n"
	  "devices:\n"
	  "  - name: a\n"
	  "    vendor: cisco_asa\n"
	  "    address: asa.example.net\n"
	  "    collectors:\n"
	  "      syslog:\n",
	  "c.yml:7:7: syslog of device 'a': nothing tells its messages "
	  "apart: its address 'asa.example.net' is not an IP address; list "
	  "'sources' (the addresses it sends from) or 'hostnames' (the host "
	  "name in its messages)" },
	{ "two devices, one address",
	  "syslog: {udp: [':5514']}\n"
	  "devices:\n"
	  "  - name: a\n"
	  "    vendor: cisco_asa\n"
	  "    address: 192.0.2.1\n"
	  "    collectors: {syslog: {}}\n"
	  "  - name: b\n"
	  "    vendor: screenos\n"
	  "    address: 192.0.2.2\n"
	  "    collectors:\n"
	  "      syslog: {sources: ['::ffff:192.0.2.1']}\n",
	  "c.yml:11:7: syslog of device 'b': source address '192.0.2.1' "
	  "already belongs to device 'a' (a message must name one device: "
	  "give the devices their own 'sources' or 'hostnames')" },
	{ "two devices, one host name",
	  "syslog: {udp: [':5514']}\n"
	  "devices:\n"
	  "  - name: a\n"
	  "    vendor: cisco_asa\n"
	  "    address: 192.0.2.1\n"
	  "    collectors: {syslog: {hostnames: [FW1]}}\n"
	  "  - name: b\n"
	  "    vendor: screenos\n"
	  "    address: 192.0.2.2\n"
	  "    collectors: {syslog: {hostnames: [fw1]}}\n",
	  "c.yml:10:18: syslog of device 'b': host name 'fw1' already "
	  "belongs to device 'a' (a message must name one device: give the "
	  "devices their own 'sources' or 'hostnames')" },
	{ "empty sources, no host names",
	  "syslog: {udp: [':5514']}\n"
	  "devices:\n"
	  "  - name: a\n"
	  "    vendor: cisco_asa\n"
	  "    address: 192.0.2.1\n"
	  "    collectors: {syslog: {sources: []}}\n",
	  "c.yml:6:26: syslog of device 'a': nothing tells its messages "
	  "apart: 'sources' is empty and there are no 'hostnames'" },
	{ "max_peers",
	  "syslog: {udp: [':5514']}\n"
	  "devices:\n"
	  "  - name: a\n"
	  "    vendor: cisco_asa\n"
	  "    address: 192.0.2.1\n"
	  "    collectors: {syslog: {max_peers: 0}}\n",
	  "c.yml:6:38: 'max_peers' in syslog of device 'a' must be between 1 "
	  "and 1000000, not 0" },
};

static void
test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < NELEM(cases); i++) {
		struct vx_cfg_errors	 errs = { 0 };
		struct vx_config	*cfg;
		bool			 found = false;

		write_file("c.yml", cases[i].yaml);
		cfg = vx_config_load("c.yml", &errs);
		for (size_t k = 0; k < errs.n; k++)
			found = found ||
			    strcmp(errs.msgs[k], cases[i].want) == 0;
		if (cfg != NULL || !found) {
			print_error("case '%s': want \"%s\", got:\n",
			    cases[i].name, cases[i].want);
			for (size_t k = 0; k < errs.n; k++)
				print_error("  %s\n", errs.msgs[k]);
			fail();
		}
		vx_cfg_errors_release(&errs);
	}
}

/*
 * A vendor that has collectors but no syslog parser.  Skipped while every
 * vendor has one.
 */
static void
test_vendor_without_parser(void **state)
{
	const char		*vendor = NULL;
	struct vx_cfg_errors	 errs = { 0 };
	struct vx_config	*cfg;
	char			 yaml[512], want[512];
	bool			 found = false;

	(void)state;
	for (size_t i = 0; vx_collectors[i] != NULL && vendor == NULL; i++) {
		if (vx_collectors[i]->vendor != NULL &&
		    vx_syslog_parser_find(vx_collectors[i]->vendor) == NULL)
			vendor = vx_collectors[i]->vendor;
	}
	if (vendor == NULL)
		skip();
	snprintf(yaml, sizeof(yaml), "syslog: {udp: [':5514']}\n"
	    "devices:\n  - name: b\n    vendor: %s\n    address: 192.0.2.2\n"
	    "    collectors: {syslog: {}}\n", vendor);
	snprintf(want, sizeof(want), "c.yml:6:18: syslog of device 'b': no "
	    "syslog parser for vendor '%s'", vendor);
	write_file("c.yml", yaml);
	cfg = vx_config_load("c.yml", &errs);
	assert_null(cfg);
	for (size_t k = 0; k < errs.n; k++)
		found = found || strncmp(errs.msgs[k], want, strlen(want)) == 0;
	assert_true(found);
	vx_cfg_errors_release(&errs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_vendor_without_parser),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
