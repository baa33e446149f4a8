#include "sim/freight/paths.hpp"

#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/property_map/function_property_map.hpp>
#include <algorithm>
#include <limits>

namespace corridor::freight {

namespace {

using Edge = CostedGraph::Csr::edge_descriptor;

double link_time_h(const network::Link& l) {
  return (l.travel_time_h ? *l.travel_time_h : l.length_km / l.speed_kmh.value_or(1.0)) + l.wait_h;
}

}  // namespace

CongestedTimes free_flow_times(const network::Network& net) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  CongestedTimes t;
  t.link_forward_h.assign(net.links().size(), nan);
  t.link_backward_h.assign(net.links().size(), nan);
  t.node_dwell_h.assign(net.nodes().size(), nan);
  const auto& nodes = net.nodes();
  for (std::size_t n = 0; n < nodes.size(); ++n)
    if (!nodes[n].closed && !network::is_gas_kind(nodes[n].kind)) t.node_dwell_h[n] = nodes[n].dwell_h;
  for (std::size_t i = 0; i < net.links().size(); ++i) {
    const network::Link& l = net.links()[i];
    if (l.closed || l.mode == network::Mode::pipeline || nodes[l.from].closed || nodes[l.to].closed) continue;
    const auto t0 = net.free_flow_time_h(i);
    if (!t0) continue;
    t.link_forward_h[i] = *t0;
    if (!l.directed) t.link_backward_h[i] = *t0;
  }
  return t;
}

double node_dwell_h(const network::Network& net, const CostModel& model, std::size_t n) {
  return model.times ? model.times->node_dwell_h[n] : net.nodes()[n].dwell_h;
}

double link_time_h(const network::Network& net, const CostModel& model, const Step& step) {
  if (model.times) return (step.forward ? model.times->link_forward_h : model.times->link_backward_h)[step.link];
  return link_time_h(net.links()[step.link]);
}

double node_cost_usd_per_teu(const network::Network& net, const CostModel& model, std::size_t n) {
  return node_dwell_h(net, model, n) * model.value_of_time_usd_per_teu_h + net.nodes()[n].handling_usd_per_teu;
}

void price(const network::Network& net, const CostModel& model, Path& path) {
  path.time_h = path.money_usd_per_teu = path.length_km = 0.0;
  for (std::size_t n : path.nodes) {
    path.time_h += node_dwell_h(net, model, n);
    path.money_usd_per_teu += net.nodes()[n].handling_usd_per_teu;
  }
  for (const Step& s : path.steps) {
    const network::Link& l = net.links()[s.link];
    path.time_h += link_time_h(net, model, s);
    path.money_usd_per_teu += l.cost_usd_per_teu;
    path.length_km += l.length_km;
  }
  path.cost_usd_per_teu = path.time_h * model.value_of_time_usd_per_teu_h + path.money_usd_per_teu;
}

CostedGraph::CostedGraph(const network::Network& net, const CostModel& model) : net_(net), model_(model) {
  const network::Graph& g = net.graph();
  const std::size_t n = boost::num_vertices(g);
  auto avoided = [&](std::size_t v) {
    return net.nodes()[v].closed ||
           std::find(model_.avoid_nodes.begin(), model_.avoid_nodes.end(), v) != model_.avoid_nodes.end();
  };
  std::vector<char> node_avoided(n);
  for (std::size_t v = 0; v < n; ++v) node_avoided[v] = avoided(v) ? 1 : 0;
  std::vector<char> mode_allowed(16, 0);
  for (network::Mode m : model_.modes)
    if (m != network::Mode::pipeline) mode_allowed.at(static_cast<std::size_t>(m)) = 1;

  // Arcs in the order of the Boost graph's out-edge lists (sorted by tail, then as added), so that
  // Dijkstra meets ties exactly as it would on the adjacency list.
  const std::size_t m = boost::num_edges(g);
  std::vector<std::pair<std::uint32_t, std::uint32_t>> ends;
  ends.reserve(m);
  step_.reserve(m);
  cost_.reserve(m);
  cost_as_origin_.reserve(m);
  constexpr double kInf = std::numeric_limits<double>::infinity();
  for (std::size_t v = 0; v < n; ++v) {
    for (const auto& e : boost::make_iterator_range(boost::out_edges(v, g))) {
      const network::Arc& arc = g[e];
      const network::Link& l = net.links()[arc.link];
      const std::size_t head = arc.forward ? l.to : l.from;
      ends.emplace_back(static_cast<std::uint32_t>(v), static_cast<std::uint32_t>(head));
      step_.push_back(Step{arc.link, arc.forward});
      const bool usable = !l.closed && mode_allowed.at(static_cast<std::size_t>(l.mode)) && !node_avoided[l.from] &&
                          !node_avoided[l.to];
      // Arc cost: the link's time and tariff plus the cost of the node it enters.
      const double c = usable ? link_time_h(net, model_, Step{arc.link, arc.forward}) * model_.value_of_time_usd_per_teu_h +
                                    l.cost_usd_per_teu +
                                    node_cost_usd_per_teu(net, model_, head)
                              : kInf;
      cost_as_origin_.push_back(c);
      cost_.push_back(net.nodes()[v].through ? c : kInf);  // may end at a non-through node, not pass it
    }
  }
  graph_ = Csr(boost::edges_are_sorted, ends.begin(), ends.end(), static_cast<Csr::vertices_size_type>(n));
}

