// End-to-end: the gas network through the `corridor` executable (corridor run with a gas section,
// corridor import gaslib, corridor batch), on the bundled pipeline and on small inline networks.
#include <catch2/catch.hpp>

#include <cmath>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "geo/csv.hpp"
#include "sim/gas/gaslib.hpp"
#include "sim/gas/optimizer.hpp"
#include "sim/gas/solver.hpp"
#include "sim/gas/units.hpp"
#include "tests/gas/csv_rows.hpp"
#include "tests/support/run_cli.hpp"
#include "tests/support/temp_dir.hpp"

using namespace corridor;
using namespace corridor::test;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

const fs::path kScenarios = fs::path(CORRIDOR_SOURCE_DIR) / "scenarios";
const fs::path kGasLib = fs::path(CORRIDOR_SHARED_DATA_DIR) / "gas/gaslib";

nlohmann::json read_json(const fs::path& p) { return nlohmann::json::parse(read_file(p)); }

/// A field FIELD (supply, kept at 70 bar) and a city CITY 150 km away through a 600 mm pipe.
void write_field_city(const TempDir& dir, double city_mcm_per_day) {
  dir.write("nodes.geojson",
            R"({"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"id": "FIELD", "kind": "gas_source", "supply_mcm_per_day": 0, "pressure_max_bar": 70}, "geometry": {"type": "Point", "coordinates": [60.0, 40.0]}},
 {"type": "Feature", "properties": {"id": "CITY", "kind": "gas_sink", "demand_mcm_per_day": )" +
                std::to_string(city_mcm_per_day) +
                R"(, "pressure_min_bar": 30}, "geometry": {"type": "Point", "coordinates": [61.5, 40.5]}}]})");
  dir.write("links.geojson", R"({"type": "FeatureCollection", "features": [
 {"type": "Feature", "properties": {"id": "P1", "from": "FIELD", "to": "CITY", "mode": "pipeline", "length_km": 150, "diameter_mm": 600}, "geometry": {"type": "LineString", "coordinates": [[60.0, 40.0], [61.5, 40.5]]}}]})");
}

}  // namespace

