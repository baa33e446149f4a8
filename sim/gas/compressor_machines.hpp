// The machines of a compressor station (a GasLib .cs file, read by gaslib_cs.hpp): turbo compressors
// with their characteristic diagrams, piston compressors, the drives that power them and the station's
// configurations (which units run, in serial stages of parallel units). The laws are written once,
// for double and for the optimiser's Jet<N> (flow_nlp.cpp), in GasLib's own units, which its
// coefficients expect: volumetric flow Q at the unit's inlet in m3/s, speed n in 1/min, adiabatic head
// H in kJ/kg, power in kW, ambient temperature in degC.
//
// Turbo compressor (GasLib CompressorStations schema; Koch et al. (eds.), "Evaluating Gas Network
// Capacities", SIAM 2015, ch. 2; coefficient order checked against the measurements GasLib keeps
// beside the fitted coefficients):
//   H(Q, n)   = sum_{j=0..2} Q^j (c[3j] + c[3j+1] n + c[3j+2] n^2)      speed isolines (n_isoline_coeff_1..9)
//   eta(Q, n) = same form                                                efficiency (eta_ad_isoline_coeff_1..9)
//   surge:  H <= s0 + s1 Q + s2 Q^2   choke:  H >= c0 + c1 Q + c2 Q^2    (surgeline_coeff, chokeline_coeff)
//   n_min <= n <= n_max
// Piston compressor: Q = V_o n / 60 (operating volume per revolution), n_min <= n <= n_max,
//   p_out / p_in <= ratio_max, torque P / (2 pi n / 60) <= M_max (when given), constant efficiency.
// Both: adiabatic head of the gas at the unit's inlet (isothermal network: the inlet temperature is the
// gas temperature, i.e. cooled after every stage)
//   H_ad = Z(p_in) R_s T kappa/(kappa-1) ((p_out/p_in)^((kappa-1)/kappa) - 1)         [J/kg]
//   Q = mdot Z(p_in) R_s T / p_in,  shaft power P = mdot H_ad / eta                   [m3/s, W]
// Drives: the largest shaft power P_max(n) = d0 + d1 n + d2 n^2 (gas-driven and electric motors), or
//   P_max(n, T_amb) = sum_j T_amb^j (d[3j] + d[3j+1] n + d[3j+2] n^2) (gas and steam turbines, T_amb
//   in degC); the energy rate b(P) = e0 + e1 P + e2 P^2 (kW of fuel heat, or of electricity for an
//   electric motor; e0 is what a running unit takes at no load). Fuel gas = b / lower heating value.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace corridor::gas {

/// GasLib's quadratic c0 + c1 x + c2 x^2.
template <class T>
T gaslib_quadratic(const std::array<double, 3>& c, const T& x) {
  return T(c[0]) + x * (T(c[1]) + x * T(c[2]));
}

/// GasLib's biquadratic sum_{j=0..2} x^j (c[3j] + c[3j+1] y + c[3j+2] y^2) (x: flow or temperature, y: speed).
template <class T>
T gaslib_biquadratic(const std::array<double, 9>& c, const T& x, const T& y) {
  const T a0 = T(c[0]) + y * (T(c[1]) + y * T(c[2]));
  const T a1 = T(c[3]) + y * (T(c[4]) + y * T(c[5]));
  const T a2 = T(c[6]) + y * (T(c[7]) + y * T(c[8]));
  return a0 + x * (a1 + x * a2);
}

struct TurboCompressor {
  std::array<double, 9> head_kj_per_kg{};        ///< H(Q, n): n_isoline_coeff_1..9
  std::array<double, 9> efficiency{};            ///< eta(Q, n): eta_ad_isoline_coeff_1..9
  std::array<double, 3> surge_head_kj_per_kg{};  ///< operating points have H <= this at their Q
  std::array<double, 3> choke_head_kj_per_kg{};  ///< and H >= this
};

