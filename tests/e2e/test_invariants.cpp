// Cross-file invariants: every file of a results folder tells the same truth. Each bundled scenario and
// Sioux Falls are run through the real executable (GeoJSON and GeoPackage results), and the files are
// checked against each other, not against the code:
//   I1  every route's time in od_routes.csv = the sum along it of the links' travel_time_h (or
//       travel_time_backward_h, by direction) and the nodes' delay_h in links.geojson / nodes.geojson;
//   I2  its tariffs = the sum of the links' cost_usd_per_teu and the nodes' handling_usd_per_teu, its
//       generalized cost = value of time x time + tariffs, its length = the sum of the links' length_km;
//   I3  od.csv's transit_time_h, cost, tariffs and length = the share-weighted means over the OD's routes
//       in od_routes.csv; routes_used = its number of routes; route = the route of rank 1;
//   I4  served + unserved = demand for every OD;
//   I5  every link's flow per direction and every node's throughput = the sum of the route flows
//       (teu_per_year / days_per_year) through it;
//   I6  summary.json's KPIs = the sums and demand-weighted means over od.csv, and its elements over
//       capacity are exactly the links and nodes whose utilization exceeds 1, with their delay;
//   I7  results.gpkg holds the same attributes as links.geojson and nodes.geojson, and its od layer the
//       same values as od.csv.
#include <catch2/catch.hpp>
#include <gdal_priv.h>
#include <ogrsf_frmts.h>

#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "tests/support/csv_table.hpp"
#include "tests/support/run_cli.hpp"
#include "tests/support/temp_dir.hpp"

using namespace corridor::test;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == sep) {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!s.empty()) out.push_back(cur);
  return out;
}

double num(const json& v) { return v.is_number() ? v.get<double>() : std::nan(""); }

/// at(m, key), failing the test with the key's name when it is absent.
template <typename Map>
const typename Map::mapped_type& at(const Map& m, const std::string& key) {
  const auto it = m.find(key);
  if (it == m.end()) FAIL("no '" << key << "'");
  return it->second;
}

/// The results of one run, as read from its files.
struct Folder {
  std::map<std::string, json> links, nodes;  // id -> properties
  CsvTable od, routes;
  json summary;
};

Folder read_folder(const fs::path& dir) {
  Folder f;
  const json links = json::parse(read_file(dir / "links.geojson"));
  const json nodes = json::parse(read_file(dir / "nodes.geojson"));
  for (const auto& feature : links["features"]) f.links[feature["properties"]["id"].get<std::string>()] = feature["properties"];
  for (const auto& feature : nodes["features"]) f.nodes[feature["properties"]["id"].get<std::string>()] = feature["properties"];
  f.od = read_csv_table(dir / "od.csv");
  f.routes = read_csv_table(dir / "od_routes.csv");
  f.summary = json::parse(read_file(dir / "summary.json"));
  return f;
}

double d(const std::map<std::string, std::string>& row, const std::string& key) {
  const auto it = row.find(key);
  REQUIRE(it != row.end());
  return it->second.empty() ? std::nan("") : std::stod(it->second);
}

