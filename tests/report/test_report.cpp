// The HTML report: built from real `corridor run` and `corridor batch` results and from a small gas
// results folder written here, opened in headless Chromium with every network request refused
// (tests/report/check_page.mjs through playwright-core), and the GeoJSON we write checked against
// a strict RFC 7946 checker (tests/report/check_geojson.mjs through @placemarkio/check-geojson).
#include <catch2/catch.hpp>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <algorithm>
#include <optional>
#include <set>
#include <sstream>

#include "geo/error.hpp"
#include "tests/support/csv_table.hpp"
#include "tests/support/run_cli.hpp"
#include "tests/support/temp_dir.hpp"
#include "tools/app/output_folder.hpp"
#include "tools/app/report.hpp"

using namespace corridor::test;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const fs::path node_modules = CORRIDOR_REPORT_NODE_MODULES;
const fs::path test_dir = CORRIDOR_REPORT_TEST_DIR;
const fs::path screenshots = CORRIDOR_REPORT_SCREENSHOTS;

bool on_path(const std::string& program) {
  return std::system(("command -v " + program + " >/dev/null 2>&1").c_str()) == 0;
}

std::string chromium_path() {
  for (const char* p : {"/usr/bin/chromium", "/usr/bin/chromium-browser"})
    if (fs::exists(p)) return p;
  return {};
}

/// Why the browser and linter tests cannot run here, or empty when they can.
std::string missing_tools() {
  if (node_modules.empty() || !fs::exists(node_modules / "playwright-core"))
    return "the report page was built without Node.js/npm (no node_modules)";
  if (!on_path("node")) return "node is not installed";
  if (chromium_path().empty()) return "chromium is not installed (Debian package chromium)";
  return {};
}

struct NodeRun {
  int status = -1;
  std::string out;
  std::string err;
};

NodeRun run_node(const fs::path& script, const std::vector<std::string>& args) {
  TempDir io("node-io");
  std::string cmd = "node " + shell_quote(script.string()) + " --modules " + shell_quote(node_modules.string());
  for (const auto& a : args) cmd += " " + shell_quote(a);
  cmd += " >" + shell_quote((io / "out").string()) + " 2>" + shell_quote((io / "err").string()) + " </dev/null";
  const int raw = std::system(cmd.c_str());
  return {WIFEXITED(raw) ? WEXITSTATUS(raw) : -1, read_file(io / "out"), read_file(io / "err")};
}

/// Data rows of a CSV file (lines after the header).
int csv_rows(const fs::path& file) { return static_cast<int>(read_csv_table(file).rows.size()); }

/// Writes DIR/report.html, opens it in Chromium offline and returns what check_page.mjs saw.
json open_report(const fs::path& dir, const std::string& shot_name) {
  std::ostringstream said;
  REQUIRE(corridor::app::report(dir, said) == 0);
  CHECK_THAT(said.str(), Contains("report.html"));
  REQUIRE(fs::exists(dir / "report.html"));
  fs::create_directories(screenshots);
  const fs::path shot = screenshots / shot_name;
  fs::remove(shot);
  const auto r = run_node(test_dir / "check_page.mjs",
                          {"--html", (dir / "report.html").string(), "--screenshot", shot.string(), "--chromium", chromium_path()});
  INFO("check_page.mjs stderr: " << r.err);
  REQUIRE(r.status == 0);
  const auto last = r.out.rfind("{\"consoleErrors\"");
  REQUIRE(last != std::string::npos);
  json seen = json::parse(r.out.substr(last));
  INFO(seen.dump(1));
  REQUIRE_FALSE(seen.contains("failure"));
  CHECK(seen["ready"] == "1");
  CHECK(seen["consoleErrors"].empty());
  CHECK(seen["pageErrors"].empty());
  CHECK(seen["blocked"].empty());
  CHECK(seen["requests"].size() == 1);  // the page itself, nothing else
  CHECK(seen["countryPaths"].get<int>() > 100);  // the Natural Earth basemap is drawn
  CHECK(seen["legend"] == true);
  CHECK_THAT(seen["popup"].get<std::string>(), Contains("link "));  // a click shows the link's attributes
  CHECK(seen["popupRows"].get<int>() >= 5);
  REQUIRE(fs::exists(shot));
  CHECK(fs::file_size(shot) > 20000);
  return seen;
}

