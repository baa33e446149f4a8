// The corridor network and a scenario's demand as an equilibrium assignment problem, solved, and mapped
// back onto FreightResults (link and node loads, routes with shares, flow-weighted transit times); and
// the corridor bottlenecks (maximum throughput between node groups and the minimum cut).
//
// Construction (units: hours and TEU per day):
// - every freight node n becomes an entry n_in and an exit n_out joined by a node link with
//     t = dwell_h * (1 + alpha (v / capacity_teu_per_day)^beta)     (scenario freight.node_delay),
//   toll = handling_usd_per_teu; without a capacity the delay is the fixed dwell_h. A closed node has no
//   node link: nothing passes it. Demand starts at o_in and ends at d_out, so both ends' dwell counts, as
//   in the all-or-nothing model.
// - every open freight link gives an arc per usable direction, from_out -> to_in (and to_out -> from_in
//   unless directed), with t = (length_km / speed_kmh + wait_h) * (1 + alpha (v / capacity)^beta)
//   (scenario freight.volume_delay per mode, or the link's own bpr_alpha / bpr_beta; capacity_teu_per_day is
//   per direction); without a capacity
//   the time is fixed. toll = cost_usd_per_teu.
// - one travel class per commodity: toll weight 1 / value_of_time (hours per USD), allowed links by mode.
// Generalized cost is then in hours: time + money / value of time; times USD/TEU-h gives USD/TEU.
#pragma once

#include <string>
#include <vector>

#include "sim/freight/assignment.hpp"
#include "sim/freight/equilibrium.hpp"
#include "sim/scenario/scenario.hpp"

namespace corridor::freight {

/// The equilibrium problem of a corridor network and the way back from its links.
struct CorridorProblem {
  AssignmentProblem problem;
  /// Per problem link: the network link (or node, for node links) it stands for.
  struct Origin {
    bool node_link = false;
    std::size_t index = 0;  ///< network link or node
    bool forward = true;    ///< direction over the network link
  };
  std::vector<Origin> origin_of;
  std::vector<bool> has_capacity;   ///< per problem link: a capacity limits it (for bottlenecks)
  std::vector<std::size_t> node_in; ///< network node -> problem node (entry)
  std::vector<std::size_t> node_out;
  std::vector<std::size_t> origin_vertex;       ///< where a node's demand starts (its entry; exit if not `through`)
  std::vector<std::size_t> destination_vertex;  ///< where it ends (its exit; entry if not `through`)
  std::vector<std::size_t> demand_row;  ///< problem demand entry -> scenario demand row
};

/// Builds the problem; throws InputError for a commodity without a value of time.
CorridorProblem corridor_problem(const network::Network& net, const scenario::Scenario& scenario);

/// The network path of a route of the problem (problem links, origin first) from `origin` to
/// `destination` (network nodes), timed with `link_time_h` per problem link; ends that traffic may not
/// pass (through: false) add their fixed dwell and handling, as in the all-or-nothing model. cost at `vot`.
Path corridor_path(const network::Network& net, const CorridorProblem& cp, const std::vector<std::size_t>& links,
                   std::size_t origin, std::size_t destination, const std::vector<double>& link_time_h, double vot);

struct CorridorEquilibrium {
  FreightResults results;
  EquilibriumResult solution;
};

/// Solves the scenario's user equilibrium or system optimum (scenario freight.method, algorithm,
/// relative_gap, max_iterations). OD options per route family are the all-or-nothing ones (free flow).
/// Throws SolverError when the relative gap is not reached.
CorridorEquilibrium assign_equilibrium(const network::Network& net, const scenario::Scenario& scenario);

/// The maximum throughput from a group of nodes to another over the open freight network, limited by
/// link capacities (per direction) and node handling capacities, and the links and nodes of a minimum cut.
struct CorridorBottleneck {
  std::string name;
  double max_flow_teu_per_day = 0.0;  ///< infinity when an uncapacitated path joins the groups
  std::vector<std::size_t> cut_links;  ///< network link indices
  std::vector<std::size_t> cut_nodes;  ///< network node indices
};
std::vector<CorridorBottleneck> corridor_bottlenecks(const network::Network& net, const scenario::Scenario& scenario);

}  // namespace corridor::freight
