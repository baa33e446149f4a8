// A scenario: which network, which demand, what changes, how to solve, where results go.
// Parsed from YAML; every key checked, every id reference kept with its line for later checks.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "sim/network/network.hpp"
#include "sim/scenario/edits.hpp"

namespace corridor::scenario {

/// A value together with where it was written, for messages.
template <typename T>
struct Located {
  T value{};
  std::string file;
  int line = 0;  ///< 1-based; 0 when unknown
};

/// The network's files: one source with layers `nodes` and `links` (GeoPackage, a folder of
/// Shapefiles), or a file per layer.
struct NetworkSource {
  std::filesystem::path dataset;  ///< set when one source holds both layers
  std::filesystem::path nodes;    ///< otherwise these two
  std::filesystem::path links;
  double snap_tolerance_km = 1.0;
  network::GeometryChecks geometry_checks;  ///< `network: {geometry_checks: ...}`
};

struct Commodity {
  std::string name;
  double value_of_time_usd_per_teu_h = 0.0;
  std::set<network::Mode> modes;  ///< modes this commodity may use
};

struct DemandRow {
  Located<std::string> origin;
  Located<std::string> destination;
  std::string commodity;
  double teu_per_year = 0.0;
};

/// A family of routes to compare (e.g. northern rail, Middle Corridor, sea): the best path that
/// passes at least one of `via`, none of `avoid`, and uses only `modes`.
struct RouteFamily {
  std::string name;
  std::vector<Located<std::string>> via;
  std::vector<Located<std::string>> avoid;
  std::set<network::Mode> modes;
};

enum class FreightMethod { all_or_nothing, user_equilibrium, system_optimum, stochastic_user_equilibrium };

/// The logit scale of one commodity's choice (stochastic user equilibrium), in 1 / (USD per TEU): a
/// route dearer by 1 / route_per_usd has e times fewer shippers, other things equal.
struct ChoiceDispersion {
  double route_per_usd = 0.0;  ///< within a nest (between routes of one main mode)
  double mode_per_usd = 0.0;   ///< between nests (main modes); 0: one level (the same as route_per_usd)
  bool calibrate_route = false;  ///< `corridor calibrate` fits route_per_usd
  bool calibrate_mode = false;   ///< ... and mode_per_usd
  std::string same_as;           ///< another commodity whose dispersion this one takes (then the rest is unused)
  std::string file;
  int line = 0;
};

/// A cost added once to every route that meets its condition: an alternative-specific constant (risk,
/// insurance, sanctions, contracts; what the network's times and tariffs do not say).
struct ChoiceConstant {
  std::string name;
  double usd_per_teu = 0.0;
  std::optional<Selector> select;          ///< routes that pass a selected node or use a selected link
  std::optional<network::Mode> main_mode;  ///< routes whose main mode (most kilometres) is this
  std::vector<std::string> commodities;    ///< empty: every commodity
  bool calibrate = false;                  ///< `corridor calibrate` fits usd_per_teu
  std::string file;
  int line = 0;
};

/// Route and mode choice of the stochastic user equilibrium (`freight: {choice: ...}`).
struct ChoiceSettings {
  std::map<std::string, ChoiceDispersion> dispersion;  ///< per commodity (every commodity needs one)
  /// The dispersion a commodity uses: its own, or that of the commodity it is `same_as`.
  [[nodiscard]] const ChoiceDispersion& dispersion_of(const std::string& commodity) const {
    const ChoiceDispersion& d = dispersion.at(commodity);
    return d.same_as.empty() ? d : dispersion.at(d.same_as);
  }
  bool nests_by_main_mode = true;  ///< nests: main_mode (sea / rail / road / ferry) or none
  double path_size = 1.0;          ///< exponent of the path-size correction; 0: plain logit
  std::size_t routes_per_od = 12;  ///< most routes in an OD's choice set
  std::size_t penalty_routes = 4;  ///< routes found by link penalties at free flow, per OD
  double penalty = 0.5;            ///< each use multiplies a link's cost by 1 + penalty
  /// Nodes every OD's choice set gets a route through (its free-flow best route via the node): border
  /// crossings, straits, ports the planner wants compared whatever their cost.
  std::vector<Located<std::string>> via;
  /// Value of reliability per commodity, USD per TEU and hour of standard deviation of the route's
  /// transit time (sqrt of the sum of its nodes' and links' time_sd_h squared). Absent: 0.
  std::map<std::string, double> reliability_usd_per_teu_h;
  std::vector<ChoiceConstant> constants;
  std::string file;  ///< where `choice:` was written
  int line = 0;
};

/// Volume-delay parameters of one mode (BPR t = t0 (1 + alpha (v/c)^beta), or Spiess' conical with alpha).
struct DelaySettings {
  bool conical = false;
  double alpha = 0.15;
  double beta = 4.0;
};

/// A corridor bottleneck query: the maximum throughput from one node group to another and its minimum cut.
struct BottleneckGroup {
  std::string name;
  std::vector<Located<std::string>> origins;
  std::vector<Located<std::string>> destinations;
  std::vector<Located<std::string>> avoid;  ///< nodes the corridor does not pass
  std::set<network::Mode> modes;  ///< modes counted (empty: every freight mode)
};

struct FreightSettings {
  FreightMethod method = FreightMethod::all_or_nothing;
  std::string algorithm = "algorithm_b";  ///< algorithm_b | frank_wolfe | conjugate_frank_wolfe | biconjugate_frank_wolfe
  double relative_gap = 1e-6;             ///< (TSTT - SPTT) / SPTT to stop at
  std::size_t max_iterations = 2000;
  double days_per_year = 365.0;  ///< converts annual demand to daily flows
  std::map<network::Mode, DelaySettings> link_delay;  ///< per mode; modes not listed use the defaults
  DelaySettings node_delay{false, 0.15, 4.0};        ///< border crossings, yards and ports against their capacity
  std::vector<BottleneckGroup> bottlenecks;
  /// `corridor run`: demand with no path is an error (default) or reported as unserved.
  bool unreachable_demand_is_error = true;
  ChoiceSettings choice;  ///< stochastic user equilibrium
  /// Capacities as hard limits (stochastic user equilibrium): no element ends above its capacity; the
  /// excess waits (a queue delay, the capacity's shadow price), takes another route, or goes unserved.
  bool hard_capacities = false;
  /// With hard capacities: what a TEU that is not shipped costs its shipper (USD per TEU), the price at
  /// which demand gives up rather than queue. Required with hard capacities.
  std::optional<double> unserved_usd_per_teu;
};

/// A section of the scenario read by another part (events, gas) with its own checks: the YAML node and
/// the file it was written in. A file that gives the section replaces the inherited one whole.
struct RawSection {
  std::filesystem::path file;
  YAML::Node node;
};

/// GIS files whose nodes and links are added to the network before the edits apply.
struct NetworkAddition {
  std::filesystem::path dataset;  ///< one source with layers nodes and links, or
  std::filesystem::path nodes;    ///< a file per layer (either may be empty)
  std::filesystem::path links;
};

struct Scenario {
  std::string name;
  std::string description;
  std::filesystem::path file;  ///< the YAML file itself
  NetworkSource network;
  std::vector<Commodity> commodities;
  std::vector<DemandRow> demand;
  std::vector<RouteFamily> route_families;
  network::AttributeDefaults defaults;  ///< `defaults:` per link mode and node kind (children override parents key by key)
  FreightSettings freight;
  std::optional<std::filesystem::path> output_dir;  ///< resolved against the scenario's folder
  std::vector<std::filesystem::path> input_files;   ///< every file read: the scenario, its OD matrices
  std::vector<NetworkAddition> additions;           ///< `add:` entries, in order
  std::vector<Edit> edits;                          ///< `edits:`, parents' first
  std::optional<RawSection> events;                 ///< `events:` (sim/events reads it)
  std::optional<RawSection> gas;                    ///< `gas:` (sim/gas reads it)
  /// `analysis: {select: [KUZ, AKT-MOI]}`: nodes and links whose traffic is traced back to its ODs
  /// (select-node / select-link analysis); a child's list replaces its parent's.
  std::vector<Located<std::string>> select;

  [[nodiscard]] const Commodity* find_commodity(std::string_view commodity) const;
};

/// Reads and checks a scenario file, following `extends:` (the parent is read first and this file
/// overrides it: mappings merge key by key, `demand` replaces, `edits` and `add` append). Paths are
/// relative to the file that writes them. Throws InputError naming the file, line and key.
Scenario load(const std::filesystem::path& file);

/// Applies the scenario's edits: network edits to `net` (a copy of the loaded network), demand
/// scalings to the scenario's demand. Call after check_against.
void apply_edits(Scenario& scenario, network::Network& net);

/// Checks the ids a scenario names against a network (origins, destinations, via nodes); every
/// problem names the scenario file and line. Throws InputError.
void check_against(const Scenario& scenario, const network::Network& network);

/// Reads an OD matrix in CSV (header origin,destination,commodity,teu_per_year; commodity may be
/// left out). Throws InputError naming file and line.
std::vector<DemandRow> read_demand_csv(const std::filesystem::path& file, const std::string& default_commodity);

}  // namespace corridor::scenario
