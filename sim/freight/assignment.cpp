#include "sim/freight/assignment.hpp"

#include <algorithm>
#include <map>

namespace corridor::freight {

std::optional<double> link_utilization(const network::Network& net, const FreightResults& r, std::size_t link) {
  const auto& cap = net.links()[link].capacity_teu_per_day;
  if (!cap) return std::nullopt;
  const LinkLoad& load = r.links[link];
  return std::max(load.flow_forward_teu_per_day, load.flow_backward_teu_per_day) / *cap;
}

std::optional<double> node_utilization(const network::Network& net, const FreightResults& r, std::size_t node) {
  const auto& cap = net.nodes()[node].capacity_teu_per_day;
  if (!cap) return std::nullopt;
  return r.nodes[node].throughput_teu_per_day / *cap;
}

std::string route_family_of(const scenario::Scenario& scenario, const std::vector<std::vector<std::size_t>>& family_via,
                            const Path& path) {
  for (std::size_t f = 0; f < family_via.size(); ++f) {
    const auto& via = family_via[f];
    const bool passes = std::any_of(path.nodes.begin(), path.nodes.end(),
                                    [&](std::size_t n) { return std::find(via.begin(), via.end(), n) != via.end(); });
    if (passes) return scenario.route_families[f].name;
  }
  return {};
}

std::vector<RouteOption> route_family_options(const network::Network& net, const scenario::Scenario& scenario,
                                              const std::string& commodity, std::size_t origin, std::size_t destination,
                                              std::shared_ptr<const CongestedTimes> times) {
  const scenario::Commodity& c = *scenario.find_commodity(commodity);
  std::vector<RouteOption> options;
  for (const auto& fam : scenario.route_families) {
    CostModel model{c.value_of_time_usd_per_teu_h, c.modes, {}, times};
    if (!fam.modes.empty()) {
      std::set<network::Mode> both;
      std::set_intersection(c.modes.begin(), c.modes.end(), fam.modes.begin(), fam.modes.end(),
                            std::inserter(both, both.begin()));
      model.modes = std::move(both);
    }
    for (const auto& a : fam.avoid) model.avoid_nodes.push_back(*net.find_node(a.value));
    std::vector<std::size_t> via;
    for (const auto& v : fam.via) via.push_back(*net.find_node(v.value));
    options.push_back({fam.name, best_path_via(net, model, origin, destination, via)});
  }
  return options;
}

FreightResults assign_all_or_nothing(const network::Network& net, const scenario::Scenario& scenario) {
  FreightResults r;
  r.links.assign(net.links().size(), {});
  r.nodes.assign(net.nodes().size(), {});
  r.days_per_year = scenario.freight.days_per_year;

  // Families resolved to node indices once.
  std::vector<std::vector<std::size_t>> family_via;
  for (const auto& fam : scenario.route_families) {
    std::vector<std::size_t> via;
    for (const auto& v : fam.via) via.push_back(*net.find_node(v.value));
    family_via.push_back(std::move(via));
  }

  // One shortest-path tree per (origin, commodity), built on first use and dropped after its last use:
  // a tree holds a few dozen bytes per node, so a thousand origins on a million-link network would
  // otherwise hold tens of GB.
  std::map<std::pair<std::size_t, std::string>, ShortestPathTree> trees;
  std::map<std::string, CostedGraph> graphs;  // the arc costs of each commodity, computed once
  std::map<std::pair<std::size_t, std::string>, std::size_t> last_use;
  for (std::size_t i = 0; i < scenario.demand.size(); ++i)
    last_use[{*net.find_node(scenario.demand[i].origin.value), scenario.demand[i].commodity}] = i;
  for (std::size_t row_index = 0; row_index < scenario.demand.size(); ++row_index) {
    const auto& row = scenario.demand[row_index];
    const scenario::Commodity& commodity = *scenario.find_commodity(row.commodity);
    const CostModel model{commodity.value_of_time_usd_per_teu_h, commodity.modes, {}, nullptr};
    OdResult od;
    od.origin = *net.find_node(row.origin.value);
    od.destination = *net.find_node(row.destination.value);
    od.commodity = row.commodity;
    od.demand_teu_per_year = row.teu_per_year;

    auto key = std::make_pair(od.origin, row.commodity);
    auto it = trees.find(key);
    if (it == trees.end()) {
      auto graph = graphs.find(row.commodity);
      if (graph == graphs.end()) graph = graphs.try_emplace(row.commodity, net, model).first;
      it = trees.emplace(key, ShortestPathTree(graph->second, od.origin)).first;
    }
    od.route = it->second.path_to(od.destination);
    if (last_use.at(key) == row_index) trees.erase(it);

    od.options = route_family_options(net, scenario, row.commodity, od.origin, od.destination);

    if (od.route) {
      od.assigned_teu_per_year = od.demand_teu_per_year;
      od.routes.push_back({*od.route, 1.0});
      od.transit_time_h = od.route->time_h;
      const double teu_per_day = od.demand_teu_per_year / r.days_per_year;
      for (const Step& s : od.route->steps)
        (s.forward ? r.links[s.link].flow_forward_teu_per_day : r.links[s.link].flow_backward_teu_per_day) += teu_per_day;
      for (std::size_t n : od.route->nodes) r.nodes[n].throughput_teu_per_day += teu_per_day;
      od.route_family = route_family_of(scenario, family_via, *od.route);
    } else {
      od.unserved_teu_per_year = od.demand_teu_per_year;
    }
    r.od.push_back(std::move(od));
  }
  return r;
}

}  // namespace corridor::freight
