// Corridor bottlenecks: the largest flow an origin group can send to a destination group through link and
// node capacities, and the minimum cut (the links and nodes whose capacities limit it), by Boost.Graph's
// push-relabel maximum flow. Node capacities are handled by splitting a node v into v_in -> v_out.
//
// Max-flow/min-cut theorem: the maximum throughput equals the least total capacity of a set of links and
// nodes whose removal separates every origin from every destination; that set is the bottleneck.
#pragma once

#include <cstddef>
#include <limits>
#include <vector>

#include "sim/freight/equilibrium_problem.hpp"

namespace corridor::freight {

struct CapacityLink {
  std::size_t from = 0;
  std::size_t to = 0;
  double capacity = 0.0;  ///< flow units per period (TEU per day, vehicles per hour); >= 0; infinity: unlimited
};

struct BottleneckQuery {
  std::size_t node_count = 0;
  std::vector<CapacityLink> links;  ///< directed
  /// Throughput capacity per node (border crossing, gauge-change yard, port), same flow unit; empty means
  /// no node limits; infinity for an unlimited node.
  std::vector<double> node_capacity;
  std::vector<std::size_t> origins;       ///< the origin group
  std::vector<std::size_t> destinations;  ///< the destination group (disjoint from the origins)
};

struct MinimumCut {
  double max_flow = 0.0;                  ///< infinity when an uncapacitated path joins the groups
  std::vector<std::size_t> cut_links;     ///< link indices, ascending
  std::vector<std::size_t> cut_nodes;     ///< node indices whose capacity is cut, ascending
  std::vector<double> link_flows;         ///< one maximum flow, per link
  std::vector<bool> origin_side;          ///< per node: on the origins' side of the cut (node's entry side)
};

/// Maximum throughput from the origin group to the destination group and a minimum cut.
/// Throws InputError for out-of-range nodes, negative capacities or overlapping groups.
MinimumCut max_flow_min_cut(const BottleneckQuery& query);

/// The query for an assignment problem's links (their capacities), with optional node capacities.
BottleneckQuery bottleneck_query(const AssignmentProblem& problem, std::vector<std::size_t> origins,
                                 std::vector<std::size_t> destinations, std::vector<double> node_capacity = {});

}  // namespace corridor::freight
