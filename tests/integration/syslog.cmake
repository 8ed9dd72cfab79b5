# The syslog listener against the real exporter: util-linux logger over
# UDP and TCP, attribution, unknown senders, limits, reloads.
vx_integration_test(syslog TIMEOUT 120)
# A flood of 1,000,000 messages (a script that stops by itself): no
# crash, bounded memory, /metrics in under 100 ms throughout.
# It times scrapes: nothing else of the suite runs beside it.
vx_integration_test(syslog_flood TIMEOUT 600)
set_property(TEST integration.syslog_flood APPEND PROPERTY ENVIRONMENT
  "VX_SANITIZE=${VX_SANITIZE}")
set_tests_properties(integration.syslog_flood PROPERTIES RUN_SERIAL TRUE)

# The benchmark (bench/syslog_bench.*): messages parsed and counted per
# second on one core, in process and through the running exporter.
# Run: bench/syslog_bench.py --build-dir BUILD.
add_executable(syslog_bench ${CMAKE_SOURCE_DIR}/bench/syslog_bench.c)
vx_target_defaults(syslog_bench)
target_link_libraries(syslog_bench PRIVATE vx_collectors)
# The listener under valgrind (not with ASan, which valgrind cannot run).
if(NOT VX_SANITIZE)
  vx_integration_test(syslog_valgrind TIMEOUT 300)
endif()
