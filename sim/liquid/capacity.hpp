// Capacity studies on a liquid pipeline: the largest throughput before a limit binds, and N-1 on pump
// stations.
//
// Maximum throughput: the injections of the non-slack nodes (deliveries and intermediate injections)
// are multiplied by a scale s; the pressure-held nodes (tank farms) supply the balance. The largest s
// for which a steady state exists and no limit is violated (delivery and suction pressure minima, node
// maxima, pipe MAOP, velocity limits, pump flow beyond the curve) is found from s = 1 by doubling and
// then bisection to a relative tolerance; scale 0 means nothing was feasible. The binding limit is the
// first violation just above the largest feasible scale, or "no steady state".
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/liquid/solver.hpp"

namespace corridor::liquid {

struct ThroughputStudy {
  double scale_max = 16.0;
  double relative_tolerance = 1e-4;
  std::vector<Violation::Kind> ignored;
  SolverOptions solver;
};

struct ThroughputResult {
  double scale = 0.0;
  double delivered_kg_per_s = 0.0;  ///< sum of the deliveries (negative injections) at that scale
  std::string binding;              ///< what stops more flow, in words
  std::optional<Violation> binding_violation;
  std::optional<Solution> solution;  ///< at the limit
  int solves = 0;
};

ThroughputResult maximum_throughput(const LiquidNetwork& network, const ThroughputStudy& study = {});

struct StationOutage {
  std::string station;
  ThroughputResult throughput;  ///< with the station bypassed
};

/// Each pump station bypassed in turn (its flow passes without lift), and the maximum throughput then.
std::vector<StationOutage> station_n_minus_1(const LiquidNetwork& network, const ThroughputStudy& study = {});

}  // namespace corridor::liquid