ShortestPathTree::ShortestPathTree(const network::Network& net, const CostModel& model, std::size_t origin)
    : ShortestPathTree(CostedGraph(net, model), origin) {}

ShortestPathTree::ShortestPathTree(const CostedGraph& cg, std::size_t origin)
    : net_(cg.net_), model_(cg.model_), origin_(origin) {
  const CostedGraph::Csr& g = cg.graph_;
  const std::size_t n = boost::num_vertices(g);
  cost_.assign(n, std::numeric_limits<double>::infinity());
  via_step_.assign(n, std::nullopt);
  if (net_.nodes()[origin].closed) return;

  // The origin's own arcs (a contiguous range of CSR edge indices) may leave it even when it is not `through`.
  const auto origin_v = static_cast<std::uint32_t>(origin);
  const auto out = boost::out_edges(origin_v, g);
  const std::uint32_t first = out.first == out.second ? 0 : (*out.first).idx;
  const auto last = static_cast<std::uint32_t>(first + boost::out_degree(origin_v, g));
  const double* cost = cg.cost_.data();
  const double* cost_as_origin = cg.cost_as_origin_.data();
  auto weight = boost::make_function_property_map<Edge, double>([=](const Edge& e) {
    return e.idx >= first && e.idx < last ? cost_as_origin[e.idx] : cost[e.idx];
  });
  constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
  std::vector<std::uint32_t> pred_arc(n, kNone);
  struct Recorder : boost::default_dijkstra_visitor {
    std::uint32_t* pred = nullptr;
    void edge_relaxed(const Edge& e, const CostedGraph::Csr& gr) { pred[boost::target(e, gr)] = e.idx; }
  } recorder;
  recorder.pred = pred_arc.data();
  boost::dijkstra_shortest_paths(g, origin_v,
                                 boost::weight_map(weight)
                                     .distance_map(boost::make_iterator_property_map(cost_.data(), boost::get(boost::vertex_index, g)))
                                     .visitor(recorder));
  for (std::size_t v = 0; v < n; ++v)
    if (pred_arc[v] != kNone) via_step_[v] = cg.step_[pred_arc[v]];
}

std::optional<Path> ShortestPathTree::path_to(std::size_t destination) const {
  // Boost marks unreached vertices with the largest double, not infinity: test reachability by predecessor.
  if (destination == origin_ ? net_.nodes()[origin_].closed : !via_step_[destination]) return std::nullopt;
  Path p;
  std::size_t v = destination;
  p.nodes.push_back(v);
  while (v != origin_) {
    const Step s = *via_step_[v];
    const network::Link& l = net_.links()[s.link];
    p.steps.push_back(s);
    v = s.forward ? l.from : l.to;
    p.nodes.push_back(v);
  }
  std::reverse(p.nodes.begin(), p.nodes.end());
  std::reverse(p.steps.begin(), p.steps.end());
  price(net_, model_, p);
  return p;
}

std::optional<Path> best_path_via(const network::Network& net, const CostModel& model, std::size_t origin,
                                  std::size_t destination, const std::vector<std::size_t>& via) {
  const CostedGraph graph(net, model);
  const ShortestPathTree from_origin(graph, origin);
  std::optional<Path> best;
  for (std::size_t v : via) {
    auto first = from_origin.path_to(v);
    if (!first) continue;
    auto second = ShortestPathTree(graph, v).path_to(destination);
    if (!second) continue;
    Path p = std::move(*first);
    p.nodes.insert(p.nodes.end(), second->nodes.begin() + 1, second->nodes.end());
    p.steps.insert(p.steps.end(), second->steps.begin(), second->steps.end());
    price(net, model, p);
    if (!best || p.cost_usd_per_teu < best->cost_usd_per_teu) best = std::move(p);
  }
  return best;
}

}  // namespace corridor::freight
