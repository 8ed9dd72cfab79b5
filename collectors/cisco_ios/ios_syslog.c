/*
 * Cisco IOS syslog: the invalid-SPI message.  Pure.
 *
 *   %CRYPTO-4-RECVD_PKT_INV_SPI: decaps: rec'd IPSEC packet has invalid
 *       spi for destaddr=192.0.2.1, prot=50, spi=0x9E6D41B7(2657960375),
 *       srcaddr=203.0.113.9, input interface=GigabitEthernet0/2
 *
 * IOS logs it at most about once a minute (so the count is a lower
 * bound), and before CSCsq59183 not for NAT-T packets (Cisco doc
 * 115801).  A message without srcaddr= counts for peer "unknown".
 */
#include "ios.h"

#include "banned.h"

#define INV_SPI_TAG	"%CRYPTO-4-RECVD_PKT_INV_SPI:"

enum vx_syslog_kind
ios_syslog_parse(const struct vx_syslog_msg *m, struct vx_event *ev)
{
	const char	*end = m->text + m->text_len;
	const char	*p, *spi, *src;

	p = vx_syslog_find(m->text, m->text_len, INV_SPI_TAG);
	if (p == NULL)
		return VX_SYSLOG_OTHER;
	p += sizeof(INV_SPI_TAG) - 1;
	spi = vx_syslog_find(p, (size_t)(end - p), "spi=");
	if (spi == NULL ||
	    vx_syslog_spi(vx_syslog_skip_spaces(spi + 4, end), end,
	    &ev->spi) == NULL)
		return VX_SYSLOG_BAD;
	ev->has_spi = true;
	src = vx_syslog_find(p, (size_t)(end - p), "srcaddr=");
	if (src != NULL &&
	    vx_syslog_addr(vx_syslog_skip_spaces(src + 8, end), end,
	    ev->peer) == NULL)
		return VX_SYSLOG_BAD;
	ev->type = VX_EV_INVALID_SPI;
	return VX_SYSLOG_EVENT;
}
