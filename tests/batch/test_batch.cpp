// sim/batch and `corridor batch`: study expansion, seeded draws, KPI rows, parallel, resumable runs.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <sstream>
#include <map>

#include "geo/csv.hpp"
#include "geo/error.hpp"
#include "geo/reader.hpp"
#include "sim/batch/expression.hpp"
#include "sim/batch/runner.hpp"
#include "sim/batch/study.hpp"
#include "sim/freight/assignment.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/run/load.hpp"
#include "tests/support/mini_network.hpp"
#include "tests/support/run_cli.hpp"

using namespace corridor;
using namespace corridor::test;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

/// The mini corridor with a base scenario, ready for studies.
struct StudyFixture : MiniNetwork {
  StudyFixture() {
    dir.write("base.yaml", R"(name: base
network: {nodes: geojson/nodes.geojson, links: geojson/links.geojson}
commodities:
  containers: {value_of_time_usd_per_teu_h: 10}
demand:
  - {origin: X, destination: D, teu_per_year: 36500}
  - {origin: D, destination: X, teu_per_year: 3650}
)");
    dir.write("closed.yaml", "extends: base.yaml\nedits:\n  - close: {id: GH}\n");
  }
};

const char* kStudy = R"(name: demo
base: base.yaml
cases:
  - {name: open}
  - {name: overland-closed, scenario: closed.yaml}
parameters:
  growth: {from: 0, to: 0.5, step: 0.25}
edits:
  - scale_demand: {origin: X, factor: 1 + $growth}
monte_carlo:
  draws: 4
  seed: 7
  failures:
    - {select: {kind: border}, probability: 0.5}
kpis:
  od_groups:
    westbound: {origins: [X], destinations: [D]}
  bottlenecks: [G, XG]
keep: [s00000]
)";

std::vector<std::vector<std::string>> read_csv(const fs::path& p) {
  std::istringstream in(read_file(p));
  std::vector<std::vector<std::string>> rows;
  for (std::string line; std::getline(in, line);) rows.push_back(geo::csv_split(line));
  return rows;
}

}  // namespace

TEST_CASE("parameter expressions evaluate + - * / and parentheses over $parameters", "[batch]") {
  const std::map<std::string, double> p{{"growth", 0.25}, {"x", 2.0}};
  CHECK(batch::evaluate("1 + $growth", p) == 1.25);
  CHECK(batch::evaluate("2 * ($x - 0.5) / 3", p) == Approx(1.0));
  CHECK(batch::evaluate("-$x", p) == -2.0);
  CHECK_THROWS_WITH(batch::evaluate("1 + $nope", p), Contains("unknown parameter '$nope'"));
  CHECK_THROWS_WITH(batch::evaluate("1 +", p), Contains("ends too early"));
  CHECK_THROWS_WITH(batch::evaluate("(1", p), Contains("missing ')'"));
}

TEST_CASE("a study expands to cases x grid points x draws, the grid in cartesian order", "[batch]") {
  StudyFixture f;
  const auto file = f.dir.write("study.yaml", kStudy);
  const auto study = batch::load_study(file);
  REQUIRE(study.parameters.size() == 1);
  CHECK(study.parameters[0].values == std::vector<double>{0.0, 0.25, 0.5});
  const auto variants = batch::expand(study);
  REQUIRE(variants.size() == 2 * 3 * 4);
  CHECK(variants[0].id == "s00000");
  CHECK(variants[5].case_index == 0);
  CHECK(variants[5].grid_index == 1);
  CHECK(*variants[5].draw == 1);
  CHECK(variants[12].case_index == 1);
  // $growth substituted: the scale_demand factor of grid point 2 is 1.5.
  CHECK(study.grid[2][0].factor == 1.5);
}

