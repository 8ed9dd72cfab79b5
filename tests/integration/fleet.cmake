vx_integration_test(fleet TIMEOUT 180)
