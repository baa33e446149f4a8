// Darcy friction factor lambda of a pipe (dimensionless), as a function of the Reynolds number
//   Re = |mdot| D / (mu A)          (mdot kg/s, D m, mu Pa s, A = pi D^2 / 4 m2)
// and the relative roughness k/D (k and D in m).
//
// Models:
//   nikuradse        lambda = 64/Re + 1 / (2 log10(D/k) + 1.14)^2
//                    (the rough-pipe law with the laminar term added, as STANET and pandapipes do for gas)
//   colebrook_white  1/sqrt(lambda) = -2 log10(2.51 / (Re sqrt(lambda)) + k / (3.71 D)), solved by Newton
//   hofer            1/sqrt(lambda) = -2 log10(4.518 / Re log10(Re / 7) + k / (3.71 D))  (explicit Colebrook)
//   swamee_jain      lambda = 0.25 / log10(k / (3.7 D) + 5.74 / Re^0.9)^2
//   fixed            lambda given per pipe (or a network-wide value)
// Colebrook-White, Hofer and Swamee-Jain are turbulent laws; below the Reynolds number where 64/Re
// exceeds them the laminar value 64/Re is used (lambda = max(64/Re, lambda_turbulent)), so that the
// pressure loss stays defined and smooth through zero flow.
#pragma once

#include <algorithm>
#include <cmath>
#include <numbers>
#include <string_view>

#include "sim/gas/dual.hpp"

namespace corridor::gas {

enum class FrictionModel { nikuradse, colebrook_white, hofer, swamee_jain, fixed };

std::string_view to_string(FrictionModel model);

/// Turbulent part of the friction factor at Reynolds number re (re > 0).
/// `start` (optional, in/out): a previous 1/sqrt(lambda) for Colebrook-White to start from (0: none).
template <typename T>
T turbulent_friction_factor(FrictionModel model, const T& re_in, double k_over_d, double* start = nullptr) {
  // The explicit laws are only meaningful for Re well above 10; below, the laminar term dominates anyway.
  const T re = value_of(re_in) < 100.0 ? T(100.0) : re_in;
  switch (model) {
    case FrictionModel::nikuradse: {
      const double x = 2.0 * std::log10(1.0 / k_over_d) + 1.14;
      return T(1.0 / (x * x));
    }
    case FrictionModel::colebrook_white: {
      // Newton on x = 1/sqrt(lambda): f(x) = x + 2 log10(2.51 x / Re + k/(3.71 D)) = 0,
      // started from the rough-pipe (Nikuradse) value; quadratic convergence, a few steps.
      const double rough = k_over_d / 3.71;
      T x = T(start && *start > 0.0 ? *start : 2.0 * std::log10(1.0 / std::max(k_over_d, 1e-12)) + 1.14);
      for (int i = 0; i < 30; ++i) {
        const T a = T(2.51) / re;
        const T inner = a * x + T(rough);
        const T f = x + T(2.0) * log10(inner);
        const T df = T(1.0) + T(2.0 / std::numbers::ln10) * a / inner;
        const T step = f / df;
        x -= step;
        if (std::abs(value_of(step)) < 1e-14 * std::abs(value_of(x))) {
          if (i > 0) break;
        }
      }
      if (start) *start = value_of(x);
      return T(1.0) / (x * x);
    }
    case FrictionModel::hofer: {
      const T x = T(-2.0) * log10(T(4.518) / re * log10(re / T(7.0)) + T(k_over_d / 3.71));
      return T(1.0) / (x * x);
    }
    case FrictionModel::swamee_jain: {
      const T l = log10(T(k_over_d / 3.7) + T(5.74) / pow(re, 0.9));
      return T(0.25) / (l * l);
    }
    case FrictionModel::fixed: return T(0.0);
  }
  return T(0.0);
}

/// Friction factor lambda at mass flow m (kg/s) for a pipe of diameter d (m), roughness k (m),
/// area (m2), gas viscosity mu (Pa s). fixed_lambda is used by FrictionModel::fixed.
double friction_factor(FrictionModel model, double m_kg_per_s, double d_m, double k_m, double area_m2, double mu_pa_s,
                       double fixed_lambda);

/// phi(m) = lambda(Re(m)) * m * |m| in kg2/s2, the flow-dependent part of the pipe law, written so that it
/// is smooth through m = 0: the laminar term 64/Re m|m| = 64 mu A / D * m is linear in m, and the
/// turbulent term uses |m|_eps = sqrt(m^2 + eps^2) (eps: regularisation flow, kg/s, tiny).
template <typename T>
T friction_flux(FrictionModel model, const T& m, double d_m, double k_m, double area_m2, double mu_pa_s,
                double fixed_lambda, double eps_kg_per_s, double* colebrook_start = nullptr) {
  const T abs_eps = sqrt(m * m + T(eps_kg_per_s * eps_kg_per_s));
  const double laminar_coefficient = 64.0 * mu_pa_s * area_m2 / d_m;  // 64/Re * |m| = this
  if (model == FrictionModel::fixed) return T(fixed_lambda) * m * abs_eps;
  const double k_over_d = std::max(k_m / d_m, 1e-12);
  const T re = abs(m) * T(d_m / (mu_pa_s * area_m2));
  if (model == FrictionModel::nikuradse)
    return T(laminar_coefficient) * m + turbulent_friction_factor(model, re, k_over_d) * m * abs_eps;
  if (value_of(re) <= 0.0) return T(laminar_coefficient) * m;
  const T lambda_turbulent = turbulent_friction_factor(model, re, k_over_d, colebrook_start);
  if (64.0 / value_of(re) >= value_of(lambda_turbulent)) return T(laminar_coefficient) * m;
  return lambda_turbulent * m * abs_eps;
}

}  // namespace corridor::gas
