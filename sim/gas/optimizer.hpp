// Optimal gas flow and nomination validation: the discrete states (closed / bypass / active) and the
// continuous set points (compressor ratio, regulator outlet pressure) of the compressor stations and
// control valves, and the states (open / closed) of valves, such that every node pressure bound and
// every element limit holds for the nominated supplies and offtakes, minimising an objective:
//   compressor_power  sum of the shaft powers of the active stations (W)
//   fuel              sum of their fuel gas, power / (driver efficiency x lower heating value) (kg/s)
//   max_delivery      the largest common multiplier of the scaled offtakes (and supplies) that the
//                     network can carry with the controls re-optimised (the capacity study)
// The result is re-solved by the Newton simulator (solver.hpp) with the chosen settings, so that the
// reported steady state is the simulator's, and the optimiser's own state agrees with it to the
// tolerances of both.
//
// Continuous problem (one per combination of discrete states), solved by Ipopt (interior point,
// exact first and second derivatives by Jet<3> automatic differentiation of the same pipe law the
// simulator uses, pipe_law.hpp). Nodes joined by ideal elements (open valves and short pipes,
// bypassed stations and regulators) are one pressure variable; their flows are the simulator's.
// Variables, scaled (pi = p / p0, q = mdot / m0):
//   pi_g   per group of nodes, in the intersection of its nodes' pressure bounds
//   q_e    per pipe, resistor, active station, active regulator and loss resistor
//   d_g    per group with a slack node (its supply is the balance) or with nomination bounds
//   sigma  max_delivery: the multiplier of the scaled injections, in [0, scale_max]
// Constraints:
//   balance      sum(q into g) - sum(q out of g) + injection_g (+ d_g) (+ sigma base_g) = 0
//   pipe         G(p_from, p_to, mdot) = 0 (pipe_law.hpp)
//   loss         p_from - p_to = dp (GasLib resistor with a fixed pressure loss)
//   station      ratio_min p_in <= p_out <= ratio_max p_in, p_in >= p_in_min, p_out <= p_out_max,
//                flow_min <= q <= flow_max (q >= 0), power(q, p_in, p_out) <= power_max
//   regulator    dp_min <= p_in - p_out <= dp_max, p_in >= p_in_min, p_out <= p_out_max, 0 <= q <= q_max
// power(q, p_in, p_out) = mdot Z(p_in) R_s T / (eta alpha) ((p_out/p_in)^alpha - 1), alpha = (kappa-1)/kappa
// (isentropic; polytropic: alpha = (kappa-1)/(kappa eta)), as compressor_power_w.
//
// Discrete states (documented in docs/gas.md, "Optimiser"): relaxation, rounding and a repair search.
//  1. Relaxation: every station and regulator the optimiser may set is active with its lower limit
//     relaxed (ratio >= ratio_min; regulator drop >= 0), which contains the bypass with forward flow;
//     valves open.
//  2. Rounding: a station at ratio 1 is bypassed; a regulator whose drop is below its minimum is
//     bypassed (drop below half the minimum) or active at its minimum, and the exact problem re-solved.
//  3. Repair: while no feasible point is known, each single change of one element's state (closed,
//     bypass, active; valves open/closed) is scored by the least violation of the pressure bounds (an
//     elastic problem: the node pressure bounds, and the inlet minimum and outlet maximum of stations
//     and regulators, may be violated at a cost of their violation in bar; ratio, power, pressure-drop
//     and flow limits stay hard), the best change is kept, and the search goes on from it, within a
//     budget of NLP solves. Networks with at most `enumerate_up_to` optimisable elements enumerate every
//     combination instead.
//  When nothing is feasible, the least-violation solution is reported with the bounds it cannot meet.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "sim/gas/solver.hpp"

