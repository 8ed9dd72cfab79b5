/* Command-line flags, in the style of the Prometheus exporters. */
#include "cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numparse.h"

#ifndef VX_VERSION
#define VX_VERSION "unknown"
#endif
#ifndef VX_REVISION
#define VX_REVISION "unknown"
#endif

static const char usage[] =
"usage: vpn_exporter [<flags>]\n"
"       vpn_exporter parse --vendor VENDOR --command 'COMMAND' [FILE|-]\n"
"       vpn_exporter rules --config.file=FILE\n"
"\n"
"Prometheus exporter for VPN gateway health: IPsec tunnels, IKE and IPsec\n"
"SAs with their SPIs and lifetimes, and invalid-SPI drops.\n"
"\n"
"Flags:\n"
"  -h, --help                     Show this help and exit.\n"
"      --version                  Show the version and exit.\n"
"      --config.file=vpn_exporter.yml\n"
"                                 Configuration file (devices and defaults).\n"
"      --dry-run                  Check the configuration, print\n"
"                                 'configuration OK' or every error, exit.\n"
"      --web.listen-address=" VX_DEFAULT_LISTEN "\n"
"                                 Address to serve HTTP on ([host]:port);\n"
"                                 repeat the flag for several.\n"
"      --web.systemd-socket       Serve on the sockets systemd passes\n"
"                                 (socket activation) instead.\n"
"      --web.config.file=FILE     TLS and basic-auth settings, in the format\n"
"                                 of the Prometheus exporter-toolkit.\n"
"      --web.telemetry-path=/metrics\n"
"                                 Path of the metrics endpoint.\n"
"      --log.level=info           debug, info, warn or error.\n"
"      --log.format=logfmt        logfmt or json.\n"
"      --poll.workers=64          Devices polled at the same time at most.\n"
"      --probe.workers=1024       /probe polls at the same time at most;\n"
"                                 more wait their turn.\n"
"      --probe.scheduling=idle    idle: /probe polls run on the CPU time\n"
"                                 the rest of the exporter leaves (Linux\n"
"                                 SCHED_IDLE); nice: at nice 10.\n"
"      --probe.timeout-offset=500ms\n"
"                                 Subtracted from Prometheus' scrape timeout\n"
"                                 to get a /probe deadline.\n"
"\n"
"Signals: SIGHUP reloads the configuration and the web configuration (as\n"
"does POST /-/reload).\n";

/* The flags that take a value, for "needs a value" rather than "unknown". */
static const char *const value_flags[] = {
	"--config.file", "--web.listen-address", "--web.config.file",
	"--web.telemetry-path", "--log.level", "--log.format",
	"--poll.workers", "--probe.workers", "--probe.scheduling",
	"--probe.timeout-offset", NULL,
};

static const char *
flag_value(const char *arg, const char *name, int *i, int argc, char **argv)
{
	size_t n = strlen(name);

	if (strncmp(arg, name, n) != 0)
		return NULL;
	if (arg[n] == '=')
		return arg + n + 1;
	if (arg[n] == '\0' && *i + 1 < argc)
		return argv[++*i];
	return NULL;
}

