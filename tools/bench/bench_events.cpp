// Benchmark of the discrete-event simulation: one year of the bundled baseline (every OD flow as
// trains on its all-or-nothing route) and a synthetic case of about 1 million train movements
// (link traversals). Prints seconds and events per second; asserts nothing about time.
//
//   bench_events [repeats]
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

#include "geo/error.hpp"
#include "sim/events/simulator.hpp"
#include "sim/freight/assignment.hpp"
#include "sim/run/load.hpp"

using namespace corridor;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

void report(const char* name, const events::EventResults& r, double best_s) {
  std::printf("%-38s %8.4f s  %12llu events  %10llu movements  %7.2f M events/s\n", name, best_s,
              static_cast<unsigned long long>(r.events), static_cast<unsigned long long>(r.train_movements),
              static_cast<double>(r.events) / best_s / 1e6);
}

template <typename F>
events::EventResults best_of(int repeats, F&& run, double& best_s) {
  events::EventResults r;
  best_s = 1e300;
  for (int i = 0; i < repeats; ++i) {
    const auto t0 = Clock::now();
    r = run();
    best_s = std::min(best_s, seconds_since(t0));
  }
  return r;
}

geo::Feature feature(const std::string& id, std::vector<geo::Attribute> attrs, geo::GeometryKind kind,
                     std::vector<geo::LonLat> points) {
  geo::Feature f;
  f.set("id", id);
  for (auto& a : attrs) f.set(a.name, a.value);
  f.geometry = kind;
  f.points = std::move(points);
  return f;
}

/// `corridors` parallel lines (the benchmark: 8 lines of 40 links, about 8.6 trains a day each) of `links_per_corridor` rail links (100 km at 50 km/h, 24 train paths a
/// day); every 4th node a border with 4 tracks of 6 h, every 10th a port with a daily ferry across
/// to the next node. One OD per corridor end to end, trains sized so that the year holds about
/// `movements` link traversals.
struct Synthetic {
  network::Network net;
  std::vector<events::OdRoutes> routes;
  scenario::Scenario scenario;

  Synthetic(int corridors, int links_per_corridor, double movements) {
    geo::Layer nodes, links;
    nodes.source = "synthetic nodes";
    links.source = "synthetic links";
    for (int c = 0; c < corridors; ++c) {
      for (int k = 0; k <= links_per_corridor; ++k) {
        const std::string id = "N" + std::to_string(c) + "_" + std::to_string(k);
        const geo::LonLat p{20.0 + 0.5 * k, 30.0 + 0.5 * c};
        std::vector<geo::Attribute> a{{"kind", std::string(k % 4 == 2 ? "border" : k % 10 == 5 ? "port" : "junction")}};
        if (k % 4 == 2) {
          a.push_back({"dwell_h", 6.0});
          a.push_back({"capacity_teu_per_day", 16.0 * 82.0});  // 4 tracks at 6 h
        }
        nodes.features.push_back(feature(id, a, geo::GeometryKind::point, {p}));
        if (k < links_per_corridor) {
          const std::string to = "N" + std::to_string(c) + "_" + std::to_string(k + 1);
          const bool ferry = k % 10 == 5;
          std::vector<geo::Attribute> la{{"from", id}, {"to", to}, {"length_km", 100.0}, {"speed_kmh", 50.0}};
          if (ferry) {
            la.push_back({"mode", std::string("ferry")});
            la.push_back({"sailings_per_week", 14.0});
          } else {
            la.push_back({"mode", std::string("rail")});
            la.push_back({"gauge_mm", std::int64_t{1520}});
            la.push_back({"capacity_teu_per_day", 24.0 * 82.0});
          }
          links.features.push_back(feature(id + "-" + to, la, geo::GeometryKind::line_string,
                                           {p, {20.0 + 0.5 * (k + 1), 30.0 + 0.5 * c}}));
        }
      }
    }
    net = network::Network::build(nodes, links);
    scenario.freight.days_per_year = 365.0;
    const double trains_per_od = movements / (corridors * links_per_corridor);
    for (int c = 0; c < corridors; ++c) {
      events::OdRoutes od;
      freight::Path p;
      for (int k = 0; k <= links_per_corridor; ++k)
        p.nodes.push_back(*net.find_node("N" + std::to_string(c) + "_" + std::to_string(k)));
      for (int k = 0; k < links_per_corridor; ++k)
        p.steps.push_back({*net.find_link("N" + std::to_string(c) + "_" + std::to_string(k) + "-N" +
                                          std::to_string(c) + "_" + std::to_string(k + 1)),
                           true});
      od.origin = p.nodes.front();
      od.destination = p.nodes.back();
      od.commodity = "containers";
      od.teu_per_year = trains_per_od * 82.0;
      od.routes.push_back({p, 1.0});
      routes.push_back(std::move(od));
    }
  }
};

}  // namespace

int main(int argc, char** argv) {
  try {
    const int repeats = argc > 1 ? std::max(1, std::stoi(argv[1])) : 5;
    std::printf("bench_events: best of %d runs, simulation only (network, scenario and routes prepared once)\n",
                repeats);

    auto t0 = Clock::now();
    auto sc = scenario::load(std::filesystem::path(CORRIDOR_SOURCE_DIR) / "scenarios/baseline.yaml");
    const auto net = run::prepare(sc);
    const auto freight = freight::assign_all_or_nothing(net, sc);
    events::EventSettings s;
    s.horizon_days = 365;
    s.teu_per_train = 82;
    s.seed = 2026;
    const auto routes = events::routes_from_assignment(net, freight, s);
    std::printf("baseline loaded and assigned in %.3f s: %zu OD flows\n", seconds_since(t0), routes.size());

    double best = 0.0;
    auto r = best_of(repeats, [&] { return events::simulate(net, sc, routes, s); }, best);
    report("baseline year, daily timetable", r, best);
    std::size_t trains = 0;
    for (const auto& o : r.od) trains += o.trains_released;
    std::printf("  %zu trains released, %zu nodes with queues, %zu links used\n", trains, r.nodes.size(),
                r.links.size());

    s.timetable.kind = events::TimetableKind::poisson;
    s.weather = events::WeatherModel{4.0, 7.5};
    r = best_of(repeats, [&] { return events::simulate(net, sc, routes, s); }, best);
    report("baseline year, poisson + weather", r, best);

    t0 = Clock::now();
    const Synthetic syn(8, 40, 1.0e6);
    std::printf("synthetic network (%zu nodes, %zu links, %zu ODs) built in %.3f s\n", syn.net.nodes().size(),
                syn.net.links().size(), syn.routes.size(), seconds_since(t0));
    events::EventSettings ss;
    ss.horizon_days = 365;
    ss.teu_per_train = 82;
    ss.seed = 1;
    r = best_of(std::min(repeats, 3), [&] { return events::simulate(syn.net, syn.scenario, syn.routes, ss); }, best);
    report("synthetic 1M movements, daily", r, best);
    ss.timetable.kind = events::TimetableKind::poisson;
    r = best_of(std::min(repeats, 3), [&] { return events::simulate(syn.net, syn.scenario, syn.routes, ss); }, best);
    report("synthetic 1M movements, poisson", r, best);
    return 0;
  } catch (const InputError& e) {
    for (const auto& p : e.problems()) std::fprintf(stderr, "%s\n", p.str().c_str());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 3;
  }
}
