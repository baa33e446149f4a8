#include "sim/gas/slack_rule.hpp"

#include "sim/gas/solver.hpp"

namespace corridor::gas {

namespace {
/// The entry with the largest injection among `candidate` nodes, optionally only those with a maximum.
std::optional<std::size_t> largest_entry(const GasNetwork& net, const std::vector<bool>& candidate, bool need_max) {
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < net.nodes.size(); ++i) {
    const auto& n = net.nodes[i];
    // An entry with an offtake nominated (a source used as an exit) supplies nothing: not a candidate.
    if (!candidate[i] || !n.entry || n.pressure_set_pa || n.injection_kg_per_s < 0.0 || (need_max && !n.pressure_max_pa))
      continue;
    if (!best || n.injection_kg_per_s > net.nodes[*best].injection_kg_per_s) best = i;
  }
  return best;
}
}  // namespace

SlackChoice assign_slack_nodes(GasNetwork& net) {
  SlackChoice out;
  bool any = false;
  for (const auto& n : net.nodes) any = any || n.pressure_set_pa.has_value();
  if (!any) {
    const std::vector<bool> all(net.nodes.size(), true);
    const auto best = largest_entry(net, all, false);
    if (!best) {
      out.problem = SlackChoice::Problem::no_entry;
      return out;
    }
    if (!net.nodes[*best].pressure_max_pa) {
      out.problem = SlackChoice::Problem::no_pressure_max;
      out.entry = best;
      return out;
    }
    net.nodes[*best].pressure_set_pa = net.nodes[*best].pressure_max_pa;
    out.added.push_back(*best);
  }
  for (std::size_t guard = 0; guard < net.nodes.size(); ++guard) {
    const auto floating = nodes_without_pressure_reference(net);
    const auto best = largest_entry(net, floating, true);
    if (!best) break;
    net.nodes[*best].pressure_set_pa = net.nodes[*best].pressure_max_pa;
    out.added.push_back(*best);
  }
  return out;
}

}  // namespace corridor::gas
