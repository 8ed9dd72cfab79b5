# SSH transport: an interactive CLI session over libssh (see ssh.h).
add_library(vx_transport_ssh STATIC ${CMAKE_CURRENT_LIST_DIR}/ssh.c)
vx_target_defaults(vx_transport_ssh)
target_include_directories(vx_transport_ssh PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(vx_transport_ssh PUBLIC vx_core PkgConfig::SSH)
