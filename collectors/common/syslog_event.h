#ifndef VX_SYSLOG_EVENT_H
#define VX_SYSLOG_EVENT_H

/*
 * What a vendor's syslog parser is (collector.h registers them), and the
 * vendor-neutral helpers they share: finding words, reading addresses
 * and SPIs in a message's text.  Pure.
 */

#include <stddef.h>
#include <stdint.h>

#include "events.h"
#include "syslog_msg.h"

enum vx_syslog_kind {
	VX_SYSLOG_EVENT,	/* *ev is filled */
	VX_SYSLOG_OTHER,	/* not a message we count */
	VX_SYSLOG_BAD,		/* one we count, its fields unreadable */
};

/*
 * A vendor's syslog parser: one message (its header read by
 * vx_syslog_parse) in, at most one event out.  Pure: no I/O, no logging,
 * no allocation.  ev is zeroed by the caller.
 */
typedef enum vx_syslog_kind (*vx_syslog_parse_fn)(
	    const struct vx_syslog_msg *m, struct vx_event *ev);

struct vx_syslog_parser {
	const char		*vendor;	/* "cisco_asa" */
	vx_syslog_parse_fn	 parse;
};

/*
 * A log of messages, one a line, through a vendor's parser into snap, as
 * the listener would have counted them (for "vpn_exporter parse"): the
 * per-peer event counts and the last SPI of each.  A line is a message as
 * received ("<PRI>...") or as a syslog daemon writes it to a file
 * (without the <PRI>).  Lines that are no message are skipped.  Returns
 * 0, or -VX_E_PARSE if no line is one, -VX_E_NOMEM.
 */
int		 vx_syslog_parse_log(vx_syslog_parse_fn parse, const char *text,
		    size_t len, struct vx_snapshot *snap, struct vx_err *err);

/* The first occurrence of needle in s[0..len), or NULL. */
const char	*vx_syslog_find(const char *s, size_t len,
		    const char *needle);

/*
 * An IPv4 or IPv6 address at p (before end), written to out in canonical
 * form.  Returns the character after it, or NULL if p holds none.
 */
const char	*vx_syslog_addr(const char *p, const char *end,
		    char out[VX_EVENT_ADDR_MAX]);

/*
 * An SPI at p: hex with or without "0x", 1 to 8 digits.  Returns the
 * character after it, or NULL.
 */
const char	*vx_syslog_spi(const char *p, const char *end, uint32_t *spi);

/* p moved past spaces (not beyond end). */
const char	*vx_syslog_skip_spaces(const char *p, const char *end);

#endif
