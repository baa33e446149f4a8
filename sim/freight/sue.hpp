// Stochastic user equilibrium (SUE): route choice by a nested path-size logit over a route set per OD,
// with congestion (the volume-delay functions of the assignment problem) and, optionally, hard link
// capacities.
//
// Choice model (costs in the problem's time unit; c_r = sum_{a in r} (t_a(v_a) + g_ka) + e_r, e_r a
// route's own extra cost: alternative-specific constants, reliability):
//   within a nest m:   P(r | m) = PS_r^beta exp(-theta c_r) / sum_{k in m} PS_k^beta exp(-theta c_k)
//   nest cost:         C_m = -(1 / theta) ln sum_{k in m} PS_k^beta exp(-theta c_k)
//   between nests:     P(m) = exp(-theta_0 C_m) / sum_n exp(-theta_0 C_n),   0 < theta_0 <= theta
// (theta_0 = theta is the one-level path-size logit). The path size of route r among the OD's routes,
// with l_a the free-flow generalized cost of link a and L_r the route's (Ben-Akiva and Bierlaire 1999):
//   PS_r = sum_{a in r} (l_a / L_r) / N_a,   N_a = number of the OD's routes that use link a.
//
// The equilibrium f = d P(c(f)) is the unique minimum of the convex program (Fisk 1980, extended to the
// nested logit; convex for theta_0 <= theta):
//   Z(f) = sum_a int_0^{v_a} t_a + sum_r f_r (G_r + e_r - (beta / theta) ln PS_r)
//        + (1 / theta) sum_m sum_{r in m} f_r ln(f_r / F_m) + (1 / theta_0) sum_m F_m ln F_m,
//   F_m = sum_{r in m} f_r, sum_r f_r = d per OD, G_r = sum_{a in r} g_ka.
// It is solved by block coordinate descent: each OD in turn takes a Newton step on its route flows with the others fixed: direction from the
// gradient g_r = dZ/df_r and its diagonal curvature (sum of the links' dt/dv + 1 / (theta f_r)),
// projected on sum d_r = 0 so that demand is kept, then the exact step along it (the derivative of Z
// is monotone along a line: safeguarded Newton), and the link flows updated at once. Block coordinate
// descent on a strictly convex program converges to its minimum. The stopping measure is the relative
// gap of the routes' entropy-adjusted costs g_r = dZ/df_r (equal over an OD's routes at equilibrium, as
// the costs of used routes are at a user equilibrium, which it becomes as theta grows):
//   gap = sum_od d_od (mean_od(g) - min_od(g)) / sum_od sum_r f_r c_r,   mean flow-weighted
// (the user equilibrium's (TSTT - SPTT) / SPTT over the route sets when theta is infinite);
// SueResult::flow_gap also gives sum |f_r - y_r(c(f))| / sum d, the distance from the logit flows
// that the flows' own costs predict.
//
// Route sets: the free-flow least-cost route, the free-flow least-cost route through each via link,
// routes found by penalising the links of the routes found so far (each use multiplies a link's cost by
// 1 + penalty, `penalty_routes` times), routes the caller seeds (e.g. the best route of each route
// family), and (column generation) the least-cost route at the current costs at every sweep, up to
// `max_routes_per_od`.
//
// Hard capacities (v_a <= c_a on the links marked): dual (queue-delay) iteration. Each marked link
// carries a delay mu_a >= 0 added to its cost; the inner problem is the SUE at those delays. Between inner
// solves, mu takes a Newton step on the capacities' KKT conditions over the active set (links with a
// queue or over capacity): J dmu = v - c, J_ab = sum_od theta (F_ab - F_a F_b / d) the logit's
// sensitivity of the flow through a to a delay at b, each component kept within 3 / theta (a trust
// region: shares change by at most e^3 a round) and damped while the violation grows; queues that would
// turn negative leave the active set. Inner solves are inexact early (to a tenth of the last
// violation). Stops when the gap holds, no capacity is exceeded by more than `capacity_tolerance`
// (relative) and every link with a queue is at its capacity to that tolerance. At the solution mu_a is
// the shadow price of the capacity: the delay (time units) that holds the flow at capacity, i.e. the
// queue at the element. An OD whose routes are all full is served partly: each OD may take an
// `unserved` alternative of fixed cost (its own nest).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "sim/freight/equilibrium_problem.hpp"

