// GasLib XML reader: a network (.net) and a nomination scenario (.scn) into a GasNetwork.
//
// GasLib (gaslib.zib.de, CC BY 3.0) gives node positions as x/y in the plane of its drawings, with no
// geographic reference: they are kept as given in Node::x / Node::y (GasNetwork::coordinates_note says
// so) and never reprojected. Pressures in GasLib files are read as absolute bar. Flows given in
// 1000 m3/h at standard conditions (0 degC, 1.01325 bar) become kg/s with the gas's normal density.
//
// Element mapping: source/sink/innode -> Node (height, pressure bounds); pipe -> Pipe (length,
// diameter, roughness, pressureMax as the pipe's MAOP); resistor -> Pipe of zero length with loss
// coefficient = dragFactor; shortPipe -> Valve (short_pipe); valve -> open Valve; controlValve -> open
// Valve (control_valve: a nomination file carries no regulator settings); compressorStation ->
// Compressor on outlet pressure control at its pressureOutMax, bypassed when not needed (the .cs
// machine data is not read; pressureLossIn/Out and dragFactorIn/Out are not modelled).
// Gas: normal density, temperature and pseudocritical data of the first source; law Papay.
//
// Scenario: each node's nominated flow (mean of its lower and upper bound) is its injection, entries
// positive. A node with a pressure nomination (lower = upper) becomes a slack node; without any, the
// entry with the largest nomination is the slack node, held at its pressureMax (options can override).
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
