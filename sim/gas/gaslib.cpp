#include "sim/gas/gaslib.hpp"

#include <cmath>
#include <cstring>
#include <map>

#include "geo/error.hpp"
#include "sim/gas/gaslib_units.hpp"
#include "sim/gas/gaslib_xml.hpp"
#include "sim/gas/slack_rule.hpp"

namespace corridor::gas {

using detail::child;
using detail::local_name;
using detail::open_gaslib_root;
using Reader = detail::GasLibXmlReader;
using tinyxml2::XMLElement;

GasNetwork read_gaslib(const std::filesystem::path& net_file, const std::filesystem::path& scn_file,
                       const GasLibOptions& options) {
  using Q = GasLibQuantity;
  GasNetwork net;
  net.friction = options.friction;
  net.coordinates_note = "GasLib x/y: plane coordinates of the GasLib drawing, kept as given (no geographic CRS)";
  ProblemList problems;

  tinyxml2::XMLDocument net_doc;
  const auto* root = open_gaslib_root(net_doc, net_file);
  Reader r(net_file.string(), problems);
  const auto* nodes = child(root, "nodes");
  const auto* connections = child(root, "connections");
  if (!nodes || !connections) throw InputError(net_file.string(), "", "no <framework:nodes> or <framework:connections>");

  std::map<std::string, std::size_t> index;
  bool gas_set = false;
  for (const auto* e = nodes->FirstChildElement(); e; e = e->NextSiblingElement()) {
    const auto kind = local_name(e);
    if (kind != "source" && kind != "sink" && kind != "innode") {
      problems.add(r.file(), "<" + std::string(kind) + ">", "unknown node element (expected source, sink or innode)");
      continue;
    }
    const std::string id = r.id(e);
    const std::string where = std::string(kind) + " '" + id + "'";
    if (index.count(id)) {
      problems.add(r.file(), where, "duplicate node id");
      continue;
    }
    Node n;
    n.id = id;
    n.entry = kind == "source";
    n.flow_nominated = true;  // a nomination gives every node's flow (absent from it: zero)
    e->QueryDoubleAttribute("x", &n.x);
    e->QueryDoubleAttribute("y", &n.y);
    n.height_m = r.quantity(e, "height", where, Q::length).value_or(0.0);
    n.pressure_min_pa = r.quantity(e, "pressureMin", where, Q::pressure);
    n.pressure_max_pa = r.quantity(e, "pressureMax", where, Q::pressure);
    if (kind == "source" && !gas_set) {
      gas_set = true;
      net.gas.law = options.law;
      net.gas.viscosity_pa_s = options.viscosity_pa_s;
      if (auto rho = r.quantity(e, "normDensity", where, Q::density)) net.gas.normal_density_kg_per_m3 = *rho;
      if (auto t = r.quantity(e, "gasTemperature", where, Q::temperature)) net.gas.temperature_k = *t;
      if (auto pc = r.quantity(e, "pseudocriticalPressure", where, Q::pressure)) net.gas.pseudocritical_pressure_pa = *pc;
      if (auto tc = r.quantity(e, "pseudocriticalTemperature", where, Q::temperature))
        net.gas.pseudocritical_temperature_k = *tc;
      if (auto hv = r.quantity(e, "calorificValue", where, Q::calorific_value))  // per standard m3
        net.gas.lower_heating_value_j_per_kg = *hv / net.gas.normal_density_kg_per_m3;
    }
    index[id] = net.nodes.size();
    net.nodes.push_back(std::move(n));
  }
  const double rho_n = net.gas.normal_density_kg_per_m3;
  /// A volumetric flow at standard conditions (or a mass flow) as kg/s.
  auto flow = [&](Reader& rd, const XMLElement* parent, std::string_view name, const std::string& where) -> std::optional<double> {
    const auto* c = child(parent, name);
    if (!c) return std::nullopt;
    const char* u = c->Attribute("unit");
    if (u && gaslib_to_si(1.0, u, Q::mass_flow)) return rd.value_of(c, name, where, Q::mass_flow);
    const auto v = rd.value_of(c, name, where, Q::volumetric_flow);
    return v ? std::optional<double>(*v * rho_n) : std::nullopt;
  };

  auto ends = [&](const XMLElement* e, const std::string& where) -> std::optional<std::pair<std::size_t, std::size_t>> {
    const char* from = e->Attribute("from");
    const char* to = e->Attribute("to");
    if (!from || !to) {
      problems.add(r.file(), where, "needs from and to");
      return std::nullopt;
    }
    const auto f = index.find(from), t = index.find(to);
    if (f == index.end() || t == index.end()) {
      problems.add(r.file(), where, std::string("refers to an unknown node '") + (f == index.end() ? from : to) + "'");
      return std::nullopt;
    }
    return std::make_pair(f->second, t->second);
  };

  for (const auto* e = connections->FirstChildElement(); e; e = e->NextSiblingElement()) {
    const auto kind = local_name(e);
    const std::string id = r.id(e);
    const std::string where = std::string(kind) + " '" + id + "'";
    const auto fe = ends(e, where);
    if (!fe) continue;
    const auto [from, to] = *fe;
    if (kind == "pipe") {
      const auto length = r.required(e, "length", where, Q::length);
      const auto diameter = r.required(e, "diameter", where, Q::length);
      const auto roughness = r.required(e, "roughness", where, Q::length);
      if (!length || !diameter || !roughness) continue;
      const auto i = net.add_pipe(id, from, to, *length, *diameter, *roughness);
      net.pipes[i].pressure_max_pa = r.quantity(e, "pressureMax", where, Q::pressure);
    } else if (kind == "resistor") {
      // Either a drag factor (zeta: p1^2 - p2^2 = zeta Z R T / A^2 m|m|) or a fixed pressure loss.
      const auto diameter = r.quantity(e, "diameter", where, Q::length);
      const auto drag = r.quantity(e, "dragFactor", where, Q::dimensionless);
      const auto loss = r.quantity(e, "pressureLoss", where, Q::pressure);
      // A pressure loss is a difference: "barg" adds no offset to it.
      const auto* loss_e = child(e, "pressureLoss");
      const double loss_pa = loss && loss_e->Attribute("unit") && std::strcmp(loss_e->Attribute("unit"), "barg") == 0
                                 ? *loss - standard_pressure_pa
                                 : loss.value_or(0.0);
      if (drag && *drag > 0.0) {
        if (!diameter) {
          problems.add(r.file(), where, "a resistor with a dragFactor needs its <diameter>");
          continue;
        }
        const auto i = net.add_pipe(id, from, to, 0.0, *diameter, 0.0);
        net.pipes[i].loss_coefficient = *drag;
      } else if (loss && loss_pa > 0.0) {
        const auto v = net.add_valve(id, from, to, ValveKind::loss_resistor);
        net.valves[v].control = ValveControl::pressure_drop;
        net.valves[v].setpoint_pa = loss_pa;
        net.valves[v].optimise = false;
      } else if (drag || loss) {
        net.add_valve(id, from, to, ValveKind::short_pipe);  // no loss at all: an ideal connection
      } else {
        problems.add(r.file(), where, "a resistor needs a <dragFactor> or a <pressureLoss>");
      }
    } else if (kind == "shortPipe" || kind == "heatExchanger") {
      net.add_valve(id, from, to, ValveKind::short_pipe);  // a heat exchanger: no pressure loss (isothermal model)
    } else if (kind == "valve") {
      net.add_valve(id, from, to, ValveKind::valve);
    } else if (kind == "controlValve") {
      const auto v = net.add_valve(id, from, to, ValveKind::control_valve);
      auto& cv = net.valves[v];
      cv.pressure_drop_min_pa = std::max(0.0, r.quantity(e, "pressureDifferentialMin", where, Q::pressure).value_or(0.0));
      cv.pressure_drop_max_pa = r.quantity(e, "pressureDifferentialMax", where, Q::pressure);
      cv.pressure_in_min_pa = r.quantity(e, "pressureInMin", where, Q::pressure);
      cv.pressure_out_max_pa = r.quantity(e, "pressureOutMax", where, Q::pressure);
      cv.flow_max_kg_per_s = flow(r, e, "flowMax", where);
      // A regulator with a fixed set point (pressureSet) is active on it; otherwise the optimiser sets it.
      if (const auto set = r.quantity(e, "pressureSet", where, Q::pressure)) {
        cv.control = ValveControl::outlet_pressure;
        cv.setpoint_pa = *set;
        cv.optimise = false;
      }
    } else if (kind == "compressorStation") {
      const auto out = r.required(e, "pressureOutMax", where, Q::pressure);
      if (!out) continue;
      const auto c = net.add_compressor(id, from, to, CompressorMode::outlet_pressure, *out);
      auto& cs = net.compressors[c];
      cs.pressure_out_max_pa = out;
      cs.pressure_in_min_pa = r.quantity(e, "pressureInMin", where, Q::pressure);
      const auto fmin = flow(r, e, "flowMin", where);
      if (fmin && *fmin > 0.0) cs.flow_min_kg_per_s = fmin;
      cs.flow_max_kg_per_s = flow(r, e, "flowMax", where);
    } else {
      problems.add(r.file(), where, "unknown element <" + std::string(kind) + ">");
    }
  }
  problems.throw_if_any();

  // Scenario.
  tinyxml2::XMLDocument scn_doc;
  const auto* scn_root = open_gaslib_root(scn_doc, scn_file);
  Reader s(scn_file.string(), problems);
  const auto* scenario = child(scn_root, "scenario");
  if (!scenario) throw InputError(scn_file.string(), "", "no <scenario>");
  for (const auto* e = scenario->FirstChildElement(); e; e = e->NextSiblingElement()) {
    if (local_name(e) != "node") continue;
    const std::string id = s.id(e);
    const std::string where = "node '" + id + "'";
    const auto it = index.find(id);
    if (it == index.end()) {
      problems.add(s.file(), where, "is not in the network file " + net_file.string());
      continue;
    }
    const char* type = e->Attribute("type");
    const bool entry = type && std::strcmp(type, "entry") == 0;
    if (type && !entry && std::strcmp(type, "exit") != 0) {
      problems.add(s.file(), where, std::string("has type '") + type + "' (expected entry or exit)");
      continue;
    }
    std::optional<double> flow_lo, flow_hi, p_lo, p_hi;
    for (const auto* b = e->FirstChildElement(); b; b = b->NextSiblingElement()) {
      const auto name = local_name(b);
      const char* bound = b->Attribute("bound");
      if (!bound) {
        problems.add(s.file(), where, "<" + std::string(name) + "> needs bound and value");
        continue;
      }
      const bool lower = std::strcmp(bound, "lower") == 0;
      const bool both = std::strcmp(bound, "both") == 0;
      if (!lower && !both && std::strcmp(bound, "upper") != 0) {
        problems.add(s.file(), where, "<" + std::string(name) + "> has bound '" + bound + "' (expected lower, upper or both)");
        continue;
      }
      std::optional<double> v;
      if (name == "flow") {
        const char* u = b->Attribute("unit");
        if (u && gaslib_to_si(1.0, u, Q::mass_flow)) {
          v = s.value_of(b, name, where, Q::mass_flow);
        } else if (const auto q = s.value_of(b, name, where, Q::volumetric_flow)) {
          v = *q * rho_n;
        }
        if (!v) continue;
        if (lower || both) flow_lo = v;
        if (!lower || both) flow_hi = v;
      } else if (name == "pressure") {
        v = s.value_of(b, name, where, Q::pressure);
        if (!v) continue;
        if (lower || both) p_lo = v;
        if (!lower || both) p_hi = v;
      }
    }
    auto& node = net.nodes[it->second];
    if (flow_lo || flow_hi) {
      // One bound alone (lower or upper) is the nomination; both: their mean, the range kept for the optimiser.
      const double lo = flow_lo ? *flow_lo : *flow_hi;
      const double hi = flow_hi ? *flow_hi : *flow_lo;
      if (lo > hi) {
        problems.add(s.file(), where, "its lower flow bound is above its upper bound");
        continue;
      }
      const double m = (lo + hi) / 2.0;
      node.injection_kg_per_s = entry ? m : -m;
      if (lo < hi) {
        node.injection_min_kg_per_s = entry ? lo : -hi;
        node.injection_max_kg_per_s = entry ? hi : -lo;
      }
    }
    // Pressure bounds of the nomination narrow the node's own; equal bounds hold the pressure.
    if (p_lo) node.pressure_min_pa = node.pressure_min_pa ? std::max(*node.pressure_min_pa, *p_lo) : *p_lo;
    if (p_hi) node.pressure_max_pa = node.pressure_max_pa ? std::min(*node.pressure_max_pa, *p_hi) : *p_hi;
    if (p_lo && p_hi && *p_lo == *p_hi) node.pressure_set_pa = *p_lo;
  }
  problems.throw_if_any();
  if (options.slack_node) {
    const auto it = index.find(*options.slack_node);
    if (it == index.end())
      throw InputError(scn_file.string(), "node '" + *options.slack_node + "'", "slack node is not in the network");
    auto& n = net.nodes[it->second];
    const auto p = options.slack_pressure_pa ? options.slack_pressure_pa : n.pressure_max_pa;
    if (!p) throw InputError(net_file.string(), "node '" + *options.slack_node + "'", "slack node has no pressureMax");
    n.pressure_set_pa = *p;
  }
  const auto choice = assign_slack_nodes(net);
  if (choice.problem == SlackChoice::Problem::no_entry)
    throw InputError(scn_file.string(), "", "no entry nomination and no pressure nomination: no slack node");
  if (choice.problem == SlackChoice::Problem::no_pressure_max)
    throw InputError(net_file.string(), "node '" + net.nodes[*choice.entry].id + "'", "slack node has no pressureMax");
  if (options.slack_pressure_pa && !options.slack_node)
    for (auto i : choice.added) net.nodes[i].pressure_set_pa = options.slack_pressure_pa;
  net.validate(net_file.string());
  return net;
}

}  // namespace corridor::gas
