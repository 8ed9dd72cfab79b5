# The README lists every metric and every collector option.
vx_integration_test(docs TIMEOUT 60)
