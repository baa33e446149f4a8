// libFuzzer target: the GasLib reader (gas::read_gaslib) on arbitrary XML. An input holds the network
// file (.net), a NUL byte, and the nomination file (.scn); without a NUL the .scn is empty.
// Anything but a network or an InputError is a bug.
#include <cstdint>

#include "geo/error.hpp"
#include "sim/gas/gaslib.hpp"
#include "tests/fuzz/fuzz_support.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto [net_text, scn_text] = corridor::fuzz::split_at_nul(corridor::fuzz::as_text(data, size));
  const auto net = corridor::fuzz::write("fuzz.net", net_text);
  const auto scn = corridor::fuzz::write("fuzz.scn", scn_text);
  try {
    const auto gas = corridor::gas::read_gaslib(net, scn);
    (void)gas;
  } catch (const corridor::InputError&) {
  }
  return 0;
}
