#include "sim/freight/bottleneck.hpp"

#include <algorithm>
#include <cmath>
#include <deque>
#include <string>

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/push_relabel_max_flow.hpp>

#include "geo/error.hpp"

namespace corridor::freight {

namespace {

using Traits = boost::adjacency_list_traits<boost::vecS, boost::vecS, boost::directedS>;
using FlowGraph =
    boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS, boost::no_property,
                          boost::property<boost::edge_capacity_t, double,
                                          boost::property<boost::edge_residual_capacity_t, double,
                                                          boost::property<boost::edge_reverse_t, Traits::edge_descriptor>>>>;
using Edge = Traits::edge_descriptor;

}  // namespace

MinimumCut max_flow_min_cut(const BottleneckQuery& q) {
  const std::size_t n = q.node_count;
  ProblemList problems;
  for (std::size_t a = 0; a < q.links.size(); ++a) {
    const CapacityLink& l = q.links[a];
    if (l.from >= n || l.to >= n) problems.add("", "link " + std::to_string(a + 1), "end node out of range");
    if (!(l.capacity >= 0.0)) problems.add("", "link " + std::to_string(a + 1), "capacity must be >= 0");
  }
  if (!q.node_capacity.empty() && q.node_capacity.size() != n)
    problems.add("", "node capacities", "need one per node");
  for (double c : q.node_capacity) {
    if (!(c >= 0.0)) {
      problems.add("", "node capacities", "must be >= 0 (infinity for unlimited)");
      break;
    }
  }
  std::vector<char> group(n, 0);
  for (std::size_t o : q.origins) {
    if (o >= n) problems.add("", "origin " + std::to_string(o + 1), "node out of range");
    else group[o] = 1;
  }
  for (std::size_t d : q.destinations) {
    if (d >= n) problems.add("", "destination " + std::to_string(d + 1), "node out of range");
    else if (group[d] == 1) problems.add("", "destination " + std::to_string(d + 1), "is also an origin");
    else group[d] = 2;
  }
  if (q.origins.empty() || q.destinations.empty()) problems.add("", "", "origin and destination groups must not be empty");
  problems.throw_if_any();

  // Vertices: v_in = v; v_out = n + v (only used where the node has a finite capacity); source 2n; sink 2n+1.
  auto limited = [&](std::size_t v) { return !q.node_capacity.empty() && std::isfinite(q.node_capacity[v]); };
  auto out_of = [&](std::size_t v) { return limited(v) ? n + v : v; };
  double finite_total = 0.0;
  for (const CapacityLink& l : q.links)
    if (std::isfinite(l.capacity)) finite_total += l.capacity;
  for (std::size_t v = 0; v < n; ++v) {
    if (limited(v)) finite_total += q.node_capacity[v];
  }
  const double unlimited = 2.0 * finite_total + 1.0;
  FlowGraph g(2 * n + 2);
  auto capacity = boost::get(boost::edge_capacity, g);
  auto residual = boost::get(boost::edge_residual_capacity, g);
  auto reverse = boost::get(boost::edge_reverse, g);
  auto add = [&](std::size_t u, std::size_t v, double c) {
    const Edge e = boost::add_edge(u, v, g).first;
    const Edge r = boost::add_edge(v, u, g).first;
    capacity[e] = c;
    capacity[r] = 0.0;
    reverse[e] = r;
    reverse[r] = e;
    return e;
  };
  std::vector<Edge> link_edge;
  link_edge.reserve(q.links.size());
  for (const CapacityLink& l : q.links)
    link_edge.push_back(add(out_of(l.from), l.to, std::isfinite(l.capacity) ? l.capacity : unlimited));
  std::vector<std::pair<std::size_t, Edge>> node_edge;
  for (std::size_t v = 0; v < n; ++v) {
    if (limited(v)) node_edge.emplace_back(v, add(v, n + v, q.node_capacity[v]));
  }
  const std::size_t source = 2 * n, sink = 2 * n + 1;
  for (std::size_t o : q.origins) add(source, o, unlimited);
  for (std::size_t d : q.destinations) add(out_of(d), sink, unlimited);

  MinimumCut cut;
  cut.max_flow = boost::push_relabel_max_flow(g, source, sink);
  if (cut.max_flow >= unlimited) cut.max_flow = std::numeric_limits<double>::infinity();

  // The origins' side: vertices reachable from the source in the residual network.
  const double eps = 1e-12 * std::max(1.0, finite_total);
  std::vector<char> reached(2 * n + 2, 0);
  std::deque<std::size_t> queue{source};
  reached[source] = 1;
  while (!queue.empty()) {
    const std::size_t u = queue.front();
    queue.pop_front();
    for (auto [e, end] = boost::out_edges(u, g); e != end; ++e) {
      const std::size_t v = boost::target(*e, g);
      if (!reached[v] && residual[*e] > eps) {
        reached[v] = 1;
        queue.push_back(v);
      }
    }
  }
  cut.link_flows.resize(q.links.size());
  for (std::size_t a = 0; a < q.links.size(); ++a) {
    const Edge e = link_edge[a];
    cut.link_flows[a] = capacity[e] - residual[e];
    if (reached[boost::source(e, g)] && !reached[boost::target(e, g)]) cut.cut_links.push_back(a);
  }
  for (const auto& [v, e] : node_edge) {
    if (reached[v] && !reached[n + v]) cut.cut_nodes.push_back(v);
  }
  cut.origin_side.resize(n);
  for (std::size_t v = 0; v < n; ++v) cut.origin_side[v] = reached[v] != 0;
  return cut;
}

BottleneckQuery bottleneck_query(const AssignmentProblem& problem, std::vector<std::size_t> origins,
                                 std::vector<std::size_t> destinations, std::vector<double> node_capacity) {
  BottleneckQuery q;
  q.node_count = problem.node_count;
  q.links.reserve(problem.links.size());
  for (const LinkSpec& l : problem.links) q.links.push_back({l.from, l.to, l.capacity});
  q.node_capacity = std::move(node_capacity);
  q.origins = std::move(origins);
  q.destinations = std::move(destinations);
  return q;
}

}  // namespace corridor::freight
