vx_integration_test(fleet TIMEOUT 180)
# The auths' and modules' SSH credentials (key, password file, password
# in the environment, host key policy) against real sshds on loopback.
vx_integration_test(fleet_ssh TIMEOUT 180)
