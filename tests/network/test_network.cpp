// sim/network: building a Network from features, with every validation problem reported at once.
#include <catch2/catch.hpp>

#include "geo/error.hpp"
#include "geo/geodesic.hpp"
#include "sim/network/network.hpp"
#include "tests/support/inline_network.hpp"

using namespace corridor;
using namespace corridor::test;
using Catch::Matchers::Contains;

namespace {

// Three nodes along a parallel: A (gauge 1435) - B (gauge change) - C (gauge 1520).
geo::Layer three_nodes() {
  return layer("nodes.geojson", {node("A", 80.0, 44.0, {{"kind", text("terminal")}, {"dwell_h", num(6)}}),
                                 node("B", 81.0, 44.0, {{"kind", text("border")}, {"dwell_h", num(0)}, {"gauge_change", true}}),
                                 node("C", 82.0, 44.0, {{"kind", text("terminal")}})});
}

geo::Feature rail(const std::string& id, const std::string& from, const std::string& to, geo::LonLat a, geo::LonLat b,
                  double gauge) {
  return link(id, from, to, a, b, {{"mode", text("rail")}, {"cost_usd_per_teu", num(0)}, {"gauge_mm", num(gauge)}, {"speed_kmh", num(40)}});
}

std::vector<std::string> problems_of(const geo::Layer& nodes, const geo::Layer& links, network::BuildOptions opt = {}) {
  try {
    network::Network::build(nodes, links, opt);
  } catch (const InputError& e) {
    std::vector<std::string> out;
    for (const auto& p : e.problems()) out.push_back(p.str());
    return out;
  }
  return {};
}

}  // namespace

TEST_CASE("a valid network is built with typed attributes and geodesic lengths", "[network]") {
  const auto links = layer("links.geojson", {rail("AB", "A", "B", {80, 44}, {81, 44}, 1435),
                                             rail("BC", "B", "C", {81, 44}, {82, 44}, 1520)});
  const auto net = network::Network::build(three_nodes(), links);
  REQUIRE(net.nodes().size() == 3);
  REQUIRE(net.links().size() == 2);
  const auto& ab = net.links()[*net.find_link("AB")];
  CHECK(ab.length_km == Approx(geo::geodesic_distance_km({80, 44}, {81, 44})));
  CHECK(ab.length_km == Approx(80.2).margin(0.2));  // one degree of longitude at 44 N
  CHECK(*ab.gauge_mm == 1435);
  CHECK(net.nodes()[*net.find_node("A")].dwell_h == 6.0);
  CHECK(net.nodes()[*net.find_node("B")].gauge_change);
  // Undirected links give one arc each way.
  CHECK(boost::num_edges(net.graph()) == 4);
  CHECK(*net.free_flow_time_h(*net.find_link("AB")) == Approx(ab.length_km / 40.0));
}

TEST_CASE("length_km given in the data wins over the geometry", "[network]") {
  auto l = rail("AB", "A", "B", {80, 44}, {81, 44}, 1435);
  l.set("length_km", 120.0);
  auto nodes = three_nodes();
  nodes.features.pop_back();
  const auto net = network::Network::build(nodes, layer("links", {l}));
  CHECK(net.links()[0].length_km == 120.0);
}

TEST_CASE("links without from/to snap to the nearest node within the tolerance", "[network]") {
  auto nodes = three_nodes();
  nodes.features.pop_back();
  // Ends 300 m and 500 m away from A and B.
  const auto links = layer("links", {rail("AB", "", "", {80.0, 44.0027}, {81.0, 43.9955}, 1435)});
  const auto net = network::Network::build(nodes, links);
  CHECK(net.nodes()[net.links()[0].from].id == "A");
  CHECK(net.nodes()[net.links()[0].to].id == "B");

  const auto problems = problems_of(nodes, links, {0.2});
  REQUIRE(problems.size() == 4);  // both ends, and then A and B have no links
  CHECK_THAT(problems[0], Contains("link 'AB'") && Contains("no node within 0.2 km") && Contains("first point"));
  CHECK_THAT(problems[1], Contains("link 'AB'") && Contains("last point"));
}

