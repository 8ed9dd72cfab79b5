# The HTTP server: connections under pressure (keep-alive beyond the
# limit, slowloris, silent TLS connections, descriptors above 1,024) and
# its endpoints (web configuration reload, listen addresses, systemd
# sockets, /probe of background devices, request checks, basic auth under
# a flood, polls taking turns for the CPU).  Against vx_fastagent.
foreach(t http_conns http_server)
  vx_integration_test(${t} TIMEOUT 300)
  set_property(TEST integration.${t} APPEND PROPERTY ENVIRONMENT
    "VX_FASTAGENT=$<TARGET_FILE:vx_fastagent>")
endforeach()
