#include "sim/gas/gaslib_units.hpp"

#include <array>

#include "sim/gas/units.hpp"

namespace corridor::gas {

namespace {

struct UnitRow {
  GasLibQuantity quantity;
  std::string_view unit;
  double factor;  ///< SI = value * factor + offset
  double offset;
};

using Q = GasLibQuantity;
constexpr double hour_s = 3600.0;
constexpr std::array units{
    UnitRow{Q::length, "m", 1.0, 0.0},
    UnitRow{Q::length, "meter", 1.0, 0.0},
    UnitRow{Q::length, "km", 1000.0, 0.0},
    UnitRow{Q::length, "cm", 0.01, 0.0},
    UnitRow{Q::length, "mm", 0.001, 0.0},
    UnitRow{Q::pressure, "bar", pa_per_bar, 0.0},
    UnitRow{Q::pressure, "barg", pa_per_bar, standard_pressure_pa},  // gauge against 1.01325 bar
    UnitRow{Q::pressure, "mbar", 100.0, 0.0},
    UnitRow{Q::pressure, "Pa", 1.0, 0.0},
    UnitRow{Q::pressure, "kPa", 1e3, 0.0},
    UnitRow{Q::pressure, "MPa", 1e6, 0.0},
    UnitRow{Q::pressure, "psi", 6894.757293168, 0.0},
    UnitRow{Q::volumetric_flow, "1000m_cube_per_hour", 1000.0 / hour_s, 0.0},
    UnitRow{Q::volumetric_flow, "m_cube_per_hour", 1.0 / hour_s, 0.0},
    UnitRow{Q::volumetric_flow, "m_cube_per_s", 1.0, 0.0},
    UnitRow{Q::volumetric_flow, "m_cube_per_day", 1.0 / seconds_per_day, 0.0},
    UnitRow{Q::volumetric_flow, "1000m_cube_per_day", 1000.0 / seconds_per_day, 0.0},
    UnitRow{Q::volumetric_flow, "1e6m_cube_per_day", 1e6 / seconds_per_day, 0.0},
    UnitRow{Q::mass_flow, "kg_per_s", 1.0, 0.0},
    UnitRow{Q::mass_flow, "kg_per_hour", 1.0 / hour_s, 0.0},
    UnitRow{Q::mass_flow, "t_per_hour", 1000.0 / hour_s, 0.0},
    UnitRow{Q::temperature, "K", 1.0, 0.0},
    UnitRow{Q::temperature, "Celsius", 1.0, 273.15},
    UnitRow{Q::temperature, "C", 1.0, 273.15},
    UnitRow{Q::temperature, "degC", 1.0, 273.15},
    UnitRow{Q::density, "kg_per_m_cube", 1.0, 0.0},
    UnitRow{Q::density, "g_per_l", 1.0, 0.0},
    UnitRow{Q::molar_mass, "kg_per_kmol", 1e-3, 0.0},
    UnitRow{Q::molar_mass, "g_per_mol", 1e-3, 0.0},
    UnitRow{Q::calorific_value, "MJ_per_m_cube", 1e6, 0.0},
    UnitRow{Q::calorific_value, "kJ_per_m_cube", 1e3, 0.0},
    UnitRow{Q::calorific_value, "kWh_per_m_cube", 3.6e6, 0.0},
    UnitRow{Q::heat_transfer_coefficient, "W_per_m_square_per_K", 1.0, 0.0},
    UnitRow{Q::power, "W", 1.0, 0.0},
    UnitRow{Q::power, "kW", 1e3, 0.0},
    UnitRow{Q::power, "MW", 1e6, 0.0},
    UnitRow{Q::speed, "per_min", 1.0 / 60.0, 0.0},
    UnitRow{Q::speed, "per_s", 1.0, 0.0},
    UnitRow{Q::volume, "m_cube", 1.0, 0.0},
    UnitRow{Q::volume, "l", 1e-3, 0.0},
    UnitRow{Q::torque, "Nm", 1.0, 0.0},
    UnitRow{Q::torque, "kNm", 1e3, 0.0},
    UnitRow{Q::dimensionless, "", 1.0, 0.0},
    UnitRow{Q::dimensionless, "1", 1.0, 0.0},
    UnitRow{Q::dimensionless, "dimensionless", 1.0, 0.0},
};

}  // namespace

std::string_view default_unit(GasLibQuantity q) {
  switch (q) {
    case Q::length: return "m";
    case Q::pressure: return "bar";
    case Q::volumetric_flow: return "1000m_cube_per_hour";
    case Q::mass_flow: return "kg_per_s";
    case Q::temperature: return "K";
    case Q::density: return "kg_per_m_cube";
    case Q::molar_mass: return "kg_per_kmol";
    case Q::calorific_value: return "MJ_per_m_cube";
    case Q::heat_transfer_coefficient: return "W_per_m_square_per_K";
    case Q::power: return "kW";
    case Q::speed: return "per_min";
    case Q::volume: return "m_cube";
    case Q::torque: return "kNm";
    case Q::dimensionless: return "";
  }
  return "";
}

std::string_view to_string(GasLibQuantity q) {
  switch (q) {
    case Q::length: return "length";
    case Q::pressure: return "pressure";
    case Q::volumetric_flow: return "volumetric flow";
    case Q::mass_flow: return "mass flow";
    case Q::temperature: return "temperature";
    case Q::density: return "density";
    case Q::molar_mass: return "molar mass";
    case Q::calorific_value: return "calorific value";
    case Q::heat_transfer_coefficient: return "heat transfer coefficient";
    case Q::power: return "power";
    case Q::speed: return "speed";
    case Q::volume: return "volume";
    case Q::torque: return "torque";
    case Q::dimensionless: return "number";
  }
  return "?";
}

std::optional<double> gaslib_to_si(double value, std::string_view unit, GasLibQuantity quantity) {
  if (unit.empty()) unit = default_unit(quantity);
  for (const auto& row : units)
    if (row.quantity == quantity && row.unit == unit) return value * row.factor + row.offset;
  return std::nullopt;
}

std::string_view gaslib_units_of(GasLibQuantity quantity) {
  switch (quantity) {
    case Q::length: return "m, meter, km, cm, mm";
    case Q::pressure: return "bar, barg, mbar, Pa, kPa, MPa, psi";
    case Q::volumetric_flow:
      return "1000m_cube_per_hour, m_cube_per_hour, m_cube_per_s, m_cube_per_day, 1000m_cube_per_day, 1e6m_cube_per_day";
    case Q::mass_flow: return "kg_per_s, kg_per_hour, t_per_hour";
    case Q::temperature: return "K, Celsius, C, degC";
    case Q::density: return "kg_per_m_cube, g_per_l";
    case Q::molar_mass: return "kg_per_kmol, g_per_mol";
    case Q::calorific_value: return "MJ_per_m_cube, kJ_per_m_cube, kWh_per_m_cube";
    case Q::heat_transfer_coefficient: return "W_per_m_square_per_K";
    case Q::power: return "W, kW, MW";
    case Q::speed: return "per_min, per_s";
    case Q::volume: return "m_cube, l";
    case Q::torque: return "Nm, kNm";
    case Q::dimensionless: return "no unit";
  }
  return "";
}

}  // namespace corridor::gas
