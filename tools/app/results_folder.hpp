// The results folder (docs/results.md lists every file and column with its unit): links.geojson,
// nodes.geojson (or results.gpkg), od.csv, od_routes.csv, routes.csv, summary.json, and the event and
// gas files when the run has them; written complete or not at all, into a folder that check_output_folder
// allows (output_folder.hpp). Everything is formatted from one run::Results; nothing is computed here.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "geo/writer.hpp"
#include "sim/run/results.hpp"

namespace corridor::app {

/// Writes every results file of `results` into `dir` (replacing an earlier results folder whole): links
/// and nodes as GeoJSON (default) or both, with the od table, as layers of one GeoPackage `results.gpkg`;
/// the CSV tables and summary.json in both cases. `inputs` are the run's input files and folders, which
/// `dir` may not hold (run::input_paths). `run_time_s` goes into summary.json only.
void write_results(const std::filesystem::path& dir, const run::Results& results, double run_time_s,
                   const std::vector<std::filesystem::path>& inputs,
                   geo::VectorFormat format = geo::VectorFormat::geojson);

/// summary.json (exposed for tests and batch rows).
nlohmann::ordered_json summary_json(const run::Results& results, double run_time_s);

/// The CSV tables (exposed for tests).
std::string od_csv(const run::Results& results);
std::string od_routes_csv(const run::Results& results);
std::string routes_csv(const run::Results& results);

/// The line of a path, its links' vertices joined in travel order (WGS84 lon/lat).
std::vector<geo::LonLat> route_geometry(const network::Network& net, const freight::Path& path);

/// Route as node ids joined by '>'.
std::string route_text(const network::Network& net, const freight::Path& path);

}  // namespace corridor::app
