# Syslog: message headers and TCP framing (pure), the vendors' parsers on
# tests/fixtures/syslog, the per-device event store, and the listener
# (attribution, limits, real sockets on loopback).
vx_unit_test(syslog_msg LIBS vx_collect_common)
vx_unit_test(syslog_parsers LIBS vx_collectors)
vx_unit_test(core_events LIBS vx_core)
vx_unit_test(syslog_listener LIBS vx_collectors)
vx_unit_test(config_syslog LIBS vx_exporter)
