# What "cmake --install" puts where (FHS; the .deb is the same tree with
# the prefix /usr):
#
#   bin/vpn_exporter
#   share/man/man1/vpn_exporter.1.gz, share/man/man5/vpn_exporter.yml.5.gz
#   share/vpn_exporter/rules/vpn_exporter.yml   rules for the default config
#   share/vpn_exporter/mibs/                    the MIBs the collectors read
#   share/vpn_exporter/dashboards/              Grafana dashboards
#   share/doc/vpn-exporter/                     README, changelog, runbooks,
#                                               examples/ (configuration,
#                                               its rules, Alertmanager)
#   lib/systemd/system/vpn_exporter.service     and sysusers.d, tmpfiles.d
#   /etc/vpn_exporter/vpn_exporter.yml          (PREFIX/etc unless the prefix
#   /etc/default/vpn_exporter                    is /usr; never overwritten)
#
# The doc directory is named after the Debian package (no "_" allowed
# there).  The systemd files and the configuration name the binary's and
# the configuration's full paths, known only at install time (cpack
# installs with its own prefix), so cmake/install_system.cmake.in writes
# them then.
set(CMAKE_INSTALL_DOCDIR share/doc/vpn-exporter CACHE PATH
  "Documentation root (DATAROOTDIR/doc/vpn-exporter)")
include(GNUInstallDirs)
set(VX_DATADIR ${CMAKE_INSTALL_DATADIR}/vpn_exporter)
set(VX_PKG_DIR ${CMAKE_SOURCE_DIR}/packaging)
set(VX_PKG_BUILD ${CMAKE_BINARY_DIR}/packaging)

# Man pages, compressed without a timestamp (reproducible; lintian asks
# for compressed pages).
find_program(VX_GZIP gzip)
foreach(page vpn_exporter.1 vpn_exporter.yml.5)
  string(REGEX REPLACE ".*\\.([0-9])$" "\\1" section ${page})
  if(VX_GZIP)
    add_custom_command(OUTPUT ${VX_PKG_BUILD}/${page}.gz
      COMMAND ${CMAKE_COMMAND} -E make_directory ${VX_PKG_BUILD}
      COMMAND ${VX_GZIP} -9nc ${CMAKE_SOURCE_DIR}/docs/man/${page} > ${VX_PKG_BUILD}/${page}.gz
      DEPENDS ${CMAKE_SOURCE_DIR}/docs/man/${page} VERBATIM)
    list(APPEND VX_MAN_GZ ${VX_PKG_BUILD}/${page}.gz)
    install(FILES ${VX_PKG_BUILD}/${page}.gz
      DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
  else()
    install(FILES docs/man/${page} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
  endif()
endforeach()

# The rules for the packaged configuration (no devices, default
# thresholds): generic, every device gets the default branch.  They are
# "vpn_exporter rules" output, made by the binary just built.
# (examples/alerts.yml is for the example devices, and goes with them.)
add_custom_command(OUTPUT ${VX_PKG_BUILD}/rules/vpn_exporter.yml
  COMMAND ${CMAKE_COMMAND} -E make_directory ${VX_PKG_BUILD}/rules
  COMMAND $<TARGET_FILE:vpn_exporter> rules
    --config.file=${VX_PKG_DIR}/vpn_exporter.yml.in > ${VX_PKG_BUILD}/rules/vpn_exporter.yml
  DEPENDS vpn_exporter ${VX_PKG_DIR}/vpn_exporter.yml.in VERBATIM)
add_custom_target(vx_package_files ALL DEPENDS ${VX_MAN_GZ}
  ${VX_PKG_BUILD}/rules/vpn_exporter.yml)
install(FILES ${VX_PKG_BUILD}/rules/vpn_exporter.yml
  DESTINATION ${VX_DATADIR}/rules)

install(DIRECTORY mibs/ DESTINATION ${VX_DATADIR}/mibs
  FILES_MATCHING PATTERN "*.my" PATTERN "*.mib" PATTERN "README.md"
  PATTERN "SHA256SUMS")
# dashboards/ comes with the dashboards work; installed when present.
if(EXISTS ${CMAKE_SOURCE_DIR}/dashboards)
  install(DIRECTORY dashboards/ DESTINATION ${VX_DATADIR}/dashboards
    FILES_MATCHING PATTERN "*.json" PATTERN "*.yml" PATTERN "*.yaml"
    PATTERN "*.md")
endif()

install(FILES README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES CHANGELOG.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(FILES ${VX_PKG_DIR}/deb/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY docs/runbooks DESTINATION ${CMAKE_INSTALL_DOCDIR}
  FILES_MATCHING PATTERN "*.md")
install(FILES examples/vpn_exporter.yml examples/alerts.yml
  examples/alerts_test.yml examples/alertmanager.yml
  DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)

configure_file(cmake/install_system.cmake.in
  ${VX_PKG_BUILD}/install_system.cmake @ONLY)
install(SCRIPT ${VX_PKG_BUILD}/install_system.cmake)
