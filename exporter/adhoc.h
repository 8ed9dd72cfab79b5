#ifndef VX_EXPORTER_ADHOC_H
#define VX_EXPORTER_ADHOC_H

/*
 * Devices made on demand for /probe?target=ADDRESS&module=M&auth=A
 * (addresses not in the configuration, found by Prometheus' service
 * discovery), kept between scrapes so that their history (carried
 * counters, rekeys) works: at most max_devices, the least recently
 * probed one dropped first, and any not probed for idle_timeout.  A
 * reload keeps a device whose configuration (module, auth, secrets) did
 * not change, and hands a changed one's history to its successor.
 */

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "device.h"
#include "strbuf.h"
#include "strmap.h"

struct vx_syslog_listener;
struct adhoc_entry;

struct vx_adhoc {
	pthread_mutex_t		 lock;
	struct vx_strmap	 bykey;		/* "address^_module^_auth" (US) */
	struct adhoc_entry	*head;		/* most recently used first */
	struct adhoc_entry	*tail;
	size_t			 n;
};

void	vx_adhoc_init(struct vx_adhoc *a);
/* Drops every device (a reload without "probe_targets:", the end). */
void	vx_adhoc_clear(struct vx_adhoc *a);
void	vx_adhoc_release(struct vx_adhoc *a);
size_t	vx_adhoc_count(struct vx_adhoc *a);
/*
 * Drops the devices not probed for idle_ms: after each device made, and
 * before what is kept is counted or listed.
 */
void	vx_adhoc_expire(struct vx_adhoc *a, int64_t idle_ms);
/*
 * The devices kept, most recently probed first: a malloc'd array of
 * references in *out (release each, then free it); their number.  0 and
 * NULL when there are none or out of memory.
 */
size_t	vx_adhoc_devices(struct vx_adhoc *a, struct vx_device ***out);

/*
 * A reference to the device for address (canonical text) with module
 * and auth (NULL: the module's), made with f if need be.  NULL with the
 * reason in why (the errors are logged) if it cannot be configured.
 */
struct vx_device *vx_adhoc_get(struct vx_adhoc *a, struct vx_fleet *f,
	    const char *address, const char *module, const char *auth,
	    struct vx_syslog_listener *syslog, struct vx_strbuf *why);

#endif
