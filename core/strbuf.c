#include "strbuf.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static char strbuf_empty[1];

void
vx_strbuf_init(struct vx_strbuf *sb, size_t hint)
{
	sb->buf = strbuf_empty;
	sb->len = 0;
	sb->alloc = 0;
	sb->failed = false;
	if (hint > 0) {
		char *p = malloc(hint + 1);

		if (p == NULL) {
			sb->failed = true;
			return;
		}
		p[0] = '\0';
		sb->buf = p;
		sb->alloc = hint + 1;
	}
}

void
vx_strbuf_release(struct vx_strbuf *sb)
{
	if (sb->alloc > 0)
		free(sb->buf);
	sb->buf = strbuf_empty;
	sb->len = sb->alloc = 0;
	sb->failed = false;
}

void
vx_strbuf_reset(struct vx_strbuf *sb)
{
	sb->len = 0;
	if (sb->alloc > 0)
		sb->buf[0] = '\0';
}

char *
vx_strbuf_detach(struct vx_strbuf *sb, size_t *len)
{
	char *p;

	if (sb->alloc == 0) {
		p = calloc(1, 1);
	} else {
		p = sb->buf;
	}
	if (len != NULL)
		*len = sb->len;
	sb->buf = strbuf_empty;
	sb->len = sb->alloc = 0;
	sb->failed = false;
	return p;
}

static bool
strbuf_reserve(struct vx_strbuf *sb, size_t extra)
{
	size_t	need, n;
	char	*p;

	if (sb->failed)
		return false;
	need = sb->len + extra + 1;
	/* No object is larger than PTRDIFF_MAX (malloc refuses them too). */
	if (need < extra || need > PTRDIFF_MAX) {
		sb->failed = true;
		return false;
	}
	if (need <= sb->alloc)
		return true;
	n = sb->alloc < 64 ? 64 : sb->alloc;
	while (n < need) {
		if (n > SIZE_MAX / 2) {
			n = need;
			break;
		}
		n = n * 2;
	}
	p = realloc(sb->alloc > 0 ? sb->buf : NULL, n);
	if (p == NULL) {
		sb->failed = true;
		return false;
	}
	if (sb->alloc == 0)
		p[0] = '\0';
	sb->buf = p;
	sb->alloc = n;
	return true;
}

void
vx_strbuf_add(struct vx_strbuf *sb, const void *data, size_t len)
{
	if (!strbuf_reserve(sb, len))
		return;
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void
vx_strbuf_addstr(struct vx_strbuf *sb, const char *s)
{
	vx_strbuf_add(sb, s, strlen(s));
}

void
vx_strbuf_addch(struct vx_strbuf *sb, char c)
{
	if (!strbuf_reserve(sb, 1))
		return;
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = '\0';
}

void
vx_strbuf_addf(struct vx_strbuf *sb, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	if (sb->failed)
		return;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !strbuf_reserve(sb, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

void
vx_strbuf_add_u64(struct vx_strbuf *sb, unsigned long long v)
{
	char	tmp[24];
	size_t	i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	vx_strbuf_add(sb, tmp + i, sizeof(tmp) - i);
}

bool
vx_strbuf_grow(struct vx_strbuf *sb, size_t extra)
{
	return strbuf_reserve(sb, extra);
}

void
vx_strbuf_truncate(struct vx_strbuf *sb, size_t len)
{
	if (len >= sb->len)
		return;
	sb->len = len;
	sb->buf[len] = '\0';
}

void
vx_strbuf_consume(struct vx_strbuf *sb, size_t n)
{
	if (n >= sb->len) {
		vx_strbuf_reset(sb);
		return;
	}
	memmove(sb->buf, sb->buf + n, sb->len - n);
	sb->len -= n;
	sb->buf[sb->len] = '\0';
}
