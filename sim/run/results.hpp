// The one results value of a run: everything any output shows (results folder, GeoPackage, the
// terminal, a batch row, a kept variant's folder, the report), computed once by run_scenario()
// (run.hpp). Writers only format it; no number is computed twice, so two files cannot disagree.
//
//   network, scenario    as solved: additions joined, edits applied
//   freight              link and node loads, the times the solution charged on every link direction and
//                        node (free flow or congested), every OD with its routes, shares and best route
//                        per route family
//   kpis                 served, unserved, transit, elements over capacity (sim/freight/kpis.hpp)
//   convergence          how the assignment ended
//   bottlenecks          maximum throughput between node groups and the minimum cut
//   events, event_kpis   the discrete-event simulation (with an `events:` section)
//   gas                  the gas network (with a `gas:` section; sim/run/gas_results.hpp)
//   defaults             attribute values the network took from defaults, with feature counts
//   warnings             what a planner must not overlook (saturation, ...), one sentence each
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/events/kpis.hpp"
#include "sim/events/simulator.hpp"
#include "sim/freight/assignment.hpp"
#include "sim/freight/corridor_equilibrium.hpp"
#include "sim/freight/corridor_sue.hpp"
#include "sim/freight/kpis.hpp"
#include "sim/freight/select.hpp"
#include "sim/network/network.hpp"
#include "sim/run/gas_results.hpp"
#include "sim/scenario/scenario.hpp"

namespace corridor::run {

/// An input file of the run and the SHA-256 of its bytes (hex).
struct InputFile {
  std::string file;  ///< file name (no folder)
  std::string sha256;
};

/// How the freight assignment ended (all-or-nothing: one iteration, gap 0).
struct Convergence {
  bool converged = true;
  std::size_t iterations = 1;
  double relative_gap = 0.0;
  std::optional<double> relative_gap_target;  ///< equilibrium methods
  std::string gap_definition;                 ///< equilibrium methods: "(TSTT - SPTT) / SPTT", ...
};

struct Results {
  scenario::Scenario scenario;
  network::Network network;
  std::vector<InputFile> inputs;
  std::string method;     ///< all_or_nothing, user_equilibrium, system_optimum
  std::string algorithm;  ///< dijkstra, algorithm_b, frank_wolfe, ...
  Convergence convergence;
  freight::FreightResults freight;
  freight::FreightKpis kpis;
  std::vector<freight::CorridorBottleneck> bottlenecks;
  /// Stochastic user equilibrium with hard capacities: the capacities that bind, largest shadow price first.
  std::vector<freight::BindingCapacity> binding_capacities;
  /// `analysis: {select: [...]}`: the OD flows through each selected node or link.
  std::vector<freight::Selection> selections;
  std::optional<events::EventResults> events;
  std::optional<events::EventKpis> event_kpis;
  std::optional<GasResults> gas;
  std::vector<network::DefaultUse> defaults;
  std::vector<std::string> warnings;
};

}  // namespace corridor::run
