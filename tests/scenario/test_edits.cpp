// sim/scenario: inheritance (extends) and edits with their selectors, applied to a small corridor.
#include <catch2/catch.hpp>

#include "geo/error.hpp"
#include "sim/scenario/scenario.hpp"
#include "tests/support/inline_network.hpp"
#include "tests/support/temp_dir.hpp"

using namespace corridor;
using namespace corridor::test;
using Catch::Matchers::Contains;

namespace {

// Beijing-ish (CN) - Zabaykalsk (RU) - Moscow (RU) - Brest (BY) - Warsaw (PL); and a CN-KZ ferry-free detour.
network::Network small_corridor() {
  auto rail = [](const char* id, const char* from, const char* to, geo::LonLat a, geo::LonLat b, double cap) {
    return link(id, from, to, a, b,
                {{"mode", text("rail")}, {"cost_usd_per_teu", num(0)}, {"gauge_mm", num(1520)}, {"speed_kmh", num(40)}, {"capacity_teu_per_day", num(cap)}});
  };
  return network::Network::build(
      layer("n", {node("CN1", 117.0, 49.0, {{"country", text("CN")}, {"kind", text("terminal")}}),
                  node("RU1", 117.5, 49.7, {{"country", text("RU")}, {"kind", text("border")}, {"dwell_h", num(24)},
                                            {"capacity_teu_per_day", num(800)}}),
                  node("RU2", 37.6, 55.7, {{"country", text("RU")}, {"kind", text("junction")}}),
                  node("BY1", 23.7, 52.1, {{"country", text("BY")}, {"kind", text("border")}, {"dwell_h", num(12)}}),
                  node("PL1", 21.0, 52.2, {{"country", text("PL")}, {"kind", text("terminal")}})}),
      layer("l", {rail("A", "CN1", "RU1", {117.0, 49.0}, {117.5, 49.7}, 1000), rail("B", "RU1", "RU2", {117.5, 49.7}, {37.6, 55.7}, 2000),
                  rail("C", "RU2", "BY1", {37.6, 55.7}, {23.7, 52.1}, 2000), rail("D", "BY1", "PL1", {23.7, 52.1}, {21.0, 52.2}, 500),
                  link("F", "CN1", "PL1", {117.0, 49.0}, {21.0, 52.2},
                       {{"mode", text("ferry")}, {"cost_usd_per_teu", num(0)}, {"speed_kmh", num(20)}, {"sailings_per_week", num(2)}, {"status", text("planned")}})}));
}

scenario::Scenario load_with_edits(TempDir& dir, const std::string& edits) {
  const auto f = dir.write("s.yaml", "network: n.gpkg\ndemand:\n  - {origin: CN1, destination: PL1, teu_per_year: 1000}\n"
                                     "  - {origin: RU2, destination: PL1, teu_per_year: 500}\nedits:\n" + edits);
  return scenario::load(f);
}

std::string edit_error(TempDir& dir, const std::string& edits) {
  try {
    auto s = load_with_edits(dir, edits);
    auto net = small_corridor();
    scenario::apply_edits(s, net);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace

TEST_CASE("extends reads the parent first; the child overrides keys, replaces demand and appends edits", "[scenario]") {
  TempDir dir("ext");
  dir.write("base/od.csv", "origin,destination,teu_per_year\nCN1,PL1,100\n");
  dir.write("base/base.yaml", R"(name: base
network: {nodes: net/nodes.geojson, links: net/links.geojson, snap_tolerance_km: 2}
commodities:
  containers: {value_of_time_usd_per_teu_h: 1.5}
demand_csv: od.csv
edits:
  - close: {id: A}
)");
  const auto child = dir.write("variants/child.yaml", R"(extends: ../base/base.yaml
description: child
edits:
  - open: {id: F}
)");
  const auto s = scenario::load(child);
  CHECK(s.name == "child");
  CHECK(s.description == "child");
  // Paths stay relative to the file that wrote them.
  CHECK(s.network.nodes == dir.path() / "base/net/nodes.geojson");
  CHECK(s.network.snap_tolerance_km == 2.0);
  REQUIRE(s.demand.size() == 1);
  CHECK(s.demand[0].teu_per_year == 100.0);
  REQUIRE(s.edits.size() == 2);
  CHECK(s.edits[0].kind == scenario::EditKind::close);
  CHECK_THAT(s.edits[0].file, Contains("base.yaml"));
  CHECK(s.edits[1].kind == scenario::EditKind::open);
  CHECK(s.edits[1].line == 4);

  const auto grandchild = dir.write("variants/g.yaml", "extends: child.yaml\ndemand:\n  - {origin: RU2, destination: PL1, teu_per_year: 7}\n");
  const auto g = scenario::load(grandchild);
  REQUIRE(g.demand.size() == 1);
  CHECK(g.demand[0].origin.value == "RU2");
  CHECK(g.edits.size() == 2);
}

TEST_CASE("cyclic or missing extends is an error naming the files", "[scenario]") {
  TempDir dir("ext");
  dir.write("a.yaml", "extends: b.yaml\nnetwork: n.gpkg\n");
  const auto b = dir.write("b.yaml", "extends: a.yaml\n");
  CHECK_THROWS_WITH(scenario::load(b), Contains("cyclic extends: b.yaml -> a.yaml -> b.yaml"));
  const auto c = dir.write("c.yaml", "extends: nowhere.yaml\n");
  CHECK_THROWS_WITH(scenario::load(c), Contains("c.yaml: line 1, key 'extends'") && Contains("does not exist"));
}

TEST_CASE("closing by attribute filter closes the nodes of those countries and every link touching them", "[scenario]") {
  TempDir dir("edit");
  auto s = load_with_edits(dir, "  - close: {country: [RU, BY]}\n");
  auto net = small_corridor();
  scenario::apply_edits(s, net);
  for (const char* id : {"RU1", "RU2", "BY1"}) CHECK(net.nodes()[*net.find_node(id)].closed);
  for (const char* id : {"CN1", "PL1"}) CHECK_FALSE(net.nodes()[*net.find_node(id)].closed);
  for (const char* id : {"A", "B", "C", "D"}) CHECK(net.links()[*net.find_link(id)].closed);
}

TEST_CASE("open, set and scale change the selected elements and their pass-through attributes", "[scenario]") {
  TempDir dir("edit");
  auto s = load_with_edits(dir, R"(  - open: {id: F}
  - scale: {select: {mode: ferry}, sailings_per_week: 2}
  - set: {select: {ids: [A, D]}, capacity_teu_per_day: 1500}
  - scale: {select: {kind: border}, dwell_h: 0.5, capacity_teu_per_day: 2}
  - scale_demand: {origin_country: CN, factor: 1.4}
)");
  auto net = small_corridor();
  scenario::apply_edits(s, net);
  const auto& f = net.links()[*net.find_link("F")];
  CHECK_FALSE(f.closed);
  CHECK(f.wait_h == Approx(21.0));  // 4 sailings a week: 84 / 4
  CHECK(*net.links()[*net.find_link("A")].capacity_teu_per_day == 1500.0);
  CHECK(std::get<double>(*net.links()[*net.find_link("D")].source_feature.find("capacity_teu_per_day")) == 1500.0);
  CHECK(*net.links()[*net.find_link("B")].capacity_teu_per_day == 2000.0);
  CHECK(net.nodes()[*net.find_node("RU1")].dwell_h == 12.0);
  CHECK(net.nodes()[*net.find_node("BY1")].dwell_h == 6.0);
  CHECK(*net.nodes()[*net.find_node("RU1")].capacity_teu_per_day == 1600.0);  // BY1 has none: left uncapacitated
  CHECK_FALSE(net.nodes()[*net.find_node("BY1")].capacity_teu_per_day);
  CHECK(s.demand[0].teu_per_year == Approx(1400.0));
  CHECK(s.demand[1].teu_per_year == Approx(500.0));
}

TEST_CASE("an area closes the nodes inside it and the links crossing it", "[scenario]") {
  TempDir dir("edit");
  // A box around Belarus: BY1 inside; C (Moscow-Brest) and D (Brest-Warsaw) cross it; the planned
  // ferry F passes south of the box and is untouched.
  auto s = load_with_edits(dir, "  - close: {area: {bbox: [23.0, 51.0, 33.0, 56.0]}}\n");
  auto net = small_corridor();
  scenario::apply_edits(s, net);
  CHECK(net.nodes()[*net.find_node("BY1")].closed);
  CHECK_FALSE(net.nodes()[*net.find_node("RU2")].closed);
  CHECK(net.links()[*net.find_link("C")].closed);
  CHECK(net.links()[*net.find_link("D")].closed);
  CHECK_FALSE(net.links()[*net.find_link("B")].closed);

  // The same from a polygon layer in a GIS file.
  dir.write("belarus.geojson", R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{},
    "geometry":{"type":"Polygon","coordinates":[[[23,51],[33,51],[33,56],[23,56],[23,51]]]}}]})");
  auto s2 = load_with_edits(dir, "  - close: {area: {file: belarus.geojson}, what: links}\n");
  auto net2 = small_corridor();
  scenario::apply_edits(s2, net2);
  CHECK_FALSE(net2.nodes()[*net2.find_node("BY1")].closed);
  CHECK(net2.links()[*net2.find_link("C")].closed);
}

