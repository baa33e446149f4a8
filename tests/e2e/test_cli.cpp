// End-to-end: the `corridor` executable on real files, as a planner runs it.
#include <catch2/catch.hpp>
#include <gdal_priv.h>
#include <gdal_utils.h>
#include <ogrsf_frmts.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "tests/support/mini_network.hpp"
#include "tests/support/run_cli.hpp"
#include "tests/support/temp_dir.hpp"

using namespace corridor::test;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

std::string scenario_yaml(const std::string& network_block) {
  return "name: mini\n" + network_block +
         "commodities:\n  containers: {value_of_time_usd_per_teu_h: 10.0}\n"
         "demand:\n  - {origin: X, destination: D, teu_per_year: 36500}\n  - {origin: D, destination: X, teu_per_year: 3650}\n"
         "route_families:\n  overland: {via: [G], modes: [rail]}\n  sea: {via: [P], avoid: [G]}\n";
}

/// od.csv and the flows of links.geojson, which must agree whatever format the network came in.
std::string results_fingerprint(const fs::path& out_dir) {
  std::string fp = read_file(out_dir / "od.csv");
  const auto links = nlohmann::json::parse(read_file(out_dir / "links.geojson"));
  for (const auto& f : links["features"])
    fp += f["properties"]["id"].get<std::string>() + "=" + f["properties"]["flow_teu_per_day"].dump() + ";";
  return fp;
}

}  // namespace

TEST_CASE("a network given as GeoJSON pair, GeoPackage and Shapefiles gives the same results", "[e2e]") {
  MiniNetwork net;
  net.convert("GPKG", net.dir / "net.gpkg");
  net.convert("ESRI Shapefile", net.dir / "shp");
  REQUIRE(fs::exists(net.dir / "shp/links.shp"));

  net.dir.write("geojson.yaml", scenario_yaml("network:\n  nodes: geojson/nodes.geojson\n  links: geojson/links.geojson\n"));
  net.dir.write("gpkg.yaml", scenario_yaml("network: net.gpkg\n"));
  net.dir.write("shp.yaml", scenario_yaml("network: shp\n"));

  std::vector<std::string> fingerprints;
  for (const char* variant : {"geojson", "gpkg", "shp"}) {
    const auto out = net.dir / ("out-" + std::string(variant));
    const auto r = run_corridor({"run", (net.dir / (std::string(variant) + ".yaml")).string(), "--out", out.string()});
    INFO(variant << ": " << r.err);
    REQUIRE(r.status == 0);
    CHECK_THAT(r.out, Contains("Xi'an test") && Contains("Duisburg test"));
    fingerprints.push_back(results_fingerprint(out));
  }
  CHECK(fingerprints[0] == fingerprints[1]);
  CHECK(fingerprints[0] == fingerprints[2]);
}

