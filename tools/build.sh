#!/usr/bin/env bash
# Configures and builds corridor-sim into build/ (Release, Ninja). Extra arguments go to CMake.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/tools/install-deps.sh"
cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCORRIDOR_WITH_MPI=ON "$@" >/dev/null
cmake --build "$root/build" -j "$(nproc)"
