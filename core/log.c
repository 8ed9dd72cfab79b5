#include "log.h"

#include <pthread.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

#include "strbuf.h"

static FILE			*log_out;
static enum vx_log_level	 log_min = VX_LOG_INFO;
static enum vx_log_format	 log_fmt = VX_LOGFMT_LOGFMT;
static pthread_mutex_t		 log_lock = PTHREAD_MUTEX_INITIALIZER;

static const char *const level_names[] = { "debug", "info", "warn", "error" };

void
vx_log_setup(FILE *out, enum vx_log_level min, enum vx_log_format fmt)
{
	log_out = out;
	log_min = min;
	log_fmt = fmt;
}

bool
vx_log_parse_level(const char *s, enum vx_log_level *out)
{
	for (int i = 0; i <= VX_LOG_ERROR; i++) {
		if (strcmp(s, level_names[i]) == 0) {
			*out = (enum vx_log_level)i;
			return true;
		}
	}
	return false;
}

bool
vx_log_parse_format(const char *s, enum vx_log_format *out)
{
	if (strcmp(s, "logfmt") == 0)
		*out = VX_LOGFMT_LOGFMT;
	else if (strcmp(s, "json") == 0)
		*out = VX_LOGFMT_JSON;
	else
		return false;
	return true;
}

bool
vx_log_enabled(enum vx_log_level lvl)
{
	return lvl >= log_min;
}

/* A JSON string; logfmt quotes its values the same way. */
static void
add_json_string(struct vx_strbuf *sb, const char *v)
{
	vx_strbuf_addch(sb, '"');
	for (const char *p = v; *p; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '"' || c == '\\') {
			vx_strbuf_addch(sb, '\\');
			vx_strbuf_addch(sb, (char)c);
		} else if (c == '\n') {
			vx_strbuf_addstr(sb, "\\n");
		} else if (c < 0x20) {
			vx_strbuf_addf(sb, "\\u%04x", c);
		} else {
			vx_strbuf_addch(sb, (char)c);
		}
	}
	vx_strbuf_addch(sb, '"');
}

/* logfmt quotes a value with spaces, quotes, '=' or control bytes. */
static void
add_logfmt_value(struct vx_strbuf *sb, const char *v)
{
	bool quote = v[0] == '\0';

	for (const char *p = v; *p && !quote; p++)
		quote = *p == ' ' || *p == '"' || *p == '=' ||
		    (unsigned char)*p < 0x20;
	if (!quote) {
		vx_strbuf_addstr(sb, v);
		return;
	}
	add_json_string(sb, v);
}

static void
add_field(struct vx_strbuf *sb, bool first, const char *k, const char *v)
{
	if (log_fmt == VX_LOGFMT_JSON) {
		vx_strbuf_addstr(sb, first ? "{" : ",");
		add_json_string(sb, k);
		vx_strbuf_addch(sb, ':');
		add_json_string(sb, v);
	} else {
		if (!first)
			vx_strbuf_addch(sb, ' ');
		vx_strbuf_addstr(sb, k);
		vx_strbuf_addch(sb, '=');
		add_logfmt_value(sb, v);
	}
}

static void log_emit(enum vx_log_level, const char *const *, const char *,
    va_list) __attribute__((format(printf, 3, 0)));

static void
log_emit(enum vx_log_level lvl, const char *const *kv, const char *fmt,
    va_list ap)
{
	struct vx_strbuf	sb, msg;
	struct timespec		ts;
	struct tm		tm;
	char			tsbuf[80];
	FILE			*out = log_out != NULL ? log_out : stderr;

	if (lvl < log_min)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(tsbuf, sizeof(tsbuf), "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);

	vx_strbuf_init(&msg, 128);
	{
		va_list	cp;
		char	tmp[1024];

		va_copy(cp, ap);
		vsnprintf(tmp, sizeof(tmp), fmt, cp);
		va_end(cp);
		vx_strbuf_addstr(&msg, tmp);
	}
	vx_strbuf_init(&sb, 256);
	add_field(&sb, true, "ts", tsbuf);
	add_field(&sb, false, "level", level_names[lvl]);
	for (size_t i = 0; kv != NULL && kv[i] != NULL; i += 2) {
		if (kv[i + 1] != NULL)
			add_field(&sb, false, kv[i], kv[i + 1]);
	}
	add_field(&sb, false, "msg", msg.buf);
	if (log_fmt == VX_LOGFMT_JSON)
		vx_strbuf_addch(&sb, '}');
	vx_strbuf_addch(&sb, '\n');

	pthread_mutex_lock(&log_lock);
	fwrite(sb.buf, 1, sb.len, out);
	fflush(out);
	pthread_mutex_unlock(&log_lock);
	vx_strbuf_release(&sb);
	vx_strbuf_release(&msg);
}

void
vx_log_kv(enum vx_log_level lvl, const char *const *kv, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(lvl, kv, fmt, ap);
	va_end(ap);
}

void
vx_log(enum vx_log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_emit(lvl, NULL, fmt, ap);
	va_end(ap);
}
