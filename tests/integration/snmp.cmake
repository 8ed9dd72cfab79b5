vx_integration_test(snmp TIMEOUT 600)
vx_integration_test(polling TIMEOUT 120)

# Hostile SNMP agents beside a healthy one (vx_fastagent --fault).
vx_integration_test(hostile_snmp TIMEOUT 120)
set_property(TEST integration.hostile_snmp APPEND PROPERTY ENVIRONMENT
  "VX_FASTAGENT=$<TARGET_FILE:vx_fastagent>")
