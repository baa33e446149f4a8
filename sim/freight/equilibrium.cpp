#include "sim/freight/equilibrium.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <sstream>

#include "geo/error.hpp"
#include "sim/freight/bush.hpp"
#include "sim/freight/equilibrium_network.hpp"

namespace corridor::freight {

using detail::CompactNetwork;
using detail::Index;
using detail::LinkState;
using detail::ShortestPathTree;

namespace {

using ClassFlows = std::vector<std::vector<double>>;

void total_flows(const ClassFlows& x, std::vector<double>& v) {
  std::fill(v.begin(), v.end(), 0.0);
  for (const auto& xk : x) {
    for (std::size_t a = 0; a < v.size(); ++a) v[a] += xk[a];
  }
}

/// Route flows kept beside the class link flows of a link-based method, when routes are listed: every
/// all-or-nothing target is one path per OD carrying all its demand, and every combination the method
/// makes of targets and current flows (x + tau (s - x), s = b0 y + b1 s' + b2 s'') is made of these path
/// flows too, so the routes of an OD add up to its share of the link flows exactly.
class PathFlows {
public:
  /// Per entry of problem.demand: (path id, flow), sorted by path id.
  using Flows = std::vector<std::vector<std::pair<std::uint32_t, double>>>;

  explicit PathFlows(std::size_t od_count) : od_count_(od_count) {}

  /// A recorder for detail::all_or_nothing that fills `out` with the paths it loads.
  detail::OnTreePath recorder(const CompactNetwork& net, const std::vector<double>& demand, Flows& out) {
    out.assign(od_count_, {});
    return [this, &net, &demand, &out](std::size_t od, const ShortestPathTree& tree, Index destination) {
      std::vector<Index> links;
      for (Index n = destination; tree.pred_link(n) != detail::no_index; n = net.tail[tree.pred_link(n)])
        links.push_back(tree.pred_link(n));
      std::reverse(links.begin(), links.end());
      const auto [it, added] = ids_.try_emplace(std::move(links), static_cast<std::uint32_t>(paths_.size()));
      if (added) paths_.push_back(&it->first);
      out[od] = {{it->second, demand[od]}};
    };
  }

  /// a x + b y.
  static Flows combine(double a, const Flows& x, double b, const Flows& y) {
    Flows out(x.size());
    for (std::size_t od = 0; od < x.size(); ++od) {
      auto& o = out[od];
      std::size_t i = 0, j = 0;
      while (i < x[od].size() || j < y[od].size()) {
        if (j == y[od].size() || (i < x[od].size() && x[od][i].first < y[od][j].first)) {
          o.emplace_back(x[od][i].first, a * x[od][i].second);
          ++i;
        } else if (i == x[od].size() || y[od][j].first < x[od][i].first) {
          o.emplace_back(y[od][j].first, b * y[od][j].second);
          ++j;
        } else {
          o.emplace_back(x[od][i].first, a * x[od][i].second + b * y[od][j].second);
          ++i;
          ++j;
        }
      }
    }
    return out;
  }

