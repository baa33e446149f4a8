#include "tools/app/commands.hpp"

#include <chrono>
#include <cmath>
#include <iomanip>
#include <ostream>
#include <sstream>
#include <thread>

#include "geo/error.hpp"
#include "sim/batch/study.hpp"
#include "sim/run/load.hpp"
#include "sim/scenario/yaml_reader.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/scenario.hpp"
#include "tools/app/gas_output.hpp"
#include "tools/app/number_text.hpp"
#include "tools/app/output_folder.hpp"
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

/// The terminal shows this many OD rows at most; od.csv has them all.
constexpr std::size_t kMaxOdRowsShown = 60;

void print_od_table(std::ostream& out, const run::Results& res) {
  const auto& net = res.network;
  const auto& r = res.freight;
  std::size_t wo = 6, wd = 11, wf = 8;
  for (const auto& od : r.od) {
    wo = std::max(wo, display_width(net.nodes()[od.origin].name));
    wd = std::max(wd, display_width(net.nodes()[od.destination].name));
    wf = std::max(wf, display_width(od.route_family));
  }
  out << pad("Origin", wo + 2) << pad("Destination", wd + 2) << pad("Route", wf + 2) << std::setw(7) << "Days"
      << std::setw(10) << "USD/TEU";
  for (const auto& fam : res.scenario.route_families) out << "  " << std::setw(9) << (fam.name + " d");
  out << '\n';
  std::size_t shown = 0;
  for (const auto& od : r.od) {
    if (shown++ == kMaxOdRowsShown) {
      out << "... and " << (r.od.size() - kMaxOdRowsShown) << " more OD rows (every row is in od.csv)\n";
      break;
    }
    out << pad(net.nodes()[od.origin].name, wo + 2) << pad(net.nodes()[od.destination].name, wd + 2);
    if (od.route) {
      double cost = 0.0;
      for (const auto& route : od.routes) cost += route.share * route.path.cost_usd_per_teu;
      out << pad(od.route_family.empty() ? "-" : od.route_family, wf + 2) << std::setw(7)
          << fixed(od.transit_time_h / 24.0, 1) << std::setw(10) << fixed(cost, 0);
    } else {
      out << pad("UNSERVED", wf + 2) << std::setw(7) << "-" << std::setw(10) << "-";
    }
    for (const auto& opt : od.options) out << "  " << std::setw(9) << (opt.path ? fixed(opt.path->time_h / 24.0, 1) : "-");
    out << '\n';
  }
}

/// A study file: a YAML mapping with `base:` (a scenario has `network:` or `extends:` instead).
bool is_study_file(const std::string& path) {
  const auto root = scenario::YamlReader(path).parse();
  return root["base"] && !root["network"] && !root["extends"];
}

bool is_scenario_file(const std::string& path) {
  const auto ext = fs::path(path).extension().string();
  return ext == ".yaml" || ext == ".yml";
}

