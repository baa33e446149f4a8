#include "sim/events/settings.hpp"

#include <cmath>

namespace corridor::events {

namespace {

using scenario::YamlReader;

SourceId located_text(const YamlReader& r, const YAML::Node& map, std::string_view key) {
  SourceId out;
  out.value = r.text(map, key);
  out.file = r.file().string();
  out.line = YamlReader::line_of(map[std::string(key)]);
  return out;
}

DayRange day_range(const YamlReader& r, const YAML::Node& map) {
  DayRange d;
  d.from_day = r.number(map, "from_day", 0.0);
  d.to_day = r.number(map, "to_day", 0.0);
  if (d.to_day <= d.from_day) r.fail(map, "to_day", "to_day must come after from_day");
  return d;
}

WeatherModel weather(const YamlReader& r, const YAML::Node& node) {
  r.expect_map(node, "weather", {"outages_per_year", "mean_duration_days"});
  WeatherModel w;
  w.outages_per_year = r.number(node, "outages_per_year", 0.0);
  w.mean_duration_days = r.number(node, "mean_duration_days", 0.0);
  if (w.outages_per_year > 0.0 && w.mean_duration_days <= 0.0)
    r.fail(node, "mean_duration_days", "must be positive when outages_per_year is");
  return w;
}

template <typename F>
void each_item(const YamlReader& r, const YAML::Node& events, std::string_view key, F&& f) {
  const YAML::Node list = events[std::string(key)];
  if (!list) return;
  r.expect_sequence(list, key);
  for (const auto& item : list) f(item);
}

Timetable timetable(const YamlReader& r, const YAML::Node& node) {
  Timetable t;
  if (node.IsScalar()) {  // `timetable: daily`; messages point at this line
    const std::string kind = node.Scalar();
    if (kind == "daily") t.kind = TimetableKind::daily;
    else if (kind == "poisson" || kind == "random") t.kind = TimetableKind::poisson;
    else if (kind == "weekly")
      r.fail(node, "timetable", "a weekly timetable needs weekday_weights: write {kind: weekly, weekday_weights: [7 numbers, Monday first]}");
    else r.fail(node, "timetable", "unknown timetable '" + kind + "' (allowed: daily, weekly, poisson)");
    return t;
  }
  r.expect_map(node, "timetable", {"kind", "weekday_weights"});
  const std::string kind = r.text(node, "kind");
  if (kind == "daily") t.kind = TimetableKind::daily;
  else if (kind == "weekly") t.kind = TimetableKind::weekly;
  else if (kind == "poisson" || kind == "random") t.kind = TimetableKind::poisson;
  else r.fail(node["kind"], "kind", "unknown timetable '" + kind + "' (allowed: daily, weekly, poisson)");
  if (const YAML::Node w = node["weekday_weights"]) {
    if (t.kind != TimetableKind::weekly) r.fail(w, "weekday_weights", "only a weekly timetable takes weekday_weights");
    r.expect_sequence(w, "weekday_weights");
    if (w.size() != 7) r.fail(w, "weekday_weights", "expected 7 weights, Monday to Sunday");
    double sum = 0.0;
    for (std::size_t i = 0; i < 7; ++i) {
      double x = 0.0;
      if (!w[i].IsScalar() || !YAML::convert<double>::decode(w[i], x) || !std::isfinite(x) || x < 0.0)
        r.fail(w[i], "weekday_weights", "expected a number >= 0");
      t.weekday_weights[i] = x;
      sum += x;
    }
    if (sum <= 0.0) r.fail(w, "weekday_weights", "at least one weight must be positive");
  } else if (t.kind == TimetableKind::weekly) {
    r.fail(node, "weekday_weights", "a weekly timetable needs weekday_weights (7 numbers, Monday first)");
  }
  return t;
}

}  // namespace

EventSettings parse_event_settings(const YamlReader& r, const YAML::Node& events, const std::filesystem::path&) {
  r.expect_map(events, "events",
               {"horizon_days", "seed", "teu_per_train", "timetable", "weather", "nodes", "lines", "ferries",
                "disruptions", "routes"});
  EventSettings s;
  s.file = r.file().string();
  if (auto v = r.optional_number(events, "horizon_days", 0.0)) {
    if (*v <= 0.0) r.fail(events["horizon_days"], "horizon_days", "must be positive");
    s.horizon_days = *v;
  }
  if (const YAML::Node seed = events["seed"]) {
    std::uint64_t x = 0;
    if (!seed.IsScalar() || !YAML::convert<std::uint64_t>::decode(seed, x))
      r.fail(seed, "seed", "expected a whole number >= 0");
    s.seed = x;
  }
  if (auto v = r.optional_number(events, "teu_per_train", 0.0)) {
    if (*v <= 0.0) r.fail(events["teu_per_train"], "teu_per_train", "must be positive");
    s.teu_per_train = *v;
  }
  if (const YAML::Node t = events["timetable"]) s.timetable = timetable(r, t);
  if (const YAML::Node w = events["weather"]) s.weather = weather(r, w);

  each_item(r, events, "nodes", [&](const YAML::Node& n) {
    r.expect_map(n, "nodes", {"id", "servers", "capacity_trains_per_day", "capacity_teu_per_day", "unlimited", "service_h",
                        "service", "storage_trains"});
    NodeServerSettings ns;
    ns.id = located_text(r, n, "id");
    if (auto v = r.optional_number(n, "servers", 1.0)) {
      if (std::floor(*v) != *v || *v > 1e6) r.fail(n["servers"], "servers", "expected a whole number of servers");
      ns.servers = static_cast<int>(*v);
    }
    ns.capacity_trains_per_day = r.optional_number(n, "capacity_trains_per_day", 0.0);
    ns.capacity_teu_per_day = r.optional_number(n, "capacity_teu_per_day", 0.0);
    if ((ns.servers ? 1 : 0) + (ns.capacity_trains_per_day ? 1 : 0) + (ns.capacity_teu_per_day ? 1 : 0) > 1)
      r.fail(n, "servers", "give one of servers, capacity_trains_per_day and capacity_teu_per_day");
    for (const auto* key : {"capacity_trains_per_day", "capacity_teu_per_day"})
      if (n[key] && r.number(n, key, 0.0) <= 0.0) r.fail(n[key], key, "must be positive");
    if (const YAML::Node u = n["unlimited"]) {
      bool b = false;
      if (!u.IsScalar() || !YAML::convert<bool>::decode(u, b)) r.fail(u, "unlimited", "expected true or false");
      ns.unlimited = b;
      if (b && (ns.servers || ns.capacity_trains_per_day || ns.capacity_teu_per_day))
        r.fail(u, "unlimited", "an unlimited node takes no servers or capacity");
    }
    ns.service_h = r.optional_number(n, "service_h", 0.0);
    if (auto d = r.optional_text(n, "service")) {
      if (*d == "fixed") ns.service = ServiceDistribution::fixed;
      else if (*d == "exponential") ns.service = ServiceDistribution::exponential;
      else r.fail(n["service"], "service", "unknown service distribution '" + *d + "' (allowed: fixed, exponential)");
    }
    ns.storage_trains = r.optional_number(n, "storage_trains", 0.0);
    s.nodes.push_back(std::move(ns));
  });
  each_item(r, events, "lines", [&](const YAML::Node& n) {
    r.expect_map(n, "lines", {"id", "trains_per_day"});
    LineSettings l;
    l.id = located_text(r, n, "id");
    l.trains_per_day = r.number(n, "trains_per_day", 0.0);
    if (l.trains_per_day <= 0.0) r.fail(n["trains_per_day"], "trains_per_day", "must be positive");
    s.lines.push_back(std::move(l));
  });
  each_item(r, events, "ferries", [&](const YAML::Node& n) {
    r.expect_map(n, "ferries", {"id", "sailings_per_week", "capacity_teu", "capacity_wagons", "teu_per_wagon", "first_sailing_h",
                        "weather", "closures"});
    FerrySettings f;
    f.id = located_text(r, n, "id");
    f.sailings_per_week = r.optional_number(n, "sailings_per_week", 0.0);
    if (f.sailings_per_week && *f.sailings_per_week <= 0.0)
      r.fail(n["sailings_per_week"], "sailings_per_week", "must be positive");
    f.capacity_teu = r.optional_number(n, "capacity_teu", 0.0);
    if (f.capacity_teu && *f.capacity_teu <= 0.0) r.fail(n["capacity_teu"], "capacity_teu", "must be positive");
    f.capacity_wagons = r.optional_number(n, "capacity_wagons", 1.0);
    if (f.capacity_wagons && f.capacity_teu) r.fail(n, "capacity_wagons", "give capacity_teu or capacity_wagons, not both");
    if (auto v = r.optional_number(n, "teu_per_wagon", 0.0)) {
      if (*v <= 0.0) r.fail(n["teu_per_wagon"], "teu_per_wagon", "must be positive");
      f.teu_per_wagon = *v;
    }
    f.first_sailing_h = r.optional_number(n, "first_sailing_h", 0.0).value_or(0.0);
    if (const YAML::Node w = n["weather"]) f.weather = weather(r, w);
    if (const YAML::Node c = n["closures"]) {
      r.expect_sequence(c, "closures");
      for (const auto& item : c) {
        r.expect_map(item, "closures", {"from_day", "to_day"});
        f.closures.push_back(day_range(r, item));
      }
    }
    s.ferries.push_back(std::move(f));
  });
  each_item(r, events, "disruptions", [&](const YAML::Node& n) {
    r.expect_map(n, "disruptions", {"id", "from_day", "to_day"});
    Disruption d;
    d.id = located_text(r, n, "id");
    d.days = day_range(r, n);
    s.disruptions.push_back(std::move(d));
  });
  each_item(r, events, "routes", [&](const YAML::Node& n) {
    r.expect_map(n, "routes", {"origin", "destination", "nodes"});
    FixedRoute fr;
    fr.origin = located_text(r, n, "origin");
    fr.destination = located_text(r, n, "destination");
    const YAML::Node list = n["nodes"];
    if (!list) r.fail(n, "nodes", "missing required key");
    r.expect_sequence(list, "nodes");
    for (const auto& item : list) {
      if (!item.IsScalar()) r.fail(item, "nodes", "expected node ids");
      fr.nodes.push_back({item.Scalar(), r.file().string(), YamlReader::line_of(item)});
    }
    if (fr.nodes.size() < 2) r.fail(list, "nodes", "a route passes at least two nodes");
    if (fr.nodes.front().value != fr.origin.value || fr.nodes.back().value != fr.destination.value)
      r.fail(list, "nodes", "the route must start at the origin and end at the destination");
    s.routes.push_back(std::move(fr));
  });
  return s;
}

}  // namespace corridor::events
