// The results folder of DESIGN.md (links.geojson, nodes.geojson, od.csv, routes.csv, summary.json),
// written complete or not at all: files go to a staging folder that is renamed into place.
#pragma once

#include <filesystem>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "geo/feature.hpp"
#include "geo/writer.hpp"

#include "sim/freight/assignment.hpp"
#include "sim/network/network.hpp"
#include "sim/scenario/scenario.hpp"

namespace corridor::app {

/// A folder written complete or not at all: files go into a staging folder beside it (".NAME.partial-PID"),
/// renamed into place by commit(); an earlier folder of that name is replaced whole. Without commit() (an
/// exception on the way) the staging folder is removed.
class StagedFolder {
public:
  explicit StagedFolder(std::filesystem::path dir);
  StagedFolder(const StagedFolder&) = delete;
  StagedFolder& operator=(const StagedFolder&) = delete;
  ~StagedFolder();
  [[nodiscard]] std::filesystem::path file(const std::string& name) const { return staging_ / name; }
  void commit();

private:
  std::filesystem::path dir_, staging_, old_;
  bool committed_ = false;
};

/// Figures a planner reads first; also what summary.json carries as "kpis".
nlohmann::ordered_json freight_kpis(const network::Network& net, const freight::FreightResults& r);

/// What the other parts of a run (equilibrium, bottlenecks, gas, events) add to the results folder.
struct ResultsExtras {
  /// Extra attributes of link `i` / node `i` in links and nodes layers.
  std::vector<std::function<void(std::size_t, geo::Feature&)>> link_properties;
  std::vector<std::function<void(std::size_t, geo::Feature&)>> node_properties;
  /// Extra files, written into the staging folder (the argument) before it is renamed into place.
  std::vector<std::function<void(const std::filesystem::path&)>> files;
  /// Top-level members of summary.json; a member named like a default one ("solver", "convergence")
  /// replaces it, others are appended after "kpis".
  nlohmann::ordered_json summary = nlohmann::ordered_json::object();
  /// Extra columns of od.csv (and the od layer), one value per OD in results order.
  std::vector<std::pair<std::string, std::vector<std::string>>> od_columns;
};

/// Writes every results file for a run into `dir` (replacing an earlier folder whole): links and nodes
/// as GeoJSON (default) or both, with the od table, as layers of one GeoPackage `results.gpkg`; od.csv,
/// routes.csv and summary.json in both cases.
void write_results(const std::filesystem::path& dir, const network::Network& net, const scenario::Scenario& scenario,
                   const freight::FreightResults& results, double run_time_s, const ResultsExtras& extras = {},
                   geo::VectorFormat format = geo::VectorFormat::geojson);

/// The line of a path, its links' vertices joined in travel order (WGS84 lon/lat).
std::vector<geo::LonLat> route_geometry(const network::Network& net, const freight::Path& path);

/// The od.csv text (exposed for tests).
std::string od_csv(const network::Network& net, const scenario::Scenario& scenario, const freight::FreightResults& r,
                   const ResultsExtras& extras = {});

/// A number with a fixed count of decimals, for CSV and the terminal (stable across runs and platforms).
std::string fixed(double x, int decimals);

/// Route as node ids joined by '>'.
std::string route_text(const network::Network& net, const freight::Path& path);

/// SHA-256 of a file's bytes, in hex.
std::string sha256_file(const std::filesystem::path& file);

}  // namespace corridor::app
