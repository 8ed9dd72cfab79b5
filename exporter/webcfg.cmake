# --web.config.file (exporter-toolkit format): TLS and basic auth for the
# HTTP server.  Included from exporter/CMakeLists.txt.
add_library(vx_webcfg STATIC
  ${CMAKE_CURRENT_LIST_DIR}/webcfg.c
  ${CMAKE_CURRENT_LIST_DIR}/webcfg_auth.c)
vx_target_defaults(vx_webcfg)
target_include_directories(vx_webcfg PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(vx_webcfg PUBLIC vx_config vx_core PkgConfig::MHD
  PkgConfig::GNUTLS PkgConfig::CRYPT Threads::Threads)