  [[nodiscard]] const std::vector<Index>& path(std::uint32_t id) const { return *paths_[id]; }

private:
  std::size_t od_count_;
  std::map<std::vector<Index>, std::uint32_t> ids_;
  std::vector<const std::vector<Index>*> paths_;
};

/// Step tau in [0, 1] minimizing the objective along x + tau (s - x): the root of
///   phi'(tau) = sum_a (S_a - V_a) cost_a(V + tau (S - V)) + sum_k sum_a (s_ka - x_ka) g_ka,
/// found by bisection (phi' is increasing in tau as every cost is increasing in flow).
double line_search(const CompactNetwork& net, const LinkState& state, const ClassFlows& x, const ClassFlows& s,
                   const std::vector<double>& v, const std::vector<double>& sv) {
  double fixed_part = 0.0;
  for (std::size_t k = 0; k < x.size(); ++k) {
    for (Index a = 0; a < net.link_count; ++a) fixed_part += (s[k][a] - x[k][a]) * net.fixed[k][a];
  }
  std::vector<Index> moving;
  for (Index a = 0; a < net.link_count; ++a) {
    if (sv[a] != v[a]) moving.push_back(a);
  }
  auto derivative = [&](double tau) {
    double d = fixed_part;
    for (Index a : moving) d += (sv[a] - v[a]) * state.cost_at(a, v[a] + tau * (sv[a] - v[a]));
    return d;
  };
  if (derivative(1.0) <= 0.0) return 1.0;
  if (derivative(0.0) >= 0.0) return 0.0;
  double lo = 0.0, hi = 1.0;
  for (int i = 0; i < 60 && hi - lo > 1e-15; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (derivative(mid) < 0.0) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/// Frank-Wolfe and its conjugate and bi-conjugate variants (Mitradjieva & Lindberg 2013). The search
/// direction's target s is the all-or-nothing point y (FW), or a combination of y and the previous targets
/// made conjugate to the previous directions with respect to the Hessian diag(dc_a/dv) at the current flows.
/// `paths` (when not null) keeps the route flows in step: `x_paths` holds them at the end; `demand` is
/// the demand of each entry of problem.demand.
void solve_frank_wolfe(const CompactNetwork& net, LinkState& state, const EquilibriumOptions& options,
                       ClassFlows& x, EquilibriumResult& res, PathFlows* paths, PathFlows::Flows& x_paths,
                       const std::vector<double>& demand) {
  const std::size_t m = net.link_count;
  ShortestPathTree tree(net);
  ClassFlows y(net.class_count, std::vector<double>(m, 0.0));
  ClassFlows s_prev, s_prev2, s;
  double tau_prev = 1.0, tau_prev2 = 1.0;
  std::vector<double> v(m), yv(m), sv(m), sv_prev(m), sv_prev2(m);
  PathFlows::Flows y_paths, s_paths, s_prev_paths(demand.size()), s_prev2_paths(demand.size());
  auto record = [&](PathFlows::Flows& out) { return paths ? paths->recorder(net, demand, out) : detail::OnTreePath{}; };
  // start: all or nothing at free flow
  detail::all_or_nothing(net, state, tree, &x, nullptr, record(x_paths));
  total_flows(x, v);
  for (std::size_t it = 1;; ++it) {
    state.flow = v;
    state.refresh_all();
    const double sptt = detail::all_or_nothing(net, state, tree, &y, nullptr, record(y_paths));
    const double tstt = detail::total_cost(net, state, x);
    const double gap = detail::relative_gap(tstt, sptt);
    res.gap_history.push_back(gap);
    res.relative_gap = gap;
    res.iterations = it - 1;
    if (options.on_iteration) options.on_iteration(it - 1, gap);
    if (gap <= options.relative_gap) {
      res.converged = true;
      return;
    }
    if (it > options.max_iterations) return;
    total_flows(y, yv);
    double b0 = 1.0, b1 = 0.0, b2 = 0.0;  // s = b0 y + b1 s_prev + b2 s_prev2
    const bool have1 = !s_prev.empty() && tau_prev < 1.0;
    const bool have2 = have1 && !s_prev2.empty() && tau_prev2 < 1.0;
    const std::vector<double>& h = state.slope;
    if (options.method == AssignmentMethod::conjugate_frank_wolfe && have1) {
      // alpha = [(s' - x)^T H (y - x)] / [(s' - x)^T H (y - s')], kept in [0, 1 - delta]
      double num = 0.0, den = 0.0;
      for (std::size_t a = 0; a < m; ++a) {
        const double d = h[a] * (sv_prev[a] - v[a]);
        num += d * (yv[a] - v[a]);
        den += d * (yv[a] - sv_prev[a]);
      }
      double alpha = 0.0;
      if (den != 0.0) alpha = std::clamp(num / den, 0.0, 1.0 - 1e-2);
      b0 = 1.0 - alpha;
      b1 = alpha;
    } else if (options.method == AssignmentMethod::biconjugate_frank_wolfe && have2) {
      double num = 0.0, den = 0.0;
      for (std::size_t a = 0; a < m; ++a) {
        const double d = h[a] * (tau_prev * sv_prev[a] - v[a] + (1.0 - tau_prev) * sv_prev2[a]);
        num += d * (yv[a] - v[a]);
        den += d * (sv_prev2[a] - sv_prev[a]);
      }
      double mu = den != 0.0 ? std::max(0.0, -num / den) : 0.0;
      num = den = 0.0;
      for (std::size_t a = 0; a < m; ++a) {
        const double d = h[a] * (sv_prev[a] - v[a]);
        num += d * (yv[a] - v[a]);
        den += d * (sv_prev[a] - v[a]);
      }
      double nu = den != 0.0 ? std::max(0.0, mu * tau_prev / (1.0 - tau_prev) - num / den) : 0.0;
      if (den == 0.0) mu = 0.0;
      b0 = 1.0 / (1.0 + nu + mu);
      b1 = nu * b0;
      b2 = mu * b0;
    } else if (options.method == AssignmentMethod::biconjugate_frank_wolfe && have1) {
      double num = 0.0, den = 0.0;  // first step: conjugate direction
      for (std::size_t a = 0; a < m; ++a) {
        const double d = h[a] * (sv_prev[a] - v[a]);
        num += d * (yv[a] - v[a]);
        den += d * (yv[a] - sv_prev[a]);
      }
      double alpha = 0.0;
      if (den != 0.0) alpha = std::clamp(num / den, 0.0, 1.0 - 1e-2);
      b0 = 1.0 - alpha;
      b1 = alpha;
    }
    s = y;
    for (std::size_t k = 0; k < s.size(); ++k) {
      for (std::size_t a = 0; a < m; ++a) {
        double val = b0 * y[k][a];
        if (b1 != 0.0) val += b1 * s_prev[k][a];
        if (b2 != 0.0) val += b2 * s_prev2[k][a];
        s[k][a] = val;
      }
    }
    total_flows(s, sv);
    const double tau = line_search(net, state, x, s, v, sv);
    for (std::size_t k = 0; k < x.size(); ++k) {
      for (std::size_t a = 0; a < m; ++a) x[k][a] += tau * (s[k][a] - x[k][a]);
    }
    total_flows(x, v);
    if (paths) {
      s_paths = PathFlows::combine(b0, y_paths, 1.0,
                                   PathFlows::combine(b1, s_prev_paths, b2, s_prev2_paths));
      x_paths = PathFlows::combine(1.0 - tau, x_paths, tau, s_paths);
      s_prev2_paths = std::move(s_prev_paths);
      s_prev_paths = s_paths;
    }
    s_prev2 = std::move(s_prev);
    sv_prev2 = sv_prev;
    s_prev = s;
    sv_prev = sv;
    tau_prev2 = tau_prev;
    tau_prev = tau;
  }
}

/// Algorithm B. One iteration: every bush is updated and equilibrated, then every bush is equilibrated again
/// `rescans` times with its links fixed (cheap, and it makes the sweeps count). Inner passes on a bush stop
/// once no node's used paths differ in cost by more than the mean excess cost per trip, gap x SPTT / demand.
void solve_bush(const CompactNetwork& net, LinkState& state, const EquilibriumOptions& options,
                detail::BushSolver& bushes, EquilibriumResult& res) {
  constexpr std::size_t rescans = 6;
  ShortestPathTree tree(net);
  double demand = 0.0;
  for (const detail::OriginDemand& o : net.origins) {
    for (double d : o.demand) demand += d;
  }
  bushes.initialize();
  if (demand > 0.0) {  // the first sweep's inner tolerance, from the gap of the all-or-nothing start
    const double sptt = detail::all_or_nothing(net, state, tree, nullptr);
    const double gap = detail::relative_gap(detail::total_cost(net, state, bushes.class_flows()), sptt);
    bushes.set_cost_tolerance(gap * sptt / demand);
  }
  for (std::size_t it = 1;; ++it) {
    bushes.iterate();
    for (std::size_t r = 0; r < rescans; ++r) bushes.equilibrate_all();
    const double sptt = detail::all_or_nothing(net, state, tree, nullptr);
    const double tstt = detail::total_cost(net, state, bushes.class_flows());
    const double gap = detail::relative_gap(tstt, sptt);
    res.gap_history.push_back(gap);
    res.relative_gap = gap;
    res.iterations = it;
    if (options.on_iteration) options.on_iteration(it, gap);
    if (gap <= options.relative_gap) {
      res.converged = true;
      return;
    }
    if (it >= options.max_iterations) return;
    if (demand > 0.0) bushes.set_cost_tolerance(gap * sptt / demand);
  }
}

}  // namespace

std::string to_string(AssignmentMethod m) {
  switch (m) {
    case AssignmentMethod::all_or_nothing: return "all-or-nothing";
    case AssignmentMethod::algorithm_b: return "Algorithm B";
    case AssignmentMethod::frank_wolfe: return "Frank-Wolfe";
    case AssignmentMethod::conjugate_frank_wolfe: return "conjugate Frank-Wolfe";
    case AssignmentMethod::biconjugate_frank_wolfe: return "bi-conjugate Frank-Wolfe";
  }
  return "?";
}

EquilibriumResult solve_assignment(const AssignmentProblem& problem, const EquilibriumOptions& options) {
  problem.validate();
  const CompactNetwork net(problem);
  LinkState state(problem, options.objective);
  const std::size_t m = net.link_count;
  EquilibriumResult res;
  res.method = options.method;
  res.objective = options.objective;
  ClassFlows x(net.class_count, std::vector<double>(m, 0.0));
  std::unique_ptr<detail::BushSolver> bushes;
  std::vector<double> demand(problem.demand.size());
  for (std::size_t i = 0; i < demand.size(); ++i) demand[i] = problem.demand[i].demand;
  std::optional<PathFlows> paths;  // link-based methods: route flows kept beside the link flows
  PathFlows::Flows x_paths;

  switch (options.method) {
    case AssignmentMethod::all_or_nothing: {
      ShortestPathTree tree(net);
      detail::all_or_nothing(net, state, tree, &x);
      std::vector<double> v(m);
      total_flows(x, v);
      state.flow = v;
      state.refresh_all();
      const double sptt = detail::all_or_nothing(net, state, tree, nullptr);
      res.relative_gap = detail::relative_gap(detail::total_cost(net, state, x), sptt);
      res.gap_history.push_back(res.relative_gap);
      res.converged = true;  // nothing to converge
      break;
    }
    case AssignmentMethod::algorithm_b:
      bushes = std::make_unique<detail::BushSolver>(net, state);
      solve_bush(net, state, options, *bushes, res);
      x = bushes->class_flows();
      break;
    case AssignmentMethod::frank_wolfe:
    case AssignmentMethod::conjugate_frank_wolfe:
    case AssignmentMethod::biconjugate_frank_wolfe:
      if (options.list_routes) paths.emplace(problem.demand.size());
      solve_frank_wolfe(net, state, options, x, res, paths ? &*paths : nullptr, x_paths, demand);
      break;
  }

  // Link results at user costs (also for system optimum).
  LinkState actual(problem, AssignmentObjective::user_equilibrium);
  res.link_flows.assign(m, 0.0);
  total_flows(x, res.link_flows);
  actual.flow = res.link_flows;
  actual.refresh_all();
  res.link_times = actual.cost;
  res.class_link_flows = x;
  res.total_cost = detail::total_cost(net, actual, x);
  res.beckmann_objective = 0.0;
  for (Index a = 0; a < m; ++a) res.beckmann_objective += actual.vdf[a].integral(res.link_flows[a]);
  for (std::size_t k = 0; k < x.size(); ++k) {
    for (Index a = 0; a < m; ++a) res.beckmann_objective += x[k][a] * net.fixed[k][a];
  }

  // OD results: least cost for every entry; mean cost, time and routes from the method.
  res.od.resize(problem.demand.size());
  std::map<std::pair<std::size_t, std::size_t>, std::vector<std::size_t>> groups;
  for (std::size_t i = 0; i < problem.demand.size(); ++i) {
    const OdDemand& d = problem.demand[i];
    OdEquilibrium& r = res.od[i];
    r.origin = d.origin;
    r.destination = d.destination;
    r.travel_class = d.travel_class;
    r.demand = d.demand;
    groups[{d.travel_class, d.origin}].push_back(i);
  }
  ShortestPathTree tree(net);
  ShortestPathTree loaded_tree(net);  // all-or-nothing: the free-flow paths the demand was loaded on
  const LinkState free_flow(problem, AssignmentObjective::user_equilibrium);
  const bool aon = options.method == AssignmentMethod::all_or_nothing;
  for (const auto& [key, entries] : groups) {
    const auto k = static_cast<Index>(key.first);
    const auto origin = static_cast<Index>(key.second);
    tree.run(actual, k, origin);
    if (aon) loaded_tree.run(free_flow, k, origin);
    for (std::size_t i : entries) {
      OdEquilibrium& r = res.od[i];
      const auto s = static_cast<Index>(r.destination);
      r.reachable = tree.reached(s);
      if (!r.reachable) continue;
      r.least_cost = tree.distance(s);
      r.mean_cost = r.least_cost;
      if (options.method == AssignmentMethod::algorithm_b) continue;
      if (paths) {
        // Link-based methods with their route flows: every route with at least min_route_share of the
        // demand, its share of what is listed; mean cost and time over them.
        for (const auto& [id, flow] : x_paths[i]) {
          if (!(flow >= options.min_route_share * r.demand)) continue;
          OdRoute route;
          route.links.assign(paths->path(id).begin(), paths->path(id).end());
          route.share = flow;
          for (std::size_t a : route.links) route.cost += actual.cost[a] + net.fixed[k][a];
          r.routes.push_back(std::move(route));
        }
        std::stable_sort(r.routes.begin(), r.routes.end(), [](const OdRoute& a, const OdRoute& b) { return a.share > b.share; });
        if (r.routes.size() > options.max_routes_per_od) r.routes.resize(options.max_routes_per_od);
        double listed = 0.0;
        for (const auto& route : r.routes) listed += route.share;
        r.mean_time = r.mean_cost = 0.0;
        for (auto& route : r.routes) {
          route.share /= listed;
          double time = 0.0;
          for (std::size_t a : route.links) time += actual.cost[a];
          r.mean_time += route.share * time;
          r.mean_cost += route.share * route.cost;
        }
        continue;
      }
      // Link-based methods without their route flows: mean cost and time are those of the least-cost route
      // at the final flows (equal to the flow-weighted mean at equilibrium). All or nothing: the route the
      // demand took.
      const ShortestPathTree& t = aon ? loaded_tree : tree;
      OdRoute route;
      for (Index n = s; n != origin; n = net.tail[t.pred_link(n)]) route.links.push_back(t.pred_link(n));
      std::reverse(route.links.begin(), route.links.end());
      double time = 0.0;
      for (std::size_t a : route.links) {
        time += actual.cost[a];
        route.cost += actual.cost[a] + net.fixed[k][a];
      }
      r.mean_time = time;
      r.mean_cost = route.cost;
      route.share = 1.0;
      if (options.list_routes && aon) r.routes.push_back(std::move(route));
    }
  }
  if (bushes) bushes->od_results(actual, options, res.od);
  return res;
}

void require_converged(const EquilibriumResult& result, const EquilibriumOptions& options) {
  if (result.converged) return;
  std::ostringstream msg;
  msg << to_string(result.method) << " did not reach relative gap " << options.relative_gap << " in "
      << result.iterations << " iterations (last gap " << result.relative_gap << ")";
  throw SolverError(msg.str());
}

}  // namespace corridor::freight
