/*
 * Juniper SRX: the offline parsers ("vpn_exporter parse --vendor
 * juniper_srx") and the Junos command line's dialect.
 */
#include "srx.h"

#include "banned.h"

#define V	"juniper_srx"

const struct vx_parser srx_parsers[] = {
	{ V, SRX_CMD_IPSEC_SA, srx_parse_ipsec_sa },
	{ V, SRX_CMD_IPSEC_SA " detail", srx_parse_ipsec_sa },
	{ V, "show security ipsec sa", srx_parse_ipsec_sa },
	{ V, "show security ipsec sa detail", srx_parse_ipsec_sa },
	{ V, SRX_CMD_IKE_SA, srx_parse_ike_sa },
	{ V, SRX_CMD_IKE_SA " detail", srx_parse_ike_sa },
	{ V, "show security ike sa", srx_parse_ike_sa },
	{ V, "show security ike sa detail", srx_parse_ike_sa },
	{ V, SRX_CMD_STATS, srx_parse_stats },
	{ V, "snmpwalk", srx_parse_snmpwalk },
	{ NULL, NULL, NULL },
};

static const struct vx_cli_pager srx_pagers[] = {
	{ "---(more", ")---" },		/* "---(more 45%)---" */
	{ NULL, NULL },
};

/*
 * "monitor@srx> " in operational mode ('#' in configuration mode, '%'
 * in the shell); a cluster prints "{primary:node0}" on the line before.
 * There is no privilege command: the login class decides what a user may
 * run.
 */
const struct vx_cli_dialect srx_cli_dialect = {
	.name = "juniper_srx",
	.prompt_ends = ">#%",
	.user_end = '\0',
	.priv_end = '\0',
	.privilege_cmd = NULL,
	.pager_off = (const char *const[]){ "set cli screen-length 0",
	    "set cli screen-width 0", NULL },
	.pagers = srx_pagers,
	.error_prefixes = (const char *const[]){ "error:", "syntax error",
	    "unknown command", NULL },
	.columns = 511,
};
