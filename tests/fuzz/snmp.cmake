vx_fuzz_target(asa_snmpwalk LIBS vx_asa_parse)