TEST_CASE("the results folder has every file, and links.geojson reads back through GDAL with its attributes", "[e2e]") {
  MiniNetwork net;
  const auto yaml = net.dir.write("s.yaml", scenario_yaml("network:\n  nodes: geojson/nodes.geojson\n  links: geojson/links.geojson\n"));
  const auto out = net.dir / "results";
  const auto r = run_corridor({"run", yaml.string(), "--out", out.string()});
  REQUIRE(r.status == 0);
  for (const char* f : {"links.geojson", "nodes.geojson", "od.csv", "od_routes.csv", "routes.csv", "summary.json", ".corridor"})
    CHECK(fs::exists(out / f));
  // Nothing else: no temporary or partial files left beside or inside the folder.
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(out)) ++entries;
  CHECK(entries == 7);
  for (const auto& e : fs::directory_iterator(net.dir.path())) CHECK_THAT(e.path().filename().string(), !Contains("partial"));

  const std::string links_text = read_file(out / "links.geojson");
  CHECK_THAT(links_text, !Contains("\"crs\""));
  GDALAllRegister();
  GDALDataset* ds = static_cast<GDALDataset*>(GDALOpenEx((out / "links.geojson").c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr));
  REQUIRE(ds != nullptr);
  OGRLayer* layer = ds->GetLayer(0);
  CHECK(layer->GetFeatureCount() == 5);
  std::map<std::string, double> flow, util;
  for (auto& f : *layer) {
    flow[f->GetFieldAsString("id")] = f->GetFieldAsDouble("flow_teu_per_day");
    util[f->GetFieldAsString("id")] = f->IsFieldSetAndNotNull(f->GetFieldIndex("utilization")) ? f->GetFieldAsDouble("utilization") : -1.0;
    CHECK(f->GetFieldAsDouble("length_km") > 0.0);
    CHECK(f->GetGeometryRef()->getGeometryType() == wkbLineString);
  }
  GDALClose(ds);
  // At $10/h the overland route (9.7 days, $3,350 in tariffs and fees) beats the sea route (31.2 days,
  // $1,200): 100 TEU/day westbound + 10 eastbound on XG.
  CHECK(flow["XG"] == Approx(110.0));
  CHECK(util["XG"] == Approx(100.0 / 400.0));
  CHECK(flow["PD"] == 0.0);
  CHECK(util["PD"] == -1.0);  // no capacity given: no utilization, not zero

  const auto summary = nlohmann::json::parse(read_file(out / "summary.json"));
  CHECK(summary["scenario"] == "mini");
  CHECK(summary["kpis"]["served_teu_per_year"] == Approx(40150.0));
  CHECK(summary["inputs"].size() == 3);
  CHECK(summary["inputs"][0]["sha256"].get<std::string>().size() == 64);
}

TEST_CASE("od.csv gives names, route, transit days and each route family's days", "[e2e]") {
  MiniNetwork net;
  const auto yaml = net.dir.write("s.yaml", scenario_yaml("network:\n  nodes: geojson/nodes.geojson\n  links: geojson/links.geojson\n"));
  const auto out = net.dir / "r";
  REQUIRE(run_corridor({"run", yaml.string(), "--out", out.string()}).status == 0);
  std::istringstream csv(read_file(out / "od.csv"));
  std::string header, row;
  std::getline(csv, header);
  std::getline(csv, row);
  CHECK(header ==
        "origin,origin_name,destination,destination_name,commodity,demand_teu_per_year,assigned_teu_per_year,"
        "unserved_teu_per_year,route_family,transit_time_h,transit_days,cost_usd_per_teu,tariffs_and_fees_usd_per_teu,"
        "length_km,route,"
        "routes_used,main_route_share,route_shares,"
        "overland_transit_days,overland_cost_usd_per_teu,sea_transit_days,sea_cost_usd_per_teu");
  CHECK_THAT(row, Contains("X,Xi'an test,D,Duisburg test,containers,36500.0,36500.0,0.0,overland,"));
  CHECK_THAT(row, Contains(",X>G>H>D,"));
  // Sea: 12 h at X + XP + 48 h at the port + 28 h mean wait (3 sailings/week) + PD + 12 h at D.
  std::smatch m;
  REQUIRE(std::regex_search(row, m, std::regex(R"(,(\d+\.\d+),(\d+\.\d+)$)")));
  const double sea_days = std::stod(m[1].str());
  CHECK(sea_days > 25.0);
  CHECK(sea_days < 35.0);
}

TEST_CASE("the terminal shows at most 60 OD rows and points to od.csv for the rest", "[e2e]") {
  MiniNetwork net;
  std::string demand = "origin,destination,commodity,teu_per_year\n";
  for (int i = 0; i < 75; ++i) demand += std::string(i % 2 ? "X,D" : "D,X") + ",containers," + std::to_string(100 + i) + "\n";
  net.dir.write("demand.csv", demand);
  const auto yaml = net.dir.write("s.yaml", "name: many\nnetwork: {nodes: geojson/nodes.geojson, links: geojson/links.geojson}\n"
                                            "commodities:\n  containers: {value_of_time_usd_per_teu_h: 10}\ndemand_csv: demand.csv\n");
  const auto r = run_corridor({"run", yaml.string(), "--out", (net.dir / "r").string()});
  INFO(r.err);
  REQUIRE(r.status == 0);
  std::size_t table_rows = 0;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("Xi'an test", 0) == 0 || line.rfind("Duisburg test", 0) == 0) ++table_rows;
  CHECK(table_rows == 60);
  CHECK_THAT(r.out, Contains("... and 15 more OD rows (every row is in od.csv)"));
  std::istringstream csv(read_file(net.dir / "r/od.csv"));
  std::size_t csv_rows = 0;
  for (std::string line; std::getline(csv, line);) ++csv_rows;
  CHECK(csv_rows == 76);
}

