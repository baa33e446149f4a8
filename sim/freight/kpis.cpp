#include "sim/freight/kpis.hpp"

#include <algorithm>
#include <cmath>

namespace corridor::freight {

namespace {
/// Flows within a millionth of a capacity count as at capacity (hard capacities hold to this tolerance).
constexpr double kCapacityTolerance = 1e-6;
}  // namespace

FreightKpis freight_kpis(const network::Network& net, const FreightResults& r,
                         const std::function<bool(const OdResult&)>& include) {
  FreightKpis k;
  double weighted_days = 0.0;
  for (const auto& od : r.od) {
    if (include && !include(od)) continue;
    ++k.od_pairs;
    k.demand_teu_per_year += od.demand_teu_per_year;
    k.served_teu_per_year += od.assigned_teu_per_year;
    k.unserved_teu_per_year += od.unserved_teu_per_year;
    if (od.unserved_teu_per_year > 0.0) ++k.unserved_od_pairs;
    if (od.route) {
      weighted_days += od.assigned_teu_per_year * od.transit_time_h / 24.0;
      k.worst_transit_days = std::max(k.worst_transit_days, od.transit_time_h / 24.0);
    }
  }
  if (k.served_teu_per_year > 0.0) k.mean_transit_days = weighted_days / k.served_teu_per_year;

  const auto& times = r.times;
  for (std::size_t i = 0; i < net.links().size(); ++i) {
    const auto u = link_utilization(net, r, i);
    if (!u) continue;
    if (*u > k.max_link_utilization) {
      k.max_link_utilization = *u;
      k.max_link_utilization_link = net.links()[i].id;
    }
    if (*u <= 1.0 + kCapacityTolerance) continue;
    const auto& load = r.links[i];
    const bool forward = load.flow_forward_teu_per_day >= load.flow_backward_teu_per_day;
    const auto& congested = forward ? times.link_forward_h : times.link_backward_h;
    k.over_capacity.push_back({false, i, *u, net.free_flow_time_h(i).value_or(0.0),
                               i < congested.size() ? congested[i] : std::nan("")});
  }
  for (std::size_t i = 0; i < net.nodes().size(); ++i) {
    const auto u = node_utilization(net, r, i);
    if (!u || *u <= 1.0 + kCapacityTolerance) continue;
    k.over_capacity.push_back({true, i, *u, net.nodes()[i].dwell_h,
                               i < times.node_dwell_h.size() ? times.node_dwell_h[i] : std::nan("")});
  }
  return k;
}

}  // namespace corridor::freight
