// End-to-end: `corridor run` with user equilibrium, system optimum and bottlenecks on real files, and
// `corridor import tntp` followed by `corridor run` against the best-known TNTP flows.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "geo/csv.hpp"
#include "tests/support/run_cli.hpp"
#include "tests/support/temp_dir.hpp"
#include "tools/app/tntp.hpp"

using namespace corridor::test;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

/// Two rail routes X -> A -> D and X -> B -> D, a border node A with a capacity, links with BPR delays.
/// Route 1: X-A 10 h (capacity 100/day) + A dwell 2 h (capacity 150/day); route 2: X-B 15 h (capacity 100/day).
void write_two_routes(const TempDir& dir) {
  dir.write("nodes.geojson", R"({"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"id": "X", "kind": "terminal"}, "geometry": {"type": "Point", "coordinates": [60.0, 45.0]}},
 {"type": "Feature", "properties": {"id": "A", "kind": "border", "dwell_h": 2, "capacity_teu_per_day": 150}, "geometry": {"type": "Point", "coordinates": [61.0, 45.5]}},
 {"type": "Feature", "properties": {"id": "B", "kind": "junction"}, "geometry": {"type": "Point", "coordinates": [61.0, 44.5]}},
 {"type": "Feature", "properties": {"id": "D", "kind": "terminal"}, "geometry": {"type": "Point", "coordinates": [62.0, 45.0]}}]})");
  dir.write("links.geojson", R"({"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"id": "XA", "from": "X", "to": "A", "mode": "rail","cost_usd_per_teu":0, "gauge_mm": 1520, "length_km": 500, "speed_kmh": 50, "capacity_teu_per_day": 100}, "geometry": {"type": "LineString", "coordinates": [[60.0, 45.0], [61.0, 45.5]]}},
 {"type": "Feature", "properties": {"id": "AD", "from": "A", "to": "D", "mode": "rail","cost_usd_per_teu":0, "gauge_mm": 1520, "length_km": 10, "speed_kmh": 1000}, "geometry": {"type": "LineString", "coordinates": [[61.0, 45.5], [62.0, 45.0]]}},
 {"type": "Feature", "properties": {"id": "XB", "from": "X", "to": "B", "mode": "rail","cost_usd_per_teu":0, "gauge_mm": 1520, "length_km": 750, "speed_kmh": 50, "capacity_teu_per_day": 100}, "geometry": {"type": "LineString", "coordinates": [[60.0, 45.0], [61.0, 44.5]]}},
 {"type": "Feature", "properties": {"id": "BD", "from": "B", "to": "D", "mode": "rail","cost_usd_per_teu":0, "gauge_mm": 1520, "length_km": 10, "speed_kmh": 1000}, "geometry": {"type": "LineString", "coordinates": [[61.0, 44.5], [62.0, 45.0]]}}]})");
}

std::string two_routes_scenario(const std::string& method, double teu_per_day) {
  std::ostringstream s;
  s << "name: two_routes\nnetwork: {nodes: nodes.geojson, links: links.geojson, geometry_checks: {mode: off}}\n"  // a sketch with given lengths
    << "commodities:\n  containers: {value_of_time_usd_per_teu_h: 10.0, modes: [rail]}\n"
    << "demand:\n  - {origin: X, destination: D, teu_per_year: " << teu_per_day * 365.0 << "}\n"
    << "freight:\n  method: " << method << "\n  relative_gap: 1.0e-10\n"
    << "  bottlenecks:\n    - {name: x_to_d, origins: [X], destinations: [D]}\n";
  return s.str();
}

// Times of the two routes as functions of their flows (TEU/day), written out independently of the solver.
double route1_h(double x) { return 10.0 * (1.0 + 0.15 * std::pow(x / 100.0, 4)) + 2.0 * (1.0 + 0.15 * std::pow(x / 150.0, 4)); }
double route2_h(double x) { return 15.0 * (1.0 + 0.15 * std::pow(x / 100.0, 4)); }
// Marginal (system-optimal) costs: d/dx [x t(x)] = t + x t'.
double route1_marginal_h(double x) {
  return route1_h(x) + x * (10.0 * 0.6 * std::pow(x, 3) / 1e8 + 2.0 * 0.6 * std::pow(x, 3) / std::pow(150.0, 4));
}
double route2_marginal_h(double x) { return route2_h(x) + x * 15.0 * 0.6 * std::pow(x, 3) / 1e8; }

