// End-to-end: `corridor run` with method stochastic_user_equilibrium on real files: the logit split of
// two congested routes with an alternative-specific constant, solved by hand; a hard capacity holding a
// node at its capacity with the hand-computed queue delay and shadow price; the choice costs of every
// route in od_routes.csv and the choice block of summary.json.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/support/csv_table.hpp"
#include "tests/support/run_cli.hpp"
#include "tests/support/temp_dir.hpp"

using namespace corridor::test;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

/// Two rail routes X -> A -> D and X -> B -> D (a sketch with given lengths). Route 1: X-A 10 h with BPR
/// capacity 100/day; route 2: X-B 15 h with BPR capacity 100/day; A-D and B-D 0.01 h. A is a border node
/// whose dwell and capacity the caller chooses; B carries a time spread (time_sd_h) for reliability.
void write_network(const TempDir& dir, const std::string& a_node, bool link_capacities) {
  const std::string cap = link_capacities ? R"(, "capacity_teu_per_day": 100)" : "";
  dir.write("nodes.geojson", R"({"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"id": "X", "kind": "terminal"}, "geometry": {"type": "Point", "coordinates": [60.0, 45.0]}},
 {"type": "Feature", "properties": {"id": "A", "kind": "border", )" + a_node + R"(}, "geometry": {"type": "Point", "coordinates": [61.0, 45.5]}},
 {"type": "Feature", "properties": {"id": "B", "kind": "junction", "time_sd_h": 3}, "geometry": {"type": "Point", "coordinates": [61.0, 44.5]}},
 {"type": "Feature", "properties": {"id": "D", "kind": "terminal"}, "geometry": {"type": "Point", "coordinates": [62.0, 45.0]}}]})");
  dir.write("links.geojson", R"({"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"id": "XA", "from": "X", "to": "A", "mode": "rail", "cost_usd_per_teu": 0, "gauge_mm": 1520, "length_km": 500, "speed_kmh": 50)" + cap + R"(}, "geometry": {"type": "LineString", "coordinates": [[60.0, 45.0], [61.0, 45.5]]}},
 {"type": "Feature", "properties": {"id": "AD", "from": "A", "to": "D", "mode": "rail", "cost_usd_per_teu": 0, "gauge_mm": 1520, "length_km": 10, "speed_kmh": 1000}, "geometry": {"type": "LineString", "coordinates": [[61.0, 45.5], [62.0, 45.0]]}},
 {"type": "Feature", "properties": {"id": "XB", "from": "X", "to": "B", "mode": "rail", "cost_usd_per_teu": 0, "gauge_mm": 1520, "length_km": 750, "speed_kmh": 50, "time_sd_h": 4)" + cap + R"(}, "geometry": {"type": "LineString", "coordinates": [[60.0, 45.0], [61.0, 44.5]]}},
 {"type": "Feature", "properties": {"id": "BD", "from": "B", "to": "D", "mode": "rail", "cost_usd_per_teu": 0, "gauge_mm": 1520, "length_km": 10, "speed_kmh": 1000}, "geometry": {"type": "LineString", "coordinates": [[61.0, 44.5], [62.0, 45.0]]}}]})");
}

std::string scenario_head(double teu_per_day) {
  std::ostringstream s;
  s << "name: two_routes_sue\nnetwork: {nodes: nodes.geojson, links: links.geojson, geometry_checks: {mode: off}}\n"
    << "commodities:\n  containers: {value_of_time_usd_per_teu_h: 10.0, modes: [rail]}\n"
    << "demand:\n  - {origin: X, destination: D, teu_per_year: " << teu_per_day * 365.0 << "}\n";
  return s.str();
}

/// od_routes.csv as rows of column -> text, keyed by route ("X>A>D").
std::map<std::string, std::map<std::string, std::string>> od_routes(const fs::path& out_dir) {
  std::map<std::string, std::map<std::string, std::string>> out;
  for (auto& row : read_csv_table(out_dir / "od_routes.csv").rows) out[row.at("route")] = std::move(row);
  return out;
}

nlohmann::json read_json(const fs::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

nlohmann::json node_properties(const fs::path& out_dir, const std::string& id) {
  const auto nodes = read_json(out_dir / "nodes.geojson");
  for (const auto& f : nodes["features"])
    if (f["properties"]["id"] == id) return f["properties"];
  return {};
}

}  // namespace