int
vx_cli_parse(int argc, char **argv, struct vx_opts *o)
{
	bool listen_set = false;

	memset(o, 0, sizeof(*o));
	o->config_file = "vpn_exporter.yml";
	o->listen[0] = VX_DEFAULT_LISTEN;
	o->nlisten = 1;
	o->metrics_path = "/metrics";
	o->log_level = VX_LOG_INFO;
	o->log_format = VX_LOGFMT_LOGFMT;
	o->workers = 64;
	o->probe_workers = 1024;
	o->timeout_offset_ms = 500;

	for (int i = 1; i < argc; i++) {
		const char	*a = argv[i];
		const char	*v;

		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(usage, stdout);
			return 1;
		}
		if (strcmp(a, "--version") == 0) {
			printf("vpn_exporter, version %s (revision: %s)\n"
			    "  compiler: %s\n", VX_VERSION, VX_REVISION,
			    __VERSION__);
			return 1;
		}
		if (strcmp(a, "--dry-run") == 0) {
			o->dry_run = true;
		} else if (strcmp(a, "--web.systemd-socket") == 0) {
			o->systemd_socket = true;
		} else if ((v = flag_value(a, "--config.file", &i, argc,
		    argv)) != NULL) {
			o->config_file = v;
		} else if ((v = flag_value(a, "--web.listen-address", &i, argc,
		    argv)) != NULL) {
			/* The first one given replaces the default. */
			if (!listen_set)
				o->nlisten = 0;
			listen_set = true;
			if (o->nlisten == VX_LISTEN_MAX) {
				fprintf(stderr, "vpn_exporter: at most %d "
				    "--web.listen-address flags\n",
				    VX_LISTEN_MAX);
				return -1;
			}
			o->listen[o->nlisten++] = v;
		} else if ((v = flag_value(a, "--web.config.file", &i, argc,
		    argv)) != NULL) {
			o->web_config_file = v;
		} else if ((v = flag_value(a, "--web.telemetry-path", &i, argc,
		    argv)) != NULL) {
			if (v[0] != '/' || strcmp(v, "/") == 0) {
				fprintf(stderr, "vpn_exporter: "
				    "--web.telemetry-path must start with '/' "
				    "and not be '/'\n");
				return -1;
			}
			o->metrics_path = v;
		} else if ((v = flag_value(a, "--log.level", &i, argc,
		    argv)) != NULL) {
			if (!vx_log_parse_level(v, &o->log_level)) {
				fprintf(stderr, "vpn_exporter: invalid "
				    "--log.level '%s' (debug, info, warn, "
				    "error)\n", v);
				return -1;
			}
		} else if ((v = flag_value(a, "--log.format", &i, argc,
		    argv)) != NULL) {
			if (!vx_log_parse_format(v, &o->log_format)) {
				fprintf(stderr, "vpn_exporter: invalid "
				    "--log.format '%s' (logfmt, json)\n", v);
				return -1;
			}
		} else if ((v = flag_value(a, "--poll.workers", &i, argc,
		    argv)) != NULL) {
			if (!vx_parse_i64(v, strlen(v), &o->workers) ||
			    o->workers < 1 || o->workers > 4096) {
				fprintf(stderr, "vpn_exporter: invalid "
				    "--poll.workers '%s' (1 to 4096)\n", v);
				return -1;
			}
		} else if ((v = flag_value(a, "--probe.workers", &i, argc,
		    argv)) != NULL) {
			if (!vx_parse_i64(v, strlen(v), &o->probe_workers) ||
			    o->probe_workers < 1 || o->probe_workers > 4096) {
				fprintf(stderr, "vpn_exporter: invalid "
				    "--probe.workers '%s' (1 to 4096)\n", v);
				return -1;
			}
		} else if ((v = flag_value(a, "--probe.scheduling", &i, argc,
		    argv)) != NULL) {
			if (strcmp(v, "idle") != 0 && strcmp(v, "nice") != 0) {
				fprintf(stderr, "vpn_exporter: invalid "
				    "--probe.scheduling '%s' (idle, nice)\n",
				    v);
				return -1;
			}
			o->probe_nice = strcmp(v, "nice") == 0;
		} else if ((v = flag_value(a, "--probe.timeout-offset", &i,
		    argc, argv)) != NULL) {
			if (!vx_parse_duration_ms(v, strlen(v),
			    &o->timeout_offset_ms)) {
				fprintf(stderr, "vpn_exporter: invalid "
				    "--probe.timeout-offset '%s' (e.g. 500ms)"
				    "\n", v);
				return -1;
			}
		} else {
			for (size_t k = 0; value_flags[k] != NULL; k++) {
				if (strcmp(a, value_flags[k]) == 0) {
					fprintf(stderr, "vpn_exporter: flag '%s' "
					    "needs a value (%s=VALUE)\n", a, a);
					return -1;
				}
			}
			fprintf(stderr, "vpn_exporter: unknown flag '%s' (see "
			    "--help)\n", a);
			return -1;
		}
	}
	return 0;
}