/// I1-I6 on one results folder.
void check_invariants(const Folder& f, const std::string& label) {
  INFO(label);
  const auto& commodities = f.summary["solver"]["commodities"];
  const double days = f.summary["solver"]["days_per_year"].get<double>();
  std::map<std::string, double> forward, backward, through;  // route flows per link direction and node, TEU/day
  std::map<std::string, std::vector<const std::map<std::string, std::string>*>> routes_of;  // od key -> routes

  for (const auto& r : f.routes.rows) {
    const auto nodes = split(at(r, "route"), '>');
    const auto links = split(at(r, "route_links"), '>');
    REQUIRE(nodes.size() == links.size() + 1);
    double time = 0.0, money = 0.0, length = 0.0;
    const double flow = d(r, "teu_per_year") / days;
    for (std::size_t k = 0; k < links.size(); ++k) {
      const json& l = at(f.links, links[k]);
      const bool fwd = l["from"] == nodes[k] && l["to"] == nodes[k + 1];
      REQUIRE((fwd || (l["to"] == nodes[k] && l["from"] == nodes[k + 1])));
      time += num(l[fwd ? "travel_time_h" : "travel_time_backward_h"]);
      money += num(l["cost_usd_per_teu"]);
      length += num(l["length_km"]);
      (fwd ? forward : backward)[links[k]] += flow;
    }
    for (const auto& n : nodes) {
      const json& node = at(f.nodes, n);
      time += num(node["delay_h"]);
      money += num(node["handling_usd_per_teu"]);
      through[n] += flow;
    }
    const double vot = commodities[at(r, "commodity")]["value_of_time_usd_per_teu_h"].get<double>();
    const double n_terms = static_cast<double>(nodes.size() + links.size());
    INFO(at(r, "origin") << " > " << at(r, "destination") << " route " << at(r, "route_rank"));
    CHECK(d(r, "transit_time_h") == Approx(time).margin(6e-4 * n_terms));                        // I1
    CHECK(d(r, "tariffs_and_fees_usd_per_teu") == Approx(money).margin(6e-5 * n_terms));         // I2
    CHECK(d(r, "cost_usd_per_teu") == Approx(vot * d(r, "transit_time_h") + money).margin(1e-3));  // I2
    CHECK(d(r, "length_km") == Approx(length).margin(6e-4 * n_terms));                            // I2
    routes_of[at(r, "origin") + "|" + at(r, "destination") + "|" + at(r, "commodity")].push_back(&r);
  }

  double demand = 0.0, served = 0.0, unserved = 0.0, weighted_days = 0.0, worst = 0.0;
  for (const auto& o : f.od.rows) {
    INFO(at(o, "origin") << " > " << at(o, "destination"));
    CHECK(d(o, "assigned_teu_per_year") + d(o, "unserved_teu_per_year") ==
          Approx(d(o, "demand_teu_per_year")).margin(0.11));  // I4 (CSV rounds to 0.1)
    demand += d(o, "demand_teu_per_year");
    served += d(o, "assigned_teu_per_year");
    unserved += d(o, "unserved_teu_per_year");
    const auto& routes = routes_of[at(o, "origin") + "|" + at(o, "destination") + "|" + at(o, "commodity")];
    CHECK(std::to_string(routes.size()) == at(o, "routes_used"));  // I3
    if (routes.empty()) continue;
    double t = 0.0, c = 0.0, m = 0.0, len = 0.0, share = 0.0;
    // od_routes.csv gives shares to 6 decimals: each route's rounded share moves a mean by up to
    // 5e-7 x its value.
    double slack_t = 0.0, slack_c = 0.0, slack_m = 0.0, slack_len = 0.0;
    for (const auto* r : routes) {
      const double s = d(*r, "share");
      slack_t += 5e-7 * d(*r, "transit_time_h");
      slack_c += 5e-7 * d(*r, "cost_usd_per_teu");
      slack_m += 5e-7 * d(*r, "tariffs_and_fees_usd_per_teu");
      slack_len += 5e-7 * d(*r, "length_km");
      share += s;
      t += s * d(*r, "transit_time_h");
      c += s * d(*r, "cost_usd_per_teu");
      m += s * d(*r, "tariffs_and_fees_usd_per_teu");
      len += s * d(*r, "length_km");
      if (at(*r, "route_rank") == "1") CHECK(at(*r, "route") == at(o, "route"));
    }
    CHECK(share == Approx(1.0).margin(1e-5));
    CHECK(d(o, "transit_time_h") == Approx(t).margin(0.006 + slack_t));     // I3 (od.csv: 2 decimals)
    CHECK(d(o, "transit_days") == Approx(t / 24.0).margin(0.006 + slack_t / 24.0));
    CHECK(d(o, "cost_usd_per_teu") == Approx(c).margin(0.006 + slack_c));
    CHECK(d(o, "tariffs_and_fees_usd_per_teu") == Approx(m).margin(0.006 + slack_m));
    CHECK(d(o, "length_km") == Approx(len).margin(0.06 + slack_len));
    weighted_days += d(o, "assigned_teu_per_year") * t / 24.0;
    worst = std::max(worst, t / 24.0);
  }

  // I5: loads are the sums of the route flows (routes below 1e-6 of an OD's flow are not listed).
  const double tolerance = 2e-3 + 1e-5 * served / days;
  for (const auto& [id, l] : f.links) {
    if (l["mode"] == "pipeline") continue;
    INFO("link " << id);
    CHECK(num(l["flow_forward_teu_per_day"]) == Approx(forward[id]).margin(tolerance));
    CHECK(num(l["flow_backward_teu_per_day"]) == Approx(backward[id]).margin(tolerance));
  }
  for (const auto& [id, n] : f.nodes) {
    INFO("node " << id);
    CHECK(num(n["throughput_teu_per_day"]) == Approx(through[id]).margin(tolerance));
  }

  // I6: the KPIs are the files' sums, and the elements over capacity are those of the layers.
  const auto& k = f.summary["kpis"];
  CHECK(num(k["demand_teu_per_year"]) == Approx(demand).margin(0.06 * static_cast<double>(f.od.rows.size())));
  CHECK(num(k["served_teu_per_year"]) == Approx(served).margin(0.06 * static_cast<double>(f.od.rows.size())));
  CHECK(num(k["unserved_teu_per_year"]) == Approx(unserved).margin(0.06 * static_cast<double>(f.od.rows.size())));
  if (served > 0) CHECK(num(k["mean_transit_days"]) == Approx(weighted_days / served).margin(1e-3));
  CHECK(num(k["worst_transit_days"]) == Approx(worst).margin(1e-3));
  std::map<std::string, double> over_nodes, over_links;
  for (const auto& e : k["nodes_over_capacity"]) over_nodes[e["id"].get<std::string>()] = num(e["delay_h"]);
  for (const auto& e : k["links_over_capacity"]) over_links[e["id"].get<std::string>()] = num(e["travel_time_h"]);
  for (const auto& [id, n] : f.nodes) {
    INFO("node " << id);
    const bool over = n["utilization"].is_number() && n["utilization"].get<double>() > 1.0;
    CHECK(over_nodes.count(id) == (over ? 1u : 0u));
    if (over) CHECK(over_nodes[id] == Approx(num(n["delay_h"])).margin(1e-3));
  }
  for (const auto& [id, l] : f.links) {
    if (l["mode"] == "pipeline") continue;
    const bool over = l["utilization"].is_number() && l["utilization"].get<double>() > 1.0;
    CHECK(over_links.count(id) == (over ? 1u : 0u));
  }
}

