// Results of the discrete-event simulation in the results folder: timeseries.csv (per node, waiting
// cargo of every sailing and trains per link, per day) and the event tables events_od.csv,
// events_nodes.csv, events_links.csv, events_ferries.csv; plus the event KPIs for summary.json.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "sim/events/kpis.hpp"
#include "sim/events/simulator.hpp"
#include "sim/network/network.hpp"

namespace corridor::app {

/// Writes the event files into `dir` (an existing folder, e.g. the staging folder of the results).
void write_event_results(const std::filesystem::path& dir, const network::Network& net,
                         const events::EventResults& results);

/// The texts of the event files (exposed for tests): name -> content.
std::string events_timeseries_csv(const network::Network& net, const events::EventResults& r);
std::string events_od_csv(const network::Network& net, const events::EventResults& r);
std::string events_nodes_csv(const network::Network& net, const events::EventResults& r);
std::string events_links_csv(const network::Network& net, const events::EventResults& r);
std::string events_ferries_csv(const network::Network& net, const events::EventResults& r);

/// summary.json "events": the simulation's KPIs (sim/events/kpis.hpp) with node ids.
nlohmann::ordered_json event_kpis_json(const network::Network& net, const events::EventResults& r,
                                       const events::EventKpis& k);

}  // namespace corridor::app
