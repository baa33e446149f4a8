// The freight figures a planner reads first, computed once from an assignment: demand served and
// unserved, demand-weighted mean and worst door-to-door transit, and the elements over capacity. The
// same function gives them for the whole demand (summary.json "kpis", the terminal) and for a group of
// OD pairs (batch studies' od_groups), so that a study row and a run can never disagree.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/freight/assignment.hpp"
#include "sim/network/network.hpp"

namespace corridor::freight {

/// A link or node whose flow exceeds its capacity, with the time the solver charged for it.
struct OverCapacity {
  bool is_node = false;
  std::size_t index = 0;           ///< network node or link index
  double utilization = 0.0;        ///< flow / capacity (links: the busier direction)
  double free_flow_h = 0.0;        ///< node: dwell_h; link: running time with waits at free flow
  double congested_h = 0.0;        ///< the time under the solution (node: delay_h; link: busier direction)
};

struct FreightKpis {
  double demand_teu_per_year = 0.0;
  double served_teu_per_year = 0.0;    ///< assigned
  double unserved_teu_per_year = 0.0;  ///< demand with no path
  std::size_t od_pairs = 0;
  std::size_t unserved_od_pairs = 0;
  /// Demand-weighted mean over served OD pairs of each pair's flow-weighted transit (OdResult::transit_time_h), days.
  std::optional<double> mean_transit_days;  ///< nullopt when nothing is served
  double worst_transit_days = 0.0;          ///< the largest OdResult::transit_time_h of a served pair, days
  double max_link_utilization = 0.0;
  std::string max_link_utilization_link;    ///< "" when no link has a capacity
  std::vector<OverCapacity> over_capacity;  ///< links, then nodes, in network order
};

/// KPIs of the OD pairs for which `include(od)` holds (null: all). Elements over capacity are network-wide.
FreightKpis freight_kpis(const network::Network& net, const FreightResults& r,
                         const std::function<bool(const OdResult&)>& include = {});

}  // namespace corridor::freight
