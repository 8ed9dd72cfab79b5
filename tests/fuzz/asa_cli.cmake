# Cisco ASA CLI parsers: one libFuzzer target each, seeded from the
# fixtures (corpus/asa_<name>/).
vx_fuzz_target(asa_asp_drop LIBS vx_asa_parse)
vx_fuzz_target(asa_ipsec_sa LIBS vx_asa_parse)
vx_fuzz_target(asa_ikev1_sa LIBS vx_asa_parse)
vx_fuzz_target(asa_ikev2_sa LIBS vx_asa_parse)
vx_fuzz_target(asa_sessiondb_l2l LIBS vx_asa_parse)
vx_fuzz_target(asa_vpn_context LIBS vx_asa_parse)
