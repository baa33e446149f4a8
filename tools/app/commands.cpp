#include "tools/app/commands.hpp"

#include <chrono>
#include <cmath>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <thread>

#include "geo/error.hpp"
#include "sim/freight/assignment.hpp"
#include "sim/freight/corridor_equilibrium.hpp"
#include "sim/scenario/scenario.hpp"
#include "tools/app/events_output.hpp"
#include "tools/app/gas_run.hpp"
#include "tools/app/network_io.hpp"
#include "tools/app/report.hpp"
#include "tools/app/results_folder.hpp"
#include "tools/app/run_results.hpp"

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

/// The terminal shows this many OD rows at most; od.csv has them all.
constexpr std::size_t kMaxOdRowsShown = 60;

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
  std::size_t shown = 0;
  for (const auto& od : r.od) {
    if (shown++ == kMaxOdRowsShown) {
      out << "... and " << (r.od.size() - kMaxOdRowsShown) << " more OD rows (every row is in od.csv)\n";
      break;
    }
    out << pad(net.nodes()[od.origin].name, wo + 2) << pad(net.nodes()[od.destination].name, wd + 2);
    if (od.route) {
      out << pad(od.route_family.empty() ? "other" : od.route_family, wf + 2) << std::setw(7)
          << fixed(od.transit_time_h / 24.0, 1) << std::setw(10) << fixed(od.route->cost_usd_per_teu, 0);
    } else {
      out << pad("UNSERVED", wf + 2) << std::setw(7) << "-" << std::setw(10) << "-";
    }
    for (const auto& opt : od.options) out << "  " << std::setw(9) << (opt.path ? fixed(opt.path->time_h / 24.0, 1) : "-");
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

}  // namespace

int run(const RunOptions& options, std::ostream& out) {
  const auto start = std::chrono::steady_clock::now();
  scenario::Scenario s = scenario::load(options.scenario);
  const network::Network net = prepare(s);
  geo::VectorFormat format = geo::VectorFormat::geojson;
  if (options.format == "gpkg") format = geo::VectorFormat::gpkg;
  else if (options.format != "geojson")
    throw InputError("--format", "", "unknown results format '" + options.format + "' (expected geojson or gpkg)");

  // Event and gas settings are checked before solving, so that a typo fails fast.
  const RunSettings settings = read_run_settings(s);

  freight::FreightResults r;
  FreightConvergence convergence;
  if (s.freight.method == scenario::FreightMethod::all_or_nothing) {
    r = freight::assign_all_or_nothing(net, s, std::max(1u, std::thread::hardware_concurrency()));
  } else {
    auto eq = freight::assign_equilibrium(net, s);
    r = std::move(eq.results);
    convergence = {eq.solution.converged, eq.solution.iterations, eq.solution.relative_gap};
  }
  check_reachable(net, s, r);
  const RunResults run = complete_run(net, s, r, convergence, settings);
  const auto& bottlenecks = run.bottlenecks;
  const auto& ev = run.events;
  const auto& gas_outcome = run.gas;

  const double run_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const fs::path dir = options.out_dir ? *options.out_dir : s.output_dir ? *s.output_dir : fs::path("out") / s.name;
  write_results(dir, net, s, r, run_time_s, run.extras, format);

  if (!options.quiet) {
    const auto k = freight_kpis(net, r);
    out << "Scenario " << s.name << ": " << net.nodes().size() << " nodes, " << net.links().size() << " links, "
        << r.od.size() << " OD demands";
    if (r.method != "all_or_nothing")
      out << "; " << r.method << " reached relative gap " << std::scientific << std::setprecision(2)
          << convergence.relative_gap << std::defaultfloat << " in " << convergence.iterations
          << " iterations";
    out << "\n\n";
    print_od_table(out, net, s, r);
    out << "\nServed " << fixed(k["served_teu_per_year"].get<double>(), 0) << " of "
        << fixed(k["demand_teu_per_year"].get<double>(), 0) << " TEU/year; unserved "
        << fixed(k["unserved_teu_per_year"].get<double>(), 0) << " (" << k["unserved_od_pairs"].get<std::size_t>()
        << " OD pairs). Mean transit " << fixed(k["mean_transit_days"].get<double>(), 1) << " days.\n";
    out << "Links over capacity: " << k["links_over_capacity"].size() << ", nodes over capacity: "
        << k["nodes_over_capacity"].size() << ".\n";
    for (const auto& b : bottlenecks) {
      out << "Bottleneck " << b.name << ": ";
      if (std::isinf(b.max_flow_teu_per_day)) {
        out << "no capacity limit on some path\n";
        continue;
      }
      out << fixed(b.max_flow_teu_per_day * s.freight.days_per_year, 0) << " TEU/year at most, limited by";
      for (std::size_t n : b.cut_nodes) out << ' ' << net.nodes()[n].id;
      for (std::size_t l : b.cut_links) out << ' ' << net.links()[l].id;
      out << '\n';
    }
    if (ev) {
      const auto e = event_kpis(net, *ev);
      out << "Event simulation over " << fixed(settings.events->horizon_days, 0) << " days: "
          << e["trains_delivered"].get<std::size_t>() << " trains delivered, mean transit "
          << fixed(e["transit_mean_days"].get<double>(), 1) << " days, worst p95 "
          << fixed(e["worst_od_transit_p95_days"].get<double>(), 1) << " days.\n";
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
        << std::setw(10) << fixed(s.length_km_by_mode[i].second, 0) << " km\n";
  out << "\nNodes by kind:\n";
  for (const auto& [kind, n] : s.nodes_by_kind) out << "  " << pad(kind, 12) << std::setw(6) << n << "\n";
  out << "\nNodes by country:\n ";
  for (const auto& [country, n] : s.nodes_by_country) out << ' ' << country << ' ' << n;
  out << '\n';
  return 0;
}

}  // namespace corridor::app
