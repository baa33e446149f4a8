// GasLib XML reader: a network (.net) and a nomination scenario (.scn) into a GasNetwork.
//
// GasLib (gaslib.zib.de, CC BY 3.0) gives node positions as x/y in the plane of its drawings, with no
// geographic reference: they are kept as given in Node::x / Node::y (GasNetwork::coordinates_note says
// so) and never reprojected. Every unit of the GasLib schema is converted to SI by gaslib_units.hpp
// (a unit of the wrong kind, or one the schema does not know, is an InputError naming file and element);
// flows at standard conditions (0 degC, 1.01325 bar) become kg/s with the gas's normal density.
//
// Element mapping (docs/gas.md, "Importers"): source (an entry) / sink / innode -> Node; pipe -> Pipe
// (pressureMax as MAOP); resistor with dragFactor -> Pipe of zero length, loss coefficient = dragFactor;
// resistor with pressureLoss -> Valve of kind loss_resistor (a fixed drop); shortPipe, heatExchanger ->
// short pipe; valve -> Valve (open; the optimiser may close it); controlValve -> control valve with its
// limits (pressureDifferentialMin/Max, pressureInMin, pressureOutMax, flowMax), open for the simulator,
// active on pressureSet when given; compressorStation -> Compressor with its limits (pressureInMin,
// pressureOutMax, flowMin/Max), for the simulator on outlet pressure control at pressureOutMax with
// bypass. Not read: the .cs machine data, pressureLossIn/Out, dragFactorIn/Out.
// Gas: normal density, temperature, pseudocritical data and calorific value of the first source.
//
// Scenario: each node's nominated flow (mean of its lower and upper bound; the range is kept in
// Node::injection_min/max_kg_per_s), entries positive; pressure bounds narrow the node's own, equal
// bounds hold the pressure. Slack nodes: the shared rule of slack_rule.hpp (options can override).
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "sim/gas/model.hpp"

namespace corridor::gas {

struct GasLibOptions {
  FrictionModel friction = FrictionModel::nikuradse;  ///< GasLib's usual rough-pipe law
  GasLaw law = GasLaw::papay;
  double viscosity_pa_s = 1.0e-5;                     ///< GasLib gives none
  std::optional<std::string> slack_node;              ///< default: see above
  std::optional<double> slack_pressure_pa;            ///< default: the slack node's pressureMax
};

/// Reads a GasLib network and scenario; throws InputError naming the file and element on bad input.
GasNetwork read_gaslib(const std::filesystem::path& net_file, const std::filesystem::path& scn_file,
                       const GasLibOptions& options = {});

}  // namespace corridor::gas
