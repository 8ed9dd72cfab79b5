# The status page: escaping, filtering, sorting and what it shows of both
# ends of a tunnel; and its benchmark (1,000 devices, 10,000 tunnels),
# run by hand: build/plain/tests/status_bench.
vx_unit_test(status LIBS vx_exporter)
add_executable(status_bench ${CMAKE_SOURCE_DIR}/bench/status_bench.c)
vx_target_defaults(status_bench)
target_link_libraries(status_bench PRIVATE vx_exporter)
