# The example alerting rules, checked and unit-tested by promtool.
add_test(NAME unit.alert_rules
  COMMAND sh -c "promtool check rules alerts.yml && promtool test rules alerts_test.yml"
  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}/examples)
set_tests_properties(unit.alert_rules PROPERTIES LABELS unit)
