#ifndef VX_ERR_H
#define VX_ERR_H

#include <stddef.h>

/*
 * Failure outcomes.  Functions return 0 on success and -VX_E_xxx on
 * failure, with the details in a struct vx_err.
 */
enum vx_errcode {
	VX_E_OK = 0,
#define VX_ERRCODE(name, reason, summary) VX_E_##name,
#include "errcodes.def"
#undef VX_ERRCODE
	VX_E__COUNT
};

#define VX_ERR_MSG_MAX 320

struct vx_err {
	enum vx_errcode	code;
	char		msg[VX_ERR_MSG_MAX];
};

/* Clears err to VX_E_OK and an empty message. */
void		vx_err_clear(struct vx_err *err);

/*
 * Fills err (if not NULL) and returns -code, so callers can write
 * "return vx_err_set(err, VX_E_PARSE, "line %d: ...", n);".
 */
int		vx_err_set(struct vx_err *err, enum vx_errcode code,
		    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Prepends "prefix: " to an already set message (for added context). */
void		vx_err_prefix(struct vx_err *err, const char *fmt, ...)
		    __attribute__((format(printf, 2, 3)));

/* The reason label value for code ("timeout", ...); "ok" for VX_E_OK. */
const char	*vx_errcode_reason(enum vx_errcode code);

#endif