std::size_t feature_count(const fs::path& file) {
  return json::parse(read_file(file))["features"].size();
}

/// Features in the bundled network's layer ("nodes" or "links"): every one must reach the results.
std::size_t bundled_count(const std::string& layer) {
  return feature_count(fs::path(CORRIDOR_SOURCE_DIR) / "scenarios/network" / (layer + ".geojson"));
}

/// A small gas run's results: two pipeline lines with compressors between pipes, one rail link; marked
/// as a results folder of corridor run.
void write_gas_results(const TempDir& dir) {
  corridor::app::write_marker(dir.path(), corridor::app::FolderKind::run);
  auto pipe = [](const std::string& id, const std::string& from, const std::string& to, const std::string& line,
                 double x0, double y0, double x1, double y1, double km, double pin, double pout, double flow) {
    return json{{"type", "Feature"},
                {"properties", {{"id", id}, {"from", from}, {"to", to}, {"mode", "pipeline"}, {"line", line},
                                {"length_km", km}, {"diameter_mm", 1067.0}, {"capacity_bcm_per_year", 30.0},
                                {"flow_mcm_per_day", flow}, {"pressure_in_bar", pin}, {"pressure_out_bar", pout},
                                {"velocity_m_per_s", 9.5}, {"flow_teu_per_day", nullptr}, {"utilization", nullptr}}},
                {"geometry", {{"type", "LineString"}, {"coordinates", {{x0, y0}, {x1, y1}}}}}};
  };
  json links = {{"type", "FeatureCollection"}, {"features", json::array()}};
  links["features"].push_back(pipe("A-1", "SRC", "CS1", "A", 61.0, 38.0, 64.0, 40.0, 330, 95.0, 62.0, 80.0));
  links["features"].push_back(pipe("A-2", "CS1", "CS2", "A", 64.0, 40.0, 68.0, 42.0, 380, 94.0, 60.0, 80.0));
  links["features"].push_back(pipe("A-3", "CS2", "HRG", "A", 68.0, 42.0, 80.0, 44.0, 980, 93.0, 55.0, 78.0));
  links["features"].push_back(pipe("B-1", "BEY", "HRG", "B", 55.0, 45.0, 80.0, 44.0, 1450, 51.0, 88.0, -20.0));
  links["features"].push_back(json{{"type", "Feature"},
                                   {"properties", {{"id", "R-1"}, {"from", "HRG"}, {"to", "URC"}, {"mode", "rail"},
                                                   {"length_km", 670.0}, {"flow_teu_per_day", 900.0}, {"utilization", 0.95}}},
                                   {"geometry", {{"type", "LineString"}, {"coordinates", {{80.0, 44.0}, {87.6, 43.8}}}}}});
  auto node = [](const std::string& id, const std::string& kind, double x, double y, json pressure) {
    return json{{"type", "Feature"},
                {"properties", {{"id", id}, {"name", id}, {"kind", kind}, {"pressure_bar", pressure}}},
                {"geometry", {{"type", "Point"}, {"coordinates", {x, y}}}}};
  };
  json nodes = {{"type", "FeatureCollection"},
                {"features", {node("SRC", "gas_source", 61.0, 38.0, 95.0), node("CS1", "compressor", 64.0, 40.0, 62.0),
                              node("CS2", "compressor", 68.0, 42.0, 60.0), node("HRG", "gas_sink", 80.0, 44.0, 55.0),
                              node("BEY", "gas_sink", 55.0, 45.0, 51.0), node("URC", "terminal", 87.6, 43.8, nullptr)}}};
  dir.write("links.geojson", links.dump());
  dir.write("nodes.geojson", nodes.dump());
  dir.write("summary.json", json{{"scenario", "gas-mini"},
                                 {"description", "two pipeline lines with compressor stations (test fixture)"},
                                 {"convergence", {{"converged", true}, {"iterations", 6}, {"residual", 3e-11}}},
                                 {"kpis", {{"gas_delivered_mcm_per_day", 78.0}, {"min_pressure_bar", 51.0}}}}
                                .dump(2));
}

}  // namespace

