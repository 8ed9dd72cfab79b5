# The ASA state model (tests/emulators/asa_model.py, asa_render.py) that
# drives the CLI emulator and the demo lab: determinism, counter
# semantics, and its text and snmprec read back by the exporter's own
# parsers (vpn_exporter parse; vx_fastagent + snmpbulkwalk).  Seconds.
add_test(NAME emulators.asa_model
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/test_asa_model.py)
set_tests_properties(emulators.asa_model PROPERTIES LABELS integration
  TIMEOUT 120 SKIP_RETURN_CODE 77
  ENVIRONMENT "VX_BIN=$<TARGET_FILE:vpn_exporter>;VX_FASTAGENT=$<TARGET_FILE:vx_fastagent>;VX_TESTS_DIR=${CMAKE_CURRENT_SOURCE_DIR};PYTHONPATH=${CMAKE_CURRENT_SOURCE_DIR}/lib;PYTHONDONTWRITEBYTECODE=1")
