#!/usr/bin/env bash
# Installs what is missing, builds, and runs the bundled baseline scenario (results in out/baseline/).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/tools/build.sh"
cd "$root"
exec build/tools/corridor run scenarios/baseline.yaml
