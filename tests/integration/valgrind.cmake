# valgrind cannot run a binary built with AddressSanitizer; the sanitizer
# build checks memory its own way.
if(NOT VX_SANITIZE)
  vx_integration_test(valgrind TIMEOUT 600)
endif()
