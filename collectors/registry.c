#include "registry.h"

#include <string.h>

#include "cisco_asa/asa.h"

const struct vx_collector_ops *const vx_collectors[] = {
	&asa_snmp_ops,
	NULL,
};

const struct vx_parser vx_parsers[] = {
	{ "cisco_asa", "snmpwalk", asa_parse_snmpwalk },
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

const struct vx_parser *
vx_parser_find(const char *vendor, const char *command)
{
	for (size_t i = 0; vx_parsers[i].vendor != NULL; i++) {
		if (strcmp(vx_parsers[i].vendor, vendor) == 0 &&
		    strcmp(vx_parsers[i].command, command) == 0)
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
