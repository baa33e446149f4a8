// Static equilibrium assignment: all-or-nothing, user equilibrium (Wardrop's first principle) and
// system optimum (second principle), for several classes sharing link capacity.
//
// User equilibrium solves the Beckmann program
//   min  sum_a int_0^{v_a} t_a(w) dw + sum_k sum_a g_ka x_ka
//   s.t. class-k path flows meet the OD demand of class k, v_a = sum_k x_ka, x >= 0,
// whose optimality conditions are Wardrop's: every used path of an OD and class has the least generalized
// cost c_ka = t_a(v_a) + g_ka. System optimum minimizes sum_a v_a t_a(v_a) + sum_k sum_a g_ka x_ka: the same
// program with t_a replaced by the marginal cost t_a + v_a t_a'(v_a).
//
// Convergence is measured by the relative gap
//   gap = (TSTT - SPTT) / SPTT,
//   TSTT = sum_k sum_a x_ka c_ka(v)          (total generalized cost of the current flows),
//   SPTT = sum_k sum_od d_od,k * mu_od,k(v)   (the same demand all on current least-cost paths),
// with c replaced by the marginal cost for system optimum. gap >= 0 and is 0 exactly at equilibrium.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "sim/freight/equilibrium_problem.hpp"

namespace corridor::freight {

enum class AssignmentMethod {
  all_or_nothing,        ///< every OD on its least-cost path at free flow (no iterations)
  algorithm_b,           ///< bush-based, origin-based flows (Dial 2006); the default
  frank_wolfe,           ///< link-based, reference
  conjugate_frank_wolfe, ///< Mitradjieva & Lindberg (2013)
  biconjugate_frank_wolfe,
};

enum class AssignmentObjective {
  user_equilibrium,  ///< Wardrop's first principle
  system_optimum,    ///< minimum total generalized cost (marginal-cost volume-delay functions)
};

struct EquilibriumOptions {
  AssignmentMethod method = AssignmentMethod::algorithm_b;
  AssignmentObjective objective = AssignmentObjective::user_equilibrium;
  double relative_gap = 1e-6;     ///< stop when (TSTT - SPTT) / SPTT <= this
  std::size_t max_iterations = 10000;
  /// Route listing per OD (bush methods): at most this many routes, each carrying at least `min_route_share`.
  std::size_t max_routes_per_od = 8;
  double min_route_share = 1e-4;
  bool list_routes = true;        ///< false skips route enumeration (batch runs that only need link flows)
  /// Called after every iteration with (iteration, relative gap); for progress and benchmarks. Optional.
  std::function<void(std::size_t, double)> on_iteration;
};

/// A route of an OD and the share of its demand on it.
struct OdRoute {
  std::vector<std::size_t> links;  ///< link indices, origin first
  double share = 0.0;              ///< fraction of the OD demand
  double cost = 0.0;               ///< generalized cost at the final flows, time units
};

struct OdEquilibrium {
  std::size_t origin = 0;
  std::size_t destination = 0;
  std::size_t travel_class = 0;
  double demand = 0.0;
  bool reachable = true;      ///< false: no usable path; demand is left unassigned
  double mean_cost = 0.0;     ///< flow-weighted generalized cost over the OD's routes, time units
  double mean_time = 0.0;     ///< flow-weighted travel time t (without fixed costs), time units
  double least_cost = 0.0;    ///< least generalized cost at the final flows
  std::vector<OdRoute> routes;  ///< largest share first
};

struct EquilibriumResult {
  AssignmentMethod method = AssignmentMethod::algorithm_b;
  AssignmentObjective objective = AssignmentObjective::user_equilibrium;
  bool converged = false;
  std::size_t iterations = 0;
  double relative_gap = 0.0;              ///< at the returned flows
  std::vector<double> gap_history;        ///< after each iteration
  std::vector<std::vector<double>> class_link_flows;  ///< [class][link]
  std::vector<double> link_flows;         ///< v_a, all classes
  std::vector<double> link_times;         ///< t_a(v_a)
  double total_cost = 0.0;                ///< TSTT with generalized costs (UE costs, also for SO)
  double beckmann_objective = 0.0;        ///< sum_a int t_a + sum g x
  std::vector<OdEquilibrium> od;               ///< one per entry of problem.demand, same order
};

/// Solves the problem. Does not throw on non-convergence: `converged` is false and the flows of the last
/// iteration are returned (the CLI writes them, marked unconverged, and exits with status 2); call
/// `require_converged` to turn that into a SolverError. Throws InputError for an invalid problem.
EquilibriumResult solve_assignment(const AssignmentProblem& problem, const EquilibriumOptions& options = {});

/// Throws corridor::SolverError (gap reached, tolerance, iterations) unless `result.converged`.
void require_converged(const EquilibriumResult& result, const EquilibriumOptions& options);

[[nodiscard]] std::string to_string(AssignmentMethod m);

}  // namespace corridor::freight