struct PistonCompressor {
  double operating_volume_m3 = 0.0;             ///< displaced per revolution: Q = V_o n / 60
  std::optional<double> torque_max_n_m;         ///< GasLib writes 0 where no torque limit is known: unset
  double ratio_max = 0.0;                       ///< maximalCompressionRatio
  double adiabatic_efficiency = 0.0;
  double additional_reduction_vol_flow = 0.0;   ///< read and kept; not used (its law is not in the schema)
};

enum class DriveKind { gas_turbine, steam_turbine, gas_driven_motor, electric_motor };
std::string_view to_string(DriveKind kind);

struct Drive {
  std::string id;
  DriveKind kind = DriveKind::gas_turbine;
  std::array<double, 3> energy_rate_kw{};  ///< b(P) = e0 + e1 P + e2 P^2, P shaft power in kW
  /// P_max in kW: 3 coefficients in n, or 9 in (T_amb degC, n).
  std::vector<double> power_max_kw;
  [[nodiscard]] bool burns_gas() const { return kind != DriveKind::electric_motor; }
};

struct CompressorUnit {
  std::string id;
  std::size_t drive = 0;  ///< index into StationMachines::drives
  double speed_min_per_min = 0.0, speed_max_per_min = 0.0;
  std::optional<TurboCompressor> turbo;   ///< exactly one of turbo and piston
  std::optional<PistonCompressor> piston;
};

/// Which units run: serial stages, each of parallel units (indices into StationMachines::units).
struct StationConfiguration {
  std::string id;  ///< confId
  std::vector<std::vector<std::size_t>> stages;
};

struct StationMachines {
  std::string file;  ///< where they were read, for messages
  std::vector<CompressorUnit> units;
  std::vector<Drive> drives;
  std::vector<StationConfiguration> configurations;
  double ambient_temperature_c = 15.0;  ///< for turbine power curves; set explicitly by whoever attaches the data
};

/// The largest shaft power of a drive at a speed, kW (the drive's curve; header).
template <class T>
T drive_power_max_kw(const Drive& d, const T& speed_per_min, double ambient_temperature_c) {
  if (d.power_max_kw.size() == 9) {
    std::array<double, 9> c{};
    for (std::size_t i = 0; i < 9; ++i) c[i] = d.power_max_kw[i];
    return gaslib_biquadratic(c, T(ambient_temperature_c), speed_per_min);
  }
  return gaslib_quadratic({d.power_max_kw[0], d.power_max_kw[1], d.power_max_kw[2]}, speed_per_min);
}

/// The energy rate of a drive delivering a shaft power, kW (header).
template <class T>
T drive_energy_rate_kw(const Drive& d, const T& shaft_power_kw) {
  return gaslib_quadratic(d.energy_rate_kw, shaft_power_kw);
}

/// One unit's operating point, as evaluated from pressures and its flow (reporting, tests).
struct UnitOperatingPoint {
  std::string unit;
  double flow_kg_per_s = 0.0;
  double volumetric_flow_m3_per_s = 0.0;  ///< at the unit's inlet
  double head_kj_per_kg = 0.0;            ///< adiabatic head the pressures need
  double speed_per_min = 0.0;             ///< turbo: the isoline through (Q, H); piston: 60 Q / V_o
  double efficiency = 0.0;
  double power_w = 0.0;                   ///< shaft power
  double power_max_w = 0.0;               ///< of the drive at that speed
  double energy_rate_w = 0.0;             ///< fuel heat (gas drives) or electric power (electric motors)
  double fuel_kg_per_s = 0.0;             ///< gas drives: energy rate / lower heating value
  double electric_power_w = 0.0;          ///< electric motors
  bool in_range = false;                  ///< every limit of the unit and its drive holds (1e-6 relative)
  std::string outside;                    ///< the limit that does not hold, in words (empty when in range)
};

/// The operating point of a unit from its inlet and outlet pressure and its flow. `head_j_per_kg` and
/// `volumetric_m3_per_s` are the gas's (the caller computes them from the gas law, header).
UnitOperatingPoint unit_operating_point(const StationMachines& m, std::size_t unit, double flow_kg_per_s,
                                        double head_j_per_kg, double volumetric_m3_per_s, double ratio,
                                        double lower_heating_value_j_per_kg);

}  // namespace corridor::gas
