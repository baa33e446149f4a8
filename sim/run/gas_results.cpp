#include "sim/run/gas_results.hpp"

#include <cmath>
#include <cstdio>
#include <limits>

#include "sim/gas/units.hpp"

namespace corridor::run {

namespace {

using gas::bar_from_pa;
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

struct Units {
  double rho_n;
  [[nodiscard]] double mcm(double kg_per_s) const { return gas::mcm_per_day_from_kg_per_s(kg_per_s, rho_n); }
  [[nodiscard]] double bcm(double kg_per_s) const { return gas::bcm_per_year_from_kg_per_s(kg_per_s, rho_n); }
};

std::optional<double> attribute_number(const geo::Feature& f, std::string_view name) {
  const auto* v = f.find(name);
  if (!v) return std::nullopt;
  if (const auto* d = std::get_if<double>(v)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(v)) return static_cast<double>(*i);
  return std::nullopt;
}

/// "node 'X'" -> "X".
std::string element_id(const std::string& element) {
  const auto a = element.find('\''), b = element.rfind('\'');
  return a != std::string::npos && b > a ? element.substr(a + 1, b - a - 1) : element;
}

std::string_view kind_name(gas::Violation::Kind k) {
  using K = gas::Violation::Kind;
  switch (k) {
    case K::pressure_below_min:
      return "pressure_below_min";
    case K::pressure_above_max:
      return "pressure_above_max";
    case K::pipe_pressure_above_max:
      return "pipe_pressure_above_max";
    case K::velocity_above_max:
      return "velocity_above_max";
    case K::ratio_above_max:
      return "ratio_above_max";
    case K::power_above_max:
      return "power_above_max";
  }
  return "?";
}

std::string fixed(double x, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
  return buf;
}

bool no_steady_state(const gas::ThroughputResult& t) { return t.binding.rfind("no steady state", 0) == 0; }

/// What limits an outage's deliverable, as a sentence that cannot be read as a contradiction: when the
/// whole nomination can still be delivered, the limit is the one above it.
std::string outage_binding(const gas::ThroughputResult& t) {
  if (t.scale >= 1.0) {
    const std::string above = "the whole nomination is deliverable; above " + fixed(t.scale, 2) + " x nominal ";
    if (no_steady_state(t)) return above + "the network has no steady state (" + t.binding + ")";
    if (t.binding_violation) return above + t.binding;
    return "the whole nomination is deliverable; " + t.binding;
  }
  if (t.scale <= 0.0) return "nothing can be delivered: " + t.binding;
  return t.binding;
}

GasCapacity capacity_of(const gas::GasNetwork& g, const gas::ThroughputResult& t, const Units& u,
                        const std::vector<std::size_t>& scaled) {
  GasCapacity c;
  double offtake = 0.0, supply = 0.0;
  for (auto i : scaled) {
    c.scaled.push_back(g.nodes[i].id);
    (g.nodes[i].injection_kg_per_s < 0 ? offtake : supply) += std::abs(g.nodes[i].injection_kg_per_s);
  }
  c.scale = t.scale;
  c.nominal_offtake_mcm_per_day = u.mcm(offtake);
  c.max_offtake_mcm_per_day = u.mcm(offtake * t.scale);
  c.max_offtake_bcm_per_year = u.bcm(offtake * t.scale);
  if (supply > 0.0) c.max_scaled_supply_mcm_per_day = u.mcm(supply * t.scale);
  c.binding = t.binding;
  if (t.binding_violation) {
    c.binding_element = element_id(t.binding_violation->element);
    c.binding_kind = kind_name(t.binding_violation->kind);
  } else {
    c.binding_kind = no_steady_state(t) ? "no_steady_state" : "none";
  }
  c.compressors_at_ratio_limit = t.compressors_at_ratio_limit;
  c.solves = t.solves;
  return c;
}

/// A limit's value in the unit a planner reads (bar, MW, kg/s, or as is).
double limit_in_display_unit(const std::string& limit, double si) {
  if (limit.find("pressure") != std::string::npos) return bar_from_pa(si);
  if (limit == "power_max") return si / 1e6;
  return si;
}
std::string display_unit(const std::string& limit) {
  if (limit.find("pressure") != std::string::npos) return "bar";
  if (limit == "power_max") return "MW";
  if (limit.rfind("flow", 0) == 0) return "kg/s";
  return "";
}

GasOptimisation optimisation_of(const gas::OptimizationResult& r, const Units& u) {
  const auto& g = r.settled;
  const auto& sol = r.solution;
  GasOptimisation o;
  o.objective = gas::to_string(r.objective);
  o.feasible = r.feasible;
  o.objective_value = r.objective == gas::Objective::compressor_power ? r.objective_value / 1e6 : r.objective_value;
  o.objective_unit = r.objective == gas::Objective::compressor_power ? "MW"
                     : r.objective == gas::Objective::fuel           ? "kg/s"
                                                                     : "x nominal";
  for (std::size_t c = 0; c < g.compressors.size(); ++c) {
    const auto& st = r.stations[c];
    o.stations.push_back({g.compressors[c].id, std::string(gas::to_string(st.state)), st.ratio,
                          bar_from_pa(sol.pressure_pa[g.compressors[c].from]), bar_from_pa(st.outlet_pressure_pa),
                          u.mcm(sol.compressors[c].flow_kg_per_s), sol.compressors[c].power_w / 1e6,
                          u.mcm(sol.compressors[c].fuel_kg_per_s)});
  }
  for (std::size_t v = 0; v < g.valves.size(); ++v) {
    const auto kind = g.valves[v].kind;
    if (kind != gas::ValveKind::control_valve && kind != gas::ValveKind::valve) continue;
    const auto& vs = r.valves[v];
    o.valves.push_back({g.valves[v].id, kind == gas::ValveKind::valve ? "valve" : "control_valve",
                        std::string(gas::to_string(vs.state)), bar_from_pa(vs.outlet_pressure_pa),
                        bar_from_pa(vs.pressure_drop_pa), u.mcm(sol.valves[v].flow_kg_per_s)});
  }
  for (const auto& b : r.binding)
    o.binding.push_back({b.element, b.limit, limit_in_display_unit(b.limit, b.value), display_unit(b.limit), b.shadow_price, b.unit});
  o.nlp_solves = r.nlp_solves;
  o.pressure_agreement = r.pressure_agreement;
  o.flow_agreement = r.flow_agreement;
  o.flow_difference_kg_per_s = r.flow_difference_kg_per_s;
  return o;
}

}  // namespace

GasResults solve_gas(const network::Network& net, const gas::GasSettings& settings, bool with_capacity) {
  GasResults o;
  o.settings = settings;
  o.gas_case = gas::gas_case(net, settings);
  o.study = gas::run_gas_study(o.gas_case, settings, with_capacity);
  // Optimising: every figure describes the network with the chosen settings (valves closed, stations set).
  if (o.study.optimised) o.gas_case.model.gas = o.study.optimised->settled;
  const auto& m = o.gas_case.model;
  const auto& g = m.gas;
  const auto& sol = o.study.solution;
  const Units u{g.gas.normal_density_kg_per_m3};
  o.node_of = m.node_of;
  o.outlet_of = m.outlet_of;

  // Supplies and deliveries.
  double supplied = 0.0, delivered = 0.0;
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    const double q = sol.injection_kg_per_s[i];
    const bool slack = g.nodes[i].pressure_set_pa.has_value();
    if (q == 0.0 && !slack) continue;
    GasFlow e{g.nodes[i].id, u.mcm(std::abs(q)), u.bcm(std::abs(q)), std::nullopt, slack};
    if (o.gas_case.nominated_mcm_per_day[i]) e.nominated_mcm_per_day = std::abs(*o.gas_case.nominated_mcm_per_day[i]);
    if (q >= 0.0) {
      supplied += q;
      o.supplies.push_back(std::move(e));
    } else {
      delivered -= q;
      o.deliveries.push_back(std::move(e));
    }
  }
  o.supply_mcm_per_day = u.mcm(supplied);
  o.supply_bcm_per_year = u.bcm(supplied);
  o.delivered_mcm_per_day = u.mcm(delivered);
  o.delivered_bcm_per_year = u.bcm(delivered);

