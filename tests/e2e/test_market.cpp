// The calibrated market on the bundled scenarios, end to end: what a planner asks of route and mode
// choice. Closing the northern route, expanding the Middle Corridor and scaling the Caspian ferries
// move volumes between sea, the Middle Corridor and the remaining crossings; with hard capacities no
// element ends above its capacity and the binding ones carry a shadow price.
#include <catch2/catch.hpp>

#include <map>
#include <nlohmann/json.hpp>

#include "geo/csv.hpp"
#include "tests/support/run_cli.hpp"

using namespace corridor::test;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

const fs::path kScenarios = fs::path(CORRIDOR_SOURCE_DIR) / "scenarios";

/// TEU per year through each node of a results folder (nodes.geojson throughput_teu_per_day x 365).
std::map<std::string, double> node_teu_per_year(const fs::path& out) {
  std::map<std::string, double> teu;
  const json nodes = json::parse(read_file(out / "nodes.geojson"));
  for (const auto& f : nodes["features"]) {
    const auto& p = f["properties"];
    if (p.contains("throughput_teu_per_day") && p["throughput_teu_per_day"].is_number())
      teu[p["id"].get<std::string>()] = 365.0 * p["throughput_teu_per_day"].get<double>();
  }
  return teu;
}

std::map<std::string, double> run_nodes(const fs::path& scenario, const fs::path& out) {
  const auto r = run_corridor({"run", scenario.string(), "--out", out.string(), "-q"});
  INFO(scenario << ": " << r.err);
  REQUIRE(r.status == 0);
  return node_teu_per_year(out);
}

}  // namespace

TEST_CASE("closing the northern route moves China-Europe freight to the Middle Corridor and the sea", "[e2e][market]") {
  TempDir dir("market-closure");
  auto base = run_nodes(kScenarios / "baseline.yaml", dir / "base");
  auto closed = run_nodes(kScenarios / "northern_closure.yaml", dir / "closed");
  INFO("ALY " << base["ALY"] << " -> " << closed["ALY"] << "; SUZ+CPT " << base["SUZ"] + base["CPT"] << " -> "
              << closed["SUZ"] + closed["CPT"] << "; MLS+KUZ " << base["MLS"] + base["KUZ"] << " -> "
              << closed["MLS"] + closed["KUZ"]);
  CHECK(base["MLS"] + base["KUZ"] > 100000.0);   // the observed ~290 k TEU a year through Poland
  CHECK(closed["MLS"] + closed["KUZ"] == 0.0);   // Belarus closed
  CHECK(closed["ALY"] > 1.5 * base["ALY"]);      // the Caspian takes part of it ...
  CHECK(closed["SUZ"] + closed["CPT"] > base["SUZ"] + base["CPT"]);  // ... and the sea the rest
  // The Chinese exits still carry China - Central Asia and the Middle Corridor's trains.
  CHECK(closed["AKU"] + closed["HRG"] > 0.2 * (base["AKU"] + base["HRG"]));
}

TEST_CASE("expanding the Middle Corridor draws freight to it from the northern crossings", "[e2e][market]") {
  TempDir dir("market-mce");
  auto base = run_nodes(kScenarios / "baseline.yaml", dir / "base");
  auto more = run_nodes(kScenarios / "middle_corridor_expansion.yaml", dir / "mce");
  INFO("ALY " << base["ALY"] << " -> " << more["ALY"] << "; MLS+KUZ " << base["MLS"] + base["KUZ"] << " -> "
              << more["MLS"] + more["KUZ"]);
  CHECK(more["ALY"] > 1.05 * base["ALY"]);
  CHECK(more["MLS"] + more["KUZ"] < base["MLS"] + base["KUZ"]);
}

TEST_CASE("the Caspian study's ferry factor changes the flows across the Caspian", "[e2e][market][batch]") {
  TempDir dir("market-ferry");
  // The study's own edits (capacity and sailing frequency of the Aktau-Alat feeder and the ferries)
  // at its two ends, northern route open.
  const auto study = dir.write("ferry.yaml", "name: ferry\nbase: " + (kScenarios / "baseline.yaml").string() + R"(
parameters:
  ferry_factor: [1.0, 3.0]
edits:
  - scale: {select: {ids: [AKX-ALY]}, capacity_teu_per_day: $ferry_factor}
  - scale: {select: {ids: [AKX-ALY, KRK-ALY, TMB-ALY]}, wait_h: 1 / $ferry_factor}
kpis:
  bottlenecks: [ALY, AKX-ALY]
keep: all
)");
  const auto r = run_corridor({"batch", study.string(), "--out", (dir / "s").string(), "-q"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto one = node_teu_per_year(dir / "s/kept/s00000");
  const auto three = node_teu_per_year(dir / "s/kept/s00001");
  INFO("ALY " << one.at("ALY") << " -> " << three.at("ALY"));
  CHECK(three.at("ALY") > 1.05 * one.at("ALY"));
}

TEST_CASE("with hard capacities the calibrated baseline has no element above capacity, and prices the binding ones",
          "[e2e][market][capacity]") {
  TempDir dir("market-hard");
  const auto s = dir.write("hard.yaml", "extends: " + (kScenarios / "baseline.yaml").string() +
                                            "\nname: baseline-hard\nfreight:\n  capacities: hard\n");
  const auto r = run_corridor({"run", s.string(), "--out", (dir / "r").string(), "-q"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  for (const char* layer : {"nodes", "links"}) {
    const json features = json::parse(read_file(dir / "r" / (std::string(layer) + ".geojson")));
    for (const auto& f : features["features"]) {
      const auto& p = f["properties"];
      if (!p.contains("utilization") || !p["utilization"].is_number()) continue;
      INFO(layer << " " << p["id"]);
      CHECK(p["utilization"].get<double>() <= 1.0 + 1e-4);  // 4-decimal GeoJSON
    }
  }
  const auto summary = json::parse(read_file(dir / "r/summary.json"));
  const auto& binding = summary["choice"]["binding_capacities"];
  REQUIRE(!binding.empty());  // the soft baseline loads Kazakh sections beyond capacity
  for (const auto& b : binding) {
    INFO(b["id"]);
    CHECK(b["flow_teu_per_day"].get<double>() == Approx(b["capacity_teu_per_day"].get<double>()).epsilon(1e-4));
    CHECK(b["shadow_price_usd_per_teu"].get<double>() > 0.0);
    CHECK(b["queue_delay_h"].get<double>() > 0.0);
  }
  CHECK(summary["kpis"]["unserved_teu_per_year"].get<double>() >= 0.0);
}
