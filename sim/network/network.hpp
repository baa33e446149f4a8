// The corridor network: typed nodes and links with explicit units, on a Boost.Graph digraph.
#pragma once

#include <boost/graph/adjacency_list.hpp>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "geo/feature.hpp"
#include "sim/network/id_index.hpp"

namespace corridor::network {

enum class Mode { rail, road, sea, ferry, pipeline };
enum class NodeKind { terminal, border, port, junction, gas_source, gas_sink, compressor };

/// Gas sources, sinks and compressor stations: nodes of the gas network, never passed by freight.
inline bool is_gas_kind(NodeKind kind) {
  return kind == NodeKind::gas_source || kind == NodeKind::gas_sink || kind == NodeKind::compressor;
}

std::string_view to_string(Mode mode);
std::string_view to_string(NodeKind kind);
std::optional<Mode> parse_mode(std::string_view text);
std::optional<NodeKind> parse_node_kind(std::string_view text);

struct Node {
  std::string id;
  std::string name;
  std::string country;
  NodeKind kind = NodeKind::junction;
  geo::LonLat position;

  // Freight
  double dwell_h = 0.0;                               ///< processing time for freight passing through
  std::optional<double> capacity_teu_per_day;         ///< handling capacity (border, port, gauge-change yard)
  bool gauge_change = false;                          ///< 1435/1520 transshipment happens here
  double handling_usd_per_teu = 0.0;                  ///< fee charged per TEU passing through
  bool through = true;  ///< false: freight may start or end here but not pass (TNTP zone nodes)
  std::optional<double> time_sd_h;  ///< standard deviation of the dwell (reliability in route choice)

  // Gas
  std::optional<double> pressure_min_bar;  ///< absolute
  std::optional<double> pressure_max_bar;  ///< absolute
  double supply_mcm_per_day = 0.0;         ///< injection at standard conditions (0 degC, 1.01325 bar)
  double demand_mcm_per_day = 0.0;         ///< offtake at standard conditions

  bool closed = false;
  geo::Feature source_feature;  ///< every input attribute, passed through to results (the point is in position)
};

struct Link {
  std::string id;
  std::size_t from = 0;  ///< node index
  std::size_t to = 0;    ///< node index
  Mode mode = Mode::rail;
  std::optional<int> gauge_mm;
  double length_km = 0.0;                     ///< given, or the geodesic length of the geometry
  std::optional<double> speed_kmh;
  std::optional<double> travel_time_h;        ///< running time given directly (replaces length / speed)
  std::optional<double> bpr_alpha;            ///< this link's volume-delay parameters (else the scenario's per mode)
  std::optional<double> bpr_beta;
  std::optional<double> capacity_teu_per_day; ///< per direction
  double cost_usd_per_teu = 0.0;              ///< tariff for the whole link
  double wait_h = 0.0;                        ///< mean wait for a departure (ferries, sailings)
  std::optional<double> time_sd_h;            ///< standard deviation of the running time with waits (reliability)

  // Pipelines
  std::optional<double> diameter_mm;
  std::optional<double> roughness_mm;
  std::optional<double> pressure_max_bar;  ///< absolute
  std::optional<double> efficiency;

