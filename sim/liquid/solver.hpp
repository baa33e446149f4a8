// Steady incompressible flow in a liquid pipeline network: Newton-Raphson on node pressures and
// branch mass flows.
//
// Equations (SI; p Pa gauge, mdot kg/s, Q = mdot / rho m3/s, A = pi D^2 / 4 m2, g = 9.81 m/s2):
//   node i, injection q_i:  sum(mdot into i) - sum(mdot out of i) + q_i = 0
//   slack node i:           p_i = p_set
//   pipe i -> j:            p_i - p_j + rho g (h_i - h_j) = (lambda(Re) L / D + zeta) mdot |mdot| / (2 rho A^2)
//                           (Darcy-Weisbach; lambda from the gas solver's friction laws, friction.hpp, with
//                           Re = |mdot| D / (mu A) and mu the oil's viscosity at the pipe's temperature)
//   pump station i -> j:    running:    p_j - p_i = lift(Q)   (model.hpp: the curve, units in series and
//                                                              parallel, affinity laws for the speed)
//                           throttled:  p_j = discharge_max   (the discharge control valve takes the excess lift)
//                           bypass:     p_j = p_i;  off / check valve closed: mdot = 0
//   valve:                  open: p_i - p_j = r mdot with r negligible; closed: mdot = 0
// The hydraulic gradient between two nodes is linear along a pipe, so a pipe's highest pressure is at
// one of its ends: MAOP is checked there (split a pipe at a ridge to check the ridge).
//
// Unknowns and rows are scaled (p by p0, the largest set pressure or pump lift; mdot by m0, half the
// total injection), so one tolerance serves every network. The Jacobian is exact (dual numbers through
// the friction law, the curve's derivative for pumps) and factorised with Eigen's SparseLU. Steps are
// shortened by backtracking on the largest scaled residual. From a flat start one linear solve with
// each pipe law linearised at 10% of m0 gives the first flows. Around Newton an outer loop switches the
// pump stations' states until they are consistent: a running station whose discharge would exceed its
// maximum is throttled, a throttled one that can no longer reach it runs on its curve, one with reverse
// flow is closed by its check valve, and a closed one whose downstream pressure falls below its shut-off
// lift starts again.
#pragma once

#include <string>
#include <vector>

#include "sim/liquid/model.hpp"

namespace corridor::liquid {

struct SolverOptions {
  int max_iterations = 100;
  double tolerance = 1e-11;   ///< on the largest scaled residual
  int max_state_changes = 40;
  double regularisation = 1e-9;  ///< eps in |mdot|_eps = sqrt(mdot^2 + eps^2), as a fraction of m0
};

struct PipeResult {
  double flow_kg_per_s = 0.0;     ///< from -> to positive
  double flow_m3_per_s = 0.0;
  double velocity_m_per_s = 0.0;  ///< mean velocity, signed like the flow
  double reynolds = 0.0;
  double friction_factor = 0.0;
  double friction_loss_pa = 0.0;  ///< signed like the flow
  bool closed = false;
};

struct PumpResult {
  double flow_kg_per_s = 0.0;
  double flow_m3_per_h = 0.0;
  double lift_pa = 0.0;         ///< p_out - p_in
  double curve_lift_pa = 0.0;   ///< what the running units give at this flow (throttled: more than lift_pa)
  double throttle_loss_pa = 0.0;  ///< curve_lift_pa - lift_pa when throttled
  double power_w = 0.0;         ///< electric: Q curve_lift / efficiency (running or throttled)
  PumpState state = PumpState::running;
};

struct ValveResult {
  double flow_kg_per_s = 0.0;
};

struct Violation {
  enum class Kind { pressure_below_min, pressure_above_max, pipe_pressure_above_max, velocity_above_max,
                    pump_flow_beyond_curve };
  Kind kind;
  std::string element;  ///< "node 'X'", "pipe 'Y'", "pump station 'Z'"
  double value = 0.0;   ///< SI
  double limit = 0.0;   ///< SI
  [[nodiscard]] std::string describe() const;
};
std::string_view to_string(Violation::Kind kind);

struct Solution {
  std::vector<double> pressure_pa;         ///< per node, gauge; NaN for isolated nodes
  std::vector<double> injection_kg_per_s;  ///< per node: given, or computed at slack nodes
  std::vector<bool> isolated;
  std::vector<PipeResult> pipes;
  std::vector<PumpResult> pumps;
  std::vector<ValveResult> valves;
  int iterations = 0;
  int state_changes = 0;
  double residual_norm = 0.0;
  std::vector<Violation> violations;
};

/// Solves the steady state. Throws InputError (bad model; an injection in a part without a slack node)
/// or SolverError (no convergence: names the worst row).
Solution solve(const LiquidNetwork& network, const SolverOptions& options = {});

std::vector<Violation> check_limits(const LiquidNetwork& network, const Solution& solution);

}  // namespace corridor::liquid