  // Stations.
  double power = 0.0, fuel = 0.0;
  for (std::size_t c = 0; c < g.compressors.size(); ++c) {
    const auto& r = sol.compressors[c];
    power += r.power_w;
    fuel += r.fuel_kg_per_s;
    o.stations.push_back({g.compressors[c].id, r.state, bar_from_pa(sol.pressure_pa[g.compressors[c].from]),
                          bar_from_pa(sol.pressure_pa[g.compressors[c].to]), r.ratio, u.mcm(r.flow_kg_per_s),
                          r.power_w / 1e6, u.mcm(r.fuel_kg_per_s)});
  }
  o.compressor_power_mw = power / 1e6;
  o.compressor_fuel_mcm_per_day = u.mcm(fuel);

  // Pressures and limits.
  std::optional<std::size_t> lo, hi;
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    if (!std::isfinite(sol.pressure_pa[i])) continue;
    if (!lo || sol.pressure_pa[i] < sol.pressure_pa[*lo]) lo = i;
    if (!hi || sol.pressure_pa[i] > sol.pressure_pa[*hi]) hi = i;
  }
  if (lo) o.pressure_lowest = GasPressureAt{g.nodes[*lo].id, bar_from_pa(sol.pressure_pa[*lo])};
  if (hi) o.pressure_highest = GasPressureAt{g.nodes[*hi].id, bar_from_pa(sol.pressure_pa[*hi])};
  if (const auto margin = gas::worst_pressure_margin(g, sol)) o.min_pressure_margin = GasPressureAt{margin->node, margin->bar};
  std::vector<std::string> node_violation(g.nodes.size());
  for (const auto& v : sol.violations) {
    o.violations.push_back(v.describe());
    const bool below = v.kind == gas::Violation::Kind::pressure_below_min;
    if (!below && v.kind != gas::Violation::Kind::pressure_above_max) continue;
    ++o.pressure_violations;
    if (const auto i = g.find_node(element_id(v.element))) node_violation[*i] = below ? "below_min" : "above_max";
  }

  if (o.study.optimised) o.optimisation = optimisation_of(*o.study.optimised, u);

  // Capacity studies.
  if (o.study.max_throughput) {
    o.capacity = capacity_of(g, *o.study.max_throughput, u, o.gas_case.scaled_nodes);
    // Deliverable: the scaled offtakes that stay connected, times the largest feasible scale (at most 1).
    double nominal_offtake = 0.0;
    for (auto i : o.gas_case.scaled_nodes) nominal_offtake += std::max(0.0, -g.nodes[i].injection_kg_per_s);
    for (const auto& c : o.study.n_minus_1) {
      const double deliverable = std::min(c.throughput.scale, 1.0) * std::max(0.0, nominal_offtake - c.islanded_kg_per_s);
      o.n_minus_1.push_back({c.element, u.mcm(deliverable), u.bcm(deliverable),
                             nominal_offtake > 0 ? deliverable / nominal_offtake : 0.0, c.throughput.scale,
                             u.mcm(c.islanded_kg_per_s), outage_binding(c.throughput)});
    }
  }

  // Links.
  const auto& links = net.links();
  o.links.assign(links.size(), std::nullopt);
  for (std::size_t k = 0; k < links.size(); ++k) {
    GasLinkValues v;
    if (const auto p = m.pipe_of[k]) {
      const auto& pipe = g.pipes[*p];
      const auto& r = sol.pipes[*p];
      v.element = pipe.length_m > 0 ? "pipe" : "resistor";
      v.flow_kg_per_s = r.flow_kg_per_s;
      v.closed = r.closed;
      v.pressure_in_bar = bar_from_pa(sol.pressure_pa[pipe.from]);
      v.pressure_out_bar = bar_from_pa(sol.pressure_pa[pipe.to]);
      v.velocity_m_per_s = r.velocity_m_per_s;
      v.velocity_in_m_per_s = r.velocity_in_m_per_s;
      v.velocity_out_m_per_s = r.velocity_out_m_per_s;
      v.reynolds = r.reynolds;
      v.friction_factor = r.friction_factor;
    } else if (const auto vi = m.valve_of[k]) {
      const auto& valve = g.valves[*vi];
      v.element = valve.kind == gas::ValveKind::valve        ? "valve"
                  : valve.kind == gas::ValveKind::short_pipe ? "short_pipe"
                                                             : "control_valve";
      v.flow_kg_per_s = valve.open ? sol.valves[*vi].flow_kg_per_s : 0.0;
      v.closed = !valve.open;
      v.pressure_in_bar = bar_from_pa(sol.pressure_pa[valve.from]);
      v.pressure_out_bar = bar_from_pa(sol.pressure_pa[valve.to]);
    } else {
      continue;
    }
    v.flow_mcm_per_day = u.mcm(v.flow_kg_per_s);
    v.flow_bcm_per_year = u.bcm(v.flow_kg_per_s);
    v.capacity_bcm_per_year = attribute_number(links[k].source_feature, "capacity_bcm_per_year");
    if (v.capacity_bcm_per_year && *v.capacity_bcm_per_year > 0 && std::isfinite(v.flow_kg_per_s))
      v.utilization = std::abs(v.flow_bcm_per_year) / *v.capacity_bcm_per_year;
    o.links[k] = std::move(v);
  }

  // Gas nodes, with their network node and role.
  o.nodes.resize(g.nodes.size());
  for (std::size_t n = 0; n < net.nodes().size(); ++n) {
    if (m.node_of[n]) {
      o.nodes[*m.node_of[n]].kind = std::string(network::to_string(net.nodes()[n].kind));
      o.nodes[*m.node_of[n]].network_node = n;
    }
    if (m.outlet_of[n]) {
      o.nodes[*m.outlet_of[n]].kind = "compressor_outlet";
      o.nodes[*m.outlet_of[n]].network_node = n;
    }
    if (m.compressor_of[n]) o.nodes[*m.node_of[n]].station = *m.compressor_of[n];
  }
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    const auto& n = g.nodes[i];
    auto& v = o.nodes[i];
    const double p = sol.pressure_pa[i];
    v.id = n.id;
    v.pressure_bar = std::isfinite(p) ? bar_from_pa(p) : nan;
    if (n.pressure_min_pa) {
      v.pressure_min_bar = bar_from_pa(*n.pressure_min_pa);
      v.margin_above_min_bar = bar_from_pa(p - *n.pressure_min_pa);
    }
    if (n.pressure_max_pa) v.pressure_max_bar = bar_from_pa(*n.pressure_max_pa);
    v.injection_mcm_per_day = u.mcm(sol.injection_kg_per_s[i]);
    v.injection_bcm_per_year = u.bcm(sol.injection_kg_per_s[i]);
    v.nominated_mcm_per_day = o.gas_case.nominated_mcm_per_day[i];
    v.slack = n.pressure_set_pa.has_value();
    v.violation = node_violation[i];
  }
  return o;
}

}  // namespace corridor::run
