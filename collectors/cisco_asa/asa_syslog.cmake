# The ASA's syslog parser (pure: a message in, an event out).
target_sources(vx_asa_parse PRIVATE ${CMAKE_CURRENT_LIST_DIR}/asa_syslog.c)
