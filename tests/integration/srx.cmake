# Juniper SRX: NETCONF through a real sshd on loopback whose "netconf"
# subsystem is the SRX emulator (tests/emulators/srx), the Junos CLI
# dialect through the same sshd (the SSH transport's driver), the REST API
# over HTTPS, JUNIPER-IPSEC-FLOW-MON-MIB data in vx_fastagent.
vx_integration_test(srx_netconf TIMEOUT 300)
