#include "sim/freight/sue.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <set>
#include <sstream>

#include "geo/error.hpp"
#include <Eigen/Dense>

#include "sim/freight/equilibrium_network.hpp"

namespace corridor::freight {

namespace {

using detail::CompactNetwork;
using detail::Index;
using detail::LinkState;
using detail::ShortestPathTree;

constexpr double kInf = std::numeric_limits<double>::infinity();
/// The least flow an alternative holds (flow units per period): the logit gives every one some.
constexpr double kMinFlow = 1e-250;

double safe_log(double x) { return std::log(std::max(x, 1e-300)); }

struct Route {
  std::vector<Index> links;
  std::vector<Index> sorted;  ///< the links by index, for the overlaps of two routes
  double flow = 0.0;
  double fixed = 0.0;        ///< sum of g_ka over the links + the route's extra cost
  double path_size = 1.0;
  double length = 0.0;       ///< free-flow generalized cost, for path sizes
  RouteTraits traits;
  double cost = 0.0;         ///< scratch: current cost
  double target = 0.0;       ///< scratch: logit flow at the current costs
  double dir = 0.0;          ///< scratch: step direction
};

struct Od {
  std::size_t index = 0;     ///< into problem.demand
  Index travel_class = 0;
  Index origin = 0, destination = 0;
  double demand = 0.0;
  std::vector<Route> routes;
  bool has_unserved = false;
  double unserved_flow = 0.0;
  double unserved_cost = 0.0;
  double unserved_target = 0.0;
  double unserved_dir = 0.0;
};

class Solver {
public:
  Solver(const AssignmentProblem& p, const SueOptions& o)
      : p_(p), o_(o), net_(p), state_(p, AssignmentObjective::user_equilibrium), scratch_(state_), tree_(net_), detour_tree_(net_) {
    const std::size_t m = p.links.size();
    mu_.assign(m, 0.0);
    hard_.assign(m, 0);
    for (std::size_t a = 0; a < m && a < o.hard_capacity.size(); ++a) hard_[a] = o.hard_capacity[a];
    cost_.assign(m, 0.0);
    for (Index a = 0; a < m; ++a) cost_[a] = link_cost(a, 0.0);
    free_cost_ = cost_;
  }

  SueResult run() {
    build_ods();
    SueResult res;
    const bool capacitated = std::any_of(hard_.begin(), hard_.end(), [](char c) { return c != 0; });
    if (capacitated) {
      min_sweeps_ = 1;
      theta_max_ = 0.0;
      for (const auto& c : o_.classes) theta_max_ = std::max(theta_max_, c.theta);
    }
    double violation = 1.0;  // of the capacities' KKT conditions, after the last round
    for (;;) {
      // With capacities, early rounds solve the inner problem (an SUE with the queue delays mu as fixed
      // extra link costs) only as well as mu is known: to a tenth of the last violation, down to the
      // target.
      const double inner_gap = capacitated ? std::max(o_.relative_gap, std::min(1e-3, 0.1 * violation)) : o_.relative_gap;
      const bool inner = solve_inner(res, inner_gap);
      ++res.multiplier_rounds;
      if (!capacitated) {
        res.converged = inner;
        break;
      }
      // Stop at the KKT point: every capacity holds, and every link with a queue is at its capacity.
      double excess = -kInf, slack = 0.0;
      for (Index a = 0; a < p_.links.size(); ++a) {
        if (!hard_[a]) continue;
        const double rel = (state_.flow[a] - p_.links[a].capacity) / p_.links[a].capacity;
        excess = std::max(excess, rel);
        // Complementarity: a queue where the capacity is not full counts by the smaller of the free
        // capacity (relative) and the queue in logit units (a negligible queue is no violation).
        if (mu_[a] > 0.0) slack = std::max(slack, std::min(-rel, mu_[a] * theta_max_));
      }
      res.max_capacity_excess = excess;
      if (inner && inner_gap <= o_.relative_gap && excess <= o_.capacity_tolerance && slack <= o_.capacity_tolerance) {
        res.converged = true;
        break;
      }
      violation = std::max({excess, slack, 0.0});
      if (res.iterations >= o_.max_iterations || res.multiplier_rounds >= 500) break;
      // Route sets are complete at the first round's costs; later rounds only move queue delays (a
      // route that joins while they move changes the flows the Newton step was computed on, and the
      // two can cycle).
      freeze_routes_ = true;
      update_queue_delays(violation);
      refresh_all_costs();
    }
    fill(res);
    return res;
  }

private:
  // ---- costs ----
  /// Cost of link a at flow v: its volume-delay time plus, on a hard capacity, the multiplier penalty.
  double link_cost(Index a, double v) const { return state_.vdf[a].time(v) + mu_[a]; }
  double link_slope(Index a, double v) const { return state_.vdf[a].slope(v); }
  void refresh_all_costs() {
    for (Index a = 0; a < p_.links.size(); ++a) cost_[a] = link_cost(a, state_.flow[a]);
  }
  double route_cost(const Route& r) const {
    double c = r.fixed;
    for (Index a : r.links) c += cost_[a];
    return c;
  }

