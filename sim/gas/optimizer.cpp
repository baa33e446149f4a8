#include "sim/gas/optimizer.hpp"

#include <IpIpoptApplication.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <mutex>
#include <sstream>

#include "geo/error.hpp"
#include "sim/gas/flow_nlp.hpp"

namespace corridor::gas {

using detail::ControlStates;
using detail::FlowNlp;
using detail::StartPoint;

std::string_view to_string(Objective objective) {
  switch (objective) {
    case Objective::compressor_power: return "compressor_power";
    case Objective::fuel: return "fuel";
    case Objective::max_delivery: return "max_delivery";
  }
  return "?";
}

std::string_view to_string(ControlState state) {
  switch (state) {
    case ControlState::closed: return "closed";
    case ControlState::bypass: return "bypass";
    case ControlState::active: return "active";
  }
  return "?";
}

namespace {

std::string number_text(double x, int precision = 4) {
  std::ostringstream s;
  s.precision(precision);
  s << x;
  return s.str();
}

bool pressure_limit(const std::string& limit) {
  return limit.find("pressure") != std::string::npos;
}

/// Ipopt 3.11 with the sequential MUMPS of Debian is not safe to run on several threads at once
/// (batch studies run scenarios in parallel): its calls are taken one at a time.
std::mutex& ipopt_mutex() {
  static std::mutex m;
  return m;
}

/// What may change: per compressor and per valve, the states the optimiser may choose from; a station
/// with machine data is active in one of its configurations (station_configuration, -1 elsewhere).
struct Choices {
  std::vector<std::vector<ControlState>> station, valve;
  std::vector<std::vector<int>> station_configuration;  ///< parallel to station
  std::size_t count = 0;  ///< elements with more than one state
};

/// A station the optimiser runs on its machines (optimisable, with .cs data).
bool on_machines(const Compressor& c) { return c.in_service && c.optimise && c.machines && !c.machines->configurations.empty(); }

Choices choices_of(const GasNetwork& net) {
  Choices c;
  using S = ControlState;
  for (const auto& cs : net.compressors) {
    std::vector<int> conf;
    if (!cs.in_service) c.station.push_back({S::closed});
    else if (!cs.optimise) c.station.push_back({cs.mode == CompressorMode::bypass ? S::bypass : S::active});
    else if (on_machines(cs)) {
      std::vector<S> states;
      for (std::size_t k = 0; k < cs.machines->configurations.size(); ++k) states.push_back(S::active), conf.push_back(static_cast<int>(k));
      states.push_back(S::bypass), states.push_back(S::closed);
      c.station.push_back(states);
    } else c.station.push_back({S::active, S::bypass, S::closed});
    conf.resize(c.station.back().size(), -1);
    c.station_configuration.push_back(conf);
  }
  for (const auto& v : net.valves) {
    if (!v.open) c.valve.push_back({S::closed});
    else if (v.kind == ValveKind::loss_resistor) c.valve.push_back({S::active});
    else if (v.kind == ValveKind::short_pipe) c.valve.push_back({S::bypass});
    else if (!v.optimise) c.valve.push_back({v.control == ValveControl::none ? S::bypass : S::active});
    else if (v.kind == ValveKind::control_valve) c.valve.push_back({S::active, S::bypass, S::closed});
    else c.valve.push_back({S::bypass, S::closed});
  }
  for (const auto& s : c.station) c.count += s.size() > 1;
  for (const auto& s : c.valve) c.count += s.size() > 1;
  return c;
}

/// One combination tried: its hard solve (feasible) or its least violation.
struct Candidate {
  ControlStates states;
  Ipopt::SmartPtr<FlowNlp> nlp;  ///< the hard problem when feasible, else the elastic one
  bool feasible = false;
  double objective = std::numeric_limits<double>::infinity();
  double violation = std::numeric_limits<double>::infinity();
  /// Better: feasible before infeasible, then the objective, else the smaller violation.
  [[nodiscard]] bool better_than(const Candidate& o) const {
    if (IsNull(o.nlp)) return IsValid(nlp);
    if (feasible != o.feasible) return feasible;
    if (feasible) return objective < o.objective - 1e-9 * (1.0 + std::abs(o.objective));
    return violation < o.violation - 1e-9 * (1.0 + o.violation);
  }
};

class Search {
public:
  Search(const GasNetwork& net, const OptimizerOptions& options) : net_(net), options_(options) {
    // Scales, as the simulator's: p0 the largest pressure bound or set point, m0 the total supply.
    for (const auto& n : net.nodes) {
      if (n.pressure_max_pa) p0_ = std::max(p0_, *n.pressure_max_pa);
      if (n.pressure_set_pa) p0_ = std::max(p0_, *n.pressure_set_pa);
    }
    if (p0_ <= 0.0) p0_ = 100.0 * pa_per_bar;
    double supply = 0.0, offtake = 0.0;
    for (const auto& n : net.nodes) (n.injection_kg_per_s > 0 ? supply : offtake) += std::abs(n.injection_kg_per_s);
    m0_ = std::max({supply, offtake, 1e-6});
    app_ = new Ipopt::IpoptApplication(false);  // no console output: the library prints nothing
    auto o = app_->Options();
    o->SetIntegerValue("print_level", 0);
    o->SetStringValue("sb", "yes");
    o->SetNumericValue("tol", options.tolerance);
    o->SetNumericValue("constr_viol_tol", options.tolerance);
    o->SetNumericValue("acceptable_tol", 1e-7);
    o->SetNumericValue("acceptable_constr_viol_tol", 1e-8);
    o->SetIntegerValue("max_iter", 400);
    o->SetStringValue("mu_strategy", "adaptive");
    o->SetStringValue("mu_oracle", "probing");  // Mehrotra probing: one backsolve per update (GasLib-4197 size: 59 instead of 103 iterations)
    // No relaxation of the bounds (Ipopt's default 1e-8): a station at its ratio limit must not exceed it.
    o->SetNumericValue("bound_relax_factor", 0.0);
    // The start (the simulator's state) is close to a solution: push it only 1e-4 into the interior
    // (default 1e-2). GasLib-4197 size: 43 instead of 169 iterations; GasLib-134: 20.8 instead of 18.6.
    o->SetNumericValue("bound_push", 1e-4);
    o->SetNumericValue("bound_frac", 1e-4);
    o->SetStringValue("linear_solver", "mumps");
    // MUMPS without its matching-based permutation and scaling: on network KKT systems they cost more
    // per factorisation than they save (GasLib-4197 size: 3 s instead of 11 s, bench_gas).
    o->SetIntegerValue("mumps_permuting_scaling", 0);
    o->SetIntegerValue("mumps_scaling", 0);
    // A fixed ordering (approximate minimum fill): MUMPS's automatic choice may pick SCOTCH, whose
    // randomised ordering changes the iterates from run to run (same inputs, same bytes).
    o->SetIntegerValue("mumps_pivot_order", 2);
    app_->Initialize(std::string());  // no options file: the same inputs give the same result anywhere
  }

