// sim/freight: generalized-cost shortest paths and all-or-nothing loading on small inline corridors,
// checked against hand-computed times and costs.
#include <catch2/catch.hpp>

#include "sim/freight/assignment.hpp"
#include "sim/network/network.hpp"
#include "tests/support/inline_network.hpp"

using namespace corridor;
using namespace corridor::test;

namespace {

// O --rail 1000 km @ 50 km/h, $500--> B (border, 24 h dwell, $100 fee, gauge change) --rail 1000 km @ 50, $500--> D
// O --ferry/sea route via P: 600 km @ 20 km/h + 30 h wait, $300, then P->D 400 km rail @ 40 km/h, $200; P dwell 12 h
// Lengths are given so that the sums are exact.
network::Network corridor_net(double ferry_sailings_per_week = 0.0) {
  auto ferry = link("OP", "O", "P", {0, 0}, {5, -5},
                    {{"mode", text("ferry")}, {"speed_kmh", num(20)}, {"length_km", num(600)}, {"cost_usd_per_teu", num(300)},
                     {"capacity_teu_per_day", num(50)}});
  if (ferry_sailings_per_week > 0) ferry.set("sailings_per_week", ferry_sailings_per_week);
  else ferry.set("wait_h", 30.0);
  return network::Network::build(
      layer("n", {node("O", 0, 0, {{"dwell_h", num(10)}}),
                  node("B", 5, 0, {{"dwell_h", num(24)}, {"handling_usd_per_teu", num(100)}, {"gauge_change", true},
                                   {"capacity_teu_per_day", num(200)}}),
                  node("D", 10, 0, {{"dwell_h", num(5)}}), node("P", 5, -5, {{"dwell_h", num(12)}}),
                  node("X", 20, 20)}),
      layer("l", {link("OB", "O", "B", {0, 0}, {5, 0},
                       {{"mode", text("rail")}, {"gauge_mm", num(1435)}, {"speed_kmh", num(50)}, {"length_km", num(1000)},
                        {"cost_usd_per_teu", num(500)}, {"capacity_teu_per_day", num(100)}}),
                  link("BD", "B", "D", {5, 0}, {10, 0},
                       {{"mode", text("rail")}, {"gauge_mm", num(1520)}, {"speed_kmh", num(50)}, {"length_km", num(1000)},
                        {"cost_usd_per_teu", num(500)}}),
                  ferry,
                  link("PD", "P", "D", {5, -5}, {10, 0},
                       {{"mode", text("rail")}, {"gauge_mm", num(1520)}, {"speed_kmh", num(40)}, {"length_km", num(400)},
                        {"cost_usd_per_teu", num(200)}, {"directed", true}}),
                  link("DX", "D", "X", {10, 0}, {20, 20},
                       {{"mode", text("road")}, {"cost_usd_per_teu", num(0)}, {"speed_kmh", num(60)}, {"length_km", num(600)}, {"status", text("closed")}})}),
      schematic());
}

const std::set<network::Mode> kAllFreight{network::Mode::rail, network::Mode::road, network::Mode::sea, network::Mode::ferry};

}  // namespace

TEST_CASE("a path's time adds running time, waits and every node's dwell; its cost adds value of time, tariffs and fees",
          "[freight]") {
  const auto net = corridor_net();
  const freight::CostModel model{2.0, kAllFreight, {}, nullptr};
  const freight::ShortestPathTree tree(net, model, *net.find_node("O"));
  // Rail: 10 + 20 + 24 + 20 + 5 = 79 h, money 500 + 100 + 500 = 1100, cost 1100 + 158 = 1258.
  // Ferry: 10 + (30 + 30) + 12 + 10 + 5 = 97 h, money 300 + 200 = 500, cost 500 + 194 = 694.
  const auto p = tree.path_to(*net.find_node("D"));
  REQUIRE(p);
  CHECK(p->time_h == Approx(97.0));
  CHECK(p->money_usd_per_teu == Approx(500.0));
  CHECK(p->cost_usd_per_teu == Approx(694.0));
  CHECK(p->length_km == Approx(1000.0));
  REQUIRE(p->nodes.size() == 3);
  CHECK(net.nodes()[p->nodes[1]].id == "P");

  // Time worth $50/h makes the faster rail route the cheaper one: 1100 + 79*50 = 5050 < 500 + 97*50 = 5350.
  const freight::ShortestPathTree urgent(net, {50.0, kAllFreight, {}, nullptr}, *net.find_node("O"));
  const auto q = urgent.path_to(*net.find_node("D"));
  REQUIRE(q);
  CHECK(q->time_h == Approx(79.0));
  CHECK(q->cost_usd_per_teu == Approx(5050.0));
}

