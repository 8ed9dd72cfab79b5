/* Recorded "snmpwalk -On" text -> the ASA SNMP mapping -> model. */
#include "asa.h"

#include "snmpwalk_text.h"

int
asa_parse_snmpwalk(const char *text, size_t len, struct vx_snapshot *snap,
    struct vx_err *err)
{
	struct asa_snmp_map	*m = asa_snmp_map_new();
	int			 rc;

	if (m == NULL)
		return vx_err_set(err, VX_E_NOMEM, "out of memory");
	rc = vx_snmpwalk_parse(text, len, asa_snmp_map_add, m, err);
	if (rc == 0)
		rc = asa_snmp_map_finish(m, snap, err);
	asa_snmp_map_free(m);
	return rc;
}
