// sim/freight equilibrium assignment on small networks with closed-form answers: Wardrop's equal times,
// system optimum's equal marginal costs, classes with their own tolls and allowed links, zone pass-through.
#include <catch2/catch.hpp>

#include <cmath>
#include <fstream>

#include "geo/error.hpp"
#include "sim/freight/equilibrium.hpp"
#include "tests/support/temp_dir.hpp"
#include "tools/app/tntp.hpp"

using namespace corridor;
using namespace corridor::freight;

namespace {

/// A link with a linear delay t = t0 + (t0 / c) v (BPR with alpha 1, beta 1).
LinkSpec linear(std::size_t from, std::size_t to, double t0, double capacity) {
  LinkSpec l;
  l.from = from;
  l.to = to;
  l.free_flow_time = t0;
  l.capacity = capacity;
  l.alpha = 1.0;
  l.beta = 1.0;
  return l;
}

LinkSpec bpr(std::size_t from, std::size_t to, double t0, double capacity) {
  LinkSpec l;
  l.from = from;
  l.to = to;
  l.free_flow_time = t0;
  l.capacity = capacity;
  return l;
}

/// Two parallel links from node 0 to node 1: t1 = 10 + 0.1 v1, t2 = 15 + 0.05 v2; 1000 trips.
AssignmentProblem two_routes() {
  AssignmentProblem p;
  p.name = "two routes";
  p.node_count = 2;
  p.links = {linear(0, 1, 10, 100), linear(0, 1, 15, 300)};
  p.classes = {TravelClass{"all", 0, 0, {}}};
  p.demand = {{0, 1, 0, 1000}};
  return p;
}

const AssignmentMethod all_methods[] = {AssignmentMethod::algorithm_b, AssignmentMethod::frank_wolfe,
                                        AssignmentMethod::conjugate_frank_wolfe,
                                        AssignmentMethod::biconjugate_frank_wolfe};

}  // namespace

TEST_CASE("Two parallel routes carry the closed-form user equilibrium with equal times", "[equilibrium]") {
  // 10 + 0.1 v1 = 15 + 0.05 (1000 - v1)  =>  v1 = 1100 / 3, v2 = 1900 / 3, t = 46.667
  for (AssignmentMethod m : all_methods) {
    EquilibriumOptions o;
    o.method = m;
    o.relative_gap = 1e-12;
    const auto r = solve_assignment(two_routes(), o);
    INFO(to_string(m));
    REQUIRE(r.converged);
    CHECK(r.link_flows[0] == Approx(1100.0 / 3.0).epsilon(1e-9));
    CHECK(r.link_flows[1] == Approx(1900.0 / 3.0).epsilon(1e-9));
    CHECK(r.link_times[0] == Approx(r.link_times[1]).epsilon(1e-9));
    CHECK(r.od[0].mean_cost == Approx(10.0 + 110.0 / 3.0).epsilon(1e-9));
  }
}

TEST_CASE("The bush method reports both routes of the two-route network with their shares", "[equilibrium]") {
  EquilibriumOptions o;
  o.relative_gap = 1e-12;
  const auto r = solve_assignment(two_routes(), o);
  REQUIRE(r.od.size() == 1);
  REQUIRE(r.od[0].routes.size() == 2);
  CHECK(r.od[0].routes[0].links == std::vector<std::size_t>{1});
  CHECK(r.od[0].routes[0].share == Approx(0.19 / 0.3).epsilon(1e-9));
  CHECK(r.od[0].routes[1].share == Approx(0.11 / 0.3).epsilon(1e-9));
  CHECK(r.od[0].routes[0].cost == Approx(r.od[0].routes[1].cost).epsilon(1e-9));
  CHECK(r.od[0].mean_time == Approx(46.6666666667).epsilon(1e-9));
}

TEST_CASE("System optimum equalizes marginal costs on the two routes", "[equilibrium]") {
  // 10 + 0.2 v1 = 15 + 0.1 v2, v1 + v2 = 1000  =>  v1 = 350, v2 = 650, marginal cost 80
  for (AssignmentMethod m : all_methods) {
    EquilibriumOptions o;
    o.method = m;
    o.objective = AssignmentObjective::system_optimum;
    o.relative_gap = 1e-12;
    const auto r = solve_assignment(two_routes(), o);
    INFO(to_string(m));
    REQUIRE(r.converged);
    CHECK(r.link_flows[0] == Approx(350.0).epsilon(1e-9));
    CHECK(r.link_flows[1] == Approx(650.0).epsilon(1e-9));
    // link times are user times: 45 and 47.5; total cost below the user equilibrium's 46667
    CHECK(r.link_times[0] == Approx(45.0).epsilon(1e-9));
    CHECK(r.total_cost == Approx(350 * 45.0 + 650 * 47.5).epsilon(1e-9));
  }
}

