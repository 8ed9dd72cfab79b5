# Juniper SRX: NETCONF through a real sshd on loopback whose "netconf"
# subsystem is the SRX emulator (tests/emulators/srx), the Junos CLI
# dialect through the same sshd (the SSH transport's driver), the REST API
# over HTTPS, JUNIPER-IPSEC-FLOW-MON-MIB data in vx_fastagent.
vx_integration_test(srx_netconf TIMEOUT 300)
vx_integration_test(srx_cli TIMEOUT 120)
set_property(TEST integration.srx_cli APPEND PROPERTY ENVIRONMENT
  "VX_SSH_DRIVER=$<TARGET_FILE:vx_ssh_driver>")
vx_integration_test(srx_snmp TIMEOUT 120)
set_property(TEST integration.srx_snmp APPEND PROPERTY ENVIRONMENT
  "VX_FASTAGENT=$<TARGET_FILE:vx_fastagent>")
vx_integration_test(srx_rest TIMEOUT 180)
# The collectors under valgrind (which cannot run an ASan binary).
if(NOT VX_SANITIZE)
  vx_integration_test(srx_valgrind TIMEOUT 600)
  set_property(TEST integration.srx_valgrind APPEND PROPERTY ENVIRONMENT
    "VX_FASTAGENT=$<TARGET_FILE:vx_fastagent>;PYTHONPATH=${CMAKE_SOURCE_DIR}/tests/lib:${CMAKE_SOURCE_DIR}/tests/integration")
endif()
