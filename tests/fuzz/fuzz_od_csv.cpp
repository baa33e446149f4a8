// libFuzzer target: the OD matrix reader (scenario::read_demand_csv) on arbitrary bytes.
// Anything but a clean result or an InputError (a crash, a sanitizer report, another exception) is a bug.
#include <cstdint>

#include "geo/error.hpp"
#include "sim/scenario/scenario.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto file = corridor::fuzz::write("od.csv", corridor::fuzz::as_text(data, size));
  try {
    const auto rows = corridor::scenario::read_demand_csv(file, "containers");
    for (const auto& row : rows)
      if (!(row.teu_per_year >= 0.0) || row.origin.value.empty() || row.destination.value.empty() || row.origin.line < 2)
        __builtin_trap();  // the reader promised finite, non-negative demand between named nodes
  } catch (const corridor::InputError&) {
  }
  return 0;
}
