# The HTTP server's parts that need no daemon: worker pools, connection
# registry (limit, eviction, drop accounting), /probe target checks,
# systemd socket activation.
vx_unit_test(http_pool LIBS vx_exporter)
vx_unit_test(http_conns LIBS vx_exporter)
vx_unit_test(http_target LIBS vx_exporter)
vx_unit_test(sdlisten LIBS vx_exporter)
