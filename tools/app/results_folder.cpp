#include "tools/app/results_folder.hpp"

#include <openssl/evp.h>
#include <unistd.h>

#include <cmath>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "geo/error.hpp"
#include "geo/csv.hpp"
#include "geo/writer.hpp"

namespace corridor::app {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

std::string fixed(double x, int decimals) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(decimals) << x;
  return s.str();
}

namespace {

/// Rounds for JSON and GeoJSON output so that noise in the last bits never shows.
double rounded(double x, int decimals = 6) {
  const double scale = std::pow(10.0, decimals);
  return std::round(x * scale) / scale;
}

geo::Value optional_value(const std::optional<double>& v, int decimals = 6) {
  return v ? geo::Value(rounded(*v, decimals)) : geo::Value(std::monostate{});
}

}  // namespace

StagedFolder::StagedFolder(fs::path dir) : dir_(std::move(dir)) {
  if (dir_.filename().empty()) dir_ = dir_.parent_path();
  const std::string pid = std::to_string(::getpid());
  staging_ = dir_.parent_path() / ("." + dir_.filename().string() + ".partial-" + pid);
  old_ = dir_.parent_path() / ("." + dir_.filename().string() + ".old-" + pid);
  std::error_code ec;
  if (!dir_.parent_path().empty()) fs::create_directories(dir_.parent_path(), ec);
  fs::remove_all(staging_, ec);
  if (!fs::create_directory(staging_, ec) || ec)
    throw InputError(dir_.string(), "", "cannot create results folder: " + ec.message());
}

StagedFolder::~StagedFolder() {
  std::error_code ec;
  if (!committed_) fs::remove_all(staging_, ec);
}

void StagedFolder::commit() {
  std::error_code ec;
  const bool had_old = fs::exists(dir_);
  if (had_old) fs::rename(dir_, old_);
  fs::rename(staging_, dir_);
  committed_ = true;
  if (had_old) fs::remove_all(old_, ec);
}

std::string sha256_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file.string(), "", "cannot read file to hash");
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) EVP_DigestUpdate(ctx.get(), buf, static_cast<std::size_t>(in.gcount()));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &len);
  std::ostringstream hex;
  for (unsigned int i = 0; i < len; ++i) hex << std::hex << std::setw(2) << std::setfill('0') << static_cast<int>(digest[i]);
  return hex.str();
}

std::string route_text(const network::Network& net, const freight::Path& path) {
  std::string out;
  for (std::size_t n : path.nodes) out += (out.empty() ? "" : ">") + net.nodes()[n].id;
  return out;
}

ordered_json freight_kpis(const network::Network& net, const freight::FreightResults& r) {
  double demand = 0, served = 0, unserved = 0, weighted_days = 0, worst_days = 0;
  std::size_t unserved_pairs = 0;
  for (const auto& od : r.od) {
    demand += od.demand_teu_per_year;
    served += od.assigned_teu_per_year;
    unserved += od.unserved_teu_per_year;
    if (od.unserved_teu_per_year > 0) ++unserved_pairs;
    if (od.route) {
      weighted_days += od.assigned_teu_per_year * od.transit_time_h / 24.0;
      worst_days = std::max(worst_days, od.transit_time_h / 24.0);
    }
  }
  ordered_json over_links = ordered_json::array(), over_nodes = ordered_json::array();
  double max_link_util = 0.0;
  std::string max_link;
  for (std::size_t i = 0; i < net.links().size(); ++i) {
    const auto u = freight::link_utilization(net, r, i);
    if (!u) continue;
    if (*u > max_link_util) {
      max_link_util = *u;
      max_link = net.links()[i].id;
    }
    if (*u > 1.0) over_links.push_back({{"id", net.links()[i].id}, {"utilization", rounded(*u, 4)}});
  }
  for (std::size_t i = 0; i < net.nodes().size(); ++i) {
    const auto u = freight::node_utilization(net, r, i);
    if (u && *u > 1.0) over_nodes.push_back({{"id", net.nodes()[i].id}, {"utilization", rounded(*u, 4)}});
  }
  ordered_json k;
  k["demand_teu_per_year"] = rounded(demand, 3);
  k["served_teu_per_year"] = rounded(served, 3);
  k["unserved_teu_per_year"] = rounded(unserved, 3);
  k["unserved_od_pairs"] = unserved_pairs;
  k["mean_transit_days"] = served > 0 ? rounded(weighted_days / served, 4) : 0.0;
  k["worst_transit_days"] = rounded(worst_days, 4);
  k["max_link_utilization"] = rounded(max_link_util, 4);
  k["max_link_utilization_link"] = max_link;
  k["links_over_capacity"] = over_links;
  k["nodes_over_capacity"] = over_nodes;
  return k;
}

