/* Helpers the vendors' syslog parsers share.  Pure. */
#include "syslog_event.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "numparse.h"

#include "banned.h"

const char *
vx_syslog_find(const char *s, size_t len, const char *needle)
{
	size_t		 n = strlen(needle);
	const char	*end = s + len, *p = s;

	if (n == 0 || n > len)
		return n == 0 ? s : NULL;
	while ((p = memchr(p, needle[0], (size_t)(end - p) - n + 1)) != NULL) {
		if (memcmp(p, needle, n) == 0)
			return p;
		if ((size_t)(end - ++p) < n)
			break;
	}
	return NULL;
}

static int
is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	    (c >= 'A' && c <= 'F');
}

const char *
vx_syslog_addr(const char *p, const char *end, char out[VX_EVENT_ADDR_MAX])
{
	char		 tok[VX_EVENT_ADDR_MAX];
	unsigned char	 bin[16];
	size_t		 n = 0;

	while (p + n < end && n < sizeof(tok) && (is_hex(p[n]) ||
	    p[n] == '.' || p[n] == ':'))
		n++;
	if (n == sizeof(tok))
		return NULL;	/* longer than any address */
	/* "203.0.113.9." ends a sentence, not the address. */
	while (n > 0 && (p[n - 1] == '.' || (p[n - 1] == ':' &&
	    (n < 2 || p[n - 2] != ':'))))
		n--;
	if (n == 0)
		return NULL;
	memcpy(tok, p, n);
	tok[n] = '\0';
	if (inet_pton(AF_INET, tok, bin) == 1) {
		if (inet_ntop(AF_INET, bin, out, VX_EVENT_ADDR_MAX) == NULL)
			return NULL;
	} else if (inet_pton(AF_INET6, tok, bin) == 1) {
		if (inet_ntop(AF_INET6, bin, out, VX_EVENT_ADDR_MAX) == NULL)
			return NULL;
	} else {
		return NULL;
	}
	return p + n;
}

const char *
vx_syslog_spi(const char *p, const char *end, uint32_t *spi)
{
	size_t n = 0;

	if (end - p >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		n = 2;
	while (p + n < end && is_hex(p[n]) && n < 11)
		n++;
	if (p + n < end && is_hex(p[n]))
		return NULL;
	if (!vx_parse_spi_hex(p, n, spi))
		return NULL;
	return p + n;
}

const char *
vx_syslog_skip_spaces(const char *p, const char *end)
{
	while (p < end && *p == ' ')
		p++;
	return p;
}

int
vx_syslog_parse_log(vx_syslog_parse_fn parse, const char *text, size_t len,
    struct vx_snapshot *snap, struct vx_err *err)
{
	struct vx_event_store	*st = vx_event_store_new();
	const char		*p = text, *end = text + len;
	char			 buf[8192];
	size_t			 messages = 0;
	int			 rc;

	if (st == NULL)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	vx_event_store_set_limits(st, 1000000, INT64_MAX);
	while (p < end) {
		const char		*nl = memchr(p, '\n', (size_t)(end - p));
		size_t			 n = (size_t)((nl != NULL ? nl : end) - p);
		struct vx_syslog_msg	 m;
		struct vx_event		 ev;
		int			 k;

		/* A line from a file has no <PRI>: give it one. */
		k = snprintf(buf, sizeof(buf), "%s%.*s", n > 0 && p[0] == '<' ?
		    "" : "<13>", (int)(n < sizeof(buf) ? n : sizeof(buf)), p);
		p += n + (nl != NULL);
		if (k < 0 || vx_syslog_parse(buf, strnlen(buf, sizeof(buf)),
		    &m) != 0 || m.text_len == 0)
			continue;
		messages++;
		memset(&ev, 0, sizeof(ev));
		if (parse(&m, &ev) == VX_SYSLOG_EVENT)
			vx_event_store_add(st, &ev, 0);
	}
	if (messages == 0) {
		vx_event_store_unref(st);
		return vx_err_set(err, VX_E_PARSE, "line 1: no syslog message "
		    "in the input");
	}
	rc = vx_event_store_fill(st, snap, 0);
	vx_event_store_unref(st);
	return rc != 0 ? vx_err_set(err, VX_E_NOMEM, "out of memory") : 0;
}
