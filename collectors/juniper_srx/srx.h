#ifndef VX_SRX_H
#define VX_SRX_H

/*
 * Juniper SRX (Junos): the collectors' ops, the command line's dialect,
 * and the pure parsers (text or XML in, model out).
 */

#include <stddef.h>

#include "cli_dialect.h"
#include "collector.h"

/* The offline parsers, terminated by a NULL vendor (srx_parsers.c). */
extern const struct vx_parser srx_parsers[];

/* The Junos operational command line, for the SSH CLI layer. */
extern const struct vx_cli_dialect srx_cli_dialect;

#endif