  // ---- setup ----
  void build_ods() {
    const auto& classes = o_.classes;
    if (classes.size() != p_.classes.size())
      throw InputError(p_.name, "", "the stochastic equilibrium needs one dispersion per travel class");
    for (std::size_t k = 0; k < classes.size(); ++k) {
      const auto& c = classes[k];
      if (!(c.theta > 0.0) || !std::isfinite(c.theta))
        throw InputError(p_.name, "class '" + p_.classes[k].name + "'", "the dispersion theta must be positive");
      if (c.theta_nest > c.theta * (1 + 1e-12))
        throw InputError(p_.name, "class '" + p_.classes[k].name + "'",
                         "the dispersion between nests may not exceed the one within them (theta_nest <= theta)");
      if (c.path_size < 0.0) throw InputError(p_.name, "class '" + p_.classes[k].name + "'", "path_size must not be negative");
    }
    ods_.reserve(p_.demand.size());
    double cost_sum = 0.0, demand_sum = 0.0;
    for (std::size_t i = 0; i < p_.demand.size(); ++i) {
      const OdDemand& d = p_.demand[i];
      Od od;
      od.index = i;
      od.travel_class = static_cast<Index>(d.travel_class);
      od.origin = static_cast<Index>(d.origin);
      od.destination = static_cast<Index>(d.destination);
      od.demand = d.demand;
      if (!o_.unserved_cost.empty()) {
        od.has_unserved = true;
        od.unserved_cost = o_.unserved_cost.at(d.travel_class);
      }
      ods_.push_back(std::move(od));
    }
    // Route sets: the free-flow least-cost route, penalty routes, seeds.
    std::map<std::pair<Index, Index>, std::vector<std::size_t>> by_origin;
    for (std::size_t i = 0; i < ods_.size(); ++i) by_origin[{ods_[i].travel_class, ods_[i].origin}].push_back(i);
    std::copy(free_cost_.begin(), free_cost_.end(), scratch_.cost.begin());
    // Per OD and via link: the free-flow route from the origin to the via link's tail.
    const std::size_t vias = o_.via_links.size();
    std::vector<std::vector<std::vector<Index>>> to_via(vias ? ods_.size() : 0);
    for (const auto& [key, list] : by_origin) {
      tree_.run(scratch_, key.first, key.second);
      for (std::size_t i : list) {
        if (ods_[i].demand <= 0.0 || ods_[i].origin == ods_[i].destination) continue;
        if (tree_.reached(ods_[i].destination)) add_route(ods_[i], tree_path(ods_[i].destination));
        if (vias == 0 || ods_[i].routes.empty()) continue;
        to_via[i].resize(vias);
        for (std::size_t v = 0; v < vias; ++v) {
          const Index tail = net_.tail[o_.via_links[v]];
          if (tail == ods_[i].origin) continue;  // empty prefix
          if (!tree_.reached(tail)) {
            to_via[i][v] = {detail::no_index};  // unreachable
            continue;
          }
          to_via[i][v] = tree_path(tail);
        }
      }
    }
    if (vias > 0) via_routes(to_via);
    for (auto& od : ods_) {
      if (od.routes.empty()) continue;
      if (o_.penalty_routes > 0) penalty_routes(od);
      if (o_.seed_routes)
        for (auto& links : o_.seed_routes(od.index)) add_route(od, std::vector<Index>(links.begin(), links.end()));
      update_path_sizes(od);
      cost_sum += od.demand * std::min_element(od.routes.begin(), od.routes.end(), [&](const Route& a, const Route& b) {
                                return a.length < b.length;
                              })->length;
      demand_sum += od.demand;
    }
    mean_cost_ = demand_sum > 0 ? cost_sum / demand_sum : 1.0;
    // Start: all demand on the free-flow least-cost route (or unserved when there is none).
    for (auto& od : ods_) {
      if (od.demand <= 0.0) continue;
      if (od.routes.empty()) {
        od.unserved_flow = od.demand;
        continue;
      }
      // Every alternative carries flow (the entropy's domain): nearly all on the free-flow least-cost
      // route, a millionth spread over the others.
      const double rest = od.routes.size() > 1 || od.has_unserved ? 1e-6 * od.demand : 0.0;
      const auto others = static_cast<double>(od.routes.size() - 1 + (od.has_unserved ? 1 : 0));
      const double each = others > 0 ? rest / others : 0.0;
      for (std::size_t k = 0; k < od.routes.size(); ++k) {
        Route& r = od.routes[k];
        r.flow = k == 0 ? od.demand - rest : each;
        for (Index a : r.links) state_.flow[a] += r.flow;
      }
      if (od.has_unserved) od.unserved_flow = od.routes.size() > 1 || od.has_unserved ? each : 0.0;
    }
    refresh_all_costs();
  }

  std::vector<Index> tree_path(Index destination) const { return tree_path(tree_, destination); }
  std::vector<Index> tree_path(const ShortestPathTree& tree, Index destination) const {
    std::vector<Index> links;
    for (Index n = destination; tree.pred_link(n) != detail::no_index; n = net_.tail[tree.pred_link(n)])
      links.push_back(tree.pred_link(n));
    std::reverse(links.begin(), links.end());
    return links;
  }

