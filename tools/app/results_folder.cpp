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

namespace {

/// A number with a fixed count of decimals, for CSV (stable across runs and platforms).
std::string fixed(double x, int decimals) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(decimals) << x;
  return s.str();
}

/// Rounds for JSON and GeoJSON output so that noise in the last bits never shows.
double rounded(double x, int decimals = 6) {
  const double scale = std::pow(10.0, decimals);
  return std::round(x * scale) / scale;
}

geo::Value optional_value(const std::optional<double>& v, int decimals = 6) {
  return v ? geo::Value(rounded(*v, decimals)) : geo::Value(std::monostate{});
}

/// Stages a folder beside `dir` and swaps it in when complete.
class StagedFolder {
public:
  explicit StagedFolder(fs::path dir) : dir_(std::move(dir)) {
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
  StagedFolder(const StagedFolder&) = delete;
  StagedFolder& operator=(const StagedFolder&) = delete;
  ~StagedFolder() {
    std::error_code ec;
    if (!committed_) fs::remove_all(staging_, ec);
  }
  [[nodiscard]] fs::path file(const std::string& name) const { return staging_ / name; }
  void commit() {
    std::error_code ec;
    const bool had_old = fs::exists(dir_);
    if (had_old) fs::rename(dir_, old_);
    fs::rename(staging_, dir_);
    committed_ = true;
    if (had_old) fs::remove_all(old_, ec);
  }

private:
  fs::path dir_, staging_, old_;
  bool committed_ = false;
};

}  // namespace

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
      weighted_days += od.assigned_teu_per_year * od.route->time_h / 24.0;
      worst_days = std::max(worst_days, od.route->time_h / 24.0);
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

std::string od_csv(const network::Network& net, const scenario::Scenario& scenario, const freight::FreightResults& r) {
  std::string out =
      "origin,origin_name,destination,destination_name,commodity,demand_teu_per_year,assigned_teu_per_year,"
      "unserved_teu_per_year,route_family,transit_time_h,transit_days,cost_usd_per_teu,length_km,route";
  for (const auto& fam : scenario.route_families)
    out += "," + fam.name + "_transit_days," + fam.name + "_cost_usd_per_teu";
  out += '\n';
  for (const auto& od : r.od) {
    const auto& o = net.nodes()[od.origin];
    const auto& d = net.nodes()[od.destination];
    out += geo::csv_field(o.id) + ',' + geo::csv_field(o.name) + ',' + geo::csv_field(d.id) + ',' + geo::csv_field(d.name) +
           ',' + geo::csv_field(od.commodity) + ',' + fixed(od.demand_teu_per_year, 1) + ',' +
           fixed(od.assigned_teu_per_year, 1) + ',' + fixed(od.unserved_teu_per_year, 1) + ',';
    if (od.route) {
      out += geo::csv_field(od.route_family) + ',' + fixed(od.route->time_h, 2) + ',' + fixed(od.route->time_h / 24.0, 2) +
             ',' + fixed(od.route->cost_usd_per_teu, 2) + ',' + fixed(od.route->length_km, 1) + ',' +
             geo::csv_field(route_text(net, *od.route));
    } else {
      out += ",,,,,";
    }
    for (const auto& opt : od.options) {
      if (opt.path) out += ',' + fixed(opt.path->time_h / 24.0, 2) + ',' + fixed(opt.path->cost_usd_per_teu, 2);
      else out += ",,";
    }
    out += '\n';
  }
  return out;
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

std::vector<geo::Feature> link_features(const network::Network& net, const freight::FreightResults& r) {
  std::vector<geo::Feature> out;
  out.reserve(net.links().size());
  for (std::size_t i = 0; i < net.links().size(); ++i) {
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
    f.geometry = geo::GeometryKind::line_string;
    f.points = l.geometry;
    out.push_back(std::move(f));
  }
  return out;
}

std::vector<geo::Feature> node_features(const network::Network& net, const freight::FreightResults& r) {
  std::vector<geo::Feature> out;
  out.reserve(net.nodes().size());
  for (std::size_t i = 0; i < net.nodes().size(); ++i) {
    const auto& n = net.nodes()[i];
    geo::Feature f = n.source_feature;
    f.set("throughput_teu_per_day", rounded(r.nodes[i].throughput_teu_per_day, 3));
    f.set("utilization", optional_value(freight::node_utilization(net, r, i), 4));
    f.set("delay_h", rounded(n.dwell_h, 3));
    f.geometry = geo::GeometryKind::point;
    f.points = {n.position};
    out.push_back(std::move(f));
  }
  return out;
}

}  // namespace

void write_results(const fs::path& dir, const network::Network& net, const scenario::Scenario& scenario,
                   const freight::FreightResults& results, double run_time_s) {
  StagedFolder folder(dir);
  geo::write_layer(folder.file("links.geojson"), "links", geo::GeometryKind::line_string, link_features(net, results));
  geo::write_layer(folder.file("nodes.geojson"), "nodes", geo::GeometryKind::point, node_features(net, results));
  geo::write_text(folder.file("od.csv"), od_csv(net, scenario, results));
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
  summary["solver"] = {{"freight_method", "all_or_nothing"},
                       {"days_per_year", scenario.freight.days_per_year},
                       {"snap_tolerance_km", scenario.network.snap_tolerance_km},
                       {"commodities", commodities}};
  summary["convergence"] = {{"converged", true}, {"iterations", 1}, {"relative_gap", 0.0}};
  summary["network"] = {{"nodes", net.nodes().size()}, {"links", net.links().size()}};
  summary["kpis"] = freight_kpis(net, results);
  summary["run_time_s"] = rounded(run_time_s, 3);
  geo::write_text(folder.file("summary.json"), summary.dump(2) + "\n");
  folder.commit();
}

}  // namespace corridor::app