/// The flow x on route 1 where f1(x) = f2(D - x), by bisection (both are increasing in their own flow).
template <typename F1, typename F2>
double split(F1 f1, F2 f2, double demand) {
  double lo = 0.0, hi = demand;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    (f1(mid) < f2(demand - mid) ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

std::map<std::string, double> link_flows(const fs::path& out_dir) {
  std::ifstream in(out_dir / "links.geojson");
  const auto j = nlohmann::json::parse(in);
  std::map<std::string, double> flows;
  for (const auto& f : j["features"]) flows[f["properties"]["id"].get<std::string>()] = f["properties"]["flow_teu_per_day"].get<double>();
  return flows;
}

/// The first data row of a results folder's od.csv, by column name.
std::map<std::string, std::string> first_od_row(const fs::path& out_dir) {
  std::ifstream od(out_dir / "od.csv");
  std::string header, row;
  std::getline(od, header);
  std::getline(od, row);
  const auto names = corridor::geo::csv_split(header);
  const auto values = corridor::geo::csv_split(row);
  std::map<std::string, std::string> out;
  for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) out[names[i]] = values[i];
  return out;
}

}  // namespace

TEST_CASE("corridor run: user equilibrium splits two routes where their congested times are equal", "[e2e][equilibrium]") {
  TempDir dir("ue-two-routes");
  write_two_routes(dir);
  dir.write("ue.yaml", two_routes_scenario("user_equilibrium", 200.0));
  const auto r = run_corridor({"run", (dir / "ue.yaml").string(), "--out", (dir / "out").string()});
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Contains("user_equilibrium reached relative gap"));

  const double x1 = split(route1_h, route2_h, 200.0);
  REQUIRE(x1 > 100.0);  // the faster route takes more, not all
  REQUIRE(x1 < 200.0);
  const auto flows = link_flows(dir / "out");
  CHECK(flows.at("XA") == Approx(x1).epsilon(1e-5));
  CHECK(flows.at("XB") == Approx(200.0 - x1).epsilon(1e-5));

  // od.csv: two routes with their shares, and the flow-weighted transit time (equal times at equilibrium).
  const auto od = first_od_row(dir / "out");
  auto col = [&](const std::string& name) { return od.at(name); };
  CHECK(col("routes_used") == "2");
  CHECK(std::stod(col("main_route_share")) == Approx(x1 / 200.0).epsilon(1e-3));
  // Both routes end with a 10 km link at 1000 km/h (0.01 h); od.csv gives hours to 2 decimals.
  CHECK(std::stod(col("transit_time_h")) == Approx(route2_h(200.0 - x1) + 0.01).margin(0.005));
  CHECK_THAT(col("route_shares"), Contains("X>A>D") && Contains("X>B>D"));

  // The node's throughput and its utilization against capacity.
  std::ifstream nodes_in(dir / "out/nodes.geojson");
  const auto nodes = nlohmann::json::parse(nodes_in);
  for (const auto& f : nodes["features"])
    if (f["properties"]["id"] == "A") CHECK(f["properties"]["utilization"].get<double>() == Approx(x1 / 150.0).epsilon(1e-4));

  // summary.json: converged, with the gap definition; the bottleneck is the cut {XA, XB} = 200 TEU/day
  // (cheaper than A's 150 + XB's 100), flagged in links.geojson.
  std::ifstream sin(dir / "out/summary.json");
  const auto summary = nlohmann::json::parse(sin);
  CHECK(summary["convergence"]["converged"] == true);
  CHECK(summary["convergence"]["relative_gap"].get<double>() <= 1e-10);
  CHECK(summary["solver"]["freight_method"] == "user_equilibrium");
  const auto& b = summary["bottlenecks"].at(0);
  CHECK(b["max_flow_teu_per_day"].get<double>() == Approx(200.0));
  CHECK(b["cut_links"] == nlohmann::json::array({"XA", "XB"}));
  std::ifstream lin(dir / "out/links.geojson");
  const auto links = nlohmann::json::parse(lin);  // kept: a range-for over a temporary's member would dangle
  for (const auto& f : links["features"]) {
    const std::string id = f["properties"]["id"];
    CHECK(f["properties"]["bottleneck"] == (id == "XA" || id == "XB"));
  }
}

