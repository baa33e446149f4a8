// Everything `corridor run` writes beyond the freight flows: the solver and its convergence, route
// shares per OD, bottlenecks (maximum throughput and minimum cut), the discrete-event simulation and
// the gas network. Shared by `corridor run` and the kept folders of `corridor batch`, so that a kept
// variant's folder is the folder `corridor run` would write for it.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "sim/events/settings.hpp"
#include "sim/events/simulator.hpp"
#include "sim/freight/assignment.hpp"
#include "sim/freight/corridor_equilibrium.hpp"
#include "sim/gas/settings.hpp"
#include "sim/network/network.hpp"
#include "sim/scenario/scenario.hpp"
#include "tools/app/gas_run.hpp"
#include "tools/app/results_folder.hpp"

namespace corridor::app {

/// How the freight assignment ended (all-or-nothing: one iteration, gap 0).
struct FreightConvergence {
  bool converged = true;
  std::size_t iterations = 1;
  double relative_gap = 0.0;
};

struct RunResults {
  ResultsExtras extras;  ///< for write_results; its callbacks own (or share) their data
  std::vector<freight::CorridorBottleneck> bottlenecks;
  std::shared_ptr<const events::EventResults> events;  ///< with an events section
  std::optional<GasOutcome> gas;                       ///< with a gas section
};

/// The scenario's events and gas sections, each when present.
struct RunSettings {
  std::optional<events::EventSettings> events;
  std::optional<gas::GasSettings> gas;
};

/// Reads and checks the scenario's events and gas sections (InputError naming file, line and key). Call
/// before long solves so that a typo fails fast.
RunSettings read_run_settings(const scenario::Scenario& s);

/// Solves what the scenario asks for beyond the freight assignment `r` on `net` (edits applied):
/// gas network, bottlenecks, event simulation; and registers every result for the results folder.
/// `net` must outlive the returned extras. Throws InputError or SolverError (gas without a steady state).
RunResults complete_run(const network::Network& net, const scenario::Scenario& s, const freight::FreightResults& r,
                        const FreightConvergence& convergence, const RunSettings& settings);

}  // namespace corridor::app
