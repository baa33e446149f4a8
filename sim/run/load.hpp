// Reading a network from its GIS files (through geo/, which holds every GDAL call): which layers to
// read, then build.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "geo/feature.hpp"
#include "sim/network/network.hpp"
#include "sim/scenario/scenario.hpp"

namespace corridor::run {

/// The `nodes` and `links` layers of one source, or of two single-layer files, read at the same time
/// (two threads: at a million links this takes about a third off the load time). Errors are reported
/// as if read one after the other, nodes first.
std::pair<geo::Layer, geo::Layer> read_layers(const std::string& nodes_path, const std::string& nodes_layer,
                                              const std::string& links_path, const std::string& links_layer);

/// Reads the network a scenario names, with the scenario's additions (`add:`), before edits.
network::Network load_network(const scenario::Scenario& scenario);

/// Reads the network, checks the scenario's ids against it and applies the scenario's edits:
/// what `corridor run` solves.
network::Network prepare(scenario::Scenario& scenario);

/// Reads a network named on the command line: one source holding layers `nodes` and `links`
/// (GeoPackage, a folder of Shapefiles), or two single-layer files (points and lines, any order).
network::Network load_network(const std::vector<std::string>& paths, double snap_tolerance_km = 1.0);

}  // namespace corridor::run
