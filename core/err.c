#include "err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void
vx_err_clear(struct vx_err *err)
{
	err->code = VX_E_OK;
	err->msg[0] = '\0';
}

int
vx_err_set(struct vx_err *err, enum vx_errcode code, const char *fmt, ...)
{
	if (err != NULL) {
		va_list ap;

		err->code = code;
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return -(int)code;
}

void
vx_err_prefix(struct vx_err *err, const char *fmt, ...)
{
	char	joined[VX_ERR_MSG_MAX];
	va_list	ap;
	int	n;
	size_t	used, rest;

	if (err == NULL)
		return;
	va_start(ap, fmt);
	n = vsnprintf(joined, sizeof(joined) - 2, fmt, ap);
	va_end(ap);
	used = n < 0 ? 0 : (size_t)n;
	if (used > sizeof(joined) - 3)
		used = sizeof(joined) - 3;
	joined[used++] = ':';
	joined[used++] = ' ';
	rest = strnlen(err->msg, sizeof(err->msg));
	if (rest > sizeof(joined) - 1 - used)
		rest = sizeof(joined) - 1 - used;
	memcpy(joined + used, err->msg, rest);
	joined[used + rest] = '\0';
	memcpy(err->msg, joined, sizeof(err->msg));
}

const char *
vx_errcode_reason(enum vx_errcode code)
{
	switch (code) {
	case VX_E_OK:
		return "ok";
#define VX_ERRCODE(name, reason, summary) case VX_E_##name: return reason;
#include "errcodes.def"
#undef VX_ERRCODE
	case VX_E__COUNT:
		break;
	}
	return "internal";
}
