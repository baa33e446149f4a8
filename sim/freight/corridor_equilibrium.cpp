#include "sim/freight/corridor_equilibrium.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "geo/error.hpp"
#include "sim/freight/bottleneck.hpp"

namespace corridor::freight {

namespace {

void apply_delay(LinkSpec& spec, const scenario::DelaySettings& d) {
  spec.function = d.conical ? DelayFunction::conical : DelayFunction::bpr;
  spec.alpha = d.alpha;
  spec.beta = d.beta;
}

/// A fixed time: no capacity, the delay function never grows.
void fixed_time(LinkSpec& spec) {
  spec.function = DelayFunction::bpr;
  spec.alpha = 0.0;
  spec.beta = 1.0;
  spec.capacity = 1.0;
}

}  // namespace

CorridorProblem corridor_problem(const network::Network& net, const scenario::Scenario& scenario) {
  CorridorProblem cp;
  AssignmentProblem& p = cp.problem;
  p.name = scenario.name;
  const std::size_t n_nodes = net.nodes().size();
  p.node_count = 2 * n_nodes;
  cp.node_in.resize(n_nodes);
  cp.node_out.resize(n_nodes);
  for (std::size_t n = 0; n < n_nodes; ++n) {
    cp.node_in[n] = n;
    cp.node_out[n] = n_nodes + n;
  }
  cp.origin_vertex = cp.node_in;
  cp.destination_vertex = cp.node_out;

  std::vector<network::Mode> mode_of_link;  // per problem link; node links take rail (allowed for all)
  std::vector<bool> is_node_link;
  auto add = [&](LinkSpec spec, CorridorProblem::Origin origin, bool capacity, std::optional<network::Mode> mode) {
    p.links.push_back(spec);
    cp.origin_of.push_back(origin);
    cp.has_capacity.push_back(capacity);
    is_node_link.push_back(!mode);
    mode_of_link.push_back(mode.value_or(network::Mode::rail));
  };

  for (std::size_t n = 0; n < n_nodes; ++n) {
    const auto& node = net.nodes()[n];
    if (node.closed || network::is_gas_kind(node.kind)) continue;
    if (!node.through) {
      // Traffic may start here (at the exit) and end here (at the entry), never pass: no node link.
      cp.origin_vertex[n] = cp.node_out[n];
      cp.destination_vertex[n] = cp.node_in[n];
      continue;
    }
    LinkSpec spec;
    spec.from = cp.node_in[n];
    spec.to = cp.node_out[n];
    spec.free_flow_time = node.dwell_h;
    spec.toll = node.handling_usd_per_teu;
    const bool capacity = node.capacity_teu_per_day.has_value() && *node.capacity_teu_per_day > 0.0;
    if (capacity && node.dwell_h > 0.0) {
      apply_delay(spec, scenario.freight.node_delay);
      spec.capacity = *node.capacity_teu_per_day;
    } else {
      fixed_time(spec);
      if (capacity) spec.capacity = *node.capacity_teu_per_day;  // no delay to grow, but a limit (bottlenecks, hard capacities)
    }
    add(spec, {true, n, true}, capacity, std::nullopt);
  }

  for (std::size_t i = 0; i < net.links().size(); ++i) {
    const auto& l = net.links()[i];
    if (l.closed || l.mode == network::Mode::pipeline) continue;
    if (net.nodes()[l.from].closed || net.nodes()[l.to].closed) continue;
    const auto t0 = net.free_flow_time_h(i);
    if (!t0) continue;  // validation requires a speed for freight modes
    LinkSpec spec;
    spec.free_flow_time = *t0;
    spec.toll = l.cost_usd_per_teu;
    spec.length = l.length_km;
    const bool capacity = l.capacity_teu_per_day.has_value() && *l.capacity_teu_per_day > 0.0;
    if (capacity) {
      const auto it = scenario.freight.link_delay.find(l.mode);
      apply_delay(spec, it == scenario.freight.link_delay.end() ? scenario::DelaySettings{} : it->second);
      if (l.bpr_alpha || l.bpr_beta) spec.function = DelayFunction::bpr;
      if (l.bpr_alpha) spec.alpha = *l.bpr_alpha;
      if (l.bpr_beta) spec.beta = *l.bpr_beta;
      spec.capacity = *l.capacity_teu_per_day;
    } else {
      fixed_time(spec);
    }
    spec.from = cp.node_out[l.from];
    spec.to = cp.node_in[l.to];
    add(spec, {false, i, true}, capacity, l.mode);
    if (!l.directed) {
      spec.from = cp.node_out[l.to];
      spec.to = cp.node_in[l.from];
      add(spec, {false, i, false}, capacity, l.mode);
    }
  }

  ProblemList problems;
  for (const auto& c : scenario.commodities) {
    TravelClass tc;
    tc.name = c.name;
    if (!(c.value_of_time_usd_per_teu_h > 0.0)) {
      problems.add(scenario.file.string(), "commodity '" + c.name + "'",
                   "an equilibrium assignment needs value_of_time_usd_per_teu_h > 0 (it converts tariffs to hours)");
      continue;
    }
    tc.toll_weight = 1.0 / c.value_of_time_usd_per_teu_h;
    tc.allowed_links.resize(p.links.size());
    for (std::size_t a = 0; a < p.links.size(); ++a) tc.allowed_links[a] = is_node_link[a] || c.modes.contains(mode_of_link[a]);
    p.classes.push_back(std::move(tc));
  }
  problems.throw_if_any();

  const double days = scenario.freight.days_per_year;
  for (std::size_t r = 0; r < scenario.demand.size(); ++r) {
    const auto& row = scenario.demand[r];
    if (!(row.teu_per_year > 0.0)) continue;
    OdDemand d;
    d.origin = cp.origin_vertex[*net.find_node(row.origin.value)];
    d.destination = cp.destination_vertex[*net.find_node(row.destination.value)];
    const auto& cs = scenario.commodities;
    d.travel_class = static_cast<std::size_t>(
        std::find_if(cs.begin(), cs.end(), [&](const auto& c) { return c.name == row.commodity; }) - cs.begin());
    d.demand = row.teu_per_year / days;
    p.demand.push_back(d);
    cp.demand_row.push_back(r);
  }
  return cp;
}

Path corridor_path(const network::Network& net, const CorridorProblem& cp, const std::vector<std::size_t>& links,
                   std::size_t origin, std::size_t destination, const std::vector<double>& link_time_h, double vot) {
  Path path;
  path.nodes.push_back(origin);
  for (std::size_t a : links) {
    const auto& o = cp.origin_of[a];
    const auto& spec = cp.problem.links[a];
    path.time_h += link_time_h[a];
    path.money_usd_per_teu += spec.toll;
    path.length_km += spec.length;
    if (o.node_link) continue;
    path.steps.push_back({o.index, o.forward});
    const auto& l = net.links()[o.index];
    path.nodes.push_back(o.forward ? l.to : l.from);
  }
  for (std::size_t end : {origin, destination}) {
    if (net.nodes()[end].through) continue;
    path.time_h += net.nodes()[end].dwell_h;
    path.money_usd_per_teu += net.nodes()[end].handling_usd_per_teu;
  }
  path.cost_usd_per_teu = vot * path.time_h + path.money_usd_per_teu;
  return path;
}

namespace {

AssignmentMethod method_of(const std::string& name) {
  if (name == "frank_wolfe") return AssignmentMethod::frank_wolfe;
  if (name == "conjugate_frank_wolfe") return AssignmentMethod::conjugate_frank_wolfe;
  if (name == "biconjugate_frank_wolfe") return AssignmentMethod::biconjugate_frank_wolfe;
  return AssignmentMethod::algorithm_b;
}

}  // namespace

CorridorEquilibrium assign_equilibrium(const network::Network& net, const scenario::Scenario& scenario) {
  // Unserved demand comes from the free-flow model. Route family options are found below, once: at the
  // equilibrium's times where demand is served, at free flow where it is not.
  CorridorEquilibrium out;
  scenario::Scenario without_families = scenario;
  without_families.route_families.clear();
  out.results = assign_all_or_nothing(net, without_families);
  FreightResults& r = out.results;
  const CorridorProblem cp = corridor_problem(net, scenario);
  const auto family_via = family_via_nodes(net, scenario);
  // Each OD's route family options: at `times` where `congested` says so, else at free flow.
  auto add_family_options = [&](const std::shared_ptr<const CongestedTimes>& times, const std::vector<bool>& congested) {
    if (scenario.route_families.empty()) return;
    for (std::size_t i = 0; i < r.od.size(); ++i) {
      OdResult& od = r.od[i];
      od.options = route_family_options(net, scenario, family_via, od.commodity, od.origin, od.destination,
                                        congested[i] ? times : nullptr);
    }
  };
  if (cp.problem.demand.empty()) {
    add_family_options(nullptr, std::vector<bool>(r.od.size(), false));
    return out;
  }

  EquilibriumOptions options;
  options.method = method_of(scenario.freight.algorithm);
  options.objective = scenario.freight.method == scenario::FreightMethod::system_optimum
                          ? AssignmentObjective::system_optimum
                          : AssignmentObjective::user_equilibrium;
  options.relative_gap = scenario.freight.relative_gap;
  options.max_iterations = scenario.freight.max_iterations;
  // Every route with a millionth of its OD's flow is listed, so that the route flows of od_routes.csv add
  // up to the link flows (to 1e-6 of each OD's flow; shares are of the listed routes).
  options.max_routes_per_od = 64;
  options.min_route_share = 1e-6;
  out.solution = solve_assignment(cp.problem, options);
  require_converged(out.solution, options);
  const EquilibriumResult& sol = out.solution;
  r.method = scenario.freight.method == scenario::FreightMethod::system_optimum ? "system_optimum" : "user_equilibrium";

  // Link and node loads from the directed flows.
  for (auto& l : r.links) l = {};
  for (auto& n : r.nodes) n = {};
  for (std::size_t a = 0; a < cp.problem.links.size(); ++a) {
    const auto& o = cp.origin_of[a];
    const double v = sol.link_flows[a];
    if (o.node_link) r.nodes[o.index].throughput_teu_per_day += v;
    else (o.forward ? r.links[o.index].flow_forward_teu_per_day : r.links[o.index].flow_backward_teu_per_day) += v;
  }

  // The equilibrium's link and node times: what every route below is charged, and what the route
  // families' best routes are found with. Nodes traffic may not pass (through: false) have no node link:
  // their fixed dwell stays, and is added where an OD starts or ends there, as in the all-or-nothing model.
  CongestedTimes& t = r.times;
  for (std::size_t a = 0; a < cp.problem.links.size(); ++a) {
    const auto& o = cp.origin_of[a];
    if (o.node_link) t.node_dwell_h[o.index] = sol.link_times[a];
    else (o.forward ? t.link_forward_h : t.link_backward_h)[o.index] = sol.link_times[a];
  }
  const auto times = std::make_shared<const CongestedTimes>(t);

  std::vector<bool> served(r.od.size(), false);
  for (std::size_t k = 0; k < cp.demand_row.size(); ++k) {
    OdResult& od = r.od[cp.demand_row[k]];
    const auto& e = sol.od[k];
    if (!e.reachable) continue;  // unserved in the free-flow model too
    served[cp.demand_row[k]] = true;
    const double vot = scenario.find_commodity(od.commodity)->value_of_time_usd_per_teu_h;
    od.routes.clear();
    double share_sum = 0.0;
    for (const auto& route : e.routes) share_sum += route.share;
    for (const auto& route : e.routes)
      od.routes.push_back(SharedRoute{.path = corridor_path(net, cp, route.links, od.origin, od.destination, sol.link_times, vot),
                                      .share = share_sum > 0.0 ? route.share / share_sum : 0.0});
    std::stable_sort(od.routes.begin(), od.routes.end(), [](const auto& a, const auto& b) { return a.share > b.share; });
    od.transit_time_h = 0.0;
    for (const auto& route : od.routes) od.transit_time_h += route.share * route.path.time_h;
    if (!od.routes.empty()) {
      od.route = od.routes.front().path;
      od.route_family = route_family_of(scenario, family_via, *od.route);
    }
  }
  add_family_options(times, served);
  return out;
}

std::vector<CorridorBottleneck> corridor_bottlenecks(const network::Network& net, const scenario::Scenario& scenario) {
  std::vector<CorridorBottleneck> out;
  if (scenario.freight.bottlenecks.empty()) return out;
  scenario::Scenario unweighted = scenario;
  for (auto& c : unweighted.commodities)
    if (!(c.value_of_time_usd_per_teu_h > 0.0)) c.value_of_time_usd_per_teu_h = 1.0;  // not used by max-flow
  unweighted.demand.clear();
  const CorridorProblem cp = corridor_problem(net, unweighted);
  const double inf = std::numeric_limits<double>::infinity();
  BottleneckQuery q;
  q.node_count = cp.problem.node_count;
  for (std::size_t a = 0; a < cp.problem.links.size(); ++a) {
    const auto& spec = cp.problem.links[a];
    // A link no commodity may use carries nothing.
    bool usable = false;
    for (const auto& c : cp.problem.classes) usable = usable || cp.problem.allows(&c - cp.problem.classes.data(), a);
    q.links.push_back({spec.from, spec.to, !usable ? 0.0 : cp.has_capacity[a] ? spec.capacity : inf});
  }
  for (const auto& g : scenario.freight.bottlenecks) {
    BottleneckQuery qg = q;
    std::vector<bool> avoided(net.nodes().size(), false);
    for (const auto& a : g.avoid) avoided[*net.find_node(a.value)] = true;
    for (std::size_t a = 0; a < qg.links.size(); ++a) {
      const auto& o = cp.origin_of[a];
      if (o.node_link ? avoided[o.index] : !g.modes.empty() && !g.modes.contains(net.links()[o.index].mode))
        qg.links[a].capacity = 0.0;
    }
    for (const auto& o : g.origins) qg.origins.push_back(cp.origin_vertex[*net.find_node(o.value)]);
    for (const auto& d : g.destinations) qg.destinations.push_back(cp.destination_vertex[*net.find_node(d.value)]);
    const MinimumCut cut = max_flow_min_cut(qg);
    CorridorBottleneck b;
    b.name = g.name;
    b.max_flow_teu_per_day = cut.max_flow < 1e300 ? cut.max_flow : inf;
    for (std::size_t a : cut.cut_links) {
      if (!(qg.links[a].capacity > 0.0)) continue;  // closed to these modes: not a limit
      const auto& o = cp.origin_of[a];
      auto& list = o.node_link ? b.cut_nodes : b.cut_links;
      if (std::find(list.begin(), list.end(), o.index) == list.end()) list.push_back(o.index);
    }
    std::sort(b.cut_links.begin(), b.cut_links.end());
    std::sort(b.cut_nodes.begin(), b.cut_nodes.end());
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace corridor::freight
