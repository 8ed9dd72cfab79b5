/* libssh, loaded on first use (see ssh_lib.h). */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

#include "ssh_lib.h"

#ifndef VX_LIBSSH_SONAME
#error "VX_LIBSSH_SONAME (e.g. \"libssh.so.4\") comes from the build"
#endif

struct vx_libssh vx_libssh;

static pthread_once_t	 libssh_once = PTHREAD_ONCE_INIT;
static bool		 libssh_ok;
static char		 libssh_msg[256];

static void
libssh_load_once(void)
{
	/* Never closed: the table points into it for the process' life. */
	void *h = dlopen(VX_LIBSSH_SONAME, RTLD_NOW | RTLD_LOCAL);

	if (h == NULL) {
		snprintf(libssh_msg, sizeof(libssh_msg), "cannot load %s: %s",
		    VX_LIBSSH_SONAME, dlerror());
		return;
	}
#define X(f)								\
	vx_libssh.p_##f = (__typeof__(vx_libssh.p_##f))dlsym(h, #f);	\
	if (vx_libssh.p_##f == NULL) {					\
		snprintf(libssh_msg, sizeof(libssh_msg), "%s has no %s",	\
		    VX_LIBSSH_SONAME, #f);				\
		return;							\
	}
	VX_LIBSSH_FUNCS(X)
#undef X
	libssh_ok = true;
}

bool
vx_libssh_load(char *msg, size_t size)
{
	pthread_once(&libssh_once, libssh_load_once);
	if (!libssh_ok && msg != NULL && size > 0)
		snprintf(msg, size, "%s", libssh_msg);
	return libssh_ok;
}
