// Benchmark of the steady-state gas solver (sim/gas): solve time and Newton iterations from a flat
// start. Prints figures; asserts nothing about time.
//
// Cases:
//  - GasLib-24 (GasLib XML, ../shared/data/gas/gaslib): its nomination, slack at the largest entry.
//  - GasLib-4197 topology (../shared/data/gas/topology, edge list from mpimd-csc/morgen; no states).
//    Supplies and offtakes are assigned here: the four degree-one nodes at the end of the widest pipes
//    are entries held at 70 bar; every other degree-one node is an offtake of 0.3 kg/s (1294 offtakes,
//    388 kg/s, about 43 mcm/day); the 12 compressors run on outlet pressure control at 70 bar with
//    bypass, valves and short pipes are open except the bypass valves of the two stations that a path
//    of valves and short pipes would short-circuit; pipe heights are the given height differences.
//    Gas: specific gravity 0.6 at 283.15 K, Papay law, Colebrook-White friction.
//  - Optimisation (optimizer.hpp, objective compressor_power), time of optimise() alone (reading excluded):
//    GasLib-134: every one of its 1,234 nominations (GasLib-134.zip unzipped to a temporary folder),
//    median and worst. GasLib-4197 size: the topology above with its 12 stations, its 546 valves (open
//    or closed) and every 25th valve that no station bypass uses made a control valve (pressure drop
//    1 to 60 bar; 21 of them) left to the optimiser; every node's pressure in 20 to 80 bar, the four
//    entries free in 40 to 70 bar, station ratio at most 1.6; Nikuradse friction (GasLib's law, twice
//    differentiable through zero flow, which the Colebrook laminar/turbulent switch is not).
#include <algorithm>
#include <cstdlib>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "geo/error.hpp"
#include "sim/gas/capacity.hpp"
#include "sim/gas/from_network.hpp"
#include "sim/run/load.hpp"
#include "sim/gas/gaslib.hpp"
#include "sim/gas/optimizer.hpp"
#include "sim/gas/solver.hpp"

using namespace corridor::gas;
namespace fs = std::filesystem;

namespace {

GasNetwork read_topology(const fs::path& file) {
  GasNetwork net;
  net.gas = Gas::from_specific_gravity(0.6, 283.15);
  net.gas.law = GasLaw::papay;
  net.friction = FrictionModel::colebrook_white;
  std::map<std::string, std::size_t> index;
  auto node = [&](const std::string& id) {
    const auto [it, added] = index.emplace(id, net.nodes.size());
    if (added) net.add_node(id);
    return it->second;
  };
  std::ifstream in(file);
  std::string line;
  int count = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> f;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) f.push_back(cell);
    if (f.size() < 3) continue;
    const auto a = node(f[1]), b = node(f[2]);
    const std::string id = f[0] + std::to_string(++count);
    if (f[0] == "P" && f.size() >= 7) {
      const auto p = net.add_pipe(id, a, b, std::stod(f[3]), std::stod(f[4]), std::stod(f[6]));
      net.pipes[p].height_change_m = std::stod(f[5]);
    } else if (f[0] == "S") {
      net.add_valve(id, a, b, ValveKind::short_pipe);
    } else if (f[0] == "V") {
      net.add_valve(id, a, b, ValveKind::valve);
    } else if (f[0] == "C") {
      net.add_compressor(id, a, b, CompressorMode::outlet_pressure, pa_from_bar(70));
    }
  }
  // Two stations (4187->4186, 4193->4192) have a path of valves and short pipes from inlet to outlet:
  // their bypass valves are closed, as when a station runs (else the station would short-circuit).
  for (const auto& c : net.compressors) {
    for (int round = 0; round < 10; ++round) {
      std::vector<long> via(net.nodes.size(), -1);  // valve index used to reach a node
      std::vector<bool> seen(net.nodes.size(), false);
      std::vector<std::size_t> stack{c.from};
      seen[c.from] = true;
      while (!stack.empty()) {
        const auto x = stack.back();
        stack.pop_back();
        for (std::size_t v = 0; v < net.valves.size(); ++v) {
          const auto& e = net.valves[v];
          if (!e.open || (e.from != x && e.to != x)) continue;
          const auto y = e.from == x ? e.to : e.from;
          if (seen[y]) continue;
          seen[y] = true;
          via[y] = static_cast<long>(v);
          stack.push_back(y);
        }
      }
      if (!seen[c.to]) break;
      bool closed = false;
      for (auto y = c.to; y != c.from;) {
        auto& e = net.valves[static_cast<std::size_t>(via[y])];
        if (e.kind == ValveKind::valve && !closed) {
          e.open = false;
          closed = true;
        }
        y = e.from == y ? e.to : e.from;
      }
      if (!closed) break;
    }
  }
  // Degree-one nodes and the diameter of the pipe that reaches them.
  std::vector<int> degree(net.nodes.size(), 0);
  std::vector<double> width(net.nodes.size(), 0.0);
  auto touch = [&](std::size_t n, double d) {
    ++degree[n];
    width[n] = std::max(width[n], d);
  };
  for (const auto& p : net.pipes) touch(p.from, p.diameter_m), touch(p.to, p.diameter_m);
  for (const auto& v : net.valves) touch(v.from, 0.0), touch(v.to, 0.0);
  for (const auto& c : net.compressors) touch(c.from, 0.0), touch(c.to, 0.0);
  std::vector<std::size_t> leaves;
  for (std::size_t i = 0; i < net.nodes.size(); ++i)
    if (degree[i] == 1) leaves.push_back(i);
  std::stable_sort(leaves.begin(), leaves.end(), [&](auto x, auto y) { return width[x] > width[y]; });
  for (std::size_t k = 0; k < leaves.size(); ++k) {
    if (k < 4) net.nodes[leaves[k]].pressure_set_pa = pa_from_bar(70);
    else net.nodes[leaves[k]].injection_kg_per_s = -0.3;
  }
  return net;
}

