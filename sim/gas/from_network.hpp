// Builds a GasNetwork from the corridor network (sim/network): the pipeline links and the nodes they
// touch, with units converted at this boundary (bar -> Pa, mm -> m, km -> m, mcm/day -> kg/s at
// 0 degC and 1.01325 bar with the gas's normal density).
//
// Nodes: pressure_min_bar / pressure_max_bar (absolute) become bounds; injection = supply - demand.
// Slack nodes: every node with the attribute `pressure_set_bar` (absolute); when no node has one, the
// gas_source with the largest supply is held at its pressure_max_bar. A part of the network fed only
// through stations on outlet pressure control has no pressure level of its own: its largest
// gas_source is then held at its pressure_max_bar too (its supply becomes a result).
// Compressor nodes (kind `compressor`) are split into an inlet (the node's id) and an outlet
// (id + ":out") joined by a Compressor. Links drawn *into* the node (to = node) attach to the inlet,
// links drawn *out of* it (from = node) to the outlet: draw pipelines in the direction of flow.
// Station attributes, read from the node's source feature:
//   compressor_outlet_bar    outlet pressure set point (absolute); else pressure_max_bar of the node
//   compressor_ratio         fixed ratio (used when there is no outlet set point)
//   compressor_ratio_max     ratio limit (caps outlet pressure control; checked)
//   compressor_power_max_mw  power limit, MW (checked; binds capacity studies)
//   compressor_efficiency    isentropic efficiency (default 0.8)
// Links (mode pipeline): length_km, diameter_mm, roughness_mm (default below), pressure_max_bar as
// MAOP, efficiency as the pipeline efficiency factor, directed, closed (out of service).
// `gas_element` makes a pipeline link another element (GasLib's, see gaslib.hpp): `pipe` (default),
// `resistor` (a pipe of zero length with loss coefficient `loss_coefficient`, e.g. GasLib's dragFactor),
// `short_pipe`, `valve` or `control_valve` (a Valve, open unless the link is closed; diameter and
// length are not used).
#pragma once

#include <optional>
#include <vector>

#include "sim/gas/model.hpp"
#include "sim/network/network.hpp"

namespace corridor::gas {

struct NetworkGasOptions {
  Gas gas = [] {
    Gas g = Gas::from_specific_gravity(0.6, 288.15);
    g.law = GasLaw::papay;
    return g;
  }();
  FrictionModel friction = FrictionModel::colebrook_white;
  double default_roughness_mm = 0.02;  ///< internally coated steel line pipe
};

struct NetworkGasModel {
  GasNetwork gas;
  std::vector<std::optional<std::size_t>> node_of;        ///< network node -> gas node (compressors: inlet)
  std::vector<std::optional<std::size_t>> outlet_of;      ///< network compressor node -> gas outlet node
  std::vector<std::optional<std::size_t>> compressor_of;  ///< network compressor node -> gas compressor
  std::vector<std::optional<std::size_t>> pipe_of;        ///< network link -> gas pipe
  std::vector<std::optional<std::size_t>> valve_of;       ///< network link -> gas valve (gas_element valve, short_pipe, control_valve)
};

/// Throws InputError (file, feature id, what) for missing or inconsistent gas attributes.
NetworkGasModel gas_network_from(const network::Network& network, const NetworkGasOptions& options = {});

}  // namespace corridor::gas