namespace {

/// One row of the od table: column names and text values (CSV) with the typed value (GeoPackage).
struct OdTable {
  std::vector<std::string> columns;
  std::vector<std::vector<geo::Value>> rows;
};

OdTable od_table(const network::Network& net, const scenario::Scenario& scenario, const freight::FreightResults& r,
                 const ResultsExtras& extras) {
  OdTable t;
  t.columns = {"origin", "origin_name", "destination", "destination_name", "commodity", "demand_teu_per_year",
               "assigned_teu_per_year", "unserved_teu_per_year", "route_family", "transit_time_h", "transit_days",
               "cost_usd_per_teu", "length_km", "route"};
  for (const auto& [name, values] : extras.od_columns) t.columns.push_back(name);
  for (const auto& fam : scenario.route_families) {
    t.columns.push_back(fam.name + "_transit_days");
    t.columns.push_back(fam.name + "_cost_usd_per_teu");
  }
  const geo::Value null{std::monostate{}};
  for (std::size_t i = 0; i < r.od.size(); ++i) {
    const auto& od = r.od[i];
    const auto& o = net.nodes()[od.origin];
    const auto& d = net.nodes()[od.destination];
    std::vector<geo::Value> row{o.id, o.name, d.id, d.name, od.commodity, od.demand_teu_per_year,
                                od.assigned_teu_per_year, od.unserved_teu_per_year};
    if (od.route) {
      row.insert(row.end(), {geo::Value(od.route_family), od.transit_time_h, od.transit_time_h / 24.0,
                             od.route->cost_usd_per_teu, od.route->length_km, route_text(net, *od.route)});
    } else {
      row.insert(row.end(), 6, null);
    }
    for (const auto& [name, values] : extras.od_columns) row.emplace_back(i < values.size() ? values[i] : std::string());
    for (const auto& opt : od.options) {
      if (opt.path) row.insert(row.end(), {opt.path->time_h / 24.0, opt.path->cost_usd_per_teu});
      else row.insert(row.end(), 2, null);
    }
    t.rows.push_back(std::move(row));
  }
  return t;
}

/// Decimals per od column in CSV (stable text across runs and platforms).
int od_decimals(const std::string& column) {
  if (column.ends_with("_teu_per_year") || column == "length_km") return 1;
  return 2;
}

}  // namespace

std::string od_csv(const network::Network& net, const scenario::Scenario& scenario, const freight::FreightResults& r,
                   const ResultsExtras& extras) {
  const OdTable t = od_table(net, scenario, r, extras);
  std::string out;
  for (std::size_t c = 0; c < t.columns.size(); ++c) out += (c ? "," : "") + t.columns[c];
  out += '\n';
  for (const auto& row : t.rows) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (c) out += ',';
      if (const auto* x = std::get_if<double>(&row[c])) out += fixed(*x, od_decimals(t.columns[c]));
      else out += geo::csv_field(geo::to_text(row[c]));
    }
    out += '\n';
  }
  return out;
}

std::vector<geo::LonLat> route_geometry(const network::Network& net, const freight::Path& path) {
  std::vector<geo::LonLat> line;
  for (const auto& step : path.steps) {
    const auto& g = net.links()[step.link].geometry;
    const std::size_t start = line.empty() ? 0 : 1;  // the joint vertex once
    if (step.forward) {
      for (std::size_t k = start; k < g.size(); ++k) line.push_back(g[k]);
    } else {
      for (std::size_t k = start; k < g.size(); ++k) line.push_back(g[g.size() - 1 - k]);
    }
  }
  return line;
}