TEST_CASE("every validation problem is reported at once, each naming file and feature", "[network]") {
  const auto nodes = layer("n.gpkg", {node("A", 80, 44, {{"kind", text("terminal")}}),
                                      node("A", 80.5, 44),                                  // duplicate id
                                      node("B", 81, 44, {{"dwell_h", num(-1)}}),             // negative dwell
                                      node("C", 82, 44, {{"kind", text("station")}}),        // unknown kind
                                      node("D", 83, 44),                                     // no links
                                      node("E", 84, 44, {{"capacity_teu_per_day", text("many")}})});  // text for number
  geo::Feature empty = rail("EMPTY", "A", "B", {0, 0}, {0, 0}, 1435);
  empty.points.clear();
  const auto links = layer("l.gpkg", {
      rail("AB", "A", "B", {80, 44}, {81, 44}, 1435),
      rail("AB", "A", "B", {80, 44}, {81, 44}, 1435),                                    // duplicate id
      rail("BX", "B", "X", {81, 44}, {82, 44}, 1435),                                    // unknown to
      link("BC", "B", "C", {81, 44}, {82, 44}, {{"mode", text("rail")}, {"cost_usd_per_teu", num(0)}, {"gauge_mm", num(1435)}}),  // no speed
      link("CE", "C", "E", {82, 44}, {84, 44}, {{"mode", text("rail")}, {"cost_usd_per_teu", num(0)}, {"gauge_mm", num(1520)}, {"speed_kmh", num(-5)}}),
      link("CC", "C", "C", {82, 44}, {82.1, 44}, {{"mode", text("road")}, {"cost_usd_per_teu", num(0)}, {"speed_kmh", num(60)}}),  // self-loop
      link("P", "A", "E", {80, 44}, {84, 44}, {{"mode", text("pipeline")}}),             // no diameter
      link("H", "A", "E", {80, 44}, {84, 44}, {{"mode", text("hovercraft")}}),           // unknown mode
      empty});
  const auto problems = problems_of(nodes, links);
  auto has = [&](const std::string& a, const std::string& b) {
    return std::any_of(problems.begin(), problems.end(), [&](const std::string& p) {
      return p.find(a) != std::string::npos && p.find(b) != std::string::npos;
    });
  };
  CHECK(has("n.gpkg: node 'A'", "duplicate node id"));
  CHECK(has("n.gpkg: node 'B'", "'dwell_h' is -1, must not be negative"));
  CHECK(has("n.gpkg: node 'C'", "unknown kind 'station'"));
  CHECK(has("n.gpkg: node 'D'", "has no links"));
  CHECK(has("n.gpkg: node 'E'", "'capacity_teu_per_day' is 'many', expected a number"));
  CHECK(has("l.gpkg: link 'AB'", "duplicate link id"));
  CHECK(has("l.gpkg: link 'BX'", "unknown node 'X'"));
  CHECK(has("l.gpkg: link 'BC'", "missing required attribute 'speed_kmh'"));
  CHECK(has("l.gpkg: link 'CE'", "'speed_kmh' is -5, must be positive"));
  CHECK(has("l.gpkg: link 'CC'", "self-loop"));
  CHECK(has("l.gpkg: link 'P'", "missing required attribute 'diameter_mm'"));
  CHECK(has("l.gpkg: link 'H'", "unknown mode 'hovercraft'"));
  CHECK(has("l.gpkg: link 'EMPTY'", "empty geometry"));
}

TEST_CASE("rail links of two gauges may only meet at a gauge-change node", "[network]") {
  auto nodes = three_nodes();
  nodes.features[1].set("gauge_change", false);
  const auto links = layer("links.geojson", {rail("AB", "A", "B", {80, 44}, {81, 44}, 1435),
                                             rail("BC", "B", "C", {81, 44}, {82, 44}, 1520)});
  const auto problems = problems_of(nodes, links);
  REQUIRE(problems.size() == 1);
  CHECK_THAT(problems[0], Contains("node 'B'") && Contains("gauge 1435 and 1520 mm but gauge_change is not true"));
}

TEST_CASE("NaN and infinite attribute values are rejected", "[network]") {
  auto nodes = three_nodes();
  nodes.features.pop_back();
  auto l = rail("AB", "A", "B", {80, 44}, {81, 44}, 1435);
  l.set("speed_kmh", std::numeric_limits<double>::quiet_NaN());
  l.set("cost_usd_per_teu", std::numeric_limits<double>::infinity());
  const auto problems = problems_of(nodes, layer("l", {l}));
  REQUIRE(problems.size() == 2);
  CHECK_THAT(problems[0], Contains("speed_kmh") && Contains("finite"));
  CHECK_THAT(problems[1], Contains("cost_usd_per_teu") && Contains("finite"));
}

TEST_CASE("ferry sailings give the mean wait for a departure, and planned links start closed", "[network]") {
  const auto nodes = layer("n", {node("P", 51, 43), node("Q", 49, 40)});
  const auto links = layer("l", {link("F", "P", "Q", {51, 43}, {49, 40},
                                      {{"mode", text("ferry")}, {"cost_usd_per_teu", num(0)}, {"speed_kmh", num(26)}, {"sailings_per_week", num(2)}}),
                                 link("G", "P", "Q", {51, 43}, {49, 40},
                                      {{"mode", text("ferry")}, {"cost_usd_per_teu", num(0)}, {"speed_kmh", num(26)}, {"status", text("planned")}})});
  const auto net = network::Network::build(nodes, links);
  // Two sailings a week: a uniform arrival waits half of 84 h on average.
  CHECK(net.links()[0].wait_h == Approx(42.0));
  CHECK_FALSE(net.links()[0].closed);
  CHECK(net.links()[1].closed);
}

TEST_CASE("trains per day times TEU per train give a link's capacity", "[network]") {
  auto nodes = three_nodes();
  nodes.features.pop_back();
  auto l = rail("AB", "A", "B", {80, 44}, {81, 44}, 1435);
  l.set("trains_per_day", 20.0);
  l.set("teu_per_train", 86.0);
  const auto net = network::Network::build(nodes, layer("l", {l}));
  CHECK(*net.links()[0].capacity_teu_per_day == Approx(1720.0));
}

TEST_CASE("the summary counts components over open links", "[network]") {
  const auto nodes = layer("n", {node("A", 0, 0), node("B", 1, 0), node("C", 5, 5), node("D", 6, 5)});
  const auto links = layer("l", {link("AB", "A", "B", {0, 0}, {1, 0}, {{"mode", text("road")}, {"cost_usd_per_teu", num(0)}, {"speed_kmh", num(60)}}),
                                 link("CD", "C", "D", {5, 5}, {6, 5}, {{"mode", text("road")}, {"cost_usd_per_teu", num(0)}, {"speed_kmh", num(60)}})});
  const auto s = network::summarize(network::Network::build(nodes, links));
  CHECK(s.component_count == 2);
  CHECK(s.links_by_mode.size() == 1);
  CHECK(s.links_by_mode[0].second == 2);
}
