# vx_fastagent: a fast SNMP v1/v2c agent that serves a snmpsim .snmprec
# file from memory (tests/emulators/fastagent/fastagent.c).  Benchmarks
# (bench/) and integration tests use it where snmpsim would be the
# bottleneck, and the demo lab serves asa-fra1 with it.  Included from
# tests/CMakeLists.txt.
include(${CMAKE_CURRENT_LIST_DIR}/fastagent/agent.cmake)

# Compares the agent with snmpsim (and with expected exceptions) on a
# small generated ASA, and checks that it reloads a changed data file; a
# few seconds.
add_test(NAME integration.fastagent
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/fastagent/test_fastagent.py)
set_tests_properties(integration.fastagent PROPERTIES LABELS integration
  TIMEOUT 120 SKIP_RETURN_CODE 77
  ENVIRONMENT "VX_FASTAGENT=$<TARGET_FILE:vx_fastagent>;VX_TESTS_DIR=${CMAKE_CURRENT_SOURCE_DIR};PYTHONPATH=${CMAKE_CURRENT_SOURCE_DIR}/lib;PYTHONDONTWRITEBYTECODE=1")
