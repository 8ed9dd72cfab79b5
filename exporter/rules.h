#ifndef VX_RULES_H
#define VX_RULES_H

/*
 * "vpn_exporter rules --config.file=FILE": the Prometheus rule file for a
 * configuration.  Recording rules for the dashboards, and one alerting
 * rule per alert (two for the invalid-SPI alert: warning and page).
 * Thresholds are not written into the rules: each rule compares a device
 * with its own vpn_alert_threshold series, so an override needs no new
 * rule.  Durations ("for", windows) cannot come from a series; devices
 * whose durations differ get a rule each, selected by device name.
 * Metric names come from the renderer's table (vx_metric_name).
 */

#include "config.h"
#include "strbuf.h"

/* Writes the rule file (YAML, through libyaml's emitter) to out. */
int	vx_rules_write(struct vx_strbuf *out, const struct vx_config *cfg);

/* "vpn_exporter rules ...": returns the exit code. */
int	vx_cli_rules_cmd(int argc, char **argv);

#endif