TEST_CASE("the report of the baseline run opens offline in Chromium with every link and node on the map", "[report][browser]") {
  if (const auto why = missing_tools(); !why.empty()) {
    WARN("skipped: " << why);
    return;
  }
  TempDir dir("report-baseline");
  const auto out = dir / "baseline";
  const auto run = run_corridor({"run", std::string(CORRIDOR_SOURCE_DIR) + "/scenarios/baseline.yaml", "--out", out.string()});
  INFO(run.err);
  REQUIRE(run.status == 0);

  const json seen = open_report(out, "baseline.png");
  CHECK(seen["linkFeatures"] == feature_count(out / "links.geojson"));
  CHECK(seen["linkPaths"] == feature_count(out / "links.geojson"));
  CHECK(seen["nodePaths"] == feature_count(out / "nodes.geojson"));
  CHECK(seen["linkPaths"] == bundled_count("links"));
  CHECK(seen["odRows"] == csv_rows(out / "od.csv"));  // every row of od.csv
  CHECK(seen["bottleneckPaths"].get<int>() >= 2);      // Kazakh single-track sections are over capacity
  CHECK(seen["kpiCards"].get<int>() >= 6);
  CHECK_THAT(seen["tooltip"].get<std::string>(), Contains("rail") || Contains("sea") || Contains("pipeline") || Contains("ferry"));
  CHECK(seen["charts"].empty());                       // no study, gas or event results: no charts

  // The page shows the numbers of the files: the KPI cards are summary.json's, the warnings and the
  // elements over capacity are its lists.
  const json summary = json::parse(read_file(out / "summary.json"));
  auto card = [&](const std::string& name) -> std::optional<double> {
    for (const auto& c : seen["cards"])
      if (c["k"] == name) {
        std::string v = c["v"].get<std::string>();
        v.erase(std::remove(v.begin(), v.end(), ','), v.end());
        return std::stod(v);
      }
    return std::nullopt;
  };
  for (const char* key : {"mean_transit_days", "worst_transit_days", "served_teu_per_year", "demand_teu_per_year"}) {
    std::string name = key;
    std::replace(name.begin(), name.end(), '_', ' ');
    INFO(name);
    REQUIRE(card(name));
    CHECK(*card(name) == Approx(summary["kpis"][key].get<double>()).epsilon(1e-3));
  }
  REQUIRE(seen["warnings"].size() == summary["warnings"].size());
  for (std::size_t i = 0; i < summary["warnings"].size(); ++i) CHECK(seen["warnings"][i] == summary["warnings"][i]);
  // Nodes first (their congested delay), then links (their congested time), as summary.json lists them.
  std::vector<std::pair<std::string, double>> over;
  for (const auto& e : summary["kpis"]["nodes_over_capacity"]) over.emplace_back(e["id"], e["delay_h"].get<double>());
  for (const auto& e : summary["kpis"]["links_over_capacity"]) over.emplace_back(e["id"], e["travel_time_h"].get<double>());
  REQUIRE(!over.empty());
  REQUIRE(seen["overCapacity"].size() == over.size());
  for (std::size_t i = 0; i < over.size(); ++i) {
    CHECK(seen["overCapacity"][i][1] == over[i].first);
    CHECK(std::stod(seen["overCapacity"][i][3].get<std::string>()) == Approx(over[i].second).epsilon(1e-3).margin(0.006));
  }
  CHECK(seen["defaultsRows"] == summary["defaults"].size());
  char gap[32];
  std::snprintf(gap, sizeof gap, "relative gap %.2e", summary["convergence"]["relative_gap"].get<double>());
  CHECK_THAT(seen["notes"].get<std::string>(), Contains(gap));
}

