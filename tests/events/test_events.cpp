// Discrete-event simulation: analytic queues, ferries, line capacity, disruptions, conservation,
// determinism, and the `events:` section of a scenario file.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>

#include "geo/error.hpp"
#include "sim/events/settings.hpp"
#include "sim/events/simulator.hpp"
#include "tests/events/events_fixture.hpp"
#include "tests/support/temp_dir.hpp"
#include "tools/app/events_output.hpp"

using namespace corridor;
using namespace corridor::test;
using events::EventSettings;

namespace {

EventSettings settings(double horizon_days, double teu_per_train = 1.0) {
  EventSettings s;
  s.horizon_days = horizon_days;
  s.teu_per_train = teu_per_train;
  s.seed = 7;
  return s;
}

events::NodeServerSettings server(const std::string& id, int servers, double service_h,
                                  events::ServiceDistribution dist = events::ServiceDistribution::fixed) {
  events::NodeServerSettings n;
  n.id = at(id);
  n.servers = servers;
  n.service_h = service_h;
  n.service = dist;
  return n;
}

}  // namespace

TEST_CASE("A D/D/1 border below capacity makes no train wait; above capacity the n-th train waits (n-1)(s-a)",
          "[events]") {
  LineNet c({{"A", {}}, {"B", {{"kind", text("border")}, {"dwell_h", num(0)}}}, {"C", {}}});
  SECTION("arrivals every 1.2 h, service 1 h: no wait, sojourn 1 h, utilization 1/1.2") {
    auto s = settings(30);
    s.nodes.push_back(server("B", 1, 1.0));
    const auto r = events::simulate(c.net, c.scenario, {c.od({"A", "B", "C"}, 20)}, s);
    const auto& b = c.node_result(r, "B");
    CHECK(b.arrivals == 599);  // the train released at 719.4 h reaches B after the horizon
    CHECK(b.mean_wait_h == Approx(0.0).margin(1e-9));
    CHECK(b.mean_sojourn_h == Approx(1.0));
    CHECK(*b.utilization == Approx(598.8 / 720.0));  // 598 services and 0.8 h of the last one
    CHECK(r.od[0].transit_mean_h == Approx(3.0));  // two links of 1 h and 1 h of service
    CHECK(r.od[0].transit_max_h == Approx(3.0));
  }
  SECTION("arrivals every 1 h, service 1.25 h: waits grow by 0.25 h per train") {
    auto s = settings(10);
    s.nodes.push_back(server("B", 1, 1.25));
    const auto r = events::simulate(c.net, c.scenario, {c.od({"A", "B", "C"}, 24)}, s);
    const auto& b = c.node_result(r, "B");
    // Train n (from 0) arrives at n + 1.5 h and starts at 1.5 + 1.25 n: it waits 0.25 n. Services
    // started before the horizon: 1.5 + 1.25 n < 240 gives n <= 190.
    const double started = 191.0;
    CHECK(b.mean_wait_h == Approx(0.25 * (started - 1.0) / 2.0));
    CHECK(b.max_wait_h == Approx(0.25 * (started - 1.0)));
    CHECK(*b.utilization == Approx((240.0 - 1.5) / 240.0).epsilon(1e-3));
  }
}

TEST_CASE("An M/M/1 border reproduces the textbook mean wait rho / (mu - lambda) within 3%", "[events]") {
  LineNet c({{"A", {}}, {"B", {{"kind", text("border")}, {"dwell_h", num(0)}}}, {"C", {}}});
  auto s = settings(100000);  // about 1.9 million trains
  s.timetable.kind = events::TimetableKind::poisson;
  s.seed = 2026;
  s.nodes.push_back(server("B", 1, 1.0, events::ServiceDistribution::exponential));
  // lambda = 0.8 trains/h, mu = 1/h: Wq = 0.8 / (1 - 0.8) = 4 h, W = 5 h, Lq = 3.2, L = 4.
  const auto r = events::simulate(c.net, c.scenario, {c.od({"A", "B", "C"}, 19.2)}, s);
  const auto& b = c.node_result(r, "B");
  const double error = std::abs(b.mean_wait_h - 4.0) / 4.0;
  INFO("M/M/1 mean wait " << b.mean_wait_h << " h, relative error " << error);
  CHECK(error < 0.03);
  CHECK(b.mean_queue_trains == Approx(3.2).epsilon(0.03));
  CHECK(*b.utilization == Approx(0.8).epsilon(0.01));
  // Little's law: L = lambda W.
  const double lambda = static_cast<double>(b.arrivals) / (s.horizon_days * 24.0);
  CHECK(b.mean_in_node_trains == Approx(lambda * b.mean_sojourn_h).epsilon(0.005));
}

