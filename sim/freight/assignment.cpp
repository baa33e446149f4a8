#include "sim/freight/assignment.hpp"

#include <algorithm>
#include <atomic>
#include <exception>
#include <map>
#include <mutex>
#include <thread>

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
  return scenario.route_families.empty() ? std::string() : std::string(kOtherRouteFamily);
}

std::vector<std::vector<std::size_t>> family_via_nodes(const network::Network& net, const scenario::Scenario& scenario) {
  std::vector<std::vector<std::size_t>> family_via;
  for (const auto& fam : scenario.route_families) {
    std::vector<std::size_t> via;
    for (const auto& v : fam.via) via.push_back(*net.find_node(v.value));
    family_via.push_back(std::move(via));
  }
  return family_via;
}

std::vector<RouteOption> route_family_options(const network::Network& net, const scenario::Scenario& scenario,
                                              const std::vector<std::vector<std::size_t>>& family_via,
                                              const std::string& commodity, std::size_t origin, std::size_t destination,
                                              std::shared_ptr<const CongestedTimes> times) {
  const scenario::Commodity& c = *scenario.find_commodity(commodity);
  std::vector<RouteOption> options;
  for (std::size_t f = 0; f < scenario.route_families.size(); ++f) {
    const auto& fam = scenario.route_families[f];
    CostModel model{c.value_of_time_usd_per_teu_h, c.modes, {}, times};
    if (!fam.modes.empty()) {
      std::set<network::Mode> both;
      std::set_intersection(c.modes.begin(), c.modes.end(), fam.modes.begin(), fam.modes.end(),
                            std::inserter(both, both.begin()));
      model.modes = std::move(both);
    }
    for (const auto& a : fam.avoid) model.avoid_nodes.push_back(*net.find_node(a.value));
    options.push_back({fam.name, best_path_via(net, model, origin, destination, family_via[f])});
  }
  return options;
}

FreightResults assign_all_or_nothing(const network::Network& net, const scenario::Scenario& scenario, unsigned threads) {
  FreightResults r;
  r.links.assign(net.links().size(), {});
  r.nodes.assign(net.nodes().size(), {});
  r.days_per_year = scenario.freight.days_per_year;
  r.times = free_flow_times(net);

  const auto family_via = family_via_nodes(net, scenario);

  // The arc costs of each commodity, computed once.
  std::map<std::string, CostedGraph> graphs;
  for (const auto& row : scenario.demand) {
    if (graphs.contains(row.commodity)) continue;
    const scenario::Commodity& commodity = *scenario.find_commodity(row.commodity);
    graphs.try_emplace(row.commodity, net, CostModel{commodity.value_of_time_usd_per_teu_h, commodity.modes, {}, nullptr});
  }
  // One shortest-path tree per (origin, commodity), dropped as soon as its rows have their routes: a
  // tree holds a few dozen bytes per node, so a thousand origins on a million-link network would
  // otherwise hold tens of GB. The trees are independent: `threads` workers build them, each route
  // lands in its row's slot, and flows are summed afterwards in row order (the same bytes for any
  // number of threads).
  std::map<std::pair<std::size_t, std::string>, std::vector<std::size_t>> rows_of_key;
  std::vector<const std::vector<std::size_t>*> keys;  // in order of first appearance
  for (std::size_t i = 0; i < scenario.demand.size(); ++i) {
    const auto& row = scenario.demand[i];
    auto [it, added] = rows_of_key.try_emplace({*net.find_node(row.origin.value), row.commodity});
    it->second.push_back(i);
    if (added) keys.push_back(&it->second);
  }
  std::vector<std::optional<Path>> routes(scenario.demand.size());
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_lock;
  auto worker = [&] {
    try {
      for (std::size_t k; (k = next.fetch_add(1)) < keys.size();) {
        const auto& rows = *keys[k];
        const auto& first = scenario.demand[rows.front()];
        const ShortestPathTree tree(graphs.at(first.commodity), *net.find_node(first.origin.value));
        for (std::size_t i : rows) routes[i] = tree.path_to(*net.find_node(scenario.demand[i].destination.value));
      }
    } catch (...) {
      const std::lock_guard<std::mutex> g(failure_lock);
      if (!failure) failure = std::current_exception();
      next = keys.size();
    }
  };
  const unsigned workers = std::max(1u, std::min<unsigned>(threads, static_cast<unsigned>(keys.size())));
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < workers; ++t) pool.emplace_back(worker);
  worker();
  for (auto& t : pool) t.join();
  if (failure) std::rethrow_exception(failure);

  for (std::size_t row_index = 0; row_index < scenario.demand.size(); ++row_index) {
    const auto& row = scenario.demand[row_index];
    OdResult od;
    od.origin = *net.find_node(row.origin.value);
    od.destination = *net.find_node(row.destination.value);
    od.commodity = row.commodity;
    od.demand_teu_per_year = row.teu_per_year;
    od.route = std::move(routes[row_index]);

    od.options = route_family_options(net, scenario, family_via, row.commodity, od.origin, od.destination);

    if (od.route) {
      od.assigned_teu_per_year = od.demand_teu_per_year;
      od.routes.push_back(SharedRoute{.path = *od.route, .share = 1.0});
      od.transit_time_h = od.route->time_h;
      const double teu_per_day = od.demand_teu_per_year / r.days_per_year;
      for (const Step& s : od.route->steps)
        (s.forward ? r.links[s.link].flow_forward_teu_per_day : r.links[s.link].flow_backward_teu_per_day) += teu_per_day;
      for (std::size_t n : od.route->nodes) r.nodes[n].throughput_teu_per_day += teu_per_day;
      od.route_family = route_family_of(scenario, family_via, *od.route);
    } else {
      od.unserved_teu_per_year = od.demand_teu_per_year;
      od.reachable = false;
    }
    r.od.push_back(std::move(od));
  }
  return r;
}

}  // namespace corridor::freight
