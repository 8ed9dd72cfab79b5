vx_integration_test(valgrind TIMEOUT 600)
