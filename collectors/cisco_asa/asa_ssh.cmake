# The cisco_asa_ssh collector: the SSH transport feeding the CLI parsers.
target_sources(vx_asa PRIVATE ${CMAKE_CURRENT_LIST_DIR}/asa_ssh.c)
target_link_libraries(vx_asa PUBLIC vx_transport_ssh)
