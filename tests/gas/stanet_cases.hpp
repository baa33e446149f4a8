// Test-only reader for the STANET reference cases (pandapipes test networks flattened to CSV, see
// ../shared/data/README.md and tests/gas/data/stanet/README.md): junction, pipe, valve, ext_grid,
// sink, source tables and meta.json. Reference cells may be empty (auxiliary junctions, valves:
// STANET reports nothing there): their reference is NaN and is not compared. Junction names need
// not be unique (pandapipes names both auxiliary junctions of a node aux_<node>): the gas node of a
// repeated name is named <name>#<index>.
#pragma once

#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/gas/model.hpp"

namespace corridor::test {

/// A CSV table with a header row: rows of named text cells. No quoting is used by these files.
struct CsvTable {
  std::vector<std::map<std::string, std::string>> rows;

  static CsvTable read(const std::filesystem::path& path) {
    CsvTable t;
    std::ifstream in(path);
    if (!in) return t;
    std::string line;
    std::vector<std::string> header;
    auto split = [](std::string s) {
      if (!s.empty() && s.back() == '\r') s.pop_back();  // some files have CRLF line ends
      std::vector<std::string> out;
      std::stringstream ss(s);
      std::string cell;
      while (std::getline(ss, cell, ',')) out.push_back(cell);
      if (!s.empty() && s.back() == ',') out.emplace_back();
      return out;
    };
    if (!std::getline(in, line)) return t;
    header = split(line);
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      const auto cells = split(line);
      std::map<std::string, std::string> row;
      for (std::size_t i = 0; i < header.size() && i < cells.size(); ++i) row[header[i]] = cells[i];
      t.rows.push_back(std::move(row));
    }
    return t;
  }
};

inline double number(const std::map<std::string, std::string>& row, const std::string& key) {
  const auto it = row.find(key);
  if (it == row.end() || it->second.empty()) throw std::runtime_error("missing column " + key);
  return std::stod(it->second);
}

/// A number, or NaN for an empty cell.
inline double number_or_nan(const std::map<std::string, std::string>& row, const std::string& key) {
  const auto it = row.find(key);
  if (it == row.end()) throw std::runtime_error("missing column " + key);
  return it->second.empty() ? std::numeric_limits<double>::quiet_NaN() : std::stod(it->second);
}

/// One STANET case as a gas network plus its reference values.
struct StanetCase {
  gas::GasNetwork network;
  std::vector<double> p_ref_bar_gauge;  ///< per junction (node index = junction index); NaN: no reference
  std::vector<double> v_ref_m_per_s;    ///< per pipe; NaN: no reference
  std::string friction;                 ///< as written in meta.json
};

/// Reads a case folder. The gas temperature is the junctions' fluid temperature (tfluid_k), as pandapipes
/// uses in its hydraulic mode; pressures are gauge relative to the barometric pressure at the
/// junction's height (gas::ambient_pressure_pa).
inline StanetCase read_stanet_case(const std::filesystem::path& dir) {
  StanetCase c;
  auto& net = c.network;
  std::ifstream meta_in(dir / "meta.json");
  const auto meta = nlohmann::json::parse(meta_in);
  const auto& fp = meta["fluid_props"];
  net.gas.normal_density_kg_per_m3 = fp["density"]["value"].get<double>();
  net.gas.viscosity_pa_s = fp["viscosity"]["value"].get<double>();
  const auto& comp = fp["compressibility"];
  if (comp.contains("slope")) {
    net.gas.law = gas::GasLaw::linear_z;
    net.gas.z_constant = comp["offset"].get<double>();
    net.gas.z_slope_per_pa = comp["slope"].get<double>() / gas::pa_per_bar;  // slope per bar (absolute)
  } else if (comp["value"].get<double>() != 1.0) {
    net.gas.law = gas::GasLaw::constant_z;
    net.gas.z_constant = comp["value"].get<double>();
  }
  c.friction = meta["friction_model"].get<std::string>();
  net.friction = c.friction.rfind("nikuradse", 0) == 0 ? gas::FrictionModel::nikuradse
                                                       : gas::FrictionModel::colebrook_white;

  const auto junctions = CsvTable::read(dir / "junction.csv");
  std::map<std::string, int> name_count;
  for (const auto& j : junctions.rows) ++name_count[j.at("name")];
  for (const auto& j : junctions.rows) {
    const std::string& name = j.at("name");
    const auto i = net.add_node(name_count[name] > 1 ? name + "#" + j.at("index") : name);
    net.nodes[i].height_m = number(j, "height_m");
    net.gas.temperature_k = number(j, "tfluid_k");
    c.p_ref_bar_gauge.push_back(number_or_nan(j, "p_stanet"));
  }
  for (const auto& g : CsvTable::read(dir / "ext_grid.csv").rows) {
    auto& n = net.nodes[static_cast<std::size_t>(number(g, "junction"))];
    n.pressure_set_pa = gas::pa_from_bar(number(g, "p_bar")) + gas::ambient_pressure_pa(n.height_m);
  }
  for (const auto& s : CsvTable::read(dir / "sink.csv").rows)
    net.nodes[static_cast<std::size_t>(number(s, "junction"))].injection_kg_per_s -=
        number(s, "mdot_kg_per_s") * number(s, "scaling");
  for (const auto& s : CsvTable::read(dir / "source.csv").rows)
    net.nodes[static_cast<std::size_t>(number(s, "junction"))].injection_kg_per_s +=
        number(s, "mdot_kg_per_s") * number(s, "scaling");
  for (const auto& p : CsvTable::read(dir / "pipe.csv").rows) {
    const auto i = net.add_pipe(p.at("name") + "#" + p.at("index"), static_cast<std::size_t>(number(p, "from_junction")),
                                static_cast<std::size_t>(number(p, "to_junction")), number(p, "length_km") * 1000.0,
                                number(p, "diameter_m"), number(p, "k_mm") / 1000.0);
    net.pipes[i].loss_coefficient = number(p, "loss_coefficient");
    net.pipes[i].in_service = p.at("in_service") == "True";
    c.v_ref_m_per_s.push_back(number_or_nan(p, "v_stanet"));
  }
  // Valves: open (no pressure drop) or closed; out of service counts as closed.
  for (const auto& v : CsvTable::read(dir / "valve.csv").rows) {
    const auto i = net.add_valve(v.at("name") + "#" + v.at("index"), static_cast<std::size_t>(number(v, "from_junction")),
                                 static_cast<std::size_t>(number(v, "to_junction")), gas::ValveKind::valve);
    net.valves[i].open = v.at("opened") == "True" && v.at("in_service") == "True";
  }
  return c;
}

}  // namespace corridor::test