/// What `corridor run` prints: the OD table, totals, elements over capacity, warnings, bottlenecks, the
/// event simulation and the gas network, each from the results value.
void print_run_summary(std::ostream& out, const run::Results& res, const fs::path& dir) {
  const auto& net = res.network;
  const auto& s = res.scenario;
  const auto& k = res.kpis;
  out << "Scenario " << s.name << ": " << net.nodes().size() << " nodes, " << net.links().size() << " links, "
      << res.freight.od.size() << " OD demands";
  if (res.method != "all_or_nothing") {
    std::ostringstream gap;
    gap << std::scientific << std::setprecision(2) << res.convergence.relative_gap;
    out << "; " << res.method << " reached relative gap " << gap.str() << " in " << res.convergence.iterations
        << " iterations";
  }
  out << "\n\n";
  if (!res.freight.od.empty()) {
    print_od_table(out, res);
    out << "\nServed " << fixed(k.served_teu_per_year, 0) << " of " << fixed(k.demand_teu_per_year, 0)
        << " TEU/year; unserved " << fixed(k.unserved_teu_per_year, 0) << " (" << k.unserved_od_pairs << " OD pairs).";
    if (k.mean_transit_days) out << " Mean transit " << fixed(*k.mean_transit_days, 1) << " days.";
    out << "\n";
  }
  if (k.over_capacity.empty()) {
    if (!res.freight.od.empty()) out << "No link or node is over capacity.\n";
  } else {
    out << "Over capacity (flow / capacity, time charged against free flow):\n";
    for (const auto& e : k.over_capacity)
      out << "  " << (e.is_node ? net.nodes()[e.index].id : net.links()[e.index].id) << "  "
          << fixed(100.0 * e.utilization, 0) << "%  " << (e.is_node ? "delay " : "time ") << fixed(e.congested_h, 1)
          << " h (free flow " << fixed(e.free_flow_h, 1) << " h)\n";
  }
  if (!res.binding_capacities.empty()) {
    out << "Hard capacities that bind (queue delay that holds the flow at capacity; shadow price per TEU):\n";
    for (const auto& b : res.binding_capacities)
      out << "  " << (b.is_node ? net.nodes()[b.index].id : net.links()[b.index].id + (b.forward ? " (forward)" : " (backward)"))
          << "  " << fixed(b.flow_teu_per_day, 0) << " of " << fixed(b.capacity_teu_per_day, 0) << " TEU/day, queue "
          << fixed(b.queue_delay_h, 1) << " h, USD " << fixed(b.shadow_price_usd_per_teu, 0) << "/TEU\n";
  }
  for (const auto& w : res.warnings) out << "warning: " << w << '\n';
  for (const auto& b : res.bottlenecks) {
    out << "Bottleneck " << b.name << ": ";
    if (std::isinf(b.max_flow_teu_per_day)) {
      out << "no capacity limit on some path\n";
    } else if (b.max_flow_teu_per_day <= 0.0) {
      out << "no open path joins the groups (0 TEU/year)\n";
    } else {
      out << fixed(b.max_flow_teu_per_day * s.freight.days_per_year, 0) << " TEU/year at most, limited by";
      for (std::size_t n : b.cut_nodes) out << ' ' << net.nodes()[n].id;
      for (std::size_t l : b.cut_links) out << ' ' << net.links()[l].id;
      out << '\n';
    }
  }
  if (res.event_kpis) {
    const auto& e = *res.event_kpis;
    out << "Event simulation over " << fixed(e.horizon_days, 0) << " days: " << e.trains_delivered
        << " trains delivered, mean transit " << fixed(e.transit_mean_days, 1) << " days, worst p95 "
        << fixed(e.worst_od_transit_p95_days, 1) << " days.\n";
  }
  if (res.gas) print_gas_summary(out, *res.gas);
  if (!res.defaults.empty())
    out << res.defaults.size() << " attribute defaults used (listed in summary.json \"defaults\").\n";
  out << "Results in " << dir.string() << "/\n";
}

}  // namespace

int run(const RunOptions& options, std::ostream& out) {
  const auto start = std::chrono::steady_clock::now();
  geo::VectorFormat format = geo::VectorFormat::geojson;
  if (options.format == "gpkg") format = geo::VectorFormat::gpkg;
  else if (options.format != "geojson")
    throw InputError("--format", "", "unknown results format '" + options.format + "' (expected geojson or gpkg)");
  scenario::Scenario s = scenario::load(options.scenario);
  const fs::path dir = options.out_dir ? *options.out_dir : s.output_dir ? *s.output_dir : fs::path("out") / s.name;
  const auto inputs = run::input_paths(s);
  check_output_folder(dir, FolderKind::run, inputs);  // before a long solve: a refused folder fails fast
  network::Network net = run::load_network(s);
  const run::Results res = run::run_scenario(std::move(s), std::move(net));
  const double run_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  write_results(dir, res, run_time_s, inputs, format);
  if (!options.quiet) print_run_summary(out, res, dir);
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
      if (is_study_file(f)) {
        const auto study = batch::load_study(f);
        batch::validate_study(study);
        out << f << ": ok (study '" << study.name << "', " << batch::expand(study).size() << " scenarios: "
            << study.cases.size() << " cases x " << study.grid.size() << " grid points x "
            << std::max<std::size_t>(study.monte_carlo.draws, 1) << " draws)\n";
        continue;
      }
      auto s = scenario::load(f);
      const auto net = run::prepare(s);
      const auto settings = run::read_run_settings(s);
      if (settings.gas) (void)gas::gas_case(net, *settings.gas);  // the gas section and the ids it names
      out << f << ": ok (scenario '" << s.name << "', " << s.demand.size() << " demands, network of "
          << net.nodes().size() << " nodes and " << net.links().size() << " links)\n";
    } catch (const InputError& e) {
      problems.append(e.problems());
    }
  }
  if (!network_files.empty()) {
    try {
      const auto net = run::load_network(network_files);
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
  if (files.size() == 1 && is_scenario_file(files.front())) net = run::load_network(scenario::load(files.front()));
  else net = run::load_network(files);
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
