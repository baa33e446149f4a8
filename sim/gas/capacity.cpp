#include "sim/gas/capacity.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "geo/error.hpp"
#include "sim/gas/units.hpp"

namespace corridor::gas {

namespace {

std::vector<std::size_t> default_scaled_nodes(const GasNetwork& net) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < net.nodes.size(); ++i)
    if (!net.nodes[i].pressure_set_pa && net.nodes[i].injection_kg_per_s < 0.0) out.push_back(i);
  return out;
}

struct Trial {
  bool feasible = false;
  std::optional<Solution> solution;
  std::string why;
  std::optional<Violation> violation;
};

std::string limit_text(const BindingConstraint& b) {
  char buf[64];
  if (b.limit.find("pressure") != std::string::npos) std::snprintf(buf, sizeof buf, "%.4g bar", bar_from_pa(b.value));
  else if (b.limit == "power_max") std::snprintf(buf, sizeof buf, "%.4g MW", b.value / 1e6);
  else if (b.limit.rfind("flow", 0) == 0) std::snprintf(buf, sizeof buf, "%.4g kg/s", b.value);
  else std::snprintf(buf, sizeof buf, "%.4g", b.value);
  char price[64];
  std::snprintf(price, sizeof price, "%.3g", b.shadow_price);
  return b.element + ": " + b.limit + " " + buf + " binds (shadow price " + price + " " + b.unit + ")";
}

/// The binding constraint as a Violation of the simulator's kinds, where it is one.
std::optional<Violation> as_violation(const BindingConstraint& b) {
  using K = Violation::Kind;
  if (b.limit == "pressure_min") return Violation{K::pressure_below_min, b.element, b.value, b.value};
  if (b.limit == "pressure_max" || b.limit == "pressure_out_max")
    return Violation{K::pressure_above_max, b.element, b.value, b.value};
  if (b.limit == "ratio_max") return Violation{K::ratio_above_max, b.element, b.value, b.value};
  if (b.limit == "power_max") return Violation{K::power_above_max, b.element, b.value, b.value};
  return std::nullopt;
}

/// The largest scale with the controls re-optimised: one max_delivery optimisation.
ThroughputResult optimised_throughput(const GasNetwork& base, const ThroughputStudy& study,
                                      const std::vector<std::size_t>& scaled) {
  OptimizerOptions o;
  o.objective = Objective::max_delivery;
  o.scaled_nodes = scaled;
  o.scale_max = study.scale_max;
  o.simulator = study.solver;
  ThroughputResult result;
  OptimizationResult r = optimise(base, o);
  result.solves = r.nlp_solves;
  double base_total = 0.0;
  for (auto i : scaled) base_total += std::abs(base.nodes.at(i).injection_kg_per_s);
  if (!r.feasible) {
    result.binding = "no steady state within the bounds at any scale (" + r.message + ")";
    result.solution = r.solution;
    result.optimised = std::move(r);
    return result;
  }
  result.scale = r.scale;
  result.throughput_kg_per_s = r.scale * base_total;
  const auto top = std::find_if(r.binding.begin(), r.binding.end(), [](const BindingConstraint& b) { return b.limit != "scale_max"; });
  if (r.scale >= study.scale_max * (1 - 1e-9) || top == r.binding.end()) {
    result.binding = "no limit binds up to the largest scale searched";
  } else {
    result.binding = limit_text(*top);
    result.binding_violation = as_violation(*top);
  }
  for (const auto& b : r.binding)
    if (b.limit == "ratio_max") result.compressors_at_ratio_limit.push_back(b.element.substr(12, b.element.size() - 13));
  result.solution = r.solution;
  result.optimised = std::move(r);
  return result;
}

}  // namespace

