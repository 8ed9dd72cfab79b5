/* SPI agreement between the two ends of a tunnel. */
#include "spi_match.h"

static bool
has_in(const struct vx_tunnel *t, uint32_t spi)
{
	for (size_t i = 0; i < t->nsas; i++) {
		if (t->sas[i].has_in && t->sas[i].spi_in == spi)
			return true;
	}
	return false;
}

/* Every current outbound SPI of a is inbound at b; false if a has none. */
static bool
outbound_known(const struct vx_tunnel *a, const struct vx_tunnel *b,
    bool *any)
{
	for (size_t i = 0; i < a->nsas; i++) {
		const struct vx_sa *sa = &a->sas[i];

		if (sa->state == VX_SA_EXPIRING || !sa->has_out)
			continue;
		*any = true;
		if (!has_in(b, sa->spi_out))
			return false;
	}
	return true;
}

static bool
has_inbound(const struct vx_tunnel *t)
{
	for (size_t i = 0; i < t->nsas; i++) {
		if (t->sas[i].has_in)
			return true;
	}
	return false;
}

enum vx_spi_agreement
vx_spi_agreement(const struct vx_tunnel *a, const struct vx_tunnel *b)
{
	bool any_a = false, any_b = false, ok_a, ok_b;

	if (a == NULL || b == NULL || !a->up || !b->up || a->nsas == 0 ||
	    b->nsas == 0 || !has_inbound(a) || !has_inbound(b))
		return VX_SPI_UNKNOWN;
	ok_a = outbound_known(a, b, &any_a);
	ok_b = outbound_known(b, a, &any_b);
	if (!any_a || !any_b)
		return VX_SPI_UNKNOWN;
	return ok_a && ok_b ? VX_SPI_MATCH : VX_SPI_MISMATCH;
}
