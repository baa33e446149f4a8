// The stochastic user equilibrium (sim/freight/sue.hpp) against closed forms and hand computations:
// binary logit with and without congestion, path sizes of overlapping routes, nested logit shares,
// hard capacities with their shadow prices, and the deterministic limit on Sioux Falls.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>

#include "sim/freight/equilibrium.hpp"
#include "sim/freight/sue.hpp"
#include "tools/app/tntp.hpp"

using namespace corridor;
using namespace corridor::freight;

namespace {

LinkSpec fixed_link(std::size_t from, std::size_t to, double t) {
  LinkSpec l;
  l.from = from;
  l.to = to;
  l.free_flow_time = t;
  l.alpha = 0.0;
  l.beta = 1.0;
  l.capacity = 1.0;
  return l;
}

LinkSpec bpr_link(std::size_t from, std::size_t to, double t0, double capacity, double alpha, double beta) {
  LinkSpec l;
  l.from = from;
  l.to = to;
  l.free_flow_time = t0;
  l.capacity = capacity;
  l.alpha = alpha;
  l.beta = beta;
  return l;
}

AssignmentProblem problem(std::size_t nodes, std::vector<LinkSpec> links, double demand) {
  AssignmentProblem p;
  p.name = "test";
  p.node_count = nodes;
  p.links = std::move(links);
  p.classes = {TravelClass{"all", 0, 0, {}}};
  p.demand = {{0, nodes - 1, 0, demand}};
  return p;
}

SueOptions options(double theta, double theta_nest = 0.0, double path_size = 1.0) {
  SueOptions o;
  o.classes = {{theta, theta_nest, path_size}};
  o.relative_gap = 1e-12;
  o.penalty_routes = 0;
  o.column_generation = false;
  return o;
}

/// Seeds every listed route (links of the problem) for the one OD.
void seed(SueOptions& o, std::vector<std::vector<std::size_t>> routes) {
  o.seed_routes = [routes](std::size_t) { return routes; };
}

double share_of(const SueResult& r, const std::vector<std::size_t>& links) {
  for (const auto& route : r.od[0].routes)
    if (route.links == links) return route.share;
  return -1.0;
}

}  // namespace

TEST_CASE("Two parallel routes without congestion split as the binary logit", "[sue]") {
  // c1 = 10, c2 = 12, theta = 0.5: P1 = 1 / (1 + exp(-0.5 * 2)).
  const auto p = problem(2, {fixed_link(0, 1, 10), fixed_link(0, 1, 12)}, 100);
  auto o = options(0.5);
  seed(o, {{0}, {1}});
  const auto r = solve_sue(p, o);
  REQUIRE(r.converged);
  const double p1 = 1.0 / (1.0 + std::exp(-1.0));
  CHECK(share_of(r, {0}) == Approx(p1).epsilon(1e-10));
  CHECK(share_of(r, {1}) == Approx(1.0 - p1).epsilon(1e-10));
  CHECK(r.link_flows[0] == Approx(100 * p1).epsilon(1e-10));
}

TEST_CASE("Two parallel routes with congestion reach the logit fixed point solved by hand", "[sue]") {
  // t1(v) = 10 (1 + 0.15 (v / 40)^4), t2 = 14 fixed, d = 100, theta = 0.3. The fixed point
  // f1 = d / (1 + exp(-theta (t2 - t1(f1)))) is solved here by bisection.
  const auto p = problem(2, {bpr_link(0, 1, 10, 40, 0.15, 4), fixed_link(0, 1, 14)}, 100);
  auto o = options(0.3);
  seed(o, {{0}, {1}});
  const auto r = solve_sue(p, o);
  REQUIRE(r.converged);
  auto t1 = [](double v) { return 10.0 * (1.0 + 0.15 * std::pow(v / 40.0, 4)); };
  double lo = 0.0, hi = 100.0;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    const double rhs = 100.0 / (1.0 + std::exp(-0.3 * (14.0 - t1(mid))));
    (rhs > mid ? lo : hi) = mid;
  }
  CHECK(r.link_flows[0] == Approx(0.5 * (lo + hi)).epsilon(1e-8));
  CHECK(r.link_times[0] == Approx(t1(0.5 * (lo + hi))).epsilon(1e-8));
  CHECK(r.relative_gap <= 1e-12);
}

