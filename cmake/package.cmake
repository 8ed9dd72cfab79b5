# The Debian package: cpack -G DEB in a build directory makes
# vpn-exporter_<version>_<arch>.deb of what cmake --install puts under /usr
# (cmake/install.cmake).  Its dependencies come from dpkg-shlibdeps, plus
# what the binary loads or the maintainer scripts run by name.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME vpn-exporter)
set(CPACK_PACKAGE_VERSION ${VX_DEB_VERSION})
set(CPACK_PACKAGE_VENDOR "The vpn_exporter authors")
set(VX_DEB_MAINTAINER "vpn_exporter maintainers <vpn-exporter@users.noreply.github.com>"
  CACHE STRING "Maintainer field of the .deb and its changelog")
set(CPACK_PACKAGE_CONTACT ${VX_DEB_MAINTAINER})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Prometheus exporter for IPsec VPN gateways")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_INSTALL_PREFIX /usr)
# Install with DESTDIR and the real prefix, so that the unit file names
# /usr/bin/vpn_exporter (cmake/install_system.cmake.in), and /etc/ goes
# to /etc/.
set(CPACK_SET_DESTDIR ON)
set(CPACK_STRIP_FILES ON)
set(CPACK_RESOURCE_FILE_LICENSE ${CMAKE_SOURCE_DIR}/LICENSE)

set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE https://github.com/vpn-exporter/vpn_exporter)
# The synopsis is CPACK_PACKAGE_DESCRIPTION_SUMMARY; this is the rest.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "vpn_exporter polls IPsec VPN gateways (Cisco ASA over SNMP and SSH) for
their tunnels, IKE and IPsec SAs with SPIs and remaining lifetimes,
traffic and error counters and invalid-SPI drops, and serves them as
Prometheus metrics. It generates the matching alerting rules, so that a
one-sided rekey pages within minutes, naming the device and the peer.
.
The package runs it as a sandboxed systemd service under its own system
user, with man pages, alerting rules, MIBs and dashboards.")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# libssh is loaded by its soname when an SSH collector is configured (not
# linked, so dpkg-shlibdeps cannot see it); the maintainer scripts use
# deb-systemd-helper and deb-systemd-invoke.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "init-system-helpers (>= 1.54~)")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libssh-4 | libssh-gcrypt-4")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "prometheus, prometheus-alertmanager")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${VX_PKG_DIR}/deb/conffiles ${VX_PKG_DIR}/deb/postinst
  ${VX_PKG_DIR}/deb/prerm ${VX_PKG_DIR}/deb/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)

# A Debian changelog, which lintian asks of a native package: one entry
# for this build, dated by its commit (or SOURCE_DATE_EPOCH); the changes
# themselves are in CHANGELOG.md next to it.
set(saved_epoch "$ENV{SOURCE_DATE_EPOCH}")
if(VX_COMMIT_EPOCH AND NOT saved_epoch)
  set(ENV{SOURCE_DATE_EPOCH} ${VX_COMMIT_EPOCH})
endif()
string(TIMESTAMP VX_DEB_DATE "%a, %d %b %Y %H:%M:%S +0000" UTC)
set(ENV{SOURCE_DATE_EPOCH} "${saved_epoch}")
configure_file(${VX_PKG_DIR}/deb/changelog.in ${VX_PKG_BUILD}/changelog @ONLY)
if(VX_GZIP)
  add_custom_command(OUTPUT ${VX_PKG_BUILD}/changelog.gz
    COMMAND ${VX_GZIP} -9nc ${VX_PKG_BUILD}/changelog > ${VX_PKG_BUILD}/changelog.gz
    DEPENDS ${VX_PKG_BUILD}/changelog VERBATIM)
  add_custom_target(vx_deb_changelog ALL DEPENDS ${VX_PKG_BUILD}/changelog.gz)
  install(FILES ${VX_PKG_BUILD}/changelog.gz DESTINATION ${CMAKE_INSTALL_DOCDIR})
endif()

include(CPack)
