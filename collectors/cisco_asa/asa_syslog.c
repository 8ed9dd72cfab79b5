/*
 * Cisco ASA syslog messages that name a peer and an SPI (also PIX, and
 * ASA code on Firepower, which tags its messages %FTD-).  Pure.
 *
 * From the Cisco Secure Firewall ASA Series Syslog Messages guide
 * (messages 400000-450001); each is rate-limited by the ASA to one
 * message every five seconds, so counting them gives a lower bound:
 *
 *   %ASA-4-402114: IPSEC: Received an ESP packet (SPI= 0x1A2B3C4D,
 *       sequence number= 0x1F) from 203.0.113.9 to 192.0.2.1 with an
 *       invalid SPI.
 *   %ASA-4-402119: IPSEC: Received an ESP packet (SPI= ..., sequence
 *       number= ...) from 203.0.113.9 (user= 203.0.113.9) to 192.0.2.1
 *       that failed anti-replay checking.
 *   %ASA-4-402120: ... that failed authentication.
 *
 * and from the PIX (and ASA 7.0) guide, which names no sender:
 *
 *   %PIX-4-402101: decaps: rec'd IPSEC packet has invalid spi for
 *       destaddr=192.0.2.1, prot=esp, spi=0x1a2b3c4d
 *
 * The ASA may put its logging class in the tag ("%ASA-vpn-4-402114").
 */
#include "asa.h"

#include <string.h>

#include "banned.h"

static const char *const asa_tags[] = { "%ASA-", "%FTD-", "%PIX-", NULL };

/*
 * The message id after "%ASA-[class-]sev-"; 0 if none.  *rest: after the
 * ':' that ends the tag (or the end, for a tag alone: an APP-NAME).
 */
static unsigned
message_id(const char *p, const char *end, const char **rest)
{
	unsigned id = 0;
	int	 n = 0;

	while (p < end && *p >= 'a' && *p <= 'z' && n < 16) {
		p++;
		n++;
	}
	if (n > 0) {
		if (p >= end || *p != '-')
			return 0;
		p++;
	}
	if (end - p < 3 || p[0] < '0' || p[0] > '7' || p[1] != '-')
		return 0;
	p += 2;
	for (n = 0; p < end && *p >= '0' && *p <= '9' && n < 6; n++, p++)
		id = id * 10 + (unsigned)(*p - '0');
	if (n != 6 || (p < end && *p != ':'))
		return 0;
	*rest = p < end ? p + 1 : p;
	return id;
}

/* Finds an ASA tag in s[0..len): the id, or 0. */
static unsigned
find_tag(const char *s, size_t len, const char **rest)
{
	for (size_t i = 0; asa_tags[i] != NULL; i++) {
		const char *t = vx_syslog_find(s, len, asa_tags[i]);

		if (t != NULL)
			return message_id(t + 5, s + len, rest);
	}
	return 0;
}

/*
 * "(SPI= 0x..., sequence number= ...) from REMOTE [(user= U)] to LOCAL":
 * the SPI and the remote address.
 */
static enum vx_syslog_kind
ipsec_packet(const char *p, const char *end, enum vx_event_type type,
    struct vx_event *ev)
{
	const char *spi = vx_syslog_find(p, (size_t)(end - p), "SPI=");
	const char *from;

	if (spi == NULL)
		return VX_SYSLOG_BAD;
	spi = vx_syslog_skip_spaces(spi + 4, end);
	if (vx_syslog_spi(spi, end, &ev->spi) == NULL)
		return VX_SYSLOG_BAD;
	ev->has_spi = true;
	from = vx_syslog_find(spi, (size_t)(end - spi), ") from ");
	if (from == NULL ||
	    vx_syslog_addr(from + 7, end, ev->peer) == NULL)
		return VX_SYSLOG_BAD;
	ev->type = type;
	return VX_SYSLOG_EVENT;
}

/* "... spi=0x1a2b3c4d[, srcaddr=203.0.113.9]" (PIX 402101). */
static enum vx_syslog_kind
pix_invalid_spi(const char *p, const char *end, struct vx_event *ev)
{
	const char *spi = vx_syslog_find(p, (size_t)(end - p), "spi=");
	const char *src = vx_syslog_find(p, (size_t)(end - p), "srcaddr=");

	if (spi == NULL ||
	    vx_syslog_spi(vx_syslog_skip_spaces(spi + 4, end), end,
	    &ev->spi) == NULL)
		return VX_SYSLOG_BAD;
	ev->has_spi = true;
	if (src != NULL &&
	    vx_syslog_addr(vx_syslog_skip_spaces(src + 8, end), end,
	    ev->peer) == NULL)
		return VX_SYSLOG_BAD;
	ev->type = VX_EV_INVALID_SPI;
	return VX_SYSLOG_EVENT;
}

enum vx_syslog_kind
asa_syslog_parse(const struct vx_syslog_msg *m, struct vx_event *ev)
{
	const char	*rest = NULL, *end;
	unsigned	 id = find_tag(m->text, m->text_len, &rest);

	end = m->text + m->text_len;
	if (id == 0 && m->app_len > 0) {
		/* Relayed as RFC 5424 with the tag as APP-NAME. */
		const char *dummy;

		id = find_tag(m->app, m->app_len, &dummy);
		rest = m->text;
	}
	switch (id) {
	case 402114:
		return ipsec_packet(rest, end, VX_EV_INVALID_SPI, ev);
	case 402119:
		return ipsec_packet(rest, end, VX_EV_REPLAY, ev);
	case 402120:
		return ipsec_packet(rest, end, VX_EV_AUTH, ev);
	case 402101:
		return pix_invalid_spi(rest, end, ev);
	default:
		return VX_SYSLOG_OTHER;
	}
}