TEST_CASE("ferry sailings per week set the wait: two a week is 42 h on average", "[freight]") {
  const auto net = corridor_net(2.0);
  const auto p = freight::ShortestPathTree(net, {0.0, kAllFreight, {}, nullptr}, *net.find_node("O")).path_to(*net.find_node("D"));
  REQUIRE(p);
  CHECK(p->time_h == Approx(10 + 30 + 42 + 12 + 10 + 5));
}

TEST_CASE("modes a commodity may not use, closed links and directed links are respected", "[freight]") {
  const auto net = corridor_net();
  const auto rail_only = freight::ShortestPathTree(net, {2.0, {network::Mode::rail}, {}, nullptr}, *net.find_node("O"));
  REQUIRE(rail_only.path_to(*net.find_node("D")));
  CHECK(rail_only.path_to(*net.find_node("D"))->time_h == Approx(79.0));
  // PD is directed P -> D: from D, P is reachable only through B and O.
  const auto back = freight::ShortestPathTree(net, {2.0, kAllFreight, {}, nullptr}, *net.find_node("D")).path_to(*net.find_node("P"));
  REQUIRE(back);
  CHECK(back->nodes.size() == 4);
  // DX is closed: X cannot be reached.
  CHECK_FALSE(freight::ShortestPathTree(net, {2.0, kAllFreight, {}, nullptr}, *net.find_node("O")).path_to(*net.find_node("X")));
}

TEST_CASE("a route family gives the best path through one of its via nodes", "[freight]") {
  const auto net = corridor_net();
  const freight::CostModel model{2.0, kAllFreight, {}, nullptr};
  const auto via_b = freight::best_path_via(net, model, *net.find_node("O"), *net.find_node("D"), {*net.find_node("B")});
  REQUIRE(via_b);
  CHECK(via_b->time_h == Approx(79.0));
  CHECK(via_b->cost_usd_per_teu == Approx(1258.0));
}

TEST_CASE("all-or-nothing loads demand on the cheapest path, reports utilization, and keeps unreachable demand unserved",
          "[freight]") {
  const auto net = corridor_net();
  scenario::Scenario s;
  s.commodities = {{"containers", 50.0, kAllFreight}};
  s.demand = {{{"O", "", 1}, {"D", "", 1}, "containers", 36500.0}, {{"O", "", 2}, {"X", "", 2}, "containers", 3650.0}};
  s.route_families = {{"north", {{"B", "", 3}}, {}, {network::Mode::rail}}, {"south", {{"P", "", 4}}, {}, {}}};
  const auto r = freight::assign_all_or_nothing(net, s);
  REQUIRE(r.od.size() == 2);
  const auto& od = r.od[0];
  CHECK(od.assigned_teu_per_year == 36500.0);
  CHECK(od.route_family == "north");
  REQUIRE(od.options.size() == 2);
  CHECK(od.options[1].path->time_h == Approx(97.0));
  // 100 TEU/day over OB (capacity 100) and through B (capacity 200).
  const auto ob = *net.find_link("OB");
  CHECK(r.links[ob].flow_forward_teu_per_day == Approx(100.0));
  CHECK(r.links[ob].flow_backward_teu_per_day == 0.0);
  CHECK(*freight::link_utilization(net, r, ob) == Approx(1.0));
  CHECK(*freight::node_utilization(net, r, *net.find_node("B")) == Approx(0.5));
  CHECK_FALSE(freight::link_utilization(net, r, *net.find_link("BD")));
  CHECK(r.nodes[*net.find_node("P")].throughput_teu_per_day == 0.0);
  // Unreachable demand is unserved, not dropped.
  CHECK(r.od[1].unserved_teu_per_year == 3650.0);
  CHECK(r.od[1].assigned_teu_per_year == 0.0);
  CHECK_FALSE(r.od[1].route);
}
