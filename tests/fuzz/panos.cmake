# PAN-OS XML API parsers: one libFuzzer target each (the shared harness
# fuzz_parser.c), seeded from the replies in corpus/panos_<name>/.
foreach(p flow ipsec_sa ike_sa counter_global)
  vx_fuzz_target(panos_${p} SOURCE fuzz_parser.c
    DEFS VX_FUZZ_PARSE=panos_parse_${p} VX_FUZZ_HEADER="panos.h"
    VX_FUZZ_MESSAGES LIBS vx_panos_parse)
endforeach()
