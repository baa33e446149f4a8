// The gas part of `corridor run`: reads the scenario's `gas:` section, solves the corridor's gas
// network (sim/gas), runs the capacity studies it asks for, and adds the results to the results
// folder: gas attributes of pipeline links and gas nodes, gas_pipes.csv, gas_nodes.csv and a "gas"
// object in summary.json (docs/gas.md, "Results").
#pragma once

#include <iosfwd>
#include <nlohmann/json.hpp>

#include "sim/gas/settings.hpp"
#include "sim/network/network.hpp"
#include "sim/scenario/scenario.hpp"
#include "tools/app/results_folder.hpp"

namespace corridor::app {

struct GasOutcome {
  gas::GasSettings settings;
  gas::GasCase gas_case;
  gas::GasStudy study;
  nlohmann::ordered_json summary;  ///< the "gas" member of summary.json
};

/// Reads and checks the scenario's gas section (InputError naming file, line and key). Call before
/// long solves so that a typo fails fast.
gas::GasSettings read_gas_settings(const scenario::Scenario& scenario);

/// Solves the gas network of `net` (scenario edits applied) under `settings`, runs the capacity
/// studies, and registers the gas results in `extras` (the callbacks own their data). Throws
/// InputError (ids the network does not have) or SolverError (the nominal case has no steady state:
/// the message names the worst node); nothing is registered then.
GasOutcome run_gas(const network::Network& net, const gas::GasSettings& settings, ResultsExtras& extras);

/// A few lines for the terminal: convergence, supplies and deliveries, pressures, power, capacity, N-1.
void print_gas_summary(std::ostream& out, const GasOutcome& outcome);

/// The CSV tables (exposed for tests).
std::string gas_pipes_csv(const network::Network& net, const GasOutcome& outcome);
std::string gas_nodes_csv(const network::Network& net, const GasOutcome& outcome);

}  // namespace corridor::app
