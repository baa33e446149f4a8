// sim/gas against the exact steady states of LANL's GasSteadySim.jl (kaarthiksundar/GasSteadySim.jl,
// test/data, BSD-3-Clause): the 8-node network and GasLib-24 for the ideal gas law and the simple and
// full CNGA laws, read from ../shared/data/gas/gassteadysim.
//
// How the reference models its elements, matched here: pipes have a given Darcy friction factor and no
// elevation; the gas constant is R / (G M_air) with R = 8.314 and M_air = 0.02896; compressors and
// control valves hold p_out = ratio p_in (bc.json, control_type 0); short pipes and the resistor of
// GasLib-24 are pass-through connections in the version that produced these solutions (its resistor
// nodes carry equal pressures), so they become open valves here.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "sim/gas/solver.hpp"

using namespace corridor;
using namespace corridor::gas;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {
const fs::path gss_dir = fs::path(CORRIDOR_SHARED_DATA_DIR) / "gas" / "gassteadysim";

json read_json(const fs::path& p) {
  std::ifstream in(p);
  return json::parse(in);
}

// Both spellings of the files: "fr_node"/"from_node", "id"/"pipe_id"...
std::string from_of(const json& e) { return std::to_string((e.contains("fr_node") ? e["fr_node"] : e["from_node"]).get<int>()); }
std::string to_of(const json& e) { return std::to_string(e["to_node"].get<int>()); }

double param(const json& params, const std::string& starts_with) {
  for (const auto& [k, v] : params["params"].items())
    if (k.rfind(starts_with, 0) == 0) return v.get<double>();
  throw std::runtime_error("no parameter " + starts_with);
}

GasNetwork read_gassteadysim(const fs::path& dir, GasLaw law) {
  const auto network = read_json(dir / "network.json");
  const auto params = read_json(dir / "params.json");
  const auto bc = read_json(dir / "bc.json");
  GasNetwork net;
  net.gas = Gas::from_specific_gravity(param(params, "Gas specific gravity"), param(params, "Temperature"));
  net.gas.law = law;
  net.friction = FrictionModel::fixed;
  for (const auto& [key, n] : network["nodes"].items()) net.add_node(key);
  auto node = [&](const std::string& id) { return *net.find_node(id); };
  for (const auto& [key, p] : bc["boundary_pslack"].items()) net.nodes[node(key)].pressure_set_pa = p.get<double>();
  for (const auto& [key, q] : bc["boundary_nonslack_flow"].items())
    net.nodes[node(key)].injection_kg_per_s = -q.get<double>();  // the file gives withdrawals
  for (const auto& [key, p] : network["pipes"].items()) {
    const auto i = net.add_pipe(key, node(from_of(p)), node(to_of(p)), p["length"].get<double>(),
                                p["diameter"].get<double>());
    net.pipes[i].friction_factor = p["friction_factor"].get<double>();
  }
  for (const auto& [key, c] : network["compressors"].items())
    net.add_compressor(key, node(from_of(c)), node(to_of(c)), CompressorMode::ratio,
                       bc["boundary_compressor"][key]["value"].get<double>());
  if (network.contains("control_valves"))
    for (const auto& [key, c] : network["control_valves"].items())
      net.add_compressor("cv" + key, node(from_of(c)), node(to_of(c)), CompressorMode::ratio,
                         bc["boundary_control_valve"][key]["value"].get<double>());
  for (const char* kind : {"short_pipes", "resistors", "valves"})
    if (network.contains(kind))
      for (const auto& [key, e] : network[kind].items())
        net.add_valve(std::string(kind) + key, node(from_of(e)), node(to_of(e)),
                      std::string(kind) == "short_pipes" ? ValveKind::short_pipe : ValveKind::valve);
  return net;
}

struct Errors {
  double p_rel = 0.0, flow_rel = 0.0;
};

Errors compare(const GasNetwork& net, const Solution& s, const json& exact) {
  Errors e;
  for (const auto& [key, p] : exact["nodal_pressure"].items()) {
    const auto i = *net.find_node(key);
    e.p_rel = std::max(e.p_rel, std::abs(s.pressure_pa[i] / p.get<double>() - 1.0));
  }
  for (const auto& [key, m] : exact["pipe_flow"].items()) {
    const auto i = *net.find_pipe(key);
    e.flow_rel = std::max(e.flow_rel, std::abs(s.pipes[i].flow_kg_per_s / m.get<double>() - 1.0));
  }
  for (const auto& [key, m] : exact["compressor_flow"].items()) {
    const auto i = *net.find_compressor(key);
    e.flow_rel = std::max(e.flow_rel, std::abs(s.compressors[i].flow_kg_per_s / m.get<double>() - 1.0));
  }
  return e;
}
}  // namespace

TEST_CASE("GasSteadySim exact solutions are reproduced for the ideal, simple CNGA and full CNGA laws",
          "[gas][gassteadysim]") {
  if (!fs::exists(gss_dir)) {
    WARN("reference data folder " << gss_dir << " is absent: GasSteadySim comparison skipped");
    return;
  }
  const std::pair<GasLaw, const char*> laws[] = {
      {GasLaw::ideal, "ideal"}, {GasLaw::cnga_simple, "simple_cnga"}, {GasLaw::cnga_full, "full_cnga"}};
  for (const char* name : {"8-node", "GasLib-24"}) {
    for (const auto& [law, file] : laws) {
      const auto net = read_gassteadysim(gss_dir / name, law);
      const auto exact = read_json(gss_dir / name / (std::string("exact_sol_") + file + ".json"));
      const auto s = solve(net);
      const auto e = compare(net, s, exact);
      if (std::getenv("CORRIDOR_GAS_VERBOSE"))
        std::printf("%-10s %-12s p_rel %.2e  flow_rel %.2e  (%d iterations)\n", name, file, e.p_rel, e.flow_rel,
                    s.iterations);
      INFO(name << " " << file);
      CHECK(e.p_rel < 1e-4);
      CHECK(e.flow_rel < 1e-4);
    }
  }
}
