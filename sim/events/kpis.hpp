// The figures of an event simulation a planner reads first (summary.json "events", the terminal, batch
// kept folders): totals over the horizon, transit over all delivered trains, waiting by cause, and the
// nodes with the longest queues. Computed once here; writers only format them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "sim/events/simulator.hpp"

namespace corridor::events {

struct EventKpis {
  double horizon_days = 0.0;
  std::uint64_t seed = 0;
  double teu_per_train = 0.0;
  std::uint64_t events = 0;
  std::uint64_t train_movements = 0;
  double demand_teu = 0.0;  ///< over the horizon
  double teu_released = 0.0, teu_delivered = 0.0, teu_in_system = 0.0;
  std::size_t trains_delivered = 0;
  double transit_mean_days = 0.0;          ///< over delivered trains
  double worst_od_transit_p95_days = 0.0;  ///< the largest 95th percentile of an OD
  double worst_od_transit_max_days = 0.0;
  Waits mean_wait;                         ///< per delivered train, hours
  /// Up to five entries of EventResults::nodes (indices into it) with the longest mean queue wait, longest first.
  std::vector<std::size_t> worst_nodes;
};

EventKpis event_kpis(const EventResults& r);

}  // namespace corridor::events
