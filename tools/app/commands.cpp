#include "tools/app/commands.hpp"

#include <chrono>
#include <cmath>
#include <iomanip>
#include <ostream>
#include <sstream>

#include "geo/error.hpp"
#include "sim/events/settings.hpp"
#include "sim/events/simulator.hpp"
#include "sim/freight/assignment.hpp"
#include "sim/freight/corridor_equilibrium.hpp"
#include "sim/scenario/scenario.hpp"
#include "sim/scenario/yaml_reader.hpp"
#include "tools/app/events_output.hpp"
#include "tools/app/gas_run.hpp"
#include "tools/app/network_io.hpp"
#include "tools/app/report.hpp"
#include "tools/app/results_folder.hpp"

namespace corridor::app {

namespace fs = std::filesystem;

namespace {

/// Display width of UTF-8 text (code points; enough for the Latin, Cyrillic and CJK-free names here).
std::size_t display_width(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string pad(const std::string& s, std::size_t width) {
  const std::size_t w = display_width(s);
  return w >= width ? s : s + std::string(width - w, ' ');
}

std::string number(double x, int decimals) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(decimals) << x;
  return s.str();
}

void print_od_table(std::ostream& out, const network::Network& net, const scenario::Scenario& s,
                    const freight::FreightResults& r) {
  std::size_t wo = 6, wd = 11, wf = 8;
  for (const auto& od : r.od) {
    wo = std::max(wo, display_width(net.nodes()[od.origin].name));
    wd = std::max(wd, display_width(net.nodes()[od.destination].name));
    wf = std::max(wf, display_width(od.route_family));
  }
  out << pad("Origin", wo + 2) << pad("Destination", wd + 2) << pad("Route", wf + 2) << std::setw(7) << "Days"
      << std::setw(10) << "USD/TEU";
  for (const auto& fam : s.route_families) out << "  " << std::setw(9) << (fam.name + " d");
  out << '\n';
  for (const auto& od : r.od) {
    out << pad(net.nodes()[od.origin].name, wo + 2) << pad(net.nodes()[od.destination].name, wd + 2);
    if (od.route) {
      out << pad(od.route_family.empty() ? "other" : od.route_family, wf + 2) << std::setw(7)
          << number(od.transit_time_h / 24.0, 1) << std::setw(10) << number(od.route->cost_usd_per_teu, 0);
    } else {
      out << pad("UNSERVED", wf + 2) << std::setw(7) << "-" << std::setw(10) << "-";
    }
    for (const auto& opt : od.options) out << "  " << std::setw(9) << (opt.path ? number(opt.path->time_h / 24.0, 1) : "-");
    out << '\n';
  }
}

bool is_scenario_file(const std::string& path) {
  const auto ext = fs::path(path).extension().string();
  return ext == ".yaml" || ext == ".yml";
}

}  // namespace

namespace {

/// Demand with no path at all: an error naming the demand row, unless the scenario reports it as unserved.
void check_reachable(const network::Network& net, const scenario::Scenario& s, const freight::FreightResults& r) {
  if (!s.freight.unreachable_demand_is_error) return;
  ProblemList problems;
  for (std::size_t i = 0; i < r.od.size(); ++i) {
    const auto& od = r.od[i];
    if (od.unserved_teu_per_year <= 0.0) continue;
    const auto& row = s.demand[i];
    problems.add(row.origin.file, "line " + std::to_string(row.origin.line),
                 "no open path from " + net.nodes()[od.origin].id + " to " + net.nodes()[od.destination].id + " for " +
                     od.commodity + " (closed links or nodes, or modes not allowed); set freight: {unreachable_demand: "
                     "unserved} to report such demand as unserved");
  }
  problems.throw_if_any();
}

nlohmann::ordered_json bottleneck_json(const network::Network& net, const freight::CorridorBottleneck& b, double days) {
  nlohmann::ordered_json j;
  j["name"] = b.name;
  if (std::isinf(b.max_flow_teu_per_day)) {
    j["max_flow_teu_per_day"] = nullptr;
    j["max_flow_teu_per_year"] = nullptr;
    j["note"] = "a path without capacity limits joins the groups";
  } else {
    j["max_flow_teu_per_day"] = std::round(b.max_flow_teu_per_day * 1000.0) / 1000.0;
    j["max_flow_teu_per_year"] = std::round(b.max_flow_teu_per_day * days);
  }
  auto ids = nlohmann::ordered_json::array();
  for (std::size_t l : b.cut_links) ids.push_back(net.links()[l].id);
  j["cut_links"] = ids;
  ids = nlohmann::ordered_json::array();
  for (std::size_t n : b.cut_nodes) ids.push_back(net.nodes()[n].id);
  j["cut_nodes"] = ids;
  return j;
}

std::string shares_text(const network::Network& net, const freight::OdResult& od) {
  std::string out;
  for (const auto& r : od.routes) {
    if (!out.empty()) out += " | ";
    out += number(r.share, 4) + " " + number(r.path.time_h / 24.0, 2) + "d " + route_text(net, r.path);
  }
  return out;
}

}  // namespace

int run(const RunOptions& options, std::ostream& out) {
  const auto start = std::chrono::steady_clock::now();
  scenario::Scenario s = scenario::load(options.scenario);
  const network::Network net = prepare(s);
  geo::VectorFormat format = geo::VectorFormat::geojson;
  if (options.format == "gpkg") format = geo::VectorFormat::gpkg;
  else if (options.format != "geojson")
    throw InputError("--format", "", "unknown results format '" + options.format + "' (expected geojson or gpkg)");

  // Event settings are checked before solving, so that a typo fails fast.
  std::optional<events::EventSettings> event_settings;
  if (s.events) {
    const scenario::YamlReader yr(s.events->file);
    event_settings = events::parse_event_settings(yr, s.events->node, s.events->file.parent_path());
  }
  std::optional<gas::GasSettings> gas_settings;  // likewise the gas section
  if (s.gas) gas_settings = read_gas_settings(s);

  ResultsExtras extras;
  freight::FreightResults r;
  nlohmann::ordered_json convergence = {{"converged", true}, {"iterations", 1}, {"relative_gap", 0.0}};
  if (s.freight.method == scenario::FreightMethod::all_or_nothing) {
    r = freight::assign_all_or_nothing(net, s);
  } else {
    auto eq = freight::assign_equilibrium(net, s);
    r = std::move(eq.results);
    convergence = {{"converged", eq.solution.converged},
                   {"iterations", eq.solution.iterations},
                   {"relative_gap", eq.solution.relative_gap},
                   {"relative_gap_target", s.freight.relative_gap},
                   {"gap_definition", "(TSTT - SPTT) / SPTT"}};
  }
  check_reachable(net, s, r);
  std::optional<GasOutcome> gas_outcome;  // the gas network (throws SolverError before any file is written)
  if (gas_settings) gas_outcome = run_gas(net, *gas_settings, extras);
  extras.summary["solver"] = {{"freight_method", r.method},
                              {"algorithm", r.method == "all_or_nothing" ? "dijkstra" : s.freight.algorithm},
                              {"days_per_year", s.freight.days_per_year},
                              {"snap_tolerance_km", s.network.snap_tolerance_km}};
  extras.summary["convergence"] = convergence;

  // Route shares per OD.
  std::vector<std::string> routes_used, main_share, shares;
  for (const auto& od : r.od) {
    routes_used.push_back(std::to_string(od.routes.size()));
    main_share.push_back(od.routes.empty() ? "" : number(od.routes.front().share, 4));
    shares.push_back(shares_text(net, od));
  }
  extras.od_columns = {{"routes_used", routes_used},
                       {"main_route_share", main_share},
                       {"route_shares", shares}};

  // Bottlenecks: maximum throughput and minimum cut between node groups.
  const auto bottlenecks = freight::corridor_bottlenecks(net, s);
  if (!bottlenecks.empty()) {
    auto list = nlohmann::ordered_json::array();
    std::vector<std::string> link_names(net.links().size()), node_names(net.nodes().size());
    for (const auto& b : bottlenecks) {
      list.push_back(bottleneck_json(net, b, s.freight.days_per_year));
      for (std::size_t l : b.cut_links) link_names[l] += (link_names[l].empty() ? "" : ";") + b.name;
      for (std::size_t n : b.cut_nodes) node_names[n] += (node_names[n].empty() ? "" : ";") + b.name;
    }
    extras.summary["bottlenecks"] = list;
    extras.link_properties.push_back([link_names](std::size_t i, geo::Feature& f) {
      f.set("bottleneck", !link_names[i].empty());
      f.set("bottleneck_of", link_names[i]);
    });
    extras.node_properties.push_back([node_names](std::size_t i, geo::Feature& f) {
      f.set("bottleneck", !node_names[i].empty());
      f.set("bottleneck_of", node_names[i]);
    });
  }

  // The discrete-event simulation over the assigned routes.
  std::optional<events::EventResults> ev;
  if (event_settings) {
    ev = events::simulate(net, s, events::routes_from_assignment(net, r, *event_settings), *event_settings);
    extras.summary["events"] = event_kpis(net, *ev);
    extras.files.push_back([&net, &ev](const fs::path& dir) { write_event_results(dir, net, *ev); });
  }

  const double run_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const fs::path dir = options.out_dir ? *options.out_dir : s.output_dir ? *s.output_dir : fs::path("out") / s.name;
  write_results(dir, net, s, r, run_time_s, extras, format);

  if (!options.quiet) {
    const auto k = freight_kpis(net, r);
    out << "Scenario " << s.name << ": " << net.nodes().size() << " nodes, " << net.links().size() << " links, "
        << r.od.size() << " OD demands";
    if (r.method != "all_or_nothing")
      out << "; " << r.method << " reached relative gap " << std::scientific << std::setprecision(2)
          << convergence["relative_gap"].get<double>() << std::defaultfloat << " in " << convergence["iterations"]
          << " iterations";
    out << "\n\n";
    print_od_table(out, net, s, r);
    out << "\nServed " << number(k["served_teu_per_year"].get<double>(), 0) << " of "
        << number(k["demand_teu_per_year"].get<double>(), 0) << " TEU/year; unserved "
        << number(k["unserved_teu_per_year"].get<double>(), 0) << " (" << k["unserved_od_pairs"].get<std::size_t>()
        << " OD pairs). Mean transit " << number(k["mean_transit_days"].get<double>(), 1) << " days.\n";
    out << "Links over capacity: " << k["links_over_capacity"].size() << ", nodes over capacity: "
        << k["nodes_over_capacity"].size() << ".\n";
    for (const auto& b : bottlenecks) {
      out << "Bottleneck " << b.name << ": ";
      if (std::isinf(b.max_flow_teu_per_day)) {
        out << "no capacity limit on some path\n";
        continue;
      }
      out << number(b.max_flow_teu_per_day * s.freight.days_per_year, 0) << " TEU/year at most, limited by";
      for (std::size_t n : b.cut_nodes) out << ' ' << net.nodes()[n].id;
      for (std::size_t l : b.cut_links) out << ' ' << net.links()[l].id;
      out << '\n';
    }
    if (ev) {
      const auto e = event_kpis(net, *ev);
      out << "Event simulation over " << number(event_settings->horizon_days, 0) << " days: "
          << e["trains_delivered"].get<std::size_t>() << " trains delivered, mean transit "
          << number(e["transit_mean_days"].get<double>(), 1) << " days, worst p95 "
          << number(e["worst_od_transit_p95_days"].get<double>(), 1) << " days.\n";
    }
    if (gas_outcome) print_gas_summary(out, *gas_outcome);
    out << "Results in " << dir.string() << "/\n";
  }
  if (options.report) {
    std::ostringstream sink;
    report(dir, options.quiet ? sink : out);
  }
  return 0;
}

int validate(const std::vector<std::string>& files, std::ostream& out) {
  ProblemList problems;
  std::vector<std::string> network_files;
  for (const auto& f : files) {
    if (!is_scenario_file(f)) {
      network_files.push_back(f);
      continue;
    }
    try {
      auto s = scenario::load(f);
      const auto net = prepare(s);
      if (s.gas) (void)gas::gas_case(net, read_gas_settings(s));  // the gas section and the ids it names
      out << f << ": ok (scenario '" << s.name << "', " << s.demand.size() << " demands, network of "
          << net.nodes().size() << " nodes and " << net.links().size() << " links)\n";
    } catch (const InputError& e) {
      problems.append(e.problems());
    }
  }
  if (!network_files.empty()) {
    try {
      const auto net = load_network(network_files);
      std::string joined;
      for (const auto& f : network_files) joined += (joined.empty() ? "" : " + ") + f;
      out << joined << ": ok (" << net.nodes().size() << " nodes, " << net.links().size() << " links)\n";
    } catch (const InputError& e) {
      problems.append(e.problems());
    }
  }
  problems.throw_if_any();
  return 0;
}

int info(const std::vector<std::string>& files, std::ostream& out) {
  network::Network net;
  if (files.size() == 1 && is_scenario_file(files.front())) net = load_network(scenario::load(files.front()));
  else net = load_network(files);
  const auto s = network::summarize(net);
  out << "Nodes: " << s.node_count << "\nLinks: " << s.link_count << " (" << s.closed_link_count
      << " closed or planned)\nConnected components (open links): " << s.component_count << "\n\nLinks by mode:\n";
  for (std::size_t i = 0; i < s.links_by_mode.size(); ++i)
    out << "  " << pad(s.links_by_mode[i].first, 10) << std::setw(6) << s.links_by_mode[i].second << " links "
        << std::setw(10) << number(s.length_km_by_mode[i].second, 0) << " km\n";
  out << "\nNodes by kind:\n";
  for (const auto& [kind, n] : s.nodes_by_kind) out << "  " << pad(kind, 12) << std::setw(6) << n << "\n";
  out << "\nNodes by country:\n ";
  for (const auto& [country, n] : s.nodes_by_country) out << ' ' << country << ' ' << n;
  out << '\n';
  return 0;
}

}  // namespace corridor::app
