#include "sim/freight/corridor_sue.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <span>

#include "geo/error.hpp"

namespace corridor::freight {

namespace {

/// What the choice model sees of a route beyond its links' times and tariffs.
struct RouteChoice {
  network::Mode main_mode = network::Mode::rail;
  double constants_usd = 0.0;
  std::vector<std::string> constants;
  double sd_h = 0.0;
  double reliability_usd = 0.0;
};

/// The scenario's choice model on the corridor problem: constants resolved to node and link masks.
class ChoiceModel {
public:
  ChoiceModel(const network::Network& net, const scenario::Scenario& s, const CorridorProblem& cp)
      : net_(net), s_(s), cp_(cp), seen_(net.nodes().size(), 0) {
    const auto& choice = s.freight.choice;
    for (const auto& k : choice.constants) {
      Constant c;
      c.spec = &k;
      if (k.select) {
        const scenario::Selection sel = scenario::select(net, *k.select);
        c.nodes.assign(net.nodes().size(), 0);
        c.links.assign(net.links().size(), 0);
        for (std::size_t n : sel.nodes) c.nodes[n] = 1;
        for (std::size_t l : sel.links) c.links[l] = 1;
      }
      for (std::size_t ci = 0; ci < s.commodities.size(); ++ci) {
        const auto& names = k.commodities;
        c.classes.push_back(names.empty() || std::find(names.begin(), names.end(), s.commodities[ci].name) != names.end());
      }
      constants_.push_back(std::move(c));
    }
    for (const auto& c : s.commodities) {
      const auto it = choice.reliability_usd_per_teu_h.find(c.name);
      vor_.push_back(it == choice.reliability_usd_per_teu_h.end() ? 0.0 : it->second);
    }
  }

