#include "sim/freight/paths.hpp"

#include <boost/graph/dijkstra_shortest_paths.hpp>
#include <boost/graph/filtered_graph.hpp>
#include <boost/property_map/function_property_map.hpp>
#include <algorithm>
#include <limits>

namespace corridor::freight {

namespace {

using network::Graph;
using Edge = boost::graph_traits<Graph>::edge_descriptor;

/// Usable arcs: link open, mode allowed, both end nodes open.
struct ArcFilter {
  const network::Network* net = nullptr;
  const CostModel* model = nullptr;
  std::size_t origin = 0;
  bool operator()(const Edge& e) const {
    const network::Arc& arc = net->graph()[e];
    const network::Link& l = net->links()[arc.link];
    const std::size_t tail = arc.forward ? l.from : l.to;
    if (tail != origin && !net->nodes()[tail].through) return false;  // may end here, not pass
    auto avoided = [&](std::size_t n) {
      return net->nodes()[n].closed ||
             std::find(model->avoid_nodes.begin(), model->avoid_nodes.end(), n) != model->avoid_nodes.end();
    };
    return !l.closed && l.mode != network::Mode::pipeline && model->modes.contains(l.mode) && !avoided(l.from) &&
           !avoided(l.to);
  }
};

double link_time_h(const network::Link& l) {
  return (l.travel_time_h ? *l.travel_time_h : l.length_km / l.speed_kmh.value_or(1.0)) + l.wait_h;
}

}  // namespace

double node_cost_usd_per_teu(const network::Network& net, const CostModel& model, std::size_t n) {
  const network::Node& node = net.nodes()[n];
  return node.dwell_h * model.value_of_time_usd_per_teu_h + node.handling_usd_per_teu;
}

void price(const network::Network& net, const CostModel& model, Path& path) {
  path.time_h = path.money_usd_per_teu = path.length_km = 0.0;
  for (std::size_t n : path.nodes) {
    path.time_h += net.nodes()[n].dwell_h;
    path.money_usd_per_teu += net.nodes()[n].handling_usd_per_teu;
  }
  for (const Step& s : path.steps) {
    const network::Link& l = net.links()[s.link];
    path.time_h += link_time_h(l);
    path.money_usd_per_teu += l.cost_usd_per_teu;
    path.length_km += l.length_km;
  }
  path.cost_usd_per_teu = path.time_h * model.value_of_time_usd_per_teu_h + path.money_usd_per_teu;
}

ShortestPathTree::ShortestPathTree(const network::Network& net, const CostModel& model, std::size_t origin)
    : net_(net), model_(model), origin_(origin) {
  const Graph& g = net.graph();
  const std::size_t n = boost::num_vertices(g);
  cost_.assign(n, std::numeric_limits<double>::infinity());
  via_step_.assign(n, std::nullopt);
  if (net.nodes()[origin].closed) return;

  ArcFilter filter{&net, &model_, origin};
  boost::filtered_graph<Graph, ArcFilter> fg(g, filter);
  // Arc weight: the link's time and tariff plus the cost of the node it enters.
  auto weight = boost::make_function_property_map<Edge, double>([&](const Edge& e) {
    const network::Arc& arc = g[e];
    const network::Link& l = net.links()[arc.link];
    const std::size_t head = arc.forward ? l.to : l.from;
    return link_time_h(l) * model_.value_of_time_usd_per_teu_h + l.cost_usd_per_teu +
           node_cost_usd_per_teu(net, model_, head);
  });
  std::vector<Edge> pred_edge(n);
  std::vector<bool> has_pred(n, false);
  struct Recorder : boost::default_dijkstra_visitor {
    std::vector<Edge>* pred;
    std::vector<bool>* has;
    void edge_relaxed(const Edge& e, const boost::filtered_graph<Graph, ArcFilter>& gr) {
      const auto v = boost::target(e, gr);
      (*pred)[v] = e;
      (*has)[v] = true;
    }
  } recorder;
  recorder.pred = &pred_edge;
  recorder.has = &has_pred;
  boost::dijkstra_shortest_paths(fg, origin, boost::weight_map(weight).distance_map(cost_.data()).visitor(recorder));
  for (std::size_t v = 0; v < n; ++v)
    if (has_pred[v]) via_step_[v] = Step{g[pred_edge[v]].link, g[pred_edge[v]].forward};
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
  const ShortestPathTree from_origin(net, model, origin);
  std::optional<Path> best;
  for (std::size_t v : via) {
    auto first = from_origin.path_to(v);
    if (!first) continue;
    auto second = ShortestPathTree(net, model, v).path_to(destination);
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
