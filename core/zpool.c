/* A small pool of raw deflate streams, shared by every thread. */
#include "zpool.h"

#include <pthread.h>
#include <stdlib.h>

static pthread_mutex_t	 lock = PTHREAD_MUTEX_INITIALIZER;
static z_stream		*idle[VX_ZPOOL_IDLE_MAX];
static int		 nidle;

z_stream *
vx_zpool_get(void)
{
	z_stream *zs = NULL;

	pthread_mutex_lock(&lock);
	if (nidle > 0)
		zs = idle[--nidle];
	pthread_mutex_unlock(&lock);
	if (zs != NULL) {
		if (deflateReset(zs) == Z_OK)
			return zs;
		deflateEnd(zs);
		free(zs);
		return NULL;
	}
	zs = calloc(1, sizeof(*zs));
	if (zs == NULL)
		return NULL;
	if (deflateInit2(zs, Z_BEST_SPEED, Z_DEFLATED, -15, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK) {
		free(zs);
		return NULL;
	}
	return zs;
}

void
vx_zpool_put(z_stream *zs)
{
	if (zs == NULL)
		return;
	pthread_mutex_lock(&lock);
	if (nidle < VX_ZPOOL_IDLE_MAX) {
		idle[nidle++] = zs;
		zs = NULL;
	}
	pthread_mutex_unlock(&lock);
	if (zs != NULL) {
		deflateEnd(zs);
		free(zs);
	}
}

int
vx_zpool_idle(void)
{
	int n;

	pthread_mutex_lock(&lock);
	n = nidle;
	pthread_mutex_unlock(&lock);
	return n;
}
