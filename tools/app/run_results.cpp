#include "tools/app/run_results.hpp"

#include <cmath>

#include "sim/scenario/yaml_reader.hpp"
#include "tools/app/events_output.hpp"

namespace corridor::app {

namespace fs = std::filesystem;

namespace {

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
    out += fixed(r.share, 4) + " " + fixed(r.path.time_h / 24.0, 2) + "d " + route_text(net, r.path);
  }
  return out;
}

}  // namespace

RunSettings read_run_settings(const scenario::Scenario& s) {
  RunSettings settings;
  if (s.events) {
    const scenario::YamlReader yr(s.events->file);
    settings.events = events::parse_event_settings(yr, s.events->node, s.events->file.parent_path());
  }
  if (s.gas) settings.gas = read_gas_settings(s);
  return settings;
}

RunResults complete_run(const network::Network& net, const scenario::Scenario& s, const freight::FreightResults& r,
                        const FreightConvergence& convergence, const RunSettings& settings) {
  RunResults run;
  ResultsExtras& extras = run.extras;
  // The gas network first: it throws SolverError before any file is written.
  if (settings.gas) run.gas = run_gas(net, *settings.gas, extras);
  extras.summary["solver"] = {{"freight_method", r.method},
                              {"algorithm", r.method == "all_or_nothing" ? "dijkstra" : s.freight.algorithm},
                              {"days_per_year", s.freight.days_per_year},
                              {"snap_tolerance_km", s.network.snap_tolerance_km}};
  nlohmann::ordered_json conv = {{"converged", convergence.converged},
                                 {"iterations", convergence.iterations},
                                 {"relative_gap", convergence.relative_gap}};
  if (r.method != "all_or_nothing") {
    conv["relative_gap_target"] = s.freight.relative_gap;
    conv["gap_definition"] = "(TSTT - SPTT) / SPTT";
  }
  extras.summary["convergence"] = conv;

  // Route shares per OD.
  std::vector<std::string> routes_used, main_share, shares;
  for (const auto& od : r.od) {
    routes_used.push_back(std::to_string(od.routes.size()));
    main_share.push_back(od.routes.empty() ? "" : fixed(od.routes.front().share, 4));
    shares.push_back(shares_text(net, od));
  }
  extras.od_columns = {{"routes_used", routes_used}, {"main_route_share", main_share}, {"route_shares", shares}};

  // Bottlenecks: maximum throughput and minimum cut between node groups.
  run.bottlenecks = freight::corridor_bottlenecks(net, s);
  if (!run.bottlenecks.empty()) {
    auto list = nlohmann::ordered_json::array();
    std::vector<std::string> link_names(net.links().size()), node_names(net.nodes().size());
    for (const auto& b : run.bottlenecks) {
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
  if (settings.events) {
    auto ev = std::make_shared<const events::EventResults>(
        events::simulate(net, s, events::routes_from_assignment(net, r, *settings.events), *settings.events));
    extras.summary["events"] = event_kpis(net, *ev);
    extras.files.push_back([&net, ev](const fs::path& dir) { write_event_results(dir, net, *ev); });
    run.events = std::move(ev);
  }
  return run;
}

}  // namespace corridor::app
