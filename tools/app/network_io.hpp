// Glue between files and the Network: which layers to read, then build.
#pragma once

#include <string>
#include <vector>

#include "sim/network/network.hpp"
#include "sim/scenario/scenario.hpp"

namespace corridor::app {

/// Reads the network a scenario names, with the scenario's additions (`add:`), before edits.
network::Network load_network(const scenario::Scenario& scenario);

/// Reads the network, checks the scenario's ids against it and applies the scenario's edits:
/// what `corridor run` solves.
network::Network prepare(scenario::Scenario& scenario);

/// Reads a network named on the command line: one source holding layers `nodes` and `links`
/// (GeoPackage, a folder of Shapefiles), or two single-layer files (points and lines, any order).
network::Network load_network(const std::vector<std::string>& paths, double snap_tolerance_km = 1.0);

}  // namespace corridor::app