  /// Adds a route to the OD's set unless it is there or the set is full; returns whether it was added.
  bool add_route(Od& od, std::vector<Index> links) {
    if (od.routes.size() >= o_.max_routes_per_od) return false;
    for (const auto& r : od.routes)
      if (r.links == links) return false;
    for (Index a : links)
      if (!net_.allowed[od.travel_class][a]) return false;
    // A route visits no node twice (a seed through a via node beyond the destination, such as a route
    // family's border for an OD short of it, would go there and back).
    if (!simple(links)) return false;
    Route r;
    r.links = std::move(links);
    r.sorted = r.links;
    std::sort(r.sorted.begin(), r.sorted.end());
    for (Index a : r.links) {
      r.fixed += net_.fixed[od.travel_class][a];
      r.length += free_cost_[a] + net_.fixed[od.travel_class][a];
    }
    if (o_.traits) {
      std::vector<std::size_t> as(r.links.begin(), r.links.end());
      r.traits = o_.traits(od.index, as);
    }
    r.fixed += r.traits.extra_cost;
    od.routes.push_back(std::move(r));
    return true;
  }

  /// The free-flow least-cost route of every OD through each via link (to its tail, the link, from its
  /// head on), when that route visits no node twice.
  void via_routes(const std::vector<std::vector<std::vector<Index>>>& to_via) {
    std::set<Index> classes;
    for (const auto& od : ods_) classes.insert(od.travel_class);
    for (Index k : classes) {
      for (std::size_t v = 0; v < o_.via_links.size(); ++v) {
        const Index a = static_cast<Index>(o_.via_links[v]);
        if (!net_.allowed[k][a]) continue;
        tree_.run(scratch_, k, net_.head[a]);
        for (std::size_t i = 0; i < ods_.size(); ++i) {
          Od& od = ods_[i];
          if (od.travel_class != k || od.routes.empty() || to_via[i].empty()) continue;
          const auto& prefix = to_via[i][v];
          if (!prefix.empty() && prefix.front() == detail::no_index) continue;
          if (net_.head[a] != od.destination && !tree_.reached(od.destination)) continue;
          const std::vector<Index> suffix = net_.head[a] == od.destination ? std::vector<Index>{} : tree_path(od.destination);
          std::vector<Index> links = prefix;
          links.push_back(a);
          links.insert(links.end(), suffix.begin(), suffix.end());
          if (!simple(links)) {
            // The origin's best way to the via node passes a node of the way on (the destination, say,
            // when the via node lies beyond it): the best way to the via node that avoids them instead.
            links = prefix_avoiding(od, a, suffix);
            if (links.empty()) continue;
            links.push_back(a);
            links.insert(links.end(), suffix.begin(), suffix.end());
          }
          add_route(od, std::move(links));  // unless it visits a node twice
        }
      }
    }
  }

  [[nodiscard]] bool simple(const std::vector<Index>& links) const {
    if (links.empty()) return true;
    std::vector<Index> nodes;
    nodes.reserve(links.size() + 1);
    nodes.push_back(net_.tail[links.front()]);
    for (Index a : links) nodes.push_back(net_.head[a]);
    std::sort(nodes.begin(), nodes.end());
    return std::adjacent_find(nodes.begin(), nodes.end()) == nodes.end();
  }

  /// The free-flow least-cost path from the OD's origin to the tail of via link `via` that enters no
  /// node of `suffix` (the route from the via link's head on) nor the via link's head; empty if none.
  std::vector<Index> prefix_avoiding(const Od& od, Index via, const std::vector<Index>& suffix) {
    if (net_.tail[via] == od.origin) return {};
    constexpr double blocked = 1e30;
    std::vector<char> avoid(p_.node_count, 0);
    avoid[net_.head[via]] = 1;
    for (Index l : suffix) avoid[net_.head[l]] = 1;
    std::vector<std::pair<Index, double>> saved;
    for (Index l = 0; l < p_.links.size(); ++l)
      if (avoid[net_.head[l]] || avoid[net_.tail[l]]) {
        saved.emplace_back(l, scratch_.cost[l]);
        scratch_.cost[l] = blocked;
      }
    detour_tree_.run(scratch_, od.travel_class, od.origin);
    for (const auto& [l, c] : saved) scratch_.cost[l] = c;
    const Index tail = net_.tail[via];
    if (!detour_tree_.reached(tail) || detour_tree_.distance(tail) >= blocked) return {};
    return tree_path(detour_tree_, tail);
  }

  void penalty_routes(Od& od) {
    std::vector<double> factor(p_.links.size(), 1.0);
    for (std::size_t round = 0; round < o_.penalty_routes; ++round) {
      for (const auto& r : od.routes)
        for (Index a : r.links) factor[a] = 1.0;
      for (const auto& r : od.routes)
        for (Index a : r.links) factor[a] *= 1.0 + o_.penalty;
      // Penalise free-flow time and fixed cost alike: a link's whole generalized cost.
      for (Index a = 0; a < p_.links.size(); ++a)
        scratch_.cost[a] = (free_cost_[a] + net_.fixed[od.travel_class][a]) * factor[a] - net_.fixed[od.travel_class][a];
      tree_.run(scratch_, od.travel_class, od.origin);
      if (!tree_.reached(od.destination)) break;
      if (!add_route(od, tree_path(od.destination)) && od.routes.size() >= o_.max_routes_per_od) break;
    }
  }

