// The results folder of DESIGN.md (links.geojson, nodes.geojson, od.csv, routes.csv, summary.json),
// written complete or not at all: files go to a staging folder that is renamed into place.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "sim/freight/assignment.hpp"
#include "sim/network/network.hpp"
#include "sim/scenario/scenario.hpp"

namespace corridor::app {

/// Figures a planner reads first; also what summary.json carries as "kpis".
nlohmann::ordered_json freight_kpis(const network::Network& net, const freight::FreightResults& r);

/// Writes every results file for a freight run into `dir` (replacing an earlier folder whole).
void write_results(const std::filesystem::path& dir, const network::Network& net, const scenario::Scenario& scenario,
                   const freight::FreightResults& results, double run_time_s);

/// The od.csv text (exposed for tests).
std::string od_csv(const network::Network& net, const scenario::Scenario& scenario, const freight::FreightResults& r);

/// Route as node ids joined by '>'.
std::string route_text(const network::Network& net, const freight::Path& path);

/// SHA-256 of a file's bytes, in hex.
std::string sha256_file(const std::filesystem::path& file);

}  // namespace corridor::app
