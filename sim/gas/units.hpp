// Units and reference conditions of the gas solver, stated once.
//
// Inside sim/gas everything is SI: pressure in Pa (absolute), mass flow in kg/s, lengths in m,
// temperature in K. Volumes "at standard conditions" (normal cubic metres, mcm, bcm) are always
// referred to 0 degC (273.15 K) and 1.01325 bar (101325 Pa), the reference used by GasLib,
// STANET/pandapipes and European transmission operators. Conversions happen at the boundary only.
#pragma once

namespace corridor::gas {

inline constexpr double standard_temperature_k = 273.15;  ///< 0 degC
inline constexpr double standard_pressure_pa = 101325.0;  ///< 1.01325 bar
inline constexpr double universal_gas_constant_j_per_mol_k = 8.314;  ///< as in GasSteadySim and pandapipes
inline constexpr double molar_mass_air_kg_per_mol = 0.02896;         ///< as in GasSteadySim and pandapipes
inline constexpr double gravity_m_per_s2 = 9.81;
inline constexpr double pa_per_bar = 1e5;
inline constexpr double seconds_per_day = 86400.0;
inline constexpr double days_per_year = 365.0;  ///< bcm/year figures use a 365-day year

/// kg/s from million standard cubic metres per day, given the density at standard conditions (kg/m3).
constexpr double kg_per_s_from_mcm_per_day(double mcm_per_day, double normal_density_kg_per_m3) {
  return mcm_per_day * 1e6 / seconds_per_day * normal_density_kg_per_m3;
}
constexpr double mcm_per_day_from_kg_per_s(double kg_per_s, double normal_density_kg_per_m3) {
  return kg_per_s / normal_density_kg_per_m3 * seconds_per_day / 1e6;
}
/// kg/s from billion standard cubic metres per year (365 days).
constexpr double kg_per_s_from_bcm_per_year(double bcm_per_year, double normal_density_kg_per_m3) {
  return bcm_per_year * 1e9 / (days_per_year * seconds_per_day) * normal_density_kg_per_m3;
}
constexpr double bcm_per_year_from_kg_per_s(double kg_per_s, double normal_density_kg_per_m3) {
  return kg_per_s / normal_density_kg_per_m3 * days_per_year * seconds_per_day / 1e9;
}

constexpr double pa_from_bar(double bar) { return bar * pa_per_bar; }
constexpr double bar_from_pa(double pa) { return pa / pa_per_bar; }

}  // namespace corridor::gas
