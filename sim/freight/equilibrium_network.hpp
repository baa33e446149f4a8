// Internal to the equilibrium solvers: the problem compiled once into compact arrays (CSR adjacency,
// per-class fixed costs and allowed links, demand grouped by class and origin), the link cost state, and
// least-cost path trees. Not part of the public interface of sim/freight.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "sim/freight/equilibrium.hpp"
#include "sim/freight/equilibrium_problem.hpp"

namespace corridor::freight::detail {

using Index = std::uint32_t;
inline constexpr Index no_index = static_cast<Index>(-1);

/// Demand of one class leaving one origin.
struct OriginDemand {
  Index travel_class = 0;
  Index origin = 0;
  std::vector<Index> destinations;
  std::vector<double> demand;
  std::vector<std::size_t> od;  ///< index into problem.demand of each destination's entry
};

/// The problem in arrays, built once.
struct CompactNetwork {
  Index node_count = 0;
  Index link_count = 0;
  Index first_thru_node = 0;
  std::vector<Index> tail, head;
  std::vector<Index> out_begin, out_links;  ///< CSR: links leaving node i are out_links[out_begin[i] .. out_begin[i+1])
  std::vector<Index> in_begin, in_links;    ///< links entering node j
  std::vector<std::vector<double>> fixed;   ///< [class][link] g_ka
  std::vector<std::vector<char>> allowed;   ///< [class][link]
  std::vector<OriginDemand> origins;        ///< sorted by (class, origin)
  std::size_t class_count = 0;

  explicit CompactNetwork(const AssignmentProblem& p);

  /// Whether a path may continue from node `i` when it started at `origin` (zone pass-through rule).
  [[nodiscard]] bool may_leave(Index i, Index origin) const { return i == origin || i >= first_thru_node; }
};

/// Link flows and their costs under the chosen objective.
struct LinkState {
  std::vector<VolumeDelay> vdf;
  bool system_optimum = false;
  std::vector<double> flow;   ///< v_a
  std::vector<double> cost;   ///< t_a(v_a), or t_a + v_a t_a' for system optimum
  std::vector<double> slope;  ///< d cost / d v

  LinkState(const AssignmentProblem& p, AssignmentObjective objective);
  /// Recomputes cost and slope of link `a` from its flow.
  void refresh(Index a) {
    const double v = flow[a];
    if (system_optimum) {
      const double s = vdf[a].slope(v);
      cost[a] = vdf[a].time(v) + v * s;
      slope[a] = 2.0 * s + v * vdf[a].curvature(v);
    } else {
      cost[a] = vdf[a].time(v);
      slope[a] = vdf[a].slope(v);
    }
  }
  void refresh_all() {
    for (Index a = 0; a < flow.size(); ++a) refresh(a);
  }
  /// Cost of link `a` as seen by the objective at flow `v` (for line searches).
  [[nodiscard]] double cost_at(Index a, double v) const {
    return system_optimum ? vdf[a].time(v) + v * vdf[a].slope(v) : vdf[a].time(v);
  }
};

/// Least-cost path tree from one origin for one class (Dijkstra with an indexed binary heap).
class ShortestPathTree {
public:
  explicit ShortestPathTree(const CompactNetwork& net);

  /// Labels every node reachable from `origin` with its least generalized cost under `state`.
  void run(const LinkState& state, Index travel_class, Index origin);

  [[nodiscard]] double distance(Index node) const { return dist_[node]; }
  [[nodiscard]] Index pred_link(Index node) const { return pred_[node]; }
  [[nodiscard]] bool reached(Index node) const { return pred_[node] != no_index || node == origin_; }
  /// Adds `amount` to flows[a] along the tree path to `node`.
  void load(Index node, double amount, std::vector<double>& flows) const;

private:
  void push_or_decrease(Index node, double d);
  Index pop();

  const CompactNetwork& net_;
  Index origin_ = 0;
  std::vector<double> dist_;
  std::vector<Index> pred_;
  std::vector<Index> heap_;      ///< node ids
  std::vector<Index> heap_pos_;  ///< position in heap_, or no_index
  std::vector<Index> touched_;
};

/// Called with (index into problem.demand, the tree of its origin, its destination) for every OD the
/// all-or-nothing loading reaches: to record the paths it loaded.
using OnTreePath = std::function<void(std::size_t od, const ShortestPathTree& tree, Index destination)>;

/// Shortest-path total (SPTT) and all-or-nothing loading for all demand at the current costs.
/// `class_flows` ([class][link]) is overwritten with the all-or-nothing loading when not null.
/// Returns SPTT; `unreachable` counts OD pairs with demand and no path.
double all_or_nothing(const CompactNetwork& net, const LinkState& state, ShortestPathTree& tree,
                      std::vector<std::vector<double>>* class_flows, std::size_t* unreachable = nullptr,
                      const OnTreePath& on_path = {});

/// TSTT = sum_k sum_a x_ka (cost_a + g_ka).
double total_cost(const CompactNetwork& net, const LinkState& state, const std::vector<std::vector<double>>& class_flows);

/// (TSTT - SPTT) / SPTT, 0 when there is no demand.
inline double relative_gap(double tstt, double sptt) {
  if (sptt <= 0.0) return 0.0;
  const double g = (tstt - sptt) / sptt;
  return g < 0.0 ? 0.0 : g;
}

}  // namespace corridor::freight::detail
