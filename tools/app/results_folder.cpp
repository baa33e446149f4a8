#include "tools/app/results_folder.hpp"

#include <cmath>

#include "geo/csv.hpp"
#include "geo/error.hpp"
#include "geo/writer.hpp"
#include "tools/app/events_output.hpp"
#include "tools/app/gas_output.hpp"
#include "tools/app/number_text.hpp"
#include "tools/app/output_folder.hpp"

namespace corridor::app {

namespace fs = std::filesystem;
using nlohmann::ordered_json;

std::string route_text(const network::Network& net, const freight::Path& path) {
  std::string out;
  for (std::size_t n : path.nodes) out += (out.empty() ? "" : ">") + net.nodes()[n].id;
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

std::string link_ids(const network::Network& net, const freight::Path& path) {
  std::string out;
  for (const auto& s : path.steps) out += (out.empty() ? "" : ">") + net.links()[s.link].id;
  return out;
}

/// Flow-weighted means over the routes an OD uses: what od.csv reports for the OD as a whole.
struct OdMeans {
  double time_h = 0.0, cost_usd_per_teu = 0.0, money_usd_per_teu = 0.0, length_km = 0.0;
};
OdMeans od_means(const freight::OdResult& od) {
  OdMeans m;
  m.time_h = od.transit_time_h;
  for (const auto& r : od.routes) {
    m.cost_usd_per_teu += r.share * r.path.cost_usd_per_teu;
    m.money_usd_per_teu += r.share * r.path.money_usd_per_teu;
    m.length_km += r.share * r.path.length_km;
  }
  return m;
}

std::string shares_text(const network::Network& net, const freight::OdResult& od) {
  std::string out;
  for (const auto& r : od.routes) {
    if (!out.empty()) out += " | ";
    out += fixed(r.share, 4) + " " + fixed(r.path.time_h / 24.0, 2) + "d " + route_text(net, r.path);
  }
  return out;
}

/// The od table: column names and typed values (text for CSV, numbers for the GeoPackage layer).
struct OdTable {
  std::vector<std::string> columns;
  std::vector<std::vector<geo::Value>> rows;
};

OdTable od_table(const run::Results& res) {
  const auto& net = res.network;
  const auto& r = res.freight;
  OdTable t;
  t.columns = {"origin", "origin_name", "destination", "destination_name", "commodity", "demand_teu_per_year",
               "assigned_teu_per_year", "unserved_teu_per_year", "route_family", "transit_time_h", "transit_days",
               "cost_usd_per_teu", "tariffs_and_fees_usd_per_teu", "length_km", "route", "routes_used",
               "main_route_share", "route_shares"};
  for (const auto& fam : res.scenario.route_families) {
    t.columns.push_back(fam.name + "_transit_days");
    t.columns.push_back(fam.name + "_cost_usd_per_teu");
  }
  const geo::Value null{std::monostate{}};
  for (const auto& od : r.od) {
    const auto& o = net.nodes()[od.origin];
    const auto& d = net.nodes()[od.destination];
    std::vector<geo::Value> row{o.id, o.name, d.id, d.name, od.commodity, od.demand_teu_per_year,
                                od.assigned_teu_per_year, od.unserved_teu_per_year};
    if (od.route) {
      const OdMeans m = od_means(od);
      row.insert(row.end(), {geo::Value(od.route_family), m.time_h, m.time_h / 24.0, m.cost_usd_per_teu,
                             m.money_usd_per_teu, m.length_km, route_text(net, *od.route),
                             std::to_string(od.routes.size()), fixed(od.routes.front().share, 4), shares_text(net, od)});
    } else {
      row.insert(row.end(), {null, null, null, null, null, null, null, std::string("0"), null, std::string()});
    }
    for (const auto& opt : od.options) {
      if (opt.path) row.insert(row.end(), {opt.path->time_h / 24.0, opt.path->cost_usd_per_teu});
      else {
        row.push_back(null);
        row.push_back(null);
      }
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

std::string csv_text(const std::vector<std::string>& columns, const std::vector<std::vector<geo::Value>>& rows,
                     int (*decimals)(const std::string&)) {
  std::string out;
  for (std::size_t c = 0; c < columns.size(); ++c) out += (c ? "," : "") + columns[c];
  out += '\n';
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (c) out += ',';
      if (const auto* x = std::get_if<double>(&row[c])) out += fixed(*x, decimals(columns[c]));
      else out += geo::csv_field(geo::to_text(row[c]));
    }
    out += '\n';
  }
  return out;
}

/// Names of the bottleneck groups whose minimum cut holds each link and node (";"-joined).
struct CutMembership {
  std::vector<std::string> links, nodes;
};
CutMembership cut_membership(const run::Results& res) {
  CutMembership c{std::vector<std::string>(res.network.links().size()), std::vector<std::string>(res.network.nodes().size())};
  for (const auto& b : res.bottlenecks) {
    for (std::size_t l : b.cut_links) c.links[l] += (c.links[l].empty() ? "" : ";") + b.name;
    for (std::size_t n : b.cut_nodes) c.nodes[n] += (c.nodes[n].empty() ? "" : ";") + b.name;
  }
  return c;
}

/// Link i of links.geojson: its input attributes, the values the solution used, and the results.
geo::Feature link_feature(const run::Results& res, const CutMembership& cuts, std::size_t i) {
  const auto& net = res.network;
  const auto& r = res.freight;
  const auto& l = net.links()[i];
  geo::Feature f = l.source_feature;
  f.set("from", net.nodes()[l.from].id);
  f.set("to", net.nodes()[l.to].id);
  f.set("length_km", rounded(l.length_km, 3));
  f.set("closed", l.closed);
  if (l.mode != network::Mode::pipeline) {
    // The values the solution used (given, defaulted or edited by the scenario).
    f.set("speed_kmh", feature_number(l.speed_kmh, 4));
    f.set("cost_usd_per_teu", rounded(l.cost_usd_per_teu, 4));
    f.set("capacity_teu_per_day", feature_number(l.capacity_teu_per_day, 3));
    f.set("wait_h", rounded(l.wait_h, 4));
    f.set("flow_teu_per_day", rounded(r.links[i].flow_teu_per_day(), 3));
    f.set("flow_forward_teu_per_day", rounded(r.links[i].flow_forward_teu_per_day, 3));
    f.set("flow_backward_teu_per_day", rounded(r.links[i].flow_backward_teu_per_day, 3));
    f.set("utilization", feature_number(freight::link_utilization(net, r, i), 4));
    f.set("free_flow_travel_time_h", feature_number(net.free_flow_time_h(i), 3));
    f.set("travel_time_h", feature_number(r.times.link_forward_h[i], 3));
    f.set("travel_time_backward_h", feature_number(r.times.link_backward_h[i], 3));
    if (!r.queue_delay.link_forward_h.empty()) {
      f.set("queue_delay_h", feature_number(r.queue_delay.link_forward_h[i], 4));
      f.set("queue_delay_backward_h", feature_number(r.queue_delay.link_backward_h[i], 4));
      f.set("shadow_price_usd_per_teu", feature_number(r.shadow_price_usd_per_teu.link_forward_h[i], 4));
      f.set("shadow_price_backward_usd_per_teu", feature_number(r.shadow_price_usd_per_teu.link_backward_h[i], 4));
    }
  }
  if (!res.bottlenecks.empty()) {
    f.set("bottleneck", !cuts.links[i].empty());
    f.set("bottleneck_of", cuts.links[i]);
  }
  if (res.gas) add_gas_link_attributes(*res.gas, i, f);
  f.geometry = geo::GeometryKind::line_string;
  f.points = l.geometry;
  return f;
}

/// Node i of nodes.geojson: its input attributes, the values the solution used, and the results.
geo::Feature node_feature(const run::Results& res, const CutMembership& cuts, std::size_t i) {
  const auto& net = res.network;
  const auto& r = res.freight;
  const auto& n = net.nodes()[i];
  geo::Feature f = n.source_feature;
  if (!network::is_gas_kind(n.kind)) {
    f.set("dwell_h", rounded(n.dwell_h, 3));
    f.set("handling_usd_per_teu", rounded(n.handling_usd_per_teu, 4));
    f.set("capacity_teu_per_day", feature_number(n.capacity_teu_per_day, 3));
  }
  f.set("throughput_teu_per_day", rounded(r.nodes[i].throughput_teu_per_day, 3));
  f.set("utilization", feature_number(freight::node_utilization(net, r, i), 4));
  f.set("delay_h", feature_number(r.times.node_dwell_h[i], 3));
  if (!r.queue_delay.node_dwell_h.empty() && !network::is_gas_kind(n.kind)) {
    f.set("queue_delay_h", feature_number(r.queue_delay.node_dwell_h[i], 4));
    f.set("shadow_price_usd_per_teu", feature_number(r.shadow_price_usd_per_teu.node_dwell_h[i], 4));
  }
  if (!res.bottlenecks.empty()) {
    f.set("bottleneck", !cuts.nodes[i].empty());
    f.set("bottleneck_of", cuts.nodes[i]);
  }
  if (res.gas) add_gas_node_attributes(*res.gas, i, f);
  f.geometry = geo::GeometryKind::point;
  f.points = {n.position};
  return f;
}

std::vector<geo::Feature> od_features(const run::Results& res) {
  const OdTable t = od_table(res);
  std::vector<geo::Feature> out;
  for (std::size_t i = 0; i < t.rows.size(); ++i) {
    geo::Feature f;
    for (std::size_t c = 0; c < t.columns.size(); ++c) {
      const auto* x = std::get_if<double>(&t.rows[i][c]);
      f.set(t.columns[c], x ? feature_number(*x, 4) : t.rows[i][c]);
    }
    if (res.freight.od[i].route) {
      f.geometry = geo::GeometryKind::line_string;
      f.points = route_geometry(res.network, *res.freight.od[i].route);
    }
    out.push_back(std::move(f));
  }
  return out;
}

/// TEU per year the loads put through a selected element: a link's both directions, a node's throughput.
double element_teu_per_year(const run::Results& res, const freight::Selection& sel) {
  const double days = res.scenario.freight.days_per_year;
  return days * (sel.is_node ? res.freight.nodes[sel.index].throughput_teu_per_day
                             : res.freight.links[sel.index].flow_teu_per_day());
}

/// select.csv: one row per selected element and OD through it.
std::string select_csv(const run::Results& res) {
  const auto& net = res.network;
  std::string out =
      "element,element_kind,origin,origin_name,destination,destination_name,commodity,teu_per_year,"
      "forward_teu_per_year,share_of_od,share_of_element\n";
  for (const auto& sel : res.selections)
    for (const auto& o : sel.ods) {
      const auto& od = res.freight.od[o.od];
      const auto& a = net.nodes()[od.origin];
      const auto& b = net.nodes()[od.destination];
      out += geo::csv_field(sel.id) + ',' + (sel.is_node ? "node" : "link") + ',' + geo::csv_field(a.id) + ',' +
             geo::csv_field(a.name) + ',' + geo::csv_field(b.id) + ',' + geo::csv_field(b.name) + ',' +
             geo::csv_field(od.commodity) + ',' + fixed(o.teu_per_year, 1) + ',' +
             (sel.is_node ? std::string() : fixed(o.forward_teu_per_year, 1)) + ',' + fixed(o.share_of_od, 6) + ',' +
             fixed(sel.teu_per_year > 0.0 ? o.teu_per_year / sel.teu_per_year : 0.0, 6) + '\n';
    }
  return out;
}

/// The select layer: a desire line from origin to destination for every OD through a selected element.
std::vector<geo::Feature> select_features(const run::Results& res) {
  const auto& net = res.network;
  std::vector<geo::Feature> out;
  for (const auto& sel : res.selections)
    for (const auto& o : sel.ods) {
      const auto& od = res.freight.od[o.od];
      geo::Feature f;
      f.set("element", sel.id);
      f.set("element_kind", sel.is_node ? "node" : "link");
      f.set("origin", net.nodes()[od.origin].id);
      f.set("destination", net.nodes()[od.destination].id);
      f.set("commodity", od.commodity);
      f.set("teu_per_year", feature_number(o.teu_per_year, 1));
      f.set("share_of_od", feature_number(o.share_of_od, 6));
      f.set("share_of_element", feature_number(sel.teu_per_year > 0.0 ? o.teu_per_year / sel.teu_per_year : 0.0, 6));
      f.geometry = geo::GeometryKind::line_string;
      f.points = {net.nodes()[od.origin].position, net.nodes()[od.destination].position};
      out.push_back(std::move(f));
    }
  return out;
}

ordered_json bottleneck_json(const network::Network& net, const freight::CorridorBottleneck& b, double days) {
  ordered_json j;
  j["name"] = b.name;
  if (std::isinf(b.max_flow_teu_per_day)) {
    j["max_flow_teu_per_day"] = nullptr;
    j["max_flow_teu_per_year"] = nullptr;
    j["note"] = "a path without capacity limits joins the groups";
  } else {
    j["max_flow_teu_per_day"] = rounded(b.max_flow_teu_per_day, 3);
    j["max_flow_teu_per_year"] = std::round(b.max_flow_teu_per_day * days);
    if (b.max_flow_teu_per_day <= 0.0) j["note"] = "no open path joins the groups";
  }
  auto ids = ordered_json::array();
  for (std::size_t l : b.cut_links) ids.push_back(net.links()[l].id);
  j["cut_links"] = ids;
  ids = ordered_json::array();
  for (std::size_t n : b.cut_nodes) ids.push_back(net.nodes()[n].id);
  j["cut_nodes"] = ids;
  return j;
}

ordered_json kpis_json(const run::Results& res) {
  const auto& net = res.network;
  const auto& k = res.kpis;
  ordered_json j;
  j["demand_teu_per_year"] = rounded(k.demand_teu_per_year, 3);
  j["served_teu_per_year"] = rounded(k.served_teu_per_year, 3);
  j["unserved_teu_per_year"] = rounded(k.unserved_teu_per_year, 3);
  j["unserved_od_pairs"] = k.unserved_od_pairs;
  j["mean_transit_days"] = json_number(k.mean_transit_days, 4);
  j["worst_transit_days"] = rounded(k.worst_transit_days, 4);
  j["max_link_utilization"] = rounded(k.max_link_utilization, 4);
  j["max_link_utilization_link"] = k.max_link_utilization_link;
  ordered_json links = ordered_json::array(), nodes = ordered_json::array();
  for (const auto& e : k.over_capacity) {
    if (e.is_node)
      nodes.push_back({{"id", net.nodes()[e.index].id}, {"utilization", rounded(e.utilization, 4)},
                       {"delay_h", json_number(e.congested_h, 3)}, {"dwell_h", rounded(e.free_flow_h, 3)}});
    else
      links.push_back({{"id", net.links()[e.index].id}, {"utilization", rounded(e.utilization, 4)},
                       {"travel_time_h", json_number(e.congested_h, 3)},
                       {"free_flow_travel_time_h", rounded(e.free_flow_h, 3)}});
  }
  j["links_over_capacity"] = links;
  j["nodes_over_capacity"] = nodes;
  return j;
}

/// summary.json "choice": the stochastic equilibrium's choice model as solved, and the hard capacities
/// that bind with their shadow prices.
ordered_json choice_json(const run::Results& res) {
  const auto& s = res.scenario;
  const auto& c = s.freight.choice;
  ordered_json j;
  j["nests"] = c.nests_by_main_mode ? "main_mode" : "none";
  j["path_size"] = c.path_size;
  j["routes_per_od"] = c.routes_per_od;
  j["penalty_routes"] = c.penalty_routes;
  ordered_json disp = ordered_json::object();
  for (const auto& com : s.commodities) {
    if (!c.dispersion.contains(com.name)) continue;
    const auto& d = c.dispersion_of(com.name);
    const auto rel = c.reliability_usd_per_teu_h.find(com.name);
    disp[com.name] = {{"route_per_usd", d.route_per_usd},
                      {"mode_per_usd", d.mode_per_usd > 0.0 ? d.mode_per_usd : d.route_per_usd},
                      {"reliability_usd_per_teu_h", rel == c.reliability_usd_per_teu_h.end() ? 0.0 : rel->second}};
    if (!c.dispersion.at(com.name).same_as.empty()) disp[com.name]["same_as"] = c.dispersion.at(com.name).same_as;
  }
  j["dispersion"] = disp;
  ordered_json constants = ordered_json::array();
  for (const auto& k : c.constants) {
    ordered_json e = {{"name", k.name}, {"usd_per_teu", k.usd_per_teu}};
    if (k.main_mode) e["main_mode"] = std::string(network::to_string(*k.main_mode));
    if (!k.commodities.empty()) e["commodities"] = k.commodities;
    constants.push_back(e);
  }
  j["constants"] = constants;
  j["capacities"] = s.freight.hard_capacities ? "hard" : "soft";
  if (s.freight.unserved_usd_per_teu) j["unserved_usd_per_teu"] = *s.freight.unserved_usd_per_teu;
  ordered_json binding = ordered_json::array();
  for (const auto& b : res.binding_capacities) {
    ordered_json e;
    e["id"] = b.is_node ? res.network.nodes()[b.index].id : res.network.links()[b.index].id;
    e["element"] = b.is_node ? "node" : "link";
    if (!b.is_node) e["direction"] = b.forward ? "forward" : "backward";
    e["flow_teu_per_day"] = rounded(b.flow_teu_per_day, 3);
    e["capacity_teu_per_day"] = rounded(b.capacity_teu_per_day, 3);
    e["queue_delay_h"] = rounded(b.queue_delay_h, 4);
    e["shadow_price_usd_per_teu"] = rounded(b.shadow_price_usd_per_teu, 4);
    e["capacity_value_usd_per_year_per_teu_per_day"] = rounded(b.shadow_price_usd_per_teu * s.freight.days_per_year, 2);
    binding.push_back(e);
  }
  j["binding_capacities"] = binding;
  return j;
}

}  // namespace

std::string od_csv(const run::Results& res) {
  const OdTable t = od_table(res);
  return csv_text(t.columns, t.rows, od_decimals);
}

std::string od_routes_csv(const run::Results& res) {
  const auto& net = res.network;
  std::string out =
      "origin,destination,commodity,route_rank,share,teu_per_year,transit_time_h,transit_days,cost_usd_per_teu,"
      "tariffs_and_fees_usd_per_teu,length_km,main_mode,constants_usd_per_teu,time_sd_h,reliability_usd_per_teu,"
      "choice_cost_usd_per_teu,constants,route,route_links\n";
  for (const auto& od : res.freight.od) {
    for (std::size_t k = 0; k < od.routes.size(); ++k) {
      const auto& r = od.routes[k];
      std::string names;
      for (const auto& c : r.constants) names += (names.empty() ? "" : ";") + c;
      out += geo::csv_field(net.nodes()[od.origin].id) + ',' + geo::csv_field(net.nodes()[od.destination].id) + ',' +
             geo::csv_field(od.commodity) + ',' + std::to_string(k + 1) + ',' + fixed(r.share, 6) + ',' +
             fixed(r.share * od.assigned_teu_per_year, 3) + ',' + fixed(r.path.time_h, 4) + ',' +
             fixed(r.path.time_h / 24.0, 4) + ',' + fixed(r.path.cost_usd_per_teu, 4) + ',' +
             fixed(r.path.money_usd_per_teu, 4) + ',' + fixed(r.path.length_km, 3) + ',' + geo::csv_field(r.main_mode) +
             ',' + fixed(r.constants_usd_per_teu, 4) + ',' + fixed(r.time_sd_h, 4) + ',' + fixed(r.reliability_usd_per_teu, 4) +
             ',' + fixed(r.path.cost_usd_per_teu + r.constants_usd_per_teu + r.reliability_usd_per_teu, 4) + ',' +
             geo::csv_field(names) + ',' + geo::csv_field(route_text(net, r.path)) + ',' +
             geo::csv_field(link_ids(net, r.path)) + '\n';
    }
  }
  return out;
}

std::string routes_csv(const run::Results& res) {
  const auto& net = res.network;
  std::string out =
      "origin,origin_name,destination,destination_name,commodity,route_family,transit_time_h,transit_days,"
      "cost_usd_per_teu,tariffs_and_fees_usd_per_teu,length_km,route\n";
  for (const auto& od : res.freight.od) {
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

ordered_json summary_json(const run::Results& res, double run_time_s) {
  const auto& s = res.scenario;
  ordered_json summary;
  summary["scenario"] = s.name;
  summary["description"] = s.description;
  ordered_json inputs = ordered_json::array();
  for (const auto& in : res.inputs) inputs.push_back({{"file", in.file}, {"sha256", in.sha256}});
  summary["inputs"] = inputs;
  ordered_json commodities = ordered_json::object();
  for (const auto& c : s.commodities) {
    ordered_json modes = ordered_json::array();
    for (auto m : c.modes) modes.push_back(std::string(network::to_string(m)));
    commodities[c.name] = {{"value_of_time_usd_per_teu_h", c.value_of_time_usd_per_teu_h}, {"modes", modes}};
  }
  summary["solver"] = {{"freight_method", res.method},
                       {"algorithm", res.algorithm},
                       {"days_per_year", s.freight.days_per_year},
                       {"snap_tolerance_km", s.network.snap_tolerance_km},
                       {"commodities", commodities}};
  ordered_json conv = {{"converged", res.convergence.converged},
                       {"iterations", res.convergence.iterations},
                       {"relative_gap", res.convergence.relative_gap}};
  if (res.convergence.relative_gap_target) {
    conv["relative_gap_target"] = *res.convergence.relative_gap_target;
    conv["gap_definition"] = res.convergence.gap_definition;
  }
  summary["convergence"] = conv;
  if (s.freight.method == scenario::FreightMethod::stochastic_user_equilibrium) summary["choice"] = choice_json(res);
  summary["network"] = {{"nodes", res.network.nodes().size()}, {"links", res.network.links().size()}};
  summary["kpis"] = kpis_json(res);
  ordered_json defaults = ordered_json::array();
  for (const auto& d : res.defaults)
    defaults.push_back({{"attribute", d.attribute}, {"applies_to", d.applies_to}, {"value", d.value},
                        {"source", d.source}, {"features", d.features}});
  summary["defaults"] = defaults;
  summary["warnings"] = res.warnings;
  if (!res.bottlenecks.empty()) {
    ordered_json list = ordered_json::array();
    for (const auto& b : res.bottlenecks) list.push_back(bottleneck_json(res.network, b, s.freight.days_per_year));
    summary["bottlenecks"] = list;
  }
  if (!res.selections.empty()) {
    ordered_json list = ordered_json::array();
    for (const auto& sel : res.selections)
      list.push_back({{"id", sel.id},
                      {"element", sel.is_node ? "node" : "link"},
                      {"teu_per_year", rounded(sel.teu_per_year, 1)},
                      {"element_teu_per_year", rounded(element_teu_per_year(res, sel), 1)},
                      {"od_pairs", sel.ods.size()}});
    summary["select"] = list;
  }
  if (res.events) summary["events"] = event_kpis_json(res.network, *res.events, *res.event_kpis);
  if (res.gas) summary["gas"] = gas_summary_json(*res.gas);
  summary["run_time_s"] = rounded(run_time_s, 3);
  return summary;
}

void write_results(const fs::path& dir, const run::Results& res, double run_time_s, const std::vector<fs::path>& inputs,
                   geo::VectorFormat format) {
  StagedFolder folder(dir, FolderKind::run, inputs);
  const CutMembership cuts = cut_membership(res);
  // Links and nodes are made one at a time as GDAL writes them: a continental network's result layers
  // never sit in memory whole.
  const geo::FeatureSource links{res.network.links().size(), [&](std::size_t i) { return link_feature(res, cuts, i); }};
  const geo::FeatureSource nodes{res.network.nodes().size(), [&](std::size_t i) { return node_feature(res, cuts, i); }};
  if (format == geo::VectorFormat::gpkg) {
    const auto od = od_features(res);
    const auto select = select_features(res);
    std::vector<geo::LayerToWrite> layers{{"nodes", geo::GeometryKind::point, nullptr, nodes},
                                      {"links", geo::GeometryKind::line_string, nullptr, links},
                                      {"od", geo::GeometryKind::line_string, &od, {}}};
    if (!res.selections.empty()) layers.push_back({"select", geo::GeometryKind::line_string, &select, {}});
    geo::write_layers(folder.file("results.gpkg"), layers);
  } else {
    geo::write_layer(folder.file("links.geojson"), "links", geo::GeometryKind::line_string, links);
    geo::write_layer(folder.file("nodes.geojson"), "nodes", geo::GeometryKind::point, nodes);
    if (!res.selections.empty())
      geo::write_layer(folder.file("select.geojson"), "select", geo::GeometryKind::line_string, select_features(res));
  }
  if (!res.selections.empty()) geo::write_text(folder.file("select.csv"), select_csv(res));
  geo::write_text(folder.file("od.csv"), od_csv(res));
  geo::write_text(folder.file("od_routes.csv"), od_routes_csv(res));
  geo::write_text(folder.file("routes.csv"), routes_csv(res));
  if (res.events) write_event_results(folder.file(""), res.network, *res.events);
  if (res.gas) {
    geo::write_text(folder.file("gas_pipes.csv"), gas_pipes_csv(res.network, *res.gas));
    geo::write_text(folder.file("gas_nodes.csv"), gas_nodes_csv(*res.gas));
  }
  geo::write_text(folder.file("summary.json"), summary_json(res, run_time_s).dump(2) + "\n");
  folder.commit();
}

}  // namespace corridor::app
