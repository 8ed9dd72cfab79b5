vx_integration_test(snmp TIMEOUT 600)
vx_integration_test(polling TIMEOUT 120)