namespace corridor::gas {

enum class Objective { compressor_power, fuel, max_delivery };
std::string_view to_string(Objective objective);

/// State of a station, a control valve or a valve (valves: closed or bypass = open).
enum class ControlState { closed, bypass, active };
std::string_view to_string(ControlState state);

struct OptimizerOptions {
  Objective objective = Objective::compressor_power;
  std::vector<std::size_t> scaled_nodes;  ///< max_delivery: nodes scaled together; empty: every non-slack offtake
  double scale_max = 8.0;                 ///< max_delivery: largest multiplier searched
  int max_nlp_solves = 60;                ///< budget of the discrete search
  int enumerate_up_to = 3;                ///< at most this many optimisable elements: every state combination
  double tolerance = 1e-10;               ///< Ipopt's tol and constr_viol_tol (scaled units)
  /// Step 0 (docs/gas.md): when no station need run (the idle state meets every pressure bound), solve
  /// that state alone; false always goes through the relaxation (benchmarks of the general path).
  bool idle_first = true;
  SolverOptions simulator;                ///< the re-simulation (and polytropic power)
};

/// The setting chosen for one station.
struct OptimalStation {
  ControlState state = ControlState::bypass;
  double ratio = 1.0;               ///< active: p_out / p_in
  double outlet_pressure_pa = 0.0;  ///< the resulting outlet pressure
  /// Active on its machines (Compressor::machines): the configuration (confId) and each running unit's
  /// operating point (speed, flow, head, efficiency, power, fuel) at the optimum.
  std::string configuration;
  std::vector<UnitOperatingPoint> units;
};

/// The setting chosen for one valve or control valve (short pipes: always bypass = open).
struct OptimalValve {
  ControlState state = ControlState::bypass;
  double outlet_pressure_pa = 0.0;  ///< control valve, active: its set point
  double pressure_drop_pa = 0.0;    ///< active: p_in - p_out
};

/// A constraint that holds with equality at the optimum, with its shadow price: the change of the
/// objective per unit of relaxation of the limit (per bar, per unit of ratio, per MW, per kg/s),
/// in the objective's unit (MW for compressor_power, kg/s for fuel, multiplier of the nomination for
/// max_delivery; positive = relaxing the limit improves the objective).
struct BindingConstraint {
  std::string element;     ///< "node 'X'", "compressor 'Y'", "valve 'Z'"
  std::string limit;       ///< "pressure_min", "pressure_max", "ratio_max", "ratio_min", "power_max", "flow_max",
                           ///< "flow_min", "pressure_in_min", "pressure_out_max", "pressure_drop_min", "pressure_drop_max"
  double value = 0.0;      ///< the limit, SI (Pa, ratio, W, kg/s)
  double shadow_price = 0.0;
  std::string unit;        ///< of the shadow price, e.g. "MW per bar"
};

/// A bound the least-violation solution cannot meet.
struct UnmetBound {
  std::string element;
  std::string limit;        ///< as in BindingConstraint
  double value = 0.0;       ///< reached, SI
  double bound = 0.0;       ///< SI
  [[nodiscard]] std::string describe() const;
};

struct OptimizationResult {
  bool feasible = false;
  Objective objective = Objective::compressor_power;
  double objective_value = 0.0;     ///< W (power), kg/s (fuel) or the multiplier (max_delivery)
  double scale = 1.0;               ///< multiplier of the scaled injections (1 unless max_delivery)
  std::vector<OptimalStation> stations;  ///< per compressor
  std::vector<OptimalValve> valves;      ///< per valve
  GasNetwork settled;                ///< the network with the settings applied, as the simulator solved it
  Solution solution;                 ///< the simulator's steady state with those settings
  std::vector<BindingConstraint> binding;  ///< sorted by |shadow price|, largest first
  std::vector<UnmetBound> unmet;     ///< infeasible: what the least-violation solution violates, worst first
  double total_violation = 0.0;      ///< infeasible: sum of the violations (bar for pressures)
  /// Agreement of the optimiser's state with the re-simulation: largest |1 - p_sim/p_opt| over nodes
  /// and |mdot_sim - mdot_opt| / max(|mdot_opt|, m0 1e-6) over pipes and active elements (m0 the total
  /// supply; pipes whose two ends are joined by open valves or short pipes are not compared: their
  /// flow is set by the simulator's regularising valve resistance).
  double pressure_agreement = 0.0, flow_agreement = 0.0;
  /// The largest |mdot_sim - mdot_opt| over the same elements, kg/s. Where pipes form a loop closed by
  /// ideal elements, the simulator's regularising valve resistance leaves a small flow in it that the
  /// ideal optimiser does not have: this absolute figure says how small.
  double flow_difference_kg_per_s = 0.0;
  int nlp_solves = 0;
  int ipopt_iterations = 0;
  std::string message;  ///< infeasible, or a combination that has no steady state: why, in one line
};

/// Chooses the settings (header). Throws InputError for a bad model; never SolverError: an
/// infeasible nomination is a result (feasible = false).
OptimizationResult optimise(const GasNetwork& network, const OptimizerOptions& options = {});

}  // namespace corridor::gas
