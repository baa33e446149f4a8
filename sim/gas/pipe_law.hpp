// The pipe law of the steady-state model, written once for any number type: double, Dual<N> (the
// Newton solver's exact Jacobian, solver.cpp) and Jet<N> (the optimiser's exact Hessian, optimizer.cpp),
// so that the simulator and the optimiser solve the same equations to the last digit.
//
// Residual, Pa^2 (p Pa absolute, mdot kg/s; see solver.hpp for the derivation and sources):
//   G = P(p1) - P(p2) - 2 R_s T Z_m rho_m^2 g (h2 - h1) - Z_m R_s T / (A^2 E^2) (lambda L / D + zeta) mdot |mdot|
//   P(p) = p^2, Z_m = Z(p_m), p_m = 2/3 (p1^2 + p1 p2 + p2^2) / (p1 + p2)        (ideal, constant/linear Z, Papay)
//   P(p) = b1 p^2 + 2/3 b2 p^3, Z_m = 1                                          (CNGA laws, 1/Z = b1 + b2 p)
//   rho_m = (rho(p1) + rho(p2)) / 2; lambda(mdot) mdot|mdot| from friction.hpp (friction_flux).
#pragma once

#include <cmath>

#include "sim/gas/friction.hpp"
#include "sim/gas/model.hpp"

namespace corridor::gas {

/// Constants of the gas law, computed once (Gas::z recomputes them per call).
struct GasLawTerms {
  GasLaw law = GasLaw::ideal;
  const Gas* gas = nullptr;
  double rt = 1.0;  ///< R_s T, J/kg
  double cnga_b1 = 1.0, cnga_b2 = 0.0, papay_a = 0.0, papay_b = 0.0;

  explicit GasLawTerms(const Gas& g) : law(g.law), gas(&g), rt(g.specific_gas_constant() * g.temperature_k) {
    std::tie(cnga_b1, cnga_b2) = g.cnga_coefficients();
    const double pc = g.pseudocritical_pressure_pa, tr = g.temperature_k / g.pseudocritical_temperature_k;
    papay_a = 3.52 * std::exp(-2.26 * tr) / pc;
    papay_b = 0.274 * std::exp(-1.878 * tr) / (pc * pc);
  }
  template <typename T>
  [[nodiscard]] T z(const T& p) const {
    switch (law) {
      case GasLaw::papay: return T(1.0) - T(papay_a) * p + T(papay_b) * p * p;
      case GasLaw::cnga_simple:
      case GasLaw::cnga_full: return T(1.0) / (T(cnga_b1) + T(cnga_b2) * p);
      default: return gas->z(p);
    }
  }
};

/// Per-pipe constants of the law.
struct PipeLaw {
  double c_pa2 = 0.0;  ///< R_s T / (A^2 E^2), Pa^2 per (kg/s)^2 per unit of (lambda L/D + zeta)
  double l_over_d = 0.0;
  double zeta = 0.0;
  double dh_m = 0.0;  ///< h_to - h_from
  double d_m = 0.0, k_m = 0.0, area_m2 = 0.0, fixed_lambda = 0.0;
  FrictionModel model = FrictionModel::fixed;

  PipeLaw() = default;
  PipeLaw(const GasNetwork& net, const Pipe& p) {
    constexpr double pi = 3.14159265358979323846;
    area_m2 = pi * p.diameter_m * p.diameter_m / 4.0;
    c_pa2 = net.gas.specific_gas_constant() * net.gas.temperature_k / (area_m2 * area_m2 * p.efficiency * p.efficiency);
    l_over_d = p.length_m / p.diameter_m;
    zeta = p.loss_coefficient;
    dh_m = p.height_change_m ? *p.height_change_m : net.nodes[p.to].height_m - net.nodes[p.from].height_m;
    d_m = p.diameter_m;
    k_m = p.roughness_m;
    model = p.friction_factor ? FrictionModel::fixed : net.friction;
    fixed_lambda = p.friction_factor.value_or(net.friction_factor);
  }
};

/// The pressure part of the law, Pa^2: P(p1) - P(p2) - 2 R_s T Z_m rho_m^2 g dh, and Z_m (header).
template <typename T>
void pipe_potential_pa2(const PipeLaw& c, const GasLawTerms& law, const Gas& gas, const T& p1, const T& p2, T& potential,
                        T& zm) {
  if (gas.is_cnga()) {
    const double b1 = law.cnga_b1, b2 = law.cnga_b2;
    auto big_p = [&](const T& p) { return p * p * (T(b1) + T(2.0 / 3.0 * b2) * p); };
    potential = big_p(p1) - big_p(p2);
    zm = T(1.0);
  } else {
    potential = p1 * p1 - p2 * p2;
    if (gas.law == GasLaw::ideal) {
      zm = T(1.0);
    } else {
      const T pm = T(2.0 / 3.0) * (p1 * p1 + p1 * p2 + p2 * p2) / (p1 + p2);
      zm = law.z(pm);
    }
  }
  if (c.dh_m != 0.0) {
    const T rho = (p1 / (law.z(p1) * T(law.rt)) + p2 / (law.z(p2) * T(law.rt))) * T(0.5);
    potential -= T(2.0 * law.rt * gravity_m_per_s2 * c.dh_m) * zm * rho * rho;
  }
}

/// The flow part, (kg/s)^2: (lambda(mdot) L / D + zeta) mdot |mdot| (friction.hpp). eps_kg_per_s
/// regularises |mdot| near zero; colebrook_start is the Colebrook-White warm start (in/out, may be null).
template <typename T>
T pipe_flux(const PipeLaw& c, const Gas& gas, const T& m, double eps_kg_per_s, double* colebrook_start) {
  T flux = T(0.0);
  if (c.l_over_d > 0.0)
    flux = T(c.l_over_d) * friction_flux(c.model, m, c.d_m, c.k_m, c.area_m2, gas.viscosity_pa_s, c.fixed_lambda,
                                         eps_kg_per_s, colebrook_start);
  if (c.zeta > 0.0) flux += T(c.zeta) * m * sqrt(m * m + T(eps_kg_per_s * eps_kg_per_s));
  return flux;
}

/// G(p1, p2, mdot) in Pa^2 (header): potential - Z_m R_s T / (A^2 E^2) flux.
template <typename T>
T pipe_residual_pa2(const PipeLaw& c, const GasLawTerms& law, const Gas& gas, const T& p1, const T& p2, const T& m,
                    double eps_kg_per_s, double* colebrook_start) {
  T potential, zm;
  pipe_potential_pa2(c, law, gas, p1, p2, potential, zm);
  return potential - zm * T(c.c_pa2) * pipe_flux(c, gas, m, eps_kg_per_s, colebrook_start);
}

}  // namespace corridor::gas
