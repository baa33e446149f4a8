#include "sim/liquid/solver.hpp"

#include <Eigen/Sparse>
#include <Eigen/SparseLU>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numbers>

#include "geo/error.hpp"
#include "sim/gas/dual.hpp"
#include "sim/liquid/units.hpp"

namespace corridor::liquid {

namespace {

using D1 = gas::Dual<1>;

double area(double d) { return std::numbers::pi * d * d / 4.0; }

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

/// The problem in solver form: branches are pipes, then pumps, then valves.
struct System {
  System(const LiquidNetwork& n, const SolverOptions& o) : net(n), opt(o) {}
  const LiquidNetwork& net;
  const SolverOptions& opt;
  std::size_t nn = 0, np = 0, nq = 0, nv = 0;
  double p0 = 1e5, m0 = 1.0, rho = 1000.0;
  std::vector<double> mu;             ///< per pipe
  std::vector<double> colebrook;      ///< per pipe: Colebrook start values
  std::vector<PumpState> state;       ///< per pump
  std::vector<bool> isolated;

  [[nodiscard]] std::size_t branches() const { return np + nq + nv; }
  [[nodiscard]] std::size_t size() const { return nn + branches(); }

  std::pair<std::size_t, std::size_t> ends(std::size_t b) const {
    if (b < np) return {net.pipes[b].from, net.pipes[b].to};
    if (b < np + nq) return {net.pumps[b - np].from, net.pumps[b - np].to};
    return {net.valves[b - np - nq].from, net.valves[b - np - nq].to};
  }
  bool branch_closed(std::size_t b) const {
    if (b < np) return !net.pipes[b].in_service;
    if (b < np + nq) {
      const auto s = state[b - np];
      return s == PumpState::off || s == PumpState::check;
    }
    return !net.valves[b - np - nq].open;
  }

  /// Friction loss of pipe b at flow m, Pa, with its derivative.
  D1 pipe_loss(std::size_t b, const D1& m) {
    const auto& p = net.pipes[b];
    const double a = area(p.diameter_m);
    const double eps = opt.regularisation * m0;
    const D1 phi = gas::friction_flux(net.friction, m, p.diameter_m, p.roughness_m, a, mu[b], p.friction_factor.value_or(0.0),
                                      eps, &colebrook[b]);
    const D1 local = p.loss_coefficient > 0.0 ? D1(p.loss_coefficient) * m * gas::sqrt(m * m + D1(eps * eps)) : D1(0.0);
    return (D1(p.length_m / p.diameter_m) * phi + local) / D1(2.0 * rho * a * a);
  }

