#ifndef VX_SPI_MATCH_H
#define VX_SPI_MATCH_H

/*
 * Do the two ends of a tunnel agree on their SAs?  A's outbound SPI must
 * be one of B's inbound SPIs and B's outbound one of A's inbound, for
 * every SA pair either end holds as current (active, or of unknown
 * state); SAs listed as expiring during a rekey are not required to match
 * but may be matched against.  After a one-sided rekey one end sends
 * with an SPI the other does not know: that is the mismatch.  Pure and
 * vendor-neutral: it reads the model only.
 */

#include "model.h"

enum vx_spi_agreement {
	VX_SPI_UNKNOWN,		/* an end is down or reported no SPI */
	VX_SPI_MATCH,
	VX_SPI_MISMATCH,
};

enum vx_spi_agreement	vx_spi_agreement(const struct vx_tunnel *a,
			    const struct vx_tunnel *b);

#endif
