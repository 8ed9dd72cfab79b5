/*
 * ScreenOS event-log messages sent by syslog.  Pure.
 *
 *   <129>ssg5: NetScreen device_id=ssg5  [Root]system-alert-00026: IPSec
 *       tunnel on interface ethernet0/2 with tunnel ID 0x9a received a
 *       packet with a bad SPI. 203.0.113.9->192.0.2.1/96, ESP, SPI
 *       0xf5b25b5b, SEQ 0x1. (2021-06-30 12:08:35)
 *   ... [Root]system-critical-00042: Replay packet detected on IPSec
 *       tunnel on ethernet0/2 with tunnel ID 0x67! From 203.0.113.9 to
 *       192.0.2.1/128, ESP, SPI 0xf5b259cc, SEQ 0x573. (...)
 *
 * The wording is the ScreenOS Message Log Reference's (Juniper KB10091);
 * the layout of the addresses and the SPI that of real logs.  ScreenOS
 * writes the bad-SPI message at most once every 10 seconds per tunnel,
 * so a count of them is a lower bound on the packets.  The message is
 * matched by its words, not by its id, which varies with the severity
 * configured.
 */
#include "screenos.h"

#include "banned.h"

#define BAD_SPI		"received a packet with a bad SPI."
#define REPLAY		"Replay packet detected on IPSec tunnel"

/* "SPI 0x1234" (or "ESP/0x1234", the Message Log Reference's layout). */
static bool
find_spi(const char *p, const char *end, uint32_t *spi)
{
	const char *s = vx_syslog_find(p, (size_t)(end - p), "SPI 0x");

	if (s != NULL)
		return vx_syslog_spi(s + 4, end, spi) != NULL;
	if ((s = vx_syslog_find(p, (size_t)(end - p), "ESP/")) != NULL)
		return vx_syslog_spi(s + 4, end, spi) != NULL;
	if ((s = vx_syslog_find(p, (size_t)(end - p), "AH/")) != NULL)
		return vx_syslog_spi(s + 3, end, spi) != NULL;
	return false;
}

static enum vx_syslog_kind
bad_spi(const char *p, const char *end, struct vx_event *ev)
{
	const char *src;

	p = vx_syslog_skip_spaces(p + sizeof(BAD_SPI) - 1, end);
	/* "SRC->DST/len" */
	src = vx_syslog_addr(p, end, ev->peer);
	if (src == NULL || end - src < 2 || src[0] != '-' || src[1] != '>' ||
	    !find_spi(src, end, &ev->spi))
		return VX_SYSLOG_BAD;
	ev->has_spi = true;
	ev->type = VX_EV_INVALID_SPI;
	return VX_SYSLOG_EVENT;
}

static enum vx_syslog_kind
replay(const char *p, const char *end, struct vx_event *ev)
{
	const char *from = vx_syslog_find(p, (size_t)(end - p), "! From ");

	if (from == NULL || vx_syslog_addr(from + 7, end, ev->peer) == NULL ||
	    !find_spi(from, end, &ev->spi))
		return VX_SYSLOG_BAD;
	ev->has_spi = true;
	ev->type = VX_EV_REPLAY;
	return VX_SYSLOG_EVENT;
}

enum vx_syslog_kind
screenos_syslog_parse(const struct vx_syslog_msg *m, struct vx_event *ev)
{
	const char	*end = m->text + m->text_len;
	const char	*p;

	if ((p = vx_syslog_find(m->text, m->text_len, BAD_SPI)) != NULL)
		return bad_spi(p, end, ev);
	if ((p = vx_syslog_find(m->text, m->text_len, REPLAY)) != NULL)
		return replay(p, end, ev);
	return VX_SYSLOG_OTHER;
}
