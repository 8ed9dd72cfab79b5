# ScreenOS readers, model builder and SNMP mapping on the recorded and
# derived output in tests/fixtures/screenos (and the offline command
# lookup, and a rekey carried by the core's history).
vx_unit_test(screenos_parse LIBS vx_screenos_parse vx_collectors)
