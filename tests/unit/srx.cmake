# Juniper SRX parsers on the recorded and derived output in
# tests/fixtures/juniper_srx (and the offline command lookup).
vx_unit_test(srx_parse LIBS vx_srx_parse vx_collectors)
