#ifndef VX_TESTUTIL_H
#define VX_TESTUTIL_H

/* Small helpers shared by the cmocka unit tests. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"

/* Reads VX_FIXTURE_DIR "/" rel into sb; fails the test if it cannot. */
static inline void
vxt_read_fixture(const char *rel, struct vx_strbuf *sb)
{
	char	path[1024];
	char	buf[8192];
	FILE	*f;
	size_t	n;

	snprintf(path, sizeof(path), "%s/%s", VX_FIXTURE_DIR, rel);
	f = fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "cannot open fixture %s\n", path);
		abort();
	}
	vx_strbuf_init(sb, 4096);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		vx_strbuf_add(sb, buf, n);
	fclose(f);
}

#endif
