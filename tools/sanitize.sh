#!/usr/bin/env bash
# Builds corridor-sim with AddressSanitizer and UndefinedBehaviorSanitizer (option CORRIDOR_SANITIZE,
# plus libstdc++ assertions) into build-asan/ and runs the whole CTest suite there: every test and
# every run of the corridor executable from the tests is checked; the first report fails the test.
# Warnings are not errors here (the sanitizers make GCC report false "maybe uninitialized" inside
# libstdc++; tools/test.sh builds with -Werror). Extra arguments go to CMake; CORRIDOR_BUILD_JOBS sets
# the parallelism (default: all cores). docs/reliability.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${CORRIDOR_SANITIZE_BUILD:-$root/build-asan}"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCORRIDOR_SANITIZE=ON -DCORRIDOR_WERROR=OFF "$@" >/dev/null
cmake --build "$build" -j "${CORRIDOR_BUILD_JOBS:-$(nproc)}"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
export LSAN_OPTIONS="suppressions=$root/tools/lsan.supp:print_suppressions=0"
cd "$build"
exec ctest --output-on-failure -j "${CORRIDOR_BUILD_JOBS:-$(nproc)}" --timeout 3000
