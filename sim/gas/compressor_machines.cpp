#include "sim/gas/compressor_machines.hpp"

#include <cmath>
#include <numbers>
#include <sstream>
#include <string_view>
#include <vector>

namespace corridor::gas {

std::string_view to_string(DriveKind kind) {
  switch (kind) {
    case DriveKind::gas_turbine: return "gasTurbine";
    case DriveKind::steam_turbine: return "steamTurbine";
    case DriveKind::gas_driven_motor: return "gasDrivenMotor";
    case DriveKind::electric_motor: return "electricMotor";
  }
  return "?";
}

namespace {

std::string text(double x) {
  std::ostringstream s;
  s.precision(5);
  s << x;
  return s.str();
}

/// The speed whose isoline passes through (Q, H): the root of a0 + a1 n + a2 n^2 = H (each a_k a
/// quadratic in Q) in [n_min, n_max], else the root nearest to that range; NaN when there is none.
double isoline_speed(const TurboCompressor& t, double q, double h, double n_min, double n_max) {
  const auto& c = t.head_kj_per_kg;
  // H(Q, n) = b0 + b1 n + b2 n^2 with b_i = c[i] + c[3+i] Q + c[6+i] Q^2.
  const double b0 = c[0] + q * (c[3] + q * c[6]) - h;
  const double b1 = c[1] + q * (c[4] + q * c[7]);
  const double b2 = c[2] + q * (c[5] + q * c[8]);
  std::vector<double> roots;
  if (std::abs(b2) < 1e-300) {
    if (b1 != 0.0) roots.push_back(-b0 / b1);
  } else {
    const double disc = b1 * b1 - 4.0 * b2 * b0;
    if (disc < 0.0) return std::nan("");
    const double s = std::sqrt(disc);
    roots.push_back((-b1 + s) / (2.0 * b2));
    roots.push_back((-b1 - s) / (2.0 * b2));
  }
  double best = std::nan(""), best_gap = 1e300;
  for (double n : roots) {
    const double gap = n < n_min ? n_min - n : (n > n_max ? n - n_max : 0.0);
    if (gap < best_gap) best = n, best_gap = gap;
  }
  return best;
}

}  // namespace

UnitOperatingPoint unit_operating_point(const StationMachines& m, std::size_t unit_index, double flow_kg_per_s,
                                        double head_j_per_kg, double volumetric_m3_per_s, double ratio,
                                        double lower_heating_value_j_per_kg) {
  const auto& u = m.units[unit_index];
  const auto& drive = m.drives[u.drive];
  UnitOperatingPoint op;
  op.unit = u.id;
  op.flow_kg_per_s = flow_kg_per_s;
  op.volumetric_flow_m3_per_s = volumetric_m3_per_s;
  op.head_kj_per_kg = head_j_per_kg / 1e3;
  const double q = volumetric_m3_per_s, h = op.head_kj_per_kg;
  constexpr double tol = 1e-6;
  auto fail = [&](std::string why) {
    if (op.outside.empty()) op.outside = std::move(why);
  };
  if (u.turbo) {
    op.speed_per_min = isoline_speed(*u.turbo, q, h, u.speed_min_per_min, u.speed_max_per_min);
    op.efficiency = gaslib_biquadratic(u.turbo->efficiency, q, op.speed_per_min);
    const double surge = gaslib_quadratic(u.turbo->surge_head_kj_per_kg, q);
    const double choke = gaslib_quadratic(u.turbo->choke_head_kj_per_kg, q);
    if (h > surge + tol * std::abs(surge)) fail("beyond the surge line (head " + text(h) + " kJ/kg above " + text(surge) + ")");
    if (h < choke - tol * std::abs(choke)) fail("beyond the choke line (head " + text(h) + " kJ/kg below " + text(choke) + ")");
  } else {
    op.speed_per_min = 60.0 * q / u.piston->operating_volume_m3;
    op.efficiency = u.piston->adiabatic_efficiency;
    if (ratio > u.piston->ratio_max * (1 + tol)) fail("ratio " + text(ratio) + " above its maximum " + text(u.piston->ratio_max));
  }
  if (!std::isfinite(op.speed_per_min)) fail("no speed isoline passes through the point");
  else if (op.speed_per_min < u.speed_min_per_min * (1 - tol)) fail("speed " + text(op.speed_per_min) + " per min below its minimum " + text(u.speed_min_per_min));
  else if (op.speed_per_min > u.speed_max_per_min * (1 + tol)) fail("speed " + text(op.speed_per_min) + " per min above its maximum " + text(u.speed_max_per_min));
  op.power_w = op.efficiency > 0.0 ? flow_kg_per_s * head_j_per_kg / op.efficiency : std::nan("");
  op.power_max_w = 1e3 * drive_power_max_kw(drive, op.speed_per_min, m.ambient_temperature_c);
  if (!(op.power_w <= op.power_max_w * (1 + tol))) fail("power " + text(op.power_w / 1e6) + " MW above the drive's " + text(op.power_max_w / 1e6) + " MW");
  if (u.piston && u.piston->torque_max_n_m && op.speed_per_min > 0.0) {
    const double torque = op.power_w / (2.0 * std::numbers::pi * op.speed_per_min / 60.0);
    if (torque > *u.piston->torque_max_n_m * (1 + tol)) fail("torque " + text(torque / 1e3) + " kNm above its maximum");
  }
  op.energy_rate_w = 1e3 * drive_energy_rate_kw(drive, op.power_w / 1e3);
  if (drive.burns_gas()) op.fuel_kg_per_s = op.energy_rate_w / lower_heating_value_j_per_kg;
  else op.electric_power_w = op.energy_rate_w;
  op.in_range = op.outside.empty();
  return op;
}

}  // namespace corridor::gas
