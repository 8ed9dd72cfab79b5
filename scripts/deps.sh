#!/usr/bin/env bash
# Installs everything vpn_exporter needs to build, test, benchmark and run
# its demo lab, from Debian 12's own packages.  Run as root.
set -euo pipefail

packages=(
	# build
	build-essential cmake pkg-config clang git
	libclang-rt-14-dev	# clang's ASan, UBSan and libFuzzer runtimes (only a Recommends)
	libsnmp-dev libmicrohttpd-dev libcurl4-openssl-dev libyaml-dev
	libssh-dev libxml2-dev zlib1g-dev libgnutls28-dev libcrypt-dev
	# tests
	libcmocka-dev valgrind python3 python3-prometheus-client
	snmp snmpd snmpsim openssh-server openssh-client openssl curl procps
	libnss-wrapper	# sshd with a test password (tests/lib/sshd.py)
	bsdutils	# logger (util-linux), for the syslog tests
	prometheus prometheus-alertmanager
	# the status page in a real browser; the dashboards against Grafana's
	# schema types (tsc)
	chromium node-typescript
	# packaging tests: cpack's dpkg-shlibdeps needs file; systemd-analyze,
	# man and lexgrog check the unit and the man pages, strace the sandbox
	file lintian systemd man-db strace
	# benchmarks
	prometheus-snmp-exporter wrk
)

if [ "$(id -u)" -ne 0 ]; then
	echo "scripts/deps.sh: run as root (it uses apt-get)" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${packages[@]}"