  /// Residuals F (scaled) and, when `jac`, the Jacobian in scaled unknowns. `linear`: pipes linearised at
  /// 10% of m0 and pumps at their shut-off lift (the first solve from a flat start).
  void evaluate(const Eigen::VectorXd& x, Eigen::VectorXd& f, std::vector<Eigen::Triplet<double>>* jac, bool linear) {
    f.setZero(static_cast<Eigen::Index>(size()));
    if (jac) jac->clear();
    auto add = [&](std::size_t r, std::size_t c, double v) {
      if (jac && v != 0.0) jac->emplace_back(static_cast<int>(r), static_cast<int>(c), v);
    };
    auto P = [&](std::size_t i) { return x[static_cast<Eigen::Index>(i)] * p0; };
    auto M = [&](std::size_t b) { return x[static_cast<Eigen::Index>(nn + b)] * m0; };
    // Node rows.
    for (std::size_t i = 0; i < nn; ++i) {
      const auto& n = net.nodes[i];
      if (isolated[i]) {
        f[static_cast<Eigen::Index>(i)] = x[static_cast<Eigen::Index>(i)];
        add(i, i, 1.0);
      } else if (n.pressure_set_pa) {
        f[static_cast<Eigen::Index>(i)] = (P(i) - *n.pressure_set_pa) / p0;
        add(i, i, 1.0);
      } else {
        f[static_cast<Eigen::Index>(i)] += n.injection_kg_per_s / m0;
      }
    }
    for (std::size_t b = 0; b < branches(); ++b) {
      const auto [i, j] = ends(b);
      const double m = M(b);
      if (!isolated[i] && !net.nodes[i].pressure_set_pa) {
        f[static_cast<Eigen::Index>(i)] -= m / m0;
        add(i, nn + b, -1.0);
      }
      if (!isolated[j] && !net.nodes[j].pressure_set_pa) {
        f[static_cast<Eigen::Index>(j)] += m / m0;
        add(j, nn + b, 1.0);
      }
    }
    // Branch rows.
    for (std::size_t b = 0; b < branches(); ++b) {
      const std::size_t r = nn + b;
      const auto [i, j] = ends(b);
      auto& fr = f[static_cast<Eigen::Index>(r)];
      if (branch_closed(b) || (isolated[i] && isolated[j])) {
        fr = M(b) / m0;
        add(r, r, 1.0);
        continue;
      }
      if (b < np) {
        const double dh = net.nodes[i].height_m - net.nodes[j].height_m;
        double loss = 0.0, dloss = 0.0;
        if (linear) {
          const double mref = 0.1 * m0;
          const double k = pipe_loss(b, D1(mref)).v / mref;
          loss = k * M(b);
          dloss = k;
        } else {
          const auto l = pipe_loss(b, D1::variable(M(b), 0));
          loss = l.v;
          dloss = l.d[0];
        }
        fr = (P(i) - P(j) + rho * gravity_m_per_s2 * dh - loss) / p0;
        add(r, i, 1.0);
        add(r, j, -1.0);
        add(r, r, -dloss * m0 / p0);
      } else if (b < np + nq) {
        const auto& s = net.pumps[b - np];
        const auto st = state[b - np];
        if (st == PumpState::throttled) {
          fr = (P(j) - *s.discharge_max_pa) / p0;
          add(r, j, 1.0);
        } else if (st == PumpState::bypass) {
          fr = (P(j) - P(i)) / p0 - 1e-9 * M(b) / m0;
          add(r, j, 1.0);
          add(r, i, -1.0);
          add(r, r, -1e-9);
        } else {  // running
          const double q = M(b) / rho;
          double lift = linear ? s.lift_pa(0.0) : s.lift_pa(q);
          double dlift = linear ? 0.0 : s.dlift_pa_per_m3s(q) / rho;
          if (!linear && q < 0.0) {
            // Reverse flow: not the curve's extrapolation (which may have no solution) but a check valve
            // closing: the lift falls steeply, so Newton ends at a tiny reverse flow and the state loop
            // closes the valve.
            const double q_ref = s.curve.flow_max_m3_per_h > 0.0 ? s.curve.flow_max_m3_per_h / 3600.0 * s.parallel * s.speed
                                                                  : m0 / rho;
            const double slope = 1e3 * std::max(std::abs(s.lift_pa(0.0)), p0) / q_ref;
            lift = s.lift_pa(0.0) + slope * q;
            dlift = slope / rho;
          }
          fr = (P(j) - P(i) - lift) / p0;
          add(r, j, 1.0);
          add(r, i, -1.0);
          add(r, r, -dlift * m0 / p0);
        }
      } else {  // open valve
        fr = (P(i) - P(j)) / p0 - 1e-9 * M(b) / m0;
        add(r, i, 1.0);
        add(r, j, -1.0);
        add(r, r, -1e-9);
      }
    }
  }
};

/// Nodes that no slack node reaches through elements in service (pumps count as connected unless off).
std::vector<bool> unreachable(const LiquidNetwork& net) {
  const std::size_t nn = net.nodes.size();
  std::vector<std::vector<std::size_t>> adj(nn);
  auto link = [&](std::size_t a, std::size_t b) {
    adj[a].push_back(b);
    adj[b].push_back(a);
  };
  for (const auto& p : net.pipes)
    if (p.in_service) link(p.from, p.to);
  for (const auto& s : net.pumps)
    if (s.in_service || s.bypass_open) link(s.from, s.to);
  for (const auto& v : net.valves)
    if (v.open) link(v.from, v.to);
  std::vector<bool> seen(nn, false);
  std::vector<std::size_t> stack;
  for (std::size_t i = 0; i < nn; ++i)
    if (net.nodes[i].pressure_set_pa) {
      seen[i] = true;
      stack.push_back(i);
    }
  while (!stack.empty()) {
    const auto i = stack.back();
    stack.pop_back();
    for (const auto j : adj[i])
      if (!seen[j]) {
        seen[j] = true;
        stack.push_back(j);
      }
  }
  std::vector<bool> out(nn);
  for (std::size_t i = 0; i < nn; ++i) out[i] = !seen[i];
  return out;
}

double max_abs(const Eigen::VectorXd& v) { return v.size() ? v.cwiseAbs().maxCoeff() : 0.0; }

/// Newton from x; returns iterations, throws SolverError when it does not converge.
int newton(System& sys, Eigen::VectorXd& x, int max_iterations) {
  const auto n = static_cast<Eigen::Index>(sys.size());
  Eigen::VectorXd f(n), f_try(n);
  std::vector<Eigen::Triplet<double>> trip;
  Eigen::SparseMatrix<double> j(n, n);
  Eigen::SparseLU<Eigen::SparseMatrix<double>, Eigen::COLAMDOrdering<int>> lu;
  sys.evaluate(x, f, &trip, false);
  double norm = max_abs(f);
  for (int it = 0; it < max_iterations; ++it) {
    if (norm < sys.opt.tolerance) return it;
    j.setFromTriplets(trip.begin(), trip.end());
    lu.compute(j);
    if (lu.info() != Eigen::Success) throw SolverError("liquid network: singular Jacobian (a part without a pressure level?)");
    const Eigen::VectorXd dx = lu.solve(-f);
    double t = 1.0;
    for (int ls = 0; ls < 40; ++ls, t *= 0.5) {
      const Eigen::VectorXd xt = x + t * dx;
      sys.evaluate(xt, f_try, nullptr, false);
      const double nt = max_abs(f_try);
      if (nt < norm || ls == 39) {
        x = xt;
        break;
      }
    }
    sys.evaluate(x, f, &trip, false);
    norm = max_abs(f);
  }
  if (norm < sys.opt.tolerance) return max_iterations;
  Eigen::Index worst = 0;
  f.cwiseAbs().maxCoeff(&worst);
  const auto w = static_cast<std::size_t>(worst);
  std::string where;
  if (w < sys.nn) where = "the balance of node '" + sys.net.nodes[w].id + "'";
  else if (w - sys.nn < sys.np) where = "pipe '" + sys.net.pipes[w - sys.nn].id + "'";
  else if (w - sys.nn < sys.np + sys.nq) where = "pump station '" + sys.net.pumps[w - sys.nn - sys.np].id + "'";
  else where = "valve '" + sys.net.valves[w - sys.nn - sys.np - sys.nq].id + "'";
  throw SolverError("liquid network: Newton did not converge in " + std::to_string(max_iterations) +
                    " iterations; largest residual " + fmt("%.3g", norm) + " at " + where);
}

}  // namespace

std::string_view to_string(Violation::Kind kind) {
  switch (kind) {
    case Violation::Kind::pressure_below_min: return "pressure_below_min";
    case Violation::Kind::pressure_above_max: return "pressure_above_max";
    case Violation::Kind::pipe_pressure_above_max: return "pipe_pressure_above_max";
    case Violation::Kind::velocity_above_max: return "velocity_above_max";
    case Violation::Kind::pump_flow_beyond_curve: return "pump_flow_beyond_curve";
  }
  return "?";
}

std::string Violation::describe() const {
  switch (kind) {
    case Kind::pressure_below_min:
      return element + ": pressure " + fmt("%.2f", bar_from_pa(value)) + " bar (gauge), below the minimum of " +
             fmt("%.2f", bar_from_pa(limit)) + " bar";
    case Kind::pressure_above_max:
      return element + ": pressure " + fmt("%.2f", bar_from_pa(value)) + " bar (gauge), above the maximum of " +
             fmt("%.2f", bar_from_pa(limit)) + " bar";
    case Kind::pipe_pressure_above_max:
      return element + ": pressure " + fmt("%.2f", bar_from_pa(value)) + " bar (gauge), above its MAOP of " +
             fmt("%.2f", bar_from_pa(limit)) + " bar";
    case Kind::velocity_above_max:
      return element + ": velocity " + fmt("%.2f", value) + " m/s, above the maximum of " + fmt("%.2f", limit) + " m/s";
    case Kind::pump_flow_beyond_curve:
      return element + ": " + fmt("%.0f", value) + " m3/h per unit, beyond its curve's largest flow of " +
             fmt("%.0f", limit) + " m3/h";
  }
  return element;
}

Solution solve(const LiquidNetwork& net, const SolverOptions& opt) {
  net.validate();
  System sys(net, opt);
  sys.nn = net.nodes.size();
  sys.np = net.pipes.size();
  sys.nq = net.pumps.size();
  sys.nv = net.valves.size();
  sys.rho = net.fluid.density_kg_per_m3;
  sys.isolated = unreachable(net);
  {
    ProblemList problems;
    for (std::size_t i = 0; i < sys.nn; ++i)
      if (sys.isolated[i] && net.nodes[i].injection_kg_per_s != 0.0)
        problems.add("liquid network", "node '" + net.nodes[i].id + "'",
                     "has an injection or delivery but no open path to a node held at a pressure (a tank or slack node)");
    problems.throw_if_any();
  }
  double total = 0.0, pmax = 0.0;
  for (const auto& n : net.nodes) {
    total += std::abs(n.injection_kg_per_s);
    if (n.pressure_set_pa) pmax = std::max(pmax, std::abs(*n.pressure_set_pa));
  }
  for (const auto& s : net.pumps) pmax = std::max(pmax, std::abs(s.lift_pa(0.0)));
  sys.p0 = std::max(pmax, 1e5);
  // Flow scale: half the total injection; between pressure-held nodes only, the pumps' design flows.
  double pump_flow = 0.0;
  for (const auto& ps : net.pumps)
    pump_flow = std::max(pump_flow, ps.curve.flow_max_m3_per_h / 3600.0 * ps.parallel * ps.speed * sys.rho);
  sys.m0 = std::max({total / 2.0, 0.5 * pump_flow, 1e-3});
  for (const auto& p : net.pipes) sys.mu.push_back(net.fluid.viscosity_at(p.temperature_k.value_or(net.fluid.temperature_k)));
  sys.colebrook.assign(sys.np, 0.0);
  sys.state.resize(sys.nq);
  for (std::size_t k = 0; k < sys.nq; ++k)
    sys.state[k] = net.pumps[k].in_service ? PumpState::running : (net.pumps[k].bypass_open ? PumpState::bypass : PumpState::off);

  // Flat start: every pressure at the largest set pressure, then one linearised solve.
  const auto n = static_cast<Eigen::Index>(sys.size());
  Eigen::VectorXd x = Eigen::VectorXd::Zero(n);
  double pset = 0.0;
  for (const auto& nd : net.nodes)
    if (nd.pressure_set_pa) pset = std::max(pset, *nd.pressure_set_pa);
  for (std::size_t i = 0; i < sys.nn; ++i) x[static_cast<Eigen::Index>(i)] = sys.isolated[i] ? 0.0 : pset / sys.p0;
  {
    Eigen::VectorXd f(n);
    std::vector<Eigen::Triplet<double>> trip;
    sys.evaluate(x, f, &trip, true);
    Eigen::SparseMatrix<double> j(n, n);
    j.setFromTriplets(trip.begin(), trip.end());
    Eigen::SparseLU<Eigen::SparseMatrix<double>, Eigen::COLAMDOrdering<int>> lu;
    lu.compute(j);
    if (lu.info() != Eigen::Success)
      throw InputError("liquid network", "", "the network has a part whose pressure nothing fixes (no slack node)");
    x += lu.solve(-f);
  }

  Solution s;
  for (int round = 0;; ++round) {
    try {
      s.iterations += newton(sys, x, opt.max_iterations);
    } catch (const SolverError&) {
      // A running station asked for more lift than its curve gives at any forward flow has no forward
      // solution: Newton stalls at the curve's peak. Close its check valve and solve again.
      bool closed_one = false;
      for (std::size_t k = 0; k < sys.nq; ++k) {
        const auto& ps = net.pumps[k];
        if (sys.state[k] != PumpState::running) continue;
        const double rise = (x[static_cast<Eigen::Index>(ps.to)] - x[static_cast<Eigen::Index>(ps.from)]) * sys.p0;
        double peak = ps.lift_pa(0.0);
        const double qmax = std::max(ps.curve.flow_max_m3_per_h, 1.0) / 3600.0 * ps.parallel * ps.speed;
        for (int i = 1; i <= 200; ++i) peak = std::max(peak, ps.lift_pa(qmax * i / 200.0));
        if (rise > peak * (1.0 - 1e-3)) {
          sys.state[k] = PumpState::check;
          x[static_cast<Eigen::Index>(sys.nn + sys.np + k)] = 0.0;
          closed_one = true;
        }
      }
      if (!closed_one || round >= opt.max_state_changes) throw;
      ++s.state_changes;
      continue;
    }
    // Consistent pump states?
    bool changed = false;
    for (std::size_t k = 0; k < sys.nq; ++k) {
      const auto& ps = net.pumps[k];
      const double m = x[static_cast<Eigen::Index>(sys.nn + sys.np + k)] * sys.m0;
      const double pin = x[static_cast<Eigen::Index>(ps.from)] * sys.p0;
      const double pout = x[static_cast<Eigen::Index>(ps.to)] * sys.p0;
      auto& st = sys.state[k];
      const auto before = st;
      if (st == PumpState::running) {
        if (m < -1e-9 * sys.m0) st = PumpState::check;
        else if (ps.discharge_max_pa && pout > *ps.discharge_max_pa * (1.0 + 1e-12) + 1e-6) st = PumpState::throttled;
      } else if (st == PumpState::throttled) {
        if (m < -1e-9 * sys.m0) st = PumpState::check;
        else if (pin + ps.lift_pa(m / sys.rho) < *ps.discharge_max_pa - 1e-6) st = PumpState::running;
      } else if (st == PumpState::check) {
        if (pout - pin < ps.lift_pa(0.0) - 1e-6) st = PumpState::running;
      }
      if (st != before) {
        changed = true;
        if (st == PumpState::check) x[static_cast<Eigen::Index>(sys.nn + sys.np + k)] = 0.0;
      }
    }
    if (!changed) break;
    ++s.state_changes;
    if (round >= opt.max_state_changes)
      throw SolverError("liquid network: the pump stations' states do not settle (check valves and throttles keep "
                        "switching) after " + std::to_string(opt.max_state_changes) + " changes");
  }

  // Results.
  Eigen::VectorXd f(n);
  sys.evaluate(x, f, nullptr, false);
  s.residual_norm = max_abs(f);
  s.isolated = sys.isolated;
  s.pressure_pa.resize(sys.nn);
  for (std::size_t i = 0; i < sys.nn; ++i)
    s.pressure_pa[i] = sys.isolated[i] ? std::numeric_limits<double>::quiet_NaN() : x[static_cast<Eigen::Index>(i)] * sys.p0;
  s.injection_kg_per_s.assign(sys.nn, 0.0);
  for (std::size_t i = 0; i < sys.nn; ++i)
    if (!net.nodes[i].pressure_set_pa) s.injection_kg_per_s[i] = net.nodes[i].injection_kg_per_s;
  auto flow = [&](std::size_t b) { return x[static_cast<Eigen::Index>(sys.nn + b)] * sys.m0; };
  for (std::size_t b = 0; b < sys.branches(); ++b) {  // slack injections: the balance of what leaves
    const auto [i, j] = sys.ends(b);
    if (net.nodes[i].pressure_set_pa) s.injection_kg_per_s[i] += flow(b);
    if (net.nodes[j].pressure_set_pa) s.injection_kg_per_s[j] -= flow(b);
  }
  for (std::size_t b = 0; b < sys.np; ++b) {
    const auto& p = net.pipes[b];
    PipeResult r;
    r.closed = !p.in_service;
    r.flow_kg_per_s = r.closed ? 0.0 : flow(b);
    r.flow_m3_per_s = r.flow_kg_per_s / sys.rho;
    const double a = area(p.diameter_m);
    r.velocity_m_per_s = r.flow_m3_per_s / a;
    r.reynolds = std::abs(r.flow_kg_per_s) * p.diameter_m / (sys.mu[b] * a);
    r.friction_factor = gas::friction_factor(net.friction, r.flow_kg_per_s, p.diameter_m, p.roughness_m, a, sys.mu[b],
                                             p.friction_factor.value_or(0.0));
    r.friction_loss_pa = r.closed ? 0.0 : sys.pipe_loss(b, D1(r.flow_kg_per_s)).v;
    s.pipes.push_back(r);
  }
  for (std::size_t k = 0; k < sys.nq; ++k) {
    const auto& ps = net.pumps[k];
    PumpResult r;
    r.state = sys.state[k];
    const bool closed = r.state == PumpState::off || r.state == PumpState::check;
    r.flow_kg_per_s = closed ? 0.0 : flow(sys.np + k);
    const double q = r.flow_kg_per_s / sys.rho;
    r.flow_m3_per_h = m3_per_h_from_m3_per_s(q);
    const double pin = s.pressure_pa[ps.from], pout = s.pressure_pa[ps.to];
    r.lift_pa = std::isnan(pin) || std::isnan(pout) ? 0.0 : pout - pin;
    if (r.state == PumpState::running || r.state == PumpState::throttled) {
      r.curve_lift_pa = ps.lift_pa(q);
      r.throttle_loss_pa = r.state == PumpState::throttled ? r.curve_lift_pa - r.lift_pa : 0.0;
      r.power_w = q * r.curve_lift_pa / ps.efficiency;
    }
    s.pumps.push_back(r);
  }
  for (std::size_t v = 0; v < sys.nv; ++v)
    s.valves.push_back({net.valves[v].open ? flow(sys.np + sys.nq + v) : 0.0});
  s.violations = check_limits(net, s);
  return s;
}

std::vector<Violation> check_limits(const LiquidNetwork& net, const Solution& s) {
  std::vector<Violation> out;
  constexpr double tol = 1e-6;  // Pa: set pressures are met to rounding
  for (std::size_t i = 0; i < net.nodes.size(); ++i) {
    const auto& n = net.nodes[i];
    const double p = s.pressure_pa[i];
    if (std::isnan(p)) continue;
    if (n.pressure_min_pa && p < *n.pressure_min_pa - tol)
      out.push_back({Violation::Kind::pressure_below_min, "node '" + n.id + "'", p, *n.pressure_min_pa});
    if (n.pressure_max_pa && p > *n.pressure_max_pa + tol)
      out.push_back({Violation::Kind::pressure_above_max, "node '" + n.id + "'", p, *n.pressure_max_pa});
  }
  for (std::size_t b = 0; b < net.pipes.size(); ++b) {
    const auto& p = net.pipes[b];
    if (!p.in_service) continue;
    const double pm = std::max(s.pressure_pa[p.from], s.pressure_pa[p.to]);
    if (p.pressure_max_pa && pm > *p.pressure_max_pa + tol)
      out.push_back({Violation::Kind::pipe_pressure_above_max, "pipe '" + p.id + "'", pm, *p.pressure_max_pa});
    const double v = std::abs(s.pipes[b].velocity_m_per_s);
    if (p.velocity_max_m_per_s && v > *p.velocity_max_m_per_s)
      out.push_back({Violation::Kind::velocity_above_max, "pipe '" + p.id + "'", v, *p.velocity_max_m_per_s});
  }
  for (std::size_t k = 0; k < net.pumps.size(); ++k) {
    const auto& ps = net.pumps[k];
    const auto& r = s.pumps[k];
    if (r.state != PumpState::running && r.state != PumpState::throttled) continue;
    const double unit_q = r.flow_m3_per_h / (ps.parallel * ps.speed);
    if (ps.curve.flow_max_m3_per_h > 0.0 && unit_q > ps.curve.flow_max_m3_per_h * (1.0 + 1e-9))
      out.push_back({Violation::Kind::pump_flow_beyond_curve, "pump station '" + ps.id + "'", unit_q, ps.curve.flow_max_m3_per_h});
  }
  return out;
}

}  // namespace corridor::liquid