  /// The route's main mode, constants and reliability for OD `od` of the problem.
  RouteChoice describe(std::size_t od, const std::vector<std::size_t>& links) {
    RouteChoice rc;
    const auto& d = cp_.problem.demand[od];
    const std::size_t k = d.travel_class;
    const std::size_t origin = s_.demand.empty() ? 0 : *net_.find_node(s_.demand[cp_.demand_row[od]].origin.value);
    // Nodes visited (each once) and kilometres per mode.
    double km[5] = {0, 0, 0, 0, 0};
    visited_.clear();
    auto visit = [&](std::size_t n) {
      if (!seen_[n]) {
        seen_[n] = 1;
        visited_.push_back(n);
      }
    };
    visit(origin);
    double var = 0.0;
    for (std::size_t a : links) {
      const auto& o = cp_.origin_of[a];
      if (o.node_link) {
        visit(o.index);
        continue;
      }
      const auto& l = net_.links()[o.index];
      km[static_cast<int>(l.mode)] += l.length_km;
      visit(l.from);
      visit(l.to);
      if (l.time_sd_h) var += *l.time_sd_h * *l.time_sd_h;
    }
    for (std::size_t n : visited_) {
      const auto& node = net_.nodes()[n];
      if (node.time_sd_h) var += *node.time_sd_h * *node.time_sd_h;
    }
    int best = 0;
    for (int m = 1; m < 5; ++m)
      if (km[m] > km[best]) best = m;
    rc.main_mode = static_cast<network::Mode>(best);
    rc.sd_h = std::sqrt(var);
    rc.reliability_usd = vor_[k] * rc.sd_h;
    for (const auto& c : constants_) {
      if (!c.classes[k]) continue;
      if (c.spec->main_mode && *c.spec->main_mode != rc.main_mode) continue;
      if (c.spec->select) {
        bool hit = false;
        for (std::size_t n : visited_) hit = hit || c.nodes[n];
        for (std::size_t a : links) {
          const auto& o = cp_.origin_of[a];
          hit = hit || (!o.node_link && c.links[o.index]);
        }
        if (!hit) continue;
      }
      rc.constants_usd += c.spec->usd_per_teu;
      rc.constants.push_back(c.spec->name);
    }
    for (std::size_t n : visited_) seen_[n] = 0;
    return rc;
  }

private:
  struct Constant {
    const scenario::ChoiceConstant* spec = nullptr;
    std::vector<char> nodes, links;
    std::vector<bool> classes;
  };
  const network::Network& net_;
  const scenario::Scenario& s_;
  const CorridorProblem& cp_;
  std::vector<Constant> constants_;
  std::vector<double> vor_;
  std::vector<char> seen_;
  std::vector<std::size_t> visited_;
};

/// A network path as links of the problem (origin first), or empty when it does not map (it passes a
/// node traffic may not pass, or a link the problem lacks).
std::vector<std::size_t> problem_links(const network::Network& net, const Path& path,
                                       const std::vector<std::size_t>& node_link,
                                       const std::vector<std::array<std::size_t, 2>>& arc) {
  constexpr std::size_t none = static_cast<std::size_t>(-1);
  std::vector<std::size_t> out;
  auto pass = [&](std::size_t n, bool end) {
    if (!net.nodes()[n].through) return end;  // an end that is not passed: no node link
    if (node_link[n] == none) return false;
    out.push_back(node_link[n]);
    return true;
  };
  if (path.nodes.empty() || !pass(path.nodes.front(), true)) return {};
  for (std::size_t i = 0; i < path.steps.size(); ++i) {
    const Step& st = path.steps[i];
    const std::size_t a = arc[st.link][st.forward ? 0 : 1];
    if (a == none) return {};
    out.push_back(a);
    if (!pass(path.nodes[i + 1], i + 1 == path.steps.size())) return {};
  }
  return out;
}

}  // namespace

SueOptions corridor_sue_options(const network::Network& net, const scenario::Scenario& s, const CorridorProblem& cp) {
  (void)net;
  SueOptions o;
  const auto& choice = s.freight.choice;
  for (const auto& c : s.commodities) {
    if (!choice.dispersion.contains(c.name))
      throw InputError(s.file.string(), "freight", "no choice dispersion for commodity '" + c.name + "'");
    const auto& disp = choice.dispersion_of(c.name);
    SueDispersion d;
    d.theta = disp.route_per_usd * c.value_of_time_usd_per_teu_h;
    d.theta_nest = disp.mode_per_usd * c.value_of_time_usd_per_teu_h;
    d.path_size = choice.path_size;
    o.classes.push_back(d);
  }
  o.relative_gap = s.freight.relative_gap;
  o.max_iterations = s.freight.max_iterations;
  o.max_routes_per_od = choice.routes_per_od;
  o.penalty_routes = choice.penalty_routes;
  o.penalty = choice.penalty;
  if (s.freight.hard_capacities) {
    o.hard_capacity.assign(cp.problem.links.size(), 0);
    for (std::size_t a = 0; a < cp.problem.links.size(); ++a) o.hard_capacity[a] = cp.has_capacity[a] ? 1 : 0;
    for (const auto& c : s.commodities) o.unserved_cost.push_back(*s.freight.unserved_usd_per_teu / c.value_of_time_usd_per_teu_h);
  }
  return o;
}

CorridorSue assign_stochastic(const network::Network& net, const scenario::Scenario& scenario) {
  constexpr std::size_t none = static_cast<std::size_t>(-1);
  CorridorSue out;
  scenario::Scenario without_families = scenario;
  without_families.route_families.clear();
  out.results = assign_all_or_nothing(net, without_families);
  FreightResults& r = out.results;
  r.method = "stochastic_user_equilibrium";
  const CorridorProblem cp = corridor_problem(net, scenario);
  const auto family_via = family_via_nodes(net, scenario);
  out.options = corridor_sue_options(net, scenario, cp);
  if (cp.problem.demand.empty()) {
    for (auto& od : r.od)
      od.options = route_family_options(net, scenario, family_via, od.commodity, od.origin, od.destination);
    return out;
  }

  // Problem links of every node (its node link) and link direction, for mapping network paths.
  std::vector<std::size_t> node_link(net.nodes().size(), none);
  std::vector<std::array<std::size_t, 2>> arc(net.links().size(), {none, none});
  for (std::size_t a = 0; a < cp.origin_of.size(); ++a) {
    const auto& o = cp.origin_of[a];
    if (o.node_link) node_link[o.index] = a;
    else arc[o.index][o.forward ? 0 : 1] = a;
  }

  ChoiceModel model(net, scenario, cp);
  SueOptions options = out.options;
  for (const auto& v : scenario.freight.choice.via) {
    const std::size_t n = *net.find_node(v.value);
    if (net.nodes()[n].closed) continue;  // no route passes it (a closure scenario)
    if (node_link[n] == none)
      throw InputError(v.file, "line " + std::to_string(v.line),
                       "choice via node '" + v.value + "' cannot be passed (through: false)");
    options.via_links.push_back(node_link[n]);
  }
  options.traits = [&](std::size_t od, std::span<const std::size_t> links) {
    const RouteChoice rc = model.describe(od, std::vector<std::size_t>(links.begin(), links.end()));
    const double vot = scenario.commodities[cp.problem.demand[od].travel_class].value_of_time_usd_per_teu_h;
    RouteTraits t;
    t.extra_cost = (rc.constants_usd + rc.reliability_usd) / vot;
    t.nest = scenario.freight.choice.nests_by_main_mode ? static_cast<std::uint32_t>(rc.main_mode) : 0u;
    return t;
  };
  // Seeds: the free-flow best route of every route family.
  if (!scenario.route_families.empty()) {
    options.seed_routes = [&](std::size_t od) {
      std::vector<std::vector<std::size_t>> seeds;
      const OdResult& o = r.od[cp.demand_row[od]];
      for (const auto& opt : route_family_options(net, scenario, family_via, o.commodity, o.origin, o.destination)) {
        if (!opt.path) continue;
        auto links = problem_links(net, *opt.path, node_link, arc);
        if (!links.empty()) seeds.push_back(std::move(links));
      }
      return seeds;
    };
  }
  out.solution = solve_sue(cp.problem, options);
  require_sue_converged(out.solution, options);
  const SueResult& sol = out.solution;

  // Loads, and the times charged: volume-delay time plus the queue delay of a binding hard capacity.
  const std::size_t m = cp.problem.links.size();
  std::vector<double> time_h(m), class_vot_flow(m, 0.0);
  for (std::size_t a = 0; a < m; ++a) time_h[a] = sol.link_times[a] + sol.shadow_price[a];
  for (auto& l : r.links) l = {};
  for (auto& n : r.nodes) n = {};
  const bool hard = scenario.freight.hard_capacities;
  auto nan_like = [](const std::vector<double>& v) { return std::vector<double>(v.size(), std::nan("")); };
  if (hard) {
    r.queue_delay = {nan_like(r.times.link_forward_h), nan_like(r.times.link_backward_h), nan_like(r.times.node_dwell_h)};
    r.shadow_price_usd_per_teu = r.queue_delay;
  }
  for (std::size_t a = 0; a < m; ++a) {
    const auto& o = cp.origin_of[a];
    const double v = sol.link_flows[a];
    if (o.node_link) {
      r.nodes[o.index].throughput_teu_per_day += v;
      r.times.node_dwell_h[o.index] = time_h[a];
      if (hard) r.queue_delay.node_dwell_h[o.index] = sol.shadow_price[a];
    } else {
      (o.forward ? r.links[o.index].flow_forward_teu_per_day : r.links[o.index].flow_backward_teu_per_day) += v;
      (o.forward ? r.times.link_forward_h : r.times.link_backward_h)[o.index] = time_h[a];
      if (hard) (o.forward ? r.queue_delay.link_forward_h : r.queue_delay.link_backward_h)[o.index] = sol.shadow_price[a];
    }
  }

  std::vector<bool> served(r.od.size(), false);
  const double days = r.days_per_year;
  for (std::size_t k = 0; k < cp.demand_row.size(); ++k) {
    OdResult& od = r.od[cp.demand_row[k]];
    const SueOd& e = sol.od[k];
    if (!e.reachable) continue;  // unserved in the free-flow model too
    served[cp.demand_row[k]] = true;
    const double vot = scenario.find_commodity(od.commodity)->value_of_time_usd_per_teu_h;
    // The logit gives every alternative some flow. As for the user equilibrium, routes (and the unserved
    // alternative) with less than a millionth of the OD's demand are not listed, so that what is listed
    // adds up to the link flows to 1e-6 of each OD's flow; shares are of the listed routes.
    constexpr double min_share = 1e-6;
    od.unserved_teu_per_year = e.unserved > min_share * e.demand ? e.unserved * days : 0.0;
    od.assigned_teu_per_year = od.demand_teu_per_year - od.unserved_teu_per_year;
    od.routes.clear();
    double served_flow = 0.0;
    for (const auto& route : e.routes)
      if (route.flow > min_share * e.demand) served_flow += route.flow;
    for (const auto& route : e.routes) {
      if (!(route.flow > min_share * e.demand)) continue;
      SharedRoute sr;
      sr.path = corridor_path(net, cp, route.links, od.origin, od.destination, time_h, vot);
      sr.share = served_flow > 0.0 ? route.flow / served_flow : 0.0;
      const RouteChoice rc = model.describe(k, route.links);
      sr.main_mode = std::string(network::to_string(rc.main_mode));
      sr.constants_usd_per_teu = rc.constants_usd;
      sr.constants = rc.constants;
      sr.time_sd_h = rc.sd_h;
      sr.reliability_usd_per_teu = rc.reliability_usd;
      for (std::size_t a : route.links) class_vot_flow[a] += route.flow * vot;
      od.routes.push_back(std::move(sr));
    }
    od.transit_time_h = 0.0;
    for (const auto& route : od.routes) od.transit_time_h += route.share * route.path.time_h;
    if (!od.routes.empty()) {
      od.route = od.routes.front().path;
      od.route_family = route_family_of(scenario, family_via, *od.route);
    } else {
      od.route.reset();
      od.route_family.clear();
    }
  }

  // Shadow prices in USD per TEU: the queue delay at the flow-weighted value of time of the users.
  if (hard) {
    for (std::size_t a = 0; a < m; ++a) {
      if (!out.options.hard_capacity[a]) continue;
      const auto& o = cp.origin_of[a];
      const double v = sol.link_flows[a];
      const double vot = v > 0.0 ? class_vot_flow[a] / v : scenario.commodities.front().value_of_time_usd_per_teu_h;
      const double usd = sol.shadow_price[a] * vot;
      if (o.node_link) r.shadow_price_usd_per_teu.node_dwell_h[o.index] = usd;
      else (o.forward ? r.shadow_price_usd_per_teu.link_forward_h : r.shadow_price_usd_per_teu.link_backward_h)[o.index] = usd;
      if (sol.shadow_price[a] > 0.0)
        out.binding.push_back({o.node_link, o.index, o.forward, v, cp.problem.links[a].capacity, sol.shadow_price[a], usd});
    }
    std::stable_sort(out.binding.begin(), out.binding.end(),
                     [](const auto& x, const auto& y) { return x.shadow_price_usd_per_teu > y.shadow_price_usd_per_teu; });
  }

  if (!scenario.route_families.empty()) {
    const auto times = std::make_shared<const CongestedTimes>(r.times);
    for (std::size_t i = 0; i < r.od.size(); ++i) {
      OdResult& od = r.od[i];
      od.options = route_family_options(net, scenario, family_via, od.commodity, od.origin, od.destination,
                                        served[i] ? times : nullptr);
    }
  }
  return out;
}

}  // namespace corridor::freight