TEST_CASE("An M/M/c yard with 3 tracks matches the Erlang C mean wait", "[events]") {
  LineNet c({{"A", {}}, {"B", {{"kind", text("border")}, {"dwell_h", num(0)}}}, {"C", {}}});
  auto s = settings(50000);
  s.timetable.kind = events::TimetableKind::poisson;
  s.nodes.push_back(server("B", 3, 2.0, events::ServiceDistribution::exponential));
  // lambda = 1.2/h, mu = 0.5/h, c = 3, a = lambda/mu = 2.4, rho = 0.8.
  const double a = 2.4, rho = 0.8;
  const double sum = 1.0 + a + a * a / 2.0, last = a * a * a / 6.0 / (1.0 - rho);
  const double erlang_c = last / (sum + last);
  const double wq = erlang_c / (3.0 * 0.5 - 1.2);
  const auto r = events::simulate(c.net, c.scenario, {c.od({"A", "B", "C"}, 28.8)}, s);
  CHECK(c.node_result(r, "B").mean_wait_h == Approx(wq).epsilon(0.05));
}

TEST_CASE("Cargo arriving uniformly at a weekly ferry waits half a week on average", "[events]") {
  LineNet c({{"P", {{"kind", text("port")}, {"dwell_h", num(0)}}}, {"Q", {{"kind", text("port")}, {"dwell_h", num(0)}}}},
            {{"PQ", {{"mode", text("ferry")}, {"cost_usd_per_teu", num(0)}, {"gauge_mm", geo::Value{}}, {"sailings_per_week", num(1)}}}});
  auto s = settings(364);  // 52 weeks
  const auto r = events::simulate(c.net, c.scenario, {c.od({"P", "Q"}, 24)}, s);
  REQUIRE(r.ferries.size() == 1);
  const auto& f = r.ferries[0];
  CHECK(f.sailings_per_week == Approx(1.0));
  CHECK(f.sailings == 52);
  CHECK(f.mean_wait_h == Approx(84.0).epsilon(1e-6));
  CHECK(r.od[0].mean_wait.ferry_h == Approx(84.0).epsilon(1e-6));
  CHECK(r.od[0].transit_mean_h == Approx(85.0).epsilon(1e-6));  // plus 1 h at sea
  // Trains of the last week are still waiting at the horizon.
  CHECK(r.od[0].teu_in_system == Approx(24.0 * 7.0));
}

TEST_CASE("Cargo waits for the next sailing with room, and storms cancel sailings", "[events]") {
  LineNet c({{"P", {{"kind", text("port")}, {"dwell_h", num(0)}}}, {"Q", {{"kind", text("port")}, {"dwell_h", num(0)}}}},
            {{"PQ", {{"mode", text("ferry")}, {"cost_usd_per_teu", num(0)}, {"gauge_mm", geo::Value{}}, {"wait_h", num(12)}}}});
  auto s = settings(28);
  events::FerrySettings f;
  f.id = at("PQ");
  f.capacity_teu = 2.0;          // two trains of 1 TEU per sailing, one sailing a day (84/12 = 7 a week)
  f.closures.push_back({7, 14});  // a storm week
  f.first_sailing_h = 12.0;
  s.ferries.push_back(f);
  const auto r = events::simulate(c.net, c.scenario, {c.od({"P", "Q"}, 2)}, s);
  const auto& fr = r.ferries[0];
  CHECK(fr.cancelled == 7);
  CHECK(fr.sailings == 21);
  CHECK(fr.closed_days == Approx(7.0));
  CHECK(fr.mean_load_factor <= 1.0);
  // After the storm 14 trains wait and leave two a day while two more arrive each day: the backlog stays.
  CHECK(fr.max_wait_h > 7 * 24.0);
  CHECK(r.od[0].teu_in_system > 10.0);
  // Without capacity limits the backlog leaves on the first sailing after the storm.
  s.ferries[0].capacity_teu.reset();
  const auto r2 = events::simulate(c.net, c.scenario, {c.od({"P", "Q"}, 2)}, s);
  CHECK(r2.ferries[0].max_wait_h == Approx(7 * 24.0 + 18.0).margin(1e-6));  // the train of 162 h sails at 348 h
}

