# SNMP text parsing and the ASA SNMP mapping.
vx_unit_test(snmpwalk_text LIBS vx_collect_common)
vx_unit_test(asa_snmp_map LIBS vx_asa_parse)