  void update_path_sizes(Od& od) {
    std::map<Index, int> uses;
    for (const auto& r : od.routes)
      for (Index a : r.links) ++uses[a];
    for (auto& r : od.routes) {
      if (!(r.length > 0.0)) {
        r.path_size = 1.0;
        continue;
      }
      double ps = 0.0;
      for (Index a : r.links) ps += (free_cost_[a] + net_.fixed[od.travel_class][a]) / r.length / uses[a];
      r.path_size = std::clamp(ps, 1e-12, 1.0);
    }
  }

  /// One Newton step on the queue delays (the capacities' dual): solve J dmu = v - c over the active
  /// capacities (those with a queue, or over capacity), J_ab = sum_od theta (F_ab - F_a F_b / d) the
  /// logit's sensitivity of the flow through a to a delay at b (F_ab the OD's flow through both; route
  /// dispersion, without congestion or nests, which make the true response smaller: steps are damped
  /// when the violation grows), keep mu >= 0 by dropping capacities whose queue would turn negative.
  void update_queue_delays(double violation) {
    if (violation > last_violation_) step_scale_ = std::max(0.05, 0.5 * step_scale_);
    else step_scale_ = std::min(1.0, 1.5 * step_scale_);
    last_violation_ = violation;
    std::vector<Index> active;
    std::vector<std::int32_t> slot(p_.links.size(), -1);
    for (Index a = 0; a < p_.links.size(); ++a)
      if (hard_[a] && (mu_[a] > 0.0 || state_.flow[a] > p_.links[a].capacity)) active.push_back(a);
    for (int pass = 0; pass < 4 && !active.empty(); ++pass) {
      const auto n = static_cast<Eigen::Index>(active.size());
      std::fill(slot.begin(), slot.end(), -1);
      for (Eigen::Index i = 0; i < n; ++i) slot[active[static_cast<std::size_t>(i)]] = static_cast<std::int32_t>(i);
      Eigen::MatrixXd jac = Eigen::MatrixXd::Zero(n, n);
      Eigen::VectorXd through(n);
      std::vector<Eigen::Index> in_route;
      std::vector<Eigen::VectorXd> nest_through;
      for (const auto& od : ods_) {
        if (od.routes.empty() || !(od.demand > 0.0)) continue;
        const SueDispersion& c = o_.classes[od.travel_class];
        const double theta = c.theta, theta0 = c.theta_nest > 0.0 ? c.theta_nest : c.theta;
        through.setZero();
        collect_nests(od);
        if (nest_through.size() < nest_ids_.size()) nest_through.resize(nest_ids_.size(), Eigen::VectorXd::Zero(n));
        for (std::size_t k = 0; k < nest_ids_.size(); ++k) {
          nest_through[k].setZero(n);
          nest_f_[k] = 0.0;
        }
        bool any = false;
        for (const auto& r : od.routes) {
          in_route.clear();
          for (Index a : r.links)
            if (slot[a] >= 0) in_route.push_back(slot[a]);
          const auto k = nest_index(r.traits.nest);
          nest_f_[k] += r.flow;
          for (Eigen::Index i : in_route) {
            through[i] += r.flow;
            nest_through[k][i] += r.flow;
            for (Eigen::Index j : in_route) jac(i, j) += theta * r.flow;
          }
          any = any || !in_route.empty();
        }
        if (!any) continue;
        // Nested logit: -df_r/dc_s = theta f_r [r = s] - (theta - theta0) f_r f_s / F_m [same nest]
        //                            - theta0 f_r f_s / d.
        for (std::size_t k = 0; k < nest_ids_.size(); ++k)
          if (nest_f_[k] > 0.0 && theta > theta0)
            jac.noalias() -= (theta - theta0) / nest_f_[k] * nest_through[k] * nest_through[k].transpose();
        jac.noalias() -= theta0 / od.demand * through * through.transpose();
      }
      Eigen::VectorXd excess(n);
      for (Eigen::Index i = 0; i < n; ++i) {
        const Index a = active[static_cast<std::size_t>(i)];
        excess[i] = state_.flow[a] - p_.links[a].capacity;
      }
      // Newton on the directions J sees; along those it hardly sees (capacities in series on the same
      // routes share one queue: only the sum of their delays is determined) a gradient step, which moves
      // the queue to the one that is short of capacity.
      Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(jac);
      const Eigen::VectorXd lam = eig.eigenvalues();
      const double top = std::max(lam.maxCoeff(), 1e-300);
      Eigen::VectorXd step = Eigen::VectorXd::Zero(n);
      for (Eigen::Index k = 0; k < n; ++k) {
        const Eigen::VectorXd v = eig.eigenvectors().col(k);
        const double along = v.dot(excess);
        step += v * (along / std::max(lam[k], 1e-4 * top));
      }
      // Trust region: no queue delay moves by more than 3 / theta in a round (shares change by at most a
      // factor e^3), since far from the solution the logit's Jacobian says little (a saturated or empty
      // route responds hardly at all to small changes).
      for (Eigen::Index i = 0; i < n; ++i) step[i] = std::clamp(step[i], -3.0 / theta_max_, 3.0 / theta_max_);
      std::vector<Index> keep;
      bool dropped = false;
      for (Eigen::Index i = 0; i < n; ++i) {
        const Index a = active[static_cast<std::size_t>(i)];
        if (mu_[a] + step_scale_ * step[i] < 0.0 && excess[i] < 0.0) {
          mu_[a] = 0.0;
          dropped = true;
        } else {
          keep.push_back(a);
        }
      }
      if (dropped) {
        active = std::move(keep);
        continue;
      }
      for (Eigen::Index i = 0; i < n; ++i) {
        const Index a = active[static_cast<std::size_t>(i)];
        mu_[a] = std::max(0.0, mu_[a] + step_scale_ * step[i]);
      }
      break;
    }
  }

