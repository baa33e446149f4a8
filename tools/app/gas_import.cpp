#include "tools/app/gas_import.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <ostream>
#include <set>

#include "geo/input_file.hpp"
#include "geo/writer.hpp"
#include "sim/gas/gaslib.hpp"
#include "sim/gas/gaslib_cs.hpp"
#include "sim/gas/units.hpp"
#include "tools/app/output_folder.hpp"

namespace corridor::app {

namespace {

/// Full precision, so that the imported model is the GasLib model to the last digit that matters.
std::string exact(double x) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.15g", x);
  return buf;
}

/// A YAML key that needs no quoting, or a double-quoted one.
std::string yaml_key(const std::string& id) {
  const bool plain = !id.empty() && std::all_of(id.begin(), id.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
  if (plain) return id;
  std::string q = "\"";
  for (char c : id) q += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
  return q + "\"";
}

constexpr double km_per_degree = 111.32;  // along the equator and any meridian, near lon/lat (0, 0)

}  // namespace

int import_gaslib(const GasLibImportOptions& options, std::ostream& out) {
  namespace fs = std::filesystem;
  geo::check_input_file(options.network);
  geo::check_input_file(options.scenario);
  const gas::GasNetwork g = gas::read_gaslib(options.network, options.scenario);
  // The compressor-station data travels as the file itself, beside the scenario that names it; it is
  // read (and its stations matched to the network's) here so that a bad file fails the import.
  std::string cs_text, cs_name;
  if (!options.compressor_stations.empty()) {
    geo::check_input_file(options.compressor_stations);
    gas::GasNetwork check = g;
    gas::attach_compressor_stations(check, gas::read_gaslib_compressor_stations(options.compressor_stations),
                                    options.ambient_temperature_c);
    std::ifstream in(options.compressor_stations, std::ios::binary);
    cs_text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    cs_name = fs::path(options.compressor_stations).filename().string();
    if (cs_name == "nodes.geojson" || cs_name == "links.geojson" || cs_name == "scenario.yaml") cs_name = "stations.cs";
  }
  const double rho_n = g.gas.normal_density_kg_per_m3;

  // Plane placement: centred, scaled so that the drawn pipes have their total given length.
  double xmin = 1e300, xmax = -1e300, ymin = 1e300, ymax = -1e300;
  for (const auto& n : g.nodes) {
    xmin = std::min(xmin, n.x), xmax = std::max(xmax, n.x), ymin = std::min(ymin, n.y), ymax = std::max(ymax, n.y);
  }
  double drawn = 0.0, given_km = 0.0;
  for (const auto& p : g.pipes) {
    drawn += std::hypot(g.nodes[p.to].x - g.nodes[p.from].x, g.nodes[p.to].y - g.nodes[p.from].y);
    given_km += p.length_m / 1000.0;
  }
  double deg_per_unit = drawn > 0.0 && given_km > 0.0 ? given_km / drawn / km_per_degree : 0.01;
  const double extent = std::max(xmax - xmin, ymax - ymin);
  if (extent * deg_per_unit > 60.0) deg_per_unit = 60.0 / extent;  // stay well inside lon/lat bounds
  const double cx = (xmin + xmax) / 2.0, cy = (ymin + ymax) / 2.0;
  auto position = [&](double x, double y) { return geo::LonLat{(x - cx) * deg_per_unit, (y - cy) * deg_per_unit}; };

  std::vector<geo::Feature> nodes, links;
  std::vector<geo::LonLat> pos(g.nodes.size());
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    const auto& n = g.nodes[i];
    geo::Feature f;
    f.set("id", n.id);
    f.set("name", n.id);
    // Kind: the GasLib source/sink/innode (sources are the entries the slack rule may choose).
    f.set("kind", n.entry ? "gas_source" : n.injection_kg_per_s < 0.0 ? "gas_sink" : "junction");
    // The nomination as node attributes too, so that a slack node keeps its nominated flow (used by the
    // optimiser for slack nodes that do not take the balance; slack_rule.hpp, optimizer.hpp).
    f.set("flow_nominated", true);
    if (n.injection_kg_per_s > 0.0) f.set("supply_mcm_per_day", gas::mcm_per_day_from_kg_per_s(n.injection_kg_per_s, rho_n));
    if (n.injection_kg_per_s < 0.0) f.set("demand_mcm_per_day", gas::mcm_per_day_from_kg_per_s(-n.injection_kg_per_s, rho_n));
    f.set("height_m", n.height_m);
    if (n.pressure_min_pa) f.set("pressure_min_bar", gas::bar_from_pa(*n.pressure_min_pa));
    if (n.pressure_max_pa) f.set("pressure_max_bar", gas::bar_from_pa(*n.pressure_max_pa));
    f.set("gaslib_x", n.x);
    f.set("gaslib_y", n.y);
    pos[i] = position(n.x, n.y);
    f.geometry = geo::GeometryKind::point;
    f.points = {pos[i]};
    nodes.push_back(std::move(f));
  }
  std::set<std::string> ids;
  for (const auto& n : g.nodes) ids.insert(n.id);
  auto unique_id = [&](const std::string& id) {
    std::string candidate = id;
    for (int k = 2; ids.count(candidate); ++k) candidate = id + "#" + std::to_string(k);
    ids.insert(candidate);
    return candidate;
  };
  auto link = [&](const std::string& id, const std::string& from, const std::string& to, geo::LonLat a, geo::LonLat b) {
    geo::Feature f;
    f.set("id", unique_id(id));
    f.set("from", from);
    f.set("to", to);
    f.set("mode", "pipeline");
    f.set("directed", false);
    f.geometry = geo::GeometryKind::line_string;
    f.points = {a, b};
    return f;
  };
  double widest_mm = 0.0;
  for (const auto& p : g.pipes) widest_mm = std::max(widest_mm, p.diameter_m * 1000.0);
  if (widest_mm <= 0.0) widest_mm = 1000.0;

