// Algorithm B (Dial 2006): user equilibrium and system optimum by origin-based flows on bushes.
//
// A bush is an acyclic subnetwork rooted at one origin (one per class and origin) that carries all of that
// origin's flow. On a bush, the least-cost (L) and longest used (U) path labels come from one pass in
// topological order. For every node j whose longest used path is dearer than its least-cost path, the two
// paths are traced back to the last node they share, and flow dx is moved from the dear segment to the cheap
// one by a Newton step on the cost difference,
//   dx = min( (C_U - C_L) / (sum_{a in both segments} dc_a/dv),  min_{a in U segment} x_a ),
// which keeps flows feasible and the bush acyclic. Between equilibrations the bush is updated: links without
// flow are dropped (except those of the least-cost tree, which keep every node reachable) and links (i, j)
// with U_i + c_ij < U_j are added; as every bush link goes upward in U, the bush stays acyclic.
#pragma once

#include <vector>

#include "sim/freight/equilibrium_network.hpp"

namespace corridor::freight::detail {

class BushSolver {
public:
  BushSolver(const CompactNetwork& net, LinkState& state);

  /// One bush per (class, origin), holding its all-or-nothing flows at the current costs.
  void initialize();
  /// One sweep over all bushes: update each bush's links, then equilibrate it (a few inner passes).
  void iterate();
  /// Equilibrates every bush again without changing its links (cheap; used between sweeps).
  void equilibrate_all();
  /// Inner passes on a bush stop once no node's longest used path is dearer than its least-cost path by more
  /// than this (time units). The driver tightens it as the gap falls.
  void set_cost_tolerance(double tolerance) { cost_tolerance_ = tolerance; }
  /// At most this many equilibration passes per bush each time it is visited.
  void set_inner_passes(std::size_t passes) { inner_passes_ = passes; }
  /// Per-class link flows x_ka, kept in step with the bushes.
  [[nodiscard]] const std::vector<std::vector<double>>& class_flows() const { return class_flows_; }

  /// Flow-weighted mean cost and time, and the routes carrying the flow, for every OD with demand.
  /// `actual` holds user costs t_a(v) at the final flows (for system optimum, not the marginal costs).
  void od_results(const LinkState& actual, const EquilibriumOptions& options, std::vector<OdEquilibrium>& od);

private:
  struct Bush {
    std::vector<Index> order;  ///< nodes in topological order, origin first
    std::vector<Index> begin;  ///< links entering order[h]: links[begin[h] .. begin[h+1])
    std::vector<Index> links;
    std::vector<double> flow;
    double flow_epsilon = 0.0;  ///< round-off level of this origin's flows
  };

  void scatter(std::size_t b);
  void gather(std::size_t b);
  void topological_order(Index origin);
  /// L labels over all bush links; U over links with flow (used_only) or over all bush links.
  double labels(Index travel_class, bool used_only);
  void update_bush(std::size_t b);
  /// Returns the largest U - L over the nodes (before the shifts).
  double equilibrate_pass(std::size_t b);
  void equilibrate(std::size_t b, std::size_t passes);
  void shift(Index travel_class, Index merge, Index j);

  const CompactNetwork& net_;
  LinkState& state_;
  std::vector<Bush> bushes_;  ///< parallel to net_.origins
  std::vector<std::vector<double>> class_flows_;

  // workspace for the bush being processed
  std::vector<char> in_bush_;
  std::vector<double> x_;
  std::vector<Index> blinks_;
  std::vector<Index> order_;
  std::vector<Index> local_begin_, local_links_;
  std::vector<Index> topo_pos_;
  std::vector<Index> indegree_;
  std::vector<double> lmin_, umax_;
  std::vector<Index> lpred_, upred_;
  double flow_epsilon_ = 0.0;
  double cost_tolerance_ = 0.0;
  std::size_t inner_passes_ = 6;
};

}  // namespace corridor::freight::detail