TEST_CASE("corridor run delivers the 55 bcm/yr design of Lines A/B/C at Horgos with every pressure within its bounds",
          "[gas][e2e]") {
  TempDir dir("gas-55");
  const auto out = dir / "out";
  const auto r = run_corridor({"run", (kScenarios / "gas_lines_abc_55bcm.yaml").string(), "--out", out.string()});
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK_THAT(r.out, Contains("Gas: converged") && Contains("maximum throughput") && Contains("N-1 line A"));

  const auto summary = read_json(out / "summary.json");
  const auto& g = summary["gas"];
  CHECK(g["converged"] == true);
  CHECK(g["delivered_bcm_per_year"].get<double>() == Approx(55.0).epsilon(1e-6));
  CHECK(g["pressure_violations"] == 0);
  CHECK(g["violations"].empty());
  CHECK(g["min_pressure_margin"]["bar"].get<double>() >= 0.0);  // the least fuel delivers at the bound
  // The optimiser chose the stations: each within its ratio limit, with its fuel.
  CHECK(g["mode"] == "optimize");
  CHECK(g["optimisation"]["feasible"] == true);
  CHECK(g["optimisation"]["objective"] == "fuel");
  CHECK(g["optimisation"]["simulator_agreement"]["pressure_relative"].get<double>() < 1e-6);
  for (const auto& st : g["optimisation"]["stations"]) {
    const double ratio = st["ratio"].get<double>();
    CHECK(ratio <= (st["id"] == "UCS" ? 2.2 : 1.6) + 1e-6);
    if (st["state"] == "active") CHECK(st["fuel_mcm_per_day"].get<double>() > 0.0);
  }
  CHECK_THAT(r.out, Contains("optimised settings") && Contains("station KCS1: active"));
  // With the settings fixed instead (every station on outlet pressure control at 99.11 bar), the
  // same nomination burns more fuel.
  {
    std::string yaml = read_file(kScenarios / "gas_lines_abc_55bcm.yaml");
    const std::string opt = "  mode: optimize\n  objective: fuel\n";
    REQUIRE(yaml.find(opt) != std::string::npos);
    yaml.replace(yaml.find(opt), opt.size(), "  mode: simulate\n");
    for (const char* layer : {"network/nodes.geojson", "network/links.geojson"})
      yaml.replace(yaml.find(layer), std::string(layer).size(), (kScenarios / layer).string());
    dir.write("simulate.yaml", yaml);
    const auto sim = run_corridor({"run", (dir / "simulate.yaml").string(), "--out", (dir / "sim").string(), "-q"});
    INFO(sim.err);
    REQUIRE(sim.status == 0);
    const auto gs = read_json(dir / "sim/summary.json")["gas"];
    CHECK(gs["compressor_fuel_mcm_per_day"].get<double>() > g["compressor_fuel_mcm_per_day"].get<double>());
  }
  // Deliveries equal the nominations; the fixed supplies too.
  for (const auto& d : g["deliveries"])
    CHECK(d["mcm_per_day"].get<double>() == Approx(d["nominated_mcm_per_day"].get<double>()).epsilon(1e-6));
  for (const auto& s : g["supplies"])
    if (!s["slack"].get<bool>())
      CHECK(s["mcm_per_day"].get<double>() == Approx(s["nominated_mcm_per_day"].get<double>()).epsilon(1e-6));
  CHECK(g["supply_mcm_per_day"].get<double>() == Approx(g["delivered_mcm_per_day"].get<double>()).epsilon(1e-6));
  CHECK(g["compressor_power_mw"].get<double>() > 100.0);
  // The capacity study reaches at least the design and names what binds; N-1 over lines and stations.
  CHECK(g["capacity"]["scale"].get<double>() >= 1.0);
  CHECK(!g["capacity"]["binding"].get<std::string>().empty());
  std::map<std::string, double> deliverable;
  for (const auto& c : g["n_minus_1"])
    deliverable[c["outage"].get<std::string>()] = c["deliverable_bcm_per_year"].get<double>();
  for (const char* line : {"line A", "line B", "line C", "line TMF", "line BBS", "station 'UCS'"})
    CHECK(deliverable.count(line) == 1);
  CHECK(deliverable.count("line D") == 0);  // planned, out of service
  CHECK(deliverable["line C"] < 55.0);

  // Every pipeline carries flows and pressures in links.geojson; the tables are there.
  const auto links = read_json(out / "links.geojson");
  std::size_t pipelines = 0;
  for (const auto& f : links["features"]) {
    const auto& p = f["properties"];
    if (p["mode"] != "pipeline" || p["status"] != "operational") continue;
    ++pipelines;
    CHECK(p["flow_mcm_per_day"].is_number());
    CHECK(p["pressure_in_bar"].get<double>() >= p["pressure_out_bar"].get<double>() - 1e-9);
    CHECK(p["pressure_in_bar"].get<double>() <= 99.11 + 1e-6);
  }
  CHECK(pipelines == 34);
  const auto nodes = read_csv(out / "gas_nodes.csv");
  for (const auto& n : nodes)
    if (!n.at("pressure_bar").empty()) CHECK(n.at("violation").empty());
  CHECK(read_csv(out / "gas_pipes.csv").size() == 44);  // every pipeline of the network (Line D closed: no flow)
}

TEST_CASE("opening Line D at 30 bcm/yr delivers 85 bcm/yr within the pressure bounds and adds capacity", "[gas][e2e]") {
  TempDir dir("gas-85");
  const auto abc =
      run_corridor({"run", (kScenarios / "gas_lines_abc_55bcm.yaml").string(), "--out", (dir / "abc").string(), "-q"});
  const auto d = run_corridor({"run", (kScenarios / "gas_line_d_85bcm.yaml").string(), "--out", (dir / "d").string()});
  INFO(abc.err << d.err);
  REQUIRE(abc.status == 0);
  REQUIRE(d.status == 0);
  const auto g55 = read_json(dir / "abc/summary.json")["gas"];
  const auto g85 = read_json(dir / "d/summary.json")["gas"];
  CHECK(g85["delivered_bcm_per_year"].get<double>() == Approx(85.0).epsilon(1e-6));
  CHECK(g85["pressure_violations"] == 0);
  for (const auto& x : g85["deliveries"])
    CHECK(x["mcm_per_day"].get<double>() == Approx(x["nominated_mcm_per_day"].get<double>()).epsilon(1e-6));
  // Line D adds about 30 bcm/yr of capacity: the most the system can deliver grows by that much.
  const double max55 = g55["capacity"]["max_offtake_bcm_per_year"].get<double>();
  const double max85 = g85["capacity"]["max_offtake_bcm_per_year"].get<double>();
  CHECK(max85 > max55 + 25.0);
  // Without Line D the rest still delivers what Lines A/B/C can.
  for (const auto& c : g85["n_minus_1"])
    if (c["outage"] == "line D") CHECK(c["deliverable_bcm_per_year"].get<double>() == Approx(55.0).epsilon(0.02));
  // Wuqia gets its gas through Line D's stations, which report their power.
  const auto nodes = read_json(dir / "d/nodes.geojson");
  double line_d_power = 0.0;
  for (const auto& f : nodes["features"]) {
    const auto& p = f["properties"];
    if (p["corridor"] == "gas_line_d" && p["kind"] == "compressor") line_d_power += p["power_mw"].get<double>();
    if (p["id"] == "WQA") CHECK(p["pressure_bar"].get<double>() >= 40.0);
  }
  CHECK(line_d_power > 50.0);
}