  for (const auto& p : g.pipes) {
    geo::Feature f = link(p.id, g.nodes[p.from].id, g.nodes[p.to].id, pos[p.from], pos[p.to]);
    f.set("diameter_mm", p.diameter_m * 1000.0);
    if (p.length_m > 0.0) {
      f.set("length_km", p.length_m / 1000.0);
      f.set("roughness_mm", p.roughness_m * 1000.0);
    } else {
      f.set("gas_element", "resistor");
      f.set("loss_coefficient", p.loss_coefficient);
    }
    if (p.pressure_max_pa) f.set("pressure_max_bar", gas::bar_from_pa(*p.pressure_max_pa));
    links.push_back(std::move(f));
  }
  for (const auto& v : g.valves) {
    geo::Feature f = link(v.id, g.nodes[v.from].id, g.nodes[v.to].id, pos[v.from], pos[v.to]);
    f.set("gas_element", v.kind == gas::ValveKind::valve           ? "valve"
                         : v.kind == gas::ValveKind::short_pipe    ? "short_pipe"
                         : v.kind == gas::ValveKind::loss_resistor ? "loss_resistor"
                                                                   : "control_valve");
    f.set("diameter_mm", widest_mm);  // required of every pipeline link; not used by valves
    if (!v.open) f.set("status", "closed");
    if (v.kind == gas::ValveKind::loss_resistor) f.set("pressure_loss_bar", gas::bar_from_pa(v.setpoint_pa));
    if (v.kind == gas::ValveKind::control_valve) {
      if (v.control == gas::ValveControl::outlet_pressure) f.set("control_outlet_bar", gas::bar_from_pa(v.setpoint_pa));
      if (v.pressure_drop_min_pa > 0.0) f.set("control_drop_min_bar", gas::bar_from_pa(v.pressure_drop_min_pa));
      if (v.pressure_drop_max_pa) f.set("control_drop_max_bar", gas::bar_from_pa(*v.pressure_drop_max_pa));
      if (v.pressure_in_min_pa) f.set("control_pressure_in_min_bar", gas::bar_from_pa(*v.pressure_in_min_pa));
      if (v.pressure_out_max_pa) f.set("control_pressure_out_max_bar", gas::bar_from_pa(*v.pressure_out_max_pa));
      if (v.flow_max_kg_per_s) f.set("control_flow_max_mcm_per_day", gas::mcm_per_day_from_kg_per_s(*v.flow_max_kg_per_s, rho_n));
    }
    links.push_back(std::move(f));
  }
  for (const auto& c : g.compressors) {
    const geo::LonLat mid{(pos[c.from].lon_deg + pos[c.to].lon_deg) / 2.0,
                          (pos[c.from].lat_deg + pos[c.to].lat_deg) / 2.0};
    geo::Feature f;
    const std::string id = unique_id(c.id);
    f.set("id", id);
    f.set("name", c.id);
    f.set("kind", "compressor");
    if (c.mode == gas::CompressorMode::outlet_pressure)
      f.set("compressor_outlet_bar", gas::bar_from_pa(c.outlet_pressure_pa));
    else
      f.set("compressor_ratio", c.ratio);
    if (c.ratio_max) f.set("compressor_ratio_max", *c.ratio_max);
    if (c.power_max_w) f.set("compressor_power_max_mw", *c.power_max_w / 1e6);
    if (c.ratio_min != 1.0) f.set("compressor_ratio_min", c.ratio_min);
    if (c.flow_min_kg_per_s) f.set("compressor_flow_min_mcm_per_day", gas::mcm_per_day_from_kg_per_s(*c.flow_min_kg_per_s, rho_n));
    if (c.flow_max_kg_per_s) f.set("compressor_flow_max_mcm_per_day", gas::mcm_per_day_from_kg_per_s(*c.flow_max_kg_per_s, rho_n));
    if (c.pressure_in_min_pa) f.set("compressor_pressure_in_min_bar", gas::bar_from_pa(*c.pressure_in_min_pa));
    if (c.pressure_out_max_pa) f.set("compressor_pressure_out_max_bar", gas::bar_from_pa(*c.pressure_out_max_pa));
    if (c.isentropic_efficiency != 0.8) f.set("compressor_efficiency", c.isentropic_efficiency);
    f.set("height_m", g.nodes[c.from].height_m);
    f.geometry = geo::GeometryKind::point;
    f.points = {mid};
    nodes.push_back(std::move(f));
    for (const bool inlet : {true, false}) {
      geo::Feature s = inlet ? link(c.id + "_in", g.nodes[c.from].id, id, pos[c.from], mid)
                             : link(c.id + "_out", id, g.nodes[c.to].id, mid, pos[c.to]);
      s.set("gas_element", "short_pipe");
      s.set("diameter_mm", widest_mm);
      links.push_back(std::move(s));
    }
  }