TEST_CASE("edits that name unknown ids, attributes or select nothing are errors at their line", "[scenario]") {
  TempDir dir("edit");
  CHECK_THAT(edit_error(dir, "  - close: {id: NOPE}\n"), Contains("s.yaml: line 6: 'NOPE' is not a node or link of the network"));
  CHECK_THAT(edit_error(dir, "  - close: {countri: RU}\n"), Contains("line 6: no node or link has the attribute 'countri'"));
  CHECK_THAT(edit_error(dir, "  - close: {country: XX}\n"), Contains("line 6: the selection matches no node or link"));
  CHECK_THAT(edit_error(dir, "  - set: {select: {id: A}, colour: 3}\n"), Contains("line 6, key 'colour': cannot set this attribute"));
  CHECK_THAT(edit_error(dir, "  - scale: {select: {id: F}, capacity_teu_per_day: 2}\n"),
             Contains("none of the selected nodes or links has 'capacity_teu_per_day' to scale"));
  CHECK_THAT(edit_error(dir, "  - demolish: {id: A}\n"), Contains("line 6, key 'demolish': unknown edit"));
  CHECK_THAT(edit_error(dir, "  - close: {area: {bbox: [30, 50, 20, 55]}}\n"), Contains("lon_min < lon_max"));
  CHECK_THAT(edit_error(dir, "  - scale_demand: {origin_country: KZ, factor: 2}\n"), Contains("line 6: scale_demand matches no demand row"));
}