TEST_CASE("Three BPR routes: the used ones have equal times and the unused one is no faster", "[equilibrium]") {
  AssignmentProblem p;
  p.name = "three routes";
  p.node_count = 4;
  // route A: 0-1-3, route B: 0-2-3, route C: 0-3 (long free-flow time, never worth it)
  p.links = {bpr(0, 1, 5, 400), bpr(1, 3, 5, 400), bpr(0, 2, 7, 600), bpr(2, 3, 6, 600), bpr(0, 3, 60, 1000)};
  p.classes = {TravelClass{"all", 0, 0, {}}};
  p.demand = {{0, 3, 0, 1500}};
  EquilibriumOptions o;
  o.relative_gap = 1e-12;
  const auto r = solve_assignment(p, o);
  REQUIRE(r.converged);
  const double ta = r.link_times[0] + r.link_times[1];
  const double tb = r.link_times[2] + r.link_times[3];
  CHECK(r.link_flows[0] > 0.0);
  CHECK(r.link_flows[2] > 0.0);
  CHECK(ta == Approx(tb).epsilon(1e-10));
  CHECK(r.link_flows[4] == 0.0);
  CHECK(r.link_times[4] >= ta);
  CHECK(r.link_flows[0] + r.link_flows[2] == Approx(1500.0).epsilon(1e-12));
}

TEST_CASE("A class that weighs the toll heavily keeps off the toll road while the other class splits",
          "[equilibrium]") {
  // link 0: t = 10 + 0.1 v, toll 100; link 1: t = 20 + 0.1 v. Cars (toll weight 0): 300; trucks (1 min/cent): 100.
  // Trucks all on link 1; cars: 10 + 0.1 a1 = 20 + 0.1 (300 - a1 + 100)  =>  a1 = 250, equal times 35.
  AssignmentProblem p;
  p.name = "toll";
  p.node_count = 2;
  p.links = {linear(0, 1, 10, 100), linear(0, 1, 20, 200)};
  p.links[0].toll = 100;
  p.classes = {TravelClass{"cars", 0, 0, {}}, TravelClass{"trucks", 1.0, 0, {}}};
  p.demand = {{0, 1, 0, 300}, {0, 1, 1, 100}};
  for (AssignmentMethod m : all_methods) {
    EquilibriumOptions o;
    o.method = m;
    o.relative_gap = 1e-12;
    const auto r = solve_assignment(p, o);
    INFO(to_string(m));
    REQUIRE(r.converged);
    CHECK(r.class_link_flows[0][0] == Approx(250.0).epsilon(1e-9));
    CHECK(r.class_link_flows[0][1] == Approx(50.0).epsilon(1e-9));
    CHECK(r.class_link_flows[1][0] == Approx(0.0).margin(1e-7));
    CHECK(r.class_link_flows[1][1] == Approx(100.0).epsilon(1e-9));
    CHECK(r.od[1].mean_cost == Approx(35.0).epsilon(1e-9));
  }
}

TEST_CASE("A class only uses the links it is allowed on", "[equilibrium]") {
  AssignmentProblem p = two_routes();
  p.classes.push_back(TravelClass{"rail only", 0, 0, {false, true}});
  p.demand.push_back({0, 1, 1, 200});
  EquilibriumOptions o;
  o.relative_gap = 1e-12;
  const auto r = solve_assignment(p, o);
  REQUIRE(r.converged);
  CHECK(r.class_link_flows[1][0] == 0.0);
  CHECK(r.class_link_flows[1][1] == Approx(200.0));
  // the first class still sees equal times: 10 + 0.1 v1 = 15 + 0.05 (1000 - v1 + 200)  =>  v1 = 1300 / 3
  CHECK(r.link_flows[0] == Approx(1300.0 / 3.0).epsilon(1e-9));
}

