// The `gas:` section of a scenario file (docs/gas.md, "Scenario section"): gas, friction and
// compressibility, nominations, slack nodes, station settings, solver settings and the capacity
// study; and what it turns the corridor network into: a gas model with the nominations applied,
// solved, with the capacity studies it asks for. Ids are kept with their file and line and checked
// against the network by gas_case(). Used by `corridor run` (tools/app/gas_run) and by batch studies.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <vector>

#include "sim/gas/capacity.hpp"
#include "sim/gas/from_network.hpp"
#include "sim/gas/optimizer.hpp"
#include "sim/network/network.hpp"
#include "sim/scenario/yaml_reader.hpp"

namespace corridor::gas {

/// An id as written in the scenario file, with where, for messages.
struct SettingId {
  std::string value;
  std::string file;
  int line = 0;  ///< 1-based
};

/// A supply or offtake nominated for a node, at standard conditions (0 degC, 1.01325 bar).
struct Nomination {
  SettingId node;
  double mcm_per_day = 0.0;  ///< bcm_per_year in the file is converted with a 365-day year
};

/// A slack node: held at this absolute pressure; its supply (or offtake) is the network's balance.
struct SlackSetting {
  SettingId node;
  double pressure_bar = 0.0;
};

/// Overrides of a compressor station's attributes (the node attributes of from_network.hpp).
struct StationSetting {
  SettingId node;
  std::optional<double> outlet_bar, ratio, ratio_max, power_max_mw, efficiency;
};

/// What the maximum throughput study scales and which outages N-1 takes.
struct CapacitySettings {
  bool all_offtakes = false;            ///< scale every offtake (default when no list is given)
  std::vector<SettingId> offtakes;      ///< scale these offtakes
  std::vector<SettingId> supplies;      ///< and these supplies, by the same factor
  bool n_minus_1_all = false;           ///< every line and station
  std::vector<SettingId> n_minus_1;     ///< lines (`line` attribute of pipelines), pipelines or stations
  std::vector<Violation::Kind> ignore;  ///< limits that do not count
  double relative_tolerance = 1e-3;
  double scale_max = 8.0;
};

/// simulate: the stations and regulators run on the settings given (node and link attributes, `gas:
/// compressors`); optimize: the optimiser chooses them (optimizer.hpp) and the simulator re-solves.
enum class GasMode { simulate, optimize };

struct GasSettings {
  std::string file;  ///< the scenario file that wrote the section
  GasMode mode = GasMode::simulate;
  Objective objective = Objective::compressor_power;  ///< optimize
  std::optional<double> specific_gravity;
  std::optional<double> normal_density_kg_per_m3;
  std::optional<double> temperature_k;
  std::optional<double> viscosity_pa_s;
  std::optional<double> heat_capacity_ratio;
  std::optional<double> pseudocritical_pressure_bar;
  std::optional<double> pseudocritical_temperature_k;
  std::optional<GasLaw> law;
  std::optional<double> z;                ///< constant_z, and the offset of linear_z
  std::optional<double> z_slope_per_bar;  ///< linear_z
  std::optional<FrictionModel> friction;
  std::optional<double> friction_factor;                     ///< fixed
  std::optional<double> roughness_mm;                        ///< pipelines without roughness_mm
  std::optional<double> pressure_min_bar, pressure_max_bar;  ///< gas nodes without their own bounds
  std::vector<Nomination> supplies, offtakes;
  std::vector<SlackSetting> slack;  ///< empty: the network's choice (from_network.hpp)
  std::vector<StationSetting> compressors;
  /// `compressor_stations: {file: X.cs, ambient_temperature_c: T}`: GasLib compressor-station data for
  /// the stations of the same ids (gaslib_cs.hpp; the optimiser runs them on their machines), the path
  /// resolved against the scenario file, and the ambient temperature of the turbines' power curves
  /// (required: it drives their largest power).
  struct StationData {
    std::string file;
    double ambient_temperature_c = 0.0;
  };
  std::optional<StationData> compressor_stations;
  SolverOptions solver;
  std::optional<CapacitySettings> capacity;
};

/// Reads and checks the section (unknown keys and bad values are InputErrors naming file, line and key).
GasSettings parse_gas_settings(const scenario::YamlReader& reader, const YAML::Node& gas);

/// One outage of the N-1 study: its label and the gas elements taken out.
struct Outage {
  std::string label;                  ///< "line A", "pipeline 'X'", "station 'UCS'"
  std::vector<std::string> elements;  ///< pipes and valves out of service
  std::vector<std::string> stations;  ///< compressors bypassed (ratio 1: gas passes, no compression)
};

/// The gas model of a network under the settings, ready to solve.
struct GasCase {
  NetworkGasModel model;
  std::vector<std::size_t> scaled_nodes;                     ///< gas nodes the throughput study scales
  std::vector<Outage> outages;                               ///< N-1
  std::vector<std::optional<double>> nominated_mcm_per_day;  ///< per gas node: supply (+) or offtake (-) as nominated
};

/// Builds the gas model of `network` (its scenario edits already applied) with the settings. Throws
/// InputError naming the scenario file and line for an id that is not a gas node, station, line or
/// pipeline, and for a nomination at a slack node.
GasCase gas_case(const network::Network& network, const GasSettings& settings);

/// The solution and the capacity studies the settings ask for.
struct GasStudy {
  /// optimize: the optimal settings, the re-simulated state (= solution) and the network with the
  /// settings applied (the one the outputs describe).
  std::optional<OptimizationResult> optimised;
  Solution solution;
  double solve_ms = 0.0;
  std::optional<ThroughputResult> max_throughput;
  std::vector<Contingency> n_minus_1;
  double study_ms = 0.0;
};

/// Solves (SolverError when the nominal case does not converge, or, optimising, when no setting
/// meets every bound: the message names what cannot be met) and runs the capacity studies (with the
/// controls re-optimised in optimize mode).
GasStudy run_gas_study(const GasCase& gas_case, const GasSettings& settings, bool with_capacity = true);

/// Smallest margin of a node's pressure above its pressure minimum over the solution, bar (negative:
/// below the minimum), and the node. (Above the maximum is not a margin: slack nodes and station
/// outlets are held at theirs.)
struct PressureMargin {
  double bar = 0.0;
  std::string node;
};
std::optional<PressureMargin> worst_pressure_margin(const GasNetwork& network, const Solution& solution);

}  // namespace corridor::gas
