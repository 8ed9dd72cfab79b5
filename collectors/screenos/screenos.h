#ifndef VX_SCREENOS_H
#define VX_SCREENOS_H

/*
 * Juniper ScreenOS (NetScreen, SSG).  Its collectors over SSH come later;
 * the syslog parser is here already, since the event log is the only
 * place ScreenOS reports invalid SPIs at all.
 */

#include "syslog_event.h"

/*
 * The bad-SPI (system-alert-00026) and replay (system-critical-00042)
 * events, with the sender's address and the SPI (vx_syslog_parse_fn).
 */
enum vx_syslog_kind	screenos_syslog_parse(const struct vx_syslog_msg *m,
			    struct vx_event *ev);

#endif
