// Units of the GasLib XML schema (gaslib.zib.de, Framework.xsd and Gas.xsd: the `unit` attribute of
// every quantity element) and their conversion to SI, stated once. The reader (gaslib.cpp) checks that
// a quantity's unit belongs to its kind, so `unit="bar"` on a length is an error, not a silent 1e5.
//
// | kind | units (SI result) |
// |---|---|
// | length | m, meter, km, cm, mm (m) |
// | pressure | bar, barg (gauge: + 1.01325 bar), mbar, Pa, kPa, MPa, psi (Pa absolute) |
// | volumetric flow at standard conditions (0 degC, 1.01325 bar) | 1000m_cube_per_hour, m_cube_per_hour, m_cube_per_s, m_cube_per_day, 1000m_cube_per_day, 1e6m_cube_per_day (standard m3/s) |
// | mass flow | kg_per_s, kg_per_hour, t_per_hour (kg/s) |
// | temperature | K, Celsius, C, degC (K) |
// | density | kg_per_m_cube, g_per_l (kg/m3) |
// | molar mass | kg_per_kmol, g_per_mol (kg/mol) |
// | calorific value | MJ_per_m_cube, kJ_per_m_cube, kWh_per_m_cube (J/m3) |
// | heat transfer coefficient | W_per_m_square_per_K |
// | power | W, kW, MW (W) |
// | rotational speed | per_min, per_s (1/s) |
// | volume | m_cube, l (m3) |
// | torque | Nm, kNm (N m) |
// | dimensionless | no unit, 1, dimensionless |
#pragma once

#include <optional>
#include <string_view>

namespace corridor::gas {

enum class GasLibQuantity {
  length,
  pressure,
  volumetric_flow,
  mass_flow,
  temperature,
  density,
  molar_mass,
  calorific_value,
  heat_transfer_coefficient,
  power,
  speed,
  volume,
  torque,
  dimensionless,  ///< last: readers loop over the kinds up to it
};

std::string_view to_string(GasLibQuantity quantity);

/// The unit a quantity without a `unit` attribute is read in: GasLib's usual unit of its kind (m, bar,
/// 1000m_cube_per_hour, kg_per_s, K, kg_per_m_cube, kg_per_kmol, MJ_per_m_cube, W_per_m_square_per_K,
/// kW, per_min, m_cube, kNm).
std::string_view default_unit(GasLibQuantity quantity);

/// `value` in `unit` (empty: default_unit) as SI (table above); nullopt when `unit` is not a unit of `quantity`.
std::optional<double> gaslib_to_si(double value, std::string_view unit, GasLibQuantity quantity);

/// The units accepted for `quantity`, for messages ("m, meter, km, cm, mm").
std::string_view gaslib_units_of(GasLibQuantity quantity);

}  // namespace corridor::gas
