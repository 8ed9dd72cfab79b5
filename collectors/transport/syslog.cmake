# The syslog listener (UDP, TCP; one thread): I/O and attribution only.
add_library(vx_transport_syslog STATIC ${CMAKE_CURRENT_LIST_DIR}/syslog.c)
vx_target_defaults(vx_transport_syslog)
target_include_directories(vx_transport_syslog PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(vx_transport_syslog PUBLIC vx_collect_common Threads::Threads)
