#include "tools/app/events_output.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "geo/csv.hpp"
#include "geo/writer.hpp"
#include "tools/app/number_text.hpp"

namespace corridor::app {

namespace {

using nlohmann::ordered_json;

std::string num(double x, int decimals = 3) { return fixed(x, decimals); }

const std::string& node_id(const network::Network& net, std::size_t i) { return net.nodes()[i].id; }
const std::string& link_id(const network::Network& net, std::size_t i) { return net.links()[i].id; }

void day_row(std::string& out, std::size_t d, const char* element, const std::string& id, const events::DayStats& s,
             bool with_utilization) {
  out += std::to_string(d) + ',' + element + ',' + geo::csv_field(id) + ',' + std::to_string(s.arrivals) + ',' +
         num(s.mean_queue_trains) + ',' + std::to_string(s.max_queue_trains) + ',' + num(s.mean_wait_h) + ',' +
         (with_utilization ? num(s.utilization, 4) : std::string()) + '\n';
}

}  // namespace

std::string events_timeseries_csv(const network::Network& net, const events::EventResults& r) {
  std::string out = "day,element,id,arrivals_trains,mean_queue_trains,max_queue_trains,mean_wait_h,utilization\n";
  std::size_t days = 0;
  for (const auto& n : r.nodes) days = std::max(days, n.days.size());
  for (const auto& f : r.ferries) days = std::max(days, f.days.size());
  for (const auto& l : r.links) days = std::max(days, l.trains_per_day.size());
  for (std::size_t d = 0; d < days; ++d) {
    for (const auto& n : r.nodes)
      if (d < n.days.size()) day_row(out, d, "node", node_id(net, n.node), n.days[d], n.servers > 0);
    for (const auto& f : r.ferries) {
      if (d >= f.days.size()) continue;
      const auto& l = net.links()[f.link];
      const std::string id = link_id(net, f.link) + (f.forward ? ":" + node_id(net, l.from) : ":" + node_id(net, l.to));
      day_row(out, d, "sailing", id, f.days[d], false);
    }
    for (const auto& l : r.links)
      if (d < l.trains_per_day.size())
        out += std::to_string(d) + ",link," + geo::csv_field(link_id(net, l.link)) + ',' +
               std::to_string(l.trains_per_day[d]) + ",,,,\n";
  }
  return out;
}

std::string events_od_csv(const network::Network& net, const events::EventResults& r) {
  std::string out =
      "origin,destination,commodity,demand_teu,trains_released,teu_released,trains_delivered,teu_delivered,"
      "teu_in_system,transit_mean_h,transit_median_h,transit_p95_h,transit_max_h,transit_mean_days,"
      "transit_median_days,transit_p95_days,transit_max_days,wait_node_queue_h,wait_ferry_h,wait_line_capacity_h,"
      "wait_closure_h\n";
  for (const auto& o : r.od) {
    out += geo::csv_field(node_id(net, o.origin)) + ',' + geo::csv_field(node_id(net, o.destination)) + ',' +
           geo::csv_field(o.commodity) + ',' + num(o.demand_teu, 1) + ',' + std::to_string(o.trains_released) + ',' +
           num(o.teu_released, 1) + ',' + std::to_string(o.trains_delivered) + ',' + num(o.teu_delivered, 1) + ',' +
           num(o.teu_in_system, 1) + ',' + num(o.transit_mean_h, 2) + ',' + num(o.transit_median_h, 2) + ',' +
           num(o.transit_p95_h, 2) + ',' + num(o.transit_max_h, 2) + ',' + num(o.transit_mean_h / 24.0, 2) + ',' +
           num(o.transit_median_h / 24.0, 2) + ',' + num(o.transit_p95_h / 24.0, 2) + ',' +
           num(o.transit_max_h / 24.0, 2) + ',' + num(o.mean_wait.node_queue_h, 2) + ',' +
           num(o.mean_wait.ferry_h, 2) + ',' + num(o.mean_wait.line_capacity_h, 2) + ',' +
           num(o.mean_wait.closure_h, 2) + '\n';
  }
  return out;
}

std::string events_nodes_csv(const network::Network& net, const events::EventResults& r) {
  std::string out =
      "id,name,servers,service_h,storage_trains,arrivals_trains,served_trains,mean_wait_h,max_wait_h,"
      "mean_queue_trains,max_queue_trains,mean_in_node_trains,mean_sojourn_h,utilization,hours_over_storage,"
      "trains_held,mean_hold_h,max_held_trains\n";
  for (const auto& n : r.nodes) {
    const auto& node = net.nodes()[n.node];
    out += geo::csv_field(node.id) + ',' + geo::csv_field(node.name) + ',' +
           (n.servers > 0 ? std::to_string(n.servers) : std::string("unlimited")) + ',' + num(n.service_h, 2) + ',' +
           (n.storage_trains ? num(*n.storage_trains, 0) : std::string()) + ',' + std::to_string(n.arrivals) + ',' +
           std::to_string(n.served) + ',' + num(n.mean_wait_h, 2) + ',' + num(n.max_wait_h, 2) + ',' +
           num(n.mean_queue_trains) + ',' + std::to_string(n.max_queue_trains) + ',' + num(n.mean_in_node_trains) +
           ',' + num(n.mean_sojourn_h, 2) + ',' + (n.utilization ? num(*n.utilization, 4) : std::string()) + ',' +
           num(n.hours_over_storage, 1) + ',' + std::to_string(n.trains_held) + ',' + num(n.mean_hold_h, 2) + ',' +
           std::to_string(n.max_held_trains) + '\n';
  }
  return out;
}

std::string events_links_csv(const network::Network& net, const events::EventResults& r) {
  std::string out =
      "id,from,to,mode,trains_forward,trains_backward,teu,mean_trains_per_day,max_trains_per_day,"
      "capacity_trains_per_day,mean_line_wait_h,scheduled\n";
  for (const auto& l : r.links) {
    const auto& link = net.links()[l.link];
    out += geo::csv_field(link.id) + ',' + geo::csv_field(node_id(net, link.from)) + ',' +
           geo::csv_field(node_id(net, link.to)) + ',' + std::string(network::to_string(link.mode)) + ',' +
           std::to_string(l.trains_forward) + ',' + std::to_string(l.trains_backward) + ',' + num(l.teu, 1) + ',' +
           num(l.mean_trains_per_day) + ',' + std::to_string(l.max_trains_per_day) + ',' +
           (l.trains_per_day_capacity ? num(*l.trains_per_day_capacity, 2) : std::string()) + ',' +
           num(l.mean_line_wait_h, 2) + ',' + (l.scheduled ? "true" : "false") + '\n';
  }
  return out;
}

std::string events_ferries_csv(const network::Network& net, const events::EventResults& r) {
  std::string out =
      "id,from,to,sailings_per_week,capacity_teu,sailings,cancelled,teu_carried,mean_load_factor,mean_wait_h,"
      "max_wait_h,closed_days\n";
  for (const auto& f : r.ferries) {
    const auto& link = net.links()[f.link];
    const std::size_t from = f.forward ? link.from : link.to, to = f.forward ? link.to : link.from;
    out += geo::csv_field(link.id) + ',' + geo::csv_field(node_id(net, from)) + ',' + geo::csv_field(node_id(net, to)) +
           ',' + num(f.sailings_per_week, 3) + ',' + (f.capacity_teu ? num(*f.capacity_teu, 1) : std::string()) + ',' +
           std::to_string(f.sailings) + ',' + std::to_string(f.cancelled) + ',' + num(f.teu_carried, 1) + ',' +
           num(f.mean_load_factor, 4) + ',' + num(f.mean_wait_h, 2) + ',' + num(f.max_wait_h, 2) + ',' +
           num(f.closed_days, 2) + '\n';
  }
  return out;
}

void write_event_results(const std::filesystem::path& dir, const network::Network& net,
                         const events::EventResults& results) {
  geo::write_text(dir / "timeseries.csv", events_timeseries_csv(net, results));
  geo::write_text(dir / "events_od.csv", events_od_csv(net, results));
  geo::write_text(dir / "events_nodes.csv", events_nodes_csv(net, results));
  geo::write_text(dir / "events_links.csv", events_links_csv(net, results));
  geo::write_text(dir / "events_ferries.csv", events_ferries_csv(net, results));
}

ordered_json event_kpis_json(const network::Network& net, const events::EventResults& r, const events::EventKpis& k) {
  ordered_json j;
  j["horizon_days"] = k.horizon_days;
  j["seed"] = k.seed;
  j["teu_per_train"] = k.teu_per_train;
  j["events"] = k.events;
  j["train_movements"] = k.train_movements;
  j["demand_teu"] = rounded(k.demand_teu, 1);
  j["teu_released"] = rounded(k.teu_released, 1);
  j["teu_delivered"] = rounded(k.teu_delivered, 1);
  j["teu_in_system"] = rounded(k.teu_in_system, 1);
  j["trains_delivered"] = k.trains_delivered;
  j["transit_mean_days"] = rounded(k.transit_mean_days, 3);
  j["worst_od_transit_p95_days"] = rounded(k.worst_od_transit_p95_days, 3);
  j["worst_od_transit_max_days"] = rounded(k.worst_od_transit_max_days, 3);
  j["mean_wait_h"] = {{"node_queue", rounded(k.mean_wait.node_queue_h, 3)},
                      {"ferry", rounded(k.mean_wait.ferry_h, 3)},
                      {"line_capacity", rounded(k.mean_wait.line_capacity_h, 3)},
                      {"closure", rounded(k.mean_wait.closure_h, 3)}};
  ordered_json worst = ordered_json::array();
  for (std::size_t i : k.worst_nodes) {
    const auto& n = r.nodes[i];
    worst.push_back({{"id", net.nodes()[n.node].id},
                     {"mean_wait_h", rounded(n.mean_wait_h, 3)},
                     {"max_queue_trains", n.max_queue_trains},
                     {"utilization", json_number(n.utilization, 4)}});
  }
  j["worst_nodes"] = std::move(worst);
  return j;
}

}  // namespace corridor::app
