# "snmpwalk -On" text -> the ASA SNMP mapping (shared harness).
vx_fuzz_target(asa_snmpwalk SOURCE fuzz_parser.c
  DEFS VX_FUZZ_PARSE=asa_parse_snmpwalk LIBS vx_asa_parse)