/// The attributes of one layer of a GeoPackage, by feature id.
std::map<std::string, std::map<std::string, std::string>> gpkg_layer(const fs::path& gpkg, const char* layer) {
  GDALAllRegister();
  std::unique_ptr<GDALDataset> ds(static_cast<GDALDataset*>(GDALOpenEx(gpkg.c_str(), GDAL_OF_VECTOR, nullptr, nullptr, nullptr)));
  REQUIRE(ds);
  OGRLayer* l = ds->GetLayerByName(layer);
  REQUIRE(l);
  std::map<std::string, std::map<std::string, std::string>> out;
  std::size_t n = 0;
  for (auto& feature : *l) {
    std::map<std::string, std::string> attrs;
    for (int i = 0; i < feature->GetFieldCount(); ++i)
      attrs[feature->GetFieldDefnRef(i)->GetNameRef()] = feature->IsFieldSetAndNotNull(i) ? feature->GetFieldAsString(i) : "";
    const std::string key = attrs.count("id") ? attrs["id"] : attrs["origin"] + "|" + attrs["destination"] + "|" +
                                                                  attrs["commodity"] + "|" + std::to_string(n);
    out[key] = std::move(attrs);
    ++n;
  }
  return out;
}

/// I7: the GeoPackage of the same run holds the same values.
void check_gpkg(const Folder& f, const fs::path& gpkg) {
  const auto links = gpkg_layer(gpkg, "links");
  const auto nodes = gpkg_layer(gpkg, "nodes");
  REQUIRE(links.size() == f.links.size());
  REQUIRE(nodes.size() == f.nodes.size());
  auto same = [](const json& v, const std::string& text) {
    if (v.is_null()) return text.empty();
    if (v.is_number()) return !text.empty() && std::abs(v.get<double>() - std::stod(text)) <= 1e-9 * (1.0 + std::abs(v.get<double>()));
    if (v.is_boolean()) return text == (v.get<bool>() ? "1" : "0");
    return v.get<std::string>() == text;
  };
  for (const char* key : {"flow_forward_teu_per_day", "flow_backward_teu_per_day", "utilization", "travel_time_h",
                          "travel_time_backward_h", "free_flow_travel_time_h", "cost_usd_per_teu"})
    for (const auto& [id, l] : f.links) {
      if (!l.contains(key)) continue;
      INFO("link " << id << " " << key);
      CHECK(same(l[key], at(links, id).at(key)));
    }
  for (const char* key : {"throughput_teu_per_day", "utilization", "delay_h", "dwell_h"})
    for (const auto& [id, n] : f.nodes) {
      if (!n.contains(key)) continue;
      INFO("node " << id << " " << key);
      CHECK(same(n[key], at(nodes, id).at(key)));
    }
  const auto od = gpkg_layer(gpkg, "od");
  REQUIRE(od.size() == f.od.rows.size());
  std::size_t i = 0;
  for (const auto& o : f.od.rows) {
    const auto& g = at(od, at(o, "origin") + "|" + at(o, "destination") + "|" + at(o, "commodity") + "|" + std::to_string(i++));
    for (const char* key : {"transit_time_h", "cost_usd_per_teu", "assigned_teu_per_year"}) {
      INFO("od " << at(o, "origin") << " > " << at(o, "destination") << " " << key);
      if (at(o, key).empty()) CHECK(at(g, key).empty());
      else CHECK(std::stod(at(g, key)) == Approx(std::stod(at(o, key))).margin(std::string(key).ends_with("_teu_per_year") ? 0.051 : 0.006));
    }
    CHECK(at(g, "route") == at(o, "route"));
  }
}

