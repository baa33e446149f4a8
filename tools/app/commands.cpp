#include "tools/app/commands.hpp"

#include <chrono>
#include <iomanip>
#include <ostream>
#include <sstream>

#include "geo/error.hpp"
#include "sim/freight/assignment.hpp"
#include "sim/scenario/scenario.hpp"
#include "tools/app/network_io.hpp"
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
          << number(od.route->time_h / 24.0, 1) << std::setw(10) << number(od.route->cost_usd_per_teu, 0);
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

int run(const RunOptions& options, std::ostream& out) {
  const auto start = std::chrono::steady_clock::now();
  scenario::Scenario s = scenario::load(options.scenario);
  const network::Network net = prepare(s);
  const freight::FreightResults r = freight::assign_all_or_nothing(net, s);
  const double run_time_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  const fs::path dir = options.out_dir ? *options.out_dir : s.output_dir ? *s.output_dir : fs::path("out") / s.name;
  write_results(dir, net, s, r, run_time_s);

  if (!options.quiet) {
    const auto k = freight_kpis(net, r);
    out << "Scenario " << s.name << ": " << net.nodes().size() << " nodes, " << net.links().size() << " links, "
        << r.od.size() << " OD demands\n\n";
    print_od_table(out, net, s, r);
    out << "\nServed " << number(k["served_teu_per_year"].get<double>(), 0) << " of "
        << number(k["demand_teu_per_year"].get<double>(), 0) << " TEU/year; unserved "
        << number(k["unserved_teu_per_year"].get<double>(), 0) << " (" << k["unserved_od_pairs"].get<std::size_t>()
        << " OD pairs). Mean transit " << number(k["mean_transit_days"].get<double>(), 1) << " days.\n";
    out << "Links over capacity: " << k["links_over_capacity"].size() << ", nodes over capacity: "
        << k["nodes_over_capacity"].size() << ". Results in " << dir.string() << "/\n";
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
