// The event simulation on the bundled Eurasian network: the baseline market on its all-or-nothing routes.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>
#include <sstream>

#include "sim/events/simulator.hpp"
#include "sim/freight/assignment.hpp"
#include "tools/app/events_output.hpp"
#include "sim/run/load.hpp"
#include "tests/support/temp_dir.hpp"

using namespace corridor;

TEST_CASE("A year of the bundled baseline runs with every OD's trains conserved and Little's law on every node",
          "[events][baseline]") {
  auto sc = scenario::load(std::filesystem::path(CORRIDOR_SOURCE_DIR) / "scenarios/baseline.yaml");
  const auto net = run::prepare(sc);
  const auto freight = freight::assign_all_or_nothing(net, sc);
  events::EventSettings s;
  s.horizon_days = 365;
  s.seed = 2026;
  s.teu_per_train = 82;
  s.timetable.kind = events::TimetableKind::poisson;
  s.weather = events::WeatherModel{4.0, 7.5};  // Caspian storms: about 30 days a year
  // Zhengzhou - Duisburg fixed on the Middle Corridor (across the Caspian from Aktau to Alat).
  events::FixedRoute middle;
  middle.origin = {"CGO", "test", 1};
  middle.destination = {"DUI", "test", 1};
  for (const char* id : {"CGO", "XIA", "BJI", "LZH", "WUW", "JYG", "HMI", "TRP", "URC", "JNH", "AKU", "DOS", "AKT", "MOI",
                         "ZRK", "ZHZ", "SAK", "BEY", "MNG", "AKX", "ALY", "GAR", "TBS", "AKH", "KSY", "ANK", "IST", "EDI",
                         "SOF", "BEG", "BUD", "VIE", "NUE", "FRA", "DUI"})
    middle.nodes.push_back({id, "test", 1});
  s.routes.push_back(middle);
  const auto routes = events::routes_from_assignment(net, freight, s);
  REQUIRE(!routes.empty());
  const auto r = events::simulate(net, sc, routes, s);

  REQUIRE(r.od.size() == routes.size());
  double delivered = 0.0;
  for (const auto& o : r.od) {
    INFO(net.nodes()[o.origin].id << " -> " << net.nodes()[o.destination].id);
    CHECK(o.teu_released == Approx(o.teu_delivered + o.teu_in_system));
    // Poisson departures: the number of trains is Poisson with mean demand / teu_per_train, so the TEU
    // released scatter by sqrt(teu_per_train x demand); four of those and one train either way.
    const double sd = std::sqrt(s.teu_per_train * o.demand_teu);
    CHECK(std::abs(o.teu_released - o.demand_teu) <= 4.0 * sd + s.teu_per_train);
    if (o.trains_delivered > 0) {
      // Never faster than the static route time without waits (links and dwell of every node).
      CHECK(o.transit_median_h <= o.transit_p95_h);
      CHECK(o.transit_p95_h <= o.transit_max_h);
    }
    delivered += o.teu_delivered;
  }
  CHECK(delivered > 0.0);
  const double horizon_h = s.horizon_days * 24.0;
  for (const auto& n : r.nodes) {
    INFO("node " << net.nodes()[n.node].id);
    const double lambda = static_cast<double>(n.arrivals) / horizon_h;
    CHECK(n.mean_in_node_trains == Approx(lambda * n.mean_sojourn_h).epsilon(0.05).margin(0.05));
  }
  // The Caspian crossing: sailings every 192 h (wait_h 96), some cancelled by storms.
  REQUIRE(!r.ferries.empty());
  const auto akx = *net.find_link("AKX-ALY");
  bool crossed = false;
  for (const auto& f : r.ferries) {
    if (f.link != akx || !f.forward) continue;
    crossed = true;
    CHECK(f.sailings_per_week == Approx(0.875));
    CHECK(f.sailings + f.cancelled == 46);  // 365 days / 8
    CHECK(f.mean_wait_h > 48.0);
  }
  CHECK(crossed);
  for (const auto& o : r.od)
    if (net.nodes()[o.origin].id == "CGO" && net.nodes()[o.destination].id == "DUI") CHECK(o.mean_wait.ferry_h > 48.0);
  // Deterministic across runs.
  const auto again = events::simulate(net, sc, routes, s);
  CHECK(app::events_od_csv(net, again) == app::events_od_csv(net, r));
  CHECK(app::events_timeseries_csv(net, again) == app::events_timeseries_csv(net, r));
  const auto kpis = app::event_kpis_json(net, r, events::event_kpis(r));
  CHECK(kpis["teu_delivered"].get<double>() > 0.0);
}


TEST_CASE("The events section shown in docs/events.md reads and runs on the bundled network", "[events][baseline]") {
  std::ifstream in(std::filesystem::path(CORRIDOR_SOURCE_DIR) / "docs/events.md");
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  const auto begin = doc.find("```yaml\n") + 8;
  const auto end = doc.find("```", begin);
  REQUIRE(end != std::string::npos);
  test::TempDir dir("events-doc");
  const auto file = dir.write("scenario.yaml", doc.substr(begin, end - begin));
  const scenario::YamlReader reader(file);
  auto s = events::parse_event_settings(reader, reader.parse()["events"], dir.path());
  s.horizon_days = 60;

  auto sc = scenario::load(std::filesystem::path(CORRIDOR_SOURCE_DIR) / "scenarios/baseline.yaml");
  const auto net = run::prepare(sc);
  const auto routes = events::routes_from_assignment(net, freight::assign_all_or_nothing(net, sc), s);
  const auto r = events::simulate(net, sc, routes, s);
  CHECK(r.events > 0);
  for (const auto& o : r.od) CHECK(o.teu_released == Approx(o.teu_delivered + o.teu_in_system));
}
