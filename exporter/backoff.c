/* Poll scheduling: backoff for failing devices, spread of first polls. */
#include "backoff.h"

int64_t
vx_backoff_delay_ms(int64_t interval_ms, unsigned failures, uint32_t seed)
{
	int64_t	cap = 8 * interval_ms, delay = interval_ms;
	int64_t	jitter;

	if (failures == 0)
		return interval_ms;
	if (cap > VX_BACKOFF_MAX_MS)
		cap = VX_BACKOFF_MAX_MS;
	if (cap < interval_ms)
		cap = interval_ms;
	for (unsigned i = 0; i < failures && delay < cap; i++)
		delay *= 2;
	if (delay > cap)
		delay = cap;
	/* +-10%, never below one interval. */
	jitter = delay / 5 > 0 ? (int64_t)(seed % (uint32_t)(delay / 5 + 1)) -
	    delay / 10 : 0;
	delay += jitter;
	return delay < interval_ms ? interval_ms : delay;
}

int64_t
vx_first_poll_spread_ms(int64_t interval_ms, size_t ndevices)
{
	int64_t spread = 5000 + (int64_t)ndevices * 5;

	return spread < interval_ms ? spread : interval_ms;
}