  // ---- the logit ----
  /// Route costs and logit targets of an OD at the current link costs; returns sum |f - y|.
  double targets(Od& od) {
    const SueDispersion& c = o_.classes[od.travel_class];
    const double theta = c.theta;
    const double theta0 = c.theta_nest > 0.0 ? c.theta_nest : theta;
    // Nest log-sums w_m = ln sum exp(u_r), u_r = -theta c_r + beta ln PS_r (shifted for stability).
    double cmin = od.has_unserved ? od.unserved_cost : kInf;
    for (auto& r : od.routes) {
      r.cost = route_cost(r);
      cmin = std::min(cmin, r.cost);
    }
    nest_ids_.clear();
    nest_w_.clear();
    for (auto& r : od.routes) {
      const double u = -theta * (r.cost - cmin) + c.path_size * std::log(r.path_size);
      r.target = u;  // scratch: utility
      auto it = std::find(nest_ids_.begin(), nest_ids_.end(), r.traits.nest);
      if (it == nest_ids_.end()) {
        nest_ids_.push_back(r.traits.nest);
        nest_w_.push_back({u, 0.0});
      } else {
        auto& w = nest_w_[static_cast<std::size_t>(it - nest_ids_.begin())];
        w.first = std::max(w.first, u);
      }
    }
    for (auto& r : od.routes) {
      const auto k = static_cast<std::size_t>(std::find(nest_ids_.begin(), nest_ids_.end(), r.traits.nest) - nest_ids_.begin());
      nest_w_[k].second += std::exp(r.target - nest_w_[k].first);
    }
    // Nest utilities U_m = (theta0 / theta) w_m; the unserved alternative: U = -theta0 (c_u - cmin).
    std::vector<double>& big_u = nest_u_;
    big_u.assign(nest_ids_.size(), 0.0);
    double umax = -kInf;
    for (std::size_t k = 0; k < nest_ids_.size(); ++k) {
      big_u[k] = theta0 / theta * (nest_w_[k].first + std::log(nest_w_[k].second));
      umax = std::max(umax, big_u[k]);
    }
    double uu = -kInf;
    if (od.has_unserved) {
      uu = -theta0 * (od.unserved_cost - cmin);
      umax = std::max(umax, uu);
    }
    double denom = od.has_unserved ? std::exp(uu - umax) : 0.0;
    for (double u : big_u) denom += std::exp(u - umax);
    double gap = 0.0;
    for (auto& r : od.routes) {
      const auto k = static_cast<std::size_t>(std::find(nest_ids_.begin(), nest_ids_.end(), r.traits.nest) - nest_ids_.begin());
      const double p_nest = std::exp(big_u[k] - umax) / denom;
      const double p_in = std::exp(r.target - nest_w_[k].first) / nest_w_[k].second;
      r.target = od.demand * p_nest * p_in;
      gap += std::abs(r.flow - r.target);
    }
    if (od.has_unserved) {
      od.unserved_target = od.demand * std::exp(uu - umax) / denom;
      gap += std::abs(od.unserved_flow - od.unserved_target);
    }
    return gap;
  }

  // ---- one OD's step ----
  /// One sweep over the OD's alternatives with the rest of the network held fixed: each alternative r in
  /// turn exchanges flow with the OD's basic alternative b (the one with the most flow) until Z is least
  /// along e_r - e_b (pairwise equilibration, as Algorithm B does for bush segments). Along t,
  ///   phi(t) = dZ/dt = g_r(f_r + t) - g_b(f_b - t)
  /// is increasing, from -infinity at t = -f_r to +infinity at t = f_b (the entropy terms), so it has one
  /// root: found by Newton's method on the logarithm of the smaller of the two flows (exact for the
  /// entropy terms, so a route that holds a trace of flow reaches its share in a few steps), safeguarded
  /// by bisection. Link flows and costs follow each exchange.
  void step(Od& od) {
    const SueDispersion& c = o_.classes[od.travel_class];
    theta_ = c.theta;
    theta0_ = c.theta_nest > 0.0 ? c.theta_nest : c.theta;
    nest_term_ = 1.0 / theta0_ - 1.0 / theta_;  // >= 0
    beta_ = c.path_size;
    collect_nests(od);
    for (std::size_t k = 0; k < nest_ids_.size(); ++k) nest_f_[k] = 0.0;
    for (const auto& r : od.routes) nest_f_[nest_index(r.traits.nest)] += r.flow;
    const std::size_t n = od.routes.size() + (od.has_unserved ? 1 : 0);
    std::size_t b = 0;
    for (std::size_t i = 1; i < n; ++i)
      if (alt_flow(od, i) > alt_flow(od, b)) b = i;
    for (std::size_t i = 0; i < n; ++i)
      if (i != b) equilibrate(od, i, b);
  }

