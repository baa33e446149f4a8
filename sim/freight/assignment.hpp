// All-or-nothing loading of OD demand onto shortest generalized-cost paths, with link and node
// utilization against capacity, transit times, and the best route of each route family for comparison.
#pragma once

#include <string>
#include <vector>

#include "sim/freight/paths.hpp"
#include "sim/scenario/scenario.hpp"

namespace corridor::freight {

struct RouteOption {
  std::string family;
  std::optional<Path> path;  ///< nullopt when the family has no path for this OD
};

/// A route an OD's demand uses and the share of the demand on it.
struct SharedRoute {
  Path path;            ///< time_h and cost at the solution's link times (congested under equilibrium)
  double share = 0.0;   ///< of the OD's assigned demand
  /// Stochastic user equilibrium: what the choice model adds to the route's cost (not in path.cost_usd_per_teu).
  std::string main_mode{};                ///< the mode of most of the route's kilometres ("" otherwise)
  double constants_usd_per_teu = 0.0;     ///< sum of the alternative-specific constants that apply
  double reliability_usd_per_teu = 0.0;   ///< value of reliability x standard deviation of the transit time
  double time_sd_h = 0.0;                 ///< that standard deviation
  std::vector<std::string> constants{};   ///< names of the constants that apply
};

struct OdResult {
  std::size_t origin = 0;
  std::size_t destination = 0;
  std::string commodity;
  double demand_teu_per_year = 0.0;
  double assigned_teu_per_year = 0.0;
  double unserved_teu_per_year = 0.0;  ///< demand with no path at all, or (hard capacities) not shipped
  bool reachable = true;               ///< false: no open path at all (then everything is unserved)
  std::optional<Path> route;           ///< the path the demand was loaded on (the largest share)
  std::vector<SharedRoute> routes;     ///< every route used, largest share first (AON: the one route)
  double transit_time_h = 0.0;         ///< flow-weighted door-to-door time over `routes`, incl. dwell and node delay
  std::string route_family;            ///< of the main route (route_family_of)
  std::vector<RouteOption> options;    ///< best route of every family, in scenario order
};

struct LinkLoad {
  double flow_forward_teu_per_day = 0.0;   ///< from -> to
  double flow_backward_teu_per_day = 0.0;  ///< to -> from
  [[nodiscard]] double flow_teu_per_day() const { return flow_forward_teu_per_day + flow_backward_teu_per_day; }
};

struct NodeLoad {
  double throughput_teu_per_day = 0.0;  ///< TEU per day passing, starting or ending here
};

struct FreightResults {
  std::vector<LinkLoad> links;  ///< by link index
  std::vector<NodeLoad> nodes;  ///< by node index
  /// The time the solution charges on every link (per direction, running time with waits) and node
  /// (dwell or congested delay): free flow for all-or-nothing, the equilibrium's for an equilibrium. NaN
  /// where freight may not pass (closed, pipelines, gas nodes, the backward direction of directed links).
  /// Every route time in `od` is the sum of these along the route, both end nodes included.
  CongestedTimes times;
  /// Hard capacities (stochastic user equilibrium): the queue delay that holds each element at its
  /// capacity (the shadow price of the capacity in hours; 0 where it does not bind), already in `times`.
  /// Empty without hard capacities.
  CongestedTimes queue_delay;
  /// The same in USD per TEU (queue delay x the value of time of the element's users): what one more TEU
  /// of daily capacity saves per TEU (its users' marginal cost). Empty without hard capacities.
  CongestedTimes shadow_price_usd_per_teu;
  std::vector<OdResult> od;     ///< in scenario demand order
  double days_per_year = 365.0;
  std::string method = "all_or_nothing";  ///< how the flows were found
};

/// Utilization of a link: the busier direction's flow over the per-direction capacity; nullopt without a capacity.
std::optional<double> link_utilization(const network::Network& net, const FreightResults& r, std::size_t link);
/// Utilization of a node: throughput over handling capacity; nullopt without a capacity.
std::optional<double> node_utilization(const network::Network& net, const FreightResults& r, std::size_t node);

/// The via nodes of every route family of the scenario as node indices, in scenario order.
std::vector<std::vector<std::size_t>> family_via_nodes(const network::Network& net, const scenario::Scenario& scenario);

/// The family of a route that passes the via nodes of no route family of the scenario.
inline constexpr const char* kOtherRouteFamily = "other";

/// The first route family whose via nodes `path` passes, kOtherRouteFamily for none ("" when the scenario
/// has no route families); `family_via` are the families' via nodes as indices, in scenario order.
std::string route_family_of(const scenario::Scenario& scenario, const std::vector<std::vector<std::size_t>>& family_via,
                            const Path& path);

/// The best route of every route family of the scenario (in scenario order) from `origin` to
/// `destination` for `commodity`, at the given link and node times (null: free flow).
/// `family_via` is family_via_nodes(net, scenario).
std::vector<RouteOption> route_family_options(const network::Network& net, const scenario::Scenario& scenario,
                                              const std::vector<std::vector<std::size_t>>& family_via,
                                              const std::string& commodity, std::size_t origin, std::size_t destination,
                                              std::shared_ptr<const CongestedTimes> times = nullptr);

/// Loads every OD demand of the scenario on its cheapest path (all or nothing). Demand that cannot
/// reach its destination is kept as unserved. The scenario must have been checked against the network.
/// `threads` workers build the origins' shortest-path trees; the results do not depend on it.
FreightResults assign_all_or_nothing(const network::Network& net, const scenario::Scenario& scenario,
                                     unsigned threads = 1);

}  // namespace corridor::freight
