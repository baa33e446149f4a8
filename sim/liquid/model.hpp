// The liquid (crude oil, products, water) pipeline model, in SI units and independent of any file
// format: nodes (pressure-held "slack" nodes, e.g. a head tank farm, or nodes with a fixed injection or
// delivery), pipes, pump stations and valves. Importers (from_network.hpp, the STANET test reader) build
// it; the solver (solver.hpp) reads it.
//
// Units inside sim/liquid: pressure in Pa GAUGE (relative to the atmosphere; an incompressible liquid
// does not care about the absolute level), mass flow in kg/s, volume flow in m3/s, lengths in m,
// heights in m above a common datum, temperature in K, dynamic viscosity in Pa s. Planners' units
// (bar, Mt/yr, m3/h, mm2/s, degC) are converted at the boundary only (units.hpp).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/gas/friction.hpp"

namespace corridor::liquid {

using gas::FrictionModel;

/// A pump's head-flow curve as pressure lift against volume flow: lift_bar = sum_k c_k Q^k with Q in
/// m3/h (the form of pandapipes' pump standard types: points fitted by least squares with a stated
/// polynomial degree).
struct PumpCurve {
  std::string name;
  std::vector<double> coefficients;  ///< c_0, c_1, ... (bar, bar/(m3/h), ...)
  double flow_max_m3_per_h = 0.0;    ///< the largest flow of the points the curve was fitted to (checked after solving)

  /// Least-squares polynomial of `degree` through (flow m3/h, lift bar) points (QR; throws
  /// std::invalid_argument for fewer points than coefficients).
  static PumpCurve fit(std::string name, const std::vector<std::pair<double, double>>& points, int degree);
  [[nodiscard]] double lift_bar(double q_m3_per_h) const;
  [[nodiscard]] double dlift_bar_per_m3h(double q_m3_per_h) const;
};

/// The liquid: constant density; viscosity either constant or from the Walther (ASTM D341) relation
/// log10(log10(nu + 0.7)) = A - B log10(T) through two (T, nu) points, evaluated at each pipe's
/// temperature (nu kinematic, mm2/s; T in K).
struct Fluid {
  std::string name = "liquid";
  double density_kg_per_m3 = 1000.0;
  double viscosity_pa_s = 1e-3;  ///< dynamic, at `temperature_k` (used when no Walther points)
  double temperature_k = 288.15;
  struct ViscosityPoint {
    double temperature_k = 0.0;
    double kinematic_mm2_per_s = 0.0;
  };
  /// Two points: viscosity from the Walther relation at each pipe's temperature.
  std::vector<ViscosityPoint> walther;

  /// Dynamic viscosity at temperature t (K): the Walther relation when given, else viscosity_pa_s.
  [[nodiscard]] double viscosity_at(double temperature_k) const;
};

struct Node {
  std::string id;
  double height_m = 0.0;
  /// Set: held at this gauge pressure (Pa), e.g. a tank farm at a station's suction; its injection is a result.
  std::optional<double> pressure_set_pa;
  double injection_kg_per_s = 0.0;        ///< injection > 0 (a field, a transit entry), delivery < 0
  std::optional<double> pressure_min_pa;  ///< gauge; checked (e.g. the delivery pressure, a pump's suction minimum)
  std::optional<double> pressure_max_pa;  ///< gauge; checked
};

/// A pipe: Darcy-Weisbach with the friction laws of the gas solver (friction.hpp) and elevation.
struct Pipe {
  std::string id;
  std::size_t from = 0, to = 0;
  double length_m = 0.0;
  double diameter_m = 0.0;                ///< inner diameter
  double roughness_m = 0.0;
  double loss_coefficient = 0.0;          ///< zeta, added to lambda L / D
  std::optional<double> friction_factor;  ///< fixed Darcy lambda (FrictionModel::fixed)
  std::optional<double> temperature_k;    ///< the oil's temperature in this pipe (Walther viscosity); else the fluid's
  std::optional<double> pressure_max_pa;  ///< maximum allowable operating pressure (MAOP), gauge, checked at both ends
  std::optional<double> velocity_max_m_per_s;
  bool in_service = true;
};

/// How a pump station runs.
enum class PumpState {
  running,    ///< lift from the curve
  throttled,  ///< the discharge is held at discharge_max_pa (the station's control valve takes the rest of the lift)
  bypass,     ///< out of service with the station bypass open: no lift, flow passes (p_out = p_in)
  off,        ///< out of service and closed: no flow
  check,      ///< running but closed by its check valve: the downstream pressure exceeds what it can lift
};
std::string_view to_string(PumpState state);

/// A pump station from an inlet (suction) to an outlet (discharge) node: `series` identical units in
/// series, each stage `parallel` units in parallel, at relative speed `speed` (affinity laws):
///   lift(Q) = series * speed^2 * unit_lift(Q / (parallel * speed))
/// Flow only from inlet to outlet (a check valve). Power = Q lift / efficiency.
struct PumpStation {
  std::string id;
  std::size_t from = 0, to = 0;
  PumpCurve curve;
  int series = 1;
  int parallel = 1;
  double speed = 1.0;
  double efficiency = 0.8;                  ///< pump and motor, hydraulic power / electric power
  std::optional<double> discharge_max_pa;   ///< gauge; above it the station throttles (a discharge control valve)
  bool in_service = true;                   ///< false: bypassed (or closed when bypass_open is false)
  bool bypass_open = true;                  ///< out of service: the bypass lets the flow pass

  [[nodiscard]] double lift_pa(double q_m3_per_s) const;
  [[nodiscard]] double dlift_pa_per_m3s(double q_m3_per_s) const;
};

/// A valve (block valve): open (no pressure drop) or closed (no flow).
struct Valve {
  std::string id;
  std::size_t from = 0, to = 0;
  bool open = true;
};

struct LiquidNetwork {
  Fluid fluid;
  FrictionModel friction = FrictionModel::colebrook_white;
  std::vector<Node> nodes;
  std::vector<Pipe> pipes;
  std::vector<PumpStation> pumps;
  std::vector<Valve> valves;

  [[nodiscard]] std::optional<std::size_t> find_node(std::string_view id) const;
  [[nodiscard]] std::optional<std::size_t> find_pipe(std::string_view id) const;
  [[nodiscard]] std::optional<std::size_t> find_pump(std::string_view id) const;
  std::size_t add_node(std::string id, double height_m = 0.0, double injection_kg_per_s = 0.0);
  std::size_t add_pipe(std::string id, std::size_t from, std::size_t to, double length_m, double diameter_m,
                       double roughness_m);
  std::size_t add_pump(std::string id, std::size_t from, std::size_t to, PumpCurve curve);
  /// Checks ids, indices and physical values; throws InputError listing every problem (file = `source`).
  void validate(const std::string& source = "liquid network") const;
};

}  // namespace corridor::liquid
