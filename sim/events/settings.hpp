// Settings of the discrete-event simulation: the `events:` section of a scenario file.
// Ids are kept with their file and line and checked against the network by simulate().
// Includes no scenario header: sim/scenario may hold an EventSettings.
#pragma once

#include <yaml-cpp/yaml.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sim/scenario/yaml_reader.hpp"

namespace corridor::events {

/// An id as written in the scenario file, with where, for messages. (Not scenario::Located, so that
/// scenario.hpp may include this header to hold the settings.)
struct SourceId {
  std::string value;
  std::string file;
  int line = 0;  ///< 1-based; 0 when unknown
};

/// How an OD's trains leave their origin.
enum class TimetableKind {
  daily,    ///< every day the day's trains (demand carried over day to day), evenly spaced over the day
  weekly,   ///< like daily, with the week's trains spread over Monday..Sunday by `weekday_weights`
  poisson,  ///< random departures: exponential gaps with the OD's mean rate (seeded)
};

struct Timetable {
  TimetableKind kind = TimetableKind::daily;
  std::array<double, 7> weekday_weights{1, 1, 1, 1, 1, 1, 1};  ///< day 0 of the horizon is a Monday
};

/// A period in simulation days, [from_day, to_day).
struct DayRange {
  double from_day = 0.0;
  double to_day = 0.0;
};

/// Random outage periods: starts form a Poisson process, durations are exponential (seeded).
struct WeatherModel {
  double outages_per_year = 0.0;
  double mean_duration_days = 0.0;
};

enum class ServiceDistribution { fixed, exponential };

/// A node as a FIFO server: parallel tracks or cranes, each serving one train at a time.
/// Unset fields take the defaults derived from the network (see docs/events.md).
struct NodeServerSettings {
  SourceId id;
  std::optional<int> servers;       ///< parallel servers; unset: from a capacity and the service time
  std::optional<double> capacity_trains_per_day;  ///< instead of servers: servers = capacity * service_h / 24
  std::optional<double> capacity_teu_per_day;     ///< likewise, in TEU (divided by teu_per_train)
  bool unlimited = false;           ///< no queue: every train is served at once (pure delay)
  std::optional<double> service_h;  ///< time per train on one server; unset: dwell_h
  ServiceDistribution service = ServiceDistribution::fixed;
  std::optional<double> storage_trains;  ///< trains that fit in the yard's waiting tracks
};

/// Line capacity of a (non-scheduled) link, per direction.
struct LineSettings {
  SourceId id;
  double trains_per_day = 0.0;  ///< minimum headway = 24 h / trains_per_day
};

/// A ferry or ship link with scheduled sailings (both directions when the link is undirected).
struct FerrySettings {
  SourceId id;
  std::optional<double> sailings_per_week;  ///< unset: 84 h / wait_h of the network link
  std::optional<double> capacity_teu;       ///< per sailing; unset: link capacity_teu_per_day over the gap
  std::optional<double> capacity_wagons;    ///< per sailing, instead of capacity_teu (rail ferries)
  double teu_per_wagon = 2.0;               ///< a 40-foot flat wagon or two 20-foot containers
  double first_sailing_h = 0.0;             ///< offset of the first sailing from the start
  std::optional<WeatherModel> weather;      ///< unset: the section's default `weather`
  std::vector<DayRange> closures;           ///< calendar of weather closures
};

/// A node or link out of service for a period.
struct Disruption {
  SourceId id;  ///< a node id or a link id
  DayRange days;
};

/// A route the scenario fixes for an OD, as the node ids it passes.
struct FixedRoute {
  SourceId origin;
  SourceId destination;
  std::vector<SourceId> nodes;  ///< origin first, destination last
};

struct EventSettings {
  double horizon_days = 365.0;
  std::uint64_t seed = 1;
  double teu_per_train = 86.0;  ///< 43 FEU: the bundled dataset's train (the midpoint of 41-45 FEU for 1520/EU trains)
  Timetable timetable;
  std::optional<WeatherModel> weather;  ///< default outage model of every scheduled sailing
  std::vector<NodeServerSettings> nodes;
  std::vector<LineSettings> lines;
  std::vector<FerrySettings> ferries;
  std::vector<Disruption> disruptions;
  std::vector<FixedRoute> routes;
  std::string file;  ///< the scenario file, for messages
};

/// Reads the `events:` section; every key checked, errors name file, line and key (InputError).
/// `base_dir` is the scenario file's folder (reserved for file references).
EventSettings parse_event_settings(const scenario::YamlReader& reader, const YAML::Node& events,
                                   const std::filesystem::path& base_dir);

}  // namespace corridor::events
