// sim/freight bottlenecks: maximum corridor throughput and the minimum cut, on small networks whose cut is
// known by hand.
#include <catch2/catch.hpp>

#include <limits>

#include "geo/error.hpp"
#include "sim/freight/bottleneck.hpp"

using namespace corridor;
using namespace corridor::freight;

namespace {

// Two corridors from a port group {0, 1} to an inland group {6}:
//   Northern: 0 -> 2 (300) -> 4 border (node capacity 120) -> 6 (500)
//   Middle:   1 -> 3 (80, ferry) -> 5 (400) -> 6 (90)
//   a feeder 0 -> 1 (1000) and a cross link 2 -> 3 (50)
BottleneckQuery two_corridors() {
  BottleneckQuery q;
  q.node_count = 7;
  q.links = {{0, 2, 300}, {2, 4, 400}, {4, 6, 500}, {1, 3, 80}, {3, 5, 400}, {5, 6, 90}, {0, 1, 1000}, {2, 3, 50}};
  q.node_capacity.assign(7, std::numeric_limits<double>::infinity());
  q.node_capacity[4] = 120;
  q.origins = {0, 1};
  q.destinations = {6};
  return q;
}

}  // namespace

TEST_CASE("The corridor throughput is limited by the border crossing and the last middle-corridor link",
          "[bottleneck]") {
  const MinimumCut cut = max_flow_min_cut(two_corridors());
  // Northern limited by the border node (120), Middle by link 5 -> 6 (90): 210
  CHECK(cut.max_flow == Approx(210.0));
  CHECK(cut.cut_nodes == std::vector<std::size_t>{4});
  CHECK(cut.cut_links == std::vector<std::size_t>{5});
  CHECK(cut.origin_side[0]);
  CHECK_FALSE(cut.origin_side[6]);
  // the flow respects the capacities
  for (std::size_t a = 0; a < cut.link_flows.size(); ++a) CHECK(cut.link_flows[a] <= two_corridors().links[a].capacity + 1e-9);
}

TEST_CASE("Raising the border capacity moves the bottleneck to the ferry and cross link", "[bottleneck]") {
  BottleneckQuery q = two_corridors();
  q.node_capacity[4] = 1000;
  q.links[5].capacity = 1000;
  const MinimumCut cut = max_flow_min_cut(q);
  // now 0 -> 2 (300) and 1 -> 3 (80) leave the origins: 380
  CHECK(cut.max_flow == Approx(380.0));
  CHECK(cut.cut_links == std::vector<std::size_t>{0, 3});
  CHECK(cut.cut_nodes.empty());
}

TEST_CASE("Groups with no link between them have zero throughput and an empty cut", "[bottleneck]") {
  BottleneckQuery q = two_corridors();
  q.origins = {6};
  q.destinations = {0};
  const MinimumCut cut = max_flow_min_cut(q);
  CHECK(cut.max_flow == 0.0);
  CHECK(cut.cut_links.empty());
}

TEST_CASE("A node in both groups is rejected", "[bottleneck]") {
  BottleneckQuery q = two_corridors();
  q.destinations = {6, 1};
  CHECK_THROWS_AS(max_flow_min_cut(q), InputError);
}