namespace {

std::string routes_csv(const network::Network& net, const freight::FreightResults& r) {
  std::string out =
      "origin,origin_name,destination,destination_name,commodity,route_family,transit_time_h,transit_days,"
      "cost_usd_per_teu,tariffs_and_fees_usd_per_teu,length_km,route\n";
  for (const auto& od : r.od) {
    const auto& o = net.nodes()[od.origin];
    const auto& d = net.nodes()[od.destination];
    for (const auto& opt : od.options) {
      out += geo::csv_field(o.id) + ',' + geo::csv_field(o.name) + ',' + geo::csv_field(d.id) + ',' +
             geo::csv_field(d.name) + ',' + geo::csv_field(od.commodity) + ',' + geo::csv_field(opt.family) + ',';
      if (opt.path) {
        out += fixed(opt.path->time_h, 2) + ',' + fixed(opt.path->time_h / 24.0, 2) + ',' +
               fixed(opt.path->cost_usd_per_teu, 2) + ',' + fixed(opt.path->money_usd_per_teu, 2) + ',' +
               fixed(opt.path->length_km, 1) + ',' + geo::csv_field(route_text(net, *opt.path));
      } else {
        out += ",,,,,";
      }
      out += '\n';
    }
  }
  return out;
}

/// Link i of links.geojson: its input attributes, flows, utilization and what the extras add.
geo::Feature link_feature(const network::Network& net, const freight::FreightResults& r, const ResultsExtras& extras,
                          std::size_t i) {
  const auto& l = net.links()[i];
  geo::Feature f = l.source_feature;
  f.set("from", net.nodes()[l.from].id);
  f.set("to", net.nodes()[l.to].id);
  f.set("length_km", rounded(l.length_km, 3));
  f.set("closed", l.closed);
  f.set("flow_teu_per_day", rounded(r.links[i].flow_teu_per_day(), 3));
  f.set("flow_forward_teu_per_day", rounded(r.links[i].flow_forward_teu_per_day, 3));
  f.set("flow_backward_teu_per_day", rounded(r.links[i].flow_backward_teu_per_day, 3));
  f.set("utilization", optional_value(freight::link_utilization(net, r, i), 4));
  f.set("travel_time_h", optional_value(net.free_flow_time_h(i), 3));
  for (const auto& add : extras.link_properties) add(i, f);
  f.geometry = geo::GeometryKind::line_string;
  f.points = l.geometry;
  return f;
}

/// Node i of nodes.geojson: its input attributes, throughput, utilization and what the extras add.
geo::Feature node_feature(const network::Network& net, const freight::FreightResults& r, const ResultsExtras& extras,
                          std::size_t i) {
  const auto& n = net.nodes()[i];
  geo::Feature f = n.source_feature;
  f.set("throughput_teu_per_day", rounded(r.nodes[i].throughput_teu_per_day, 3));
  f.set("utilization", optional_value(freight::node_utilization(net, r, i), 4));
  f.set("delay_h", rounded(n.dwell_h, 3));
  for (const auto& add : extras.node_properties) add(i, f);
  f.geometry = geo::GeometryKind::point;
  f.points = {n.position};
  return f;
}

std::vector<geo::Feature> od_features(const network::Network& net, const scenario::Scenario& scenario,
                                      const freight::FreightResults& r, const ResultsExtras& extras) {
  const OdTable t = od_table(net, scenario, r, extras);
  std::vector<geo::Feature> out;
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    geo::Feature f;
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      const auto* x = std::get_if<double>(&t.rows[i][c]);
      f.set(t.columns[c], x ? geo::Value(rounded(*x, 4)) : t.rows[i][c]);
    }
    if (r.od[i].route) {
      f.geometry = geo::GeometryKind::line_string;
      f.points = route_geometry(net, *r.od[i].route);
    }
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace

void write_results(const fs::path& dir, const network::Network& net, const scenario::Scenario& scenario,
                   const freight::FreightResults& results, double run_time_s, const ResultsExtras& extras,
                   geo::VectorFormat format) {
  StagedFolder folder(dir);
  // Links and nodes are made one at a time as GDAL writes them: a continental network's result layers
  // never sit in memory whole.
  const geo::FeatureSource links{net.links().size(),
                                 [&](std::size_t i) { return link_feature(net, results, extras, i); }};
  const geo::FeatureSource nodes{net.nodes().size(),
                                 [&](std::size_t i) { return node_feature(net, results, extras, i); }};
  if (format == geo::VectorFormat::gpkg) {
    const auto od = od_features(net, scenario, results, extras);
    geo::write_layers(folder.file("results.gpkg"), {{"nodes", geo::GeometryKind::point, nullptr, nodes},
                                                   {"links", geo::GeometryKind::line_string, nullptr, links},
                                                   {"od", geo::GeometryKind::line_string, &od, {}}});
  } else {
    geo::write_layer(folder.file("links.geojson"), "links", geo::GeometryKind::line_string, links);
    geo::write_layer(folder.file("nodes.geojson"), "nodes", geo::GeometryKind::point, nodes);
  }
  geo::write_text(folder.file("od.csv"), od_csv(net, scenario, results, extras));
  geo::write_text(folder.file("routes.csv"), routes_csv(net, results));

  ordered_json summary;
  summary["scenario"] = scenario.name;
  summary["description"] = scenario.description;
  ordered_json inputs = ordered_json::array();
  auto add_input = [&](const fs::path& p) {
    if (p.empty() || !fs::is_regular_file(p)) return;
    inputs.push_back({{"file", p.filename().string()}, {"sha256", sha256_file(p)}});
  };
  for (const auto& p : scenario.input_files) add_input(p);
  add_input(scenario.network.dataset);
  add_input(scenario.network.nodes);
  add_input(scenario.network.links);
  summary["inputs"] = inputs;
  ordered_json commodities = ordered_json::object();
  for (const auto& c : scenario.commodities) commodities[c.name] = {{"value_of_time_usd_per_teu_h", c.value_of_time_usd_per_teu_h}};
  summary["solver"] = {{"freight_method", results.method},
                       {"days_per_year", scenario.freight.days_per_year},
                       {"snap_tolerance_km", scenario.network.snap_tolerance_km},
                       {"commodities", commodities}};
  summary["convergence"] = {{"converged", true}, {"iterations", 1}, {"relative_gap", 0.0}};
  summary["network"] = {{"nodes", net.nodes().size()}, {"links", net.links().size()}};
  summary["kpis"] = freight_kpis(net, results);
  for (const auto& [key, value] : extras.summary.items()) summary[key] = value;
  summary["run_time_s"] = rounded(run_time_s, 3);
  for (const auto& write : extras.files) write(folder.file(""));
  geo::write_text(folder.file("summary.json"), summary.dump(2) + "\n");
  folder.commit();
}

}  // namespace corridor::app
