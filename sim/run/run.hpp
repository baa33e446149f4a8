// The library's entry point: runs a scenario end to end (network and additions, edits, freight
// assignment, route families, bottlenecks, event simulation, gas network) and returns the one Results
// value (results.hpp) that every output formats. `corridor run`, every batch row and kept folder, and
// any other front end call this and compute nothing themselves.
#pragma once

#include <filesystem>
#include <optional>
#include <vector>

#include "geo/error.hpp"
#include "sim/events/settings.hpp"
#include "sim/gas/settings.hpp"
#include "sim/run/results.hpp"

namespace corridor::run {

struct Options {
  unsigned threads = 0;         ///< workers for the assignment's shortest-path trees; 0: all cores (results do not depend on it)
  bool route_families = true;   ///< false: skip the best route per family (batch rows that are not kept)
  bool bottlenecks = true;      ///< false: skip the maximum-throughput studies (batch rows that are not kept)
  bool events = true;           ///< false: skip the event simulation
  bool gas_capacity = true;     ///< false: the gas network at its nomination only (no maximum throughput, no N-1)
  bool input_hashes = true;     ///< SHA-256 of every input file
};

/// The gas network has no steady state at its nomination (a SolverError that names the gas part).
class GasNotConverged : public SolverError {
public:
  using SolverError::SolverError;
};

/// The scenario's events and gas sections, each when present.
struct RunSettings {
  std::optional<events::EventSettings> events;
  std::optional<gas::GasSettings> gas;
};

/// Reads and checks the scenario's events and gas sections (InputError naming file, line and key).
RunSettings read_run_settings(const scenario::Scenario& s);

/// Loads `scenario_file` with its network and runs it.
Results run_scenario(const std::filesystem::path& scenario_file, const Options& options = {});

/// Runs `scenario` on `network` as loaded (additions joined, edits not yet applied): checks the ids it
/// names, applies its edits, solves. Throws InputError (bad ids, unreachable demand where the scenario
/// makes that an error, bad sections), GasNotConverged (a gas network without a steady state) or
/// SolverError (an equilibrium short of its gap).
Results run_scenario(scenario::Scenario scenario, network::Network network, const Options& options = {});

/// Every file and folder the scenario reads (its files and those it extends, OD matrices, the network
/// and its additions), as written in the scenario (resolved against its folder).
std::vector<std::filesystem::path> input_paths(const scenario::Scenario& scenario);

/// SHA-256 of a file's bytes, in hex.
std::string sha256_file(const std::filesystem::path& file);

}  // namespace corridor::run
