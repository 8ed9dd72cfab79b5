# PAN-OS over the XML API: the HTTPS emulator (tests/emulators/panos) with
# certificates made by the test (openssl CLI), polled by the daemon.
vx_integration_test(panos_api TIMEOUT 300)
# The collector under valgrind (libcurl, libxml2, the key, the details);
# valgrind cannot run a binary built with AddressSanitizer.
if(NOT VX_SANITIZE)
  vx_integration_test(panos_valgrind TIMEOUT 600)
endif()