TEST_CASE("the same inputs give byte-identical results", "[e2e]") {
  MiniNetwork net;
  const auto yaml = net.dir.write("s.yaml", scenario_yaml("network:\n  nodes: geojson/nodes.geojson\n  links: geojson/links.geojson\n"));
  REQUIRE(run_corridor({"run", yaml.string(), "--out", (net.dir / "a").string()}).status == 0);
  REQUIRE(run_corridor({"run", yaml.string(), "--out", (net.dir / "b").string()}).status == 0);
  for (const char* f : {"links.geojson", "nodes.geojson", "od.csv", "routes.csv"})
    CHECK(read_file(net.dir / "a" / f) == read_file(net.dir / "b" / f));
  auto summary_a = nlohmann::json::parse(read_file(net.dir / "a/summary.json"));
  auto summary_b = nlohmann::json::parse(read_file(net.dir / "b/summary.json"));
  summary_a.erase("run_time_s");  // the one field that measures the machine, not the model
  summary_b.erase("run_time_s");
  CHECK(summary_a == summary_b);
}

TEST_CASE("bad input exits 1 with one line per problem naming file and place, and writes no results", "[e2e]") {
  MiniNetwork net;
  const auto yaml = net.dir.write("bad.yaml", "name: bad\nnetwork:\n  nodes: geojson/nodes.geojson\n  links: geojson/links.geojson\n"
                                              "demand:\n  - {origin: X, destination: NOWHERE, teu_per_year: 10}\n"
                                              "  - {origin: Q, destination: D, teu_per_year: 10}\n");
  const auto out = net.dir / "never";
  const auto r = run_corridor({"run", yaml.string(), "--out", out.string()});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Contains("bad.yaml: line 6: destination 'NOWHERE' is not a node of the network"));
  CHECK_THAT(r.err, Contains("bad.yaml: line 7: origin 'Q' is not a node of the network"));
  CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 2);
  CHECK_FALSE(fs::exists(out));

  // A broken GIS file: the error names it.
  net.dir.write("geojson/links.geojson", "{\"type\": \"FeatureCollection\", \"features\": [");
  const auto broken = run_corridor({"run", yaml.string(), "--out", out.string()});
  CHECK(broken.status == 1);
  CHECK_THAT(broken.err, Contains("links.geojson") && Contains("cannot open"));
  CHECK_FALSE(fs::exists(out));
}

TEST_CASE("validate lists every problem of a network and a scenario; info describes a network", "[e2e]") {
  MiniNetwork net;
  std::string links = kLinks;
  links.replace(links.find("\"speed_kmh\":42"), 14, "\"speed_kmh\":-1");
  links.replace(links.find("\"to\":\"D\""), 8, "\"to\":\"Z\"");
  net.dir.write("bad/links.geojson", links);
  net.dir.write("bad/nodes.geojson", kNodes);
  const auto r = run_corridor({"validate", (net.dir / "bad/nodes.geojson").string(), (net.dir / "bad/links.geojson").string()});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Contains("links.geojson: link 'GH': attribute 'speed_kmh' is -1, must be positive"));
  CHECK_THAT(r.err, Contains("links.geojson: link 'HD': 'to' names unknown node 'Z'"));

  const auto ok = run_corridor({"validate", (net.dir / "geojson/links.geojson").string(), (net.dir / "geojson/nodes.geojson").string()});
  CHECK(ok.status == 0);
  CHECK_THAT(ok.out, Contains("ok (5 nodes, 5 links)"));

  const auto info = run_corridor({"info", (net.dir / "geojson/nodes.geojson").string(), (net.dir / "geojson/links.geojson").string()});
  CHECK(info.status == 0);
  CHECK_THAT(info.out, Contains("Nodes: 5") && Contains("Links: 5") && Contains("Connected components (open links): 1"));
  CHECK_THAT(info.out, Contains("rail") && Contains("sea"));
}

