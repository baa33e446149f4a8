// Steady-state gas network solver: nodal Newton-Raphson on node pressures and branch mass flows.
//
// Equations (SI: p Pa absolute, mdot kg/s, lengths m, T K, R_s J/(kg K), A = pi D^2/4 m2):
//   node i, injection q_i:   sum(mdot into i) - sum(mdot out of i) + q_i = 0
//   slack node i:            p_i = p_set
//   pipe i -> j:             P(p_i) - P(p_j) + 2 R_s T Z_m rho_m^2 g (h_i - h_j)
//                               = Z_m R_s T (lambda L / D + zeta) mdot |mdot| / (A^2 E^2)
//       P(p) = p^2 and Z_m = Z(p_m) at the mean pressure p_m = 2/3 (p_i^2 + p_i p_j + p_j^2) / (p_i + p_j)
//       for the ideal, constant-Z, linear-Z and Papay laws (the general flow equation
//       p_i^2 - p_j^2 = lambda L / D Z R_s T mdot|mdot| / A^2);
//       P(p) = b1 p^2 + 2/3 b2 p^3 and Z_m = 1 for the CNGA laws (1/Z = b1 + b2 p), the exact integral
//       of rho dp, as GasSteadySim.jl;
//       rho_m = (rho(p_i) + rho(p_j)) / 2; the elevation term is first order in g dh / (Z R_s T).
//   compressor i -> j:       p_j = ratio p_i | p_j = p_set | bypass: p_i = p_j
//   open valve, short pipe:  p_i - p_j = r mdot with r negligible (1e-9 in scaled units)
//
// Unknowns are scaled (p / p0, mdot / m0; p0 the largest set pressure, m0 the total supply) and each
// row is scaled to order one, so one tolerance serves 1 bar to 1000 bar and 1 m to 1000 km. The
// Jacobian is exact (dual numbers). Each Newton step eliminates the flows of pipes and valves (every
// such flow appears in its own branch row with dG/dm != 0) and factorises the remaining system in the
// node pressures and compressor flows with Eigen's SparseLU (COLAMD ordering, analysed once); the
// full pressure-and-flow system is the fallback. Steps are damped (a pressure may lose at most 80% per
// step) and shortened by a backtracking line search on |F|; where convergence is only linear (a flow
// tending to zero in a pipe bridged by an ideal path: a double root of m|m|) a doubled step is tried
// and kept when it lowers |F|. Near zero flow the laminar term (or a regularising flow of 1e-7 m0 in
// |mdot|) keeps the Jacobian regular. From a flat start (all pressures at the largest slack pressure,
// no flow) one linear solve with the pipe laws linearised at 10% of m0 gives the first flows; a
// previous solution can be given instead (warm start).
//
// Around Newton, an outer loop switches discrete states until they are consistent: compressors on
// outlet pressure control are bypassed when the inlet is above the set point and held at ratio_max
// when the set point would need more; directed pipes with reverse flow are closed; optionally the fuel
// gas of each compressor is withdrawn at its inlet. A fixed combination of states can have no steady
// state even where the consistent one has (a station holding its set point downstream of stations at
// their ratio limit can demand more flow than the limited ones can pass): when Newton fails in that
// loop, the solve is repeated once with the laws of the stations on outlet pressure control switched
// inside Newton (semismooth Newton on p_out = max(p_in, min(p_set, ratio_max p_in)), or without the
// bypass p_out = min(p_set, ratio_max p_in)), from the warm start and then from a flat start.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "sim/gas/model.hpp"

namespace corridor::gas {

struct SolverOptions {
  int max_iterations = 100;
  double tolerance = 1e-10;  ///< on the largest scaled residual
  int max_state_changes = 30;
  bool withdraw_fuel_gas = false;   ///< take compressor fuel gas from the inlet node
  double regularisation = 1e-7;     ///< eps in |mdot|_eps = sqrt(mdot^2 + eps^2), as a fraction of m0
  bool polytropic = false;          ///< compressor power: polytropic with exponent n from the efficiency, else isentropic
  bool eliminate_flows = true;      ///< false: factorise the full pressure-and-flow Jacobian at every step
};

enum class CompressorState { active, ratio_limited, bypass, off };
std::string_view to_string(CompressorState state);

struct PipeResult {
  double flow_kg_per_s = 0.0;            ///< from -> to positive
  double velocity_m_per_s = 0.0;         ///< mean velocity at the mean pressure, signed like the flow
  double velocity_in_m_per_s = 0.0;      ///< at the from node
  double velocity_out_m_per_s = 0.0;     ///< at the to node
  double reynolds = 0.0;
  double friction_factor = 0.0;
  bool closed = false;  ///< out of service, or a directed pipe closed by reverse flow
};

struct CompressorResult {
  double flow_kg_per_s = 0.0;
  double ratio = 1.0;   ///< p_out / p_in
  double power_w = 0.0; ///< shaft power: isentropic (or polytropic) head times flow over efficiency
  double fuel_kg_per_s = 0.0;
  CompressorState state = CompressorState::active;
};

struct ValveResult {
  double flow_kg_per_s = 0.0;
};

struct Violation {
  enum class Kind { pressure_below_min, pressure_above_max, pipe_pressure_above_max, velocity_above_max,
                    ratio_above_max, power_above_max };
  Kind kind;
  std::string element;  ///< "node 'X'", "pipe 'Y'", "compressor 'Z'"
  double value = 0.0;   ///< SI
  double limit = 0.0;   ///< SI
  [[nodiscard]] std::string describe() const;
};

struct Solution {
  std::vector<double> pressure_pa;        ///< per node; NaN for nodes cut off from every slack node
  std::vector<double> injection_kg_per_s; ///< per node: given, or computed at slack nodes
  std::vector<bool> isolated;             ///< per node: in a part with no slack node and no injection
  std::vector<PipeResult> pipes;
  std::vector<CompressorResult> compressors;
  std::vector<ValveResult> valves;
  int iterations = 0;           ///< Newton iterations, summed over state changes
  int state_changes = 0;
  double residual_norm = 0.0;   ///< largest scaled residual at the end
  std::vector<Violation> violations;
};

/// Solves the steady state. Throws InputError (bad model, a part without slack node that has to be
/// supplied) or SolverError (no convergence: names the worst node and its residual).
Solution solve(const GasNetwork& network, const SolverOptions& options = {}, const Solution* initial = nullptr);

/// Checks pressure bounds, pipe MAOP, velocities and compressor limits of a solution.
std::vector<Violation> check_limits(const GasNetwork& network, const Solution& solution);

/// Compressor shaft power, W: mdot Z_in R_s T / eta * n/(n-1) * (ratio^((n-1)/n) - 1), with n = kappa
/// (isentropic) or the polytropic exponent from (n-1)/n = (kappa-1)/(kappa eta).
double compressor_power_w(const Gas& gas, double flow_kg_per_s, double p_in_pa, double ratio, double efficiency,
                          bool polytropic);

/// Nodes that no slack node can reach through elements in service (valves open).
std::vector<bool> nodes_without_slack(const GasNetwork& network);

/// Nodes (not isolated) whose pressure level nothing fixes: parts of the network, cut at the stations
/// on outlet pressure control, that hold neither a slack node nor such a station's outlet. Their
/// pressure is undetermined when all stations run (solve() reports them as an InputError).
std::vector<bool> nodes_without_pressure_reference(const GasNetwork& network);

}  // namespace corridor::gas
