# Cisco ASA CLI parsers: one cmocka test per parser, on the recorded
# fixtures in tests/fixtures/cisco_asa and run-time variants of them.
vx_unit_test(asa_parse_asp_drop LIBS vx_asa_parse)
vx_unit_test(asa_parse_ipsec_sa LIBS vx_asa_parse)
vx_unit_test(asa_parse_ikev1_sa LIBS vx_asa_parse)
vx_unit_test(asa_parse_ikev2_sa LIBS vx_asa_parse)
vx_unit_test(asa_parse_sessiondb_l2l LIBS vx_asa_parse)
vx_unit_test(asa_parse_vpn_context LIBS vx_asa_parse)
