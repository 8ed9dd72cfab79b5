#ifndef VX_ASA_CLI_H
#define VX_ASA_CLI_H

/*
 * Cisco ASA CLI output parsers.  Each is a vx_parse_fn: pure (no I/O, no
 * globals, no logging), deterministic, and safe on any input.  text is
 * not NUL-terminated.  Every parser tolerates CRLF, tabs, trailing or
 * collapsed blanks, blank lines, a leading echoed command line and a
 * trailing prompt line ("asa-1# ", "asa-1/ctx#").
 *
 * Each returns 0, or with err filled in:
 *   -VX_E_PROTOCOL  the device answered with an error ("ERROR: ...",
 *                   "% Invalid input detected ...") or the pager was on
 *                   ("<--- More --->" in the output);
 *   -VX_E_PARSE     the text is not the command's output, or a line the
 *                   parser needs cannot be read (err names the line);
 *   -VX_E_NOMEM     the snapshot's arena is exhausted.
 * On failure the snapshot may hold part of the output; the caller
 * discards it.
 */

#include <stdbool.h>
#include <stddef.h>

#include "cli_dialect.h"
#include "collector.h"
#include "text.h"

/* The commands, as the collector sends them and "parse" names them. */
#define ASA_CMD_ASP_DROP	"show asp drop"
#define ASA_CMD_IPSEC_SA	"show crypto ipsec sa"
#define ASA_CMD_IKEV1_SA	"show crypto ikev1 sa"
#define ASA_CMD_ISAKMP_SA	"show crypto isakmp sa"	/* before 8.4 */
#define ASA_CMD_IKEV2_SA	"show crypto ikev2 sa"
#define ASA_CMD_SESSIONDB	"show vpn-sessiondb detail l2l"
#define ASA_CMD_VPN_CONTEXT	"show asp table vpn-context detail"

/* The ASA command line (asa_parsers.c), for the SSH CLI layer. */
extern const struct vx_cli_dialect asa_cli_dialect;

/*
 * "show asp drop": every (section, keyword) counter via
 * vx_snapshot_add_drop(); "np-sp-invalid-spi" of the Frame section as
 * VX_DV_INVALID_SPI (0 when the Frame section is complete and the line is
 * absent: the ASA omits zero counters); "Last clearing:" as
 * VX_DV_DROPS_CLEARED_TS when the time is in UTC/GMT.
 */
int	asa_parse_asp_drop(const char *text, size_t len,
	    struct vx_snapshot *snap, struct vx_err *err);

/*
 * "show crypto ipsec sa" and "show crypto ipsec sa detail": one tunnel
 * per current_peer with summed packet and error counters, the SA pairs
 * (current pair active, older ones expiring), the current SA's remaining
 * lifetime and the interface, crypto map, local address, NAT-T, IKE
 * version and mode attributes.
 */
int	asa_parse_ipsec_sa(const char *text, size_t len,
	    struct vx_snapshot *snap, struct vx_err *err);

/*
 * "show crypto ikev1 sa" / "show crypto isakmp sa" (8.4+ blocks, older
 * one-line table, "detail" variants): one IKE SA per peer, up when any of
 * its SAs is MM_ACTIVE or AM_ACTIVE.  Sets snap->ike_known.
 */
int	asa_parse_ikev1_sa(const char *text, size_t len,
	    struct vx_snapshot *snap, struct vx_err *err);

/*
 * "show crypto ikev2 sa" (and "detail"): one IKE SA per remote address,
 * remaining lifetime from "Life/Active Time", and the child SAs' ESP SPI
 * pairs on the peer's tunnel.  Sets snap->ike_known.
 */
int	asa_parse_ikev2_sa(const char *text, size_t len,
	    struct vx_snapshot *snap, struct vx_err *err);

/*
 * "show vpn-sessiondb detail l2l" (7.x to 9.x): per session bytes,
 * packets and remaining IPsec lifetimes on the tunnel named by "IP Addr",
 * and the IKE sub-section's remaining lifetime on the peer's IKE SA.
 */
int	asa_parse_sessiondb_l2l(const char *text, size_t len,
	    struct vx_snapshot *snap, struct vx_err *err);

/*
 * "show asp table vpn-context detail": per-SA "Bad SPI" counts summed
 * into VX_TC_ERR_INVALID_SPI of the tunnel named by "Peer IP".
 */
int	asa_parse_vpn_context(const char *text, size_t len,
	    struct vx_snapshot *snap, struct vx_err *err);

/*
 * Text helpers shared by the asa_parse_*.c files (asa_parse_text.c).
 * Not for collectors: use the parsers above.
 */

/* The ASA CLI parsers' line iterator (asa_parse_text.c). */
struct asa_lines {
	const char	*p;
	const char	*end;
	int		 no;
	bool		 content;	/* a content line was returned */
};

/*
 * Starts reading text: returns 0, or -VX_E_PROTOCOL if any line is a
 * device error message or a pager prompt.
 */
int	asa_lines_begin(struct asa_lines *it, const char *text, size_t len,
	    struct vx_err *err);
/*
 * The next content line: blank lines, prompt lines and a leading echoed
 * command are skipped.  False at the end.
 */
bool	asa_lines_next(struct asa_lines *it, struct vx_line *l);

#endif
