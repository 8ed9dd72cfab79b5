# Juniper SRX parsers (text and XML): one libFuzzer target each (the shared
# harness fuzz_parser.c), seeded from the fixtures (corpus/srx_<name>/).
foreach(p ipsec_sa ike_sa stats snmpwalk)
  vx_fuzz_target(srx_${p} SOURCE fuzz_parser.c
    DEFS VX_FUZZ_PARSE=srx_parse_${p} VX_FUZZ_HEADER="srx.h"
    VX_FUZZ_MESSAGES LIBS vx_srx_parse)
endforeach()
# The NETCONF client's hello and framings (fuzz_netconf.c).
vx_fuzz_target(netconf LIBS vx_transport_ssh)
