// sim/gas: a gas model built from a small corridor network written inline (source, compressor, city).
#include <catch2/catch.hpp>

#include "geo/error.hpp"
#include "sim/gas/from_network.hpp"
#include "sim/gas/solver.hpp"
#include "tests/support/inline_network.hpp"

using namespace corridor;
using namespace corridor::test;

namespace {
geo::Layer gas_nodes(bool with_outlet) {
  geo::Feature cs = node("CS", 61.0, 40.0,
                         {{"kind", text("compressor")}, {"compressor_ratio_max", num(1.6)},
                          {"compressor_power_max_mw", num(80)}, {"compressor_efficiency", num(0.82)},
                          {"pressure_max_bar", num(98)}});
  if (with_outlet) cs.set("compressor_outlet_bar", 95.0);
  return layer("nodes.geojson",
               {node("FIELD", 60.0, 40.0,
                     {{"kind", text("gas_source")}, {"supply_mcm_per_day", num(60)}, {"pressure_max_bar", num(95)}}),
                cs,
                node("CITY", 62.5, 40.5,
                     {{"kind", text("gas_sink")}, {"demand_mcm_per_day", num(60)}, {"pressure_min_bar", num(40)}})});
}
geo::Layer gas_links() {
  auto pipe = [](const char* id, const char* from, const char* to, geo::LonLat a, geo::LonLat b) {
    return link(id, from, to, a, b,
                {{"mode", text("pipeline")}, {"diameter_mm", num(1067)}, {"roughness_mm", num(0.02)},
                 {"pressure_max_bar", num(98)}});
  };
  return layer("links.geojson", {pipe("L1", "FIELD", "CS", {60, 40}, {61, 40}),
                                 pipe("L2", "CS", "CITY", {61, 40}, {62.5, 40.5})});
}
}  // namespace

TEST_CASE("a corridor network becomes a gas model with the compressor node split into inlet and outlet",
          "[gas][network]") {
  const auto net = network::Network::build(gas_nodes(true), gas_links());
  const auto m = gas::gas_network_from(net);
  const auto& g = m.gas;
  REQUIRE(g.nodes.size() == 4);  // FIELD, CS, CS:out, CITY
  REQUIRE(g.compressors.size() == 1);
  REQUIRE(g.pipes.size() == 2);
  const auto& cs = g.compressors[0];
  CHECK(g.nodes[cs.from].id == "CS");
  CHECK(g.nodes[cs.to].id == "CS:out");
  CHECK(cs.mode == gas::CompressorMode::outlet_pressure);
  CHECK(cs.outlet_pressure_pa == Approx(95e5));
  CHECK(*cs.ratio_max == 1.6);
  CHECK(*cs.power_max_w == Approx(80e6));
  CHECK(cs.isentropic_efficiency == 0.82);
  // L1 ends at the inlet, L2 starts at the outlet.
  CHECK(g.pipes[*m.pipe_of[0]].to == cs.from);
  CHECK(g.pipes[*m.pipe_of[1]].from == cs.to);
  CHECK(g.pipes[0].diameter_m == Approx(1.067));
  CHECK(g.pipes[0].length_m == Approx(net.links()[0].length_km * 1000));
  // FIELD (the gas source) is the slack node, held at its pressure_max_bar.
  CHECK(*g.nodes[*m.node_of[0]].pressure_set_pa == Approx(95e5));
  // 60 mcm/day at rho_n of a 0.6 specific-gravity gas.
  CHECK(g.nodes[*m.node_of[2]].injection_kg_per_s == Approx(-gas::kg_per_s_from_mcm_per_day(60, g.gas.normal_density_kg_per_m3)));

  const auto s = gas::solve(g);
  CHECK(s.compressors[0].state == gas::CompressorState::active);
  CHECK(s.pressure_pa[cs.to] == Approx(95e5).epsilon(1e-9));
  CHECK(s.compressors[0].power_w > 0.0);
  CHECK(s.pipes[1].flow_kg_per_s == Approx(gas::kg_per_s_from_mcm_per_day(60, g.gas.normal_density_kg_per_m3)));
}

TEST_CASE("a compressor node without any set point is an input error naming the node", "[gas][network]") {
  auto nodes = gas_nodes(false);
  // Remove pressure_max_bar and the ratio limit from CS: nothing tells how it runs.
  geo::Feature cs = node("CS", 61.0, 40.0, {{"kind", text("compressor")}});
  nodes.features[1] = cs;
  const auto net = network::Network::build(nodes, gas_links());
  try {
    (void)gas::gas_network_from(net);
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    CHECK(e.problems().front().str().find("node 'CS'") != std::string::npos);
  }
}
