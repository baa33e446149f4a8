// Units of the liquid solver, stated once: SI inside (Pa gauge, kg/s, m3/s, m, K, Pa s); planners'
// units at the boundary: bar (gauge), Mt/yr (million tonnes per 365-day year), m3/h, mm2/s, degC,
// barrels per day (1 bbl = 0.158987294928 m3).
#pragma once

namespace corridor::liquid {

inline constexpr double gravity_m_per_s2 = 9.81;  ///< as in the gas solver and STANET/pandapipes
inline constexpr double pa_per_bar = 1e5;
inline constexpr double seconds_per_year = 365.0 * 86400.0;
inline constexpr double m3_per_barrel = 0.158987294928;

constexpr double pa_from_bar(double bar) { return bar * pa_per_bar; }
constexpr double bar_from_pa(double pa) { return pa / pa_per_bar; }
constexpr double kg_per_s_from_mt_per_year(double mt) { return mt * 1e9 / seconds_per_year; }
constexpr double mt_per_year_from_kg_per_s(double kg_s) { return kg_s * seconds_per_year / 1e9; }
constexpr double m3_per_h_from_m3_per_s(double q) { return q * 3600.0; }
constexpr double kelvin_from_celsius(double c) { return c + 273.15; }

}  // namespace corridor::liquid