  // Alternatives of an OD: its routes 0 .. routes.size() - 1, then the unserved option (own nest).
  static double alt_flow(const Od& od, std::size_t i) { return i < od.routes.size() ? od.routes[i].flow : od.unserved_flow; }
  static void set_alt_flow(Od& od, std::size_t i, double f) {
    (i < od.routes.size() ? od.routes[i].flow : od.unserved_flow) = f;
  }

  /// The alternative's constant part of g (fixed costs, extra cost, path size) and, for routes, its nest.
  double alt_constant(const Od& od, std::size_t i) const {
    if (i >= od.routes.size()) return od.unserved_cost;
    const Route& r = od.routes[i];
    return r.fixed - beta_ / theta_ * std::log(r.path_size);
  }

  /// Exchanges flow between alternatives r and b of `od` until dZ/dt = 0 along e_r - e_b.
  void equilibrate(Od& od, std::size_t r, std::size_t b) {
    const double fr = alt_flow(od, r), fb = alt_flow(od, b);
    const double total = fr + fb;
    if (!(total > 0.0)) return;
    const bool r_route = r < od.routes.size(), b_route = b < od.routes.size();
    // Links only r uses (+t) and only b uses (-t).
    plus_.clear();
    minus_.clear();
    if (r_route && b_route) {
      const auto& x = od.routes[r].sorted;
      const auto& y = od.routes[b].sorted;
      std::set_difference(x.begin(), x.end(), y.begin(), y.end(), std::back_inserter(plus_));
      std::set_difference(y.begin(), y.end(), x.begin(), x.end(), std::back_inserter(minus_));
    } else if (r_route) {
      plus_ = od.routes[r].sorted;
    } else if (b_route) {
      minus_ = od.routes[b].sorted;
    }
    // Nests: the unserved option is a nest of its own; two routes of one nest leave F_m unchanged.
    const std::size_t no_nest = static_cast<std::size_t>(-1);
    const std::size_t kr = r_route ? nest_index(od.routes[r].traits.nest) : no_nest;
    const std::size_t kb = b_route ? nest_index(od.routes[b].traits.nest) : no_nest;
    const bool same_nest = kr == kb && kr != no_nest;
    const double Fr = kr == no_nest ? fr : nest_f_[kr];
    const double Fb = kb == no_nest ? fb : nest_f_[kb];
    const double constant = alt_constant(od, r) - alt_constant(od, b);
    // Entropy part of g for an alternative of flow f in a nest of flow F: (1/theta) ln(f / F) + (1/theta0) ln F
    // for routes; (1/theta0) ln f for the unserved option (f = F).
    auto entropy = [&](bool route, double f, double F) {
      return route ? (safe_log(f) - safe_log(F)) / theta_ + safe_log(F) / theta0_ : safe_log(f) / theta0_;
    };
    auto entropy_slope = [&](bool route, double f) {  // d/df of (1/theta) ln f (routes) or (1/theta0) ln f
      return route ? 1.0 / (theta_ * std::max(f, 1e-300)) : 1.0 / (theta0_ * std::max(f, 1e-300));
    };
    auto phi = [&](double t, double* slope) {
      double g = constant, h = 0.0;
      for (Index a : plus_) {
        g += link_cost(a, state_.flow[a] + t);
        h += link_slope(a, state_.flow[a] + t);
      }
      for (Index a : minus_) {
        g -= link_cost(a, state_.flow[a] - t);
        h += link_slope(a, state_.flow[a] - t);
      }
      const double Fr_t = same_nest ? Fr : Fr + t;
      const double Fb_t = same_nest ? Fb : Fb - t;
      g += entropy(r_route, fr + t, Fr_t) - entropy(b_route, fb - t, Fb_t);
      h += entropy_slope(r_route, fr + t) + entropy_slope(b_route, fb - t);
      if (!same_nest) {
        // The nest terms nest_term ln F of each side, when the alternative is a route in a nest.
        if (r_route) h += nest_term_ / std::max(Fr_t, 1e-300);
        if (b_route) h += nest_term_ / std::max(Fb_t, 1e-300);
      }
      if (slope) *slope = h;
      return g;
    };
    // Bracket (lo, hi) on t; Newton in u = ln(f_small), f_small the smaller of f_r + t and f_b - t. No
    // alternative's flow falls below kMinFlow: its entropy term would be -infinity, and it could not grow
    // back. An alternative held there has a g above the others' exactly when its logit share is below it.
    const double lo0 = std::min(0.0, kMinFlow - fr), hi0 = std::max(0.0, fb - kMinFlow);
    double lo = lo0, hi = hi0, t = 0.0;
    double h = 0.0;
    double g = phi(t, &h);
    if (g == 0.0) return;
    for (int it = 0; it < 60; ++it) {
      if (g > 0.0) hi = t;
      else lo = t;
      double next;
      const double xr = fr + t, xb = fb - t;
      if (xr <= xb) {
        // u = ln(f_r + t): dphi/du = phi' (f_r + t).
        next = xr * std::exp(std::clamp(-g / (h * xr), -700.0, 700.0)) - fr;
      } else {
        next = fb - xb * std::exp(std::clamp(g / (h * xb), -700.0, 700.0));
      }
      if (!(next > lo && next < hi)) next = 0.5 * (lo + hi);
      if (std::abs(next - t) <= 1e-15 * total) {
        t = next;
        break;
      }
      t = next;
      g = phi(t, &h);
      if (g == 0.0 || hi - lo <= 1e-15 * total) break;
    }
    t = std::clamp(t, lo0, hi0);
    if (t == 0.0) return;
    set_alt_flow(od, r, fr + t);
    set_alt_flow(od, b, fb - t);
    if (kr != no_nest) nest_f_[kr] += t;
    if (kb != no_nest) nest_f_[kb] -= t;
    for (Index a : plus_) {
      state_.flow[a] = std::max(0.0, state_.flow[a] + t);
      cost_[a] = link_cost(a, state_.flow[a]);
    }
    for (Index a : minus_) {
      state_.flow[a] = std::max(0.0, state_.flow[a] - t);
      cost_[a] = link_cost(a, state_.flow[a]);
    }
  }

