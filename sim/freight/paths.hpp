// Shortest generalized-cost paths over the corridor network (Boost.Graph Dijkstra).
//
// Generalized cost of a path for one TEU, in USD:
//   cost = value_of_time_usd_per_teu_h * time_h + tariffs + handling fees
//   time_h = sum over links (length_km / speed_kmh + wait_h) + sum over nodes of the path, both ends
//            included, of dwell_h (border processing, gauge change, port handling, terminal time)
//   tariffs = sum of links' cost_usd_per_teu; handling = sum of nodes' handling_usd_per_teu.
#pragma once

#include <boost/graph/compressed_sparse_row_graph.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <vector>

#include "sim/network/network.hpp"

namespace corridor::freight {

/// Link and node times at a state of congestion (an equilibrium's), in place of the free-flow ones.
struct CongestedTimes {
  std::vector<double> link_forward_h;   ///< per network link: running time with waits, from -> to
  std::vector<double> link_backward_h;  ///< per network link: to -> from
  std::vector<double> node_dwell_h;     ///< per network node
};

/// The free-flow times of every link direction (length / speed or travel_time_h, plus wait_h) and node
/// (dwell_h); NaN where freight may not pass: closed links and nodes, pipelines and gas nodes, links to a
/// closed node, the backward direction of a directed link.
CongestedTimes free_flow_times(const network::Network& net);

/// Which parts of the network a shipment may use and what its time is worth.
struct CostModel {
  double value_of_time_usd_per_teu_h = 0.0;
  std::set<network::Mode> modes;  ///< allowed modes; pipelines are never used by freight
  std::vector<std::size_t> avoid_nodes;  ///< nodes this shipment may not pass (besides closed ones)
  std::shared_ptr<const CongestedTimes> times;  ///< null: free-flow times
};

/// One traversal of a link in a path.
struct Step {
  std::size_t link = 0;
  bool forward = true;
};

struct Path {
  std::vector<std::size_t> nodes;  ///< node indices, origin first
  std::vector<Step> steps;         ///< links in order (nodes.size() - 1 of them)
  double time_h = 0.0;
  double money_usd_per_teu = 0.0;  ///< tariffs and handling
  double cost_usd_per_teu = 0.0;   ///< generalized cost
  double length_km = 0.0;
};

/// The network's arcs with their generalized cost under one cost model, in compressed-row form: built
/// once per cost model (O(links)) and shared by every shortest-path tree of that model. Arcs a shipment
/// may not use (closed, wrong mode, pipeline, an avoided or closed end) cost +infinity; so do arcs
/// leaving a node that is not `through`, except from the tree's own origin.
class CostedGraph {
public:
  CostedGraph(const network::Network& net, const CostModel& model);

  [[nodiscard]] const network::Network& network() const noexcept { return net_; }
  [[nodiscard]] const CostModel& model() const noexcept { return model_; }

  using Csr = boost::compressed_sparse_row_graph<boost::directedS, boost::no_property, boost::no_property,
                                                 boost::no_property, std::uint32_t, std::uint32_t>;

private:
  friend class ShortestPathTree;
  const network::Network& net_;
  CostModel model_;
  Csr graph_;
  std::vector<double> cost_;            ///< per arc (CSR edge index): generalized cost, +inf if unusable
  std::vector<double> cost_as_origin_;  ///< the same, ignoring that the arc's tail is not `through`
  std::vector<Step> step_;              ///< per arc: the link and direction it traverses
};

/// Shortest paths from one origin to every node, by generalized cost.
class ShortestPathTree {
public:
  ShortestPathTree(const CostedGraph& graph, std::size_t origin);
  /// Convenience for a single tree: builds the CostedGraph for `model` first.
  ShortestPathTree(const network::Network& net, const CostModel& model, std::size_t origin);

  /// The best path to `destination`, or nullopt when it cannot be reached.
  [[nodiscard]] std::optional<Path> path_to(std::size_t destination) const;

private:
  const network::Network& net_;
  CostModel model_;
  std::size_t origin_;
  std::vector<double> cost_;
  std::vector<std::optional<Step>> via_step_;  ///< the step that reaches each node on its best path
};

/// Dwell at node `n` under the model's times.
double node_dwell_h(const network::Network& net, const CostModel& model, std::size_t n);
/// Running time (with waits) of a link in one direction under the model's times.
double link_time_h(const network::Network& net, const CostModel& model, const Step& step);

/// Time and money of passing node `n` (dwell and handling), as generalized cost.
double node_cost_usd_per_teu(const network::Network& net, const CostModel& model, std::size_t n);

/// Fills a path's time, money, cost and length from its nodes and steps.
void price(const network::Network& net, const CostModel& model, Path& path);

/// The best path from `origin` to `destination` that passes at least one node of `via`
/// (shortest to the via node, then shortest on from it), or nullopt.
std::optional<Path> best_path_via(const network::Network& net, const CostModel& model, std::size_t origin,
                                  std::size_t destination, const std::vector<std::size_t>& via);

}  // namespace corridor::freight
