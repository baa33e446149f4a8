#!/usr/bin/env bash
# Installs what is missing, builds everything (warnings as errors; objects built by tools/run-baseline.sh
# are reused) and runs the whole test suite through CTest.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/tools/build.sh"
cd "$root/build"
exec ctest --output-on-failure -j "$(nproc)"