  bool directed = false;  ///< false: usable both ways
  bool closed = false;    ///< out of service (status planned/closed, or closed by a scenario)
  std::vector<geo::LonLat> geometry;
  geo::Feature source_feature;  ///< every input attribute, passed through to results (the line is in geometry)
};

/// One direction of travel over a link: undirected links give two arcs.
struct Arc {
  std::size_t link = 0;
  bool forward = true;  ///< from -> to
};

/// Arcs are kept in one vector (edge list vecS), not one allocation each: the graph is only ever
/// rebuilt whole, and at a million links this saves memory and makes arc data contiguous.
using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS, boost::no_property, Arc,
                                    boost::no_property, boost::vecS>;

/// Values a scenario states for features that lack an attribute (`defaults:` in the scenario, per link
/// mode and node kind). `where` names the file and line, for summary.json.
struct LinkDefaults {
  std::optional<double> cost_usd_per_teu_km;  ///< tariff = this x length_km
  std::optional<double> cost_usd_per_teu;     ///< a flat tariff per link
  std::optional<double> speed_kmh;
  std::optional<double> capacity_teu_per_day;
  std::optional<double> wait_h;
  std::string where;
};
struct NodeDefaults {
  std::optional<double> dwell_h;
  std::optional<double> handling_usd_per_teu;
  std::optional<double> capacity_teu_per_day;
  std::string where;
};
struct AttributeDefaults {
  std::map<Mode, LinkDefaults> links;
  std::map<NodeKind, NodeDefaults> nodes;
};

/// An attribute value that features took from a default instead of their own data, and how many did:
/// listed in summary.json so that no value that drives cost, capacity or physics is silent.
struct DefaultUse {
  std::string attribute;   ///< cost_usd_per_teu, dwell_h, capacity_teu_per_day, ...
  std::string applies_to;  ///< "rail links", "border nodes"
  std::string value;       ///< "0.2919 x length_km", "0", "unlimited"
  std::string source;      ///< "scenario defaults (FILE, line N)" or "built-in"
  std::size_t features = 0;
};

/// Checks that a network's geometry and its attributes agree, which catches swapped coordinates and
/// links drawn to the wrong node. Each finding is an input error, or (mode warning) a warning of the
/// results; off skips them (networks whose positions are a drawing, such as imported benchmarks).
struct GeometryChecks {
  enum class Mode { error, warning, off } mode = Mode::error;
  /// A link with `from` and `to` must start and end within this of its nodes (either way round).
  double end_tolerance_km = 5.0;
  /// Given length_km against the geodesic length of the geometry: at most this ratio either way (not
  /// checked for links with `geometry_indicative: true`, whose line is only a sketch).
  double length_ratio_max = 3.0;
  /// A node must lie within this many degrees of the extent of the country it names (ISO 3166-1).
  double country_margin_deg = 1.0;
};

/// Options that change how features become a network.
struct BuildOptions {
  BuildOptions(double snap_km = 1.0) : snap_tolerance_km(snap_km) {}  // NOLINT: `{5.0}` reads as the tolerance
  double snap_tolerance_km = 1.0;  ///< links without from/to snap their ends to the nearest node within this
  AttributeDefaults defaults;
  GeometryChecks checks;
};

/// Where the features came from, for messages.
struct Sources {
  std::string nodes_file;
  std::string links_file;
};

class Network {
public:
  Network() = default;

  [[nodiscard]] const std::vector<Node>& nodes() const noexcept { return nodes_; }
  [[nodiscard]] const std::vector<Link>& links() const noexcept { return links_; }
  [[nodiscard]] std::vector<Node>& nodes() noexcept { return nodes_; }
  [[nodiscard]] std::vector<Link>& links() noexcept { return links_; }
  [[nodiscard]] const Graph& graph() const noexcept { return graph_; }
  [[nodiscard]] const Sources& sources() const noexcept { return sources_; }
  /// Attribute values taken from defaults while building, with feature counts.
  [[nodiscard]] const std::vector<DefaultUse>& defaults_used() const noexcept { return defaults_used_; }
  /// Geometry findings kept as warnings (GeometryChecks::Mode::warning), one sentence each.
  [[nodiscard]] const std::vector<std::string>& warnings() const noexcept { return warnings_; }

  [[nodiscard]] std::optional<std::size_t> find_node(std::string_view id) const;
  [[nodiscard]] std::optional<std::size_t> find_link(std::string_view id) const;

  /// Travel time over a link at free flow, in hours (travel_time_h, else length / speed, plus wait); nullopt
  /// without either.
  [[nodiscard]] std::optional<double> free_flow_time_h(std::size_t link) const;

  /// Builds a network from node and link features, checking everything and reporting every
  /// problem at once (InputError). See DESIGN.md for the attribute schema.
  static Network build(const geo::Layer& nodes, const geo::Layer& links, const BuildOptions& options = {});
  /// The same, taking the features over instead of copying them: at a million links this halves the
  /// peak memory of loading a network.
  static Network build(geo::Layer&& nodes, geo::Layer&& links, const BuildOptions& options = {});

  /// Rebuilds the arcs of the graph after links were edited (closed links keep their arcs; solvers skip them).
  void rebuild_graph();

private:
  std::vector<Node> nodes_;
  std::vector<Link> links_;
  IdIndex node_index_;  ///< id -> position in nodes_
  IdIndex link_index_;  ///< id -> position in links_
  Graph graph_;
  Sources sources_;
  std::vector<DefaultUse> defaults_used_;
  std::vector<std::string> warnings_;
};

/// Counts and totals for `corridor info`.
struct NetworkSummary {
  std::size_t node_count = 0, link_count = 0, closed_link_count = 0, component_count = 0;
  std::vector<std::pair<std::string, std::size_t>> links_by_mode;
  std::vector<std::pair<std::string, double>> length_km_by_mode;
  std::vector<std::pair<std::string, std::size_t>> nodes_by_country;
  std::vector<std::pair<std::string, std::size_t>> nodes_by_kind;
};
NetworkSummary summarize(const Network& network);

}  // namespace corridor::network