TEST_CASE("Random weather outages close a ferry for about the share of the year they are expected to", "[events]") {
  LineNet c({{"P", {{"kind", text("port")}, {"dwell_h", num(0)}}}, {"Q", {{"kind", text("port")}, {"dwell_h", num(0)}}}},
            {{"PQ", {{"mode", text("ferry")}, {"cost_usd_per_teu", num(0)}, {"gauge_mm", geo::Value{}}, {"sailings_per_week", num(7)}}}});
  auto s = settings(365.0 * 1000);
  s.weather = events::WeatherModel{4.0, 7.5};  // 30 days a year on average
  const auto r = events::simulate(c.net, c.scenario, {c.od({"P", "Q"}, 1)}, s);
  // Alternating renewal: closed share = 7.5 / (365 / 4 + 7.5).
  const double share = 7.5 / (365.0 / 4.0 + 7.5);
  CHECK(r.ferries[0].closed_days / (365.0 * 1000) == Approx(share).epsilon(0.08));
  const double cancelled = static_cast<double>(r.ferries[0].cancelled);
  CHECK(cancelled / (cancelled + static_cast<double>(r.ferries[0].sailings)) == Approx(share).epsilon(0.08));
}

TEST_CASE("A line with 12 train paths a day holds 24 trains a day to one every 2 h", "[events]") {
  LineNet c(Nodes{{"A", {}}, {"B", {}}});
  auto s = settings(5);
  s.lines.push_back({at("AB"), 12.0});
  const auto r = events::simulate(c.net, c.scenario, {c.od({"A", "B"}, 24)}, s);
  REQUIRE(r.links.size() == 1);
  CHECK(r.links[0].max_trains_per_day <= 12);
  CHECK(r.links[0].trains_forward == 60);  // 5 days x 12 slots
  CHECK(r.od[0].mean_wait.line_capacity_h > 0.0);
  CHECK(r.od[0].mean_wait.node_queue_h == 0.0);
  // Trains leave at 0.5, 1.5, ... and get slots 0.5, 2.5, 4.5, ...: train n waits n h.
  CHECK(r.od[0].transit_max_h > 24.0);
}

TEST_CASE("A border closed for days 2 to 4 holds its trains and releases them when it reopens", "[events]") {
  LineNet c({{"A", {}}, {"B", {{"kind", text("border")}, {"dwell_h", num(2)}}}, {"C", {}}});
  auto s = settings(10);
  s.disruptions.push_back({at("B"), {2, 4}});
  const auto r = events::simulate(c.net, c.scenario, {c.od({"A", "B", "C"}, 4)}, s);
  const auto& b = c.node_result(r, "B");
  CHECK(b.servers == 0);  // no capacity given: every train is served at once
  // Trains reach B at 4, 10, 16 and 22 h each day; the first held arrives at 52 h and leaves at 96 h.
  CHECK(b.max_wait_h == Approx(44.0));
  CHECK(r.od[0].transit_max_h == Approx(1.0 + 44.0 + 2.0 + 1.0));
  CHECK(b.days[2].max_queue_trains == 4);
  CHECK(b.days[3].max_queue_trains == 8);
  CHECK(b.days[5].max_queue_trains == 0);
}

TEST_CASE("A link closed by a disruption makes trains wait before it", "[events]") {
  LineNet c(Nodes{{"A", {}}, {"B", {}}});
  auto s = settings(6);
  s.disruptions.push_back({at("AB"), {1, 3}});
  const auto r = events::simulate(c.net, c.scenario, {c.od({"A", "B"}, 2)}, s);
  CHECK(r.od[0].mean_wait.closure_h > 0.0);
  CHECK(r.links[0].trains_per_day[1] == 0);
  CHECK(r.links[0].trains_per_day[2] == 0);
  CHECK(r.links[0].trains_per_day[3] == 6);
}

