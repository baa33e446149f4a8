#include "sim/gas/gaslib.hpp"

#include <tinyxml2.h>

#include <cstring>
#include <fstream>
#include <iterator>
#include <map>

#include "geo/error.hpp"
#include "geo/text.hpp"

namespace corridor::gas {

namespace {

using tinyxml2::XMLElement;

/// Local name of an element: "framework:nodes" -> "nodes".
std::string_view local_name(const XMLElement* e) {
  std::string_view n = e->Name();
  const auto colon = n.find(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

const XMLElement* child(const XMLElement* parent, std::string_view name) {
  for (auto* c = parent->FirstChildElement(); c; c = c->NextSiblingElement())
    if (local_name(c) == name) return c;
  return nullptr;
}

class Reader {
public:
  Reader(std::string file, ProblemList& problems) : file_(std::move(file)), problems_(problems) {}

  /// A <name value=".." unit=".."/> child converted to SI; nullopt when absent.
  std::optional<double> quantity(const XMLElement* parent, std::string_view name, const std::string& where) {
    const auto* c = child(parent, name);
    if (!c) return std::nullopt;
    double v = 0.0;
    if (c->QueryDoubleAttribute("value", &v) != tinyxml2::XML_SUCCESS) {
      problems_.add(file_, where, "<" + std::string(name) + "> has no numeric value");
      return std::nullopt;
    }
    const char* unit_attr = c->Attribute("unit");
    const std::string unit = unit_attr ? unit_attr : "";
    if (unit.empty() || unit == "m" || unit == "kg_per_m_cube" || unit == "K" || unit == "W_per_m_square_per_K")
      return v;
    if (unit == "km") return v * 1000.0;
    if (unit == "mm") return v / 1000.0;
    if (unit == "bar") return v * pa_per_bar;
    if (unit == "Celsius") return v + 273.15;
    if (unit == "1000m_cube_per_hour") return v * 1000.0 / 3600.0;  // standard m3/s
    if (unit == "kg_per_kmol") return v / 1000.0;
    if (unit == "MJ_per_m_cube") return v * 1e6;
    problems_.add(file_, where, "<" + std::string(name) + "> has an unknown unit '" + unit + "'");
    return std::nullopt;
  }
  std::optional<double> required(const XMLElement* parent, std::string_view name, const std::string& where) {
    auto v = quantity(parent, name, where);
    if (!v && !child(parent, name)) problems_.add(file_, where, "<" + std::string(name) + "> is missing");
    return v;
  }
  std::string id(const XMLElement* e) {
    const char* a = e->Attribute("id");
    if (!a) problems_.add(file_, "<" + std::string(local_name(e)) + ">", "has no id");
    return a ? a : "";
  }
  const std::string& file() const { return file_; }
  ProblemList& problems() { return problems_; }

private:
  std::string file_;
  ProblemList& problems_;
};

const XMLElement* open_root(tinyxml2::XMLDocument& doc, const std::filesystem::path& path) {
  // tinyxml2 takes any bytes; text that is not UTF-8 would end up in the GeoJSON of an import.
  std::ifstream in(path, std::ios::binary);
  const std::string text{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  if (const auto bad = geo::first_invalid_utf8(text))
    throw InputError(path.string(), "line " + std::to_string(geo::line_of_offset(text, *bad)), geo::invalid_utf8_message(text, *bad));
  if (doc.LoadFile(path.string().c_str()) != tinyxml2::XML_SUCCESS)
    throw InputError(path.string(), "", std::string("cannot read XML: ") + doc.ErrorStr());
  if (doc.RootElement() == nullptr) throw InputError(path.string(), "", "holds no XML element");
  return doc.RootElement();
}

}  // namespace

GasNetwork read_gaslib(const std::filesystem::path& net_file, const std::filesystem::path& scn_file,
                       const GasLibOptions& options) {
  GasNetwork net;
  net.friction = options.friction;
  net.coordinates_note = "GasLib x/y: plane coordinates of the GasLib drawing, kept as given (no geographic CRS)";
  ProblemList problems;

  tinyxml2::XMLDocument net_doc;
  const auto* root = open_root(net_doc, net_file);
  Reader r(net_file.string(), problems);
  const auto* nodes = child(root, "nodes");
  const auto* connections = child(root, "connections");
  if (!nodes || !connections) throw InputError(net_file.string(), "", "no <framework:nodes> or <framework:connections>");

  std::map<std::string, std::size_t> index;
  std::map<std::string, double> node_pressure_max;
  bool gas_set = false;
  for (const auto* e = nodes->FirstChildElement(); e; e = e->NextSiblingElement()) {
    const auto kind = local_name(e);
    if (kind != "source" && kind != "sink" && kind != "innode") continue;
    const std::string id = r.id(e);
    const std::string where = std::string(kind) + " '" + id + "'";
    if (index.count(id)) {
      problems.add(r.file(), where, "duplicate node id");
      continue;
    }
    Node n;
    n.id = id;
    e->QueryDoubleAttribute("x", &n.x);
    e->QueryDoubleAttribute("y", &n.y);
    n.height_m = r.quantity(e, "height", where).value_or(0.0);
    n.pressure_min_pa = r.quantity(e, "pressureMin", where);
    n.pressure_max_pa = r.quantity(e, "pressureMax", where);
    if (n.pressure_max_pa) node_pressure_max[id] = *n.pressure_max_pa;
    if (kind == "source" && !gas_set) {
      gas_set = true;
      net.gas.law = options.law;
      net.gas.viscosity_pa_s = options.viscosity_pa_s;
      if (auto rho = r.quantity(e, "normDensity", where)) net.gas.normal_density_kg_per_m3 = *rho;
      if (auto t = r.quantity(e, "gasTemperature", where)) net.gas.temperature_k = *t;
      if (auto pc = r.quantity(e, "pseudocriticalPressure", where)) net.gas.pseudocritical_pressure_pa = *pc;
      if (auto tc = r.quantity(e, "pseudocriticalTemperature", where)) net.gas.pseudocritical_temperature_k = *tc;
    }
    index[id] = net.nodes.size();
    net.nodes.push_back(std::move(n));
  }

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
      const auto length = r.required(e, "length", where);
      const auto diameter = r.required(e, "diameter", where);
      const auto roughness = r.required(e, "roughness", where);
      if (!length || !diameter || !roughness) continue;
      const auto i = net.add_pipe(id, from, to, *length, *diameter, *roughness);
      net.pipes[i].pressure_max_pa = r.quantity(e, "pressureMax", where);
    } else if (kind == "resistor") {
      const auto drag = r.required(e, "dragFactor", where);
      const auto diameter = r.required(e, "diameter", where);
      if (!drag || !diameter) continue;
      const auto i = net.add_pipe(id, from, to, 0.0, *diameter, 0.0);
      net.pipes[i].loss_coefficient = *drag;
    } else if (kind == "shortPipe") {
      net.add_valve(id, from, to, ValveKind::short_pipe);
    } else if (kind == "valve") {
      net.add_valve(id, from, to, ValveKind::valve);
    } else if (kind == "controlValve") {
      net.add_valve(id, from, to, ValveKind::control_valve);
    } else if (kind == "compressorStation") {
      const auto out = r.required(e, "pressureOutMax", where);
      if (!out) continue;
      net.add_compressor(id, from, to, CompressorMode::outlet_pressure, *out);
    } else {
      problems.add(r.file(), where, "unknown element <" + std::string(kind) + ">");
    }
  }
  problems.throw_if_any();

  // Scenario.
  tinyxml2::XMLDocument scn_doc;
  const auto* scn_root = open_root(scn_doc, scn_file);
  Reader s(scn_file.string(), problems);
  const auto* scenario = child(scn_root, "scenario");
  if (!scenario) throw InputError(scn_file.string(), "", "no <scenario>");
  std::optional<std::string> slack = options.slack_node;
  double largest_entry = -1.0;
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
    std::optional<double> flow_lo, flow_hi, p_lo, p_hi;
    for (const auto* b = e->FirstChildElement(); b; b = b->NextSiblingElement()) {
      const auto name = local_name(b);
      const char* bound = b->Attribute("bound");
      double v = 0.0;
      if (b->QueryDoubleAttribute("value", &v) != tinyxml2::XML_SUCCESS || !bound) {
        problems.add(s.file(), where, "<" + std::string(name) + "> needs bound and value");
        continue;
      }
      const char* unit = b->Attribute("unit");
      const std::string u = unit ? unit : "";
      const bool lower = std::strcmp(bound, "lower") == 0;
      const bool both = std::strcmp(bound, "both") == 0;
      if (!lower && !both && std::strcmp(bound, "upper") != 0) {
        problems.add(s.file(), where, "<" + std::string(name) + "> has bound '" + bound + "' (expected lower, upper or both)");
        continue;
      }
      if (name == "flow") {
        if (u != "1000m_cube_per_hour") problems.add(s.file(), where, "flow unit '" + u + "' is not 1000m_cube_per_hour");
        const double m = v * 1000.0 / 3600.0 * net.gas.normal_density_kg_per_m3;
        if (lower || both) flow_lo = m;
        if (!lower || both) flow_hi = m;
      } else if (name == "pressure") {
        if (u != "bar") problems.add(s.file(), where, "pressure unit '" + u + "' is not bar");
        if (lower || both) p_lo = pa_from_bar(v);
        if (!lower || both) p_hi = pa_from_bar(v);
      }
    }
    auto& node = net.nodes[it->second];
    if (flow_lo || flow_hi) {
      // One bound alone (lower or upper) is the nomination; both: their mean.
      const double lo = flow_lo ? *flow_lo : *flow_hi;
      const double hi = flow_hi ? *flow_hi : *flow_lo;
      const double m = (lo + hi) / 2.0;
      node.injection_kg_per_s = entry ? m : -m;
      if (entry && m > largest_entry && !options.slack_node) {
        largest_entry = m;
        if (!slack || !net.nodes[index[*slack]].pressure_set_pa) slack = id;
      }
    }
    if (p_lo && p_hi && *p_lo == *p_hi) node.pressure_set_pa = *p_lo;
  }
  problems.throw_if_any();
  bool any_slack = false;
  for (const auto& n : net.nodes) any_slack = any_slack || n.pressure_set_pa.has_value();
  if (!any_slack || options.slack_node) {
    if (!slack) throw InputError(scn_file.string(), "", "no entry nomination and no pressure nomination: no slack node");
    const auto it = index.find(*slack);
    if (it == index.end()) throw InputError(scn_file.string(), "node '" + *slack + "'", "slack node is not in the network");
    auto& n = net.nodes[it->second];
    const auto p = options.slack_pressure_pa ? options.slack_pressure_pa : n.pressure_max_pa;
    if (!p) throw InputError(net_file.string(), "node '" + *slack + "'", "slack node has no pressureMax");
    n.pressure_set_pa = *p;
  }
  net.validate(net_file.string());
  return net;
}

}  // namespace corridor::gas
