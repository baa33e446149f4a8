// sim/gas: stations on outlet pressure control whose consistent states the active-set loop cannot reach
// one station at a time (a station holding its set point downstream of one at its ratio limit draws
// more than the limited one can pass: that combination has no steady state).
#include <catch2/catch.hpp>

#include "sim/gas/solver.hpp"

using namespace corridor::gas;

namespace {

/// A slack S (60 bar) feeds station C1; from its outlet B a long pipe leads to station C2, close to the
/// city, and a direct line runs from B to the city. Both stations: outlet 100 bar, ratio at most 1.5.
GasNetwork two_stations_meshed(double city_kg_per_s, CompressorMode mode) {
  GasNetwork g;
  g.gas.law = GasLaw::ideal;
  g.friction = FrictionModel::fixed;
  g.friction_factor = 0.01;
  const auto s = g.add_node("S");
  g.nodes[s].pressure_set_pa = 60e5;
  const auto a = g.add_node("A"), b = g.add_node("B"), c2in = g.add_node("C2"), c2out = g.add_node("C2:out");
  const auto city = g.add_node("CITY", -city_kg_per_s);
  g.add_pipe("P0", s, a, 10e3, 1.0);
  g.add_pipe("P1", b, c2in, 300e3, 1.0);
  g.add_pipe("P2", c2out, city, 20e3, 1.0);
  g.add_pipe("P3", b, city, 400e3, 1.0);
  for (const auto& [id, from, to] : {std::tuple{"C1", a, b}, std::tuple{"C2", c2in, c2out}}) {
    const auto c = g.add_compressor(id, from, to, mode, mode == CompressorMode::ratio ? 1.5 : 100e5);
    g.compressors[c].ratio_max = 1.5;
  }
  return g;
}

}  // namespace

TEST_CASE("stations that all have to run at their ratio limit are found even where one at a time has no steady state",
          "[gas][solver]") {
  for (const double city : {300.0, 500.0}) {
    INFO("city offtake " << city << " kg/s");
    const auto controlled = solve(two_stations_meshed(city, CompressorMode::outlet_pressure));
    REQUIRE(controlled.compressors.size() == 2);
    for (const auto& c : controlled.compressors) {
      CHECK(c.state == CompressorState::ratio_limited);
      CHECK(c.ratio == Approx(1.5).epsilon(1e-9));
    }
    // The same network with both stations on a fixed ratio of 1.5 (no state to choose) gives the same state.
    const auto fixed = solve(two_stations_meshed(city, CompressorMode::ratio));
    for (std::size_t i = 0; i < fixed.pressure_pa.size(); ++i)
      CHECK(controlled.pressure_pa[i] == Approx(fixed.pressure_pa[i]).epsilon(1e-8));
    for (std::size_t i = 0; i < fixed.pipes.size(); ++i)
      CHECK(controlled.pipes[i].flow_kg_per_s == Approx(fixed.pipes[i].flow_kg_per_s).epsilon(1e-7).margin(1e-6));
    CHECK(controlled.residual_norm < 1e-10);
  }
}