TEST_CASE("the report of a 20-scenario study charts a KPI against each parameter and maps the kept scenario", "[report][browser]") {
  if (const auto why = missing_tools(); !why.empty()) {
    WARN("skipped: " << why);
    return;
  }
  TempDir dir("report-study");
  const std::string scenarios = std::string(CORRIDOR_SOURCE_DIR) + "/scenarios/";
  dir.write("study.yaml",
            "name: ferry-growth-20\n"
            "base: " + scenarios + "baseline.yaml\n"
            "cases:\n  - {name: northern-open}\n  - {name: northern-closed, scenario: " + scenarios + "northern_closure.yaml}\n"
            "parameters:\n  ferry_factor: {from: 1.0, to: 3.0, step: 0.5}\n  trade_growth: [0.0, 0.4]\n"
            "edits:\n  - scale: {select: {ids: [AKX-ALY]}, capacity_teu_per_day: $ferry_factor}\n"
            "  - scale_demand: {origin_country: CN, destination_country: [DE, PL], factor: 1 + $trade_growth}\n"
            "kpis:\n  od_groups:\n    china_europe: {origins: [XIA, CKG, CTU, CGO, YIW], destinations: [DUI, HAM, WAW, BUD]}\n"
            "  bottlenecks: [DOS, ALT, MLS, AKX-ALY, ALY]\n"
            "keep: [s00000]\n");
  const auto out = dir / "study";
  const auto batch = run_corridor({"batch", (dir / "study.yaml").string(), "--out", out.string()});
  INFO(batch.err);
  REQUIRE(batch.status == 0);

  const json seen = open_report(out, "study.png");
  CHECK(seen["studyRows"] == 20);
  REQUIRE(seen["charts"].contains("study"));
  CHECK(seen["charts"]["study"]["datasets"] == 4);  // mean line and scenario points for each of the 2 cases
  CHECK(seen["charts"]["study"]["points"] == 2 * 5 + 20);
  CHECK(seen["linkPaths"] == feature_count(out / "kept/s00000/links.geojson"));
  CHECK(seen["odRows"] == csv_rows(dir / "study/kept/s00000/od.csv"));
  // Key figures of the study are its rows' range, not one draw's; the kept scenario's are labelled as such.
  bool range = false;
  for (const auto& c : seen["cards"]) range = range || Contains("lowest – highest over solved scenarios").match(c["k"].get<std::string>());
  CHECK(range);
  CHECK_THAT(seen["notes"].get<std::string>(), !Contains("0.0000000"));
}

TEST_CASE("the report of a gas run colours pipelines by pressure and draws the pressure profile of each line", "[report][browser]") {
  if (const auto why = missing_tools(); !why.empty()) {
    WARN("skipped: " << why);
    return;
  }
  TempDir dir("report-gas");
  write_gas_results(dir);
  const json seen = open_report(dir.path(), "gas.png");
  CHECK(seen["linkPaths"] == 5);
  CHECK(seen["nodePaths"] == 6);
  CHECK(seen["gasColouring"] == "pressure");
  const auto strokes = seen["pipelineStrokes"].get<std::vector<std::string>>();
  CHECK(strokes.size() == 4);
  CHECK(std::set<std::string>(strokes.begin(), strokes.end()).size() >= 3);  // different pressures, different colours
  REQUIRE(seen["charts"].contains("pressure"));
  CHECK(seen["charts"]["pressure"]["datasets"] == 2);  // lines A and B
  CHECK(seen["charts"]["pressure"]["points"] == 8);    // inlet and outlet of each of the 4 pipes
  CHECK(seen["bottleneckPaths"].get<int>() >= 1);      // the rail link at 0.95
  CHECK(seen["odRows"] == 0);                          // a gas run has no od.csv
}

