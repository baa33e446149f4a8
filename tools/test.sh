#!/usr/bin/env bash
# Installs what is missing, builds with warnings as errors, and runs the whole test suite through CTest.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/tools/build.sh" -DCORRIDOR_WERROR=ON
cd "$root/build"
exec ctest --output-on-failure -j "$(nproc)"
