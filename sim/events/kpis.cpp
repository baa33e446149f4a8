#include "sim/events/kpis.hpp"

#include <algorithm>
#include <numeric>

namespace corridor::events {

EventKpis event_kpis(const EventResults& r) {
  EventKpis k;
  k.horizon_days = r.horizon_days;
  k.seed = r.seed;
  k.teu_per_train = r.teu_per_train;
  k.events = r.events;
  k.train_movements = r.train_movements;
  double mean_sum = 0.0;
  for (const auto& o : r.od) {
    k.demand_teu += o.demand_teu;
    k.teu_released += o.teu_released;
    k.teu_delivered += o.teu_delivered;
    k.teu_in_system += o.teu_in_system;
    const auto n = static_cast<double>(o.trains_delivered);
    k.trains_delivered += o.trains_delivered;
    mean_sum += o.transit_mean_h * n;
    k.mean_wait.node_queue_h += o.mean_wait.node_queue_h * n;
    k.mean_wait.ferry_h += o.mean_wait.ferry_h * n;
    k.mean_wait.line_capacity_h += o.mean_wait.line_capacity_h * n;
    k.mean_wait.closure_h += o.mean_wait.closure_h * n;
    k.worst_od_transit_p95_days = std::max(k.worst_od_transit_p95_days, o.transit_p95_h / 24.0);
    k.worst_od_transit_max_days = std::max(k.worst_od_transit_max_days, o.transit_max_h / 24.0);
  }
  const double nd = k.trains_delivered ? static_cast<double>(k.trains_delivered) : 1.0;
  k.transit_mean_days = mean_sum / nd / 24.0;
  k.mean_wait.node_queue_h /= nd;
  k.mean_wait.ferry_h /= nd;
  k.mean_wait.line_capacity_h /= nd;
  k.mean_wait.closure_h /= nd;
  std::vector<std::size_t> order(r.nodes.size());
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return r.nodes[a].mean_wait_h > r.nodes[b].mean_wait_h; });
  order.resize(std::min<std::size_t>(order.size(), 5));
  k.worst_nodes = std::move(order);
  return k;
}

}  // namespace corridor::events
