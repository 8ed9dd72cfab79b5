/*
 * libFuzzer: "show asp table vpn-context detail" text ->
 * asa_parse_vpn_context() -> rendered text; a failure must name its line.
 * The snapshot first holds a small "show crypto ipsec sa" result, so
 * entries without a peer exercise the SPI lookup.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "asa_cli.h"
#include "render.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char ipsec[] =
    "interface: outside\n"
    "    Crypto map tag: M, seq num: 1, local addr: 192.0.2.1\n"
    "      current_peer: 198.51.100.1\n"
    "      current outbound spi: 50023DDC\n"
    "      current inbound spi : 32F752FF\n"
    "    Crypto map tag: M, seq num: 2, local addr: 192.0.2.1\n"
    "      current_peer: 198.51.100.2\n"
    "      current outbound spi: 32F752FF\n"
    "      current inbound spi : 00000100\n";

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vx_snapshot	*s = vx_snapshot_new("fuzz");
	struct vx_err		 err;

	if (s == NULL)
		return 0;
	vx_err_clear(&err);
	if (asa_parse_ipsec_sa(ipsec, sizeof(ipsec) - 1, s, &err) == 0 &&
	    asa_parse_vpn_context((const char *)data, size, s, &err) == 0) {
		struct vx_strbuf out;

		/* Whatever the parser produced must render. */
		vx_strbuf_init(&out, 1024);
		vx_render(&out, VX_FMT_OPENMETRICS, &s, 1, NULL);
		vx_strbuf_release(&out);
	} else if (strncmp(err.msg, "line ", 5) != 0 &&
	    strncmp(err.msg, "empty output", 12) != 0 &&
	    strncmp(err.msg, "out of memory", 13) != 0) {
		/* Every failure names its line. */
		__builtin_trap();
	}
	vx_snapshot_unref(s);
	return 0;
}