  /// Adds the OD's terms of the relative gap: d (mean g - min g) to `excess` and sum_r f_r c_r to `cost`,
  /// with g_r the gradient of Z (the route's cost with its entropy terms), equal over an OD's routes at
  /// equilibrium.
  void cost_gap(const Od& od, double& excess, double& cost) {
    const SueDispersion& c = o_.classes[od.travel_class];
    const double theta = c.theta;
    const double theta0 = c.theta_nest > 0.0 ? c.theta_nest : theta;
    collect_nests(od);
    for (std::size_t k = 0; k < nest_ids_.size(); ++k) nest_f_[k] = 0.0;
    for (const auto& r : od.routes) nest_f_[nest_index(r.traits.nest)] += r.flow;
    double mean = 0.0, flow = 0.0;
    auto gradient = [&](const Route& r) {
      const auto k = nest_index(r.traits.nest);
      return route_cost(r) - c.path_size / theta * std::log(r.path_size) +
             (safe_log(r.flow) - safe_log(nest_f_[k])) / theta + safe_log(nest_f_[k]) / theta0;
    };
    const double gu = od.has_unserved ? od.unserved_cost + safe_log(od.unserved_flow) / theta0 : 0.0;
    for (const auto& r : od.routes) {
      mean += r.flow * gradient(r);
      flow += r.flow;
      cost += r.flow * route_cost(r);
    }
    if (od.has_unserved) {
      mean += od.unserved_flow * gu;
      flow += od.unserved_flow;
      cost += od.unserved_flow * od.unserved_cost;
    }
    if (!(flow > 0.0)) return;
    mean /= flow;
    // Against the least g of the OD, weighted by the OD's flow: an alternative that holds almost no flow
    // but should hold much (a route the logit wants, or the unserved option once a multiplier has grown)
    // has a g far below the mean, and shows however little it carries.
    double least = od.has_unserved ? gu : kInf;
    for (const auto& r : od.routes) least = std::min(least, gradient(r));
    excess += flow * (mean - least);
  }

  /// Sum of dt/dv over the links one of two routes uses and the other does not (both lists sorted).
  double symmetric_slope(const Route& r, const Route& q) const {
    double s = 0.0;
    const auto& a = r.sorted;
    const auto& b = q.sorted;
    std::size_t x = 0, y = 0;
    while (x < a.size() || y < b.size()) {
      if (y == b.size() || (x < a.size() && a[x] < b[y])) {
        s += link_slope(a[x], state_.flow[a[x]]);
        ++x;
      } else if (x == a.size() || b[y] < a[x]) {
        s += link_slope(b[y], state_.flow[b[y]]);
        ++y;
      } else {
        ++x;
        ++y;
      }
    }
    return s;
  }

  /// The nest ids of an OD's routes, in order of first appearance.
  void collect_nests(const Od& od) {
    nest_ids_.clear();
    for (const auto& r : od.routes)
      if (std::find(nest_ids_.begin(), nest_ids_.end(), r.traits.nest) == nest_ids_.end()) nest_ids_.push_back(r.traits.nest);
    if (nest_f_.size() < nest_ids_.size()) {
      nest_f_.assign(nest_ids_.size(), 0.0);
      nest_d_.assign(nest_ids_.size(), 0.0);
    }
  }

  std::size_t nest_index(std::uint32_t nest) const {
    return static_cast<std::size_t>(std::find(nest_ids_.begin(), nest_ids_.end(), nest) - nest_ids_.begin());
  }

  /// Sweeps until the gap is reached (and no route joins), or the sweep limit.
  bool solve_inner(SueResult& res, double target_gap) {
    delta_.assign(p_.links.size(), 0.0);
    in_touched_.assign(p_.links.size(), 0);
    nest_f_.assign(64, 0.0);
    nest_d_.assign(64, 0.0);
    double total = 0.0;
    for (const auto& od : ods_) total += od.demand;
    if (total <= 0.0) return true;
    std::size_t swept = 0;
    for (;;) {
      // The gaps at the current flows, then one sweep of steps.
      double flow_gap = 0.0, excess = 0.0, cost = 0.0;
      for (auto& od : ods_) {
        if (od.routes.empty()) continue;
        flow_gap += targets(od);
        cost_gap(od, excess, cost);
      }
      const double gap = cost > 0.0 ? excess / cost : 0.0;
      res.flow_gap = flow_gap / total;
      res.gap_history.push_back(gap);
      res.relative_gap = gap;
      if (o_.on_iteration) o_.on_iteration(res.iterations, gap);
      if (gap <= target_gap && swept >= min_sweeps_ && !generate_columns()) return true;
      if (res.iterations >= o_.max_iterations) return false;
      ++res.iterations;
      ++swept;
      for (auto& od : ods_)
        if (!od.routes.empty()) step(od);
      if (o_.column_generation) generate_columns();
    }
  }

