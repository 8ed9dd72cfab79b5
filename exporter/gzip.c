#include "gzip.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#ifndef VX_GZIP_LEVEL
#define VX_GZIP_LEVEL	Z_BEST_SPEED
#endif

char *
vx_gzip(const char *src, size_t len, size_t *outlen)
{
	z_stream	 zs;
	char		*out;
	size_t		 cap;
	int		 rc = Z_OK;

	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, VX_GZIP_LEVEL, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return NULL;
	cap = deflateBound(&zs, len) + 32;
	out = malloc(cap);
	if (out == NULL) {
		deflateEnd(&zs);
		return NULL;
	}
	zs.next_in = (Bytef *)(uintptr_t)src;
	zs.next_out = (Bytef *)out;
	/* avail_in and avail_out are 32 bits wide: feed in slices. */
	while (rc == Z_OK) {
		size_t in_left = len - (size_t)((const char *)zs.next_in - src);
		size_t out_left = cap - (size_t)((char *)zs.next_out - out);

		zs.avail_in = in_left > UINT32_MAX ? UINT32_MAX : (uInt)in_left;
		zs.avail_out = out_left > UINT32_MAX ? UINT32_MAX :
		    (uInt)out_left;
		rc = deflate(&zs, in_left > UINT32_MAX ? Z_NO_FLUSH :
		    Z_FINISH);
	}
	if (rc != Z_STREAM_END) {
		deflateEnd(&zs);
		free(out);
		return NULL;
	}
	*outlen = (size_t)((char *)zs.next_out - out);
	deflateEnd(&zs);
	return out;
}