  // The scenario: gas, slack nodes and nominations (mcm/day at 0 degC, 1.01325 bar).
  const std::string stem = fs::path(options.network).stem().string();
  std::string yaml;
  yaml += "# Imported by corridor import gaslib from " + fs::path(options.network).filename().string() + " and " +
          fs::path(options.scenario).filename().string() + ".\n";
  yaml +=
      "# Node positions: GasLib x/y (drawing units, no geographic reference) placed on a plane around lon/lat 0,0,\n"
      "# centred and scaled by " +
      exact(deg_per_unit) +
      " degrees per unit (the drawn pipes have their given total\n"
      "# length); the original x/y are the node attributes gaslib_x, gaslib_y. Lengths are the GasLib lengths.\n";
  yaml += "name: " + yaml_key(stem) + "\n";
  yaml += "description: GasLib network " + yaml_key(stem) + " with its nomination\n";
  yaml += "network: {nodes: nodes.geojson, links: links.geojson, geometry_checks: {mode: off}}  # positions are a drawing\n";
  yaml += "gas:\n";
  yaml += "  # GasLib nominations do not set the stations and control valves: the optimiser chooses them\n"
          "  # (nomination validation, docs/gas.md \"Optimiser\"); mode: simulate runs the settings in the network.\n";
  yaml += "  mode: optimize\n  objective: compressor_power\n";
  if (!cs_name.empty())
    yaml += "  # The stations' machines (GasLib .cs: characteristic diagrams, drives, configurations); GasLib gives no\n"
            "  # ambient temperature for the turbines' power curves: " + exact(options.ambient_temperature_c) +
            " degC as given to the importer (--ambient-temperature-c).\n"
            "  compressor_stations: {file: " + yaml_key(cs_name) + ", ambient_temperature_c: " +
            exact(options.ambient_temperature_c) + "}\n";
  yaml += "  law: papay\n  friction: nikuradse\n";
  yaml += "  gas: {normal_density_kg_per_m3: " + exact(rho_n) + ", temperature_k: " + exact(g.gas.temperature_k) +
          ", viscosity_pa_s: " + exact(g.gas.viscosity_pa_s) +
          ",\n        pseudocritical_pressure_bar: " + exact(gas::bar_from_pa(g.gas.pseudocritical_pressure_pa)) +
          ", pseudocritical_temperature_k: " + exact(g.gas.pseudocritical_temperature_k) + "}\n";
  yaml += "  slack:\n";
  for (const auto& n : g.nodes)
    if (n.pressure_set_pa) yaml += "    " + yaml_key(n.id) + ": " + exact(gas::bar_from_pa(*n.pressure_set_pa)) + "\n";
  std::string supplies, offtakes;
  for (const auto& n : g.nodes) {
    if (n.pressure_set_pa || n.injection_kg_per_s == 0.0) continue;
    const std::string line = "    " + yaml_key(n.id) + ": {mcm_per_day: " +
                             exact(gas::mcm_per_day_from_kg_per_s(std::abs(n.injection_kg_per_s), rho_n)) + "}\n";
    (n.injection_kg_per_s > 0.0 ? supplies : offtakes) += line;
  }
  if (!supplies.empty()) yaml += "  supplies:\n" + supplies;
  if (!offtakes.empty()) yaml += "  offtakes:\n" + offtakes;

  std::vector<std::filesystem::path> inputs{options.network, options.scenario};
  if (!options.compressor_stations.empty()) inputs.push_back(options.compressor_stations);
  StagedFolder dir(options.out_dir, FolderKind::import, inputs);
  geo::write_layer(dir.file("nodes.geojson"), "nodes", geo::GeometryKind::point, nodes);
  geo::write_layer(dir.file("links.geojson"), "links", geo::GeometryKind::line_string, links);
  geo::write_text(dir.file("scenario.yaml"), yaml);
  if (!cs_name.empty()) geo::write_text(dir.file(cs_name), cs_text);
  dir.commit();
  out << "Imported " << g.nodes.size() << " nodes, " << g.pipes.size() << " pipes and resistors, " << g.valves.size()
      << " valves and short pipes, " << g.compressors.size() << " compressor stations"
      << (cs_name.empty() ? "" : " (with their machines, " + cs_name + ")") << " into " << options.out_dir
      << "/ (GasLib x/y placed on a plane around lon/lat 0,0)\n";
  return 0;
}

}  // namespace corridor::app
