// sim/gas: GasLib XML import (GasLib-11 and GasLib-24 from gaslib.zib.de, CC BY 3.0, read from
// ../shared/data/gas/gaslib) and a solve of the imported nominations.
#include <catch2/catch.hpp>

#include <filesystem>

#include "geo/error.hpp"
#include "sim/gas/gaslib.hpp"
#include "sim/gas/solver.hpp"

using namespace corridor;
using namespace corridor::gas;
namespace fs = std::filesystem;

namespace {
const fs::path gaslib_dir = fs::path(CORRIDOR_SHARED_DATA_DIR) / "gas" / "gaslib";

double total_supply(const GasNetwork& net, const Solution& s) {
  double sum = 0.0;
  for (std::size_t i = 0; i < net.nodes.size(); ++i) sum += std::max(0.0, s.injection_kg_per_s[i]);
  return sum;
}
}  // namespace

TEST_CASE("GasLib-11 is imported with its elements, units and plane coordinates and then solved", "[gas][gaslib]") {
  if (!fs::exists(gaslib_dir)) {
    WARN("reference data folder " << gaslib_dir << " is absent: GasLib import skipped");
    return;
  }
  const auto net = read_gaslib(gaslib_dir / "GasLib-11" / "GasLib-11.net", gaslib_dir / "GasLib-11" / "GasLib-11.scn");
  CHECK(net.nodes.size() == 11);
  CHECK(net.pipes.size() == 8);
  CHECK(net.valves.size() == 1);
  CHECK(net.compressors.size() == 2);
  const auto& exit02 = net.nodes[*net.find_node("exit02")];
  CHECK(exit02.x == 1141.0);
  CHECK(exit02.y == 141.0);
  CHECK(*exit02.pressure_max_pa == Approx(60e5));
  // 120 000 m3/h at 0 degC, 1.01325 bar, rho_n = 0.785 kg/m3.
  CHECK(exit02.injection_kg_per_s == Approx(-120.0 * 1000 / 3600 * 0.785));
  const auto& pipe = net.pipes[*net.find_pipe("pipe01_entry01_entry03")];
  CHECK(pipe.length_m == 55000.0);
  CHECK(pipe.diameter_m == Approx(0.5));
  CHECK(pipe.roughness_m == Approx(0.1e-3));
  CHECK(net.gas.temperature_k == Approx(283.15));
  CHECK(net.nodes[*net.find_node("entry01")].pressure_set_pa.has_value());  // largest entry nomination
  CHECK_FALSE(net.coordinates_note.empty());

  const auto s = solve(net);
  CHECK(s.residual_norm < 1e-10);
  double offtake = 0.0;
  for (const auto& n : net.nodes) offtake += std::max(0.0, -n.injection_kg_per_s);
  CHECK(total_supply(net, s) == Approx(offtake).epsilon(1e-9));
  for (std::size_t c = 0; c < net.compressors.size(); ++c) {
    const auto& comp = net.compressors[c];
    if (s.compressors[c].state == CompressorState::active)
      CHECK(s.pressure_pa[comp.to] == Approx(comp.outlet_pressure_pa).epsilon(1e-9));
  }
}

TEST_CASE("GasLib-24 is imported with resistor, short pipe, control valve and heights and then solved",
          "[gas][gaslib]") {
  if (!fs::exists(gaslib_dir)) {
    WARN("reference data folder " << gaslib_dir << " is absent: GasLib import skipped");
    return;
  }
  const auto net = read_gaslib(gaslib_dir / "GasLib-24" / "GasLib-24.net", gaslib_dir / "GasLib-24" / "GasLib-24.scn");
  CHECK(net.nodes.size() == 24);
  CHECK(net.pipes.size() == 20);  // 19 pipes and the resistor
  CHECK(net.compressors.size() == 3);
  CHECK(net.valves.size() == 2);  // short pipe and control valve
  const auto& re01 = net.pipes[*net.find_pipe("re01")];
  CHECK(re01.length_m == 0.0);
  CHECK(re01.loss_coefficient == Approx(5.41));
  CHECK(net.nodes[*net.find_node("entry01")].height_m == 200.0);
  const auto s = solve(net);
  CHECK(s.residual_norm < 1e-10);
  for (std::size_t i = 0; i < net.nodes.size(); ++i) CHECK(s.pressure_pa[i] > 0.0);
}

TEST_CASE("a GasLib file with an unknown node is an input error naming the file and the element", "[gas][gaslib]") {
  if (!fs::exists(gaslib_dir)) return;
  // The GasLib-24 scenario does not fit the GasLib-11 network.
  try {
    (void)read_gaslib(gaslib_dir / "GasLib-11" / "GasLib-11.net", gaslib_dir / "GasLib-24" / "GasLib-24.scn");
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    const std::string what = e.problems().front().str();
    CHECK(what.find("GasLib-24.scn") != std::string::npos);
    CHECK(what.find("node '") != std::string::npos);
  }
}
