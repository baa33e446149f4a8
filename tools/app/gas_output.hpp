// The gas results as files and text: attributes of pipeline links and gas nodes (links.geojson,
// nodes.geojson), gas_pipes.csv, gas_nodes.csv, summary.json "gas" and the terminal lines
// (docs/gas.md, "Results"). Formats run::GasResults; computes nothing.
#pragma once

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>

#include "geo/feature.hpp"
#include "sim/network/network.hpp"
#include "sim/run/gas_results.hpp"

namespace corridor::app {

nlohmann::ordered_json gas_summary_json(const run::GasResults& gas);

/// Gas attributes of network link `link` / network node `node` (nothing when it is not a gas element).
void add_gas_link_attributes(const run::GasResults& gas, std::size_t link, geo::Feature& f);
void add_gas_node_attributes(const run::GasResults& gas, std::size_t node, geo::Feature& f);

std::string gas_pipes_csv(const network::Network& net, const run::GasResults& gas);
std::string gas_nodes_csv(const run::GasResults& gas);

/// A few lines for the terminal: convergence, supplies and deliveries, pressures, power, capacity, N-1.
void print_gas_summary(std::ostream& out, const run::GasResults& gas);

}  // namespace corridor::app
