#include "sim/freight/equilibrium_network.hpp"

#include <algorithm>
#include <limits>
#include <map>

namespace corridor::freight::detail {

namespace {
constexpr double infinity = std::numeric_limits<double>::infinity();
}

CompactNetwork::CompactNetwork(const AssignmentProblem& p)
    : node_count(static_cast<Index>(p.node_count)), link_count(static_cast<Index>(p.links.size())),
      first_thru_node(static_cast<Index>(p.first_thru_node)), class_count(p.classes.size()) {
  tail.resize(link_count);
  head.resize(link_count);
  out_begin.assign(node_count + 1, 0);
  in_begin.assign(node_count + 1, 0);
  for (Index a = 0; a < link_count; ++a) {
    tail[a] = static_cast<Index>(p.links[a].from);
    head[a] = static_cast<Index>(p.links[a].to);
    ++out_begin[tail[a] + 1];
    ++in_begin[head[a] + 1];
  }
  for (Index i = 0; i < node_count; ++i) {
    out_begin[i + 1] += out_begin[i];
    in_begin[i + 1] += in_begin[i];
  }
  out_links.resize(link_count);
  in_links.resize(link_count);
  std::vector<Index> out_fill(out_begin.begin(), out_begin.end() - 1);
  std::vector<Index> in_fill(in_begin.begin(), in_begin.end() - 1);
  for (Index a = 0; a < link_count; ++a) {  // links in index order within each node: deterministic
    out_links[out_fill[tail[a]]++] = a;
    in_links[in_fill[head[a]]++] = a;
  }
  fixed.assign(class_count, std::vector<double>(link_count));
  allowed.assign(class_count, std::vector<char>(link_count, 1));
  for (std::size_t k = 0; k < class_count; ++k) {
    for (Index a = 0; a < link_count; ++a) {
      fixed[k][a] = p.fixed_cost(k, a);
      allowed[k][a] = p.allows(k, a) ? 1 : 0;
    }
  }
  // Group positive demand by (class, origin); destinations keep the order of the input.
  std::map<std::pair<std::size_t, std::size_t>, std::size_t> group;
  std::vector<std::pair<std::size_t, std::size_t>> keys;
  for (std::size_t i = 0; i < p.demand.size(); ++i) {
    const OdDemand& d = p.demand[i];
    if (d.demand <= 0.0 || d.origin == d.destination) continue;
    group.try_emplace({d.travel_class, d.origin}, 0);
  }
  std::size_t n = 0;
  for (auto& [key, idx] : group) {
    idx = n++;
    OriginDemand o;
    o.travel_class = static_cast<Index>(key.first);
    o.origin = static_cast<Index>(key.second);
    origins.push_back(std::move(o));
  }
  for (std::size_t i = 0; i < p.demand.size(); ++i) {
    const OdDemand& d = p.demand[i];
    if (d.demand <= 0.0 || d.origin == d.destination) continue;
    OriginDemand& o = origins[group.at({d.travel_class, d.origin})];
    o.destinations.push_back(static_cast<Index>(d.destination));
    o.demand.push_back(d.demand);
    o.od.push_back(i);
  }
}

LinkState::LinkState(const AssignmentProblem& p, AssignmentObjective objective)
    : system_optimum(objective == AssignmentObjective::system_optimum) {
  vdf.reserve(p.links.size());
  for (const LinkSpec& l : p.links) vdf.emplace_back(l);
  flow.assign(p.links.size(), 0.0);
  cost.assign(p.links.size(), 0.0);
  slope.assign(p.links.size(), 0.0);
  refresh_all();
}

ShortestPathTree::ShortestPathTree(const CompactNetwork& net)
    : net_(net), dist_(net.node_count, infinity), pred_(net.node_count, no_index),
      heap_pos_(net.node_count, no_index) {
  heap_.reserve(net.node_count);
}

void ShortestPathTree::push_or_decrease(Index node, double d) {
  Index pos = heap_pos_[node];
  if (pos == no_index) {
    pos = static_cast<Index>(heap_.size());
    heap_.push_back(node);
  }
  dist_[node] = d;
  // sift up; ties broken by node id so that the result does not depend on insertion order
  while (pos > 0) {
    const Index parent = (pos - 1) / 2;
    const Index pn = heap_[parent];
    if (dist_[pn] < d || (dist_[pn] == d && pn < node)) break;
    heap_[pos] = pn;
    heap_pos_[pn] = pos;
    pos = parent;
  }
  heap_[pos] = node;
  heap_pos_[node] = pos;
}

Index ShortestPathTree::pop() {
  const Index top = heap_.front();
  heap_pos_[top] = no_index;
  const Index last = heap_.back();
  heap_.pop_back();
  if (!heap_.empty()) {
    const double d = dist_[last];
    Index pos = 0;
    const auto size = static_cast<Index>(heap_.size());
    for (;;) {
      Index child = 2 * pos + 1;
      if (child >= size) break;
      if (child + 1 < size) {
        const Index c1 = heap_[child], c2 = heap_[child + 1];
        if (dist_[c2] < dist_[c1] || (dist_[c2] == dist_[c1] && c2 < c1)) ++child;
      }
      const Index cn = heap_[child];
      if (d < dist_[cn] || (d == dist_[cn] && last < cn)) break;
      heap_[pos] = cn;
      heap_pos_[cn] = pos;
      pos = child;
    }
    heap_[pos] = last;
    heap_pos_[last] = pos;
  }
  return top;
}

void ShortestPathTree::run(const LinkState& state, Index travel_class, Index origin) {
  for (Index n : touched_) {
    dist_[n] = infinity;
    pred_[n] = no_index;
  }
  touched_.clear();
  heap_.clear();
  origin_ = origin;
  const std::vector<double>& fixed = net_.fixed[travel_class];
  const std::vector<char>& allowed = net_.allowed[travel_class];
  touched_.push_back(origin);
  push_or_decrease(origin, 0.0);
  while (!heap_.empty()) {
    const Index i = pop();
    if (!net_.may_leave(i, origin)) continue;
    const double di = dist_[i];
    for (Index e = net_.out_begin[i]; e < net_.out_begin[i + 1]; ++e) {
      const Index a = net_.out_links[e];
      if (!allowed[a]) continue;
      const Index j = net_.head[a];
      const double dj = di + state.cost[a] + fixed[a];
      if (dj < dist_[j]) {
        if (dist_[j] == infinity) touched_.push_back(j);
        pred_[j] = a;
        push_or_decrease(j, dj);
      }
    }
  }
}

void ShortestPathTree::load(Index node, double amount, std::vector<double>& flows) const {
  while (node != origin_) {
    const Index a = pred_[node];
    flows[a] += amount;
    node = net_.tail[a];
  }
}

double all_or_nothing(const CompactNetwork& net, const LinkState& state, ShortestPathTree& tree,
                      std::vector<std::vector<double>>* class_flows, std::size_t* unreachable, const OnTreePath& on_path) {
  if (class_flows) {
    for (auto& f : *class_flows) std::fill(f.begin(), f.end(), 0.0);
  }
  double sptt = 0.0;
  std::size_t missing = 0;
  for (const OriginDemand& o : net.origins) {
    tree.run(state, o.travel_class, o.origin);
    for (std::size_t i = 0; i < o.destinations.size(); ++i) {
      const Index s = o.destinations[i];
      if (!tree.reached(s)) {
        ++missing;
        continue;
      }
      sptt += o.demand[i] * tree.distance(s);
      if (class_flows) tree.load(s, o.demand[i], (*class_flows)[o.travel_class]);
      if (on_path) on_path(o.od[i], tree, s);
    }
  }
  if (unreachable) *unreachable = missing;
  return sptt;
}

double total_cost(const CompactNetwork& net, const LinkState& state,
                  const std::vector<std::vector<double>>& class_flows) {
  double tstt = 0.0;
  for (std::size_t k = 0; k < class_flows.size(); ++k) {
    const std::vector<double>& x = class_flows[k];
    const std::vector<double>& g = net.fixed[k];
    for (Index a = 0; a < net.link_count; ++a) tstt += x[a] * (state.cost[a] + g[a]);
  }
  return tstt;
}

}  // namespace corridor::freight::detail
