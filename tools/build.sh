#!/usr/bin/env bash
# Installs what is missing, configures corridor-sim into build/ (Release, Ninja, warnings as errors: the
# same configuration for every script, so that one build tree serves them all and nothing is rebuilt
# for a change of flags) and builds the targets given (default: everything).
#   tools/build.sh                 everything (tests and benchmarks included)
#   tools/build.sh corridor        the corridor executable only
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/tools/install-deps.sh"
cmake -S "$root" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCORRIDOR_WITH_MPI=ON -DCORRIDOR_WERROR=ON >/dev/null
if [ $# -gt 0 ]; then
  cmake --build "$root/build" -j "$(nproc)" --target "$@"
else
  cmake --build "$root/build" -j "$(nproc)"
fi
