#include "registry.h"

#include <string.h>

#include "cisco_asa/asa.h"
#include "cisco_asa/asa_cli.h"
#include "juniper_srx/srx.h"
#include "paloalto/panos.h"
#include "screenos/screenos.h"
#include "transport/snmp.h"
#include "cisco_ios/ios.h"
#include "screenos/screenos.h"
#include "syslog/syslog_collector.h"

const struct vx_collector_ops *const vx_collectors[] = {
	&asa_snmp_ops,
	&asa_ssh_ops,
	&panos_api_ops,
	&srx_netconf_ops,
	&srx_snmp_ops,
	&srx_rest_ops,
	&screenos_ssh_ops,
	&screenos_snmp_ops,
	&syslog_ops,
	NULL,
};

/* One syslog parser per vendor: what the "syslog" collector runs. */
const struct vx_syslog_parser vx_syslog_parsers[] = {
	{ "cisco_asa", asa_syslog_parse },
	{ "cisco_ios", ios_syslog_parse },
	{ "screenos", screenos_syslog_parse },
	{ NULL, NULL },
};

/* "vpn_exporter parse --command syslog": a log through a vendor's parser. */
static int
parse_syslog_asa(const char *text, size_t len, struct vx_snapshot *snap,
    struct vx_err *err)
{
	return vx_syslog_parse_log(asa_syslog_parse, text, len, snap, err);
}

static int
parse_syslog_ios(const char *text, size_t len, struct vx_snapshot *snap,
    struct vx_err *err)
{
	return vx_syslog_parse_log(ios_syslog_parse, text, len, snap, err);
}

static int
parse_syslog_screenos(const char *text, size_t len, struct vx_snapshot *snap,
    struct vx_err *err)
{
	return vx_syslog_parse_log(screenos_syslog_parse, text, len, snap, err);
}

/* The syslog parsers, offline: "parse --vendor V --command syslog". */
static const struct vx_parser syslog_parsers[] = {
	{ "cisco_asa", "syslog", parse_syslog_asa },
	{ "cisco_ios", "syslog", parse_syslog_ios },
	{ "screenos", "syslog", parse_syslog_screenos },
	{ NULL, NULL, NULL },
};

/* Each vendor's offline parsers, in its own table. */
const struct vx_parser *const vx_parser_tables[] = {
	asa_parsers,
	panos_parsers,
	srx_parsers,
	screenos_parsers,
	syslog_parsers,
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

const struct vx_syslog_parser *
vx_syslog_parser_find(const char *vendor)
{
	for (size_t i = 0; vendor != NULL && vx_syslog_parsers[i].vendor !=
	    NULL; i++) {
		if (strcmp(vx_syslog_parsers[i].vendor, vendor) == 0)
			return &vx_syslog_parsers[i];
	}
	return NULL;
}

int
vx_vendor_known(const char *vendor)
{
	for (size_t i = 0; vx_collectors[i] != NULL; i++) {
		if (vx_collectors[i]->vendor != NULL &&
		    strcmp(vx_collectors[i]->vendor, vendor) == 0)
			return 1;
	}
	if (vx_syslog_parser_find(vendor) != NULL)
		return 1;
	for (size_t t = 0; vx_parser_tables[t] != NULL; t++) {
		const struct vx_parser *p = vx_parser_tables[t];

		for (size_t i = 0; p[i].vendor != NULL; i++) {
			if (strcmp(p[i].vendor, vendor) == 0)
				return 1;
		}
	}
	return 0;
}