TEST_CASE("A route share of 0.3 sends 3 of every 10 trains its way", "[events]") {
  // Two parallel links between A and B: "AB" and a second, longer one.
  geo::Layer n = layer("nodes", {node("A", 60, 45, {{"kind", text("terminal")}}), node("B", 61, 45, {{"kind", text("terminal")}})});
  geo::Layer l = layer("links", {link("AB", "A", "B", {60, 45}, {61, 45}, {{"mode", text("rail")}, {"cost_usd_per_teu", num(0)}, {"gauge_mm", num(1520)}, {"length_km", num(100)}, {"speed_kmh", num(100)}}),
                                 link("AB2", "A", "B", {60, 45}, {61, 45}, {{"mode", text("rail")}, {"cost_usd_per_teu", num(0)}, {"gauge_mm", num(1520)}, {"length_km", num(200)}, {"speed_kmh", num(100)}})});
  const auto net = network::Network::build(n, l);
  scenario::Scenario sc;
  events::OdRoutes od;
  od.origin = 0;
  od.destination = 1;
  od.teu_per_year = 10.0 * 365.0;
  freight::Path p1, p2;
  p1.nodes = p2.nodes = {0, 1};
  p1.steps = {freight::Step{0, true}};
  p2.steps = {freight::Step{1, true}};
  od.routes = {{p1, 0.7}, {p2, 0.3}};
  const auto r = events::simulate(net, sc, {od}, settings(10));
  REQUIRE(r.links.size() == 2);
  CHECK(r.links[0].trains_forward == 70);
  CHECK(r.links[1].trains_forward == 30);
  CHECK(r.od[0].transit_mean_h == Approx(0.7 * 1.0 + 0.3 * 2.0).epsilon(1e-3));
}

TEST_CASE("A weekly timetable sends the week's trains on the weighted days", "[events]") {
  LineNet c(Nodes{{"A", {}}, {"B", {}}});
  auto s = settings(14);
  s.timetable.kind = events::TimetableKind::weekly;
  s.timetable.weekday_weights = {3, 1, 1, 1, 1, 0, 0};  // Mondays busiest, no trains at weekends
  const auto r = events::simulate(c.net, c.scenario, {c.od({"A", "B"}, 7)}, s);
  const auto& days = r.links[0].trains_per_day;
  CHECK(days[0] == 21);
  CHECK(days[1] == 7);
  CHECK(days[5] == 0);
  CHECK(days[7] == 21);
  CHECK(r.od[0].trains_released == 98);
}

TEST_CASE("Little's law holds on every node and TEU are conserved per OD in a busy corridor", "[events]") {
  LineNet c({{"A", {}},
             {"B", {{"kind", text("border")}, {"dwell_h", num(6)}, {"capacity_teu_per_day", num(200)}}},
             {"C", {{"kind", text("port")}, {"dwell_h", num(3)}}},
             {"D", {{"kind", text("border")}, {"dwell_h", num(0)}, {"capacity_teu_per_day", num(400)}}},
             {"E", {}}},
            {{"CD", {{"mode", text("ferry")}, {"cost_usd_per_teu", num(0)}, {"gauge_mm", geo::Value{}}, {"sailings_per_week", num(3)}}}});
  auto s = settings(2000, 20.0);
  s.timetable.kind = events::TimetableKind::poisson;
  s.weather = events::WeatherModel{6, 3};
  s.disruptions.push_back({at("B"), {100, 110}});
  std::vector<events::OdRoutes> ods{c.od({"A", "B", "C", "D", "E"}, 6, 20.0), c.od({"B", "C", "D"}, 3, 20.0),
                                    c.od({"E", "D", "C", "B", "A"}, 2, 20.0)};
  const auto r = events::simulate(c.net, c.scenario, ods, s);
  const double horizon_h = s.horizon_days * 24.0;
  for (const auto& n : r.nodes) {
    INFO("node " << c.net.nodes()[n.node].id);
    const double lambda = static_cast<double>(n.arrivals) / horizon_h;
    CHECK(n.mean_in_node_trains == Approx(lambda * n.mean_sojourn_h).epsilon(0.01));
    if (n.utilization) CHECK(*n.utilization <= 1.0);
  }
  for (const auto& o : r.od) {
    CHECK(o.teu_released == Approx(o.teu_delivered + o.teu_in_system));
    CHECK(o.teu_released == Approx(o.demand_teu).epsilon(0.05));
    CHECK(o.transit_median_h <= o.transit_p95_h);
    CHECK(o.transit_p95_h <= o.transit_max_h);
  }
  CHECK(r.od[0].teu_in_system > 0.0);
}