TEST_CASE("corridor run: the stochastic equilibrium is the logit split of two congested routes, with constants and "
          "reliability", "[e2e][sue]") {
  TempDir dir("sue-two-routes");
  write_network(dir, R"("dwell_h": 2, "capacity_teu_per_day": 150)", true);
  // theta 0.01 per USD at 10 USD/TEU-h: 0.1 per hour. Route 2 (via B) carries a constant of USD 20 and
  // reliability 5 USD/TEU-h x sqrt(3^2 + 4^2) h = USD 25.
  dir.write("sue.yaml", scenario_head(200.0) + R"(freight:
  method: stochastic_user_equilibrium
  relative_gap: 1.0e-10
  choice:
    dispersion: {containers: {route_per_usd: 0.01}}
    reliability_usd_per_teu_h: {containers: 5}
    constants:
      - {name: via_b, usd_per_teu: 20, select: {ids: [B]}}
)");
  const auto r = run_corridor({"run", (dir / "sue.yaml").string(), "--out", (dir / "out").string()});
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Contains("stochastic_user_equilibrium reached relative gap"));

  // The fixed point x = D / (1 + exp(-theta (c2(D - x) - c1(x)))), solved by bisection; times written out
  // independently of the solver (BPR 0.15, 4; A's dwell against its capacity of 150).
  auto t1 = [](double x) { return 10.0 * (1.0 + 0.15 * std::pow(x / 100.0, 4)) + 2.0 * (1.0 + 0.15 * std::pow(x / 150.0, 4)) + 0.01; };
  auto t2 = [](double x) { return 15.0 * (1.0 + 0.15 * std::pow(x / 100.0, 4)) + 0.01; };
  const double d = 200.0, theta_usd = 0.01, vot = 10.0, extra2 = 20.0 + 5.0 * 5.0;
  double lo = 0.0, hi = d;
  for (int i = 0; i < 200; ++i) {
    const double x = 0.5 * (lo + hi);
    const double logit = d / (1.0 + std::exp(-theta_usd * (vot * t2(d - x) + extra2 - vot * t1(x))));
    (logit > x ? lo : hi) = x;
  }
  const double x1 = 0.5 * (lo + hi);
  REQUIRE(x1 > 100.0);
  REQUIRE(x1 < 190.0);  // a real split, not a corner

  const auto routes = od_routes(dir / "out");
  REQUIRE(routes.size() == 2);
  const auto& r1 = routes.at("X>A>D");
  const auto& r2 = routes.at("X>B>D");
  CHECK(std::stod(r1.at("teu_per_year")) == Approx(x1 * 365.0).epsilon(1e-7));
  CHECK(std::stod(r2.at("teu_per_year")) == Approx((d - x1) * 365.0).epsilon(1e-7));
  // The choice costs of each route as the logit priced them.
  CHECK(r1.at("main_mode") == "rail");
  CHECK(std::stod(r1.at("constants_usd_per_teu")) == 0.0);
  CHECK(std::stod(r1.at("reliability_usd_per_teu")) == 0.0);
  CHECK(r2.at("constants") == "via_b");
  CHECK(std::stod(r2.at("constants_usd_per_teu")) == Approx(20.0));
  CHECK(std::stod(r2.at("time_sd_h")) == Approx(5.0));
  CHECK(std::stod(r2.at("reliability_usd_per_teu")) == Approx(25.0));
  CHECK(std::stod(r2.at("choice_cost_usd_per_teu")) == Approx(std::stod(r2.at("cost_usd_per_teu")) + 45.0).margin(1e-3));
  CHECK(std::stod(r2.at("transit_time_h")) == Approx(t2(d - x1)).epsilon(1e-6));

  const auto summary = read_json(dir / "out/summary.json");
  CHECK(summary["solver"]["freight_method"] == "stochastic_user_equilibrium");
  CHECK(summary["convergence"]["converged"] == true);
  CHECK(summary["convergence"]["relative_gap"].get<double>() <= 1e-10);
  CHECK(summary["choice"]["dispersion"]["containers"]["route_per_usd"].get<double>() == Approx(0.01));
  CHECK(summary["choice"]["constants"].at(0)["name"] == "via_b");
  CHECK(summary["choice"]["capacities"] == "soft");
}

