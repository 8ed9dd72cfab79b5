# Cisco ASA CLI parsers (pure: text in, model out), in the parser library
# so that the SSH collector, the unit tests and the fuzzers share them.
target_sources(vx_asa_parse PRIVATE
  ${CMAKE_CURRENT_LIST_DIR}/asa_parsers.c
  ${CMAKE_CURRENT_LIST_DIR}/asa_parse_text.c
  ${CMAKE_CURRENT_LIST_DIR}/asa_parse_asp_drop.c
  ${CMAKE_CURRENT_LIST_DIR}/asa_parse_ipsec_sa.c
  ${CMAKE_CURRENT_LIST_DIR}/asa_parse_ikev1_sa.c
  ${CMAKE_CURRENT_LIST_DIR}/asa_parse_ikev2_sa.c
  ${CMAKE_CURRENT_LIST_DIR}/asa_parse_sessiondb_l2l.c
  ${CMAKE_CURRENT_LIST_DIR}/asa_parse_vpn_context.c)