namespace corridor::freight {

/// What a route carries besides its links' costs.
struct RouteTraits {
  double extra_cost = 0.0;   ///< time units, added once to the route's cost (constants, reliability)
  std::uint32_t nest = 0;    ///< nest id (mode), any number; routes of one OD with the same id share a nest
};

/// The dispersion of one travel class.
struct SueDispersion {
  double theta = 1.0;        ///< within a nest, 1 / time unit; > 0
  double theta_nest = 0.0;   ///< between nests, 1 / time unit; 0 (or theta): one level
  double path_size = 1.0;    ///< beta; 0 switches the path-size correction off
};

struct SueOptions {
  std::vector<SueDispersion> classes;  ///< one per travel class of the problem
  double relative_gap = 1e-8;          ///< stop when the gap above is at most this (and capacities hold)
  std::size_t max_iterations = 2000;   ///< sweeps over the ODs
  std::size_t max_routes_per_od = 16;
  std::size_t penalty_routes = 4;      ///< routes generated by link penalties at free flow, per OD
  double penalty = 0.5;
  bool column_generation = true;
  /// Per problem link: a hard capacity (LinkSpec::capacity) applies. Empty: none.
  std::vector<char> hard_capacity;
  double capacity_tolerance = 1e-6;    ///< relative: v_a <= c_a (1 + tolerance) counts as within capacity
  /// The cost of not serving a unit of demand, per class, time units; empty: every OD is served.
  std::vector<double> unserved_cost;
  /// A route's extra cost and nest, asked once when the route joins the set (null: none, nest 0).
  std::function<RouteTraits(std::size_t od, std::span<const std::size_t> links)> traits;
  /// Problem links every OD's set gets a route through: the free-flow least-cost route to the link's
  /// tail, the link, and on from its head (when it visits no node twice). Node links make "via node".
  std::vector<std::size_t> via_links;
  /// Routes to add to an OD's set before solving (null: none). Links of the problem, origin first.
  std::function<std::vector<std::vector<std::size_t>>(std::size_t od)> seed_routes;
  /// Called after every sweep with (sweep, gap); optional.
  std::function<void(std::size_t, double)> on_iteration;
};

struct SueRoute {
  std::vector<std::size_t> links;  ///< problem links, origin first
  double flow = 0.0;               ///< flow units per period
  double share = 0.0;              ///< of the OD's demand
  double cost = 0.0;               ///< generalized cost at the final flows (with the multipliers' delays), incl. extra
  double time = 0.0;               ///< sum of t_a(v_a) (without fixed costs and extra; with the multipliers' delays)
  double path_size = 1.0;
  RouteTraits traits;
};

struct SueOd {
  double demand = 0.0;
  double unserved = 0.0;    ///< flow on the unserved alternative
  bool reachable = true;    ///< false: no route at all (everything unserved)
  std::vector<SueRoute> routes;  ///< largest flow first
};

struct SueResult {
  bool converged = false;
  std::size_t iterations = 0;       ///< sweeps, over all multiplier rounds
  double relative_gap = 0.0;        ///< at the returned flows (the stopping measure above)
  double flow_gap = 0.0;            ///< sum |f - y(c(f))| / demand at the returned flows
  double max_capacity_excess = 0.0; ///< largest (v_a - c_a) / c_a over the hard capacities (<= 0: all hold)
  std::size_t multiplier_rounds = 0;  ///< inner solves (queue-delay updates + 1)
  std::vector<double> gap_history;  ///< after every sweep
  std::vector<double> link_flows;   ///< v_a
  std::vector<double> link_times;   ///< t_a(v_a), the volume-delay time
  std::vector<double> shadow_price; ///< mu_a per link (time units): 0 where no hard capacity binds
  std::vector<SueOd> od;            ///< one per entry of problem.demand
};

/// Solves the SUE. Throws InputError for an invalid problem or options (theta <= 0, theta_nest > theta).
/// Does not throw when it does not converge: `converged` is false (see require_sue_converged).
SueResult solve_sue(const AssignmentProblem& problem, const SueOptions& options);

/// Throws SolverError unless `result.converged`, saying how far it got.
void require_sue_converged(const SueResult& result, const SueOptions& options);

}  // namespace corridor::freight
