#ifndef VX_LOG_H
#define VX_LOG_H

#include <stdbool.h>
#include <stdio.h>

/*
 * One line per event, logfmt by default (the Prometheus exporters' style):
 *   ts=2026-11-22T18:44:17.123Z level=error device=asa-1
 *   collector=cisco_asa_snmp reason=timeout msg="no response ..."
 * or one JSON object per line with --log.format=json.  Thread-safe.
 */
enum vx_log_level {
	VX_LOG_DEBUG,
	VX_LOG_INFO,
	VX_LOG_WARN,
	VX_LOG_ERROR,
};

enum vx_log_format {
	VX_LOGFMT_LOGFMT,
	VX_LOGFMT_JSON,
};

void	vx_log_setup(FILE *out, enum vx_log_level min, enum vx_log_format fmt);
bool	vx_log_parse_level(const char *s, enum vx_log_level *out);
bool	vx_log_parse_format(const char *s, enum vx_log_format *out);
bool	vx_log_enabled(enum vx_log_level lvl);

/*
 * Logs msg (printf-formatted) with key/value pairs given as a
 * NULL-terminated list of const char * (key, value, key, value, ..., NULL)
 * placed before msg.  A pair with a NULL value is skipped.
 */
void	vx_log_kv(enum vx_log_level lvl, const char *const *kv,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

void	vx_log(enum vx_log_level lvl, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#define vx_log_error(...)	vx_log(VX_LOG_ERROR, __VA_ARGS__)
#define vx_log_warn(...)	vx_log(VX_LOG_WARN, __VA_ARGS__)
#define vx_log_info(...)	vx_log(VX_LOG_INFO, __VA_ARGS__)
#define vx_log_debug(...)	vx_log(VX_LOG_DEBUG, __VA_ARGS__)

#endif