ThroughputResult maximum_throughput(const GasNetwork& base, const ThroughputStudy& study) {
  if (study.optimise_controls) {
    auto r = optimised_throughput(base, study, study.scaled_nodes.empty() ? default_scaled_nodes(base) : study.scaled_nodes);
    if (!r.compressors_at_ratio_limit.empty()) {
      r.binding += " (compressors at their ratio limit:";
      for (const auto& id : r.compressors_at_ratio_limit) r.binding += " '" + id + "'";
      r.binding += ")";
    }
    return r;
  }
  const auto scaled = study.scaled_nodes.empty() ? default_scaled_nodes(base) : study.scaled_nodes;
  double base_total = 0.0;
  for (auto i : scaled) base_total += std::abs(base.nodes.at(i).injection_kg_per_s);
  GasNetwork net = base;
  ThroughputResult result;
  std::optional<Solution> warm;

  auto trial = [&](double s) {
    for (auto i : scaled) net.nodes[i].injection_kg_per_s = base.nodes[i].injection_kg_per_s * s;
    Trial t;
    ++result.solves;
    try {
      auto sol = solve(net, study.solver, warm ? &*warm : nullptr);
      const auto counts = [&](const Violation& v) {
        return std::find(study.ignored.begin(), study.ignored.end(), v.kind) == study.ignored.end();
      };
      const auto first = std::find_if(sol.violations.begin(), sol.violations.end(), counts);
      if (first == sol.violations.end()) {
        t.feasible = true;
      } else {
        t.violation = *first;
        t.why = first->describe();
      }
      t.solution = std::move(sol);
    } catch (const SolverError& e) {
      t.why = std::string("no steady state (") + e.what() + ")";
    }
    return t;
  };

  auto accept = [&](double s, Trial& t) {
    result.scale = s;
    warm = t.solution;
    result.solution = *t.solution;
  };

  // From s = 1: doubling while feasible, then bisection; below 1 when the nominal case already fails.
  // (s = 0 is not tried: with fixed supplies and no offtake there may be no steady state at all.)
  double lo = 0.0, hi = 1.0;
  Trial last_fail;
  bool found_fail = false;
  for (;;) {
    Trial t = trial(hi);
    if (!t.feasible) {
      last_fail = std::move(t);
      found_fail = true;
      break;
    }
    accept(hi, t);
    lo = hi;
    if (hi >= study.scale_max) break;
    hi = std::min(2.0 * hi, study.scale_max);
  }
  if (!found_fail) {
    result.binding = "no limit binds up to the largest scale searched";
  } else {
    while (hi - lo > study.relative_tolerance * hi && hi > 1e-6) {
      const double mid = 0.5 * (lo + hi);
      Trial t = trial(mid);
      if (t.feasible) {
        accept(mid, t);
        lo = mid;
      } else {
        last_fail = std::move(t);
        hi = mid;
      }
    }
    result.binding = last_fail.why;
    result.binding_violation = last_fail.violation;
    if (!warm && last_fail.solution) result.solution = *last_fail.solution;  // nothing feasible: the failing state
  }
  result.throughput_kg_per_s = result.scale * base_total;
  for (std::size_t c = 0; c < base.compressors.size(); ++c)
    if (c < result.solution.compressors.size() && result.solution.compressors[c].state == CompressorState::ratio_limited)
      result.compressors_at_ratio_limit.push_back(base.compressors[c].id);
  if (!result.compressors_at_ratio_limit.empty()) {
    result.binding += " (compressors at their ratio limit:";
    for (const auto& id : result.compressors_at_ratio_limit) result.binding += " '" + id + "'";
    result.binding += ")";
  }
  return result;
}

Contingency outage(const GasNetwork& base, const ThroughputStudy& study, const std::vector<std::string>& elements,
                   const std::string& label) {
  const auto scaled = study.scaled_nodes.empty() ? default_scaled_nodes(base) : study.scaled_nodes;
  double base_total = 0.0;
  for (auto i : scaled) base_total += std::abs(base.nodes.at(i).injection_kg_per_s);

  GasNetwork net = base;
  Contingency c;
  c.base_kg_per_s = base_total;
  c.element = label;
  for (const auto& id : elements) {
    std::string what;
    if (auto p = net.find_pipe(id)) {
      net.pipes[*p].in_service = false;
      what = "pipe '" + id + "'";
    } else if (auto k = net.find_compressor(id)) {
      net.compressors[*k].in_service = false;
      what = "compressor '" + id + "'";
    } else if (auto v = net.find_valve(id)) {
      net.valves[*v].open = false;
      what = "valve '" + id + "'";
    } else {
      throw InputError("N-1 study", "element '" + id + "'", "is not a pipe, compressor or valve of the network");
    }
    if (label.empty()) c.element += (c.element.empty() ? "" : ", ") + what;
  }
  // Offtakes cut off from every slack node cannot be served at all.
  const auto cut = nodes_without_slack(net);
  ThroughputStudy st = study;
  st.scaled_nodes.clear();
  double remaining = 0.0;
  for (auto i : scaled) {
    if (cut[i]) continue;
    st.scaled_nodes.push_back(i);
    remaining += std::abs(net.nodes[i].injection_kg_per_s);
  }
  for (std::size_t i = 0; i < net.nodes.size(); ++i)
    if (cut[i] && net.nodes[i].injection_kg_per_s != 0.0) {
      if (net.nodes[i].injection_kg_per_s < 0.0) c.islanded_kg_per_s -= net.nodes[i].injection_kg_per_s;
      net.nodes[i].injection_kg_per_s = 0.0;
    }
  if (st.scaled_nodes.empty()) {
    c.throughput.binding = "every scaled node is cut off";
  } else {
    c.throughput = maximum_throughput(net, st);
  }
  c.deliverable_kg_per_s = std::min(c.throughput.scale, 1.0) * remaining;
  return c;
}

std::vector<Contingency> n_minus_1(const GasNetwork& base, const ThroughputStudy& study,
                                   const std::vector<std::string>& elements) {
  std::vector<std::string> ids = elements;
  if (ids.empty()) {
    for (const auto& p : base.pipes)
      if (p.in_service) ids.push_back(p.id);
    for (const auto& c : base.compressors)
      if (c.in_service) ids.push_back(c.id);
  }
  std::vector<Contingency> out;
  for (const auto& id : ids) out.push_back(outage(base, study, {id}));
  return out;
}

}  // namespace corridor::gas
