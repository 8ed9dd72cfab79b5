# ScreenOS readers ("get sa", "get sa stat", "get sa id N") and the
# nsVpnMonTable mapping: one libFuzzer target each (the shared harness
# fuzz_parser.c), seeded from the fixtures (corpus/screenos_<name>/).
# The CLI readers name the line of every failure.
foreach(p sa stat sa_id)
  vx_fuzz_target(screenos_${p} SOURCE fuzz_parser.c
    DEFS VX_FUZZ_PARSE=screenos_parse_${p} VX_FUZZ_HEADER="screenos.h"
    VX_FUZZ_LINE_ERRORS VX_FUZZ_MESSAGES LIBS vx_screenos_parse)
endforeach()
vx_fuzz_target(screenos_snmpwalk SOURCE fuzz_parser.c
  DEFS VX_FUZZ_PARSE=screenos_parse_snmpwalk VX_FUZZ_HEADER="screenos.h"
  VX_FUZZ_MESSAGES LIBS vx_screenos_parse)
