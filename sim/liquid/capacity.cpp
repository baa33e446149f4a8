#include "sim/liquid/capacity.hpp"

#include <algorithm>

#include "geo/error.hpp"

namespace corridor::liquid {

namespace {

struct Trial {
  bool feasible = false;
  std::optional<Solution> solution;
  std::optional<Violation> violation;
  std::string failure;
};

Trial try_scale(const LiquidNetwork& base, double scale, const ThroughputStudy& study) {
  LiquidNetwork net = base;
  for (auto& n : net.nodes)
    if (!n.pressure_set_pa) n.injection_kg_per_s *= scale;
  Trial t;
  try {
    t.solution = solve(net, study.solver);
  } catch (const SolverError& e) {
    t.failure = std::string("no steady state (") + e.what() + ")";
    return t;
  }
  for (const auto& v : t.solution->violations)
    if (std::find(study.ignored.begin(), study.ignored.end(), v.kind) == study.ignored.end()) {
      t.violation = v;
      return t;
    }
  t.feasible = true;
  return t;
}

double delivered(const LiquidNetwork& net, double scale) {
  double d = 0.0;
  for (const auto& n : net.nodes)
    if (!n.pressure_set_pa && n.injection_kg_per_s < 0.0) d -= n.injection_kg_per_s * scale;
  return d;
}

}  // namespace

ThroughputResult maximum_throughput(const LiquidNetwork& net, const ThroughputStudy& study) {
  ThroughputResult r;
  double lo = 0.0, hi = 1.0;
  Trial best, above;
  Trial t = try_scale(net, 1.0, study);
  ++r.solves;
  if (t.feasible) {
    best = t;
    lo = 1.0;
    for (hi = 2.0; hi <= study.scale_max; hi *= 2.0) {
      t = try_scale(net, hi, study);
      ++r.solves;
      if (!t.feasible) break;
      best = t;
      lo = hi;
    }
    if (hi > study.scale_max) {
      r.scale = lo;
      r.delivered_kg_per_s = delivered(net, lo);
      r.solution = best.solution;
      r.binding = "none up to " + std::to_string(static_cast<int>(study.scale_max)) + " x nominal";
      return r;
    }
  }
  above = t;
  while (hi - lo > study.relative_tolerance * std::max(hi, 1e-9)) {
    const double mid = 0.5 * (lo + hi);
    t = try_scale(net, mid, study);
    ++r.solves;
    if (t.feasible) {
      lo = mid;
      best = t;
    } else {
      hi = mid;
      above = t;
    }
  }
  r.scale = lo;
  r.delivered_kg_per_s = delivered(net, lo);
  r.solution = best.solution;
  r.binding_violation = above.violation;
  r.binding = above.violation ? above.violation->describe() : above.failure;
  return r;
}

std::vector<StationOutage> station_n_minus_1(const LiquidNetwork& net, const ThroughputStudy& study) {
  std::vector<StationOutage> out;
  for (std::size_t k = 0; k < net.pumps.size(); ++k) {
    if (!net.pumps[k].in_service) continue;
    LiquidNetwork n1 = net;
    n1.pumps[k].in_service = false;
    n1.pumps[k].bypass_open = true;
    out.push_back({net.pumps[k].id, maximum_throughput(n1, study)});
  }
  return out;
}

}  // namespace corridor::liquid
