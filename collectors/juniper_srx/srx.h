#ifndef VX_SRX_H
#define VX_SRX_H

/*
 * Juniper SRX (Junos): the collectors' ops, the command line's dialect,
 * and the pure parsers (text or XML in, model out; no I/O, no logging),
 * for the collectors, the tests, the fuzzers and "vpn_exporter parse
 * --vendor juniper_srx".
 *
 * Every CLI parser takes any of the forms the same data comes in:
 *  - the CLI's text ("show security ipsec security-associations"), with
 *    or without the prompt and the echoed command, and on a chassis
 *    cluster with its "node0:" / "node1:" sections;
 *  - XML: "| display xml" (<rpc-reply> around the element), a NETCONF or
 *    REST reply, the bare element, a chassis cluster's
 *    <multi-routing-engine-results> with one <multi-routing-engine-item>
 *    per node, and the <output> of a <command format="text"> RPC.
 * Text nodes wrapped in newlines and "junos:" attributes without a
 * declared namespace (as PyEZ hands replies on) are normal.
 *
 * A cluster's data is reported per node: its tunnels, IKE SAs and device
 * values carry the node's name (model.h), so that nothing of node1 is
 * merged into node0's series.
 *
 * Errors (negative vx_errcode, err names the line):
 *   -VX_E_PROTOCOL  the device answered with an error (<rpc-error>,
 *                   <xnm:error>, "error: ..." in text) or a pager prompt;
 *                   but a feature that is not configured ("IKE is not
 *                   configured", "IPSec is not configured") is no error:
 *                   the result is empty (no tunnels, no IKE SAs);
 *   -VX_E_PARSE     not the command's output, or a value that cannot be
 *                   read;
 *   -VX_E_NOMEM.
 */

#include <stddef.h>

#include "cli_dialect.h"
#include "collector.h"
#include "varbind.h"

extern const struct vx_collector_ops srx_netconf_ops;
extern const struct vx_collector_ops srx_snmp_ops;
extern const struct vx_collector_ops srx_rest_ops;

/* The offline parsers, terminated by a NULL vendor (srx_parsers.c). */
extern const struct vx_parser srx_parsers[];

/* The Junos operational command line, for the SSH CLI layer. */
extern const struct vx_cli_dialect srx_cli_dialect;

/* The CLI commands, as "parse" names them. */
#define SRX_CMD_IPSEC_SA	"show security ipsec security-associations"
#define SRX_CMD_IKE_SA		"show security ike security-associations"
#define SRX_CMD_STATS		"show security ipsec statistics"

/*
 * The RPCs the collectors send (NETCONF <rpc> content; REST /rpc/ method
 * and parameters): the SAs in detail form, and the statistics as text,
 * since the "Invalid SPI:" line exists only on newer releases and its XML
 * tag is not documented.
 */
#define SRX_RPC_IPSEC_SA	"get-security-associations-information"
#define SRX_RPC_IKE_SA		"get-ike-security-associations-information"
#define SRX_RPC_STATS		"get-ipsec-statistics-information"

/*
 * "show security ipsec security-associations [detail]" (brief or detail,
 * text or XML <ipsec-security-associations-information>): one tunnel per
 * <ipsec-security-associations-block> (text: per tunnel index, or per
 * "ID:" block in detail), named by its VPN name when the output gives it
 * (detail) and by its tunnel index otherwise, with the remote gateway as
 * peer.  A tunnel is up when its block state is up (text: it has an SA
 * with an SPI) and its VPN monitor does not say D (down); the monitor
 * state U / D / V / - becomes the "monitor" attribute up / down / verify
 * / off.  SPIs come from sa-spi by sa-direction ('<' or inbound, '>' or
 * outbound), with or without 0x; the i-th inbound SA pairs with the i-th
 * outbound one.  During a rekey a tunnel has two pairs: the one with the
 * most hard lifetime left is active, the others expiring, and the
 * tunnel's remaining lifetime (seconds, and kilobytes unless "unlim") is
 * the active pair's.  Port 4500 means NAT-T.  total-active-tunnels
 * becomes VX_DV_IPSEC_ACTIVE_TUNNELS.
 */
int	srx_parse_ipsec_sa(const char *text, size_t len,
	    struct vx_snapshot *snap, struct vx_err *err);

/*
 * "show security ike security-associations [detail]": one IKE SA per
 * remote address; UP is established, DOWN down; the lifetime ("Expires
 * in N seconds"), role, exchange type (IKEv2: version 2, Main or
 * Aggressive: 1) and local address.  Sets ike_known, and
 * VX_DV_IKE_ACTIVE_TUNNELS to the number of UP SAs.
 */
int	srx_parse_ike_sa(const char *text, size_t len,
	    struct vx_snapshot *snap, struct vx_err *err);

/*
 * "show security ipsec statistics" (text, or XML
 * <usp-ipsec-total-statistics-information>): the device-wide counters:
 * ESP decrypted/encrypted packets and bytes, and the errors: ESP
 * authentication failures (auth), ESP decryption failures (decrypt),
 * replay errors (replay), bad headers and bad trailers.  "Invalid SPI: N"
 * becomes VX_DV_INVALID_SPI; a complete output without it (releases
 * before the line existed) marks the value unsupported instead
 * (vx_snapshot_dev_unsupported), so it reads "not reported", not 0.
 */
int	srx_parse_stats(const char *text, size_t len,
	    struct vx_snapshot *snap, struct vx_err *err);

/*
 * The JUNIPER-IPSEC-FLOW-MON-MIB / JUNIPER-JS-IPSEC-VPN-MIB mapping, fed
 * one varbind at a time (from a live walk or recorded "snmpwalk -On"
 * text) through srx_snmp_mapper (varbind.h: create, add each varbind,
 * finish, free).  Pure: no I/O, no globals.
 */
extern const struct vx_snmp_mapper srx_snmp_mapper;
/* Keeps what the mapping needs from vb; ignores other OIDs.  Returns 0. */
int			 srx_snmp_map_add(void *m, const struct vx_varbind *vb,
			    struct vx_err *err);

/* "snmpwalk -On" text -> model (vx_parse_fn). */
int	srx_parse_snmpwalk(const char *text, size_t len,
	    struct vx_snapshot *snap, struct vx_err *err);

#endif
