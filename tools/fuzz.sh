#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang (AddressSanitizer + UndefinedBehaviorSanitizer)
# into build-fuzz/ and runs each for SECONDS (default: $CORRIDOR_FUZZ_SECONDS, else 60) on a corpus
# seeded from tests/ and scenarios/ (and the GasLib files of ../shared/data when present).
#
#   tools/fuzz.sh [SECONDS] [TARGET...]      e.g. tools/fuzz.sh 600 fuzz_scenario
#
# The corpus grows in build-fuzz/fuzz-corpus/TARGET across runs. A crash, a sanitizer report, a
# timeout (10 s per input) or memory above 2 GB stops the run with exit status 1 and leaves the input
# in build-fuzz/fuzz-artifacts/TARGET/; `build-fuzz/tests/fuzz/TARGET FILE` replays it. Fix the bug
# and add the input to the bad-input catalogue (tests/bad-input/cases.yaml). CORRIDOR_FUZZ_SEED fixes
# libFuzzer's random seed (CI uses 1: the same inputs are tried first on every run); 0 or unset draws
# one. docs/reliability.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
seconds="${1:-${CORRIDOR_FUZZ_SECONDS:-60}}"
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(fuzz_scenario fuzz_network fuzz_od_csv fuzz_gaslib)
build="${CORRIDOR_FUZZ_BUILD:-$root/build-fuzz}"
jobs="${CORRIDOR_BUILD_JOBS:-$(nproc)}"

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCORRIDOR_FUZZ=ON -DCORRIDOR_BUILD_TESTS=OFF -DCORRIDOR_WITH_REPORT=OFF >/dev/null
cmake --build "$build" -j "$jobs" --target "${targets[@]}"

# Seeds: every input of the kind in tests/ and scenarios/, including the files the bad-input
# catalogue writes inline (cases.yaml `files:` blocks).
seeds="$build/fuzz-seeds"
rm -rf "$seeds"
mkdir -p "$seeds"/{fuzz_scenario,fuzz_network,fuzz_od_csv,fuzz_gaslib,catalogue}
awk -v dir="$seeds/catalogue" '
  /^  - name:/ { n++; out = ""; next }
  /^      [^ ][^:]*: \|$/ {
    name = $1; sub(/:$/, "", name); out = dir "/" n "/" name
    parent = out; sub(/\/[^\/]*$/, "", parent); system("mkdir -p " parent)
    printf "" > out; next
  }
  out != "" && /^        / { print substr($0, 9) > out; next }
  out != "" && /^ *$/ { print "" > out; next }
  { out = "" }
' "$root/tests/bad-input/cases.yaml"
i=0
while IFS= read -r -d '' f; do
  i=$((i + 1))
  cp "$f" "$seeds/fuzz_scenario/$i-$(basename "$f")"
done < <(find "$root/tests" "$root/scenarios" "$seeds/catalogue" -name '*.yaml' ! -path '*/fuzz/*' -print0)
while IFS= read -r -d '' f; do
  i=$((i + 1))
  cp "$f" "$seeds/fuzz_od_csv/$i-$(basename "$f")"
done < <(find "$root/tests" "$root/scenarios" "$seeds/catalogue" -name '*.csv' -print0)
# Network inputs: nodes GeoJSON, NUL, links GeoJSON; a folder's own pair, else the catalogue's common one.
while IFS= read -r -d '' nodes; do
  d="$(dirname "$nodes")"
  links="$d/links.geojson"
  [ -f "$links" ] || links="$root/tests/bad-input/common/links.geojson"
  i=$((i + 1))
  { cat "$nodes"; printf '\0'; cat "$links"; } > "$seeds/fuzz_network/$i"
done < <(find "$root/tests" "$root/scenarios" "$seeds/catalogue" -name 'nodes.geojson' -print0)
while IFS= read -r -d '' links; do
  d="$(dirname "$links")"
  [ -f "$d/nodes.geojson" ] && continue
  i=$((i + 1))
  { cat "$root/tests/bad-input/common/nodes.geojson"; printf '\0'; cat "$links"; } > "$seeds/fuzz_network/$i"
done < <(find "$seeds/catalogue" -name 'links.geojson' -print0)
# GasLib inputs: .net, NUL, .scn.
while IFS= read -r -d '' net; do
  scn="${net%.net}.scn"
  [ -f "$scn" ] || continue
  i=$((i + 1))
  { cat "$net"; printf '\0'; cat "$scn"; } > "$seeds/fuzz_gaslib/$i-$(basename "$net")"
done < <(find "$root/tests" "$root/../shared/data/gas" "$seeds/catalogue" -name '*.net' -print0 2>/dev/null)

status=0
for t in "${targets[@]}"; do
  exe="$build/tests/fuzz/$t"
  [ -x "$exe" ] || { echo "fuzz: $t was not built (gas room left out?)"; continue; }
  corpus="$build/fuzz-corpus/$t"
  artifacts="$build/fuzz-artifacts/$t"
  mkdir -p "$corpus" "$artifacts"
  dict=()
  [ -f "$root/tests/fuzz/${t#fuzz_}.dict" ] && dict=(-dict="$root/tests/fuzz/${t#fuzz_}.dict")
  echo "fuzz: $t for ${seconds} s (corpus $corpus)"
  if ! ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1" UBSAN_OPTIONS="print_stacktrace=1" \
      "$exe" -seed="${CORRIDOR_FUZZ_SEED:-0}" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
      "${dict[@]}" -artifact_prefix="$artifacts/" "$corpus" "$seeds/$t" >"$build/fuzz-$t.log" 2>&1; then
    status=1
    echo "fuzz: $t FAILED; last lines of $build/fuzz-$t.log:"
    tail -n 40 "$build/fuzz-$t.log"
    echo "fuzz: inputs in $artifacts/; replay with: $exe FILE"
  else
    grep -E '^stat::(number_of_executed_units|new_units_added)|^#[0-9]+.*DONE' "$build/fuzz-$t.log" | sed "s/^/fuzz: $t: /" || true
  fi
done
exit $status
