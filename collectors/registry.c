#include "registry.h"

#include <string.h>

#include "cisco_asa/asa.h"
#include "cisco_asa/asa_cli.h"
#include "paloalto/panos.h"

const struct vx_collector_ops *const vx_collectors[] = {
	&asa_snmp_ops,
	&asa_ssh_ops,
	&panos_api_ops,
	NULL,
};

const struct vx_parser vx_parsers[] = {
	{ "cisco_asa", "snmpwalk", asa_parse_snmpwalk },
	{ "cisco_asa", "show asp drop", asa_parse_asp_drop },
	{ "cisco_asa", "show crypto ipsec sa", asa_parse_ipsec_sa },
	{ "cisco_asa", "show crypto ipsec sa detail", asa_parse_ipsec_sa },
	{ "cisco_asa", "show crypto ikev1 sa", asa_parse_ikev1_sa },
	{ "cisco_asa", "show crypto ikev1 sa detail", asa_parse_ikev1_sa },
	{ "cisco_asa", "show crypto isakmp sa", asa_parse_ikev1_sa },
	{ "cisco_asa", "show crypto isakmp sa detail", asa_parse_ikev1_sa },
	{ "cisco_asa", "show crypto ikev2 sa", asa_parse_ikev2_sa },
	{ "cisco_asa", "show crypto ikev2 sa detail", asa_parse_ikev2_sa },
	{ "cisco_asa", "show vpn-sessiondb detail l2l", asa_parse_sessiondb_l2l },
	{ "cisco_asa", "show asp table vpn-context detail", asa_parse_vpn_context },
	{ "paloalto", "show vpn flow", panos_parse_flow },
	{ "paloalto", "show vpn flow tunnel-id <id>", panos_parse_flow },
	{ "paloalto", "show running tunnel flow all", panos_parse_flow },
	{ "paloalto", "show vpn ipsec-sa", panos_parse_ipsec_sa },
	{ "paloalto", "show vpn ike-sa", panos_parse_ike_sa },
	{ "paloalto", "show counter global", panos_parse_counter_global },
	{ NULL, NULL, NULL },
};

const struct vx_collector_ops *
vx_collector_find(const char *name)
{
	for (size_t i = 0; vx_collectors[i] != NULL; i++) {
		if (strcmp(vx_collectors[i]->name, name) == 0)
			return vx_collectors[i];
	}
	return NULL;
}

/*
 * Whether command is pattern, word by word (single spaces), where a
 * pattern word "<...>" stands for any one word: "show vpn flow
 * tunnel-id <id>" is "show vpn flow tunnel-id 7".
 */
static int
command_is(const char *pattern, const char *command)
{
	const char *p = pattern, *c = command;

	while (*p != '\0' && *c != '\0') {
		size_t pl = strcspn(p, " "), cl = strcspn(c, " ");

		if (!(p[0] == '<' && p[pl - 1] == '>' && cl > 0) &&
		    (pl != cl || strncmp(p, c, pl) != 0))
			return 0;
		p += pl;
		c += cl;
		if (*p != *c)
			return 0;
		if (*p == ' ') {
			p++;
			c++;
		}
	}
	return *p == '\0' && *c == '\0';
}

const struct vx_parser *
vx_parser_find(const char *vendor, const char *command)
{
	for (size_t i = 0; vx_parsers[i].vendor != NULL; i++) {
		if (strcmp(vx_parsers[i].vendor, vendor) == 0 &&
		    command_is(vx_parsers[i].command, command))
			return &vx_parsers[i];
	}
	return NULL;
}

int
vx_vendor_known(const char *vendor)
{
	for (size_t i = 0; vx_collectors[i] != NULL; i++) {
		if (strcmp(vx_collectors[i]->vendor, vendor) == 0)
			return 1;
	}
	for (size_t i = 0; vx_parsers[i].vendor != NULL; i++) {
		if (strcmp(vx_parsers[i].vendor, vendor) == 0)
			return 1;
	}
	return 0;
}