TEST_CASE("The same seed gives the same bytes; another seed gives other draws", "[events]") {
  LineNet c({{"A", {}},
             {"B", {{"kind", text("border")}, {"dwell_h", num(6)}, {"capacity_teu_per_day", num(200)}}},
             {"C", {{"kind", text("port")}, {"dwell_h", num(0)}}},
             {"D", {}}},
            {{"CD", {{"mode", text("ferry")}, {"cost_usd_per_teu", num(0)}, {"gauge_mm", geo::Value{}}, {"sailings_per_week", num(2)}}}});
  auto s = settings(365, 20.0);
  s.timetable.kind = events::TimetableKind::poisson;
  s.weather = events::WeatherModel{4, 7.5};
  s.nodes.push_back(server("B", 2, 5.0, events::ServiceDistribution::exponential));
  const std::vector<events::OdRoutes> ods{c.od({"A", "B", "C", "D"}, 8, 20.0)};
  auto bytes = [&](std::uint64_t seed) {
    auto s2 = s;
    s2.seed = seed;
    const auto r = events::simulate(c.net, c.scenario, ods, s2);
    return app::events_timeseries_csv(c.net, r) + app::events_od_csv(c.net, r) + app::events_nodes_csv(c.net, r) +
           app::events_links_csv(c.net, r) + app::events_ferries_csv(c.net, r) + app::event_kpis_json(c.net, r, events::event_kpis(r)).dump();
  };
  const std::string a = bytes(11), b = bytes(11), other = bytes(12);
  CHECK(a == b);
  CHECK(a != other);

  TempDir dir("events-determinism");
  const auto r = events::simulate(c.net, c.scenario, ods, s);
  app::write_event_results(dir.path(), c.net, r);
  for (const char* f : {"timeseries.csv", "events_od.csv", "events_nodes.csv", "events_links.csv", "events_ferries.csv"})
    CHECK(std::filesystem::exists(dir.path() / f));
}

TEST_CASE("The events section of a scenario file is read with every key checked", "[events][yaml]") {
  TempDir dir("events-yaml");
  const auto file = dir.path() / "scenario.yaml";
  std::ofstream(file) << R"(events:
  horizon_days: 180
  seed: 42
  teu_per_train: 84
  timetable: {kind: weekly, weekday_weights: [2, 1, 1, 1, 1, 0.5, 0.5]}
  weather: {outages_per_year: 4, mean_duration_days: 7.5}
  nodes:
    - {id: DOS, servers: 20, service_h: 24, storage_trains: 60}
    - {id: KHG, unlimited: true, service: exponential, service_h: 5}
    - {id: ALT, capacity_teu_per_day: 1290}
  lines:
    - {id: AKT-MOI, trains_per_day: 30}
  ferries:
    - {id: AKX-ALY, sailings_per_week: 2, capacity_teu: 300, first_sailing_h: 12,
       weather: {outages_per_year: 6, mean_duration_days: 5}, closures: [{from_day: 10, to_day: 20}]}
  disruptions:
    - {id: DOS, from_day: 30, to_day: 45}
  routes:
    - {origin: XIA, destination: DUI, nodes: [XIA, DOS, DUI]}
)";
  const scenario::YamlReader reader(file);
  const auto root = reader.parse();
  const auto s = events::parse_event_settings(reader, root["events"], dir.path());
  CHECK(s.horizon_days == 180);
  CHECK(s.seed == 42);
  CHECK(s.teu_per_train == 84);
  CHECK(s.timetable.kind == events::TimetableKind::weekly);
  CHECK(s.timetable.weekday_weights[5] == 0.5);
  CHECK(s.weather->outages_per_year == 4);
  REQUIRE(s.nodes.size() == 3);
  CHECK(*s.nodes[2].capacity_teu_per_day == 1290);
  CHECK(*s.nodes[0].servers == 20);
  CHECK(*s.nodes[0].storage_trains == 60);
  CHECK(s.nodes[1].unlimited);
  CHECK(s.nodes[1].service == events::ServiceDistribution::exponential);
  CHECK(s.lines[0].trains_per_day == 30);
  CHECK(*s.ferries[0].capacity_teu == 300);
  CHECK(s.ferries[0].closures[0].to_day == 20);
  CHECK(s.ferries[0].weather->mean_duration_days == 5);
  CHECK(s.disruptions[0].days.from_day == 30);
  CHECK(s.disruptions[0].id.line == 17);
  CHECK(s.routes[0].nodes.size() == 3);

  std::ofstream(file) << "events:\n  horizon_days: 10\n  ferries:\n    - {id: X, sailings_per_wek: 2}\n";
  const scenario::YamlReader bad(file);
  try {
    events::parse_event_settings(bad, bad.parse()["events"], dir.path());
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    const std::string msg = e.problems().at(0).str();
    CHECK_THAT(msg, Catch::Contains("line 4") && Catch::Contains("sailings_per_wek"));
  }
}

