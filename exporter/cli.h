#ifndef VX_CLI_H
#define VX_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "log.h"

#define VX_DEFAULT_LISTEN	":10039"
#define VX_LISTEN_MAX		16

struct vx_opts {
	const char		*config_file;
	const char		*listen[VX_LISTEN_MAX];	/* repeatable */
	size_t			 nlisten;
	bool			 systemd_socket;
	const char		*web_config_file;
	const char		*metrics_path;
	enum vx_log_level	 log_level;
	enum vx_log_format	 log_format;
	bool			 dry_run;
	int64_t			 workers;
	int64_t			 probe_workers;
	bool			 probe_nice;	/* --probe.scheduling=nice */
	int64_t			 timeout_offset_ms;
};

/*
 * Parses the daemon's flags (--flag=value or --flag value).  Returns 0 to
 * run, 1 after printing help or the version (exit 0), -1 after printing
 * an error (exit 2).
 */
int	vx_cli_parse(int argc, char **argv, struct vx_opts *o);

/* "vpn_exporter parse ...": the offline parser.  Returns the exit code. */
int	vx_cli_parse_cmd(int argc, char **argv);

#endif