TEST_CASE("Monte Carlo draws depend only on seed and draw number, and fail about the given share", "[batch]") {
  StudyFixture f;
  f.dir.write("mc.yaml", R"(base: base.yaml
monte_carlo:
  draws: 2000
  seed: 11
  failures:
    - {select: {mode: rail}, probability: 0.2}
)");
  const auto study = batch::load_study(f.dir / "mc.yaml");
  std::size_t failed = 0, elements = 0;
  std::vector<std::string> first_draw;
  {
    // 4 rail links (XG, GH, HD, XP): 2000 draws x 4 elements, 20% each.
    const auto mini = network::Network::build(geo::read_layer((f.dir / "geojson/nodes.geojson").string()),
                                              geo::read_layer((f.dir / "geojson/links.geojson").string()));
    for (std::size_t d = 0; d < 2000; ++d) {
      const auto edits = batch::draw_failures(study, mini, d);
      failed += edits.size();
      elements += 4;
      if (d == 17) for (const auto& e : edits) first_draw.push_back(e.select.ids[0]);
    }
    // Same seed and draw: same failures, whatever else ran before.
    std::vector<std::string> again;
    for (const auto& e : batch::draw_failures(study, mini, 17)) again.push_back(e.select.ids[0]);
    CHECK(again == first_draw);
  }
  const double share = static_cast<double>(failed) / static_cast<double>(elements);
  CHECK(share == Approx(0.2).margin(0.02));  // 8000 Bernoulli trials: 3 sigma = 0.013
}

TEST_CASE("corridor batch writes one KPI row per scenario, identical for 1 and 2 workers, and resumes", "[batch][e2e]") {
  StudyFixture f;
  const auto file = f.dir.write("study.yaml", kStudy);
  const auto one = run_corridor({"batch", file.string(), "--out", (f.dir / "one").string(), "--jobs", "1"});
  INFO(one.err);
  REQUIRE(one.status == 0);
  const auto two = run_corridor({"batch", file.string(), "--out", (f.dir / "two").string(), "--jobs", "2"});
  REQUIRE(two.status == 0);
  CHECK(read_file(f.dir / "one/kpis.csv") == read_file(f.dir / "two/kpis.csv"));
  // Not a terminal: plain progress lines.
  CHECK_THAT(one.err, Contains("progress: 24/24 scenarios"));

  const auto rows = read_csv(f.dir / "one/kpis.csv");
  REQUIRE(rows.size() == 25);
  const auto& h = rows[0];
  auto col = [&](const std::string& name) { return static_cast<std::size_t>(std::find(h.begin(), h.end(), name) - h.begin()); };
  REQUIRE(col("utilization_XG") < h.size());
  REQUIRE(col("westbound_mean_transit_days") < h.size());
  // s00000: case open, growth 0, draw 0.
  CHECK(rows[1][col("scenario_id")] == "s00000");
  CHECK(rows[1][col("case")] == "open");
  CHECK(rows[1][col("growth")] == "0.000000");
  CHECK(rows[1][col("draw")] == "0");
  // Demand grows with $growth: 36500 x 1.5 + 3650 on grid point 2 when nothing failed on the way.
  for (std::size_t r = 1; r < rows.size(); ++r) {
    const auto& row = rows[r];
    CHECK(row[col("status")] == "ok");
    const double served = std::stod(row[col("served_teu_per_year")]);
    const double unserved = std::stod(row[col("unserved_teu_per_year")]);
    const double growth = std::stod(row[col("growth")]);
    CHECK(served + unserved == Approx(36500.0 * (1.0 + growth) + 3650.0));
  }
  // With the overland link closed everything goes by sea: no flow through the border G.
  for (std::size_t r = 13; r < rows.size(); ++r) CHECK(std::stod(rows[r][col("utilization_G")]) == 0.0);
  // The kept scenario has its full results folder.
  CHECK(fs::exists(f.dir / "one/kept/s00000/links.geojson"));
  CHECK(fs::exists(f.dir / "one/kept/s00000/od.csv"));

  // A rerun finds every row committed and solves nothing.
  const auto again = run_corridor({"batch", file.string(), "--out", (f.dir / "one").string()});
  REQUIRE(again.status == 0);
  CHECK_THAT(again.out, Contains("Solved 0, resumed 24"));
  // A lost row (a worker killed mid-study) is solved again, and the result is the same.
  fs::remove(f.dir / "one/rows/s00007.csv");
  const auto resumed = run_corridor({"batch", file.string(), "--out", (f.dir / "one").string()});
  CHECK_THAT(resumed.out, Contains("Solved 1, resumed 23"));
  CHECK(read_file(f.dir / "one/kpis.csv") == read_file(f.dir / "two/kpis.csv"));
}

TEST_CASE("a failing scenario is recorded with its error and the study goes on", "[batch][e2e]") {
  StudyFixture f;
  const auto file = f.dir.write("study.yaml", R"(base: base.yaml
cases:
  - {name: good}
  - name: bad
    edits:
      - close: {id: NOT-A-LINK}
)");
  const auto r = run_corridor({"batch", file.string(), "--out", (f.dir / "out").string()});
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Contains("1 failed"));
  const auto rows = read_csv(f.dir / "out/kpis.csv");
  REQUIRE(rows.size() == 3);
  CHECK(rows[1][3] == "ok");
  CHECK(rows[2][3] == "error");
  CHECK_THAT(rows[2].back(), Contains("study.yaml: line 6: 'NOT-A-LINK' is not a node or link"));
}

