// The corridor network's stochastic user equilibrium (scenario freight.method:
// stochastic_user_equilibrium): route and mode choice by a nested path-size logit (sim/freight/sue.hpp)
// over the corridor problem of corridor_equilibrium.hpp, in generalized cost (USD per TEU):
//
//   cost_r = VOT x time_r + tariffs and handling_r + sum of the constants that apply to r
//          + VOR x sd_r,      sd_r = sqrt(sum over r's nodes and links of time_sd_h^2)
//
// with time_r as the assignment charges it (BPR congestion of links and nodes with a capacity, waits for
// departures, and under hard capacities the queue delay that holds each element at its capacity).
//   P(r | m) = PS_r^b exp(-theta_route cost_r) / sum_{k in m} PS_k^b exp(-theta_route cost_k)
//   P(m)     = exp(-theta_mode C_m) / sum_n exp(-theta_mode C_n),  C_m the nest's log-sum cost
// Nests are the routes' main modes (the mode of most of their kilometres: sea, rail, road, ferry), or one
// nest (choice: {nests: none}). theta per commodity in 1 / (USD per TEU) (choice: {dispersion}); the
// solver works in hours, theta_h = theta_usd x VOT.
//
// Choice sets per OD (docs/freight.md): the free-flow least-cost route; `penalty_routes` routes found
// by penalising the links of the routes found so far; the free-flow best route of every route family of
// the scenario; and the least-cost route at the current costs at every sweep (column generation), up to
// `routes_per_od` routes.
#pragma once

#include <string>
#include <vector>

#include "sim/freight/corridor_equilibrium.hpp"
#include "sim/freight/sue.hpp"

namespace corridor::freight {

/// An element with a hard capacity that binds (its queue delay is positive).
struct BindingCapacity {
  bool is_node = false;
  std::size_t index = 0;          ///< network node or link
  bool forward = true;            ///< links: the direction
  double flow_teu_per_day = 0.0;
  double capacity_teu_per_day = 0.0;
  double queue_delay_h = 0.0;                 ///< the capacity's shadow price in hours
  double shadow_price_usd_per_teu = 0.0;      ///< in USD per TEU (x the users' value of time)
};

struct CorridorSue {
  FreightResults results;
  SueResult solution;
  SueOptions options;                    ///< as solved (without the callbacks)
  std::vector<BindingCapacity> binding;  ///< hard capacities with a positive shadow price, largest first
};

/// The solver options the scenario's choice settings give on the corridor problem (dispersion per
/// class in 1 / hour, hard capacities, unserved cost); callbacks are not set.
SueOptions corridor_sue_options(const network::Network& net, const scenario::Scenario& scenario, const CorridorProblem& cp);

/// Solves the scenario's stochastic user equilibrium and maps it onto FreightResults (loads, the times
/// charged incl. queue delays, every OD's routes with shares and their choice costs, unserved demand).
/// Throws InputError for invalid choice settings (an unknown id in a constant's selection), SolverError
/// when the relative gap is not reached.
CorridorSue assign_stochastic(const network::Network& net, const scenario::Scenario& scenario);

}  // namespace corridor::freight
