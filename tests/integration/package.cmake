# Packaging: the man pages document every flag and key; the version
# reaches --version and vpn_exporter_build_info; "cmake --install" lays
# out the FHS tree with a systemd unit that systemd-analyze accepts and
# rates, and whose sandbox admits every system call, socket family and
# write of a traced exporter; the .deb passes lintian and its binary
# runs.  Installing, packaging or tracing a sanitizer build makes no
# sense, so those run only in the plain build.
vx_integration_test(manpages TIMEOUT 60)
vx_integration_test(version TIMEOUT 60)
if(NOT VX_SANITIZE)
  vx_integration_test(install TIMEOUT 120)
  vx_integration_test(package TIMEOUT 300)
  # The exporter under strace against the unit's sandbox settings.
  vx_integration_test(sandbox TIMEOUT 120)
  set_tests_properties(integration.install integration.package
    integration.sandbox PROPERTIES LABELS "integration;package")
  set_property(TEST integration.install integration.package
    integration.sandbox APPEND PROPERTY
    ENVIRONMENT "VX_CMAKE=${CMAKE_COMMAND};VX_CPACK=${CMAKE_CPACK_COMMAND};VX_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
endif()
set_property(TEST integration.version APPEND PROPERTY
  ENVIRONMENT "VX_SOURCE_DIR=${CMAKE_SOURCE_DIR}")
