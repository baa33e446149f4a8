// Capacity studies on a gas network: the largest throughput before a limit binds, and N-1 outages.
//
// Maximum throughput: the injections of a chosen set of nodes (by default every offtake) are
// multiplied by a scale s; the slack nodes supply (or take) the balance. The largest s for which a
// steady state exists and no limit is violated (node pressure bounds, pipe MAOP, velocity limits,
// compressor ratio and power limits) is found from s = 1 by doubling and then bisection to a relative
// tolerance (below 1 when the nominal case already fails; scale 0 means nothing was feasible),
// each solve warm-started from the last feasible one. The binding element is the first violation
// found just above the limit (or "no steady state" when Newton fails first: the network cannot carry
// it at any pressure).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/gas/optimizer.hpp"
#include "sim/gas/solver.hpp"

namespace corridor::gas {

struct ThroughputStudy {
  std::vector<std::size_t> scaled_nodes;  ///< nodes whose injection is scaled; empty: every non-slack offtake
  double scale_max = 64.0;                ///< search no further
  double relative_tolerance = 1e-3;       ///< on the scale
  std::vector<Violation::Kind> ignored;    ///< kinds of limit that do not count (e.g. entry pressure maxima)
  SolverOptions solver;
  /// true: the stations and control valves are re-optimised (optimizer.hpp, objective max_delivery):
  /// one NLP finds the largest scale, and the binding element is the constraint with the largest
  /// shadow price; `ignored` and `relative_tolerance` do not apply. false: the settings are fixed and
  /// the scale is searched by bisection of simulations.
  bool optimise_controls = false;
};

struct ThroughputResult {
  double scale = 0.0;                ///< largest feasible multiplier of the scaled injections
  double throughput_kg_per_s = 0.0;  ///< sum of |injection| over the scaled nodes at that scale
  std::string binding;               ///< what stops more flow, in words ("node 'X': pressure 39.9 bar, below the minimum of 40 bar")
  std::optional<Violation> binding_violation;  ///< the first violation just above the limit, when one
  std::vector<std::string> compressors_at_ratio_limit;  ///< at the limit
  Solution solution;                 ///< at the limit
  int solves = 0;                    ///< simulations, or NLP solves when optimising
  /// Optimising: the settings at the limit, and every binding constraint with its shadow price.
  std::optional<OptimizationResult> optimised;
};

ThroughputResult maximum_throughput(const GasNetwork& network, const ThroughputStudy& study);

struct Contingency {
  std::string element;                      ///< "pipe 'X'", "compressor 'Y'" or "valve 'Z'" out of service
  double base_kg_per_s = 0.0;               ///< scaled offtakes (or supplies) at scale 1, intact network
  double islanded_kg_per_s = 0.0;           ///< offtake cut off from every slack node by the outage
  double deliverable_kg_per_s = 0.0;        ///< what can still be delivered, up to the base: min(scale, 1) x the rest
  ThroughputResult throughput;              ///< maximum throughput with the element out
};

/// One outage: the elements `elements` (ids of pipes, compressors or valves) out of service together,
/// e.g. every pipe of one line; `label` names it in Contingency::element (default: the element's kind
/// and id when there is one). Throws InputError for an unknown id.
Contingency outage(const GasNetwork& network, const ThroughputStudy& study, const std::vector<std::string>& elements,
                   const std::string& label = {});

/// N-1: each element in `elements` (ids of pipes, compressors or valves; empty: every pipe and
/// compressor in service) out of service in turn. Throws InputError for an unknown id.
std::vector<Contingency> n_minus_1(const GasNetwork& network, const ThroughputStudy& study,
                                   const std::vector<std::string>& elements = {});

}  // namespace corridor::gas
