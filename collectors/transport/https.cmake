# HTTPS transport: libcurl easy handles on a multi handle, per device
# (see https.h).  Debian's libcurl4-openssl-dev: OpenSSL does the TLS.
add_library(vx_transport_https STATIC ${CMAKE_CURRENT_LIST_DIR}/https.c
  ${CMAKE_CURRENT_LIST_DIR}/https_opts.c)
vx_target_defaults(vx_transport_https)
target_include_directories(vx_transport_https PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(vx_transport_https PUBLIC vx_core vx_config PkgConfig::CURL
  Threads::Threads)
