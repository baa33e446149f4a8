// sim/scenario: reading scenario YAML and OD matrices, with errors that name file, line and key.
#include <catch2/catch.hpp>

#include "geo/error.hpp"
#include "sim/network/network.hpp"
#include "sim/scenario/scenario.hpp"
#include "tests/support/inline_network.hpp"
#include "tests/support/temp_dir.hpp"

using namespace corridor;
using Catch::Matchers::Contains;

TEST_CASE("a scenario is read with its network, commodities, demand and route families", "[scenario]") {
  test::TempDir dir("scn");
  dir.write("od.csv", "origin,destination,teu_per_year\nA,C,365\n\"B\",C,730\n");
  const auto file = dir.write("s.yaml", R"(name: test
description: two routes
network:
  nodes: net/nodes.geojson
  links: net/links.geojson
  snap_tolerance_km: 0.5
commodities:
  containers: {value_of_time_usd_per_teu_h: 2.5, modes: [rail, ferry]}
demand:
  - {origin: A, destination: C, teu_per_year: 1000}
demand_csv: od.csv
route_families:
  north: {via: [B], modes: rail}
output: {dir: results}
)");
  const auto s = scenario::load(file);
  CHECK(s.name == "test");
  CHECK(s.network.nodes == dir.path() / "net/nodes.geojson");
  CHECK(s.network.snap_tolerance_km == 0.5);
  REQUIRE(s.commodities.size() == 1);
  CHECK(s.commodities[0].value_of_time_usd_per_teu_h == 2.5);
  CHECK(s.commodities[0].modes == std::set{network::Mode::rail, network::Mode::ferry});
  REQUIRE(s.demand.size() == 3);
  CHECK(s.demand[0].origin.line == 10);
  CHECK(s.demand[2].origin.value == "B");
  CHECK(s.demand[2].teu_per_year == 730.0);
  CHECK(s.demand[2].origin.line == 3);
  CHECK(s.demand[2].commodity == "containers");
  REQUIRE(s.route_families.size() == 1);
  CHECK(s.route_families[0].modes == std::set{network::Mode::rail});
  CHECK(*s.output_dir == dir.path() / "results");
  CHECK(s.input_files.size() == 2);
}

TEST_CASE("scenario errors name the file, the line and the key", "[scenario]") {
  test::TempDir dir("scn");
  auto load_error = [&](const std::string& yaml) {
    const auto f = dir.write("bad.yaml", yaml);
    try {
      scenario::load(f);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK_THAT(load_error("network: n.gpkg\ndemnd: []\n"), Contains("bad.yaml: line 2, key 'demnd': unknown key in scenario"));
  CHECK_THAT(load_error("network: n.gpkg\ndemand:\n  - {origin: A, destination: B, teu_per_year: lots}\n"),
             Contains("line 3, key 'teu_per_year': expected a number, got 'lots'"));
  CHECK_THAT(load_error("network: n.gpkg\ndemand:\n  - {origin: A, destination: B, teu_per_year: -4}\n"),
             Contains("below the minimum 0"));
  CHECK_THAT(load_error("network: n.gpkg\ndemand:\n  - {origin: A, teu_per_year: 4}\n"),
             Contains("key 'destination': missing required key"));
  CHECK_THAT(load_error("demand: []\n"), Contains("key 'network': missing required key"));
  CHECK_THAT(load_error("network: n.gpkg\ndemand: [\n"), Contains("bad.yaml: line") && Contains("YAML syntax error"));
  CHECK_THAT(load_error("network: n.gpkg\ncommodities:\n  bulk: {value_of_time_usd_per_teu_h: 1, modes: [rail, pipeline]}\n"),
             Contains("freight cannot use pipelines"));
  CHECK_THAT(load_error("network: n.gpkg\ndemand:\n  - {origin: A, destination: B, teu_per_year: 4, commodity: oil}\n"),
             Contains("line 3") && Contains("unknown commodity 'oil'"));
  CHECK_THAT(load_error("network: n.gpkg\nfreight: {method: magic}\n"), Contains("unknown freight method 'magic'"));
}

TEST_CASE("an OD matrix with bad rows reports every row by line", "[scenario]") {
  test::TempDir dir("scn");
  const auto f = dir.write("od.csv", "origin,destination,teu_per_year\nA,B,10\nA,B,ten\nA,B\nA,B,-1\n");
  try {
    scenario::read_demand_csv(f, "containers");
    FAIL("expected an error");
  } catch (const InputError& e) {
    REQUIRE(e.problems().size() == 3);
    CHECK_THAT(e.problems()[0].str(), Contains("od.csv: line 3: teu_per_year 'ten' is not a number"));
    CHECK_THAT(e.problems()[1].str(), Contains("line 4: has 2 fields, expected 3"));
    CHECK_THAT(e.problems()[2].str(), Contains("line 5: teu_per_year -1 is negative"));
  }
  const auto nohead = dir.write("h.csv", "from,to,teu\nA,B,1\n");
  CHECK_THROWS_WITH(scenario::read_demand_csv(nohead, "c"), Contains("h.csv: line 1: header must name"));
}

TEST_CASE("ids a scenario names are checked against the network, by line", "[scenario]") {
  using namespace corridor::test;
  const auto net = network::Network::build(
      layer("n", {node("A", 0, 0), node("B", 1, 0), node("G", 2, 0, {{"kind", text("gas_sink")}}), node("H", 3, 0)}),
      layer("l", {link("AB", "A", "B", {0, 0}, {1, 0}, {{"mode", text("road")}, {"cost_usd_per_teu", num(0)}, {"speed_kmh", num(50)}}),
                  link("GH", "G", "H", {2, 0}, {3, 0}, {{"mode", text("pipeline")}, {"diameter_mm", num(1000)}})}));
  test::TempDir dir("scn");
  const auto f = dir.write("s.yaml", R"(network: n.gpkg
demand:
  - {origin: A, destination: B, teu_per_year: 1}
  - {origin: A, destination: Z, teu_per_year: 1}
  - {origin: G, destination: B, teu_per_year: 1}
route_families:
  x: {via: [Q]}
)");
  try {
    scenario::check_against(scenario::load(f), net);
    FAIL("expected an error");
  } catch (const InputError& e) {
    REQUIRE(e.problems().size() == 3);
    CHECK_THAT(e.problems()[0].str(), Contains("s.yaml: line 4: destination 'Z' is not a node of the network"));
    CHECK_THAT(e.problems()[1].str(), Contains("line 5: origin 'G' is a gas node"));
    CHECK_THAT(e.problems()[2].str(), Contains("line 7: route family 'x' via node 'Q' is not a node"));
  }
}
