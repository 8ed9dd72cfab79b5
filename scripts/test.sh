#!/usr/bin/env bash
# Builds vpn_exporter and runs every test, twice: as built (gcc, -Werror;
# this pass also installs and packages it) and under AddressSanitizer +
# UndefinedBehaviorSanitizer; then the unit tests under valgrind, a clang
# -Werror build with its unit tests, and each fuzz target briefly.  Needs
# root for the package installation (skip it with VX_SKIP_DEPS=1 when the
# packages are there).
set -euo pipefail

cd "$(dirname "$0")/.."
jobs=$(nproc)
# Integration tests mostly wait on sockets: run more of them than cores
# (the heavy ones still one at a time: tests/CMakeLists.txt).
test_jobs=$((jobs + 2))
fuzz_seconds=${VX_FUZZ_SECONDS:-5}

if [ "${VX_SKIP_DEPS:-0}" != 1 ]; then
	scripts/deps.sh
fi

step() { printf '\n==== %s\n' "$*"; }

step "build (RelWithDebInfo, -Werror)"
cmake -S . -B build/plain -DCMAKE_BUILD_TYPE=RelWithDebInfo -DVX_WERROR=ON
cmake --build build/plain -j"$jobs"

step "tests (plain build)"
ctest --test-dir build/plain --output-on-failure -j"$test_jobs"

step "unit tests under valgrind"
ls build/plain/tests/test_* | xargs -P "$jobs" -I{} sh -c '
	cd build/plain/tests && valgrind -q --leak-check=full \
		--errors-for-leak-kinds=definite,indirect --error-exitcode=1 \
		"./$(basename "{}")" > /dev/null || { echo "valgrind: {} failed"; exit 255; }'
echo "valgrind: no errors, no leaks"

step "build (ASan + UBSan)"
cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DVX_SANITIZE=ON
cmake --build build/asan -j"$jobs"

# Every test but the long end-to-end ones (label "long": a real
# Prometheus, browsers, fleets of thousands), which drive the same C code
# as the rest and already ran on the plain build.
step "tests (ASan + UBSan build)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	ctest --test-dir build/asan --output-on-failure -j"$test_jobs" -LE long

# One clang build does both: -Werror over every target, then the unit
# tests and each fuzz target briefly (clang's ASan, UBSan and libFuzzer).
step "build (clang, -Werror, fuzzing), unit tests and fuzz targets (${fuzz_seconds}s each)"
CC=clang cmake -S . -B build/clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	-DVX_WERROR=ON -DVX_FUZZ=ON -DVX_FUZZ_SECONDS="$fuzz_seconds"
cmake --build build/clang -j"$jobs"
ctest --test-dir build/clang -L unit --output-on-failure -j"$jobs"
ctest --test-dir build/clang -L fuzz --output-on-failure -j"$jobs"