  [[nodiscard]] double p0() const { return p0_; }
  [[nodiscard]] double m0() const { return m0_; }
  [[nodiscard]] int solves() const { return solves_; }
  [[nodiscard]] int iterations() const { return iterations_; }

  Ipopt::SmartPtr<FlowNlp> run(const ControlStates& states, bool elastic, const StartPoint& start) {
    Ipopt::SmartPtr<FlowNlp> nlp = new FlowNlp(net_, options_, states, elastic, start, p0_, m0_);
    if (nlp->unbalanced() || (!elastic && nlp->empty_bounds())) return nlp;
    ++solves_;
    {
      std::lock_guard<std::mutex> lock(ipopt_mutex());
      app_->OptimizeTNLP(Ipopt::SmartPtr<Ipopt::TNLP>(GetRawPtr(nlp)));
    }
    iterations_ += nlp->iterations();
    return nlp;
  }

  enum class Try { hard, hard_then_least_violation, least_violation };
  /// The hard problem; when it fails (or is not tried), the least violation.
  Candidate evaluate(const ControlStates& states, const StartPoint& start, Try what = Try::hard_then_least_violation) {
    Candidate c;
    c.states = states;
    auto hard = what == Try::least_violation ? Ipopt::SmartPtr<FlowNlp>() : run(states, false, start);
    if (IsValid(hard) && hard->solved()) {
      c.nlp = hard;
      c.feasible = true;
      c.objective = hard->objective_value();
      c.violation = 0.0;
      return c;
    }
    if (what == Try::hard || solves_ >= options_.max_nlp_solves + 8) return c;
    auto soft = run(states, true, start);
    if (soft->solved()) {
      c.nlp = soft;
      c.violation = soft->violation();
      // A least violation of zero means the hard solve failed numerically: try it from there.
      if (c.violation < 1e-8) {
        auto again = run(states, false, soft->solution_as_start());
        if (again->solved()) {
          c.nlp = again;
          c.feasible = true;
          c.objective = again->objective_value();
          c.violation = 0.0;
        }
      }
    }
    return c;
  }

private:
  const GasNetwork& net_;
  const OptimizerOptions& options_;
  double p0_ = 0.0, m0_ = 1.0;
  Ipopt::SmartPtr<Ipopt::IpoptApplication> app_;
  int solves_ = 0, iterations_ = 0;
};

/// The simulator's solution with everything bypassed and open: the start of the first NLP.
StartPoint simulated_start(const GasNetwork& net) {
  StartPoint s;
  GasNetwork open = net;
  for (auto& c : open.compressors)
    if (c.in_service && c.optimise) c.mode = CompressorMode::bypass;
  for (auto& v : open.valves)
    if (v.optimise && v.kind == ValveKind::control_valve) v.control = ValveControl::none;
  try {
    const Solution sol = solve(open);
    s.pressure_pa = sol.pressure_pa;
    for (const auto& p : sol.pipes) s.pipe_flow_kg_per_s.push_back(p.flow_kg_per_s);
    for (const auto& c : sol.compressors) s.station_flow_kg_per_s.push_back(c.flow_kg_per_s);
    for (const auto& v : sol.valves) s.valve_flow_kg_per_s.push_back(v.flow_kg_per_s);
    s.injection_kg_per_s = sol.injection_kg_per_s;
  } catch (const std::exception&) {  // no steady state with everything open: start from bounds and no flow
  }
  return s;
}

/// The simulated start (every station bypassed, every regulator open) holds every node within its
/// pressure bounds (a slack node may sit on one: the NLP frees it within them).
bool idle_state_feasible(const GasNetwork& net, const StartPoint& start) {
  if (start.pressure_pa.size() != net.nodes.size()) return false;
  constexpr double margin = -1e-9;
  for (std::size_t i = 0; i < net.nodes.size(); ++i) {
    const double p = start.pressure_pa[i];
    const auto& n = net.nodes[i];
    if (!std::isfinite(p)) return false;
    if (n.pressure_min_pa && p < *n.pressure_min_pa * (1.0 + margin)) return false;
    if (n.pressure_max_pa && p > *n.pressure_max_pa * (1.0 - margin)) return false;
  }
  return true;
}

/// The states of the relaxation rounded (header, step 2), from its solution.
ControlStates rounded(const GasNetwork& net, const ControlStates& relaxed, const FlowNlp& nlp, double m0) {
  ControlStates s = relaxed;
  s.relaxed = false;
  for (std::size_t c = 0; c < net.compressors.size(); ++c) {
    if (s.station[c] != ControlState::active || !net.compressors[c].optimise) continue;
    const double ratio = nlp.pressure_pa(net.compressors[c].to) / nlp.pressure_pa(net.compressors[c].from);
    if (ratio < 1.0 + 1e-7) s.station[c] = ControlState::bypass;
    else if (nlp.station_flow_kg_per_s(c) < 1e-9 * m0) s.station[c] = ControlState::closed;  // no flow: holding pressure
  }
  for (std::size_t v = 0; v < net.valves.size(); ++v) {
    const auto& va = net.valves[v];
    if (s.valve[v] != ControlState::active || !va.optimise || va.kind != ValveKind::control_valve) continue;
    const double drop = nlp.pressure_pa(va.from) - nlp.pressure_pa(va.to);
    if (drop < 0.5 * va.pressure_drop_min_pa || drop < 1e-7 * nlp.pressure_pa(va.from)) s.valve[v] = ControlState::bypass;
    else if (nlp.valve_flow_kg_per_s(v) < 1e-9 * m0) s.valve[v] = ControlState::closed;
  }
  return s;
}

/// The settings of a candidate applied to the network, as the simulator takes them; and the start.
GasNetwork settle(const GasNetwork& net, const ControlStates& states, const FlowNlp& nlp,
                  const OptimizerOptions& options, Solution& start) {
  GasNetwork g = net;
  start = Solution{};
  start.pressure_pa.resize(net.nodes.size());
  for (std::size_t i = 0; i < net.nodes.size(); ++i) start.pressure_pa[i] = nlp.pressure_pa(i);
  start.compressors.resize(net.compressors.size());
  for (std::size_t c = 0; c < net.compressors.size(); ++c) {
    auto& cs = g.compressors[c];
    auto& r = start.compressors[c];
    switch (states.station[c]) {
      case ControlState::closed:
        cs.in_service = false;
        r.state = CompressorState::off;
        break;
      case ControlState::bypass:
        cs.mode = CompressorMode::bypass;
        r.state = CompressorState::bypass;
        break;
      case ControlState::active:
        if (cs.optimise) {
          cs.mode = CompressorMode::ratio;
          cs.ratio = nlp.pressure_pa(cs.to) / nlp.pressure_pa(cs.from);
        }
        r.state = CompressorState::active;
        r.flow_kg_per_s = nlp.station_flow_kg_per_s(c);
        break;
    }
  }
  start.valves.resize(net.valves.size());
  for (std::size_t v = 0; v < net.valves.size(); ++v) {
    auto& va = g.valves[v];
    const double q = nlp.valve_flow_kg_per_s(v);
    start.valves[v].flow_kg_per_s = std::isfinite(q) ? q : 0.0;
    if (va.kind == ValveKind::loss_resistor || !va.optimise) continue;
    va.open = states.valve[v] != ControlState::closed;
    va.control = ValveControl::none;
    if (states.valve[v] == ControlState::active) {
      va.control = ValveControl::outlet_pressure;
      va.setpoint_pa = nlp.pressure_pa(va.to);
    }
  }
  start.pipes.resize(net.pipes.size());
  for (std::size_t k = 0; k < net.pipes.size(); ++k) start.pipes[k].flow_kg_per_s = nlp.pipe_flow_kg_per_s(k);
  // Injections: slack nodes at the optimised pressure; nomination ranges at the optimised flow (shared
  // in proportion to each node's range within its group); the scaled nodes times the scale.
  std::vector<double> range_sum(net.nodes.size(), 0.0), range_lo(net.nodes.size(), 0.0);
  std::vector<bool> group_has_slack(net.nodes.size(), false);
  for (std::size_t i = 0; i < net.nodes.size(); ++i)
    if (net.nodes[i].pressure_set_pa) group_has_slack[nlp.group_of(i)] = true;
  std::vector<bool> scaled(net.nodes.size(), false);
  if (options.objective == Objective::max_delivery) {
    if (options.scaled_nodes.empty()) {
      for (std::size_t i = 0; i < net.nodes.size(); ++i)
        scaled[i] = !net.nodes[i].pressure_set_pa && net.nodes[i].injection_kg_per_s < 0.0;
    } else {
      for (auto i : options.scaled_nodes) scaled[i] = !net.nodes[i].pressure_set_pa;
    }
  }
  for (std::size_t i = 0; i < net.nodes.size(); ++i) {
    const auto& n = net.nodes[i];
    if (n.pressure_set_pa || scaled[i] || !n.injection_min_kg_per_s || !n.injection_max_kg_per_s) continue;
    range_sum[nlp.group_of(i)] += *n.injection_max_kg_per_s - *n.injection_min_kg_per_s;
    range_lo[nlp.group_of(i)] += *n.injection_min_kg_per_s;
  }
  for (std::size_t i = 0; i < net.nodes.size(); ++i) {
    auto& n = g.nodes[i];
    const auto grp = nlp.group_of(i);
    if (n.pressure_set_pa && nlp.takes_balance(i)) {
      n.pressure_set_pa = nlp.pressure_pa(i);
    } else if (n.pressure_set_pa) {
      n.pressure_set_pa.reset();  // keeps its nominated flow, as in the optimiser: one slack per part
    } else if (scaled[i]) {
      n.injection_kg_per_s *= nlp.scale();
    } else if (n.injection_min_kg_per_s && n.injection_max_kg_per_s && !group_has_slack[grp]) {
      const double t = range_sum[grp] > 0.0 ? (nlp.free_injection_kg_per_s(grp) - range_lo[grp]) / range_sum[grp] : 0.0;
      n.injection_kg_per_s = *n.injection_min_kg_per_s + std::clamp(t, 0.0, 1.0) * (*n.injection_max_kg_per_s - *n.injection_min_kg_per_s);
    }
  }
  // A regulator holding its outlet leaves the part upstream of it without a pressure level when no
  // slack node is there: it then holds its pressure drop instead (the same state, another set point).
  for (std::size_t guard = 0; guard <= g.valves.size(); ++guard) {
    const auto floating = nodes_without_pressure_reference(g);
    bool changed = false;
    for (std::size_t v = 0; v < g.valves.size(); ++v) {
      auto& va = g.valves[v];
      if (va.open && va.control == ValveControl::outlet_pressure && va.optimise && floating[va.from]) {
        va.control = ValveControl::pressure_drop;
        va.setpoint_pa = nlp.pressure_pa(va.from) - nlp.pressure_pa(va.to);
        changed = true;
      }
    }
    if (!changed) break;
  }
  return g;
}

}  // namespace

std::string UnmetBound::describe() const {
  const bool pressure = pressure_limit(limit);
  auto show = [&](double x) {
    if (pressure) return number_text(bar_from_pa(x), 5) + " bar";
    if (limit == "power_max") return number_text(x / 1e6, 5) + " MW";
    if (limit.rfind("flow", 0) == 0) return number_text(x, 5) + " kg/s";
    return number_text(x, 5);
  };
  return element + ": " + limit + " " + show(bound) + " cannot be met (least violation: " + show(value) + ")";
}

OptimizationResult optimise(const GasNetwork& net, const OptimizerOptions& options) {
  net.validate();
  OptimizationResult out;
  out.objective = options.objective;
  const Choices choices = choices_of(net);
  Search search(net, options);

  const StartPoint start = simulated_start(net);
  // The relaxation: stations and regulators active (forward flow), valves open; an element whose
  // flow runs backwards with everything open starts in its bypass instead (the relaxation cannot
  // carry reverse flow through an active element).
  ControlStates relaxed;
  relaxed.relaxed = true;
  for (std::size_t c = 0; c < choices.station.size(); ++c) {
    const bool backwards = c < start.station_flow_kg_per_s.size() && start.station_flow_kg_per_s[c] < 0.0;
    const auto& options_c = choices.station[c];
    relaxed.station.push_back(backwards && options_c.size() > 1 ? ControlState::bypass : options_c.front());
  }
  for (std::size_t v = 0; v < choices.valve.size(); ++v) {
    const bool backwards = v < start.valve_flow_kg_per_s.size() && start.valve_flow_kg_per_s[v] < 0.0;
    const auto& options_v = choices.valve[v];
    relaxed.valve.push_back(backwards && options_v.size() > 2 ? ControlState::bypass : options_v.front());
  }

  // Step 0: no station needs to run. With every station bypassed (or closed), control valves bypassed and
  // valves open, no station is active and the power or fuel is 0, the least any combination can
  // have; when the simulator's state in those states (the start) meets every node pressure bound, the
  // exact problem of those states is solved alone and is optimal (docs/gas.md "Optimiser").
  Candidate best;
  if (options.idle_first && options.objective != Objective::max_delivery && idle_state_feasible(net, start)) {
    ControlStates idle;
    bool no_station_runs = true;
    for (const auto& c : choices.station) {
      const bool can_bypass = std::find(c.begin(), c.end(), ControlState::bypass) != c.end();
      idle.station.push_back(can_bypass ? ControlState::bypass : c.front());
      no_station_runs = no_station_runs && idle.station.back() != ControlState::active;
    }
    for (const auto& v : choices.valve) {
      const bool can_bypass = std::find(v.begin(), v.end(), ControlState::bypass) != v.end();
      idle.valve.push_back(can_bypass ? ControlState::bypass : v.front());
    }
    if (no_station_runs) best = search.evaluate(idle, start, Search::Try::hard);
  }

  // Steps 1 and 2: relaxation and rounding.
  Candidate first = best.feasible ? Candidate{} : search.evaluate(relaxed, start);
  const StartPoint warm = IsValid(first.nlp) ? first.nlp->solution_as_start() : start;
  if (first.feasible) {
    ControlStates exact = rounded(net, relaxed, *first.nlp, search.m0());
    // Stations on their machines run in their first configuration, then each station in turn tries its
    // others, keeping the best (a coordinate search over configurations, docs/gas.md "Optimiser").
    exact.configuration.assign(net.compressors.size(), -1);
    for (std::size_t c = 0; c < net.compressors.size(); ++c)
      if (exact.station[c] == ControlState::active && on_machines(net.compressors[c])) exact.configuration[c] = 0;
    best = search.evaluate(exact, warm);
    for (std::size_t c = 0; c < net.compressors.size(); ++c) {
      if (exact.configuration[c] < 0) continue;
      const ControlStates base = best.feasible ? best.states : exact;
      for (std::size_t k = 0; k < net.compressors[c].machines->configurations.size(); ++k) {
        ControlStates other = base;
        if (other.configuration[c] == static_cast<int>(k)) continue;
        other.configuration[c] = static_cast<int>(k);
        Candidate alt = search.evaluate(other, warm);
        if (alt.better_than(best)) best = alt;
      }
      if (best.feasible) exact = best.states;
    }
    if (!best.feasible) {  // the other rounding of the regulators below their minimum drop
      ControlStates other = exact;
      for (std::size_t v = 0; v < net.valves.size(); ++v)
        if (net.valves[v].kind == ValveKind::control_valve && net.valves[v].optimise && relaxed.valve[v] == ControlState::active)
          other.valve[v] = exact.valve[v] == ControlState::active ? ControlState::bypass : ControlState::active;
      if (!(other == exact)) {
        Candidate alt = search.evaluate(other, warm);
        if (alt.better_than(best)) best = alt;
      }
    }
  }
  // Step 3: enumeration on small networks, else a search over single changes.
  if (!best.feasible) {
    if (choices.count <= static_cast<std::size_t>(options.enumerate_up_to)) {
      // Every combination: first the hard problems; only when none is feasible, their least violations.
      for (const auto what : {Search::Try::hard, Search::Try::least_violation}) {
        std::vector<std::size_t> digit(choices.station.size() + choices.valve.size(), 0);
        for (;;) {
          ControlStates s;
          for (std::size_t c = 0; c < choices.station.size(); ++c) {
            s.station.push_back(choices.station[c][digit[c]]);
            s.configuration.push_back(choices.station_configuration[c][digit[c]]);
          }
          for (std::size_t v = 0; v < choices.valve.size(); ++v)
            s.valve.push_back(choices.valve[v][digit[choices.station.size() + v]]);
          Candidate c = search.evaluate(s, warm, what);
          if (IsValid(c.nlp) && c.better_than(best)) best = c;
          std::size_t k = 0;
          for (; k < digit.size(); ++k) {
            const std::size_t size =
                k < choices.station.size() ? choices.station[k].size() : choices.valve[k - choices.station.size()].size();
            if (++digit[k] < size) break;
            digit[k] = 0;
          }
          if (k == digit.size()) break;
        }
        if (best.feasible) break;
      }
    } else {
      ControlStates current = IsValid(best.nlp) ? best.states : relaxed;
      current.relaxed = false;
      if (IsNull(best.nlp)) best = search.evaluate(current, warm);
      while (!best.feasible && search.solves() < options.max_nlp_solves) {
        Candidate round_best = best;
        for (std::size_t e = 0; e < choices.station.size() + choices.valve.size(); ++e) {
          const bool station = e < choices.station.size();
          const auto& alternatives = station ? choices.station[e] : choices.valve[e - choices.station.size()];
          for (std::size_t k = 0; k < alternatives.size(); ++k) {
            const auto alt = alternatives[k];
            ControlStates s = best.states;
            s.configuration.resize(choices.station.size(), -1);
            auto& slot = station ? s.station[e] : s.valve[e - choices.station.size()];
            const int conf = station ? choices.station_configuration[e][k] : -1;
            if (slot == alt && (!station || s.configuration[e] == conf)) continue;
            slot = alt;
            if (station) s.configuration[e] = conf;
            Candidate c = search.evaluate(s, IsValid(best.nlp) ? best.nlp->solution_as_start() : warm);
            if (IsValid(c.nlp) && c.better_than(round_best)) round_best = c;
            if (search.solves() >= options.max_nlp_solves) break;
          }
        }
        if (!round_best.better_than(best)) break;
        best = round_best;
      }
    }
  }
  out.nlp_solves = search.solves();
  out.ipopt_iterations = search.iterations();
  if (IsNull(best.nlp)) {
    out.message = "no steady state carries the nomination at any pressure: no combination of station and valve "
                  "states could be solved, not even with every pressure bound relaxed";
    return out;
  }
  const FlowNlp& nlp = *best.nlp;
  out.feasible = best.feasible;
  out.scale = nlp.scale();
  if (best.feasible) {
    out.binding = nlp.binding();
  } else {
    out.unmet = nlp.unmet();
    out.total_violation = nlp.violation();
    std::string what;
    for (std::size_t k = 0; k < out.unmet.size() && k < 3; ++k) what += (k ? "; " : "") + out.unmet[k].describe();
    if (out.unmet.size() > 3) what += "; and " + std::to_string(out.unmet.size() - 3) + " more";
    out.message = out.unmet.empty()
                      ? std::string("no setting of the compressors and control valves was found: the solver converged on no "
                                    "combination of states, and its least-violation point violates no bound by more than 1e-7")
                      : "no setting of the compressors and control valves meets every bound: " + what;
  }

  // The settings, re-solved by the simulator.
  Solution initial;
  out.settled = settle(net, best.states, nlp, options, initial);
  try {
    try {
      out.solution = solve(out.settled, options.simulator, &initial);
    } catch (const SolverError&) {
      out.solution = solve(out.settled, options.simulator);
    }
  } catch (const std::exception& e) {
    out.feasible = false;
    out.message = std::string("the simulator has no steady state with the optimal settings: ") + e.what();
    return out;
  }
  const Solution& s = out.solution;
  out.stations.resize(net.compressors.size());
  double objective = 0.0;
  for (std::size_t c = 0; c < net.compressors.size(); ++c) {
    auto& st = out.stations[c];
    st.state = best.states.station[c];
    st.ratio = s.compressors[c].ratio;
    st.outlet_pressure_pa = s.pressure_pa[net.compressors[c].to];
    const int conf = best.states.configuration_of(c);
    if (st.state == ControlState::active && conf >= 0) {
      // Power and fuel of a station on its machines are its units' (compressor_machines.hpp), not the
      // simulator's isentropic estimate.
      st.configuration = net.compressors[c].machines->configurations[static_cast<std::size_t>(conf)].id;
      st.units = nlp.unit_points(c);
      auto& sc = out.solution.compressors[c];
      sc.power_w = sc.fuel_kg_per_s = 0.0;
      for (const auto& u : st.units) sc.power_w += u.power_w, sc.fuel_kg_per_s += u.fuel_kg_per_s;
    }
    objective += options.objective == Objective::fuel ? s.compressors[c].fuel_kg_per_s : s.compressors[c].power_w;
  }
  out.objective_value = options.objective == Objective::max_delivery ? out.scale : objective;
  out.valves.resize(net.valves.size());
  for (std::size_t v = 0; v < net.valves.size(); ++v) {
    auto& vs = out.valves[v];
    vs.state = best.states.valve[v];
    vs.outlet_pressure_pa = s.pressure_pa[net.valves[v].to];
    vs.pressure_drop_pa = s.pressure_pa[net.valves[v].from] - s.pressure_pa[net.valves[v].to];
  }
  // Agreement of the two states.
  for (std::size_t i = 0; i < net.nodes.size(); ++i)
    if (std::isfinite(s.pressure_pa[i]))
      out.pressure_agreement = std::max(out.pressure_agreement, std::abs(1.0 - s.pressure_pa[i] / nlp.pressure_pa(i)));
  auto flow_gap = [&](double sim, double opt) {
    if (!std::isfinite(opt)) return;
    out.flow_agreement = std::max(out.flow_agreement, std::abs(sim - opt) / std::max(std::abs(opt), 1e-6 * search.m0()));
    out.flow_difference_kg_per_s = std::max(out.flow_difference_kg_per_s, std::abs(sim - opt));
  };
  // A pipe whose ends are joined by ideal elements (open valves, short pipes) carries in the simulator
  // the share its regularising valve resistance (solver.hpp) leaves it, in the optimiser the ideal
  // limit (none, but for heights): such pipes are not compared.
  for (std::size_t k = 0; k < net.pipes.size(); ++k)
    if (net.pipes[k].in_service && nlp.group_of(net.pipes[k].from) != nlp.group_of(net.pipes[k].to))
      flow_gap(s.pipes[k].flow_kg_per_s, nlp.pipe_flow_kg_per_s(k));
  for (std::size_t c = 0; c < net.compressors.size(); ++c)
    if (best.states.station[c] == ControlState::active) flow_gap(s.compressors[c].flow_kg_per_s, nlp.station_flow_kg_per_s(c));
  for (std::size_t v = 0; v < net.valves.size(); ++v) flow_gap(s.valves[v].flow_kg_per_s, nlp.valve_flow_kg_per_s(v));
  return out;
}

}  // namespace corridor::gas
