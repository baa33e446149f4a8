#include "sim/gas/model.hpp"

#include <cmath>
#include <unordered_set>

#include "geo/error.hpp"
#include "sim/gas/element_lookup.hpp"

namespace corridor::gas {


std::optional<std::size_t> GasNetwork::find_node(std::string_view id) const { return find_by_id(nodes, id); }
std::optional<std::size_t> GasNetwork::find_pipe(std::string_view id) const { return find_by_id(pipes, id); }
std::optional<std::size_t> GasNetwork::find_compressor(std::string_view id) const {
  return find_by_id(compressors, id);
}
std::optional<std::size_t> GasNetwork::find_valve(std::string_view id) const { return find_by_id(valves, id); }

std::size_t GasNetwork::add_node(std::string id, double injection_kg_per_s) {
  Node n;
  n.id = std::move(id);
  n.injection_kg_per_s = injection_kg_per_s;
  nodes.push_back(std::move(n));
  return nodes.size() - 1;
}

std::size_t GasNetwork::add_pipe(std::string id, std::size_t from, std::size_t to, double length_m, double diameter_m,
                                 double roughness_m) {
  Pipe p;
  p.id = std::move(id);
  p.from = from;
  p.to = to;
  p.length_m = length_m;
  p.diameter_m = diameter_m;
  p.roughness_m = roughness_m;
  pipes.push_back(std::move(p));
  return pipes.size() - 1;
}

std::size_t GasNetwork::add_compressor(std::string id, std::size_t from, std::size_t to, CompressorMode mode,
                                       double setting) {
  Compressor c;
  c.id = std::move(id);
  c.from = from;
  c.to = to;
  c.mode = mode;
  if (mode == CompressorMode::ratio) c.ratio = setting;
  else c.outlet_pressure_pa = setting;
  compressors.push_back(std::move(c));
  return compressors.size() - 1;
}

std::size_t GasNetwork::add_valve(std::string id, std::size_t from, std::size_t to, ValveKind kind, bool open) {
  Valve v;
  v.id = std::move(id);
  v.from = from;
  v.to = to;
  v.kind = kind;
  v.open = open;
  valves.push_back(std::move(v));
  return valves.size() - 1;
}

void GasNetwork::validate(const std::string& source) const {
  ProblemList problems;
  auto where = [](std::string_view kind, const std::string& id) { return std::string(kind) + " '" + id + "'"; };
  std::unordered_set<std::string> ids;
  for (const auto& n : nodes) {
    if (!ids.insert(n.id).second) problems.add(source, where("node", n.id), "duplicate node id");
    if (n.pressure_set_pa && !positive_finite(*n.pressure_set_pa))
      problems.add(source, where("node", n.id), "set pressure must be positive (absolute Pa)");
    if (!std::isfinite(n.injection_kg_per_s)) problems.add(source, where("node", n.id), "injection is not finite");
  }
  auto check_ends = [&](std::string_view kind, const std::string& id, std::size_t from, std::size_t to) {
    if (from >= nodes.size() || to >= nodes.size())
      problems.add(source, where(kind, id), "refers to a node that does not exist");
    else if (from == to)
      problems.add(source, where(kind, id), "starts and ends at the same node '" + nodes[from].id + "'");
  };
  for (const auto& p : pipes) {
    check_ends("pipe", p.id, p.from, p.to);
    if (!positive_finite(p.diameter_m)) problems.add(source, where("pipe", p.id), "diameter must be positive");
    if (!(p.length_m >= 0.0) || !std::isfinite(p.length_m))
      problems.add(source, where("pipe", p.id), "length must be zero or positive");
    if (p.length_m == 0.0 && p.loss_coefficient <= 0.0)
      problems.add(source, where("pipe", p.id), "a pipe of zero length needs a loss coefficient (else use a short pipe)");
    if (!(p.roughness_m >= 0.0)) problems.add(source, where("pipe", p.id), "roughness must be zero or positive");
    if (friction == FrictionModel::nikuradse && p.roughness_m <= 0.0 && !p.friction_factor && p.length_m > 0.0)
      problems.add(source, where("pipe", p.id), "the Nikuradse law needs a positive roughness");
    if (p.friction_factor && !positive_finite(*p.friction_factor))
      problems.add(source, where("pipe", p.id), "friction factor must be positive");
    if (!positive_finite(p.efficiency) || p.efficiency > 1.0)
      problems.add(source, where("pipe", p.id), "efficiency must be in (0, 1]");
  }
  for (const auto& c : compressors) {
    check_ends("compressor", c.id, c.from, c.to);
    if (c.mode == CompressorMode::ratio && !positive_finite(c.ratio))
      problems.add(source, where("compressor", c.id), "ratio must be positive");
    if (c.mode == CompressorMode::outlet_pressure && !positive_finite(c.outlet_pressure_pa))
      problems.add(source, where("compressor", c.id), "outlet pressure must be positive (absolute Pa)");
    if (!positive_finite(c.isentropic_efficiency) || c.isentropic_efficiency > 1.0)
      problems.add(source, where("compressor", c.id), "efficiency must be in (0, 1]");
  }
  for (const auto& v : valves) {
    check_ends("valve", v.id, v.from, v.to);
    if (v.control != ValveControl::none && v.kind != ValveKind::control_valve && v.kind != ValveKind::loss_resistor)
      problems.add(source, where("valve", v.id), "only a control valve can hold a set point");
    if (v.kind == ValveKind::loss_resistor && v.control != ValveControl::pressure_drop)
      problems.add(source, where("valve", v.id), "a loss resistor needs its pressure loss");
    if (v.control == ValveControl::outlet_pressure && !positive_finite(v.setpoint_pa))
      problems.add(source, where("valve", v.id), "outlet pressure must be positive (absolute Pa)");
    if (v.control == ValveControl::pressure_drop && !(v.setpoint_pa >= 0.0 && std::isfinite(v.setpoint_pa)))
      problems.add(source, where("valve", v.id), "pressure drop must be zero or positive");
  }
  if (!positive_finite(gas.normal_density_kg_per_m3) || !positive_finite(gas.temperature_k) ||
      !positive_finite(gas.viscosity_pa_s))
    problems.add(source, "gas", "normal density, temperature and viscosity must be positive");
  problems.throw_if_any();
}

double ambient_pressure_pa(double height_m) {
  return standard_pressure_pa * std::pow(1.0 - height_m * 0.0065 / 288.15, 5.255);
}

}  // namespace corridor::gas
