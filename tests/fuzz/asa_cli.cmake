# Cisco ASA CLI parsers: one libFuzzer target each (the shared harness
# fuzz_parser.c), seeded from the fixtures (corpus/asa_<name>/).
foreach(p asp_drop ipsec_sa ikev1_sa ikev2_sa sessiondb_l2l)
  vx_fuzz_target(asa_${p} SOURCE fuzz_parser.c
    DEFS VX_FUZZ_PARSE=asa_parse_${p} VX_FUZZ_LINE_ERRORS LIBS vx_asa_parse)
endforeach()
vx_fuzz_target(asa_vpn_context SOURCE fuzz_parser.c
  DEFS VX_FUZZ_PARSE=asa_parse_vpn_context VX_FUZZ_LINE_ERRORS
  VX_FUZZ_PRIME_IPSEC LIBS vx_asa_parse)
