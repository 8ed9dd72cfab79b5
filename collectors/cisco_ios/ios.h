#ifndef VX_IOS_H
#define VX_IOS_H

/* Cisco IOS: syslog only, for now. */

#include "syslog_event.h"

/*
 * %CRYPTO-4-RECVD_PKT_INV_SPI: an invalid-SPI event with the sender's
 * address (srcaddr=) and the SPI (vx_syslog_parse_fn).
 */
enum vx_syslog_kind	ios_syslog_parse(const struct vx_syslog_msg *m,
			    struct vx_event *ev);

#endif
