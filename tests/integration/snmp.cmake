vx_integration_test(snmp TIMEOUT 600)