TEST_CASE("Path sizes of overlapping routes are the hand-computed ones and weigh the shares", "[sue]") {
  // Node 0 -> 1 by a (1) or b (1), then 1 -> 2 by c (1); and 0 -> 2 directly by d (2). All routes cost 2.
  // PS(a c) = (1/2) / 1 + (1/2) / 2 = 0.75 = PS(b c); PS(d) = 1. Shares with beta = 1: 0.3, 0.3, 0.4.
  const auto p = problem(3, {fixed_link(0, 1, 1), fixed_link(0, 1, 1), fixed_link(1, 2, 1), fixed_link(0, 2, 2)}, 10);
  auto o = options(0.7);
  seed(o, {{0, 2}, {1, 2}, {3}});
  const auto r = solve_sue(p, o);
  REQUIRE(r.converged);
  REQUIRE(r.od[0].routes.size() == 3);
  for (const auto& route : r.od[0].routes) CHECK(route.path_size == Approx(route.links.size() == 1 ? 1.0 : 0.75));
  CHECK(share_of(r, {0, 2}) == Approx(0.3).epsilon(1e-10));
  CHECK(share_of(r, {1, 2}) == Approx(0.3).epsilon(1e-10));
  CHECK(share_of(r, {3}) == Approx(0.4).epsilon(1e-10));
  // Without the correction the three routes share equally.
  auto plain = options(0.7, 0.0, 0.0);
  seed(plain, {{0, 2}, {1, 2}, {3}});
  CHECK(share_of(solve_sue(p, plain), {3}) == Approx(1.0 / 3.0).epsilon(1e-10));
}

TEST_CASE("A nested logit splits between nests by their log-sums, and within them by logit", "[sue]") {
  // Nest A: routes of cost 10 and 11; nest B: one route of cost 10.5. theta = 1, theta_nest = 0.4.
  const auto p = problem(2, {fixed_link(0, 1, 10), fixed_link(0, 1, 11), fixed_link(0, 1, 10.5)}, 1);
  auto o = options(1.0, 0.4, 0.0);
  seed(o, {{0}, {1}, {2}});
  o.traits = [](std::size_t, std::span<const std::size_t> links) { return RouteTraits{0.0, links[0] == 2 ? 1u : 0u}; };
  const auto r = solve_sue(p, o);
  REQUIRE(r.converged);
  const double ca = -std::log(std::exp(-10.0) + std::exp(-11.0));  // nest cost, theta = 1
  const double cb = 10.5;
  const double pa = std::exp(-0.4 * ca) / (std::exp(-0.4 * ca) + std::exp(-0.4 * cb));
  const double p_in = std::exp(-10.0) / (std::exp(-10.0) + std::exp(-11.0));
  CHECK(share_of(r, {0}) == Approx(pa * p_in).epsilon(1e-10));
  CHECK(share_of(r, {1}) == Approx(pa * (1 - p_in)).epsilon(1e-10));
  CHECK(share_of(r, {2}) == Approx(1 - pa).epsilon(1e-10));
}

TEST_CASE("A route's extra cost enters its utility once", "[sue]") {
  const auto p = problem(2, {fixed_link(0, 1, 10), fixed_link(0, 1, 10)}, 1);
  auto o = options(0.5);
  seed(o, {{0}, {1}});
  o.traits = [](std::size_t, std::span<const std::size_t> links) { return RouteTraits{links[0] == 1 ? 2.0 : 0.0, 0}; };
  const auto r = solve_sue(p, o);
  CHECK(share_of(r, {0}) == Approx(1.0 / (1.0 + std::exp(-1.0))).epsilon(1e-10));
}

TEST_CASE("A hard capacity holds, and its shadow price is the hand-computed delay", "[sue][capacity]") {
  // c1 = 10 with capacity 30, c2 = 12, d = 100, theta = 0.5. Unconstrained P1 = 0.731 > 0.3, so the capacity
  // binds: f1 = 30, and mu solves 30 / 100 = 1 / (1 + exp(-theta (c2 - c1 - mu))):
  //   mu = c2 - c1 + (1 / theta) ln((d - 30) / 30).
  auto p = problem(2, {fixed_link(0, 1, 10), fixed_link(0, 1, 12)}, 100);
  p.links[0].capacity = 30;
  auto o = options(0.5);
  o.relative_gap = 1e-10;
  seed(o, {{0}, {1}});
  o.hard_capacity = {1, 0};
  const auto r = solve_sue(p, o);
  REQUIRE(r.converged);
  CHECK(r.link_flows[0] <= 30.0 * (1 + 1e-6));
  CHECK(r.link_flows[0] == Approx(30.0).epsilon(1e-6));
  CHECK(r.shadow_price[0] == Approx(2.0 + 2.0 * std::log(70.0 / 30.0)).epsilon(1e-5));
  CHECK(r.shadow_price[1] == 0.0);
}

