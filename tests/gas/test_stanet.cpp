// sim/gas against STANET: the gas cases of pandapipes' STANET comparison (e2nIEE/pandapipes,
// src/pandapipes/networks/network_files/stanet_test_networks/gas_cases, BSD-3-Clause), read from
// ../shared/data/gas/stanet.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "sim/gas/solver.hpp"
#include "tests/gas/stanet_cases.hpp"

using namespace corridor;
using namespace corridor::gas;
namespace fs = std::filesystem;

namespace {
const fs::path stanet_dir = fs::path(CORRIDOR_SHARED_DATA_DIR) / "gas" / "stanet";

struct Errors {
  double p_rel = 0.0;  // max |1 - p/p_ref| on gauge pressures
  double v_abs = 0.0;  // max |v - v_ref|, m/s
};

Errors compare(const test::StanetCase& c, const Solution& s) {
  Errors e;
  const auto& net = c.network;
  for (std::size_t i = 0; i < net.nodes.size(); ++i) {
    if (std::isnan(c.p_ref_bar_gauge[i])) continue;  // no reference (auxiliary junction)
    const double gauge_bar = bar_from_pa(s.pressure_pa[i] - ambient_pressure_pa(net.nodes[i].height_m));
    e.p_rel = std::max(e.p_rel, std::abs(1.0 - gauge_bar / c.p_ref_bar_gauge[i]));
  }
  for (std::size_t i = 0; i < net.pipes.size(); ++i)
    if (!std::isnan(c.v_ref_m_per_s[i]))
      e.v_abs = std::max(e.v_abs, std::abs(s.pipes[i].velocity_m_per_s - c.v_ref_m_per_s[i]));
  return e;
}
}  // namespace

TEST_CASE("every STANET gas case is reproduced within the reference tolerances", "[gas][stanet]") {
  if (!fs::exists(stanet_dir)) {
    WARN("reference data folder " << stanet_dir << " is absent: STANET comparison skipped");
    return;
  }
  int cases = 0;
  for (const auto& entry : fs::directory_iterator(stanet_dir)) {
    const auto name = entry.path().filename().string();
    auto c = test::read_stanet_case(entry.path());
    const auto s = solve(c.network);
    const auto e = compare(c, s);
    if (std::getenv("CORRIDOR_GAS_VERBOSE"))
      std::printf("%-36s p_rel %.2e  v_abs %.4f  (%d iterations)\n", name.c_str(), e.p_rel, e.v_abs, s.iterations);
    INFO(name);
    // 1e-4 for every case, including the meshed square_N (measured 9.7e-5: its reference has 4
    // decimals on about 1 bar gauge, a resolution of 5e-5, and heights of 1 and 20 m); the looser 2e-3
    // that pandapipes allows for coarse meshed references was not needed. Figures: docs/gas.md.
    CHECK(e.p_rel < 1e-4);
    CHECK(e.v_abs < 0.02);
    ++cases;
  }
  CHECK(cases == 11);
}

// Cases with valves, empty reference cells and repeated junction names (tests/gas/data/stanet,
// BSD-3-Clause, from the same pandapipes folder).
TEST_CASE("STANET cases with valves, auxiliary junctions and repeated names are reproduced within 1e-4", "[gas][stanet]") {
  const fs::path dir = fs::path(CORRIDOR_SOURCE_DIR) / "tests/gas/data/stanet";
  int cases = 0;
  for (const char* name : {"meshed_networks__two_valves_N", "meshed_networks__two_valves_PC"}) {
    auto c = test::read_stanet_case(dir / name);
    INFO(name);
    REQUIRE(c.network.valves.size() == 2);
    CHECK_FALSE(c.network.valves[0].open);  // valve_aux_K1018_K1018 is closed
    CHECK(c.network.valves[1].open);
    CHECK(c.network.find_node("aux_K1017#6"));
    CHECK(c.network.find_node("aux_K1017#7"));
    CHECK(std::isnan(c.p_ref_bar_gauge[6]));
    const auto s = solve(c.network);
    const auto e = compare(c, s);
    if (std::getenv("CORRIDOR_GAS_VERBOSE"))
      std::printf("%-36s p_rel %.2e  v_abs %.4f  (%d iterations)\n", name, e.p_rel, e.v_abs, s.iterations);
    CHECK(e.p_rel < 1e-4);
    CHECK(e.v_abs < 0.02);
    // The closed valve carries nothing, so its branch has no flow.
    CHECK(s.valves[0].flow_kg_per_s == 0.0);
    CHECK(std::abs(s.pipes[4].flow_kg_per_s) < 1e-9);
    ++cases;
  }
  CHECK(cases == 2);
}
