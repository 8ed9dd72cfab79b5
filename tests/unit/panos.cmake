# PAN-OS XML parsers on the recorded and derived replies in
# tests/fixtures/paloalto (and the offline command lookup in the registry).
vx_unit_test(panos_parse LIBS vx_panos_parse vx_collectors)