TEST_CASE("corridor run: under equilibrium the route families' times are the congested ones", "[e2e][equilibrium]") {
  TempDir dir("ue-families");
  write_two_routes(dir);
  for (const double teu_per_day : {110.0, 200.0}) {
    INFO("demand " << teu_per_day << " TEU/day");
    dir.write("ue.yaml", two_routes_scenario("user_equilibrium", teu_per_day) +
                             "route_families:\n  via_a: {via: [A], avoid: [B]}\n  via_b: {via: [B], avoid: [A]}\n");
    const auto out = dir / ("out-" + std::to_string(static_cast<int>(teu_per_day)));
    const auto r = run_corridor({"run", (dir / "ue.yaml").string(), "--out", out.string(), "-q"});
    INFO(r.err);
    REQUIRE(r.status == 0);
    const auto od = first_od_row(out);
    auto col = [&](const std::string& name) { return std::stod(od.at(name)); };
    // Flows on route 1 (via A) and route 2 (via B) at equilibrium, from the delay functions alone.
    const double x1 = route1_h(teu_per_day) <= route2_h(0.0) ? teu_per_day : split(route1_h, route2_h, teu_per_day);
    // Each family's best route at the equilibrium's times (+0.01 h for the last 10 km link), in days.
    CHECK(col("via_a_transit_days") == Approx((route1_h(x1) + 0.01) / 24.0).margin(0.005));
    CHECK(col("via_b_transit_days") == Approx((route2_h(teu_per_day - x1) + 0.01) / 24.0).margin(0.005));
    if (teu_per_day == 110.0) {
      // Route 2 unused: its free-flow time. Route 1 alone carries the demand: 14.3 h, not its 12.0 h at free flow.
      CHECK(x1 == 110.0);
      CHECK(route1_h(110.0) - 12.0 > 2.0);
    }
  }
}

TEST_CASE("corridor run: system optimum equalizes marginal costs; a node's capacity can be the bottleneck", "[e2e][equilibrium]") {
  TempDir dir("so-two-routes");
  write_two_routes(dir);
  dir.write("so.yaml", two_routes_scenario("system_optimum", 200.0));
  auto r = run_corridor({"run", (dir / "so.yaml").string(), "--out", (dir / "out").string()});
  INFO(r.err);
  REQUIRE(r.status == 0);
  const double x1 = split(route1_marginal_h, route2_marginal_h, 200.0);
  CHECK(link_flows(dir / "out").at("XA") == Approx(x1).epsilon(1e-5));
  CHECK(x1 < split(route1_h, route2_h, 200.0));  // the optimum moves flow off the congested route

  // With a faster link X-A (capacity 400), the cut is node A (150) plus X-B (100).
  std::string links = read_file(dir / "links.geojson");
  links.replace(links.find("\"capacity_teu_per_day\": 100}"), 28, "\"capacity_teu_per_day\": 400}");
  dir.write("links.geojson", links);
  r = run_corridor({"run", (dir / "so.yaml").string(), "--out", (dir / "out2").string()});
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Contains("Bottleneck x_to_d: 91250 TEU/year at most, limited by A XB"));
}

TEST_CASE("corridor run: demand with no open path is an error naming the demand line, or unserved when asked", "[e2e][equilibrium]") {
  TempDir dir("unreachable");
  write_two_routes(dir);
  std::string yaml = two_routes_scenario("user_equilibrium", 50.0) +
                     "edits:\n  - {close: {ids: [XA, XB]}}\n";
  dir.write("closed.yaml", yaml);
  auto r = run_corridor({"run", (dir / "closed.yaml").string(), "--out", (dir / "out").string()});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Contains("closed.yaml: line 6: no open path from X to D for containers"));
  CHECK_FALSE(fs::exists(dir / "out"));

  yaml.replace(yaml.find("  bottlenecks:"), 0, "  unreachable_demand: unserved\n");
  dir.write("closed.yaml", yaml);
  r = run_corridor({"run", (dir / "closed.yaml").string(), "--out", (dir / "out").string()});
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Contains("unserved 18250 (1 OD pairs)"));
}

