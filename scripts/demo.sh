#!/usr/bin/env bash
# Builds vpn_exporter and runs it on the bundled demo lab: simulated VPN
# gateways on loopback (see tests/emulators/lab.py).  Open
# http://localhost:10039/ while it runs; Ctrl-C stops everything.
# Needs root for the package installation (skip it with VX_SKIP_DEPS=1).
set -euo pipefail

cd "$(dirname "$0")/.."
if [ "${VX_SKIP_DEPS:-0}" != 1 ]; then
	scripts/deps.sh
fi
cmake -S . -B build/demo -DCMAKE_BUILD_TYPE=Release -DVX_TESTS=OFF -DVX_LAB=ON
cmake --build build/demo -j"$(nproc)" --target vpn_exporter vx_fastagent
exec python3 tests/emulators/lab.py --exporter build/demo/exporter/vpn_exporter \
	--fastagent build/demo/vx_fastagent \
	--listen "${VX_LISTEN:-0.0.0.0:10039}" "$@"