TEST_CASE("corridor import gaslib writes a network and scenario that corridor run optimises, and simulates like the GasLib model",
          "[gas][e2e][gaslib]") {
  TempDir dir("gaslib");
  const auto net = kGasLib / "GasLib-24/GasLib-24.net", scn = kGasLib / "GasLib-24/GasLib-24.scn";
  if (!fs::exists(net)) {
    WARN("reference data " << net << " is absent: GasLib import skipped");
    return;
  }
  const auto imp = run_corridor({"import", "gaslib", net.string(), scn.string(), "--out", (dir / "g24").string()});
  INFO(imp.err);
  REQUIRE(imp.status == 0);
  for (const char* f : {"nodes.geojson", "links.geojson", "scenario.yaml"}) CHECK(fs::exists(dir / "g24" / f));
  const auto nodes_json = read_json(dir / "g24/nodes.geojson");
  for (const auto& f : nodes_json["features"]) {  // WGS84 lon/lat near (0, 0)
    CHECK(std::abs(f["geometry"]["coordinates"][0].get<double>()) < 60.0);
    CHECK(std::abs(f["geometry"]["coordinates"][1].get<double>()) < 60.0);
  }

  // The imported scenario validates the nomination: the optimiser sets the stations and the control
  // valve; every bound holds in the re-simulated state and the power is the one the GasLib model gives.
  const auto run = run_corridor({"run", (dir / "g24/scenario.yaml").string(), "--out", (dir / "out").string()});
  INFO(run.err);
  REQUIRE(run.status == 0);
  CHECK_THAT(run.out, Contains("optimised settings"));
  const auto g = read_json(dir / "out/summary.json")["gas"];
  CHECK(g["mode"] == "optimize");
  CHECK(g["optimisation"]["feasible"] == true);
  CHECK(g["violations"].empty());
  for (const auto& row : read_csv(dir / "out/gas_nodes.csv")) {
    if (row.at("pressure_bar").empty()) continue;
    const double p = std::stod(row.at("pressure_bar"));
    if (!row.at("pressure_min_bar").empty()) CHECK(p >= std::stod(row.at("pressure_min_bar")) - 1e-6);
    if (!row.at("pressure_max_bar").empty()) CHECK(p <= std::stod(row.at("pressure_max_bar")) + 1e-6);
  }
  const auto direct_opt = gas::optimise(gas::read_gaslib(net, scn));
  REQUIRE(direct_opt.feasible);
  CHECK(g["optimisation"]["objective_value"].get<double>() == Approx(direct_opt.objective_value / 1e6).epsilon(1e-5).margin(1e-4));

  // With mode: simulate, the same files run the settings in the network: the GasLib model's state.
  std::string yaml = read_file(dir / "g24/scenario.yaml");
  const auto at = yaml.find("  mode: optimize\n  objective: compressor_power\n");
  REQUIRE(at != std::string::npos);
  yaml.replace(at, std::string("  mode: optimize\n  objective: compressor_power\n").size(), "  mode: simulate\n");
  dir.write("g24/simulate.yaml", yaml);
  const auto sim = run_corridor({"run", (dir / "g24/simulate.yaml").string(), "--out", (dir / "sim").string()});
  INFO(sim.err);
  REQUIRE(sim.status == 0);
  const auto direct_net = gas::read_gaslib(net, scn);
  const auto direct = gas::solve(direct_net);
  std::size_t compared = 0;
  for (const auto& row : read_csv(dir / "sim/gas_nodes.csv")) {
    const auto i = direct_net.find_node(row.at("id"));
    if (!i) continue;  // compressor inlets and outlets of the imported stations
    const double p = std::stod(row.at("pressure_bar"));
    CHECK(p == Approx(gas::bar_from_pa(direct.pressure_pa[*i])).epsilon(1e-7));
    ++compared;
  }
  CHECK(compared == direct_net.nodes.size());
  const auto pipes = read_csv(dir / "sim/gas_pipes.csv");
  for (const auto& row : pipes) {
    const auto k = direct_net.find_pipe(row.at("id"));
    if (!k) continue;
    CHECK(std::stod(row.at("flow_kg_per_s")) == Approx(direct.pipes[*k].flow_kg_per_s).margin(1e-5 * 100.0));
  }
}