void run(const char* name, const GasNetwork& net, int repeats, SolverOptions options = {}) {
  std::vector<double> ms;
  Solution s;
  for (int r = 0; r < repeats; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    s = solve(net, options);
    const auto t1 = std::chrono::steady_clock::now();
    ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  int active = 0, bypass = 0;
  for (const auto& c : s.compressors) (c.state == CompressorState::bypass ? bypass : active) += 1;
  double pmin = 1e300, pmax = 0;
  for (double p : s.pressure_pa) pmin = std::min(pmin, p), pmax = std::max(pmax, p);
  std::printf("%-22s nodes %5zu  branches %5zu  solve %8.2f ms (median of %d, best %.2f)  Newton iterations %3d"
              "  state changes %d  residual %.1e  p %.2f..%.2f bar  compressors active %d bypass %d\n",
              name, net.nodes.size(), net.pipes.size() + net.valves.size() + net.compressors.size(),
              ms[ms.size() / 2], repeats, ms.front(), s.iterations, s.state_changes, s.residual_norm,
              bar_from_pa(pmin), bar_from_pa(pmax), active, bypass);
}

/// Prints the optimiser's time on a network (median of `repeats`) and what it chose.
void optimise_timed(const char* name, const GasNetwork& net, int repeats, const OptimizerOptions& options = {}) {
  std::vector<double> ms;
  OptimizationResult r;
  for (int k = 0; k < repeats; ++k) {
    const auto t0 = std::chrono::steady_clock::now();
    r = optimise(net, options);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  int active = 0, closed = 0, regulating = 0;
  for (const auto& st : r.stations) active += st.state == ControlState::active;
  for (std::size_t v = 0; v < r.valves.size(); ++v) {
    closed += r.valves[v].state == ControlState::closed;
    regulating += r.valves[v].state == ControlState::active && net.valves[v].kind == ValveKind::control_valve;
  }
  std::printf("%-22s optimise %8.1f ms (median of %d, best %.1f)  %s, power %.2f MW, %d NLP solves (%d Ipopt iterations);"
              " stations active %d, valves closed %d, control valves active %d; simulator agrees %.1e (p) %.1e (flow), largest flow difference %.2g kg/s\n",
              name, ms[ms.size() / 2], repeats, ms.front(), r.feasible ? "feasible" : "INFEASIBLE", r.objective_value / 1e6,
              r.nlp_solves, r.ipopt_iterations, active, closed, regulating, r.pressure_agreement, r.flow_agreement,
              r.flow_difference_kg_per_s);
  if (!r.feasible) std::printf("  %s\n", r.message.c_str());
}

/// The GasLib-4197 topology made a nomination-validation problem (header).
GasNetwork topology_for_optimisation(GasNetwork net) {
  // Valves that a station's bypass path uses (closed by read_topology) stay as they are.
  int count = 0;
  for (std::size_t v = 0; v < net.valves.size(); ++v) {
    auto& va = net.valves[v];
    if (va.kind != ValveKind::valve || !va.open) continue;
    if (count++ % 25 != 0) continue;
    va.kind = ValveKind::control_valve;
    va.pressure_drop_min_pa = pa_from_bar(1.0);
    va.pressure_drop_max_pa = pa_from_bar(60.0);
  }
  for (auto& n : net.nodes) {
    n.pressure_min_pa = pa_from_bar(n.pressure_set_pa ? 40.0 : 20.0);
    n.pressure_max_pa = pa_from_bar(n.pressure_set_pa ? 70.0 : 80.0);
    n.entry = n.pressure_set_pa.has_value();
  }
  for (auto& c : net.compressors) c.ratio_max = 1.6;
  net.friction = FrictionModel::nikuradse;  // GasLib's law: smooth through zero flow (docs/gas.md, "Optimiser")
  return net;
}

/// Every GasLib-134 nomination: optimise() time, median and worst, and the counts.
void gaslib134(const fs::path& zip) {
  const fs::path dir = fs::temp_directory_path() / "corridor-bench-gaslib134";
  fs::remove_all(dir);
  const std::string cmd = "unzip -q -o '" + zip.string() + "' -d '" + dir.string() + "'";
  if (std::system(cmd.c_str()) != 0) {
    std::printf("GasLib-134: cannot unzip %s\n", zip.c_str());
    return;
  }
  std::vector<fs::path> scns;
  for (const auto& e : fs::directory_iterator(dir / "Nominations-134-v2")) scns.push_back(e.path());
  std::sort(scns.begin(), scns.end());
  std::vector<double> ms;
  int feasible = 0, infeasible = 0, failed = 0, solves = 0;
  double worst_p = 0.0, worst_q = 0.0;
  std::string worst_day;
  for (const auto& scn : scns) {
    try {
      const auto net = read_gaslib(dir / "GasLib-134-v2.net", scn);
      const auto t0 = std::chrono::steady_clock::now();
      const auto r = optimise(net);
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
      if (ms.back() >= *std::max_element(ms.begin(), ms.end())) worst_day = scn.stem().string();
      (r.feasible ? feasible : infeasible) += 1;
      solves += r.nlp_solves;
      worst_p = std::max(worst_p, r.pressure_agreement);
      worst_q = std::max(worst_q, r.flow_agreement);
    } catch (const std::exception& e) {
      ++failed;
      std::printf("  %s: %s\n", scn.filename().c_str(), e.what());
    }
  }
  fs::remove_all(dir);
  std::vector<double> sorted = ms;
  std::sort(sorted.begin(), sorted.end());
  if (sorted.empty()) return;
  std::printf("GasLib-134 nominations %zu: feasible %d, infeasible %d, failed %d; optimise median %.1f ms, worst %.1f ms (%s),"
              " %.2f NLP solves on average; simulator agrees to %.1e (p), %.1e (flow)\n",
              scns.size(), feasible, infeasible, failed, sorted[sorted.size() / 2], sorted.back(), worst_day.c_str(),
              static_cast<double>(solves) / static_cast<double>(ms.size()), worst_p, worst_q);
}

}  // namespace

int main(int argc, char** argv) {
  const fs::path data = fs::path(CORRIDOR_SHARED_DATA_DIR) / "gas";
  // `bench_gas optimise`: the optimisation figures only; `bench_gas optimise-4197`: the GasLib-4197 size
  // alone (for profiling).
  const bool only_optimise = argc > 1 && std::string(argv[1]) == "optimise";
  const bool only_4197 = argc > 1 && std::string(argv[1]) == "optimise-4197";
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // a line at a time, also into a pipe
  try {
    if (only_4197) {
      const auto g4197 = topology_for_optimisation(read_topology(data / "topology/GasLib4197.net"));
      optimise_timed("GasLib-4197 size", g4197, 5);
      OptimizerOptions general;
      general.idle_first = false;
      optimise_timed("  without step 0", g4197, 5, general);
      return 0;
    }
    if (only_optimise) {
      const auto g24 = read_gaslib(data / "gaslib/GasLib-24/GasLib-24.net", data / "gaslib/GasLib-24/GasLib-24.scn");
      optimise_timed("GasLib-24", g24, 11);
      const auto g4197 = topology_for_optimisation(read_topology(data / "topology/GasLib4197.net"));
      optimise_timed("GasLib-4197 size", g4197, 5);
      OptimizerOptions general;
      general.idle_first = false;  // the relaxation and rounding, as when a station must run
      optimise_timed("  without step 0", g4197, 5, general);
      gaslib134(data / "gaslib/GasLib-134.zip");
      return 0;
    }
    {
      // The bundled corridor network (scenarios/network): the Central Asia-China pipeline (Lines A, B, C
      // operational, Line D planned and so out of service) and the Beineu-Bozoi-Shymkent line, built by
      // gas_network_from with its defaults (GLK, the largest source, held at its pressure_max_bar; the
      // stations on outlet pressure control at pressure_max_bar, capped at compressor_ratio_max).
      const fs::path dir = fs::path(CORRIDOR_SOURCE_DIR) / "scenarios" / "network";
      const auto network = corridor::run::load_network(
          std::vector<std::string>{(dir / "nodes.geojson").string(), (dir / "links.geojson").string()});
      const auto model = gas_network_from(network);
      // Capacity: the offtake at Horgos (HRG-G) and the fixed supplies scaled together; the slack
      // sources (GLK, BEY-G) supply the rest.
      ThroughputStudy study;
      const std::size_t horgos = model.node_of[*network.find_node("HRG-G")].value();
      for (std::size_t i = 0; i < model.gas.nodes.size(); ++i)
        if (!model.gas.nodes[i].pressure_set_pa && model.gas.nodes[i].injection_kg_per_s != 0.0) study.scaled_nodes.push_back(i);
      const auto t0 = std::chrono::steady_clock::now();
      const auto r = maximum_throughput(model.gas, study);
      const auto t1 = std::chrono::steady_clock::now();
      const double rho_n = model.gas.gas.normal_density_kg_per_m3;
      const double at_horgos = -model.gas.nodes[horgos].injection_kg_per_s * r.scale;
      std::printf("bundled pipeline max throughput at Horgos: %.1f kg/s = %.1f bcm/yr (scale %.3f, %d solves, %.1f ms); binding: %s\n",
                  at_horgos, bcm_per_year_from_kg_per_s(at_horgos, rho_n), r.scale, r.solves,
                  std::chrono::duration<double, std::milli>(t1 - t0).count(), r.binding.c_str());
      // Solve time from a flat start at the largest load share that converges from a flat start.
      for (double share : {std::min(r.scale, 1.0), 0.95, 0.9, 0.8, 0.7, 0.5}) {
        GasNetwork at = model.gas;
        for (auto i : study.scaled_nodes) at.nodes[i].injection_kg_per_s *= share;
        try {
          (void)solve(at);
        } catch (const corridor::SolverError& e) {
          std::printf("bundled pipeline at %.3f of the nominal load, flat start: %s\n", share, e.what());
          continue;
        }
        char label[64];
        std::snprintf(label, sizeof label, "bundled at %.3f load", share);
        run(label, at, 21);
        break;
      }
    }
    const auto g24 = read_gaslib(data / "gaslib/GasLib-24/GasLib-24.net", data / "gaslib/GasLib-24/GasLib-24.scn");
    run("GasLib-24", g24, 21);
    const auto g11 = read_gaslib(data / "gaslib/GasLib-11/GasLib-11.net", data / "gaslib/GasLib-11/GasLib-11.scn");
    run("GasLib-11", g11, 21);
    {
      // Capacity of GasLib-11's nomination: all exits scaled together; then N-1 over its pipes and
      // stations. Node pressure maxima are not counted: with the slack at entry01's 70 bar maximum and
      // the stations at their 70 bar outlet maximum, entry02 sits above its own maximum already in the
      // nomination (choosing the pressures is a nomination-validation problem, not a simulation).
      ThroughputStudy study;
      study.ignored = {Violation::Kind::pressure_above_max};
      const auto t0 = std::chrono::steady_clock::now();
      const auto r = maximum_throughput(g11, study);
      const auto t1 = std::chrono::steady_clock::now();
      std::printf("GasLib-11 max throughput: scale %.3f, %.1f kg/s to the exits (%d solves, %.1f ms); binding: %s\n",
                  r.scale, r.throughput_kg_per_s, r.solves, std::chrono::duration<double, std::milli>(t1 - t0).count(),
                  r.binding.c_str());
      for (const auto& c : n_minus_1(g11, study))
        std::printf("  N-1 %-30s deliverable %6.1f of %6.1f kg/s (scale %.3f, cut off %.1f kg/s); binding: %s\n",
                    c.element.c_str(), c.deliverable_kg_per_s, c.base_kg_per_s, c.throughput.scale,
                    c.islanded_kg_per_s, c.throughput.binding.substr(0, 90).c_str());
    }
    const auto g4197 = read_topology(data / "topology/GasLib4197.net");
    run("GasLib-4197 topology", g4197, 7);
    // Optimisation.
    gaslib134(data / "gaslib/GasLib-134.zip");
    optimise_timed("GasLib-24", g24, 11);
    optimise_timed("GasLib-4197 size", topology_for_optimisation(g4197), 5);
    OptimizerOptions general;
    general.idle_first = false;  // the relaxation and rounding, as when a station must run
    optimise_timed("  without step 0", topology_for_optimisation(g4197), 5, general);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_gas: %s\n", e.what());
    return 1;
  }
  return 0;
}
