// End-to-end: what a first-time user met on the bundled data and on their own files (issue 13), each
// on the real executable.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <regex>
#include <sstream>

#include "tests/support/run_cli.hpp"
#include "tests/support/temp_dir.hpp"

using namespace corridor::test;
using Catch::Matchers::Contains;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

const fs::path kScenarios = fs::path(CORRIDOR_SOURCE_DIR) / "scenarios";

std::string line_with(const std::string& text, const std::string& part) {
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);)
    if (l.find(part) != std::string::npos) return l;
  return {};
}

}  // namespace

TEST_CASE("run --format gpkg --report writes the GeoPackage and a report of it", "[e2e]") {
  TempDir dir("gpkg-report");
  const auto r = run_corridor({"run", (kScenarios / "baseline.yaml").string(), "--out", (dir / "r").string(), "--format",
                               "gpkg", "--report"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(fs::exists(dir / "r/results.gpkg"));
  CHECK_FALSE(fs::exists(dir / "r/links.geojson"));
  if (fs::exists(dir / "r/report.html")) {
    const std::string html = read_file(dir / "r/report.html");
    CHECK_THAT(html, Contains("\"FeatureCollection\"") && Contains("KUZ"));
  } else {
    CHECK_THAT(r.out, Contains("without the HTML report page"));  // a build without Node.js
  }
}

TEST_CASE("an OD matrix saved by a spreadsheet with a UTF-8 byte-order mark is read", "[e2e]") {
  TempDir dir("bom");
  dir.write("od.csv", "\xEF\xBB\xBForigin,destination,teu_per_year\r\nXIA,DUI,1000\r\n");
  const auto s = dir.write("s.yaml", "extends: " + (kScenarios / "baseline.yaml").string() + "\nname: bom\ndemand_csv: od.csv\n");
  const auto r = run_corridor({"run", s.string(), "--out", (dir / "r").string(), "-q"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(json::parse(read_file(dir / "r/summary.json"))["kpis"]["served_teu_per_year"] == 1000.0);
}

TEST_CASE("the northern closure's rail bottleneck says that no open path is left", "[e2e]") {
  TempDir dir("closure");
  const auto r = run_corridor({"run", (kScenarios / "northern_closure.yaml").string(), "--out", (dir / "r").string()});
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(line_with(r.out, "Bottleneck china_europe_rail") ==
        "Bottleneck china_europe_rail: no open path joins the groups (0 TEU/year)");
  CHECK_THAT(r.out, !Contains("limited by\n"));
  const auto summary = json::parse(read_file(dir / "r/summary.json"));
  CHECK(summary["bottlenecks"][0]["note"] == "no open path joins the groups");
  // Moscow's demand is unserved; where a route exists but passes no family's via node, the family is
  // "other" in od.csv as on the terminal.
  CHECK_THAT(r.out, Contains("UNSERVED"));
}

TEST_CASE("routes that pass no route family's via node are 'other' in od.csv and on the terminal", "[e2e]") {
  TempDir dir("other");
  const auto r = run_corridor({"run", (kScenarios / "baseline.yaml").string(), "--out", (dir / "r").string()});
  REQUIRE(r.status == 0);
  // China -> Moscow passes no border of Poland, the Caspian, Suez or the Cape (the bundled families).
  CHECK(std::regex_search(r.out, std::regex("Moscow +other ")));
  CHECK_THAT(read_file(dir / "r/od.csv"), Contains("CGO,Zhengzhou (Putian),MOW,Moscow,cn_ru,65196.0,65196.0,0.0,other,"));
}

TEST_CASE("the static baseline names the elements over capacity, their delay, and points to the event simulation", "[e2e]") {
  TempDir dir("saturation");
  const auto r = run_corridor({"run", (kScenarios / "baseline.yaml").string(), "--out", (dir / "r").string()});
  REQUIRE(r.status == 0);
  const auto summary = json::parse(read_file(dir / "r/summary.json"));
  // The calibrated baseline loads Kazakhstan's single-track sections beyond the capacity the dataset
  // assumes for them (scenarios/README.md, "Calibration"): every such link is on the terminal with the
  // time the equilibrium charged, as summary.json lists it.
  const auto& over = summary["kpis"]["links_over_capacity"];
  REQUIRE(!over.empty());
  for (const auto& e : over) {
    const std::string id = e["id"].get<std::string>();
    INFO(id);
    const std::string line = line_with(r.out, "  " + id + "  ");
    REQUIRE(!line.empty());
    // "  ID  NNN%  time X h (free flow Y h)": summary.json's figures (rounded to 4 and 3 decimals there).
    int percent = 0;
    double time_h = 0.0, free_h = 0.0;
    REQUIRE(std::sscanf(line.c_str() + id.size() + 4, "%d%%  time %lf h (free flow %lf h)", &percent, &time_h, &free_h) == 3);
    CHECK(std::abs(percent - 100.0 * e["utilization"].get<double>()) <= 0.51);
    CHECK(time_h == Approx(e["travel_time_h"].get<double>()).margin(0.051));
    CHECK(free_h == Approx(e["free_flow_travel_time_h"].get<double>()).margin(0.051));
  }
  // The warning names the elements more than 10% over, the fullest among them.
  const auto fullest = std::max_element(over.begin(), over.end(), [](const json& a, const json& b) {
    return a["utilization"].get<double>() < b["utilization"].get<double>();
  });
  REQUIRE((*fullest)["utilization"].get<double>() > 1.1);
  CHECK_THAT(line_with(r.out, "warning:"), Contains((*fullest)["id"].get<std::string>() + " at ") &&
                                              Contains("scenarios/baseline_events.yaml") && Contains("capacities: hard"));
  REQUIRE(summary["warnings"].size() == 1);
  CHECK_THAT(summary["warnings"][0].get<std::string>(), Contains("over capacity by more than 10%"));

  // The bundled event-simulation example runs the same routes in time and points to its node queues.
  const auto e = run_corridor({"run", (kScenarios / "baseline_events.yaml").string(), "--out", (dir / "e").string()});
  INFO(e.err);
  REQUIRE(e.status == 0);
  CHECK_THAT(line_with(e.out, "warning:"), Contains("In this run's event simulation:"));
  CHECK(fs::exists(dir / "e/events_nodes.csv"));
}

TEST_CASE("gas N-1 lines never read as a contradiction", "[e2e][gas]") {
  TempDir dir("n1");
  const auto r = run_corridor({"run", (kScenarios / "gas_lines_abc_55bcm.yaml").string(), "--out", (dir / "r").string()});
  INFO(r.err);
  REQUIRE(r.status == 0);
  std::istringstream in(r.out);
  std::size_t lines = 0;
  for (std::string l; std::getline(in, l);) {
    if (l.find("N-1 ") == std::string::npos) continue;
    ++lines;
    INFO(l);
    if (l.find("(100% of nominal)") != std::string::npos || l.find(", 100% of nominal)") != std::string::npos)
      CHECK_THAT(l, Contains("the whole nomination is deliverable"));
    CHECK_THAT(l, !Contains("binding: no steady state"));
  }
  CHECK(lines > 5);
}

TEST_CASE("validate accepts a study file and checks every case's edits against its network", "[e2e]") {
  const auto r = run_corridor({"validate", (kScenarios / "studies/caspian_capacity_study.yaml").string()});
  INFO(r.err);
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Contains("ok (study 'caspian-capacity', 900 scenarios: 2 cases x 45 grid points x 10 draws)"));
  TempDir dir("bad-study");
  const auto study = dir.write("s.yaml", "name: s\nbase: " + (kScenarios / "baseline.yaml").string() +
                                             "\nedits:\n  - scale: {select: {ids: [NOWHERE]}, capacity_teu_per_day: 2}\n");
  const auto bad = run_corridor({"validate", study.string()});
  CHECK(bad.status == 1);
  CHECK_THAT(bad.err, Contains("s.yaml: line 4") && Contains("'NOWHERE' is not a node or link of the network"));
}

TEST_CASE("a tariff the scenario states as a default is used, and summary.json lists it with its count", "[e2e]") {
  TempDir dir("defaults");
  dir.write("extra.geojson", R"({"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"NEW","from":"ALT","to":"ZHT","mode":"rail","gauge_mm":1520,"speed_kmh":60},"geometry":{"type":"LineString","coordinates":[[80.3,44.2],[79.5,44.0],[77.1,43.7]]}}]})");
  const auto s = dir.write("s.yaml", "extends: " + (kScenarios / "baseline.yaml").string() +
                                         "\nname: with-new-link\nadd:\n  - links: extra.geojson\n"
                                         "defaults:\n  rail: {cost_usd_per_teu_km: 0.2919}\n");
  const auto r = run_corridor({"run", s.string(), "--out", (dir / "r").string(), "-q"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto summary = json::parse(read_file(dir / "r/summary.json"));
  bool listed = false;
  for (const auto& d : summary["defaults"])
    if (d["attribute"] == "cost_usd_per_teu" && d["applies_to"] == "rail links") {
      listed = true;
      CHECK(d["value"] == "0.2919 x length_km");
      CHECK(d["features"] == 1);
      CHECK_THAT(d["source"].get<std::string>(), Contains("scenario defaults (s.yaml, line"));
    }
  CHECK(listed);
  const auto links = json::parse(read_file(dir / "r/links.geojson"));
  for (const auto& f : links["features"])
    if (f["properties"]["id"] == "NEW")
      CHECK(f["properties"]["cost_usd_per_teu"].get<double>() ==
            Approx(0.2919 * f["properties"]["length_km"].get<double>()).epsilon(1e-3));
}

TEST_CASE("geometry findings can be kept as warnings when the planner says so", "[e2e]") {
  TempDir dir("geometry-warning");
  dir.write("extra_nodes.geojson", R"({"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"BERLIN","country":"DE","kind":"terminal","dwell_h":6},"geometry":{"type":"Point","coordinates":[52.52,13.40]}}]})");
  dir.write("extra_links.geojson", R"({"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"id":"HAM-BERLIN","from":"HAM","to":"BERLIN","mode":"rail","gauge_mm":1435,"speed_kmh":60,"cost_usd_per_teu":100},"geometry":{"type":"LineString","coordinates":[[9.99,53.55],[52.52,13.40]]}}]})");
  const std::string add = "add:\n  - {nodes: extra_nodes.geojson, links: extra_links.geojson}\n";
  const auto strict = dir.write("strict.yaml", "extends: " + (kScenarios / "baseline.yaml").string() + "\nname: strict\n" + add);
  const auto r = run_corridor({"run", strict.string(), "--out", (dir / "r").string(), "-q"});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Contains("node 'BERLIN': lies at lon, lat (52.52, 13.4), outside DE") && Contains("look swapped"));
  CHECK_FALSE(fs::exists(dir / "r"));
  const auto lenient = dir.write("lenient.yaml", "extends: " + (kScenarios / "baseline.yaml").string() +
                                                     "\nname: lenient\nnetwork:\n  nodes: " + (kScenarios / "network/nodes.geojson").string() +
                                                     "\n  links: " + (kScenarios / "network/links.geojson").string() +
                                                     "\n  geometry_checks: {mode: warning}\n" + add);
  const auto w = run_corridor({"run", lenient.string(), "--out", (dir / "w").string()});
  INFO(w.err);
  REQUIRE(w.status == 0);
  CHECK_THAT(w.out, Contains("warning: ") && Contains("node 'BERLIN': lies at lon, lat"));
  const auto summary = json::parse(read_file(dir / "w/summary.json"));
  bool found = false;
  for (const auto& s : summary["warnings"]) found = found || s.get<std::string>().find("node 'BERLIN'") != std::string::npos;
  CHECK(found);
}
