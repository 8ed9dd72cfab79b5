/*
 * Cisco ASA: the offline parsers ("vpn_exporter parse --vendor cisco_asa")
 * and the command line's dialect.  The command strings are asa_cli.h's,
 * which the SSH collector sends.
 */
#include "asa.h"
#include "asa_cli.h"

#include "banned.h"

const struct vx_parser asa_parsers[] = {
	{ "cisco_asa", "snmpwalk", asa_parse_snmpwalk },
	{ "cisco_asa", ASA_CMD_ASP_DROP, asa_parse_asp_drop },
	{ "cisco_asa", ASA_CMD_IPSEC_SA, asa_parse_ipsec_sa },
	{ "cisco_asa", ASA_CMD_IPSEC_SA " detail", asa_parse_ipsec_sa },
	{ "cisco_asa", ASA_CMD_IKEV1_SA, asa_parse_ikev1_sa },
	{ "cisco_asa", ASA_CMD_IKEV1_SA " detail", asa_parse_ikev1_sa },
	{ "cisco_asa", ASA_CMD_ISAKMP_SA, asa_parse_ikev1_sa },
	{ "cisco_asa", ASA_CMD_ISAKMP_SA " detail", asa_parse_ikev1_sa },
	{ "cisco_asa", ASA_CMD_IKEV2_SA, asa_parse_ikev2_sa },
	{ "cisco_asa", ASA_CMD_IKEV2_SA " detail", asa_parse_ikev2_sa },
	{ "cisco_asa", ASA_CMD_SESSIONDB, asa_parse_sessiondb_l2l },
	{ "cisco_asa", ASA_CMD_VPN_CONTEXT, asa_parse_vpn_context },
	{ NULL, NULL, NULL },
};

static const struct vx_cli_pager asa_pagers[] = {
	{ "<--- More --->", NULL },
	{ " --More-- ", NULL },		/* IOS, when the ASA code borrows it */
	{ "--More--", NULL },
	{ NULL, NULL },
};

const struct vx_cli_dialect asa_cli_dialect = {
	.name = "cisco_asa",
	.prompt_ends = ">#",
	.user_end = '>',
	.priv_end = '#',
	.privilege_cmd = "enable",
	.pager_off = (const char *const[]){ "terminal pager 0", NULL },
	.pagers = asa_pagers,
	.error_prefixes = (const char *const[]){ "%", "ERROR:",
	    "Command authorization failed", NULL },
	/* The widest ASA terminal, so that nothing is wrapped. */
	.columns = 511,
};
