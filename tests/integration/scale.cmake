# Big fleets and big devices.  The integration tests (test_scale.py,
# test_files.py) run in CI; the benchmarks (bench/fleet.py,
# bench/bigdevice.py, render_bench) are built here and run by hand.
vx_integration_test(scale TIMEOUT 600)

# bench/render_bench.c: correlation, rendering and gzip of /metrics.
add_executable(render_bench ${CMAKE_SOURCE_DIR}/bench/render_bench.c)
vx_target_defaults(render_bench)
target_link_libraries(render_bench PRIVATE vx_exporter)
set_property(TEST integration.scale APPEND PROPERTY ENVIRONMENT
  "VX_FASTAGENT=$<TARGET_FILE:vx_fastagent>")

# Files named by the configuration: /dev/zero, a FIFO, a sparse 1 GiB file.
vx_integration_test(files TIMEOUT 300)
set_property(TEST integration.files APPEND PROPERTY ENVIRONMENT
  "VX_FASTAGENT=$<TARGET_FILE:vx_fastagent>")