TEST_CASE("Zone nodes below the first through node are not passed through", "[equilibrium]") {
  // 0 and 1 are zones; 2 and 3 ordinary. 0 -> 1 -> 3 is short but passes zone 1; 0 -> 2 -> 3 is long.
  AssignmentProblem p;
  p.name = "zones";
  p.node_count = 4;
  p.links = {bpr(0, 1, 1, 1000), bpr(1, 3, 1, 1000), bpr(0, 2, 10, 1000), bpr(2, 3, 10, 1000)};
  p.classes = {TravelClass{"all", 0, 0, {}}};
  p.demand = {{0, 3, 0, 100}, {1, 3, 0, 50}};
  p.first_thru_node = 2;
  for (AssignmentMethod m : {AssignmentMethod::algorithm_b, AssignmentMethod::frank_wolfe,
                             AssignmentMethod::all_or_nothing}) {
    EquilibriumOptions o;
    o.method = m;
    const auto r = solve_assignment(p, o);
    INFO(to_string(m));
    CHECK(r.link_flows[0] == 0.0);
    CHECK(r.link_flows[1] == Approx(50.0));  // zone 1's own trips leave through it
    CHECK(r.link_flows[2] == Approx(100.0));
  }
  p.first_thru_node = 0;
  const auto open = solve_assignment(p, {});
  CHECK(open.link_flows[0] == Approx(100.0));
}

TEST_CASE("The conical delay function doubles the time at capacity and balances two routes", "[equilibrium]") {
  LinkSpec l = bpr(0, 1, 10, 100);
  l.function = DelayFunction::conical;
  l.alpha = 4.0;
  const VolumeDelay f(l);
  CHECK(f.time(0.0) == Approx(10.0));
  CHECK(f.time(100.0) == Approx(20.0));
  const double h = 1e-3;
  CHECK(f.slope(70.0) == Approx((f.time(70.0 + h) - f.time(70.0 - h)) / (2 * h)).epsilon(1e-6));
  CHECK(f.curvature(70.0) == Approx((f.slope(70.0 + h) - f.slope(70.0 - h)) / (2 * h)).epsilon(1e-6));
  CHECK(f.integral(70.0) - f.integral(69.0) == Approx((f.time(69.0) + 4 * f.time(69.5) + f.time(70.0)) / 6).epsilon(1e-8));

  AssignmentProblem p = two_routes();
  for (LinkSpec& s : p.links) {
    s.function = DelayFunction::conical;
    s.alpha = 4.0;
  }
  EquilibriumOptions o;
  o.relative_gap = 1e-12;
  const auto r = solve_assignment(p, o);
  REQUIRE(r.converged);
  CHECK(r.link_times[0] == Approx(r.link_times[1]).epsilon(1e-10));
}

TEST_CASE("All or nothing loads every OD on its free-flow path and reports that route", "[equilibrium]") {
  EquilibriumOptions o;
  o.method = AssignmentMethod::all_or_nothing;
  const auto r = solve_assignment(two_routes(), o);
  CHECK(r.link_flows[0] == 1000.0);
  CHECK(r.link_flows[1] == 0.0);
  REQUIRE(r.od[0].routes.size() == 1);
  CHECK(r.od[0].routes[0].links == std::vector<std::size_t>{0});
  CHECK(r.od[0].mean_cost == Approx(110.0));
  CHECK(r.relative_gap > 0.5);
}

TEST_CASE("Demand that cannot reach its destination is reported unreachable and left unassigned", "[equilibrium]") {
  AssignmentProblem p = two_routes();
  p.node_count = 3;
  p.demand.push_back({0, 2, 0, 10});
  const auto r = solve_assignment(p, {});
  CHECK(r.converged);
  CHECK_FALSE(r.od[1].reachable);
  CHECK(r.link_flows[0] + r.link_flows[1] == Approx(1000.0));
}

TEST_CASE("A solver that runs out of iterations says so and require_converged throws a SolverError",
          "[equilibrium]") {
  EquilibriumOptions o;
  o.method = AssignmentMethod::frank_wolfe;
  o.relative_gap = 1e-14;
  o.max_iterations = 2;
  AssignmentProblem p;
  p.name = "three routes";
  p.node_count = 4;
  p.links = {bpr(0, 1, 5, 400), bpr(1, 3, 5, 400), bpr(0, 2, 7, 600), bpr(2, 3, 6, 600), bpr(0, 3, 12, 300)};
  p.classes = {TravelClass{"all", 0, 0, {}}};
  p.demand = {{0, 3, 0, 1500}};
  const auto r = solve_assignment(p, o);
  CHECK_FALSE(r.converged);
  CHECK(r.iterations == 2);
  CHECK(r.gap_history.size() == 3);
  CHECK_THROWS_AS(require_converged(r, o), SolverError);
}

