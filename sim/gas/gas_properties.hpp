// The gas: composition summarised by its density at standard conditions, its temperature, its
// viscosity and a compressibility law Z(p) at that temperature (isothermal flow).
//
// Equation of state (all laws): rho = p / (Z(p) R_s T)            [kg/m3; p in Pa absolute, T in K]
// Specific gas constant:        R_s = p_n / (rho_n T_n)          [J/(kg K)], p_n, T_n standard (units.hpp)
//   (with rho_n from the specific gravity G: rho_n = G M_air p_n / (R T_n), so R_s = R / (G M_air)).
#pragma once

#include <cmath>
#include <string_view>

#include "sim/gas/dual.hpp"
#include "sim/gas/units.hpp"

namespace corridor::gas {

enum class GasLaw {
  ideal,        ///< Z = 1
  constant_z,   ///< Z = z_constant
  linear_z,     ///< Z = z_constant + z_slope_per_pa * p (the linear law of STANET/pandapipes fluids)
  papay,        ///< Z = 1 - 3.52 p_r exp(-2.26 T_r) + 0.274 p_r^2 exp(-1.878 T_r), p_r = p/p_c, T_r = T/T_c
  cnga_simple,  ///< 1/Z = b1 + b2 p with b1 = 1.00300865, b2 = 2.96848838e-8 1/Pa (LANL GasSteadySim)
  cnga_full,    ///< 1/Z = b1 + b2 p with b1, b2 from G and T (California Natural Gas Association, as in GasSteadySim)
};

std::string_view to_string(GasLaw law);

struct Gas {
  double normal_density_kg_per_m3 = 0.785;  ///< at 0 degC, 1.01325 bar
  double temperature_k = 288.15;            ///< flowing gas temperature (isothermal model)
  double viscosity_pa_s = 1.1e-5;           ///< dynamic viscosity
  double heat_capacity_ratio = 1.3;         ///< kappa = cp/cv, for compressor power
  double lower_heating_value_j_per_kg = 47.0e6;  ///< for compressor fuel gas
  GasLaw law = GasLaw::ideal;
  double z_constant = 1.0;        ///< constant_z, and the offset of linear_z
  double z_slope_per_pa = 0.0;    ///< linear_z slope
  double pseudocritical_pressure_pa = 45.93e5;    ///< papay
  double pseudocritical_temperature_k = 188.55;   ///< papay

  /// A gas of specific gravity G (relative to air): rho_n = G M_air p_n / (R T_n).
  static Gas from_specific_gravity(double specific_gravity, double temperature_k);

  /// R_s = p_n / (rho_n T_n), J/(kg K).
  [[nodiscard]] double specific_gas_constant() const {
    return standard_pressure_pa / (normal_density_kg_per_m3 * standard_temperature_k);
  }
  [[nodiscard]] double specific_gravity() const;

  /// Coefficients of the CNGA law 1/Z = b1 + b2 p (b2 in 1/Pa); {1, 0} for other laws.
  [[nodiscard]] std::pair<double, double> cnga_coefficients() const;
  [[nodiscard]] bool is_cnga() const { return law == GasLaw::cnga_simple || law == GasLaw::cnga_full; }

  /// Compressibility factor at absolute pressure p (Pa), T = temperature_k.
  template <typename T>
  [[nodiscard]] T z(const T& p_pa) const;
  /// Density at absolute pressure p (Pa), kg/m3.
  template <typename T>
  [[nodiscard]] T density(const T& p_pa) const {
    return p_pa / (z(p_pa) * (specific_gas_constant() * temperature_k));
  }
};

template <typename T>
T Gas::z(const T& p_pa) const {
  switch (law) {
    case GasLaw::ideal: return T(1.0);
    case GasLaw::constant_z: return T(z_constant);
    case GasLaw::linear_z: return T(z_constant) + T(z_slope_per_pa) * p_pa;
    case GasLaw::papay: {
      const T pr = p_pa / pseudocritical_pressure_pa;
      const double tr = temperature_k / pseudocritical_temperature_k;
      return T(1.0) - T(3.52 * std::exp(-2.26 * tr)) * pr + T(0.274 * std::exp(-1.878 * tr)) * pr * pr;
    }
    case GasLaw::cnga_simple:
    case GasLaw::cnga_full: {
      const auto [b1, b2] = cnga_coefficients();
      return T(1.0) / (T(b1) + T(b2) * p_pa);
    }
  }
  return T(1.0);
}

}  // namespace corridor::gas
