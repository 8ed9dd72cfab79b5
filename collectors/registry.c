#include "registry.h"

#include <string.h>

#include "cisco_asa/asa.h"
#include "cisco_asa/asa_cli.h"
#include "juniper_srx/srx.h"
#include "paloalto/panos.h"
#include "screenos/screenos.h"
#include "transport/snmp.h"

const struct vx_collector_ops *const vx_collectors[] = {
	&asa_snmp_ops,
	&asa_ssh_ops,
	&panos_api_ops,
	&srx_netconf_ops,
	&srx_snmp_ops,
	&srx_rest_ops,
	&screenos_ssh_ops,
	&screenos_snmp_ops,
	NULL,
};

/* Each vendor's offline parsers, in its own table. */
const struct vx_parser *const vx_parser_tables[] = {
	asa_parsers,
	panos_parsers,
	srx_parsers,
	screenos_parsers,
	NULL,
};

void
vx_collectors_global_init(void)
{
	vx_snmp_global_init();
}

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
	for (size_t t = 0; vx_parser_tables[t] != NULL; t++) {
		const struct vx_parser *p = vx_parser_tables[t];

		for (size_t i = 0; p[i].vendor != NULL; i++) {
			if (strcmp(p[i].vendor, vendor) == 0 &&
			    command_is(p[i].command, command))
				return &p[i];
		}
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
	for (size_t t = 0; vx_parser_tables[t] != NULL; t++) {
		if (strcmp(vx_parser_tables[t][0].vendor != NULL ?
		    vx_parser_tables[t][0].vendor : "", vendor) == 0)
			return 1;
	}
	return 0;
}