TEST_CASE("a gas network with no steady state exits 2 naming a node and writes no results folder", "[gas][e2e]") {
  TempDir dir("gas-fail");
  write_field_city(dir, 400.0);  // 400 mcm/day through one 600 mm pipe: no pressure at 70 bar can push it
  dir.write("s.yaml", "name: too-much\nnetwork: {nodes: nodes.geojson, links: links.geojson}\ngas:\n  law: ideal\n");
  const auto out = dir / "out";
  const auto r = run_corridor({"run", (dir / "s.yaml").string(), "--out", out.string()});
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Contains("did not converge") && Contains("node '"));
  CHECK(!fs::exists(out));

  // The same network with a feasible offtake solves.
  write_field_city(dir, 5.0);
  const auto ok = run_corridor({"run", (dir / "s.yaml").string(), "--out", out.string(), "-q"});
  INFO(ok.err);
  CHECK(ok.status == 0);
  CHECK(fs::exists(out / "gas_nodes.csv"));
}

TEST_CASE("a bad key or id in the gas section exits 1 naming the file, the line and the key", "[gas][e2e]") {
  TempDir dir("gas-bad");
  write_field_city(dir, 5.0);
  dir.write(
      "typo.yaml",
      "name: typo\nnetwork: {nodes: nodes.geojson, links: links.geojson}\ngas:\n  law: papay\n  frction: hofer\n");
  auto r = run_corridor({"run", (dir / "typo.yaml").string(), "--out", (dir / "o").string()});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Contains("typo.yaml: line 5, key 'frction'") && Contains("unknown key in gas"));

  dir.write("law.yaml", "name: law\nnetwork: {nodes: nodes.geojson, links: links.geojson}\ngas:\n  law: papai\n");
  r = run_corridor({"run", (dir / "law.yaml").string()});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Contains("law.yaml: line 4, key 'law'") && Contains("unknown value 'papai'"));

  dir.write("id.yaml",
            "name: id\nnetwork: {nodes: nodes.geojson, links: links.geojson}\ngas:\n  offtakes:\n"
            "    CITY: {mcm_per_day: 4}\n    TOWN: {bcm_per_year: 1}\n");
  r = run_corridor({"run", (dir / "id.yaml").string()});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Contains("id.yaml: line 6, key 'TOWN'") && Contains("no node 'TOWN'"));

  dir.write("slack.yaml",
            "name: slack\nnetwork: {nodes: nodes.geojson, links: links.geojson}\ngas:\n  supplies:\n"
            "    FIELD: {mcm_per_day: 4}\n");
  r = run_corridor({"run", (dir / "slack.yaml").string()});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Contains("slack.yaml: line 5, key 'FIELD'") && Contains("holds the pressure"));
  CHECK(!fs::exists(dir / "o"));

  // corridor validate reads the gas section too.
  r = run_corridor({"validate", (dir / "typo.yaml").string()});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Contains("key 'frction'"));
}

TEST_CASE("a batch study on a gas scenario reports gas KPIs and records an unconverged variant without stopping",
          "[gas][e2e][batch]") {
  TempDir dir("gas-batch");
  write_field_city(dir, 5.0);
  dir.write("base.yaml", "name: base\nnetwork: {nodes: nodes.geojson, links: links.geojson}\ngas: {law: ideal}\n");
  dir.write("study.yaml",
            "name: gas-study\nbase: base.yaml\nparameters:\n  k: [1, 2, 80]\nedits:\n"
            "  - scale: {select: {ids: [CITY]}, demand_mcm_per_day: $k}\n");
  const auto r =
      run_corridor({"batch", (dir / "study.yaml").string(), "--out", (dir / "out").string(), "-j", "2", "-q"});
  INFO(r.err);
  CHECK(r.status == 0);
  const auto rows = read_csv(dir / "out/kpis.csv");
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].count("gas_delivered_mcm_per_day") == 1);
  CHECK(std::stod(rows[0].at("gas_delivered_mcm_per_day")) == Approx(5.0).epsilon(1e-6));
  CHECK(std::stod(rows[1].at("gas_delivered_mcm_per_day")) == Approx(10.0).epsilon(1e-6));
  CHECK(rows[0].at("gas_converged") == "true");
  CHECK(std::stod(rows[0].at("gas_min_pressure_margin_bar")) > std::stod(rows[1].at("gas_min_pressure_margin_bar")));
  CHECK(rows[2].at("status") == "unconverged");
  CHECK(rows[2].at("gas_converged") == "false");
  CHECK_THAT(rows[2].at("error"), Contains("node '"));
  // The header ends as every study's does.
  std::istringstream in(read_file(dir / "out/kpis.csv"));
  std::string header;
  std::getline(in, header);
  CHECK_THAT(header, Contains("gas_delivered_mcm_per_day,gas_min_pressure_margin_bar,gas_converged,converged,error"));
}
