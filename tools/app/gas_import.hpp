// `corridor import gaslib NET.net SCN.scn [CS.cs] --out DIR`: a GasLib network and nomination (sim/gas/gaslib)
// as a corridor network in our GIS schema (DIR/nodes.geojson, DIR/links.geojson) and a scenario with
// the gas section and the nominations (DIR/scenario.yaml), which `corridor run` solves to the same
// state as the GasLib model read directly.
//
// Mapping: GasLib sources/sinks/innodes -> nodes of kind gas_source / gas_sink / junction (by their
// nomination: an entry with flow is a gas_source, an exit a gas_sink, else a junction), with height_m,
// pressure_min_bar, pressure_max_bar; pipes -> pipeline links (length_km, diameter_mm, roughness_mm,
// pressure_max_bar); resistors, short pipes, valves and control valves -> pipeline links with
// gas_element resistor (loss_coefficient = dragFactor) / short_pipe / valve / control_valve; a
// compressor station from A to B -> a node of kind compressor (compressor_outlet_bar = pressureOutMax)
// joined to A and B by two short pipes `<id>_in` and `<id>_out`.
//
// Positions: GasLib x/y are drawing coordinates with no geographic reference. They are placed on a
// plane around lon/lat (0, 0) keeping the relative layout: centred on the middle of their extent and
// scaled so that the pipes as drawn have their total given length (1 degree = 111.32 km), i.e. a local
// equirectangular drawing near the equator; the original x/y are kept as attributes gaslib_x, gaslib_y.
// Hydraulics use the given lengths, never the drawing.
#pragma once

#include <iosfwd>
#include <string>

namespace corridor::app {

struct GasLibImportOptions {
  std::string network;   ///< .net
  std::string scenario;  ///< .scn
  std::string out_dir;
  /// .cs (optional): copied into DIR and named by scenario.yaml's `gas: compressor_stations`, so that
  /// the run optimises the stations on their machines.
  std::string compressor_stations;
  /// Written beside it: GasLib gives none; 15 degC, the ISO reference of gas-turbine ratings.
  double ambient_temperature_c = 15.0;
};

/// Writes the folder (atomically); prints one line. Throws InputError for bad GasLib files.
int import_gaslib(const GasLibImportOptions& options, std::ostream& out);

}  // namespace corridor::app
