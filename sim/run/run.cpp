#include "sim/run/run.hpp"

#include <openssl/evp.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <memory>
#include <sstream>
#include <thread>

#include "geo/error.hpp"
#include "sim/run/load.hpp"
#include "sim/scenario/yaml_reader.hpp"

namespace corridor::run {

namespace fs = std::filesystem;

namespace {

/// Demand with no path at all: an error naming the demand row, unless the scenario reports it as unserved.
void check_reachable(const network::Network& net, const scenario::Scenario& s, const freight::FreightResults& r) {
  if (!s.freight.unreachable_demand_is_error) return;
  ProblemList problems;
  for (std::size_t i = 0; i < r.od.size(); ++i) {
    const auto& od = r.od[i];
    if (od.reachable || od.unserved_teu_per_year <= 0.0) continue;
    const auto& row = s.demand[i];
    problems.add(row.origin.file, "line " + std::to_string(row.origin.line),
                 "no open path from " + net.nodes()[od.origin].id + " to " + net.nodes()[od.destination].id + " for " +
                     od.commodity + " (closed links or nodes, or modes not allowed); set freight: {unreachable_demand: "
                     "unserved} to report such demand as unserved");
  }
  problems.throw_if_any();
}

std::string percent(double share) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f%%", 100.0 * share);
  return buf;
}

std::string hours(double h) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f h", h);
  return buf;
}

/// Elements more than 10% over capacity in a static assignment: said plainly, with what the event
/// simulation of the run shows for them, or what to run to see it.
std::vector<std::string> saturation_warnings(const network::Network& net, const freight::FreightKpis& k,
                                             const events::EventResults* ev) {
  std::vector<std::string> out;
  std::string list, queues;
  for (const auto& e : k.over_capacity) {
    if (e.utilization <= 1.1) continue;
    const std::string id = e.is_node ? net.nodes()[e.index].id : net.links()[e.index].id;
    list += (list.empty() ? "" : "; ") + id + " at " + percent(e.utilization) + " (" +
            (e.is_node ? "delay " : "time ") + hours(e.congested_h) + " against " + hours(e.free_flow_h) + " at free flow)";
    if (!ev || !e.is_node) continue;
    for (const auto& n : ev->nodes)
      if (n.node == e.index)
        queues += (queues.empty() ? "" : "; ") + id + " queues up to " + std::to_string(n.max_queue_trains) +
                  " trains, mean wait " + hours(n.mean_wait_h);
  }
  if (list.empty()) return out;
  std::string text = "over capacity by more than 10%: " + list +
                     ". A static assignment turns the excess into a congested delay but cannot queue it: the real "
                     "queue grows as long as the demand lasts.";
  if (ev)
    text += " In this run's event simulation: " + (queues.empty() ? std::string("see events_nodes.csv") : queues) + ".";
  else
    text += " Run the event simulation (an events: section, as in scenarios/baseline_events.yaml) to see the queue, or "
            "lower the demand.";
  text += " Capacity-constrained assignment (freight: {method: stochastic_user_equilibrium, capacities: hard}) holds "
          "every element at its capacity: the excess queues, moves or is not shipped, with a shadow price per binding "
          "capacity.";
  out.push_back(std::move(text));
  return out;
}

}  // namespace

RunSettings read_run_settings(const scenario::Scenario& s) {
  RunSettings settings;
  if (s.events) {
    const scenario::YamlReader yr(s.events->file);
    settings.events = events::parse_event_settings(yr, s.events->node, s.events->file.parent_path());
  }
  if (s.gas) {
    const scenario::YamlReader yr(s.gas->file);
    settings.gas = gas::parse_gas_settings(yr, s.gas->node);
  }
  return settings;
}

Results run_scenario(const fs::path& scenario_file, const Options& options) {
  scenario::Scenario s = scenario::load(scenario_file);
  network::Network net = load_network(s);
  return run_scenario(std::move(s), std::move(net), options);
}