TEST_CASE("Demand beyond every route's capacity is unserved at the cost of not shipping", "[sue][capacity]") {
  // One route of cost 10, capacity 40; d = 100; not shipping costs 50 (its own nest), theta = theta_nest = 0.2.
  // f = 40, unserved 60: 40 / 60 = exp(-0.2 (10 + mu - 50)) => mu = 40 + 5 ln(60 / 40).
  auto p = problem(2, {fixed_link(0, 1, 10)}, 100);
  p.links[0].capacity = 40;
  auto o = options(0.2);
  o.relative_gap = 1e-10;
  o.hard_capacity = {1};
  o.unserved_cost = {50.0};
  const auto r = solve_sue(p, o);
  REQUIRE(r.converged);
  CHECK(r.link_flows[0] == Approx(40.0).epsilon(1e-6));
  CHECK(r.od[0].unserved == Approx(60.0).epsilon(1e-6));
  CHECK(r.shadow_price[0] == Approx(40.0 + 5.0 * std::log(1.5)).epsilon(1e-5));
}

TEST_CASE("Sioux Falls: the SUE converges, and as the dispersion grows it reaches the user equilibrium", "[sue][tntp]") {
  const std::string base = std::string(CORRIDOR_SHARED_DATA_DIR) + "/tntp/SiouxFalls/SiouxFalls";
  if (!std::filesystem::exists(base + "_net.tntp")) {
    WARN("skipped: " << base << "_net.tntp is absent");
    return;
  }
  const auto p = app::to_assignment_problem(app::read_tntp_network(base + "_net.tntp"), app::read_tntp_trips(base + "_trips.tntp"));
  EquilibriumOptions ue;
  ue.relative_gap = 1e-12;
  const auto target = solve_assignment(p, ue);
  REQUIRE(target.converged);
  double vmax = 0.0;
  for (double v : target.link_flows) vmax = std::max(vmax, v);

  SueOptions o;
  o.relative_gap = 1e-7;
  o.penalty_routes = 0;
  o.max_routes_per_od = 40;
  o.max_iterations = 5000;
  double previous = 1e300;
  for (double theta : {0.1, 1.0, 10.0, 100000.0}) {  // per minute
    o.classes = {{theta, 0.0, 0.0}};
    // Near the deterministic limit route flows are nearly free (routes of equal cost trade flow at almost
    // no change of Z): the gap over route costs closes slowly there, while link flows are well
    // determined. The limit is checked by link flows, at a looser gap.
    o.relative_gap = theta > 1000.0 ? 1e-6 : 1e-7;
    const auto r = solve_sue(p, o);
    INFO("theta " << theta << ": gap " << r.relative_gap << " (flows " << r.flow_gap << ") after " << r.iterations << " sweeps");
    REQUIRE(r.converged);
    double diff = 0.0;
    for (std::size_t a = 0; a < p.links.size(); ++a) diff = std::max(diff, std::abs(r.link_flows[a] - target.link_flows[a]));
    CHECK(diff < previous);  // closer to the UE as theta grows
    previous = diff;
    if (theta == 100000.0) CHECK(diff / vmax < 1e-4);
  }
}

TEST_CASE("Chicago Sketch: the SUE converges, and every OD's route shares are the path-size logit of its route costs",
          "[sue][tntp]") {
  const std::string base = std::string(CORRIDOR_SHARED_DATA_DIR) + "/tntp/Chicago-Sketch/ChicagoSketch";
  if (!std::filesystem::exists(base + "_net.tntp")) {
    WARN("skipped: " << base << "_net.tntp is absent");
    return;
  }
  const auto p = app::to_assignment_problem(app::read_tntp_network(base + "_net.tntp"), app::read_tntp_trips(base + "_trips.tntp"));
  SueOptions o;
  o.classes = {{0.5, 0.0, 1.0}};  // per minute of generalized cost; path size on
  o.relative_gap = 1e-7;
  o.penalty_routes = 0;
  o.max_routes_per_od = 8;
  o.max_iterations = 500;
  const auto r = solve_sue(p, o);
  INFO("gap " << r.relative_gap << " (flows " << r.flow_gap << ") after " << r.iterations << " sweeps");
  REQUIRE(r.converged);
  CHECK(r.relative_gap <= 1e-7);
  // The fixed point itself, independently of the solver's stopping measure: at the final costs each
  // route's share is PS_r exp(-theta c_r) / sum_k PS_k exp(-theta c_k).
  double worst = 0.0;
  std::size_t multi = 0;
  for (const auto& od : r.od) {
    if (od.routes.size() < 2 || od.demand <= 0.0) continue;
    ++multi;
    double cmin = 1e300;
    for (const auto& route : od.routes) cmin = std::min(cmin, route.cost);
    double sum = 0.0;
    for (const auto& route : od.routes) sum += route.path_size * std::exp(-0.5 * (route.cost - cmin));
    for (const auto& route : od.routes)
      worst = std::max(worst, std::abs(route.share - route.path_size * std::exp(-0.5 * (route.cost - cmin)) / sum));
  }
  INFO(multi << " ODs with more than one route");
  CHECK(multi > 1000);
  CHECK(worst < 1e-3);
}
