# SNMP text parsing and the ASA SNMP mapping.
vx_unit_test(snmpwalk_text LIBS vx_collect_common)
vx_unit_test(asa_snmp_map LIBS vx_asa_parse)
# Which device's keys the process's SNMPv3 users hold.
vx_unit_test(snmp_usm LIBS vx_transport_snmp)
