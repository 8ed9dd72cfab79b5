#include "registry.h"

#include <string.h>

#include "cisco_asa/asa.h"
#include "cisco_asa/asa_cli.h"
#include "cisco_ios/ios.h"
#include "screenos/screenos.h"
#include "syslog/syslog_collector.h"

const struct vx_collector_ops *const vx_collectors[] = {
	&asa_snmp_ops,
	&asa_ssh_ops,
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
	{ "cisco_asa", "syslog", parse_syslog_asa },
	{ "cisco_ios", "syslog", parse_syslog_ios },
	{ "screenos", "syslog", parse_syslog_screenos },
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
	for (size_t i = 0; vx_parsers[i].vendor != NULL; i++) {
		if (strcmp(vx_parsers[i].vendor, vendor) == 0)
			return 1;
	}
	return 0;
}
