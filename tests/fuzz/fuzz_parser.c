/*
 * libFuzzer harness shared by the device-output parsers: text ->
 * VX_FUZZ_PARSE() -> rendered text.  Built once per parser
 * (the .cmake files next to it) with:
 *   VX_FUZZ_PARSE        the vx_parse_fn under test;
 *   VX_FUZZ_LINE_ERRORS  defined: every failure must name its line (the
 *                        CLI parsers' contract, asa_cli.h);
 *   VX_FUZZ_PRIME_IPSEC  defined: the snapshot first holds a small "show
 *                        crypto ipsec sa" result, so that entries without
 *                        a peer exercise the SPI lookup (vpn-context);
 *   VX_FUZZ_HEADER       the header declaring VX_FUZZ_PARSE, if not the
 *                        ASA's;
 *   VX_FUZZ_MESSAGES     defined: every failure must say why (a message).
 * Whatever a parser accepts must render.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef VX_FUZZ_HEADER
#include VX_FUZZ_HEADER
#else
#include "asa.h"
#include "asa_cli.h"
#endif
#include "render.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#ifdef VX_FUZZ_PRIME_IPSEC
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
#endif

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vx_snapshot	*s = vx_snapshot_new("fuzz");
	struct vx_err		 err;
	int			 rc = 0;

	if (s == NULL)
		return 0;
	vx_err_clear(&err);
#ifdef VX_FUZZ_PRIME_IPSEC
	rc = asa_parse_ipsec_sa(ipsec, sizeof(ipsec) - 1, s, &err);
#endif
	if (rc == 0)
		rc = VX_FUZZ_PARSE((const char *)data, size, s, &err);
	if (rc == 0) {
		struct vx_strbuf out;

		vx_strbuf_init(&out, 1024);
		vx_render(&out, VX_FMT_OPENMETRICS, &s, 1, NULL);
		vx_strbuf_release(&out);
	}
#ifdef VX_FUZZ_LINE_ERRORS
	else if (strncmp(err.msg, "line ", 5) != 0 &&
	    strncmp(err.msg, "empty output", 12) != 0 &&
	    strncmp(err.msg, "out of memory", 13) != 0)
		__builtin_trap();	/* a failure that does not name its line */
#endif
#ifdef VX_FUZZ_MESSAGES
	else if (err.msg[0] == '\0' || err.code != (enum vx_errcode)-rc)
		__builtin_trap();	/* a failure that does not say why */
#endif
	vx_snapshot_unref(s);
	return 0;
}
