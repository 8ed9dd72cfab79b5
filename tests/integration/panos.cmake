# PAN-OS over the XML API: the HTTPS emulator (tests/emulators/panos) with
# certificates made by the test (openssl CLI), polled by the daemon.
vx_integration_test(panos_api TIMEOUT 300)
