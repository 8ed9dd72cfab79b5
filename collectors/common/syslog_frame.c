/*
 * Syslog over TCP (RFC 6587): each message is either octet-counted
 * ("LEN SP MSG", the first character a digit) or ends at a LF (or NUL).
 * A message that lies whole in one read is handed over in place; only
 * one split across reads is copied.  Pure.
 */
#include "syslog_msg.h"

#include <stdlib.h>
#include <string.h>

#include "banned.h"

enum {
	ST_START,	/* at a message boundary */
	ST_COUNT,	/* reading the octet count */
	ST_OCTETS,	/* reading count octets */
	ST_SKIP_OCTETS,	/* discarding an oversize counted message */
	ST_LINE,	/* reading up to LF */
	ST_SKIP_LINE,	/* discarding up to LF */
};

/* Octet counts past this many digits are not syslog (RFC 6587: 1-9 only). */
#define COUNT_DIGITS_MAX	9

void
vx_syslog_deframer_init(struct vx_syslog_deframer *f, size_t max)
{
	memset(f, 0, sizeof(*f));
	f->max = max;
}

void
vx_syslog_deframer_release(struct vx_syslog_deframer *f)
{
	free(f->buf);
	f->buf = NULL;
	f->len = 0;
	f->state = ST_START;
}

bool
vx_syslog_deframer_pending(const struct vx_syslog_deframer *f)
{
	return f->state != ST_START;
}

static int
append(struct vx_syslog_deframer *f, const char *p, size_t n)
{
	if (f->buf == NULL && (f->buf = malloc(f->max > 0 ? f->max : 1)) ==
	    NULL)
		return -1;
	memcpy(f->buf + f->len, p, n);
	f->len += n;
	return 0;
}

/* A LF-terminated message p[0..n): without a trailing CR. */
static void
deliver_line(const char *p, size_t n, vx_syslog_msg_fn fn, void *arg)
{
	if (n > 0 && p[n - 1] == '\r')
		n--;
	if (n > 0)
		fn(arg, p, n, VX_FRAME_OK);
}

int
vx_syslog_deframe(struct vx_syslog_deframer *f, const char *data, size_t n,
    vx_syslog_msg_fn fn, void *arg)
{
	const char	*p = data, *end = data + n;

	while (p < end) {
		switch (f->state) {
		case ST_START:
			if (*p == '\n' || *p == '\r' || *p == '\0' ||
			    *p == ' ') {
				p++;
			} else if (*p >= '1' && *p <= '9') {
				f->count = (size_t)(*p++ - '0');
				f->digits = 1;
				f->state = ST_COUNT;
			} else {
				f->state = ST_LINE;
				f->len = 0;
			}
			break;
		case ST_COUNT:
			if (*p >= '0' && *p <= '9' &&
			    f->digits < COUNT_DIGITS_MAX) {
				f->count = f->count * 10 + (size_t)(*p++ - '0');
				f->digits++;
			} else if (*p == ' ') {
				p++;
				f->len = 0;
				if (f->count > f->max) {
					fn(arg, NULL, 0, VX_FRAME_OVERSIZE);
					f->state = ST_SKIP_OCTETS;
				} else {
					f->state = ST_OCTETS;
				}
			} else {
				fn(arg, NULL, 0, VX_FRAME_MALFORMED);
				f->state = ST_SKIP_LINE;
			}
			break;
		case ST_OCTETS: {
			size_t k = (size_t)(end - p) < f->count ?
			    (size_t)(end - p) : f->count;

			if (f->len == 0 && k == f->count) {
				fn(arg, p, k, VX_FRAME_OK);
			} else {
				if (append(f, p, k) != 0)
					return -1;
				if (k == f->count)
					fn(arg, f->buf, f->len, VX_FRAME_OK);
			}
			p += k;
			f->count -= k;
			if (f->count == 0) {
				f->len = 0;
				f->state = ST_START;
			}
			break;
		}
		case ST_SKIP_OCTETS: {
			size_t k = (size_t)(end - p) < f->count ?
			    (size_t)(end - p) : f->count;

			p += k;
			f->count -= k;
			if (f->count == 0)
				f->state = ST_START;
			break;
		}
		case ST_LINE: {
			size_t		 avail = (size_t)(end - p), k;
			const char	*nl = memchr(p, '\n', avail);
			const char	*nul = memchr(p, '\0', avail);
			const char	*stop = nl;

			if (nul != NULL && (stop == NULL || nul < stop))
				stop = nul;
			k = (size_t)((stop != NULL ? stop : end) - p);
			if (f->len + k > f->max) {
				fn(arg, NULL, 0, VX_FRAME_OVERSIZE);
				f->len = 0;
				f->state = ST_SKIP_LINE;
				break;
			}
			if (stop != NULL && f->len == 0) {
				deliver_line(p, k, fn, arg);
			} else {
				if (k > 0 && append(f, p, k) != 0)
					return -1;
				if (stop != NULL)
					deliver_line(f->buf, f->len, fn, arg);
			}
			p += k;
			if (stop != NULL) {
				p++;
				f->len = 0;
				f->state = ST_START;
			}
			break;
		}
		case ST_SKIP_LINE: {
			const char *nl = memchr(p, '\n', (size_t)(end - p));

			if (nl == NULL) {
				p = end;
			} else {
				p = nl + 1;
				f->state = ST_START;
			}
			break;
		}
		default:
			f->state = ST_START;
			break;
		}
	}
	return 0;
}

void
vx_syslog_deframer_finish(struct vx_syslog_deframer *f, vx_syslog_msg_fn fn,
    void *arg)
{
	if (f->state == ST_LINE && f->len > 0)
		deliver_line(f->buf, f->len, fn, arg);
	f->len = 0;
	f->state = ST_START;
}