TEST_CASE("A problem with a bad link is rejected with the link named", "[equilibrium]") {
  AssignmentProblem p = two_routes();
  p.links[1].capacity = 0.0;
  try {
    solve_assignment(p, {});
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()).find("link 2") != std::string::npos);
  }
}

TEST_CASE("The same problem solved twice gives the same flows to the last bit", "[equilibrium]") {
  AssignmentProblem p;
  p.name = "grid";
  p.node_count = 9;
  for (std::size_t r = 0; r < 3; ++r) {
    for (std::size_t c = 0; c < 3; ++c) {
      const std::size_t n = 3 * r + c;
      if (c < 2) {
        p.links.push_back(bpr(n, n + 1, 3.0 + static_cast<double>(n % 3), 300));
        p.links.push_back(bpr(n + 1, n, 3.0 + static_cast<double>(n % 2), 300));
      }
      if (r < 2) {
        p.links.push_back(bpr(n, n + 3, 4.0, 250));
        p.links.push_back(bpr(n + 3, n, 4.0, 250));
      }
    }
  }
  p.classes = {TravelClass{"all", 0, 0, {}}};
  for (std::size_t o = 0; o < 9; o += 2) {
    for (std::size_t d = 0; d < 9; ++d) {
      if (o != d) p.demand.push_back({o, d, 0, 100.0 + static_cast<double>(7 * o + d)});
    }
  }
  EquilibriumOptions o;
  o.relative_gap = 1e-10;
  const auto a = solve_assignment(p, o);
  const auto b = solve_assignment(p, o);
  REQUIRE(a.converged);
  CHECK(a.link_flows == b.link_flows);
  CHECK(a.gap_history == b.gap_history);
  // every OD's listed routes cost the same at equilibrium
  for (const OdEquilibrium& od : a.od) {
    for (const OdRoute& route : od.routes) CHECK(route.cost == Approx(od.least_cost).epsilon(1e-8));
  }
}

TEST_CASE("A malformed TNTP network file is rejected naming the file and the line", "[equilibrium][tntp]") {
  test::TempDir dir("tntp");
  const auto path = dir.write("bad_net.tntp",
                              "<NUMBER OF ZONES> 2\n<NUMBER OF NODES> 2\n<FIRST THRU NODE> 1\n<NUMBER OF LINKS> 2\n"
                              "<END OF METADATA>\n\n~ init term cap len fft b power speed toll type ;\n"
                              "1 2 100 1 1 0.15 4 0 0 1 ;\n"
                              "2 1 abc 1 1 0.15 4 0 0 1 ;\n");
  try {
    app::read_tntp_network(path.string());
    FAIL("no error");
  } catch (const InputError& e) {
    const std::string what = e.what();
    CHECK(what.find("bad_net.tntp") != std::string::npos);
    CHECK(what.find("line 9") != std::string::npos);
    CHECK(what.find("capacity") != std::string::npos);
  }
}

TEST_CASE("A TNTP trip table is read into OD demand per origin", "[equilibrium][tntp]") {
  test::TempDir dir("tntp");
  const auto path = dir.write("t_trips.tntp",
                              "<NUMBER OF ZONES> 2\n<TOTAL OD FLOW> 30.5\n<END OF METADATA>\n\n"
                              "Origin  1\n    1 :   0.0;    2 :  10.5;\n\nOrigin 2\n 1 : 20;\n");
  const auto trips = app::read_tntp_trips(path.string());
  CHECK(trips.zones == 2);
  CHECK(trips.total_flow == 30.5);
  REQUIRE(trips.demand.size() == 3);
  CHECK(trips.demand[1].origin == 1);
  CHECK(trips.demand[1].destination == 2);
  CHECK(trips.demand[1].flow == 10.5);
  CHECK(trips.demand[2].origin == 2);
  CHECK(trips.demand[2].flow == 20.0);
}