TEST_CASE("corridor run: a hard capacity holds the node at capacity; its queue delay and shadow price are the "
          "hand-computed ones", "[e2e][sue]") {
  TempDir dir("sue-hard");
  // A passes at no dwell but handles at most 60 TEU/day; no link congestion. Route 1 takes 10.01 h, route 2
  // 15.01 h: unconstrained, route 1 would take 100 / (1 + e^-1) = 73.1 of 100 TEU/day.
  write_network(dir, R"("dwell_h": 0, "capacity_teu_per_day": 60)", false);
  dir.write("hard.yaml", scenario_head(100.0) + R"(freight:
  method: stochastic_user_equilibrium
  relative_gap: 1.0e-10
  capacities: hard
  unserved_usd_per_teu: 100000
  choice:
    dispersion: {containers: {route_per_usd: 0.02}}
)");
  const auto r = run_corridor({"run", (dir / "hard.yaml").string(), "--out", (dir / "out").string()});
  INFO(r.err);
  REQUIRE(r.status == 0);
  // At capacity 60 / 40 = exp(-theta_h (10 + mu - 15)): mu = 5 - ln(1.5) / 0.2 hours, x 10 USD/TEU-h.
  const double mu_h = 5.0 - std::log(1.5) / 0.2;
  const auto a = node_properties(dir / "out", "A");
  CHECK(a["throughput_teu_per_day"].get<double>() == Approx(60.0).epsilon(1e-6));
  CHECK(a["queue_delay_h"].get<double>() == Approx(mu_h).epsilon(1e-4));
  CHECK(a["shadow_price_usd_per_teu"].get<double>() == Approx(10.0 * mu_h).epsilon(1e-4));
  CHECK(a["delay_h"].get<double>() == Approx(mu_h).margin(1e-3));  // the time charged includes the queue
  const auto routes = od_routes(dir / "out");
  CHECK(std::stod(routes.at("X>A>D").at("teu_per_year")) == Approx(60.0 * 365.0).epsilon(1e-6));
  CHECK(std::stod(routes.at("X>B>D").at("teu_per_year")) == Approx(40.0 * 365.0).epsilon(1e-6));

  const auto summary = read_json(dir / "out/summary.json");
  const auto& binding = summary["choice"]["binding_capacities"];
  REQUIRE(binding.size() == 1);
  CHECK(binding[0]["id"] == "A");
  CHECK(binding[0]["element"] == "node");
  CHECK(binding[0]["queue_delay_h"].get<double>() == Approx(mu_h).epsilon(1e-4));
  CHECK(binding[0]["capacity_value_usd_per_year_per_teu_per_day"].get<double>() == Approx(10.0 * mu_h * 365.0).epsilon(1e-4));
  CHECK(summary["kpis"]["nodes_over_capacity"].empty());
  CHECK_THAT(r.out, Contains("Hard capacities that bind") && Contains("A  60 of 60 TEU/day"));

  // A capacity below what the network can route elsewhere at any price: the rest goes unserved. Close
  // route 2: 60 TEU/day pass A, 40 are not shipped (their unserved cost is lower than any queue).
  dir.write("closed.yaml", R"(extends: hard.yaml
name: closed
freight: {unserved_usd_per_teu: 3000}
edits:
  - close: {ids: [XB]}
)");
  const auto c = run_corridor({"run", (dir / "closed.yaml").string(), "--out", (dir / "out2").string()});
  INFO(c.err);
  REQUIRE(c.status == 0);
  const auto a2 = node_properties(dir / "out2", "A");
  CHECK(a2["throughput_teu_per_day"].get<double>() <= 60.0 * (1.0 + 1e-6));
  const auto s2 = read_json(dir / "out2/summary.json");
  const double unserved = s2["kpis"]["unserved_teu_per_year"].get<double>();
  CHECK(unserved == Approx(100.0 * 365.0 - a2["throughput_teu_per_day"].get<double>() * 365.0).epsilon(1e-6));
  CHECK(unserved > 39.0 * 365.0);
}