TEST_CASE("An id in the events section that is not in the network is an error naming file and line", "[events]") {
  LineNet c(Nodes{{"A", {}}, {"B", {}}});
  auto s = settings(5);
  s.disruptions.push_back({{"NOPE", "s.yaml", 12}, {1, 2}});
  try {
    events::simulate(c.net, c.scenario, {c.od({"A", "B"}, 1)}, s);
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    const std::string msg = e.problems().at(0).str();
    CHECK_THAT(msg, Catch::Contains("s.yaml") && Catch::Contains("line 12") && Catch::Contains("NOPE"));
  }
}

TEST_CASE("A node capacity in trains a day and a ferry capacity in wagons become servers and room", "[events]") {
  LineNet c({{"A", {}}, {"B", {{"kind", text("border")}, {"dwell_h", num(6)}}}, {"C", {{"kind", text("port")}, {"dwell_h", num(0)}}},
             {"D", {{"kind", text("port")}, {"dwell_h", num(0)}}}},
            {{"CD", {{"mode", text("ferry")}, {"cost_usd_per_teu", num(0)}, {"gauge_mm", geo::Value{}}, {"sailings_per_week", num(7)}}}});
  auto s = settings(20, 40.0);
  events::NodeServerSettings b;
  b.id = at("B");
  b.capacity_trains_per_day = 12;  // at 6 h a train: 3 tracks
  s.nodes.push_back(b);
  events::FerrySettings f;
  f.id = at("CD");
  f.capacity_wagons = 40;  // 80 TEU: two trains of 40 TEU a sailing
  s.ferries.push_back(f);
  const auto r = events::simulate(c.net, c.scenario, {c.od({"A", "B", "C", "D"}, 2, 40.0)}, s);
  CHECK(c.node_result(r, "B").servers == 3);
  CHECK(c.node_result(r, "B").service_h == 6.0);
  CHECK(*r.ferries[0].capacity_teu == 80.0);
  CHECK(r.ferries[0].mean_load_factor > 0.9);
}

TEST_CASE("A yard with storage for 3 trains holds the rest upstream, never queueing more than 3", "[events]") {
  LineNet c({{"A", {}}, {"B", {{"kind", text("border")}, {"dwell_h", num(0)}}}, {"C", {}}});
  auto s = settings(30);
  auto b = server("B", 1, 2.0);  // 12 trains a day of capacity
  b.storage_trains = 3;
  s.nodes.push_back(b);
  const auto r = events::simulate(c.net, c.scenario, {c.od({"A", "B", "C"}, 16)}, s);  // 16 a day arrive
  const auto& n = c.node_result(r, "B");
  CHECK(n.max_queue_trains <= 3);
  CHECK(n.hours_over_storage == 0.0);
  CHECK(n.trains_held > 100);
  CHECK(n.mean_hold_h > 0.0);
  CHECK(*n.utilization > 0.99);
  // The backlog waits upstream: the train's node-queue wait includes its hold.
  CHECK(r.od[0].mean_wait.node_queue_h > n.mean_wait_h);
  CHECK(r.od[0].teu_released == Approx(r.od[0].teu_delivered + r.od[0].teu_in_system));
}
