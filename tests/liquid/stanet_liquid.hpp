// Test-only reader for the STANET liquid (water) reference cases of pandapipes, flattened to CSV per
// table in ../shared/data/liquid/stanet (see ../shared/data/README.md): junction, pipe, pump, ext_grid,
// sink, source tables and meta.json, into a liquid::LiquidNetwork. Pressures are bar gauge; pumps use
// the pandapipes standard-type curves of ../shared/data/liquid/pump_curves (the pump_library reader).
#pragma once

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sim/liquid/model.hpp"
#include "sim/liquid/pump_library.hpp"
#include "sim/liquid/units.hpp"
#include "tests/gas/stanet_cases.hpp"

namespace corridor::test {

struct StanetLiquidCase {
  liquid::LiquidNetwork network;
  std::vector<double> p_ref_bar_gauge;  ///< per junction; NaN: no reference
  std::vector<double> v_ref_m_per_s;    ///< per pipe
  std::vector<double> lift_ref_bar;     ///< per pump (ps_stanet)
};

inline StanetLiquidCase read_stanet_liquid_case(const std::filesystem::path& dir, const std::filesystem::path& curves_dir) {
  StanetLiquidCase c;
  auto& net = c.network;
  std::ifstream meta_in(dir / "meta.json");
  const auto meta = nlohmann::json::parse(meta_in);
  const auto& fp = meta["fluid_props"];
  net.fluid.density_kg_per_m3 = fp["density"]["value"].get<double>();
  net.fluid.viscosity_pa_s = fp["viscosity"]["value"].get<double>();
  const auto friction = meta["friction_model"].get<std::string>();
  net.friction = friction.rfind("nikuradse", 0) == 0 ? liquid::FrictionModel::nikuradse
                                                     : liquid::FrictionModel::colebrook_white;
  for (const auto& j : CsvTable::read(dir / "junction.csv").rows) {
    net.add_node(j.at("name") + "#" + j.at("index"), number(j, "height_m"));
    c.p_ref_bar_gauge.push_back(number_or_nan(j, "p_stanet"));
  }
  for (const auto& g : CsvTable::read(dir / "ext_grid.csv").rows)
    net.nodes[static_cast<std::size_t>(number(g, "junction"))].pressure_set_pa = liquid::pa_from_bar(number(g, "p_bar"));
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
  for (const auto& p : CsvTable::read(dir / "pump.csv").rows) {
    const auto type = p.at("std_type");
    const auto i = net.add_pump("pump#" + p.at("index"), static_cast<std::size_t>(number(p, "from_junction")),
                                static_cast<std::size_t>(number(p, "to_junction")),
                                liquid::read_pandapipes_pump_curve(curves_dir / (type + ".csv"), type));
    net.pumps[i].in_service = p.at("in_service") == "True";
    c.lift_ref_bar.push_back(number_or_nan(p, "ps_stanet"));
  }
  return c;
}

}  // namespace corridor::test