TEST_CASE("a study folder of another study is refused unless --fresh; study errors name file and line", "[batch][e2e]") {
  StudyFixture f;
  const auto a = f.dir.write("a.yaml", "base: base.yaml\nparameters:\n  k: [1, 2]\nedits:\n  - scale_demand: {factor: $k}\n");
  const auto b = f.dir.write("b.yaml", "base: base.yaml\nparameters:\n  k: [1, 3]\nedits:\n  - scale_demand: {factor: $k}\n");
  REQUIRE(run_corridor({"batch", a.string(), "--out", (f.dir / "s").string()}).status == 0);
  const auto refused = run_corridor({"batch", b.string(), "--out", (f.dir / "s").string()});
  CHECK(refused.status == 1);
  CHECK_THAT(refused.err, Contains("holds the results of a different study"));
  CHECK(run_corridor({"batch", b.string(), "--out", (f.dir / "s").string(), "--fresh"}).status == 0);

  const auto bad = f.dir.write("bad.yaml", "base: base.yaml\nparameters:\n  k: [1, 2]\nedits:\n  - scale_demand: {factor: $q}\n");
  const auto r = run_corridor({"batch", bad.string()});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Contains("bad.yaml: line 5") && Contains("unknown parameter '$q'"));
  const auto typo = f.dir.write("typo.yaml", "base: base.yaml\nmonte_carlo: {draws: 3, failures: [{select: {id: G}, probablity: 0.1}]}\n");
  CHECK_THAT(run_corridor({"batch", typo.string()}).err, Contains("typo.yaml: line 2, key 'probablity': unknown key in failure"));
}

TEST_CASE("an interrupted or killed study keeps only complete rows and resumes to the same kpis.csv", "[batch][e2e]") {
  TempDir dir("kill");
  // The bundled network and market, assigned all-or-nothing: the study is about the rows, so each of
  // its 1,000 scenarios is quick and the kill lands part-way.
  const auto base = dir.write("fast.yaml", "extends: " + (fs::path(CORRIDOR_SOURCE_DIR) / "scenarios/baseline.yaml").string() +
                                               "\nname: fast\nfreight: {method: all_or_nothing}\n");
  const auto study = dir.write("big.yaml", "base: " + base.string() + R"(
parameters:
  g: {from: 0, to: 0.99, step: 0.01}
edits:
  - scale_demand: {factor: 1 + $g}
monte_carlo:
  draws: 10
  seed: 9
  failures:
    - {select: {kind: border}, probability: 0.2}
)");
  const auto header_columns = batch::kpi_header(batch::load_study(study)).size();
  auto check_rows_complete = [&](const fs::path& rows) {
    std::size_t n = 0;
    if (!fs::exists(rows)) return n;
    for (const auto& e : fs::directory_iterator(rows)) {
      const std::string name = e.path().filename().string();
      if (name.starts_with(".")) continue;  // an in-flight temporary of the killed run
      const std::string text = read_file(e.path());
      REQUIRE(!text.empty());
      CHECK(text.back() == '\n');
      CHECK(geo::csv_split(text.substr(0, text.size() - 1)).size() == header_columns);
      ++n;
    }
    return n;
  };
  const std::string exe = CORRIDOR_EXE;
  for (const char* signal : {"INT", "KILL"}) {
    const fs::path out = dir / (std::string("run-") + signal);
    const std::string cmd = "timeout -s " + std::string(signal) + " 0.5 " + shell_quote(exe) + " batch " +
                            shell_quote(study.string()) + " --out " + shell_quote(out.string()) + " -q --jobs 2 >/dev/null 2>&1";
    const int raw = std::system(cmd.c_str());
    INFO("signal " << signal << " status " << raw);
    const std::size_t kept = check_rows_complete(out / "rows");
    CHECK(kept < 1000);  // it was stopped before the end
    CHECK_FALSE(fs::exists(out / "kpis.csv"));
    const auto resumed = run_corridor({"batch", study.string(), "--out", out.string(), "--jobs", "2"});
    REQUIRE(resumed.status == 0);
    CHECK_THAT(resumed.out, Contains("resumed " + std::to_string(kept) + " finished earlier"));
    CHECK(check_rows_complete(out / "rows") == 1000);
  }
  CHECK(read_file(dir / "run-INT/kpis.csv") == read_file(dir / "run-KILL/kpis.csv"));
}

