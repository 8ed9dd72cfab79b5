# ScreenOS: the CLI emulator behind a real sshd for screenos_ssh, the
# nsVpnMonTable in vx_fastagent for screenos_snmp.
vx_integration_test(screenos TIMEOUT 180)
set_property(TEST integration.screenos APPEND PROPERTY ENVIRONMENT
  "VX_FASTAGENT=$<TARGET_FILE:vx_fastagent>")
# The collectors under valgrind (which cannot run an ASan binary).
if(NOT VX_SANITIZE)
  vx_integration_test(screenos_valgrind TIMEOUT 600)
  set_property(TEST integration.screenos_valgrind APPEND PROPERTY ENVIRONMENT
    "VX_FASTAGENT=$<TARGET_FILE:vx_fastagent>;PYTHONPATH=${CMAKE_SOURCE_DIR}/tests/lib:${CMAKE_SOURCE_DIR}/tests/integration")
endif()
# The benchmark of the readers (bench/screenos_bench.c): built here, run
# by hand (bench/README.md), not by ctest.
add_executable(screenos_bench ${CMAKE_SOURCE_DIR}/bench/screenos_bench.c)
vx_target_defaults(screenos_bench)
target_link_libraries(screenos_bench PRIVATE vx_screenos_parse)
