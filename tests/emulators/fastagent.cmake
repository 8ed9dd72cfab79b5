# vx_fastagent: a fast SNMP v1/v2c agent that serves a snmpsim .snmprec
# file from memory (tests/emulators/fastagent/fastagent.c).  Benchmarks
# (bench/) and integration tests use it where snmpsim would be the
# bottleneck.  Included from tests/CMakeLists.txt.
add_executable(vx_fastagent ${CMAKE_CURRENT_LIST_DIR}/fastagent/fastagent.c)
vx_target_defaults(vx_fastagent)
target_link_libraries(vx_fastagent PRIVATE vx_netsnmp m)

# Compares the agent with snmpsim (and with expected exceptions) on a
# small generated ASA; a few seconds.
add_test(NAME integration.fastagent
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/fastagent/test_fastagent.py)
set_tests_properties(integration.fastagent PROPERTIES LABELS integration
  RESOURCE_LOCK integration TIMEOUT 120 SKIP_RETURN_CODE 77
  ENVIRONMENT "VX_FASTAGENT=$<TARGET_FILE:vx_fastagent>;VX_TESTS_DIR=${CMAKE_CURRENT_SOURCE_DIR};PYTHONPATH=${CMAKE_CURRENT_SOURCE_DIR}/lib;PYTHONDONTWRITEBYTECODE=1")