Results run_scenario(scenario::Scenario s, network::Network net, const Options& options) {
  // Event and gas settings are checked before solving, so that a typo fails fast.
  const RunSettings settings = read_run_settings(s);
  scenario::check_against(s, net);
  scenario::apply_edits(s, net);
  // Route families only add comparison columns to a user equilibrium; the stochastic one seeds every
  // OD's choice set with their routes, so they stay (a batch row must equal corridor run's answer).
  if (!options.route_families && s.freight.method != scenario::FreightMethod::stochastic_user_equilibrium)
    s.route_families.clear();

  Results res;
  // The gas network first: it is fast, and a gas network without a steady state fails the run early.
  if (settings.gas) {
    try {
      res.gas = solve_gas(net, *settings.gas, options.gas_capacity);
    } catch (const GasNotConverged&) {
      throw;
    } catch (const SolverError& e) {
      throw GasNotConverged(e.what());
    }
  }

  if (s.freight.method == scenario::FreightMethod::all_or_nothing) {
    const unsigned threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
    res.freight = freight::assign_all_or_nothing(net, s, threads);
    res.algorithm = "dijkstra";
  } else if (s.freight.method == scenario::FreightMethod::stochastic_user_equilibrium) {
    auto sue = freight::assign_stochastic(net, s);
    res.freight = std::move(sue.results);
    res.algorithm = "path_size_logit_gradient_projection";
    res.convergence = {sue.solution.converged, sue.solution.iterations, sue.solution.relative_gap, s.freight.relative_gap,
                       "sum |g_r - mean g| f_r / sum c_r f_r (entropy-adjusted route costs)"};
    res.binding_capacities = std::move(sue.binding);
  } else {
    auto eq = freight::assign_equilibrium(net, s);
    res.freight = std::move(eq.results);
    res.algorithm = s.freight.algorithm;
    res.convergence = {eq.solution.converged, eq.solution.iterations, eq.solution.relative_gap, s.freight.relative_gap,
                       "(TSTT - SPTT) / SPTT"};
  }
  res.method = res.freight.method;
  check_reachable(net, s, res.freight);
  res.kpis = freight::freight_kpis(net, res.freight);
  if (!s.select.empty()) {
    std::vector<std::string> ids;
    for (const auto& v : s.select) ids.push_back(v.value);
    res.selections = freight::select_analysis(net, res.freight, ids);
  }
  if (options.bottlenecks) res.bottlenecks = freight::corridor_bottlenecks(net, s);
  if (settings.events && options.events) {
    res.events = events::simulate(net, s, events::routes_from_assignment(net, res.freight, *settings.events), *settings.events);
    res.event_kpis = events::event_kpis(*res.events);
  }

  res.defaults = net.defaults_used();
  res.warnings = net.warnings();
  for (auto& w : saturation_warnings(net, res.kpis, res.events ? &*res.events : nullptr)) res.warnings.push_back(std::move(w));
  if (options.input_hashes)
    for (const auto& p : input_paths(s))
      if (fs::is_regular_file(p)) res.inputs.push_back({p.filename().string(), sha256_file(p)});
  res.scenario = std::move(s);
  res.network = std::move(net);
  return res;
}

std::vector<fs::path> input_paths(const scenario::Scenario& s) {
  std::vector<fs::path> out = s.input_files;
  for (const auto& p : {s.network.dataset, s.network.nodes, s.network.links})
    if (!p.empty()) out.push_back(p);
  for (const auto& a : s.additions)
    for (const auto& p : {a.dataset, a.nodes, a.links})
      if (!p.empty()) out.push_back(p);
  return out;
}

std::string sha256_file(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file.string(), "", "cannot read file to hash");
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  char buf[1 << 16];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) EVP_DigestUpdate(ctx.get(), buf, static_cast<std::size_t>(in.gcount()));
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &len);
  std::ostringstream hex;
  for (unsigned int i = 0; i < len; ++i) hex << std::hex << std::setw(2) << std::setfill('0') << static_cast<int>(digest[i]);
  return hex.str();
}

}  // namespace corridor::run