namespace {

/// Every file of a results folder, by name; summary.json without its run_time_s (0 in kept folders).
std::map<std::string, std::string> folder_files(const fs::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::string text = read_file(e.path());
    if (e.path().filename() == "summary.json") {
      auto j = nlohmann::ordered_json::parse(text);
      j.erase("run_time_s");
      text = j.dump(2);
    }
    files[e.path().filename().string()] = text;
  }
  return files;
}

void check_kept_equals_run(const fs::path& scenario, const TempDir& dir, const std::string& tag) {
  const auto study = dir.write(tag + "-study.yaml", "name: " + tag + "\nbase: " + scenario.string() +
                                                        "\ncases:\n  - {name: as-is}\nkeep: all\n");
  const auto batch = run_corridor({"batch", study.string(), "--out", (dir / (tag + "-batch")).string(), "-q"});
  INFO(batch.err);
  REQUIRE(batch.status == 0);
  const auto run = run_corridor({"run", scenario.string(), "--out", (dir / (tag + "-run")).string(), "-q"});
  INFO(run.err);
  REQUIRE(run.status == 0);
  const auto kept = folder_files(dir / (tag + "-batch") / "kept" / "s00000");
  const auto ran = folder_files(dir / (tag + "-run"));
  std::vector<std::string> kept_names, ran_names;
  for (const auto& [name, text] : kept) kept_names.push_back(name);
  for (const auto& [name, text] : ran) ran_names.push_back(name);
  CHECK(kept_names == ran_names);
  for (const auto& [name, text] : ran) {
    INFO(tag << ": " << name);
    CHECK((kept.count(name) && kept.at(name) == text));
  }
}

}  // namespace

TEST_CASE("a kept variant's folder is the folder corridor run writes: equilibrium, bottlenecks, events, gas",
          "[batch][e2e]") {
  TempDir dir("kept");
  const fs::path scenarios = fs::path(CORRIDOR_SOURCE_DIR) / "scenarios";
  // The bundled baseline (stochastic equilibrium, two bottleneck studies, route families) with 60 days of
  // event simulation added.
  const auto with_events = dir.write("baseline-events.yaml", "extends: " + (scenarios / "baseline.yaml").string() +
                                                                 "\nname: baseline-events\nevents: {horizon_days: 60, seed: 3}\n");
  check_kept_equals_run(with_events, dir, "freight");
  CHECK(fs::exists(dir / "freight-batch/kept/s00000/timeseries.csv"));
  const auto summary = nlohmann::json::parse(read_file(dir / "freight-batch/kept/s00000/summary.json"));
  CHECK(summary["bottlenecks"].size() == 2);
  CHECK(summary["solver"]["freight_method"] == "stochastic_user_equilibrium");
  CHECK(summary["convergence"].contains("relative_gap_target"));
  // The bundled gas scenario: pressures, station power, capacity and N-1.
  check_kept_equals_run(scenarios / "gas_lines_abc_55bcm.yaml", dir, "gas");
  CHECK(fs::exists(dir / "gas-batch/kept/s00000/gas_pipes.csv"));
}

