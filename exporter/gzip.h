#ifndef VX_GZIP_H
#define VX_GZIP_H

#include <stddef.h>

/*
 * gzip-compresses src[0..len) for a Content-Encoding: gzip answer.
 * Returns a malloc'd buffer (free() it) and its length in *outlen, or
 * NULL on out-of-memory.  zlib's fastest level: exposition text is so
 * repetitive that it still shrinks about tenfold, at several times the
 * speed of the default level (bench/render_bench.c).
 */
char	*vx_gzip(const char *src, size_t len, size_t *outlen);

#endif