TEST_CASE("corridor run: an equilibrium that does not reach its gap exits 2 and writes nothing", "[e2e][equilibrium]") {
  TempDir dir("ue-no-converge");
  write_two_routes(dir);
  // A third route: Frank-Wolfe's line search no longer lands on the equilibrium in one step.
  std::string nodes = read_file(dir / "nodes.geojson"), links = read_file(dir / "links.geojson");
  nodes.replace(nodes.rfind("]}"), 2, R"(, {"type": "Feature", "properties": {"id": "C", "kind": "junction"}, "geometry": {"type": "Point", "coordinates": [61.0, 44.0]}}]})");
  links.replace(links.rfind("]}"), 2, R"(,
 {"type": "Feature", "properties": {"id": "XC", "from": "X", "to": "C", "mode": "rail","cost_usd_per_teu":0, "gauge_mm": 1520, "length_km": 550, "speed_kmh": 50, "capacity_teu_per_day": 80}, "geometry": {"type": "LineString", "coordinates": [[60.0, 45.0], [61.0, 44.0]]}},
 {"type": "Feature", "properties": {"id": "CD", "from": "C", "to": "D", "mode": "rail","cost_usd_per_teu":0, "gauge_mm": 1520, "length_km": 10, "speed_kmh": 1000}, "geometry": {"type": "LineString", "coordinates": [[61.0, 44.0], [62.0, 45.0]]}}]})");
  dir.write("nodes.geojson", nodes);
  dir.write("links.geojson", links);
  std::string yaml = two_routes_scenario("user_equilibrium", 300.0);
  const std::string gap = "  relative_gap: 1.0e-10";
  yaml.replace(yaml.find(gap), gap.size(), "  relative_gap: 1.0e-14\n  max_iterations: 1\n  algorithm: frank_wolfe");
  dir.write("ue.yaml", yaml);
  const auto r = run_corridor({"run", (dir / "ue.yaml").string(), "--out", (dir / "out").string()});
  INFO(r.out);
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Contains("relative gap"));
  CHECK_FALSE(fs::exists(dir / "out"));
}

TEST_CASE("corridor import tntp + corridor run reproduce the best-known Sioux Falls flows", "[e2e][equilibrium][tntp]") {
  const fs::path data = fs::path(CORRIDOR_SHARED_DATA_DIR) / "tntp/SiouxFalls";
  TempDir dir("tntp-sf");
  auto r = run_corridor({"import", "tntp", (data / "SiouxFalls_net.tntp").string(), (data / "SiouxFalls_trips.tntp").string(),
                         "--nodes", (data / "SiouxFalls_node.tntp").string(), "--out", (dir / "sf").string()});
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Contains("Imported 24 nodes (24 zones), 76 links"));
  // The importer's scenario, tightened to the gap of the published solution.
  dir.write("sf/tight.yaml", "extends: scenario.yaml\nname: sf_tight\nfreight: {relative_gap: 1.0e-11}\n");
  r = run_corridor({"run", (dir / "sf/tight.yaml").string(), "--out", (dir / "out").string(), "--quiet"});
  INFO(r.err);
  REQUIRE(r.status == 0);

  const auto flows = link_flows(dir / "out");  // per day = 24 x per hour
  const auto best = corridor::app::read_tntp_flows((data / "SiouxFalls_flow.tntp").string());
  REQUIRE(best.size() == 76);
  double worst = 0.0;
  for (const auto& b : best) {
    const double ours = flows.at(std::to_string(b.from) + "-" + std::to_string(b.to)) / 24.0;
    worst = std::max(worst, std::abs(ours - b.volume) / b.volume);
  }
  CHECK(worst < 1e-4);
}