TEST_CASE("a batch row equals the summary of its kept folder and of corridor run on the variant's scenario",
          "[batch][e2e][invariants]") {
  TempDir dir("row-equals-run");
  const fs::path scenarios = fs::path(CORRIDOR_SOURCE_DIR) / "scenarios";
  const auto study = dir.write("study.yaml", "name: rows\nbase: " + (scenarios / "baseline.yaml").string() +
                                                 "\ncases:\n  - {name: base}\n  - {name: closed, scenario: " +
                                                 (scenarios / "northern_closure.yaml").string() + "}\n  - {name: mce, scenario: " +
                                                 (scenarios / "middle_corridor_expansion.yaml").string() + "}\nkeep: all\n");
  REQUIRE(run_corridor({"batch", study.string(), "--out", (dir / "b").string(), "-q"}).status == 0);
  const auto rows = read_csv(dir / "b/kpis.csv");
  REQUIRE(rows.size() == 4);
  // The same study keeping nothing (rows solved without the extras of a kept folder) gives the same rows.
  std::string unkept_text = read_file(study);
  unkept_text.replace(unkept_text.find("keep: all"), 9, "keep: []");
  const auto unkept = dir.write("unkept.yaml", unkept_text);
  REQUIRE(run_corridor({"batch", unkept.string(), "--out", (dir / "u").string(), "-q"}).status == 0);
  CHECK(read_csv(dir / "u/kpis.csv") == rows);
  const auto& header = rows[0];
  auto column = [&](const std::string& name) {
    return static_cast<std::size_t>(std::find(header.begin(), header.end(), name) - header.begin());
  };
  const std::vector<std::pair<std::string, int>> kpis{
      {"served_teu_per_year", 1}, {"unserved_teu_per_year", 1}, {"mean_transit_days", 3}, {"worst_transit_days", 3}};
  const std::vector<fs::path> case_files{scenarios / "baseline.yaml", scenarios / "northern_closure.yaml",
                                         scenarios / "middle_corridor_expansion.yaml"};
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const std::string id = rows[i][0];
    INFO(id << " (" << rows[i][1] << ")");
    REQUIRE(rows[i][column("status")] == "ok");
    const auto kept = nlohmann::json::parse(read_file(dir / "b/kept" / id / "summary.json"));
    const fs::path ran_dir = dir / ("run-" + id);
    REQUIRE(run_corridor({"run", case_files[i - 1].string(), "--out", ran_dir.string(), "-q"}).status == 0);
    const auto ran = nlohmann::json::parse(read_file(ran_dir / "summary.json"));
    CHECK(kept["kpis"] == ran["kpis"]);
    for (const auto& [name, decimals] : kpis) {
      INFO(name);
      // The row prints the value with `decimals` decimals; summary.json rounds it to 3 or 4.
      CHECK(std::stod(rows[i][column(name)]) ==
            Approx(ran["kpis"][name].get<double>()).margin(0.5 * std::pow(10.0, -decimals) + 1e-4));
    }
  }
}

TEST_CASE("a kept variant whose extra results cannot be made is a failed row, and the study goes on", "[batch][e2e]") {
  StudyFixture f;
  // The events section is valid, but names a node the network lacks: only a variant that runs the event
  // simulation (a kept one, as `corridor run` would) finds out.
  f.dir.write("events.yaml", "extends: base.yaml\nevents:\n  horizon_days: 30\n  disruptions: [{id: NOWHERE, from_day: 1, to_day: 2}]\n");
  const auto file = f.dir.write("study.yaml", R"(base: events.yaml
cases:
  - {name: kept}
  - {name: not-kept}
keep: [kept]
)");
  const auto r = run_corridor({"batch", file.string(), "--out", (f.dir / "out").string(), "-q"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  const auto rows = read_csv(f.dir / "out/kpis.csv");
  REQUIRE(rows.size() == 3);
  CHECK(rows[1][1] == "kept");
  CHECK(rows[1][3] == "error");
  CHECK_THAT(rows[1].back(), Contains("events.yaml: line 4") && Contains("NOWHERE"));
  CHECK(rows[2][3] == "ok");  // the event simulation runs only for full results
  CHECK_FALSE(fs::exists(f.dir / "out/kept/s00000"));
}

TEST_CASE("all-or-nothing gives the same results on any number of threads", "[freight]") {
  // The bundled baseline with the synthetic-scale code path: one tree per origin, built by workers.
  scenario::Scenario s = scenario::load(fs::path(CORRIDOR_SOURCE_DIR) / "scenarios/baseline.yaml");
  const network::Network net = run::prepare(s);
  const auto one = freight::assign_all_or_nothing(net, s, 1);
  REQUIRE(one.od.size() > 20);
  for (unsigned threads : {2u, 3u, 64u}) {
    INFO(threads << " threads");
    const auto many = freight::assign_all_or_nothing(net, s, threads);
    REQUIRE(many.od.size() == one.od.size());
    for (std::size_t i = 0; i < one.od.size(); ++i) {
      REQUIRE(many.od[i].route.has_value() == one.od[i].route.has_value());
      if (one.od[i].route) CHECK(many.od[i].route->nodes == one.od[i].route->nodes);
      CHECK(many.od[i].transit_time_h == one.od[i].transit_time_h);
    }
    for (std::size_t l = 0; l < net.links().size(); ++l) {
      CHECK(many.links[l].flow_forward_teu_per_day == one.links[l].flow_forward_teu_per_day);
      CHECK(many.links[l].flow_backward_teu_per_day == one.links[l].flow_backward_teu_per_day);
    }
  }
}
