// The gas network model, in SI units and independent of any file format: nodes (pressure-controlled
// "slack" nodes or nodes with a fixed injection), pipes, compressor stations and valves/short pipes.
// Importers (gaslib.hpp, from_network.hpp) and tests build it; the solver (solver.hpp) reads it.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sim/gas/compressor_machines.hpp"
#include "sim/gas/friction.hpp"
#include "sim/gas/gas_properties.hpp"

namespace corridor::gas {

struct Node {
  std::string id;
  double x = 0.0, y = 0.0;  ///< plane coordinates as given by the source (GasLib: its own x/y), for drawing only
  double height_m = 0.0;    ///< elevation above a common datum
  /// Set: a slack node held at this absolute pressure (Pa); its injection is a result.
  std::optional<double> pressure_set_pa;
  double injection_kg_per_s = 0.0;  ///< supply > 0, offtake < 0 (ignored at slack nodes)
  std::optional<double> pressure_min_pa;  ///< absolute; checked after solving
  std::optional<double> pressure_max_pa;  ///< absolute; checked after solving
  /// An entry (GasLib source, corridor gas_source): a candidate slack node (slack_rule.hpp).
  bool entry = false;
  /// The flow is nominated (GasLib: every node). The optimiser keeps a slack node's nominated flow
  /// unless it takes its part's balance; a slack node without a nominated flow supplies what is needed.
  bool flow_nominated = false;
  /// Nomination bounds on the injection (GasLib lower/upper flow bounds), for the optimiser; unset:
  /// the injection is fixed at injection_kg_per_s. The simulator always uses injection_kg_per_s.
  std::optional<double> injection_min_kg_per_s, injection_max_kg_per_s;
};

/// A pipe: isothermal general flow equation (see solver.hpp), optionally with a local loss coefficient.
/// A pipe of zero length with a loss coefficient is a resistor (GasLib <resistor>).
struct Pipe {
  std::string id;
  std::size_t from = 0, to = 0;
  double length_m = 0.0;
  double diameter_m = 0.0;
  double roughness_m = 0.0;                ///< equivalent sand roughness k
  std::optional<double> friction_factor;  ///< fixed Darcy lambda for this pipe, whatever the network's model
  double loss_coefficient = 0.0;           ///< zeta: local losses, added to lambda L / D
  double efficiency = 1.0;                 ///< pipeline efficiency factor E: lambda_effective = lambda / E^2
  std::optional<double> height_change_m;   ///< h_to - h_from when given per pipe; else from the node heights
  bool directed = false;                   ///< true: flow only from -> to (a check valve); reverse flow closes it
  bool in_service = true;
  std::optional<double> pressure_max_pa;          ///< maximum allowable operating pressure (MAOP), absolute
  std::optional<double> velocity_max_m_per_s;     ///< checked after solving
};

enum class CompressorMode {
  ratio,            ///< p_out = ratio * p_in
  outlet_pressure,  ///< p_out = outlet_pressure_pa
  bypass,           ///< the station's bypass is open: p_out = p_in, flow either way, no compression
};

/// A compressor station between an inlet and an outlet node. Its power is reported, not modelled
/// as a constraint inside Newton; limits are checked and (for outlet pressure control) enforced by
/// switching to the ratio limit or to the bypass.
struct Compressor {
  std::string id;
  std::size_t from = 0, to = 0;  ///< inlet, outlet
  CompressorMode mode = CompressorMode::ratio;
  double ratio = 1.0;                ///< mode ratio
  double outlet_pressure_pa = 0.0;   ///< mode outlet_pressure
  bool allow_bypass = true;          ///< outlet_pressure: bypassed (p_out = p_in) when the inlet is already above the set point
  std::optional<double> ratio_max;   ///< outlet_pressure: capped at this ratio; both modes: checked
  std::optional<double> power_max_w; ///< checked (binding limit for capacity studies)
  double isentropic_efficiency = 0.8;
  double driver_efficiency = 0.35;   ///< gas turbine: shaft power / fuel heat input (fuel gas)
  bool in_service = true;            ///< out of service (closed): no flow, no pressure link
  // Operating limits (GasLib compressorStation and its .cs file), used by the optimiser (optimizer.hpp).
  double ratio_min = 1.0;                         ///< when active
  std::optional<double> flow_min_kg_per_s;        ///< when active (>= 0)
  std::optional<double> flow_max_kg_per_s;        ///< when active
  std::optional<double> pressure_in_min_pa;       ///< when active
  std::optional<double> pressure_out_max_pa;      ///< when active
  bool optimise = true;  ///< false: the optimiser keeps the given mode and setting
  /// The station's machines (a GasLib .cs file, gaslib_cs.hpp): when set, the optimiser runs it in one
  /// of its configurations, each unit within its operating range, and takes power and fuel from the
  /// units' efficiencies and drives (compressor_machines.hpp) instead of isentropic_efficiency and
  /// driver_efficiency. The simulator does not use them. Shared: copies of a network share the data.
  std::shared_ptr<const StationMachines> machines;
};

/// valve: open or closed (an optimiser decision); short_pipe: always open; control_valve: a pressure
/// regulator (closed, bypass or active); loss_resistor: a fixed pressure loss from -> to (GasLib
/// <resistor> with <pressureLoss>, held as ValveControl::pressure_drop).
enum class ValveKind { valve, short_pipe, control_valve, loss_resistor };

/// How an open control valve (a pressure regulator) acts: as an open connection (its bypass),
/// holding its outlet pressure, or taking a fixed pressure drop (p_in - p_out = setpoint).
enum class ValveControl { none, outlet_pressure, pressure_drop };

/// A valve or a short pipe: no pressure drop when open (a negligible linear resistance keeps parallel
/// ideal elements determinate), no flow when closed. A control valve may also be active: it then
/// throttles the flow from `from` to `to` to hold its set point (ValveControl).
struct Valve {
  std::string id;
  std::size_t from = 0, to = 0;
  ValveKind kind = ValveKind::valve;
  bool open = true;
  ValveControl control = ValveControl::none;  ///< control valves: none is the bypass (open)
  double setpoint_pa = 0.0;                   ///< outlet pressure (absolute) or pressure drop
  // Limits of an active control valve (GasLib controlValve), used by the optimiser.
  double pressure_drop_min_pa = 0.0;
  std::optional<double> pressure_drop_max_pa;
  std::optional<double> pressure_in_min_pa, pressure_out_max_pa;
  std::optional<double> flow_max_kg_per_s;
  bool optimise = true;  ///< valves and control valves: false keeps the given state
};

struct GasNetwork {
  Gas gas;
  FrictionModel friction = FrictionModel::colebrook_white;
  double friction_factor = 0.01;  ///< network-wide lambda for FrictionModel::fixed when a pipe gives none
  std::vector<Node> nodes;
  std::vector<Pipe> pipes;
  std::vector<Compressor> compressors;
  std::vector<Valve> valves;
  std::string coordinates_note;  ///< what x/y of the nodes mean (e.g. "GasLib plane coordinates, no CRS")

  [[nodiscard]] std::optional<std::size_t> find_node(std::string_view id) const;
  [[nodiscard]] std::optional<std::size_t> find_pipe(std::string_view id) const;
  [[nodiscard]] std::optional<std::size_t> find_compressor(std::string_view id) const;
  [[nodiscard]] std::optional<std::size_t> find_valve(std::string_view id) const;

  std::size_t add_node(std::string id, double injection_kg_per_s = 0.0);
  std::size_t add_pipe(std::string id, std::size_t from, std::size_t to, double length_m, double diameter_m,
                       double roughness_m = 0.0);
  std::size_t add_compressor(std::string id, std::size_t from, std::size_t to, CompressorMode mode, double setting);
  std::size_t add_valve(std::string id, std::size_t from, std::size_t to, ValveKind kind = ValveKind::valve,
                        bool open = true);
  /// Checks ids, indices and physical values; throws InputError listing every problem (file = `source`).
  void validate(const std::string& source = "gas network") const;
};

/// Ambient (barometric) pressure at a height, Pa: p_n (1 - 0.0065 h / 288.15)^5.255, the international
/// standard atmosphere formula STANET and pandapipes use to turn gauge into absolute pressures.
double ambient_pressure_pa(double height_m);

}  // namespace corridor::gas