TEST_CASE("corridor import tntp: Chicago Sketch with its toll and length weights matches the best-known flows", "[e2e][equilibrium][tntp]") {
  const fs::path data = fs::path(CORRIDOR_SHARED_DATA_DIR) / "tntp/Chicago-Sketch";
  TempDir dir("tntp-chicago");
  auto r = run_corridor({"import", "tntp", (data / "ChicagoSketch_net.tntp").string(),
                         (data / "ChicagoSketch_trips.tntp").string(), "--nodes", (data / "ChicagoSketch_node.tntp").string(),
                         "--toll-weight", "0.02", "--length-weight", "0.04", "--out", (dir / "ch").string()});
  INFO(r.err);
  REQUIRE(r.status == 0);
  dir.write("ch/tight.yaml", "extends: scenario.yaml\nname: ch_tight\nfreight: {relative_gap: 1.0e-8}\n");
  r = run_corridor({"run", (dir / "ch/tight.yaml").string(), "--out", (dir / "out").string(), "--quiet"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto flows = link_flows(dir / "out");
  const auto best = corridor::app::read_tntp_flows((data / "ChicagoSketch_flow.tntp").string());
  std::size_t checked = 0, off = 0;
  for (const auto& b : best) {
    if (b.volume < 1.0) continue;  // relative error is meaningless on (near) empty links
    const double ours = flows.at(std::to_string(b.from) + "-" + std::to_string(b.to)) / 24.0;
    ++checked;
    if (std::abs(ours - b.volume) / b.volume > 1e-3) ++off;
  }
  CHECK(checked > 2000);
  CHECK(off == 0);
}

TEST_CASE("corridor import tntp: node ids without links are left out and said, and the length unit of the metadata is "
          "honoured", "[e2e][equilibrium][tntp]") {
  TempDir dir("tntp-gaps");
  // Zones 1, 2 and 3; zone 3 has no link (a gap in the numbering), node 5 neither; node 4 is a junction.
  // Lengths in feet, as the original header says.
  dir.write("gap_net.tntp", "<NUMBER OF ZONES> 3\n<NUMBER OF NODES> 5\n<FIRST THRU NODE> 1\n<NUMBER OF LINKS> 4\n"
                            "<ORIGINAL HEADER>~ init node term node capacity length (ft) fftt (min) B power\n"
                            "<END OF METADATA>\n"
                            "~ init_node term_node capacity length free_flow_time b power speed toll link_type ;\n"
                            "1 4 1000 5280 6 0.15 4 0 0 1 ;\n4 1 1000 5280 6 0.15 4 0 0 1 ;\n"
                            "4 2 1000 10560 6 0.15 4 0 0 1 ;\n2 4 1000 10560 6 0.15 4 0 0 1 ;\n");
  dir.write("gap_trips.tntp", "<NUMBER OF ZONES> 3\n<TOTAL OD FLOW> 160.0\n<END OF METADATA>\n\n"
                              "Origin 1\n 2 : 100.0; 3 : 50.0;\n\nOrigin 2\n 1 : 10.0;\n");
  auto r = run_corridor({"import", "tntp", (dir / "gap_net.tntp").string(), (dir / "gap_trips.tntp").string(), "--out",
                         (dir / "g").string()});
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Contains("Imported 3 nodes") && Contains("lengths in feet"));
  CHECK_THAT(r.out, Contains("Left out 2 node ids that no link uses (3, 5) and their 1 OD entries (50.000 per hour)"));
  CHECK_THAT(read_file(dir / "g/scenario.yaml"), Contains("# Lengths: the file's in feet (metadata <ORIGINAL HEADER>)"));
  const auto links = nlohmann::json::parse(read_file(dir / "g/links.geojson"));
  for (const auto& f : links["features"]) {
    const std::string id = f["properties"]["id"];
    CHECK(f["properties"]["length_km"].get<double>() == Approx(id == "1-4" || id == "4-1" ? 1.609344 : 3.218688).epsilon(1e-9));
  }
  // What it wrote runs.
  r = run_corridor({"run", (dir / "g/scenario.yaml").string(), "--out", (dir / "out").string(), "--quiet"});
  INFO(r.err);
  CHECK(r.status == 0);

  // A <LENGTH UNITS> line wins; a unit it does not know is an error naming the file; no unit: miles, said.
  dir.write("km_net.tntp", "<NUMBER OF ZONES> 2\n<NUMBER OF NODES> 2\n<FIRST THRU NODE> 1\n<NUMBER OF LINKS> 1\n"
                           "<LENGTH UNITS> km\n<END OF METADATA>\n1 2 1000 2.5 6 0.15 4 0 0 1 ;\n");
  dir.write("km_trips.tntp", "<NUMBER OF ZONES> 2\n<TOTAL OD FLOW> 1.0\n<END OF METADATA>\nOrigin 1\n 2 : 1.0;\n");
  r = run_corridor({"import", "tntp", (dir / "km_net.tntp").string(), (dir / "km_trips.tntp").string(), "--out", (dir / "k").string()});
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Contains("lengths in km)"));
  CHECK(nlohmann::json::parse(read_file(dir / "k/links.geojson"))["features"][0]["properties"]["length_km"].get<double>() ==
        Approx(2.5));
  dir.write("bad_net.tntp", "<NUMBER OF ZONES> 2\n<NUMBER OF NODES> 2\n<FIRST THRU NODE> 1\n<NUMBER OF LINKS> 1\n"
                            "<LENGTH UNITS> furlongs\n<END OF METADATA>\n1 2 1000 2.5 6 0.15 4 0 0 1 ;\n");
  r = run_corridor({"import", "tntp", (dir / "bad_net.tntp").string(), (dir / "km_trips.tntp").string(), "--out", (dir / "b").string()});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Contains("bad_net.tntp: metadata <LENGTH UNITS>: unknown length unit 'furlongs'"));
  CHECK_FALSE(fs::exists(dir / "b"));
  dir.write("plain_net.tntp", "<NUMBER OF ZONES> 2\n<NUMBER OF NODES> 2\n<FIRST THRU NODE> 1\n<NUMBER OF LINKS> 1\n"
                              "<END OF METADATA>\n1 2 1000 2.5 6 0.15 4 0 0 1 ;\n");
  r = run_corridor({"import", "tntp", (dir / "plain_net.tntp").string(), (dir / "km_trips.tntp").string(), "--out", (dir / "p").string()});
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Contains("lengths in miles, the TNTP convention: the file states no unit"));
}