TEST_CASE("every command has --help, and a wrong command line exits 1", "[e2e]") {
  for (const char* cmd : {"run", "validate", "info"}) {
    const auto r = run_corridor({cmd, "--help"});
    CHECK(r.status == 0);
    CHECK_THAT(r.out, Contains("Usage"));
  }
  CHECK(run_corridor({"frobnicate"}).status == 1);
  CHECK(run_corridor({"run"}).status == 1);
}

TEST_CASE("corridor run --format gpkg writes one GeoPackage with layers nodes, links and od for QGIS", "[e2e][gpkg]") {
  TempDir dir("gpkg-out");
  const auto out = dir / "out";
  const auto r = run_corridor({"run", std::string(CORRIDOR_SOURCE_DIR) + "/scenarios/baseline.yaml", "--out", out.string(),
                               "--format", "gpkg", "--quiet"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.empty());
  REQUIRE(fs::exists(out / "results.gpkg"));
  CHECK_FALSE(fs::exists(out / "links.geojson"));
  CHECK(fs::exists(out / "od.csv"));
  CHECK(fs::exists(out / "summary.json"));

  GDALAllRegister();
  std::unique_ptr<GDALDataset> ds(
      GDALDataset::Open((out / "results.gpkg").string().c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY));
  REQUIRE(ds);
  CHECK(std::string(ds->GetDriver()->GetDescription()) == "GPKG");
  REQUIRE(ds->GetLayerByName("nodes"));
  REQUIRE(ds->GetLayerByName("links"));
  REQUIRE(ds->GetLayerByName("od"));
  // Every feature of the bundled network reaches the results.
  auto count = [](const std::string& layer) {
    return static_cast<GIntBig>(nlohmann::json::parse(read_file(fs::path(CORRIDOR_SOURCE_DIR) / "scenarios/network" /
                                                                (layer + ".geojson")))["features"].size());
  };
  CHECK(ds->GetLayerByName("nodes")->GetFeatureCount() == count("nodes"));
  CHECK(ds->GetLayerByName("links")->GetFeatureCount() == count("links"));
  OGRLayer* od = ds->GetLayerByName("od");
  // One od feature per row of the bundled market (scenarios/market_2024.csv, comments aside).
  std::size_t market_rows = 0;
  {
    std::istringstream csv(read_file(fs::path(CORRIDOR_SOURCE_DIR) / "scenarios/market_2024.csv"));
    for (std::string line; std::getline(csv, line);)
      if (!line.empty() && line[0] != '#') ++market_rows;
  }
  CHECK(od->GetFeatureCount() == static_cast<GIntBig>(market_rows - 1));
  CHECK(wkbFlatten(od->GetGeomType()) == wkbLineString);
  CHECK(od->GetSpatialRef()->GetEPSGGeogCS() == 4326);
  od->ResetReading();
  std::unique_ptr<OGRFeature> f(od->GetNextFeature());
  REQUIRE(f);
  // Typed fields: numbers stay numbers; the route's line runs from the origin to the destination.
  CHECK(f->GetFieldDefnRef(f->GetFieldIndex("transit_days"))->GetType() == OFTReal);
  CHECK(f->GetFieldAsDouble("transit_days") > 5.0);
  const auto* line = f->GetGeometryRef()->toLineString();
  REQUIRE(line->getNumPoints() > 10);
  OGRLayer* nodes = ds->GetLayerByName("nodes");
  nodes->SetAttributeFilter(("id = '" + std::string(f->GetFieldAsString("origin")) + "'").c_str());
  std::unique_ptr<OGRFeature> origin(nodes->GetNextFeature());
  REQUIRE(origin);
  CHECK(line->getX(0) == Approx(origin->GetGeometryRef()->toPoint()->getX()).margin(1e-6));
  CHECK(line->getY(0) == Approx(origin->GetGeometryRef()->toPoint()->getY()).margin(1e-6));
}
