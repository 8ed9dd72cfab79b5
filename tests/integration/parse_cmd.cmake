# vpn_exporter parse on recorded device output (no device).
vx_integration_test(parse_cmd TIMEOUT 120)
