/* Returning freed memory to the system (glibc's malloc_trim). */
#include "memtrim.h"

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