  /// Adds the current least-cost route of every OD that lacks it; returns whether any was added.
  bool generate_columns() {
    if (!o_.column_generation || freeze_routes_) return false;
    bool added = false;
    std::copy(cost_.begin(), cost_.end(), scratch_.cost.begin());
    std::map<std::pair<Index, Index>, std::vector<std::size_t>> by_origin;
    for (std::size_t i = 0; i < ods_.size(); ++i)
      if (!ods_[i].routes.empty() && ods_[i].routes.size() < o_.max_routes_per_od)
        by_origin[{ods_[i].travel_class, ods_[i].origin}].push_back(i);
    for (const auto& [key, list] : by_origin) {
      tree_.run(scratch_, key.first, key.second);
      for (std::size_t i : list) {
        Od& od = ods_[i];
        if (!tree_.reached(od.destination)) continue;
        if (add_route(od, tree_path(od.destination))) {
          // A joining route starts with a millionth of the flow of the OD's largest route.
          auto largest = std::max_element(od.routes.begin(), od.routes.end() - 1,
                                          [](const Route& x, const Route& y) { return x.flow < y.flow; });
          const double moved = 1e-6 * largest->flow;
          largest->flow -= moved;
          od.routes.back().flow = moved;
          for (Index a : largest->links) state_.flow[a] -= moved;
          for (Index a : od.routes.back().links) state_.flow[a] += moved;
          update_path_sizes(od);
          added = true;
        }
      }
    }
    if (added) refresh_all_costs();
    return added;
  }

  void fill(SueResult& res) {
    res.link_flows = state_.flow;
    res.link_times.resize(p_.links.size());
    res.shadow_price.assign(p_.links.size(), 0.0);
    for (Index a = 0; a < p_.links.size(); ++a) {
      res.link_times[a] = state_.vdf[a].time(state_.flow[a]);
      if (hard_[a]) res.shadow_price[a] = mu_[a];
    }
    res.od.resize(p_.demand.size());
    for (const auto& od : ods_) {
      SueOd& out = res.od[od.index];
      out.demand = od.demand;
      out.unserved = od.unserved_flow;
      out.reachable = !od.routes.empty();
      for (const auto& r : od.routes) {
        SueRoute sr;
        sr.links.assign(r.links.begin(), r.links.end());
        sr.flow = r.flow;
        sr.share = od.demand > 0 ? r.flow / od.demand : 0.0;
        sr.cost = route_cost(r);
        for (Index a : r.links) sr.time += cost_[a];
        sr.path_size = r.path_size;
        sr.traits = r.traits;
        out.routes.push_back(std::move(sr));
      }
      std::stable_sort(out.routes.begin(), out.routes.end(), [](const SueRoute& a, const SueRoute& b) { return a.flow > b.flow; });
    }
  }

  const AssignmentProblem& p_;
  const SueOptions& o_;
  CompactNetwork net_;
  LinkState state_;
  LinkState scratch_;  ///< costs for shortest-path trees
  ShortestPathTree tree_;
  ShortestPathTree detour_tree_;  ///< via prefixes that avoid the rest of their route
  std::vector<double> cost_, free_cost_, mu_;
  double step_scale_ = 1.0, last_violation_ = kInf;  ///< queue-delay updates
  double theta_max_ = 1.0;  ///< the largest route dispersion of the classes
  bool freeze_routes_ = false;  ///< no column generation (hard capacities, after the first round)
  std::vector<char> hard_;
  std::vector<Od> ods_;
  double mean_cost_ = 1.0;
  std::size_t min_sweeps_ = 0;  ///< sweeps each inner solve makes at least (1 with capacities: the multipliers moved)
  // scratch
  double theta_ = 1.0, theta0_ = 1.0, nest_term_ = 0.0, beta_ = 1.0;  ///< of the OD being stepped
  std::vector<Index> plus_, minus_;
  std::vector<double> delta_;
  std::vector<char> in_touched_;
  std::vector<Index> touched_;
  std::vector<std::uint32_t> nest_ids_;
  std::vector<std::pair<double, double>> nest_w_;
  std::vector<double> nest_u_, nest_f_, nest_d_;
};

}  // namespace

SueResult solve_sue(const AssignmentProblem& problem, const SueOptions& options) {
  problem.validate();
  Solver s(problem, options);
  return s.run();
}

void require_sue_converged(const SueResult& result, const SueOptions& options) {
  if (result.converged) return;
  std::ostringstream msg;
  msg << "the stochastic user equilibrium did not reach relative gap " << options.relative_gap << " in "
      << result.iterations << " sweeps (last gap " << result.relative_gap << ")";
  if (result.max_capacity_excess > options.capacity_tolerance)
    msg << "; a hard capacity is still exceeded by " << result.max_capacity_excess * 100.0 << "%";
  throw SolverError(msg.str());
}

}  // namespace corridor::freight
