// Discrete-event simulation of freight trains over the corridor network: trains leave on a
// timetable, run over links with line capacity (minimum headway), queue at border crossings,
// gauge-change yards and ports (FIFO servers), wait for scheduled sailings with room, and meet
// weather closures and scenario disruptions in time. Returns transit-time distributions per OD,
// queues over time per node, and trains per day per link.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "sim/events/settings.hpp"
#include "sim/freight/assignment.hpp"
#include "sim/freight/paths.hpp"
#include "sim/network/network.hpp"
#include "sim/scenario/scenario.hpp"

namespace corridor::events {

/// One route of an OD and the share of its trains (shares of an OD are normalised to sum 1).
struct RouteShare {
  freight::Path path;  ///< nodes and steps; times and costs are not used
  double share = 1.0;
};

/// The demand of one OD and the routes its trains take: all-or-nothing gives one route with
/// share 1, an equilibrium assignment several.
struct OdRoutes {
  std::size_t origin = 0;  ///< node indices
  std::size_t destination = 0;
  std::string commodity;
  double teu_per_year = 0.0;  ///< demand carried (assigned, not unserved)
  std::vector<RouteShare> routes;
};

/// OD routes from an all-or-nothing assignment (ODs without a route are left out), with the
/// scenario's fixed routes (`events: routes:`) replacing the assigned ones. Throws InputError for a
/// fixed route whose nodes are not joined by open links.
std::vector<OdRoutes> routes_from_assignment(const network::Network& net, const freight::FreightResults& freight,
                                             const EventSettings& settings);

/// Hours spent waiting, by cause.
struct Waits {
  double node_queue_h = 0.0;    ///< in a FIFO queue at a node (including while the node is closed)
  double ferry_h = 0.0;         ///< for the next sailing with room (including cancelled sailings)
  double line_capacity_h = 0.0; ///< for a free slot on a line (minimum headway)
  double closure_h = 0.0;       ///< before a link closed by a disruption
};

struct OdEventResult {
  std::size_t origin = 0, destination = 0;
  std::string commodity;
  double demand_teu = 0.0;         ///< teu_per_year over the horizon
  std::size_t trains_released = 0;
  std::size_t trains_delivered = 0;
  double teu_released = 0.0;       ///< TEU that entered the system
  double teu_delivered = 0.0;
  double teu_in_system = 0.0;      ///< still on the way at the horizon
  // Door-to-door transit of delivered trains, hours.
  double transit_mean_h = 0.0, transit_median_h = 0.0, transit_p95_h = 0.0, transit_max_h = 0.0;
  Waits mean_wait;                 ///< per delivered train
};

/// One day of a node (or of the waiting area of a sailing).
struct DayStats {
  std::uint32_t arrivals = 0;
  double mean_queue_trains = 0.0;  ///< time average over the day
  std::uint32_t max_queue_trains = 0;
  double mean_wait_h = 0.0;        ///< of the trains whose wait ended that day
  double utilization = 0.0;        ///< busy server-hours over server-hours (0 when unlimited)
};

struct NodeEventResult {
  std::size_t node = 0;
  int servers = 0;               ///< 0: unlimited
  double service_h = 0.0;
  std::optional<double> storage_trains;
  std::size_t arrivals = 0;      ///< trains that arrived
  std::size_t served = 0;        ///< trains whose service ended
  double mean_wait_h = 0.0;      ///< in queue, per train that started service
  double max_wait_h = 0.0;
  double mean_queue_trains = 0.0;
  std::uint32_t max_queue_trains = 0;
  double mean_in_node_trains = 0.0;  ///< L: time-average trains in queue or service
  double mean_sojourn_h = 0.0;       ///< W: queue + service, per train that left
  std::optional<double> utilization; ///< nullopt when unlimited
  double hours_over_storage = 0.0;   ///< time the queue held more trains than storage_trains
  std::size_t trains_held = 0;       ///< trains held upstream because the yard was full
  double mean_hold_h = 0.0;          ///< per held train (also counted as node queue wait of the train)
  std::uint32_t max_held_trains = 0;
  std::vector<DayStats> days;
};

struct LinkEventResult {
  std::size_t link = 0;
  std::size_t trains_forward = 0, trains_backward = 0;
  double teu = 0.0;
  std::optional<double> trains_per_day_capacity;  ///< per direction; nullopt: unlimited
  double mean_trains_per_day = 0.0;   ///< both directions
  std::uint32_t max_trains_per_day = 0;
  double mean_line_wait_h = 0.0;      ///< per train entering
  bool scheduled = false;             ///< sailings (see FerryEventResult)
  std::vector<std::uint32_t> trains_per_day;  ///< both directions, per day of the horizon
};

struct FerryEventResult {
  std::size_t link = 0;
  bool forward = true;
  double sailings_per_week = 0.0;
  std::optional<double> capacity_teu;  ///< per sailing
  std::size_t sailings = 0;            ///< that sailed (with or without cargo)
  std::size_t cancelled = 0;           ///< by weather or disruption
  double teu_carried = 0.0;
  double mean_load_factor = 0.0;       ///< over sailings, when a capacity is known
  double mean_wait_h = 0.0;            ///< per train boarded
  double max_wait_h = 0.0;
  double closed_days = 0.0;            ///< weather and disruption closures within the horizon
  std::vector<DayStats> days;          ///< waiting cargo
};

struct EventResults {
  double horizon_days = 0.0;
  std::uint64_t seed = 0;
  double teu_per_train = 0.0;
  std::uint64_t events = 0;        ///< events processed
  std::uint64_t train_movements = 0;  ///< link traversals started
  std::vector<OdEventResult> od;   ///< in the order of the OdRoutes given
  std::vector<NodeEventResult> nodes;  ///< nodes that hold trains (servers), by node index
  std::vector<LinkEventResult> links;  ///< links used by trains, by link index
  std::vector<FerryEventResult> ferries;  ///< scheduled arcs used by trains
};

/// Runs the simulation over settings.horizon_days. Trains still under way at the horizon are
/// counted as in the system. Deterministic: the same inputs and seed give the same results.
/// Throws InputError for ids in the settings that are not in the network (file and line).
EventResults simulate(const network::Network& net, const scenario::Scenario& scenario,
                      const std::vector<OdRoutes>& routes, const EventSettings& settings);

}  // namespace corridor::events
