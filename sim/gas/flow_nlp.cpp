#include "sim/gas/flow_nlp.hpp"

#include <IpIpoptData.hpp>

#include <algorithm>
#include <cmath>
#include <initializer_list>
#include <numbers>
#include <limits>
#include <numeric>

#include "sim/gas/jet.hpp"
#include "sim/gas/union_find.hpp"

namespace corridor::gas::detail {

namespace {

constexpr double infinity = 2e19;  // beyond Ipopt's nlp_{lower,upper}_bound_inf (1e19): no bound
constexpr double bound_margin = 1e-7;  // relative: bounds are tightened by this so that the re-simulation meets them (docs/gas.md)
constexpr double megawatt = 1e6;
constexpr double nan = std::numeric_limits<double>::quiet_NaN();


std::string node_label(const GasNetwork& net, std::size_t i) { return "node '" + net.nodes[i].id + "'"; }
std::string station_label(const GasNetwork& net, std::size_t c) { return "compressor '" + net.compressors[c].id + "'"; }
std::string valve_label(const GasNetwork& net, std::size_t v) { return "valve '" + net.valves[v].id + "'"; }

/// (kappa-1)/kappa, or the polytropic (kappa-1)/(kappa eta): the exponent of compressor_power_w.
double power_exponent(const Gas& gas, const Compressor& c, bool polytropic) {
  const double kappa = gas.heat_capacity_ratio;
  return polytropic ? (kappa - 1.0) / (kappa * c.isentropic_efficiency) : (kappa - 1.0) / kappa;
}


/// Adiabatic head (kJ/kg) and inlet volumetric flow (m3/s) of a unit (compressor_machines.hpp):
/// H = Z(p_in) R_s T kappa/(kappa-1) ((p_out/p_in)^((kappa-1)/kappa) - 1), Q = mdot Z(p_in) R_s T / p_in.
template <class T>
void unit_gas(const GasLawTerms& law, double kappa, const T& pin_pa, const T& pout_pa, const T& mdot, T& head_kj_per_kg,
              T& volumetric_m3_per_s) {
  const double alpha = (kappa - 1.0) / kappa;
  const T zrt = law.z(pin_pa) * T(law.rt);
  head_kj_per_kg = zrt * T(1.0 / (alpha * 1e3)) * (pow(pout_pa / pin_pa, alpha) - T(1.0));
  volumetric_m3_per_s = mdot * zrt / pin_pa;
}

constexpr double head_scale_kj_per_kg = 10.0;  // unit head rows are divided by this (order one)

}  // namespace

int FlowNlp::add_variable(double lo, double hi, double start) {
  x_lo_.push_back(lo);
  x_hi_.push_back(hi);
  x_start_.push_back(std::clamp(start, lo, hi));
  return static_cast<int>(x_lo_.size()) - 1;
}

void FlowNlp::add_row(Row row) {
  // Elastic: the pressure bounds of nodes (and of station and regulator ends) may be violated; the
  // elements' own limits (ratio, power, pressure drop, flow) stay hard, so that the least-violation
  // point says which pressures cannot be delivered with the equipment at its limits.
  const bool soft = row.kind == RowKind::node_bounds || row.kind == RowKind::pressure_in_min ||
                    row.kind == RowKind::pressure_out_max;
  if (elastic_ && soft) {
    if (row.lo > -infinity) {
      row.slack_lo = add_variable(0.0, infinity, 0.0);
      slacks_.push_back(row.slack_lo);
    }
    if (row.hi < infinity) {
      row.slack_hi = add_variable(0.0, infinity, 0.0);
      slacks_.push_back(row.slack_hi);
    }
  }
  rows_.push_back(std::move(row));
}

FlowNlp::FlowNlp(const GasNetwork& net, const OptimizerOptions& options, const ControlStates& states, bool elastic,
                 const StartPoint& start, double p0, double m0)
    : net_(net), options_(options), states_(states), elastic_(elastic), p0_(p0), m0_(m0), law_(net.gas) {
  for (const auto& p : net.pipes) pipe_law_.emplace_back(net, p);
  const std::size_t nn = net.nodes.size();

  // Groups: nodes joined by ideal elements share one pressure.
  UnionFind uf(nn);
  for (std::size_t v = 0; v < net.valves.size(); ++v)
    if (net.valves[v].kind != ValveKind::loss_resistor && states.valve[v] == ControlState::bypass)
      uf.unite(net.valves[v].from, net.valves[v].to);
  for (std::size_t c = 0; c < net.compressors.size(); ++c)
    if (states.station[c] == ControlState::bypass) uf.unite(net.compressors[c].from, net.compressors[c].to);
  group_of_.assign(nn, 0);
  std::vector<int> group_of_root(nn, -1);
  for (std::size_t i = 0; i < nn; ++i) {
    auto& g = group_of_root[uf.find(i)];
    if (g < 0) g = static_cast<int>(groups_++);
    group_of_[i] = static_cast<std::size_t>(g);
  }

  // Pressure variables and their bounds: the intersection of the members' bounds.
  std::vector<double> lo(groups_, -infinity), hi(groups_, infinity), start_sum(groups_, 0.0), set(groups_, nan);
  std::vector<int> start_count(groups_, 0);
  std::vector<std::size_t> lo_node(groups_, 0), hi_node(groups_, 0);
  for (std::size_t i = 0; i < nn; ++i) {
    const auto& n = net.nodes[i];
    const auto g = group_of_[i];
    if (n.pressure_min_pa && *n.pressure_min_pa / p0 > lo[g]) lo[g] = *n.pressure_min_pa / p0, lo_node[g] = i;
    if (n.pressure_max_pa && *n.pressure_max_pa / p0 < hi[g]) hi[g] = *n.pressure_max_pa / p0, hi_node[g] = i;
    if (n.pressure_set_pa && !n.pressure_min_pa && !n.pressure_max_pa) set[g] = *n.pressure_set_pa / p0;
    if (i < start.pressure_pa.size() && std::isfinite(start.pressure_pa[i])) {
      start_sum[g] += start.pressure_pa[i] / p0;
      ++start_count[g];
    }
  }
  constexpr double floor_scaled = 1e-3;  // keeps every pressure positive (the pipe law divides by p1 + p2)
  for (std::size_t g = 0; g < groups_; ++g) {
    double s = start_count[g] ? start_sum[g] / start_count[g] : 1.0;
    if (std::isfinite(set[g])) {  // a slack node without bounds: held at its set pressure
      lo[g] = std::max(lo[g], set[g]);
      hi[g] = std::min(hi[g], set[g]);
      if (lo[g] > hi[g]) lo[g] = hi[g] = set[g];
    }
    double vlo = floor_scaled, vhi = 10.0;
    if (elastic_) {
      // A slack node without bounds is held at its set pressure even here: only bounds are elastic.
      if (std::isfinite(set[g])) {
        vlo = vhi = set[g];
        lo[g] = -infinity;
        hi[g] = infinity;
      }
      add_variable(vlo, vhi, s);
    } else {
      if (lo[g] > -infinity) vlo = std::max(vlo, lo[g] == hi[g] ? lo[g] : lo[g] * (1 + bound_margin));
      if (hi[g] < infinity) vhi = hi[g] == lo[g] ? hi[g] : hi[g] * (1 - bound_margin);
      if (vlo > vhi) {
        empty_bounds_ = true;
        vhi = vlo;
      }
      if (!start_count[g] && lo[g] > -infinity && hi[g] < infinity) s = 0.5 * (lo[g] + hi[g]);
      add_variable(vlo, vhi, s);
    }
  }
  if (elastic_)
    for (std::size_t g = 0; g < groups_; ++g) {
      if (lo[g] > -infinity) {
        Row r{RowKind::node_bounds, node_label(net, lo_node[g]), "pressure_min", g, static_cast<int>(g)};
        r.lo = lo[g];
        r.hi = infinity;
        r.unit_per_scaled = p0;
        add_row(r);
      }
      if (hi[g] < infinity) {
        Row r{RowKind::node_bounds, node_label(net, hi_node[g]), "pressure_max", g, static_cast<int>(g)};
        r.lo = -infinity;
        r.hi = hi[g];
        r.unit_per_scaled = p0;
        add_row(r);
      }
    }
  group_lo_node_ = lo_node;
  group_hi_node_ = hi_node;
  group_fixed_ = set;

  // Injections: fixed, free (slack groups, nomination ranges) or scaled (max_delivery).
  fixed_of_group_.assign(groups_, 0.0);
  base_of_group_.assign(groups_, 0.0);
  std::vector<double> free_lo(groups_, 0.0), free_hi(groups_, 0.0), free_start(groups_, 0.0);
  std::vector<bool> has_free(groups_, false), unbounded(groups_, false);
  std::vector<bool> scaled(nn, false);
  if (options.objective == Objective::max_delivery) {
    if (options.scaled_nodes.empty()) {
      for (std::size_t i = 0; i < nn; ++i)
        scaled[i] = !net.nodes[i].pressure_set_pa && net.nodes[i].injection_kg_per_s < 0.0;
    } else {
      for (auto i : options.scaled_nodes) scaled[i] = !net.nodes[i].pressure_set_pa;
    }
  }
  // One slack node per connected part supplies the balance: the one with the largest nominated
  // injection. Other slack nodes there (a pressure nomination beside a flow nomination, or a slack the
  // simulator needs only because stations hold their outlets) keep their nominated flow; their
  // pressure is still free within their bounds.
  UnionFind part(nn);
  for (const auto& p : net.pipes)
    if (p.in_service) part.unite(p.from, p.to);
  for (std::size_t c = 0; c < net.compressors.size(); ++c)
    if (states.station[c] != ControlState::closed) part.unite(net.compressors[c].from, net.compressors[c].to);
  for (std::size_t v = 0; v < net.valves.size(); ++v)
    if (states.valve[v] != ControlState::closed) part.unite(net.valves[v].from, net.valves[v].to);
  // A slack node whose flow is not nominated always supplies what is needed (then it is the balance).
  std::vector<int> balance_node(nn, -1);
  std::vector<bool> open_balance(nn, false);
  for (std::size_t i = 0; i < nn; ++i)
    if (net.nodes[i].pressure_set_pa && !net.nodes[i].flow_nominated) open_balance[part.find(i)] = true;
  for (std::size_t i = 0; i < nn; ++i) {
    if (!net.nodes[i].pressure_set_pa || open_balance[part.find(i)]) continue;
    auto& b = balance_node[part.find(i)];
    if (b < 0 || net.nodes[i].injection_kg_per_s > net.nodes[static_cast<std::size_t>(b)].injection_kg_per_s)
      b = static_cast<int>(i);
  }
  auto takes_balance = [&](std::size_t i) {
    return !net.nodes[i].flow_nominated || balance_node[part.find(i)] == static_cast<int>(i);
  };
  takes_balance_.assign(nn, false);
  for (std::size_t i = 0; i < nn; ++i) takes_balance_[i] = net.nodes[i].pressure_set_pa && takes_balance(i);
  for (std::size_t i = 0; i < nn; ++i) {
    const auto& n = net.nodes[i];
    const auto g = group_of_[i];
    const double st = i < start.injection_kg_per_s.size() && std::isfinite(start.injection_kg_per_s[i])
                          ? start.injection_kg_per_s[i] / m0
                          : n.injection_kg_per_s / m0;
    if (takes_balance_[i]) {
      has_free[g] = unbounded[g] = true;
      free_start[g] += st;
    } else if (scaled[i]) {
      base_of_group_[g] += n.injection_kg_per_s / m0;
    } else if (n.injection_min_kg_per_s && n.injection_max_kg_per_s) {
      has_free[g] = true;
      free_lo[g] += *n.injection_min_kg_per_s / m0;
      free_hi[g] += *n.injection_max_kg_per_s / m0;
      free_start[g] += st;
    } else {
      fixed_of_group_[g] += n.injection_kg_per_s / m0;
    }
  }
  free_of_group_.assign(groups_, -1);
  for (std::size_t g = 0; g < groups_; ++g)
    if (has_free[g])
      free_of_group_[g] =
          unbounded[g] ? add_variable(-infinity, infinity, free_start[g]) : add_variable(free_lo[g], free_hi[g], free_start[g]);
  if (options.objective == Objective::max_delivery) sigma_ = add_variable(0.0, options.scale_max, std::min(start.scale, options.scale_max));

  // Branches with a flow variable, and their rows.
  auto flow_start = [&](const std::vector<double>& v, std::size_t i) {
    return i < v.size() && std::isfinite(v[i]) ? v[i] / m0 : 0.0;
  };
  auto add_edge = [&](Edge::Kind kind, std::size_t element, std::size_t from, std::size_t to, double qlo, double qhi,
                      double qstart) {
    const int q = add_variable(qlo, qhi, qstart);
    edges_.push_back({kind, element, static_cast<int>(group_of_[from]), static_cast<int>(group_of_[to]), q});
    return static_cast<int>(edges_.size()) - 1;
  };
  station_units_.assign(net.compressors.size(), {});
  pipe_edge_.assign(net.pipes.size(), -1);
  station_edge_.assign(net.compressors.size(), -1);
  valve_edge_.assign(net.valves.size(), -1);
  for (std::size_t k = 0; k < net.pipes.size(); ++k) {
    const auto& p = net.pipes[k];
    if (!p.in_service) continue;
    const int e = add_edge(Edge::pipe, k, p.from, p.to, p.directed ? 0.0 : -infinity, infinity,
                           flow_start(start.pipe_flow_kg_per_s, k));
    pipe_edge_[k] = e;
    Row r{RowKind::pipe, "pipe '" + p.id + "'", "pipe_law", k, edges_[e].from, edges_[e].to, edges_[e].q};
    add_row(r);
  }
  for (std::size_t c = 0; c < net.compressors.size(); ++c) {
    const auto& cs = net.compressors[c];
    if (states.station[c] != ControlState::active) continue;
    const double qlo = std::max(0.0, cs.flow_min_kg_per_s.value_or(0.0)) / m0;
    const double qhi = cs.flow_max_kg_per_s ? *cs.flow_max_kg_per_s / m0 : infinity;
    const int e = add_edge(Edge::station, c, cs.from, cs.to, qlo, std::max(qlo, qhi), flow_start(start.station_flow_kg_per_s, c));
    station_edge_[c] = e;
    const int a = edges_[e].from, b = edges_[e].to, q = edges_[e].q;
    const bool on_machines = cs.machines && cs.optimise && states.configuration_of(c) >= 0;
    if (!on_machines) objective_stations_.push_back(static_cast<int>(c));
    const std::string label = station_label(net, c);
    auto row = [&](RowKind kind, const char* limit, double coefficient, double rlo, double rhi, double unit) {
      Row r{kind, label, limit, c, a, b, q, coefficient, rlo, rhi};
      r.unit_per_scaled = unit;
      add_row(r);
    };
    if (!cs.optimise && cs.mode == CompressorMode::ratio) {
      row(RowKind::fixed_ratio, "ratio", cs.ratio, 0.0, 0.0, p0);
      continue;
    }
    if (!cs.optimise && cs.mode == CompressorMode::outlet_pressure) {
      row(RowKind::fixed_outlet, "outlet_pressure", cs.outlet_pressure_pa / p0, cs.outlet_pressure_pa / p0,
          cs.outlet_pressure_pa / p0, p0);
      continue;
    }
    if (cs.ratio_max) row(RowKind::ratio_max, "ratio_max", *cs.ratio_max, -infinity, 0.0, p0);
    row(RowKind::ratio_min, "ratio_min", states.relaxed ? std::min(cs.ratio_min, 1.0) : cs.ratio_min, 0.0, infinity, p0);
    if (cs.power_max_w && !on_machines) row(RowKind::power_max, "power_max", 0.0, -infinity, *cs.power_max_w / megawatt, megawatt);
    if (cs.pressure_in_min_pa) row(RowKind::pressure_in_min, "pressure_in_min", 0.0, *cs.pressure_in_min_pa / p0, infinity, p0);
    if (cs.pressure_out_max_pa)
      row(RowKind::pressure_out_max, "pressure_out_max", 0.0, -infinity, *cs.pressure_out_max_pa / p0, p0);
    if (on_machines) add_machine_rows(c, states.configuration_of(c), a, b, q);
  }
  for (std::size_t v = 0; v < net.valves.size(); ++v) {
    const auto& va = net.valves[v];
    const std::string label = valve_label(net, v);
    if (va.kind == ValveKind::loss_resistor) {
      if (states.valve[v] == ControlState::closed) continue;
      const int e = add_edge(Edge::valve, v, va.from, va.to, -infinity, infinity, flow_start(start.valve_flow_kg_per_s, v));
      valve_edge_[v] = e;
      Row r{RowKind::equal_drop, label, "pressure_loss", v, edges_[e].from, edges_[e].to, edges_[e].q,
            va.setpoint_pa / p0, va.setpoint_pa / p0, va.setpoint_pa / p0};
      add_row(r);
      continue;
    }
    if (states.valve[v] != ControlState::active) continue;
    const double qhi = va.flow_max_kg_per_s ? *va.flow_max_kg_per_s / m0 : infinity;
    const int e = add_edge(Edge::valve, v, va.from, va.to, 0.0, std::max(0.0, qhi), flow_start(start.valve_flow_kg_per_s, v));
    valve_edge_[v] = e;
    const int a = edges_[e].from, b = edges_[e].to, q = edges_[e].q;
    auto row = [&](RowKind kind, const char* limit, double coefficient, double rlo, double rhi) {
      Row r{kind, label, limit, v, a, b, q, coefficient, rlo, rhi};
      r.unit_per_scaled = p0;
      add_row(r);
    };
    if (!va.optimise && va.control == ValveControl::outlet_pressure) {
      row(RowKind::fixed_outlet, "outlet_pressure", va.setpoint_pa / p0, va.setpoint_pa / p0, va.setpoint_pa / p0);
      continue;
    }
    if (!va.optimise && va.control == ValveControl::pressure_drop) {
      row(RowKind::equal_drop, "pressure_drop", va.setpoint_pa / p0, va.setpoint_pa / p0, va.setpoint_pa / p0);
      continue;
    }
    const double dmin = states.relaxed ? 0.0 : va.pressure_drop_min_pa / p0;
    row(RowKind::drop, "pressure_drop", 0.0, dmin, va.pressure_drop_max_pa ? *va.pressure_drop_max_pa / p0 : infinity);
    if (va.pressure_in_min_pa) row(RowKind::pressure_in_min, "pressure_in_min", 0.0, *va.pressure_in_min_pa / p0, infinity);
    if (va.pressure_out_max_pa) row(RowKind::pressure_out_max, "pressure_out_max", 0.0, -infinity, *va.pressure_out_max_pa / p0);
  }

  // Balance rows, one per group: sum(q in) - sum(q out) + d + base sigma = -fixed.
  balance_cols_.assign(groups_, {});
  balance_coef_.assign(groups_, {});
  for (const auto& e : edges_) {
    balance_cols_[static_cast<std::size_t>(e.to)].push_back(e.q);
    balance_coef_[static_cast<std::size_t>(e.to)].push_back(1.0);
    balance_cols_[static_cast<std::size_t>(e.from)].push_back(e.q);
    balance_coef_[static_cast<std::size_t>(e.from)].push_back(-1.0);
  }
  for (std::size_t g = 0; g < groups_; ++g) {
    if (free_of_group_[g] >= 0) {
      balance_cols_[g].push_back(free_of_group_[g]);
      balance_coef_[g].push_back(1.0);
    }
    if (sigma_ >= 0 && base_of_group_[g] != 0.0) {
      balance_cols_[g].push_back(sigma_);
      balance_coef_[g].push_back(base_of_group_[g]);
    }
    if (balance_cols_[g].empty()) {
      if (std::abs(fixed_of_group_[g]) > 1e-12) no_balance_ = true;  // an injection nothing can carry away
      continue;
    }
    Row r{RowKind::balance, "node group", "balance", g};
    r.lo = r.hi = -fixed_of_group_[g];
    add_row(r);
  }

  // Units in parallel share their stage's flow: -q + sum(q_unit) = 0 (stored as balance rows).
  for (std::size_t k = 0; k < pending_splits_.size(); ++k) {
    Row r{RowKind::balance, split_labels_[k], "unit_flow_split", balance_cols_.size()};
    balance_cols_.push_back(pending_splits_[k]);
    std::vector<double> coef(pending_splits_[k].size(), 1.0);
    coef[0] = -1.0;
    balance_coef_.push_back(std::move(coef));
    r.lo = r.hi = 0.0;
    add_row(r);
  }

  // Sparsity of the Jacobian and of the Hessian of the Lagrangian, in the order the evaluations use.
  for (std::size_t j = 0; j < rows_.size(); ++j) {
    const auto& r = rows_[j];
    const int row = static_cast<int>(j);
    auto put = [&](int col) { jac_.push_back({row, col}); };
    if (unit_row(r.kind)) put(r.a), put(r.b), put(r.c), put(r.d);
    else switch (r.kind) {
      case RowKind::balance:
        for (int col : balance_cols_[r.index]) put(col);
        break;
      case RowKind::pipe:
      case RowKind::power_max:
        put(r.a), put(r.b), put(r.c);
        break;
      case RowKind::node_bounds:
      case RowKind::pressure_in_min: put(r.a); break;
      case RowKind::pressure_out_max:
      case RowKind::fixed_outlet: put(r.b); break;
      default: put(r.a), put(r.b); break;  // drop, equal_drop, ratio rows
    }
    if (r.slack_lo >= 0) put(r.slack_lo);
    if (r.slack_hi >= 0) put(r.slack_hi);
  }
  auto hess_of = [&](std::initializer_list<int> cols) {
    const int* col = cols.begin();
    const std::size_t n = cols.size();
    for (std::size_t s = 0; s < n; ++s)
      for (std::size_t t = 0; t < n; ++t)
        if (col[s] >= col[t]) hess_.push_back({col[s], col[t]});
  };
  for (const auto& r : rows_) {
    if (unit_row(r.kind)) hess_of({r.a, r.b, r.c, r.d});
    else if (nonlinear(r)) hess_of({r.a, r.b, r.c});
  }
  if (!elastic_ && options.objective != Objective::max_delivery)
    for (int c : objective_stations_) {
      const auto& e = edges_[static_cast<std::size_t>(station_edge_[static_cast<std::size_t>(c)])];
      hess_of({e.from, e.to, e.q});
    }
  if (!elastic_ && options.objective != Objective::max_delivery)
    for (const auto& t : objective_units_) hess_of({t.a, t.b, t.c, t.d});
}

void FlowNlp::refresh(const double* x, bool new_x) {
  // Ipopt evaluates the rows, their Jacobian and the Hessian at the same point (new_x false after the
  // first call there): the jets (value, gradient and Hessian at once) are computed once per point.
  if (!new_x && jets_fresh_) return;
  row_jets_.resize(rows_.size());
  unit_jets_.resize(rows_.size());
  for (std::size_t j = 0; j < rows_.size(); ++j) {
    if (unit_row(rows_[j].kind)) unit_jets_[j] = unit_jet(rows_[j], x);
    else if (nonlinear(rows_[j])) row_jets_[j] = row_jet(rows_[j], x);
  }
  objective_unit_jets_.resize(objective_units_.size());
  if (!elastic_ && options_.objective != Objective::max_delivery)
    for (std::size_t i = 0; i < objective_units_.size(); ++i) {
      const auto& t = objective_units_[i];
      objective_unit_jets_[i] = unit_power_jet(t.station, t.unit, t.a, t.b, t.c, t.d, x, options_.objective == Objective::fuel);
    }
  objective_jets_.resize(objective_stations_.size());
  if (!elastic_ && options_.objective != Objective::max_delivery)
    for (std::size_t i = 0; i < objective_stations_.size(); ++i) {
      const auto c = static_cast<std::size_t>(objective_stations_[i]);
      const auto& e = edges_[static_cast<std::size_t>(station_edge_[c])];
      objective_jets_[i] = power_jet(c, e.from, e.to, e.q, x);
    }
  jets_fresh_ = true;
}

double FlowNlp::objective_weight(std::size_t compressor) const {
  if (options_.objective == Objective::fuel) {
    const auto& c = net_.compressors[compressor];
    return megawatt / (c.driver_efficiency * net_.gas.lower_heating_value_j_per_kg);  // kg/s per MW
  }
  return 1.0;  // MW
}

FlowNlp::J FlowNlp::power_jet(std::size_t compressor, int a, int b, int c, const double* x) const {
  // power = mdot Z(p_in) R_s T / (eta alpha) ((p_out / p_in)^alpha - 1), in MW (compressor_power_w).
  const auto& cs = net_.compressors[compressor];
  const double alpha = power_exponent(net_.gas, cs, options_.simulator.polytropic);
  const J pin = J::variable(x[a], 0), pout = J::variable(x[b], 1), q = J::variable(x[c], 2);
  const J z = law_.z(pin * p0_);
  const J head = z * J(law_.rt / (cs.isentropic_efficiency * alpha)) * (pow(pout / pin, alpha) - J(1.0));
  return q * J(m0_ / megawatt) * head;
}

void FlowNlp::add_machine_rows(std::size_t c, int configuration, int a, int b, int q) {
  const auto& m = *net_.compressors[c].machines;
  const auto& conf = m.configurations[static_cast<std::size_t>(configuration)];
  const std::string label = station_label(net_, c);
  const double kappa = net_.gas.heat_capacity_ratio;
  const double pin0 = x_start_[static_cast<std::size_t>(a)], pout0 = x_start_[static_cast<std::size_t>(b)];
  const double q0 = x_start_[static_cast<std::size_t>(q)];
  const double r0 = std::max(pout0 / pin0, 1.0);
  const std::size_t stages = conf.stages.size();
  // Stage pressures: the station's ends and, between serial stages, free intermediate pressures (start:
  // equal ratios). Each stage's inlet is at the gas temperature (coolers after every stage: isothermal).
  std::vector<int> at(stages + 1);
  at[0] = a;
  at[stages] = b;
  for (std::size_t k = 1; k < stages; ++k)
    at[k] = add_variable(1e-3, 10.0, pin0 * std::pow(r0, static_cast<double>(k) / static_cast<double>(stages)));
  for (std::size_t k = 0; k < stages; ++k) {
    const auto& stage = conf.stages[k];
    const int ia = at[k], ob = at[k + 1];
    if (stages > 1) {  // a stage does not lower the pressure
      Row r{RowKind::ratio_min, label, "stage_ratio_min", c, ia, ob, q, 1.0, 0.0, infinity};
      r.unit_per_scaled = p0_;
      add_row(r);
    }
    std::vector<int> split{q};
    const double pin_s = x_start_[static_cast<std::size_t>(ia)] * p0_, pout_s = x_start_[static_cast<std::size_t>(ob)] * p0_;
    for (const auto u : stage) {
      const auto& unit = m.units[u];
      const double share = q0 / static_cast<double>(stage.size());
      double head = 0.0, vol = 0.0;
      unit_gas(law_, kappa, pin_s, std::max(pout_s, pin_s), share * m0_, head, vol);
      const auto op = unit_operating_point(m, u, share * m0_, head * 1e3, vol, pout_s / pin_s, net_.gas.lower_heating_value_j_per_kg);
      const double nu_lo = unit.speed_min_per_min / unit.speed_max_per_min;
      const double nu0 = std::isfinite(op.speed_per_min) ? op.speed_per_min / unit.speed_max_per_min : 0.5 * (nu_lo + 1.0);
      const int qu = add_variable(0.0, infinity, share);
      const int nu = add_variable(nu_lo, 1.0, std::clamp(nu0, nu_lo, 1.0));
      split.push_back(qu);
      const std::string unit_label = label + " unit '" + unit.id + "'";
      auto row = [&](RowKind kind, const char* limit, double lo, double hi) {
        Row r{kind, unit_label, limit, c, ia, ob, qu, 0.0, lo, hi};
        r.d = nu;
        r.unit = u;
        add_row(r);
      };
      if (unit.turbo) {
        row(RowKind::unit_head, "speed_isoline", 0.0, 0.0);
        row(RowKind::unit_surge, "surge_line", -infinity, 0.0);
        row(RowKind::unit_choke, "choke_line", 0.0, infinity);
      } else {
        row(RowKind::unit_volume, "operating_volume", 0.0, 0.0);
        Row r{RowKind::ratio_max, unit_label, "ratio_max", c, ia, ob, qu, unit.piston->ratio_max, -infinity, 0.0};
        r.unit_per_scaled = p0_;
        add_row(r);
        if (unit.piston->torque_max_n_m) row(RowKind::unit_torque, "torque_max", -infinity, 0.0);
      }
      row(RowKind::unit_power, "power_max", -infinity, 0.0);
      station_units_[c].push_back(objective_units_.size());
      objective_units_.push_back({c, u, ia, ob, qu, nu});
    }
    pending_splits_.push_back(std::move(split));
    split_labels_.push_back(label);
  }
}

FlowNlp::J4 FlowNlp::unit_jet(const Row& r, const double* x) const {
  const auto& m = *net_.compressors[r.index].machines;
  const auto& u = m.units[r.unit];
  const J4 pin = J4::variable(x[r.a], 0) * J4(p0_), pout = J4::variable(x[r.b], 1) * J4(p0_);
  const J4 q = J4::variable(x[r.c], 2) * J4(m0_), n = J4::variable(x[r.d], 3) * J4(u.speed_max_per_min);
  J4 head, vol;
  unit_gas(law_, net_.gas.heat_capacity_ratio, pin, pout, q, head, vol);
  const J4 eta = u.turbo ? gaslib_biquadratic(u.turbo->efficiency, vol, n) : J4(u.piston->adiabatic_efficiency);
  switch (r.kind) {
    case RowKind::unit_head: return (head - gaslib_biquadratic(u.turbo->head_kj_per_kg, vol, n)) * J4(1.0 / head_scale_kj_per_kg);
    case RowKind::unit_surge: return (head - gaslib_quadratic(u.turbo->surge_head_kj_per_kg, vol)) * J4(1.0 / head_scale_kj_per_kg);
    case RowKind::unit_choke: return (head - gaslib_quadratic(u.turbo->choke_head_kj_per_kg, vol)) * J4(1.0 / head_scale_kj_per_kg);
    case RowKind::unit_volume: {
      const double v = u.piston->operating_volume_m3 / 60.0;  // m3 per revolution, n per minute
      return (vol - n * J4(v)) * J4(1.0 / (v * u.speed_max_per_min));
    }
    // Written times the efficiency (no division): q H <= eta P_max, q H <= eta M 2 pi n / 60, in MW.
    case RowKind::unit_power:
      return (q * head * J4(1e3) - eta * drive_power_max_kw(m.drives[u.drive], n, m.ambient_temperature_c) * J4(1e3)) *
             J4(1.0 / megawatt);
    case RowKind::unit_torque:
      return (q * head * J4(1e3) - eta * n * J4(*u.piston->torque_max_n_m * 2.0 * std::numbers::pi / 60.0)) * J4(1.0 / megawatt);
    default: return J4(0.0);
  }
}

FlowNlp::J4 FlowNlp::unit_power_jet(std::size_t c, std::size_t unit, int a, int b, int cq, int d, const double* x,
                                    bool fuel) const {
  const auto& m = *net_.compressors[c].machines;
  const auto& u = m.units[unit];
  const J4 pin = J4::variable(x[a], 0) * J4(p0_), pout = J4::variable(x[b], 1) * J4(p0_);
  const J4 q = J4::variable(x[cq], 2) * J4(m0_), n = J4::variable(x[d], 3) * J4(u.speed_max_per_min);
  J4 head, vol;
  unit_gas(law_, net_.gas.heat_capacity_ratio, pin, pout, q, head, vol);
  const J4 eta = u.turbo ? gaslib_biquadratic(u.turbo->efficiency, vol, n) : J4(u.piston->adiabatic_efficiency);
  const J4 power_w = q * head * J4(1e3) / eta;
  if (!fuel) return power_w * J4(1.0 / megawatt);
  const auto& drive = m.drives[u.drive];
  if (!drive.burns_gas()) return J4(0.0);
  return drive_energy_rate_kw(drive, power_w * J4(1e-3)) * J4(1e3 / net_.gas.lower_heating_value_j_per_kg);
}

std::vector<UnitOperatingPoint> FlowNlp::unit_points(std::size_t c) const {
  std::vector<UnitOperatingPoint> out;
  if (x_.empty()) return out;
  const auto kappa = net_.gas.heat_capacity_ratio;
  for (const auto i : station_units_[c]) {
    const auto& t = objective_units_[i];
    const double pin = x_[static_cast<std::size_t>(t.a)] * p0_, pout = x_[static_cast<std::size_t>(t.b)] * p0_;
    const double flow = x_[static_cast<std::size_t>(t.c)] * m0_;
    double head = 0.0, vol = 0.0;
    unit_gas(law_, kappa, pin, pout, flow, head, vol);
    out.push_back(unit_operating_point(*net_.compressors[c].machines, t.unit, flow, head * 1e3, vol, pout / pin,
                                       net_.gas.lower_heating_value_j_per_kg));
  }
  return out;
}

FlowNlp::J FlowNlp::row_jet(const Row& r, const double* x) const {
  if (r.kind == RowKind::power_max) return power_jet(r.index, r.a, r.b, r.c, x);
  // Pipe law, scaled by 1/p0^2 (pipe_law.hpp).
  const J p1 = J::variable(x[r.a], 0) * J(p0_), p2 = J::variable(x[r.b], 1) * J(p0_), m = J::variable(x[r.c], 2) * J(m0_);
  const double eps = options_.simulator.regularisation * m0_;
  return pipe_residual_pa2(pipe_law_[r.index], law_, net_.gas, p1, p2, m, eps, nullptr) * J(1.0 / (p0_ * p0_));
}

bool FlowNlp::get_nlp_info(Ipopt::Index& n, Ipopt::Index& m, Ipopt::Index& nnz_jac_g, Ipopt::Index& nnz_h_lag,
                           IndexStyleEnum& index_style) {
  n = static_cast<Ipopt::Index>(x_lo_.size());
  m = static_cast<Ipopt::Index>(rows_.size());
  nnz_jac_g = static_cast<Ipopt::Index>(jac_.size());
  nnz_h_lag = static_cast<Ipopt::Index>(hess_.size());
  index_style = C_STYLE;
  return true;
}

bool FlowNlp::get_bounds_info(Ipopt::Index n, Ipopt::Number* x_l, Ipopt::Number* x_u, Ipopt::Index m,
                              Ipopt::Number* g_l, Ipopt::Number* g_u) {
  for (Ipopt::Index i = 0; i < n; ++i) x_l[i] = x_lo_[i], x_u[i] = x_hi_[i];
  for (Ipopt::Index j = 0; j < m; ++j) g_l[j] = rows_[j].lo, g_u[j] = rows_[j].hi;
  return true;
}

bool FlowNlp::get_starting_point(Ipopt::Index n, bool init_x, Ipopt::Number* x, bool, Ipopt::Number*, Ipopt::Number*,
                                 Ipopt::Index, bool, Ipopt::Number*) {
  if (init_x)
    for (Ipopt::Index i = 0; i < n; ++i) x[i] = x_start_[i];
  return true;
}

bool FlowNlp::eval_f(Ipopt::Index, const Ipopt::Number* x, bool new_x, Ipopt::Number& obj_value) {
  refresh(x, new_x);
  double f = 0.0;
  if (elastic_) {
    for (std::size_t j = 0; j < rows_.size(); ++j) {
      const auto& r = rows_[j];
      const double w = r.unit_per_scaled == p0_ ? p0_ / pa_per_bar : 1.0;  // bar for pressures
      if (r.slack_lo >= 0) f += w * x[r.slack_lo];
      if (r.slack_hi >= 0) f += w * x[r.slack_hi];
    }
  } else if (options_.objective == Objective::max_delivery) {
    f = -x[sigma_];
  } else {
    for (std::size_t i = 0; i < objective_stations_.size(); ++i)
      f += objective_weight(static_cast<std::size_t>(objective_stations_[i])) * objective_jets_[i].v;
    for (const auto& j : objective_unit_jets_) f += j.v;
  }
  obj_value = f;
  return true;
}

bool FlowNlp::eval_grad_f(Ipopt::Index n, const Ipopt::Number* x, bool new_x, Ipopt::Number* grad_f) {
  refresh(x, new_x);
  std::fill(grad_f, grad_f + n, 0.0);
  if (elastic_) {
    for (const auto& r : rows_) {
      const double w = r.unit_per_scaled == p0_ ? p0_ / pa_per_bar : 1.0;
      if (r.slack_lo >= 0) grad_f[r.slack_lo] += w;
      if (r.slack_hi >= 0) grad_f[r.slack_hi] += w;
    }
  } else if (options_.objective == Objective::max_delivery) {
    grad_f[sigma_] = -1.0;
  } else {
    for (std::size_t i = 0; i < objective_stations_.size(); ++i) {
      const auto c = static_cast<std::size_t>(objective_stations_[i]);
      const auto& e = edges_[static_cast<std::size_t>(station_edge_[c])];
      const double w = objective_weight(c);
      const J& p = objective_jets_[i];
      grad_f[e.from] += w * p.g[0];
      grad_f[e.to] += w * p.g[1];
      grad_f[e.q] += w * p.g[2];
    }
    for (std::size_t i = 0; i < objective_units_.size(); ++i) {
      const auto& t = objective_units_[i];
      const auto& j = objective_unit_jets_[i];
      grad_f[t.a] += j.g[0], grad_f[t.b] += j.g[1], grad_f[t.c] += j.g[2], grad_f[t.d] += j.g[3];
    }
  }
  return true;
}

bool FlowNlp::eval_g(Ipopt::Index, const Ipopt::Number* x, bool new_x, Ipopt::Index m, Ipopt::Number* g) {
  refresh(x, new_x);
  for (Ipopt::Index j = 0; j < m; ++j) {
    const auto& r = rows_[j];
    double v = 0.0;
    switch (r.kind) {
      case RowKind::balance:
        for (std::size_t k = 0; k < balance_cols_[r.index].size(); ++k) v += balance_coef_[r.index][k] * x[balance_cols_[r.index][k]];
        break;
      case RowKind::pipe:
      case RowKind::power_max: v = row_jets_[static_cast<std::size_t>(j)].v; break;
      default: v = unit_jets_[static_cast<std::size_t>(j)].v; break;  // unit rows
      case RowKind::equal_drop:
      case RowKind::drop: v = x[r.a] - x[r.b]; break;
      case RowKind::fixed_ratio:
      case RowKind::ratio_max:
      case RowKind::ratio_min: v = x[r.b] - r.coefficient * x[r.a]; break;
      case RowKind::fixed_outlet:
      case RowKind::pressure_out_max: v = x[r.b]; break;
      case RowKind::pressure_in_min:
      case RowKind::node_bounds: v = x[r.a]; break;
    }
    if (r.slack_lo >= 0) v += x[r.slack_lo];
    if (r.slack_hi >= 0) v -= x[r.slack_hi];
    g[j] = v;
  }
  return true;
}

bool FlowNlp::eval_jac_g(Ipopt::Index, const Ipopt::Number* x, bool new_x, Ipopt::Index, Ipopt::Index nele_jac,
                         Ipopt::Index* iRow, Ipopt::Index* jCol, Ipopt::Number* values) {
  if (!values) {
    for (Ipopt::Index k = 0; k < nele_jac; ++k) iRow[k] = jac_[k].row, jCol[k] = jac_[k].col;
    return true;
  }
  refresh(x, new_x);
  std::size_t k = 0;
  for (std::size_t j = 0; j < rows_.size(); ++j) {
    const auto& r = rows_[j];
    auto put = [&](double v) { values[k++] = v; };
    if (unit_row(r.kind)) {
      const J4& jet = unit_jets_[j];
      put(jet.g[0]), put(jet.g[1]), put(jet.g[2]), put(jet.g[3]);
    } else switch (r.kind) {
      case RowKind::balance:
        for (double c : balance_coef_[r.index]) put(c);
        break;
      case RowKind::pipe:
      case RowKind::power_max: {
        const J& jet = row_jets_[j];
        put(jet.g[0]), put(jet.g[1]), put(jet.g[2]);
        break;
      }
      case RowKind::node_bounds:
      case RowKind::pressure_in_min:
      case RowKind::pressure_out_max:
      case RowKind::fixed_outlet: put(1.0); break;
      case RowKind::equal_drop:
      case RowKind::drop: put(1.0), put(-1.0); break;
      default: put(-r.coefficient), put(1.0); break;  // ratio rows: x_b - r x_a
    }
    if (r.slack_lo >= 0) put(1.0);
    if (r.slack_hi >= 0) put(-1.0);
  }
  return true;
}

bool FlowNlp::eval_h(Ipopt::Index, const Ipopt::Number* x, bool new_x, Ipopt::Number obj_factor, Ipopt::Index,
                     const Ipopt::Number* lambda, bool, Ipopt::Index nele_hess, Ipopt::Index* iRow, Ipopt::Index* jCol,
                     Ipopt::Number* values) {
  if (!values) {
    for (Ipopt::Index k = 0; k < nele_hess; ++k) iRow[k] = hess_[k].row, jCol[k] = hess_[k].col;
    return true;
  }
  refresh(x, new_x);
  std::size_t k = 0;
  auto emit = [&](const auto& j, double weight, std::initializer_list<int> cols) {
    const int* col = cols.begin();
    const int n = static_cast<int>(cols.size());
    for (int s = 0; s < n; ++s)
      for (int t = 0; t < n; ++t)
        if (col[s] >= col[t]) values[k++] = weight * j.hessian(s, t);
  };
  for (std::size_t j = 0; j < rows_.size(); ++j) {
    const auto& r = rows_[j];
    if (unit_row(r.kind)) emit(unit_jets_[j], lambda[j], {r.a, r.b, r.c, r.d});
    else if (nonlinear(r)) emit(row_jets_[j], lambda[j], {r.a, r.b, r.c});
  }
  if (!elastic_ && options_.objective != Objective::max_delivery)
    for (std::size_t i = 0; i < objective_stations_.size(); ++i) {
      const auto c = static_cast<std::size_t>(objective_stations_[i]);
      const auto& e = edges_[static_cast<std::size_t>(station_edge_[c])];
      emit(objective_jets_[i], obj_factor * objective_weight(c), {e.from, e.to, e.q});
    }
  if (!elastic_ && options_.objective != Objective::max_delivery)
    for (std::size_t i = 0; i < objective_units_.size(); ++i) {
      const auto& t = objective_units_[i];
      emit(objective_unit_jets_[i], obj_factor, {t.a, t.b, t.c, t.d});
    }
  return true;
}

void FlowNlp::finalize_solution(Ipopt::SolverReturn status, Ipopt::Index n, const Ipopt::Number* x,
                                const Ipopt::Number* z_L, const Ipopt::Number* z_U, Ipopt::Index m,
                                const Ipopt::Number* g, const Ipopt::Number* lambda, Ipopt::Number obj_value,
                                const Ipopt::IpoptData* ip_data, Ipopt::IpoptCalculatedQuantities*) {
  solved_ = status == Ipopt::SUCCESS || status == Ipopt::STOP_AT_ACCEPTABLE_POINT;
  objective_ = obj_value;
  iterations_ = ip_data ? ip_data->iter_count() : 0;
  x_.assign(x, x + n);
  z_lo_.assign(z_L, z_L + n);
  z_hi_.assign(z_U, z_U + n);
  lambda_.assign(lambda, lambda + m);
  g_.assign(g, g + m);
}

double FlowNlp::violation() const { return elastic_ ? objective_ : 0.0; }

double FlowNlp::pipe_flow_kg_per_s(std::size_t pipe) const {
  return pipe_edge_[pipe] >= 0 ? x_[edges_[static_cast<std::size_t>(pipe_edge_[pipe])].q] * m0_ : 0.0;
}
double FlowNlp::station_flow_kg_per_s(std::size_t c) const {
  return station_edge_[c] >= 0 ? x_[edges_[static_cast<std::size_t>(station_edge_[c])].q] * m0_ : nan;
}
double FlowNlp::valve_flow_kg_per_s(std::size_t v) const {
  return valve_edge_[v] >= 0 ? x_[edges_[static_cast<std::size_t>(valve_edge_[v])].q] * m0_ : nan;
}
double FlowNlp::free_injection_kg_per_s(std::size_t group) const {
  return free_of_group_[group] >= 0 ? x_[static_cast<std::size_t>(free_of_group_[group])] * m0_ : 0.0;
}
double FlowNlp::station_power_w(std::size_t c) const {
  if (station_edge_[c] < 0) return 0.0;
  if (!station_units_[c].empty()) {
    double w = 0.0;
    for (const auto i : station_units_[c]) {
      const auto& t = objective_units_[i];
      w += unit_power_jet(c, t.unit, t.a, t.b, t.c, t.d, x_.data(), false).v * megawatt;
    }
    return w;
  }
  const auto& e = edges_[static_cast<std::size_t>(station_edge_[c])];
  return power_jet(c, e.from, e.to, e.q, x_.data()).v * megawatt;
}

StartPoint FlowNlp::solution_as_start() const {
  StartPoint s;
  s.pressure_pa.resize(net_.nodes.size());
  for (std::size_t i = 0; i < net_.nodes.size(); ++i) s.pressure_pa[i] = pressure_pa(i);
  s.pipe_flow_kg_per_s.resize(net_.pipes.size());
  for (std::size_t k = 0; k < net_.pipes.size(); ++k) s.pipe_flow_kg_per_s[k] = pipe_flow_kg_per_s(k);
  s.station_flow_kg_per_s.resize(net_.compressors.size());
  for (std::size_t c = 0; c < net_.compressors.size(); ++c) s.station_flow_kg_per_s[c] = station_flow_kg_per_s(c);
  s.valve_flow_kg_per_s.resize(net_.valves.size());
  for (std::size_t v = 0; v < net_.valves.size(); ++v) s.valve_flow_kg_per_s[v] = valve_flow_kg_per_s(v);
  s.scale = scale();
  return s;
}

std::vector<BindingConstraint> FlowNlp::binding() const {
  std::vector<BindingConstraint> out;
  if (x_.empty() || elastic_) return out;
  const char* unit = options_.objective == Objective::compressor_power ? "MW"
                     : options_.objective == Objective::fuel           ? "kg/s"
                                                                       : "x nominal";
  auto text = [&](const char* per) { return std::string(unit) + " per " + per; };
  constexpr double threshold = 1e-9;
  const double per_bar = pa_per_bar / p0_;
  for (std::size_t g = 0; g < groups_; ++g) {
    const bool fixed = x_lo_[g] == x_hi_[g];
    if (z_lo_[g] * per_bar > threshold && !fixed)
      out.push_back({node_label(net_, group_lo_node_[g]), "pressure_min", x_lo_[g] * p0_, z_lo_[g] * per_bar, text("bar")});
    if (z_hi_[g] * per_bar > threshold && !fixed)
      out.push_back({node_label(net_, group_hi_node_[g]), "pressure_max", x_hi_[g] * p0_, z_hi_[g] * per_bar, text("bar")});
  }
  for (const auto& e : edges_) {
    if (e.kind == Edge::pipe) continue;
    const std::string label = e.kind == Edge::station ? station_label(net_, e.element) : valve_label(net_, e.element);
    const auto q = static_cast<std::size_t>(e.q);
    if (z_hi_[q] / m0_ > threshold && x_hi_[q] < infinity)
      out.push_back({label, "flow_max", x_hi_[q] * m0_, z_hi_[q] / m0_, text("kg/s")});
    if (z_lo_[q] / m0_ > threshold && x_lo_[q] > -infinity)
      out.push_back({label, "flow_min", x_lo_[q] * m0_, z_lo_[q] / m0_, text("kg/s")});
  }
  if (sigma_ >= 0 && z_hi_[static_cast<std::size_t>(sigma_)] > threshold)
    out.push_back({"study", "scale_max", options_.scale_max, z_hi_[static_cast<std::size_t>(sigma_)], "x nominal per x nominal"});
  for (std::size_t j = 0; j < rows_.size(); ++j) {
    const auto& r = rows_[j];
    const double l = std::abs(lambda_[j]);
    switch (r.kind) {
      case RowKind::ratio_max:
      case RowKind::ratio_min:
        if (l * x_[r.a] > threshold) out.push_back({r.element, r.limit, r.coefficient, l * x_[r.a], text("unit of ratio")});
        break;
      case RowKind::power_max:
        if (l > threshold) out.push_back({r.element, r.limit, r.hi * megawatt, l, text("MW")});
        break;
      case RowKind::pressure_in_min:
      case RowKind::pressure_out_max:
      case RowKind::drop:
        if (l * per_bar > threshold) {
          const bool at_lo = lambda_[j] < 0.0;
          const double bound = (at_lo ? r.lo : r.hi) * p0_;
          std::string limit = r.limit;
          if (r.kind == RowKind::drop) limit = at_lo ? "pressure_drop_min" : "pressure_drop_max";
          out.push_back({r.element, limit, bound, l * per_bar, text("bar")});
        }
        break;
      default: break;
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const BindingConstraint& a, const BindingConstraint& b) { return a.shadow_price > b.shadow_price; });
  return out;
}

std::vector<UnmetBound> FlowNlp::unmet() const {
  std::vector<UnmetBound> out;
  if (!elastic_ || x_.empty()) return out;
  for (std::size_t j = 0; j < rows_.size(); ++j) {
    const auto& r = rows_[j];
    const double lo_viol = r.slack_lo >= 0 ? x_[static_cast<std::size_t>(r.slack_lo)] : 0.0;
    const double hi_viol = r.slack_hi >= 0 ? x_[static_cast<std::size_t>(r.slack_hi)] : 0.0;
    double value = (g_[j] - lo_viol + hi_viol) * r.unit_per_scaled;  // the row without its violation variables
    double lo = r.lo * r.unit_per_scaled, hi = r.hi * r.unit_per_scaled;
    if (r.kind == RowKind::ratio_max || r.kind == RowKind::ratio_min) {  // as ratios
      value = x_[static_cast<std::size_t>(r.b)] / x_[static_cast<std::size_t>(r.a)];
      lo = hi = r.coefficient;
    }
    std::string limit = r.limit;
    if (lo_viol > 1e-7) {
      if (r.kind == RowKind::drop) limit = "pressure_drop_min";
      out.push_back({r.element, limit, value, lo});
    }
    if (hi_viol > 1e-7) {
      if (r.kind == RowKind::drop) limit = "pressure_drop_max";
      out.push_back({r.element, limit, value, hi});
    }
  }
  std::stable_sort(out.begin(), out.end(), [](const UnmetBound& a, const UnmetBound& b) {
    return std::abs(a.value - a.bound) / std::max(std::abs(a.bound), 1e-30) >
           std::abs(b.value - b.bound) / std::max(std::abs(b.bound), 1e-30);
  });
  return out;
}

}  // namespace corridor::gas::detail
