#include "sim/gas/gas_properties.hpp"

#include <cmath>

namespace corridor::gas {

namespace {
/// Density of air at standard conditions, kg/m3: M_air p_n / (R T_n).
constexpr double normal_density_air() {
  return molar_mass_air_kg_per_mol * standard_pressure_pa / (universal_gas_constant_j_per_mol_k * standard_temperature_k);
}
}  // namespace

std::string_view to_string(GasLaw law) {
  switch (law) {
    case GasLaw::ideal: return "ideal";
    case GasLaw::constant_z: return "constant_z";
    case GasLaw::linear_z: return "linear_z";
    case GasLaw::papay: return "papay";
    case GasLaw::cnga_simple: return "cnga_simple";
    case GasLaw::cnga_full: return "cnga_full";
  }
  return "?";
}

Gas Gas::from_specific_gravity(double specific_gravity, double temperature_k) {
  Gas g;
  g.normal_density_kg_per_m3 = specific_gravity * normal_density_air();
  g.temperature_k = temperature_k;
  return g;
}

double Gas::specific_gravity() const { return normal_density_kg_per_m3 / normal_density_air(); }

std::pair<double, double> Gas::cnga_coefficients() const {
  if (law == GasLaw::cnga_simple) return {1.00300865, 2.96848838e-8};
  if (law == GasLaw::cnga_full) {
    // CNGA: Z = 1 / (1 + a1 p_psig 10^(a2 G) / (1.8 T)^a3), p in psi gauge, T in K (1.8 T in Rankine),
    // written as 1/Z = b1 + b2 p (p in Pa absolute) exactly as GasSteadySim.jl does, including its
    // atmospheric pressure of 101350 Pa and 6894.75729 Pa/psi.
    constexpr double a1 = 344400.0, a2 = 1.785, a3 = 3.825, pa_per_psi = 6894.75729, p_atm_pa = 101350.0;
    const double k = a1 * std::pow(10.0, a2 * specific_gravity()) / std::pow(1.8 * temperature_k, a3);
    return {1.0 + k * p_atm_pa / pa_per_psi, k / pa_per_psi};
  }
  return {1.0, 0.0};
}

}  // namespace corridor::gas