void check_scenario(const fs::path& scenario, const std::string& label) {
  TempDir dir("invariants");
  const auto r = run_corridor({"run", scenario.string(), "--out", (dir / "geojson").string(), "-q"});
  INFO(label << ": " << r.err);
  REQUIRE(r.status == 0);
  const Folder f = read_folder(dir / "geojson");
  check_invariants(f, label);
  const auto g = run_corridor({"run", scenario.string(), "--out", (dir / "gpkg").string(), "--format", "gpkg", "-q"});
  REQUIRE(g.status == 0);
  check_gpkg(f, dir / "gpkg/results.gpkg");
  CHECK(read_file(dir / "gpkg/od.csv") == read_file(dir / "geojson/od.csv"));
}

}  // namespace

TEST_CASE("every file of every bundled scenario's results tells the same truth", "[e2e][invariants]") {
  for (const auto& e : fs::directory_iterator(fs::path(CORRIDOR_SOURCE_DIR) / "scenarios")) {
    if (e.path().extension() != ".yaml") continue;
    SECTION(e.path().filename().string()) { check_scenario(e.path(), e.path().filename().string()); }
  }
}

TEST_CASE("every file of Sioux Falls' equilibrium tells the same truth", "[e2e][invariants]") {
  const fs::path tntp = fs::path(CORRIDOR_SHARED_DATA_DIR) / "tntp/SiouxFalls";
  if (!fs::exists(tntp)) {
    WARN("skipped: " << tntp << " is absent");
    return;
  }
  TempDir dir("invariants-sf");
  const auto imported = run_corridor({"import", "tntp", (tntp / "SiouxFalls_net.tntp").string(),
                                      (tntp / "SiouxFalls_trips.tntp").string(), "--nodes",
                                      (tntp / "SiouxFalls_node.tntp").string(), "--out", (dir / "sf").string()});
  REQUIRE(imported.status == 0);
  check_scenario(dir / "sf/scenario.yaml", "Sioux Falls");
}

TEST_CASE("the files tell the same truth for every assignment method, Frank-Wolfe's route shares included",
          "[e2e][invariants]") {
  const std::string base = (fs::path(CORRIDOR_SOURCE_DIR) / "scenarios/baseline.yaml").string();
  TempDir dir("invariants-methods");
  for (const char* freight :
       {"{method: all_or_nothing}", "{method: system_optimum}", "{algorithm: frank_wolfe, relative_gap: 1.0e-5}",
        "{algorithm: conjugate_frank_wolfe, relative_gap: 1.0e-5}", "{algorithm: biconjugate_frank_wolfe, relative_gap: 1.0e-5}",
        "{method: user_equilibrium}",
        "{method: stochastic_user_equilibrium, choice: {dispersion: {cn_eu: {route_per_usd: 0.003, mode_per_usd: 0.001}}, "
        "constants: [{name: via_caspian, usd_per_teu: -100, select: {ids: [ALY]}}], reliability_usd_per_teu_h: {cn_eu: 4}}}",
        "{method: stochastic_user_equilibrium, capacities: hard, unserved_usd_per_teu: 20000}"}) {
    SECTION(freight) {
      const auto file = dir.write("m.yaml", "extends: " + base + "\nname: m\nfreight: " + freight + "\n");
      check_scenario(file, freight);
      // Every served OD lists its routes (link-based methods keep their route flows too).
      TempDir out("invariants-method-out");
      REQUIRE(run_corridor({"run", file.string(), "--out", (out / "r").string(), "-q"}).status == 0);
      for (const auto& o : read_csv_table(out / "r/od.csv").rows) {
        CHECK(at(o, "routes_used") != "0");
        CHECK_FALSE(at(o, "route_shares").empty());
      }
    }
  }
}
