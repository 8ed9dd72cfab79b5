/*
 * PAN-OS: the offline parsers ("vpn_exporter parse --vendor paloalto").
 * The command strings are panos.h's, which the collector sends.
 */
#include "panos.h"

#include "banned.h"

const struct vx_parser panos_parsers[] = {
	{ "paloalto", PANOS_CMD_FLOW, panos_parse_flow },
	{ "paloalto", PANOS_CMD_FLOW " tunnel-id <id>", panos_parse_flow },
	{ "paloalto", "show running tunnel flow all", panos_parse_flow },
	{ "paloalto", PANOS_CMD_IPSEC_SA, panos_parse_ipsec_sa },
	{ "paloalto", PANOS_CMD_IKE_SA, panos_parse_ike_sa },
	{ "paloalto", PANOS_CMD_COUNTERS, panos_parse_counter_global },
	{ NULL, NULL, NULL },
};
