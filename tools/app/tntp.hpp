// Reader for the TNTP formats of the Transportation Networks for Research collection
// (github.com/bstabler/TransportationNetworks): _net (links), _trips (OD demand), _node (coordinates) and
// _flow (best-known link flows). Backs `corridor import tntp` and the equilibrium validation tests.
//
// Node ids are kept as in the files (1-based); `to_assignment_problem` converts them to 0-based indices.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "sim/freight/equilibrium_problem.hpp"

namespace corridor::app {

struct TntpLink {
  std::size_t from = 0;  ///< init_node
  std::size_t to = 0;    ///< term_node
  double capacity = 0.0;
  double length = 0.0;
  double free_flow_time = 0.0;
  double b = 0.15;       ///< BPR alpha
  double power = 4.0;    ///< BPR beta
  double speed = 0.0;
  double toll = 0.0;
  int link_type = 0;
  std::size_t line = 0;  ///< where it was read
};

struct TntpNetwork {
  std::string file;
  std::size_t zones = 0;
  std::size_t nodes = 0;
  std::size_t first_thru_node = 1;  ///< 1-based: nodes with a smaller id may not be passed through
  std::map<std::string, std::string> metadata;  ///< every <KEY> value line, key without brackets
  std::vector<TntpLink> links;
};

struct TntpDemand {
  std::size_t origin = 0;
  std::size_t destination = 0;
  double flow = 0.0;
};

struct TntpTrips {
  std::string file;
  std::size_t zones = 0;
  double total_flow = 0.0;  ///< as declared in the metadata (0 when absent)
  std::map<std::string, std::string> metadata;
  std::vector<TntpDemand> demand;  ///< in file order, zero entries kept
};

struct TntpNode {
  std::size_t id = 0;
  double x = 0.0;
  double y = 0.0;
};

struct TntpLinkFlow {
  std::size_t from = 0;
  std::size_t to = 0;
  double volume = 0.0;
  double cost = 0.0;
};

/// Each reader throws corridor::InputError naming the file and line of the first problem found.
TntpNetwork read_tntp_network(const std::string& path);
TntpTrips read_tntp_trips(const std::string& path);
std::vector<TntpNode> read_tntp_nodes(const std::string& path);
std::vector<TntpLinkFlow> read_tntp_flows(const std::string& path);

/// Weights of the generalized cost of a TNTP network, in its time unit per toll unit and per length unit
/// (Chicago Sketch: 0.02 min/cent and 0.04 min/mile; most networks: 0 and 0).
struct TntpCostWeights {
  double toll = 0.0;
  double length = 0.0;
};

/// The assignment problem of a network and its trip table: one class, BPR links as given, zone nodes
/// below <FIRST THRU NODE> closed to through traffic. Throws InputError when the two files do not match.
freight::AssignmentProblem to_assignment_problem(const TntpNetwork& net, const TntpTrips& trips,
                                                 TntpCostWeights weights = {});

/// `corridor import tntp`: writes DIR/nodes.geojson, DIR/links.geojson, DIR/demand.csv and DIR/scenario.yaml,
/// a corridor network and scenario whose user equilibrium is the TNTP network's (see docs/freight.md):
/// links are directed road links with travel_time_h = free-flow minutes / 60, capacity per day = capacity
/// per hour x 24, the file's BPR b and power per link; demand per year = trips per hour x 24 x 365 with
/// days_per_year 365 (so flows per day are 24 x the hourly flows and v/c is unchanged); tolls and lengths
/// become cost_usd_per_teu with a value of time that reproduces the weights. Zone nodes below
/// <FIRST THRU NODE> get `through: false`. Nodes without coordinates are laid out on a grid.
/// The unit of the link file's length column, from its metadata: a <LENGTH UNITS> line, else the unit in
/// parentheses after "length" in <ORIGINAL HEADER> ("length (miles)", "(ft)", "(km)", "(m)"). `stated`
/// is false when the file says nothing (then miles, the collection's convention, and the importer says
/// so). Throws InputError for a unit it does not know.
struct TntpLengthUnit {
  std::string name = "miles";
  double km = 1.609344;  ///< kilometres per unit
  bool stated = false;
  std::string source;    ///< the metadata line it came from
};
TntpLengthUnit tntp_length_unit(const TntpNetwork& net);

struct TntpImportOptions {
  std::string network, trips, nodes;
  std::string out_dir;
  TntpCostWeights weights;
};
int import_tntp(const TntpImportOptions& options, std::ostream& out);

}  // namespace corridor::app
