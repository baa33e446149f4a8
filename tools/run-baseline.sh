#!/usr/bin/env bash
# Installs what is missing, builds the corridor executable (only what it runs) and runs the bundled
# baseline scenario (results in out/baseline/).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/tools/build.sh" corridor
cd "$root"
exec build/tools/corridor run scenarios/baseline.yaml
