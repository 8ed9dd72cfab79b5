# net-snmp ships net-snmp-config rather than a .pc file.
find_program(NETSNMP_CONFIG net-snmp-config REQUIRED)
execute_process(COMMAND ${NETSNMP_CONFIG} --netsnmp-libs
  OUTPUT_VARIABLE NETSNMP_LIBS OUTPUT_STRIP_TRAILING_WHITESPACE)
execute_process(COMMAND ${NETSNMP_CONFIG} --base-cflags
  OUTPUT_VARIABLE NETSNMP_CFLAGS OUTPUT_STRIP_TRAILING_WHITESPACE)
separate_arguments(NETSNMP_LIBS UNIX_COMMAND "${NETSNMP_LIBS}")
add_library(vx_netsnmp INTERFACE)
target_link_libraries(vx_netsnmp INTERFACE ${NETSNMP_LIBS})
