#ifndef VX_PANOS_INT_H
#define VX_PANOS_INT_H

/*
 * Helpers shared by the PAN-OS parsers (panos_xml.c): the reply's
 * <result> and the few kinds of element value they read.  Every failure
 * is -VX_E_PARSE naming the element's line and the tunnel (or counter)
 * it belongs to.
 */

#include <stdbool.h>
#include <stdint.h>

#include "panos.h"
#include "xml.h"

/*
 * panos_open, and a successful reply must have a <result>.  On failure
 * *doc is NULL.
 */
int	panos_open_result(const char *text, size_t len, xmlDoc **doc,
	    xmlNode **result, struct vx_err *err);

/* The element's text as an unsigned number. */
int	panos_u64(const xmlNode *c, const char *owner, uint64_t *v,
	    struct vx_err *err);

enum panos_spi_fmt {
	PANOS_SPI_HEX,		/* "B5102BDB" (flow detail, CLI) */
	PANOS_SPI_DEC,		/* "2300285266" (XML ipsec-sa) */
};

/* The SPI in e's child name; *has is false when there is none. */
int	panos_spi(const xmlNode *e, const char *name, enum panos_spi_fmt fmt,
	    const char *owner, uint32_t *spi, bool *has, struct vx_err *err);

/* Sets the tunnel attributes whose value[] is neither NULL nor empty. */
int	panos_tunnel_attrs(struct vx_snapshot *snap, struct vx_tunnel *t,
	    const char *const value[VX_TA__COUNT], struct vx_err *err);

#endif