TEST_CASE("the report draws queue lengths over time and transit-time distributions when event results are present", "[report][browser]") {
  if (const auto why = missing_tools(); !why.empty()) {
    WARN("skipped: " << why);
    return;
  }
  TempDir dir("report-events");
  write_gas_results(dir);
  // The event simulation's files: daily rows per node and per link, and transit statistics per OD.
  std::string timeseries = "day,element,id,arrivals_trains,mean_queue_trains,max_queue_trains,mean_wait_h,utilization\n";
  for (int day = 0; day < 30; ++day) {
    for (const char* n : {"DOS", "ALT", "AKX"})
      timeseries += std::to_string(day) + ",node," + n + ",12," + std::to_string((day * 7 + n[1]) % 40 / 4.0) + ",12,5.0,0.8\n";
    timeseries += std::to_string(day) + ",link,DOS-AKT,11,0,0,0,0.4\n";
  }
  dir.write("timeseries.csv", timeseries);
  dir.write("events_od.csv",
            "origin,destination,commodity,transit_mean_days,transit_median_days,transit_p95_days,transit_max_days\n"
            "XIA,DUI,containers,14.2,13.9,17.5,21.0\nCKG,HAM,containers,15.1,14.8,18.9,23.4\nXIA,ALY,containers,9.5,9.1,12.0,14.2\n");

  const json seen = open_report(dir.path(), "events.png");
  REQUIRE(seen["charts"].contains("queue"));
  CHECK(seen["charts"]["queue"]["datasets"] == 3);  // the nodes; link rows have no queue
  CHECK(seen["charts"]["queue"]["points"] == 90);
  REQUIRE(seen["charts"].contains("transit"));
  CHECK(seen["charts"]["transit"]["datasets"] == 4);  // mean, median, 95th percentile, max
  CHECK(seen["charts"]["transit"]["points"] == 12);

  // One row per shipment (transit_times.csv): histograms per OD instead.
  std::string transit = "origin,destination,transit_days\n";
  for (int i = 0; i < 200; ++i) transit += std::string(i % 2 ? "XIA,DUI," : "CKG,HAM,") + std::to_string(11 + (i * 37 % 50 + i * 53 % 50 + i % 7 * 5) / 25.0) + "\n";
  dir.write("transit_times.csv", transit);
  const json samples = open_report(dir.path(), "events-samples.png");
  REQUIRE(samples["charts"].contains("transit"));
  CHECK(samples["charts"]["transit"]["datasets"] == 2);
  CHECK(samples["charts"]["transit"]["points"] == 2 * 30);  // 30 bins each
}

TEST_CASE("the GeoJSON that corridor run writes passes a strict RFC 7946 checker", "[report][geojson]") {
  if (!on_path("node") || node_modules.empty() || !fs::exists(node_modules / "@placemarkio/check-geojson")) {
    WARN("skipped: node or the report's node_modules are missing");
    return;
  }
  TempDir dir("report-rfc7946");
  const auto out = dir / "baseline";
  const auto run = run_corridor({"run", std::string(CORRIDOR_SOURCE_DIR) + "/scenarios/baseline.yaml", "--out", out.string()});
  REQUIRE(run.status == 0);
  const auto good = run_node(test_dir / "check_geojson.mjs", {(out / "links.geojson").string(), (out / "nodes.geojson").string()});
  INFO(good.out << good.err);
  CHECK(good.status == 0);
  CHECK_THAT(good.out, Contains("links.geojson: " + std::to_string(bundled_count("links")) + " features") &&
                           Contains("nodes.geojson: " + std::to_string(bundled_count("nodes")) + " features"));

  // The checker is strict: it rejects what RFC 7946 forbids.
  dir.write("crs.geojson", R"({"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:3857"}},)"
                           R"("features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[4500000,6000000]}}]})");
  dir.write("short.geojson", R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"LineString","coordinates":[[1,2]]}}]})");
  for (const char* bad : {"crs.geojson", "short.geojson"}) {
    const auto r = run_node(test_dir / "check_geojson.mjs", {(dir / bad).string()});
    INFO(bad << ": " << r.out);
    CHECK(r.status == 1);
  }
}

TEST_CASE("report on a folder that is not a results folder, or with a broken file, names the file", "[report]") {
  TempDir dir("report-bad");
  std::ostringstream out;
  const auto problem = [&](const fs::path& folder) {
    try {
      corridor::app::report(folder, out);
    } catch (const corridor::InputError& e) {
      return e.problems().front().str();
    } catch (const std::runtime_error& e) {
      return std::string("runtime: ") + e.what();  // built without the page
    }
    return std::string("no error");
  };
  CHECK_THAT(problem(dir / "nowhere"), Contains("nowhere") && Contains("not found"));
  CHECK_THAT(problem(dir.path()), Contains("not a results folder"));
  dir.write("links.geojson", R"({"type":"FeatureCollection","features":[]})");
  CHECK_THAT(problem(dir.path()), Contains("not a results folder") && Contains(".corridor"));  // results-like, but not corridor's

  corridor::app::write_marker(dir.path(), corridor::app::FolderKind::run);
  dir.write("links.geojson", R"({"type":"FeatureCollection","features":[)");
  CHECK_THAT(problem(dir.path()), Contains("links.geojson") && Contains("not valid JSON"));

  write_gas_results(dir);
  dir.write("od.csv", "origin,destination,transit_days\nXIA,DUI,12\nCKG,HAM\n");
  CHECK_THAT(problem(dir.path()), Contains("od.csv") && Contains("line 3") && Contains("2 fields"));
  CHECK_FALSE(fs::exists(dir / "report.html"));
}

