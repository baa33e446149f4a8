#!/usr/bin/env bash
# `mpirun -n 3 corridor batch` must give the kpis.csv of a single process, byte for byte.
# Usage: mpi_batch_test.sh CORRIDOR_EXE MPIEXEC SOURCE_DIR
set -euo pipefail
exe=$1 mpiexec=$2 src=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/study.yaml" <<STUDY
name: mpi-check
base: $src/scenarios/baseline.yaml
parameters:
  growth: {from: 0, to: 0.5, step: 0.25}
edits:
  - scale_demand: {factor: 1 + \$growth}
monte_carlo:
  draws: 7
  seed: 5
  failures:
    - {select: {kind: border}, probability: 0.2, duration_days: {exponential: 30}}
STUDY
"$exe" batch "$tmp/study.yaml" --out "$tmp/single" --jobs 1 -q
as_root=()
if [ "$(id -u)" -eq 0 ]; then as_root=(--allow-run-as-root); fi
"$mpiexec" --oversubscribe "${as_root[@]}" -n 3 "$exe" batch "$tmp/study.yaml" --out "$tmp/mpi" --jobs 1 \
  >"$tmp/mpi.out" 2>"$tmp/mpi.err"
cmp "$tmp/single/kpis.csv" "$tmp/mpi/kpis.csv"
# Progress and the summary count the whole study, not rank 0's share (7 of 21).
grep -q "progress: 21/21 scenarios" "$tmp/mpi.err" || { echo "no progress over all ranks:" >&2; cat "$tmp/mpi.err" >&2; exit 1; }
grep -q "Solved 21, resumed 0" "$tmp/mpi.out" || { echo "summary is not the whole study:" >&2; cat "$tmp/mpi.out" >&2; exit 1; }
rows=$(($(wc -l < "$tmp/mpi/kpis.csv") - 1))
if [ "$rows" -ne 21 ]; then echo "expected 21 scenarios, got $rows" >&2; exit 1; fi
# Every rank committed its share of rows.
if [ "$(ls "$tmp/mpi/rows" | wc -l)" -ne 21 ]; then echo "missing row files" >&2; exit 1; fi
echo "mpirun -n 3: kpis.csv identical to one process ($rows scenarios)"
