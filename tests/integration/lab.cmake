# The README's demo: the lab starts and every device is polled.
add_test(NAME integration.demo_lab
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_SOURCE_DIR}/tests/emulators/lab.py
    --exporter $<TARGET_FILE:vpn_exporter>
    --fastagent $<TARGET_FILE:vx_fastagent> --listen auto --check)
set_tests_properties(integration.demo_lab PROPERTIES LABELS "integration;long"
  TIMEOUT 180 RESOURCE_LOCK heavy)