TEST_CASE("the data in report.html cannot close its script element", "[report]") {
  TempDir dir("report-escape");
  write_gas_results(dir);
  dir.write("summary.json", R"({"scenario": "</script><script>alert(1)</script>", "kpis": {}})");
  std::ostringstream out;
  try {
    corridor::app::report(dir.path(), out);
  } catch (const std::runtime_error& e) {
    WARN("skipped: " << e.what());
    return;
  }
  const std::string html = read_file(dir / "report.html");
  CHECK(html.find("<\\/script><script>alert(1)<\\/script>") != std::string::npos);
  CHECK(html.find("</script><script>alert(1)") == std::string::npos);
}

TEST_CASE("corridor run --report on a scenario with an event simulation writes a page with queue and transit charts", "[report][browser][events]") {
  if (const auto why = missing_tools(); !why.empty()) {
    WARN("skipped: " << why);
    return;
  }
  TempDir dir("report-run-events");
  dir.write("events.yaml", "extends: " + std::string(CORRIDOR_SOURCE_DIR) +
                               "/scenarios/baseline.yaml\nname: baseline_events\n"
                               "events:\n  horizon_days: 120\n  seed: 7\n  timetable: {kind: weekly, weekday_weights: [2, 1, 1, 1, 1, 0.5, 0.5]}\n");
  const auto out = dir / "out";
  const auto run = run_corridor({"run", (dir / "events.yaml").string(), "--out", out.string(), "--report"});
  INFO(run.err);
  REQUIRE(run.status == 0);
  CHECK_THAT(run.out, Contains("Event simulation over 120 days") && Contains("report.html"));
  REQUIRE(fs::exists(out / "report.html"));
  REQUIRE(fs::exists(out / "timeseries.csv"));
  const json summary = json::parse(read_file(out / "summary.json"));
  CHECK(summary["events"]["horizon_days"] == 120.0);
  CHECK(summary["events"]["trains_delivered"].get<int>() > 100);

  const json seen = open_report(out, "run-events.png");
  CHECK(seen["linkPaths"] == bundled_count("links"));
  REQUIRE(seen["charts"].contains("queue"));
  CHECK(seen["charts"]["queue"]["datasets"].get<int>() >= 1);
  REQUIRE(seen["charts"].contains("transit"));
  CHECK(seen["charts"]["transit"]["points"].get<int>() >= 4 * 25);  // four statistics per OD
}

TEST_CASE("corridor report on a missing folder exits 1 naming it", "[report]") {
  const auto r = run_corridor({"report", "/nonexistent/results"});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Contains("/nonexistent/results"));
}

TEST_CASE("corridor run --report on the bundled 55 bcm/yr gas scenario colours pipelines and draws pressure profiles", "[report][browser][gas]") {
  if (const auto why = missing_tools(); !why.empty()) {
    WARN("skipped: " << why);
    return;
  }
  TempDir dir("report-run-gas");
  const auto out = dir / "gas";
  const auto run = run_corridor({"run", std::string(CORRIDOR_SOURCE_DIR) + "/scenarios/gas_lines_abc_55bcm.yaml", "--out",
                                 out.string(), "--report"});
  INFO(run.err);
  REQUIRE(run.status == 0);
  const json seen = open_report(out, "run-gas.png");
  CHECK(seen["linkPaths"] == bundled_count("links"));
  CHECK(seen["gasColouring"] == "pressure");
  const auto strokes = seen["pipelineStrokes"].get<std::vector<std::string>>();
  CHECK(std::set<std::string>(strokes.begin(), strokes.end()).size() >= 5);  // pressures differ along the lines
  REQUIRE(seen["charts"].contains("pressure"));
  CHECK(seen["charts"]["pressure"]["datasets"].get<int>() >= 3);  // Lines A, B, C at least
  // A gas-only run shows gas figures, not freight tiles or a freight solver's iterations.
  CHECK(seen["kpiCards"].get<int>() >= 5);
  for (const auto& c : seen["cards"]) CHECK_THAT(c["k"].get<std::string>(), !Contains("teu") && !Contains("transit"));
  CHECK_THAT(seen["notes"].get<std::string>(), !Contains("iterations"));
}
