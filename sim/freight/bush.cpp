#include "sim/freight/bush.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "geo/error.hpp"

namespace corridor::freight::detail {

namespace {
constexpr double infinity = std::numeric_limits<double>::infinity();
/// A node's U - L below this fraction of U counts as equilibrated (round-off level).
constexpr double equal_cost_tolerance = 1e-13;
/// Link flows of a bush below this fraction of the origin's demand are round-off: treated as unused.
constexpr double round_off_flow = 1e-12;
}  // namespace

BushSolver::BushSolver(const CompactNetwork& net, LinkState& state)
    : net_(net), state_(state), bushes_(net.origins.size()),
      class_flows_(net.class_count, std::vector<double>(net.link_count, 0.0)), in_bush_(net.link_count, 0),
      x_(net.link_count, 0.0), topo_pos_(net.node_count, no_index), indegree_(net.node_count, 0),
      lmin_(net.node_count, 0.0), umax_(net.node_count, 0.0), lpred_(net.node_count, no_index),
      upred_(net.node_count, no_index) {}

void BushSolver::initialize() {
  ShortestPathTree tree(net_);
  for (std::size_t b = 0; b < bushes_.size(); ++b) {
    const OriginDemand& o = net_.origins[b];
    tree.run(state_, o.travel_class, o.origin);
    for (std::size_t i = 0; i < o.destinations.size(); ++i) {
      if (tree.reached(o.destinations[i])) tree.load(o.destinations[i], o.demand[i], x_);
    }
    Bush& bush = bushes_[b];
    double total = 0.0;
    for (double d : o.demand) total += d;
    bush.flow_epsilon = round_off_flow * total;
    // the bush starts as the least-cost tree, spanning every node the origin can reach
    blinks_.clear();
    for (Index j = 0; j < net_.node_count; ++j) {
      if (j == o.origin || !tree.reached(j)) continue;
      const Index a = tree.pred_link(j);
      blinks_.push_back(a);
      in_bush_[a] = 1;
      class_flows_[o.travel_class][a] += x_[a];
      state_.flow[a] += x_[a];
    }
    topological_order(o.origin);
    flow_epsilon_ = bush.flow_epsilon;
    gather(b);
  }
  state_.refresh_all();
}

void BushSolver::scatter(std::size_t b) {
  const Bush& bush = bushes_[b];
  flow_epsilon_ = bush.flow_epsilon;
  for (Index n : order_) topo_pos_[n] = no_index;
  order_ = bush.order;
  for (std::size_t h = 0; h < order_.size(); ++h) topo_pos_[order_[h]] = static_cast<Index>(h);
  local_begin_ = bush.begin;
  local_links_ = bush.links;
  blinks_ = bush.links;
  for (std::size_t i = 0; i < bush.links.size(); ++i) {
    in_bush_[bush.links[i]] = 1;
    x_[bush.links[i]] = bush.flow[i];
  }
}

void BushSolver::gather(std::size_t b) {
  Bush& bush = bushes_[b];
  bush.order = order_;
  bush.begin = local_begin_;
  bush.links = local_links_;
  bush.flow.resize(local_links_.size());
  for (std::size_t i = 0; i < local_links_.size(); ++i) {
    const Index a = local_links_[i];
    bush.flow[i] = x_[a];
    in_bush_[a] = 0;
    x_[a] = 0.0;
  }
}

void BushSolver::topological_order(Index origin) {
  for (Index n : order_) topo_pos_[n] = no_index;
  order_.clear();
  for (Index a : blinks_) ++indegree_[net_.head[a]];
  topo_pos_[origin] = 0;
  order_.push_back(origin);
  for (std::size_t h = 0; h < order_.size(); ++h) {
    const Index i = order_[h];
    for (Index e = net_.out_begin[i]; e < net_.out_begin[i + 1]; ++e) {
      const Index a = net_.out_links[e];
      if (!in_bush_[a]) continue;
      const Index j = net_.head[a];
      if (--indegree_[j] == 0) {
        topo_pos_[j] = static_cast<Index>(order_.size());
        order_.push_back(j);
      }
    }
  }
  bool cyclic = false;
  for (Index a : blinks_) {
    if (topo_pos_[net_.tail[a]] == no_index) cyclic = true;
    indegree_[net_.head[a]] = 0;
  }
  if (cyclic)
    throw SolverError("Algorithm B: the bush of origin node " + std::to_string(origin + 1) +
                      " lost its acyclic order (internal error)");
  // the bush's links grouped by head node, in topological order: what the label passes walk
  local_begin_.assign(order_.size() + 1, 0);
  local_links_.clear();
  for (std::size_t h = 0; h < order_.size(); ++h) {
    const Index j = order_[h];
    for (Index e = net_.in_begin[j]; e < net_.in_begin[j + 1]; ++e) {
      const Index a = net_.in_links[e];
      if (in_bush_[a]) local_links_.push_back(a);
    }
    local_begin_[h + 1] = static_cast<Index>(local_links_.size());
  }
  blinks_ = local_links_;
}

double BushSolver::labels(Index travel_class, bool used_only) {
  const std::vector<double>& fixed = net_.fixed[travel_class];
  double max_diff = 0.0;
  const Index origin = order_.front();
  lmin_[origin] = umax_[origin] = 0.0;
  lpred_[origin] = upred_[origin] = no_index;
  for (std::size_t h = 1; h < order_.size(); ++h) {
    const Index j = order_[h];
    double l = infinity, u = -infinity;
    Index lp = no_index, up = no_index;
    for (Index e = local_begin_[h]; e < local_begin_[h + 1]; ++e) {
      const Index a = local_links_[e];
      if (!in_bush_[a]) continue;  // dropped since the order was built
      const Index i = net_.tail[a];
      const double c = state_.cost[a] + fixed[a];
      const double li = lmin_[i] + c;
      if (li < l) {
        l = li;
        lp = a;
      }
      if (!used_only || x_[a] > flow_epsilon_) {
        const double ui = umax_[i] + c;
        if (ui > u) {
          u = ui;
          up = a;
        }
      }
    }
    if (up == no_index) {
      u = l;
      up = lp;
    }
    lmin_[j] = l;
    umax_[j] = u;
    lpred_[j] = lp;
    upred_[j] = up;
    max_diff = std::max(max_diff, u - l);
  }
  return max_diff;
}

void BushSolver::update_bush(std::size_t b) {
  const OriginDemand& o = net_.origins[b];
  const Index k = o.travel_class;
  labels(k, false);  // scatter restored the bush's topological order
  // Drop links without flow, except the least-cost tree that keeps every bush node reachable.
  // Removing links keeps order_ a valid topological order.
  std::size_t kept = 0;
  // Flows at round-off level (left by shifts of nearly equal amounts) are dropped with their links.
  std::vector<double>& xk = class_flows_[k];
  for (Index a : blinks_) {
    if (x_[a] <= flow_epsilon_ && lpred_[net_.head[a]] != a) {
      xk[a] -= x_[a];
      state_.flow[a] -= x_[a];
      if (x_[a] != 0.0) state_.refresh(a);
      in_bush_[a] = 0;
      x_[a] = 0.0;
    } else {
      blinks_[kept++] = a;
    }
  }
  blinks_.resize(kept);
  labels(k, false);
  // Add every link that shortens the longest path to its head: U_i + c_ij < U_j keeps the bush acyclic.
  const std::vector<double>& fixed = net_.fixed[k];
  const std::vector<char>& allowed = net_.allowed[k];
  const std::size_t before = blinks_.size();
  for (const Index i : order_) {
    if (!net_.may_leave(i, o.origin)) continue;
    for (Index e = net_.out_begin[i]; e < net_.out_begin[i + 1]; ++e) {
      const Index a = net_.out_links[e];
      if (in_bush_[a] || !allowed[a]) continue;
      const Index j = net_.head[a];
      if (j == o.origin || topo_pos_[j] == no_index) continue;
      if (umax_[i] + state_.cost[a] + fixed[a] < umax_[j]) {
        in_bush_[a] = 1;
        x_[a] = 0.0;
        blinks_.push_back(a);
      }
    }
  }
  if (blinks_.size() == before) {
    // None shortens a longest path (they can tie): add the links that shorten a least-cost path and still go
    // upward in U, which keeps the bush acyclic.
    for (const Index i : order_) {
      if (!net_.may_leave(i, o.origin)) continue;
      for (Index e = net_.out_begin[i]; e < net_.out_begin[i + 1]; ++e) {
        const Index a = net_.out_links[e];
        if (in_bush_[a] || !allowed[a]) continue;
        const Index j = net_.head[a];
        if (j == o.origin || topo_pos_[j] == no_index) continue;
        if (lmin_[i] + state_.cost[a] + fixed[a] < lmin_[j] && umax_[i] < umax_[j]) {
          in_bush_[a] = 1;
          x_[a] = 0.0;
          blinks_.push_back(a);
        }
      }
    }
  }
  topological_order(o.origin);
}

void BushSolver::shift(Index travel_class, Index merge, Index j) {
  const std::vector<double>& fixed = net_.fixed[travel_class];
  double cost_l = 0.0, slope_l = 0.0;
  for (Index n = j; n != merge; n = net_.tail[lpred_[n]]) {
    const Index a = lpred_[n];
    cost_l += state_.cost[a] + fixed[a];
    slope_l += state_.slope[a];
  }
  double cost_u = 0.0, slope_u = 0.0, movable = infinity;
  for (Index n = j; n != merge; n = net_.tail[upred_[n]]) {
    const Index a = upred_[n];
    cost_u += state_.cost[a] + fixed[a];
    slope_u += state_.slope[a];
    movable = std::min(movable, x_[a]);
  }
  const double diff = cost_u - cost_l;
  if (!(diff > 0.0) || !(movable > 0.0)) return;
  const double slope = slope_l + slope_u;
  // Newton step on the cost difference, capped by the flow the dear segment carries.
  double dx = slope > 0.0 ? diff / slope : movable;
  if (dx > movable) dx = movable;
  std::vector<double>& xk = class_flows_[travel_class];
  for (Index n = j; n != merge; n = net_.tail[upred_[n]]) {
    const Index a = upred_[n];
    x_[a] = x_[a] - dx;
    if (x_[a] < 0.0) x_[a] = 0.0;
    xk[a] -= dx;
    state_.flow[a] -= dx;
    state_.refresh(a);
  }
  for (Index n = j; n != merge; n = net_.tail[lpred_[n]]) {
    const Index a = lpred_[n];
    x_[a] += dx;
    xk[a] += dx;
    state_.flow[a] += dx;
    state_.refresh(a);
  }
}

double BushSolver::equilibrate_pass(std::size_t b) {
  const OriginDemand& o = net_.origins[b];
  const double max_diff = labels(o.travel_class, true);
  for (std::size_t h = order_.size(); h-- > 1;) {
    const Index j = order_[h];
    if (upred_[j] == lpred_[j]) continue;
    if (umax_[j] - lmin_[j] <= equal_cost_tolerance * umax_[j]) continue;
    // the last node both paths share: walk back the one that is further down the topological order
    Index p = net_.tail[lpred_[j]], q = net_.tail[upred_[j]];
    while (p != q) {
      if (topo_pos_[p] > topo_pos_[q]) p = net_.tail[lpred_[p]];
      else q = net_.tail[upred_[q]];
    }
    shift(o.travel_class, p, j);
  }
  return max_diff;
}

void BushSolver::equilibrate(std::size_t b, std::size_t passes) {
  for (std::size_t p = 0; p < passes; ++p) {
    const double max_diff = equilibrate_pass(b);
    if (max_diff <= std::max(cost_tolerance_, equal_cost_tolerance * std::max(1.0, umax_[order_.back()]))) break;
  }
}

void BushSolver::iterate() {
  for (std::size_t b = 0; b < bushes_.size(); ++b) {
    scatter(b);
    update_bush(b);
    equilibrate(b, inner_passes_);
    gather(b);
  }
}

void BushSolver::equilibrate_all() {
  for (std::size_t b = 0; b < bushes_.size(); ++b) {
    scatter(b);
    equilibrate(b, inner_passes_);
    gather(b);
  }
}

void BushSolver::od_results(const LinkState& actual, const EquilibriumOptions& options, std::vector<OdEquilibrium>& od) {
  std::vector<double> inflow(net_.node_count, 0.0), mean_cost(net_.node_count, 0.0), mean_time(net_.node_count, 0.0);
  struct Frame {
    Index node;
    double share;
    Index next;
  };
  std::vector<Frame> stack;
  std::vector<Index> path;
  std::vector<OdRoute> found;
  for (std::size_t b = 0; b < bushes_.size(); ++b) {
    const OriginDemand& o = net_.origins[b];
    const std::vector<double>& fixed = net_.fixed[o.travel_class];
    scatter(b);
    // Mean cost and time of the flow arriving at each node, splitting it in proportion to link flows:
    // M_j = sum_a x_a (M_i + c_a) / X_j. At equilibrium every used path to j costs the same, so this is the
    // OD's cost whichever destination the flow is bound for.
    inflow[o.origin] = mean_cost[o.origin] = mean_time[o.origin] = 0.0;
    for (std::size_t h = 1; h < order_.size(); ++h) {
      const Index j = order_[h];
      double x = 0.0, c = 0.0, t = 0.0;
      for (Index e = net_.in_begin[j]; e < net_.in_begin[j + 1]; ++e) {
        const Index a = net_.in_links[e];
        if (!in_bush_[a] || x_[a] <= 0.0) continue;
        const Index i = net_.tail[a];
        x += x_[a];
        c += x_[a] * (mean_cost[i] + actual.cost[a] + fixed[a]);
        t += x_[a] * (mean_time[i] + actual.cost[a]);
      }
      inflow[j] = x;
      mean_cost[j] = x > 0.0 ? c / x : 0.0;
      mean_time[j] = x > 0.0 ? t / x : 0.0;
    }
    for (std::size_t d = 0; d < o.destinations.size(); ++d) {
      const Index s = o.destinations[d];
      OdEquilibrium& r = od[o.od[d]];
      if (topo_pos_[s] == no_index || inflow[s] <= 0.0) continue;
      r.mean_cost = mean_cost[s];
      r.mean_time = mean_time[s];
      if (!options.list_routes) continue;
      // Routes: walk back from the destination, splitting at each node in proportion to inflows.
      found.clear();
      stack.clear();
      path.clear();
      stack.push_back({s, 1.0, net_.in_begin[s]});
      while (!stack.empty()) {
        Frame& f = stack.back();
        if (f.node == o.origin) {
          OdRoute route;
          route.links.assign(path.rbegin(), path.rend());
          route.share = f.share;
          for (const std::size_t a : route.links) route.cost += actual.cost[a] + fixed[a];
          found.push_back(std::move(route));
          stack.pop_back();
          if (!path.empty()) path.pop_back();
          continue;
        }
        bool descended = false;
        while (f.next < net_.in_begin[f.node + 1]) {
          const Index a = net_.in_links[f.next++];
          if (!in_bush_[a] || x_[a] <= 0.0) continue;
          const double share = f.share * x_[a] / inflow[f.node];
          if (share < options.min_route_share) continue;
          path.push_back(a);
          const Index i = net_.tail[a];
          stack.push_back({i, share, net_.in_begin[i]});
          descended = true;
          break;
        }
        if (!descended) {
          stack.pop_back();
          if (!path.empty()) path.pop_back();
        }
      }
      std::stable_sort(found.begin(), found.end(),
                       [](const OdRoute& x, const OdRoute& y) { return x.share > y.share; });
      if (found.size() > options.max_routes_per_od) found.resize(options.max_routes_per_od);
      r.routes = std::move(found);
      found = {};
    }
    gather(b);
  }
}

}  // namespace corridor::freight::detail
