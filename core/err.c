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

	if (err == NULL)
		return;
	va_start(ap, fmt);
	n = vsnprintf(joined, sizeof(joined), fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n < sizeof(joined) - 2) {
		joined[n++] = ':';
		joined[n++] = ' ';
		joined[n] = '\0';
		strncat(joined, err->msg, sizeof(joined) - (size_t)n - 1);
	}
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
