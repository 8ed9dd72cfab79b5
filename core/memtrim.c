/* Returning freed memory to the system (glibc's malloc_trim). */
#include "memtrim.h"

#include <stdlib.h>	/* for __GLIBC__, which no header above defines */

#ifdef __GLIBC__
#include <malloc.h>
#endif

void
vx_release_memory(void)
{
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

void
vx_shrink_buffer(struct vx_strbuf *sb, size_t hint)
{
	if (sb->alloc <= VX_KEEP_BUFFER)
		return;
	vx_strbuf_release(sb);
	vx_strbuf_init(sb, hint);
	vx_release_memory();
}
