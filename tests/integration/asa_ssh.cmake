# Cisco ASA over SSH: a real sshd on loopback whose forced command is the
# ASA CLI emulator (tests/emulators/asa_cli).  ssh_driver drives the SSH
# transport alone; test_asa_ssh.py drives the daemon.
add_executable(vx_ssh_driver ${CMAKE_SOURCE_DIR}/tests/emulators/asa_cli/ssh_driver.c)
vx_target_defaults(vx_ssh_driver)
target_link_libraries(vx_ssh_driver PRIVATE vx_transport_ssh vx_asa_parse
  vx_srx_parse)

vx_integration_test(asa_ssh_transport TIMEOUT 600)
set_property(TEST integration.asa_ssh_transport APPEND PROPERTY ENVIRONMENT
  "VX_SSH_DRIVER=$<TARGET_FILE:vx_ssh_driver>")
vx_integration_test(asa_ssh TIMEOUT 600)
set_property(TEST integration.asa_ssh APPEND PROPERTY ENVIRONMENT
  "VX_SSH_DRIVER=$<TARGET_FILE:vx_ssh_driver>")

# The benchmark (bench/asa_ssh_bench.*): parser throughput on a synthetic
# 10,000-peer "show crypto ipsec sa", and poll time over a reused session
# against a fresh login.  Run: bench/asa_ssh_bench.py --build-dir BUILD.
add_executable(asa_parse_bench ${CMAKE_SOURCE_DIR}/bench/asa_ssh_bench.c)
vx_target_defaults(asa_parse_bench)
target_link_libraries(asa_parse_bench PRIVATE vx_asa_parse)

# Counters that never fall: emulated ASAs whose SAs rekey at random,
# polled 200 times over SSH and over SNMP (vx_fastagent).
vx_integration_test(counters TIMEOUT 600)
set_property(TEST integration.counters APPEND PROPERTY ENVIRONMENT
  "VX_FASTAGENT=$<TARGET_FILE:vx_fastagent>")

# End to end: emulated ASAs, the exporter, a real Prometheus with the
# generated rules and a real Alertmanager with the example routing.
vx_integration_test(alerting TIMEOUT 300)
set_property(TEST integration.alerting APPEND PROPERTY ENVIRONMENT
  "VX_FASTAGENT=$<TARGET_FILE:vx_fastagent>")

# Configured secrets scrubbed from whatever a device sends back.
vx_integration_test(secrets TIMEOUT 120)
set_property(TEST integration.secrets APPEND PROPERTY ENVIRONMENT
  "VX_FASTAGENT=$<TARGET_FILE:vx_fastagent>")
vx_integration_test(hostile TIMEOUT 180)
