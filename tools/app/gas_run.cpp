#include "tools/app/gas_run.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <iomanip>
#include <limits>
#include <ostream>
#include <sstream>

#include "geo/csv.hpp"
#include "geo/error.hpp"
#include "geo/writer.hpp"
#include "sim/gas/units.hpp"
#include "sim/scenario/yaml_reader.hpp"

namespace corridor::app {

namespace fs = std::filesystem;
using gas::bar_from_pa;

namespace {

double rounded(double x, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(x * scale) / scale;
}

/// A finite number rounded for JSON and GeoJSON, else null.
nlohmann::ordered_json json_number(double x, int decimals) {
  return std::isfinite(x) ? nlohmann::ordered_json(rounded(x, decimals)) : nlohmann::ordered_json(nullptr);
}
geo::Value value(double x, int decimals) {
  return std::isfinite(x) ? geo::Value(rounded(x, decimals)) : geo::Value(std::monostate{});
}
std::string text(double x, int decimals) {
  if (!std::isfinite(x)) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
  return buf;
}

std::string csv_line(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + geo::csv_field(fields[i]);
  return out + "\n";
}

struct Units {
  double rho_n;
  [[nodiscard]] double mcm(double kg_per_s) const { return gas::mcm_per_day_from_kg_per_s(kg_per_s, rho_n); }
  [[nodiscard]] double bcm(double kg_per_s) const { return gas::bcm_per_year_from_kg_per_s(kg_per_s, rho_n); }
};

std::optional<double> attribute_number(const geo::Feature& f, std::string_view name) {
  const auto* v = f.find(name);
  if (!v) return std::nullopt;
  if (const auto* d = std::get_if<double>(v)) return *d;
  if (const auto* i = std::get_if<std::int64_t>(v)) return static_cast<double>(*i);
  return std::nullopt;
}
std::string attribute_text(const geo::Feature& f, std::string_view name) {
  const auto* v = f.find(name);
  return v ? geo::to_text(*v) : std::string();
}

/// Flow through a link's gas element (pipe or valve), kg/s, from -> to; NaN when the link is not in the model.
struct LinkFlow {
  double kg_per_s = std::numeric_limits<double>::quiet_NaN();
  double p_in_pa = std::numeric_limits<double>::quiet_NaN(), p_out_pa = std::numeric_limits<double>::quiet_NaN();
  bool closed = false;
  const gas::PipeResult* pipe = nullptr;
};

LinkFlow link_flow(const gas::NetworkGasModel& m, const gas::Solution& s, std::size_t link) {
  LinkFlow f;
  if (const auto p = m.pipe_of[link]) {
    const auto& pipe = m.gas.pipes[*p];
    f.pipe = &s.pipes[*p];
    f.kg_per_s = s.pipes[*p].flow_kg_per_s;
    f.closed = s.pipes[*p].closed;
    f.p_in_pa = s.pressure_pa[pipe.from];
    f.p_out_pa = s.pressure_pa[pipe.to];
  } else if (const auto v = m.valve_of[link]) {
    const auto& valve = m.gas.valves[*v];
    f.kg_per_s = valve.open ? s.valves[*v].flow_kg_per_s : 0.0;
    f.closed = !valve.open;
    f.p_in_pa = s.pressure_pa[valve.from];
    f.p_out_pa = s.pressure_pa[valve.to];
  }
  return f;
}

/// "node 'X'" -> "X".
std::string element_id(const std::string& element) {
  const auto a = element.find('\''), b = element.rfind('\'');
  return a != std::string::npos && b > a ? element.substr(a + 1, b - a - 1) : element;
}

std::string_view kind_name(gas::Violation::Kind k) {
  using K = gas::Violation::Kind;
  switch (k) {
    case K::pressure_below_min:
      return "pressure_below_min";
    case K::pressure_above_max:
      return "pressure_above_max";
    case K::pipe_pressure_above_max:
      return "pipe_pressure_above_max";
    case K::velocity_above_max:
      return "velocity_above_max";
    case K::ratio_above_max:
      return "ratio_above_max";
    case K::power_above_max:
      return "power_above_max";
  }
  return "?";
}

nlohmann::ordered_json throughput_json(const gas::GasNetwork& g, const gas::ThroughputResult& t, const Units& u,
                                       const std::vector<std::size_t>& scaled) {
  nlohmann::ordered_json j;
  auto ids = nlohmann::ordered_json::array();
  double offtake = 0.0, supply = 0.0;
  for (auto i : scaled) {
    ids.push_back(g.nodes[i].id);
    (g.nodes[i].injection_kg_per_s < 0 ? offtake : supply) += std::abs(g.nodes[i].injection_kg_per_s);
  }
  j["scaled"] = ids;
  j["scale"] = json_number(t.scale, 4);
  j["nominal_offtake_mcm_per_day"] = json_number(u.mcm(offtake), 3);
  j["max_offtake_mcm_per_day"] = json_number(u.mcm(offtake * t.scale), 3);
  j["max_offtake_bcm_per_year"] = json_number(u.bcm(offtake * t.scale), 3);
  if (supply > 0.0) j["max_scaled_supply_mcm_per_day"] = json_number(u.mcm(supply * t.scale), 3);
  j["binding"] = t.binding;
  if (t.binding_violation) {
    j["binding_element"] = element_id(t.binding_violation->element);
    j["binding_kind"] = kind_name(t.binding_violation->kind);
  } else {
    j["binding_element"] = nullptr;
    j["binding_kind"] = t.binding.rfind("no steady state", 0) == 0 ? "no_steady_state" : "none";
  }
  j["compressors_at_ratio_limit"] = t.compressors_at_ratio_limit;
  j["solves"] = t.solves;
  return j;
}

// --- Optimiser output (gas: mode: optimize): formats sim/gas OptimizationResult, computes nothing. ---

/// A limit's value in the unit a planner reads (bar, MW, kg/s, or as is).
double limit_in_display_unit(const std::string& limit, double si) {
  if (limit.find("pressure") != std::string::npos) return bar_from_pa(si);
  if (limit == "power_max") return si / 1e6;
  return si;
}
std::string display_unit(const std::string& limit) {
  if (limit.find("pressure") != std::string::npos) return "bar";
  if (limit == "power_max") return "MW";
  if (limit.rfind("flow", 0) == 0) return "kg/s";
  return "";
}

/// The "optimisation" member of summary.json "gas".
nlohmann::ordered_json optimisation_json(const gas::OptimizationResult& r, const Units& u) {
  const auto& g = r.settled;
  const auto& sol = r.solution;
  nlohmann::ordered_json j;
  j["objective"] = gas::to_string(r.objective);
  j["feasible"] = r.feasible;
  j["objective_value"] = r.objective == gas::Objective::compressor_power ? json_number(r.objective_value / 1e6, 4)
                         : r.objective == gas::Objective::fuel            ? json_number(r.objective_value, 6)
                                                                          : json_number(r.objective_value, 6);
  j["objective_unit"] = r.objective == gas::Objective::compressor_power ? "MW"
                        : r.objective == gas::Objective::fuel           ? "kg/s"
                                                                        : "x nominal";
  auto stations = nlohmann::ordered_json::array();
  for (std::size_t c = 0; c < g.compressors.size(); ++c) {
    const auto& st = r.stations[c];
    stations.push_back({{"id", g.compressors[c].id},
                        {"state", gas::to_string(st.state)},
                        {"ratio", json_number(st.ratio, 6)},
                        {"inlet_bar", json_number(bar_from_pa(sol.pressure_pa[g.compressors[c].from]), 4)},
                        {"outlet_bar", json_number(bar_from_pa(st.outlet_pressure_pa), 4)},
                        {"flow_mcm_per_day", json_number(u.mcm(sol.compressors[c].flow_kg_per_s), 4)},
                        {"power_mw", json_number(sol.compressors[c].power_w / 1e6, 4)},
                        {"fuel_mcm_per_day", json_number(u.mcm(sol.compressors[c].fuel_kg_per_s), 5)}});
  }
  j["stations"] = stations;
  auto valves = nlohmann::ordered_json::array();
  for (std::size_t v = 0; v < g.valves.size(); ++v) {
    const auto kind = g.valves[v].kind;
    if (kind != gas::ValveKind::control_valve && kind != gas::ValveKind::valve) continue;
    const auto& vs = r.valves[v];
    valves.push_back({{"id", g.valves[v].id},
                      {"kind", kind == gas::ValveKind::valve ? "valve" : "control_valve"},
                      {"state", gas::to_string(vs.state)},
                      {"outlet_bar", json_number(bar_from_pa(vs.outlet_pressure_pa), 4)},
                      {"pressure_drop_bar", json_number(bar_from_pa(vs.pressure_drop_pa), 4)},
                      {"flow_mcm_per_day", json_number(u.mcm(sol.valves[v].flow_kg_per_s), 4)}});
  }
  j["valves"] = valves;
  auto binding = nlohmann::ordered_json::array();
  for (const auto& b : r.binding)
    binding.push_back({{"element", b.element},
                       {"limit", b.limit},
                       {"value", json_number(limit_in_display_unit(b.limit, b.value), 6)},
                       {"value_unit", display_unit(b.limit)},
                       {"shadow_price", json_number(b.shadow_price, 6)},
                       {"shadow_price_unit", b.unit}});
  j["binding"] = binding;
  j["nlp_solves"] = r.nlp_solves;
  j["simulator_agreement"] = {{"pressure_relative", json_number(r.pressure_agreement, 12)},
                              {"flow_relative", json_number(r.flow_agreement, 12)},
                              {"flow_difference_kg_per_s", json_number(r.flow_difference_kg_per_s, 9)}};
  return j;
}

/// Terminal lines for the optimiser's choice.
void print_optimisation(std::ostream& out, const gas::OptimizationResult& r, const nlohmann::ordered_json& j) {
  auto num = [](const nlohmann::ordered_json& v, int decimals) {
    return v.is_number() ? text(v.get<double>(), decimals) : std::string("-");
  };
  out << "  optimised settings (" << j["objective"].get<std::string>() << " " << num(j["objective_value"], 4) << " "
      << j["objective_unit"].get<std::string>() << ", " << r.nlp_solves << " NLP solves; simulator agrees to "
      << text(r.pressure_agreement, 10) << " in pressure):\n";
  for (const auto& st : j["stations"]) {
    out << "    station " << st["id"].get<std::string>() << ": " << st["state"].get<std::string>();
    if (st["state"] == "active")
      out << ", ratio " << num(st["ratio"], 4) << ", " << num(st["inlet_bar"], 2) << " -> " << num(st["outlet_bar"], 2)
          << " bar, " << num(st["power_mw"], 2) << " MW, fuel " << num(st["fuel_mcm_per_day"], 3) << " mcm/day";
    out << '\n';
  }
  for (const auto& v : j["valves"]) {
    if (v["kind"] == "valve" && v["state"] == "bypass") continue;  // open valves: the usual state
    out << "    " << v["kind"].get<std::string>() << ' ' << v["id"].get<std::string>() << ": "
        << (v["kind"] == "valve" && v["state"] == "closed" ? "closed" : v["state"].get<std::string>());
    if (v["state"] == "active") out << ", outlet " << num(v["outlet_bar"], 2) << " bar (drop " << num(v["pressure_drop_bar"], 2) << " bar)";
    out << '\n';
  }
  std::size_t shown = 0;
  for (const auto& b : j["binding"]) {
    if (shown++ == 5) {
      out << "    ... " << j["binding"].size() - 5 << " more binding constraints in summary.json\n";
      break;
    }
    out << "    binding: " << b["element"].get<std::string>() << ' ' << b["limit"].get<std::string>() << ' '
        << num(b["value"], 3) << ' ' << b["value_unit"].get<std::string>() << ", shadow price "
        << num(b["shadow_price"], 4) << ' ' << b["shadow_price_unit"].get<std::string>() << '\n';
  }
}

}  // namespace

gas::GasSettings read_gas_settings(const scenario::Scenario& s) {
  if (!s.gas) throw InputError(s.file.string(), "", "the scenario has no gas section");
  const scenario::YamlReader yr(s.gas->file);
  return gas::parse_gas_settings(yr, s.gas->node);
}

GasOutcome run_gas(const network::Network& net, const gas::GasSettings& settings, ResultsExtras& extras) {
  GasOutcome o;
  o.settings = settings;
  o.gas_case = gas::gas_case(net, settings);
  o.study = gas::run_gas_study(o.gas_case, settings);
  // Optimising: the outputs describe the network with the chosen settings (valves closed, stations set).
  if (o.study.optimised) o.gas_case.model.gas = o.study.optimised->settled;
  const auto& m = o.gas_case.model;
  const auto& g = m.gas;
  const auto& sol = o.study.solution;
  const Units u{g.gas.normal_density_kg_per_m3};

  // summary.json "gas"
  nlohmann::ordered_json j;
  j["converged"] = true;
  j["iterations"] = sol.iterations;
  j["state_changes"] = sol.state_changes;
  j["residual"] = sol.residual_norm;
  j["standard_conditions"] = "0 degC, 1.01325 bar; bcm/year over 365 days";
  j["gas"] = {{"law", gas::to_string(g.gas.law)},
              {"friction", gas::to_string(g.friction)},
              {"normal_density_kg_per_m3", rounded(g.gas.normal_density_kg_per_m3, 6)},
              {"specific_gravity", rounded(g.gas.specific_gravity(), 6)},
              {"temperature_k", rounded(g.gas.temperature_k, 3)},
              {"viscosity_pa_s", g.gas.viscosity_pa_s}};
  auto supplies = nlohmann::ordered_json::array(), deliveries = nlohmann::ordered_json::array();
  double supplied = 0.0, delivered = 0.0;
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    const double q = sol.injection_kg_per_s[i];
    const bool slack = g.nodes[i].pressure_set_pa.has_value();
    if (q == 0.0 && !slack) continue;
    nlohmann::ordered_json e;
    e["node"] = g.nodes[i].id;
    e["mcm_per_day"] = json_number(u.mcm(std::abs(q)), 4);
    e["bcm_per_year"] = json_number(u.bcm(std::abs(q)), 4);
    e["nominated_mcm_per_day"] =
        o.gas_case.nominated_mcm_per_day[i] ? json_number(std::abs(*o.gas_case.nominated_mcm_per_day[i]), 4) : nullptr;
    e["slack"] = slack;
    if (q >= 0.0) {
      supplied += q;
      supplies.push_back(e);
    } else {
      delivered -= q;
      deliveries.push_back(e);
    }
  }
  j["supply_mcm_per_day"] = json_number(u.mcm(supplied), 3);
  j["supply_bcm_per_year"] = json_number(u.bcm(supplied), 3);
  j["delivered_mcm_per_day"] = json_number(u.mcm(delivered), 3);
  j["delivered_bcm_per_year"] = json_number(u.bcm(delivered), 3);
  j["supplies"] = supplies;
  j["deliveries"] = deliveries;
  double power = 0.0, fuel = 0.0;
  auto stations = nlohmann::ordered_json::array();
  for (std::size_t c = 0; c < g.compressors.size(); ++c) {
    const auto& r = sol.compressors[c];
    power += r.power_w;
    fuel += r.fuel_kg_per_s;
    stations.push_back({{"id", g.compressors[c].id},
                        {"state", gas::to_string(r.state)},
                        {"inlet_bar", json_number(bar_from_pa(sol.pressure_pa[g.compressors[c].from]), 3)},
                        {"outlet_bar", json_number(bar_from_pa(sol.pressure_pa[g.compressors[c].to]), 3)},
                        {"ratio", json_number(r.ratio, 4)},
                        {"flow_mcm_per_day", json_number(u.mcm(r.flow_kg_per_s), 3)},
                        {"power_mw", json_number(r.power_w / 1e6, 3)}});
  }
  j["compressor_power_mw"] = json_number(power / 1e6, 3);
  j["compressor_fuel_mcm_per_day"] = json_number(u.mcm(fuel), 4);
  j["compressors"] = stations;
  std::optional<std::size_t> lo, hi;
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    if (!std::isfinite(sol.pressure_pa[i])) continue;
    if (!lo || sol.pressure_pa[i] < sol.pressure_pa[*lo]) lo = i;
    if (!hi || sol.pressure_pa[i] > sol.pressure_pa[*hi]) hi = i;
  }
  if (lo)
    j["pressure_lowest"] = {{"node", g.nodes[*lo].id}, {"bar", json_number(bar_from_pa(sol.pressure_pa[*lo]), 3)}};
  if (hi)
    j["pressure_highest"] = {{"node", g.nodes[*hi].id}, {"bar", json_number(bar_from_pa(sol.pressure_pa[*hi]), 3)}};
  if (const auto margin = gas::worst_pressure_margin(g, sol))
    j["min_pressure_margin"] = {{"node", margin->node}, {"bar", json_number(margin->bar, 3)}};
  std::size_t pressure_violations = 0;
  auto violations = nlohmann::ordered_json::array();
  for (const auto& v : sol.violations) {
    violations.push_back(v.describe());
    if (v.kind == gas::Violation::Kind::pressure_below_min || v.kind == gas::Violation::Kind::pressure_above_max)
      ++pressure_violations;
  }
  j["pressure_violations"] = pressure_violations;
  j["violations"] = violations;
  if (o.study.max_throughput) {
    j["capacity"] = throughput_json(g, *o.study.max_throughput, u, o.gas_case.scaled_nodes);
    // Deliverable: the scaled offtakes that stay connected, times the largest feasible scale (at most 1).
    double nominal_offtake = 0.0;
    for (auto i : o.gas_case.scaled_nodes) nominal_offtake += std::max(0.0, -g.nodes[i].injection_kg_per_s);
    auto list = nlohmann::ordered_json::array();
    for (const auto& c : o.study.n_minus_1) {
      const double deliverable =
          std::min(c.throughput.scale, 1.0) * std::max(0.0, nominal_offtake - c.islanded_kg_per_s);
      list.push_back({{"outage", c.element},
                      {"deliverable_mcm_per_day", json_number(u.mcm(deliverable), 3)},
                      {"deliverable_bcm_per_year", json_number(u.bcm(deliverable), 3)},
                      {"share_of_nominal", json_number(nominal_offtake > 0 ? deliverable / nominal_offtake : 0.0, 4)},
                      {"max_scale", json_number(c.throughput.scale, 4)},
                      {"islanded_mcm_per_day", json_number(u.mcm(c.islanded_kg_per_s), 3)},
                      {"binding", c.throughput.binding}});
    }
    j["n_minus_1"] = list;
  }
  if (o.study.optimised) {
    j["mode"] = "optimize";
    j["optimisation"] = optimisation_json(*o.study.optimised, u);
  }
  o.summary = j;

  // Links and nodes.
  const auto& links = net.links();
  std::vector<std::vector<std::pair<std::string, geo::Value>>> link_attrs(links.size());
  for (std::size_t k = 0; k < links.size(); ++k) {
    if (!m.pipe_of[k] && !m.valve_of[k]) continue;
    const LinkFlow f = link_flow(m, sol, k);
    auto& a = link_attrs[k];
    a.emplace_back("flow_mcm_per_day", value(u.mcm(f.kg_per_s), 4));
    a.emplace_back("flow_bcm_per_year", value(u.bcm(f.kg_per_s), 4));
    a.emplace_back("pressure_in_bar", value(bar_from_pa(f.p_in_pa), 3));
    a.emplace_back("pressure_out_bar", value(bar_from_pa(f.p_out_pa), 3));
    a.emplace_back("velocity_m_per_s", f.pipe ? value(f.pipe->velocity_m_per_s, 3) : geo::Value{});
    const auto capacity = attribute_number(links[k].source_feature, "capacity_bcm_per_year");
    a.emplace_back("utilization", capacity && *capacity > 0 && std::isfinite(f.kg_per_s)
                                      ? value(std::abs(u.bcm(f.kg_per_s)) / *capacity, 4)
                                      : geo::Value{});
    a.emplace_back("gas_closed", f.closed);
  }
  std::vector<std::vector<std::pair<std::string, geo::Value>>> node_attrs(net.nodes().size());
  std::vector<bool> violated(g.nodes.size(), false);
  for (const auto& v : sol.violations)
    if (v.kind == gas::Violation::Kind::pressure_below_min || v.kind == gas::Violation::Kind::pressure_above_max)
      if (const auto i = g.find_node(element_id(v.element))) violated[*i] = true;
  for (std::size_t n = 0; n < net.nodes().size(); ++n) {
    if (!m.node_of[n]) continue;
    const std::size_t i = *m.node_of[n];
    auto& a = node_attrs[n];
    a.emplace_back("pressure_bar", value(bar_from_pa(sol.pressure_pa[i]), 3));
    bool bad = violated[i];
    if (m.outlet_of[n]) bad = bad || violated[*m.outlet_of[n]];
    a.emplace_back("pressure_violation", bad);
    a.emplace_back("gas_injection_mcm_per_day", value(u.mcm(sol.injection_kg_per_s[i]), 4));
    a.emplace_back("gas_slack", g.nodes[i].pressure_set_pa.has_value());
    if (const auto c = m.compressor_of[n]) {
      const auto& r = sol.compressors[*c];
      a.emplace_back("pressure_out_bar", value(bar_from_pa(sol.pressure_pa[*m.outlet_of[n]]), 3));
      a.emplace_back("compressor_state", std::string(gas::to_string(r.state)));
      a.emplace_back("compressor_ratio", value(r.ratio, 4));
      a.emplace_back("flow_mcm_per_day", value(u.mcm(r.flow_kg_per_s), 4));
      a.emplace_back("power_mw", value(r.power_w / 1e6, 3));
      a.emplace_back("fuel_mcm_per_day", value(u.mcm(r.fuel_kg_per_s), 4));
    }
  }
  extras.link_properties.push_back([link_attrs](std::size_t i, geo::Feature& f) {
    if (i < link_attrs.size())
      for (const auto& [name, v] : link_attrs[i]) f.set(name, v);
  });
  extras.node_properties.push_back([node_attrs](std::size_t i, geo::Feature& f) {
    if (i < node_attrs.size())
      for (const auto& [name, v] : node_attrs[i]) f.set(name, v);
  });
  const std::string pipes_csv = gas_pipes_csv(net, o), nodes_csv = gas_nodes_csv(net, o);
  extras.files.push_back([pipes_csv, nodes_csv](const fs::path& dir) {
    geo::write_text(dir / "gas_pipes.csv", pipes_csv);
    geo::write_text(dir / "gas_nodes.csv", nodes_csv);
  });
  extras.summary["gas"] = o.summary;
  return o;
}

std::string gas_pipes_csv(const network::Network& net, const GasOutcome& o) {
  const auto& m = o.gas_case.model;
  const auto& sol = o.study.solution;
  const Units u{m.gas.gas.normal_density_kg_per_m3};
  std::string out = csv_line({"id",
                              "line",
                              "element",
                              "from",
                              "to",
                              "length_km",
                              "diameter_mm",
                              "flow_kg_per_s",
                              "flow_mcm_per_day",
                              "flow_bcm_per_year",
                              "capacity_bcm_per_year",
                              "utilization",
                              "pressure_in_bar",
                              "pressure_out_bar",
                              "velocity_m_per_s",
                              "velocity_in_m_per_s",
                              "velocity_out_m_per_s",
                              "reynolds",
                              "friction_factor",
                              "closed"});
  const auto& links = net.links();
  for (std::size_t k = 0; k < links.size(); ++k) {
    if (!m.pipe_of[k] && !m.valve_of[k]) continue;
    const auto& l = links[k];
    const LinkFlow f = link_flow(m, sol, k);
    const auto capacity = attribute_number(l.source_feature, "capacity_bcm_per_year");
    const std::string element = m.pipe_of[k] ? (m.gas.pipes[*m.pipe_of[k]].length_m > 0 ? "pipe" : "resistor")
                                             : attribute_text(l.source_feature, "gas_element");
    out += csv_line(
        {l.id,
         attribute_text(l.source_feature, "line"),
         element,
         net.nodes()[l.from].id,
         net.nodes()[l.to].id,
         text(l.length_km, 3),
         l.diameter_mm ? text(*l.diameter_mm, 1) : "",
         text(f.kg_per_s, 6),
         text(u.mcm(f.kg_per_s), 4),
         text(u.bcm(f.kg_per_s), 4),
         capacity ? text(*capacity, 3) : "",
         capacity && *capacity > 0 && std::isfinite(f.kg_per_s) ? text(std::abs(u.bcm(f.kg_per_s)) / *capacity, 4) : "",
         text(bar_from_pa(f.p_in_pa), 6),
         text(bar_from_pa(f.p_out_pa), 6),
         f.pipe ? text(f.pipe->velocity_m_per_s, 4) : "",
         f.pipe ? text(f.pipe->velocity_in_m_per_s, 4) : "",
         f.pipe ? text(f.pipe->velocity_out_m_per_s, 4) : "",
         f.pipe ? text(f.pipe->reynolds, 0) : "",
         f.pipe ? text(f.pipe->friction_factor, 6) : "",
         f.closed ? "true" : "false"});
  }
  return out;
}

std::string gas_nodes_csv(const network::Network& net, const GasOutcome& o) {
  const auto& m = o.gas_case.model;
  const auto& g = m.gas;
  const auto& sol = o.study.solution;
  const Units u{g.gas.normal_density_kg_per_m3};
  // Gas node -> its network node and role.
  std::vector<std::string> kind(g.nodes.size());
  std::vector<std::optional<std::size_t>> station(g.nodes.size());
  for (std::size_t n = 0; n < net.nodes().size(); ++n) {
    if (m.node_of[n]) kind[*m.node_of[n]] = std::string(network::to_string(net.nodes()[n].kind));
    if (m.outlet_of[n]) kind[*m.outlet_of[n]] = "compressor_outlet";
    if (m.compressor_of[n]) station[*m.node_of[n]] = *m.compressor_of[n];
  }
  std::vector<bool> below(g.nodes.size(), false), above(g.nodes.size(), false);
  for (const auto& v : sol.violations) {
    const auto i = g.find_node(element_id(v.element));
    if (!i) continue;
    if (v.kind == gas::Violation::Kind::pressure_below_min) below[*i] = true;
    if (v.kind == gas::Violation::Kind::pressure_above_max) above[*i] = true;
  }
  std::string out =
      csv_line({"id", "kind", "pressure_bar", "pressure_min_bar", "pressure_max_bar", "margin_above_min_bar",
                "injection_mcm_per_day", "injection_bcm_per_year", "nominated_mcm_per_day", "slack", "violation",
                "compressor_state", "compressor_ratio", "compressor_flow_mcm_per_day", "power_mw", "fuel_mcm_per_day"});
  for (std::size_t i = 0; i < g.nodes.size(); ++i) {
    const auto& n = g.nodes[i];
    const double p = sol.pressure_pa[i];
    std::vector<std::string> row{
        n.id,
        kind[i],
        text(bar_from_pa(p), 6),
        n.pressure_min_pa ? text(bar_from_pa(*n.pressure_min_pa), 3) : "",
        n.pressure_max_pa ? text(bar_from_pa(*n.pressure_max_pa), 3) : "",
        n.pressure_min_pa ? text(bar_from_pa(p - *n.pressure_min_pa), 4) : "",
        text(u.mcm(sol.injection_kg_per_s[i]), 4),
        text(u.bcm(sol.injection_kg_per_s[i]), 4),
        o.gas_case.nominated_mcm_per_day[i] ? text(*o.gas_case.nominated_mcm_per_day[i], 4) : "",
        n.pressure_set_pa ? "true" : "false",
        below[i]   ? "below_min"
        : above[i] ? "above_max"
                   : ""};
    if (station[i]) {
      const auto& r = sol.compressors[*station[i]];
      row.insert(row.end(), {std::string(gas::to_string(r.state)), text(r.ratio, 4), text(u.mcm(r.flow_kg_per_s), 4),
                             text(r.power_w / 1e6, 3), text(u.mcm(r.fuel_kg_per_s), 4)});
    } else {
      row.insert(row.end(), {"", "", "", "", ""});
    }
    out += csv_line(row);
  }
  return out;
}

void print_gas_summary(std::ostream& out, const GasOutcome& o) {
  const auto& j = o.summary;
  const auto& g = o.gas_case.model.gas;
  const auto& sol = o.study.solution;
  auto num = [](const nlohmann::ordered_json& v, int decimals) {
    return v.is_number() ? text(v.get<double>(), decimals) : std::string("-");
  };
  std::ostringstream res;
  res << std::scientific << std::setprecision(1) << sol.residual_norm;
  out << "Gas: converged in " << sol.iterations << " Newton iterations (" << sol.state_changes
      << " state changes), residual " << res.str() << ", " << text(o.study.solve_ms, 1) << " ms\n";
  auto list = [&](const char* what, const nlohmann::ordered_json& entries, const char* total_mcm,
                  const char* total_bcm) {
    out << "  " << what << ' ' << num(j[total_mcm], 1) << " mcm/day (" << num(j[total_bcm], 2) << " bcm/yr):";
    for (const auto& e : entries) {
      out << ' ' << e["node"].get<std::string>() << ' ' << num(e["mcm_per_day"], 1);
      if (e["slack"].get<bool>())
        out << " (slack)";
      else if (e["nominated_mcm_per_day"].is_number() &&
               std::abs(e["nominated_mcm_per_day"].get<double>() - e["mcm_per_day"].get<double>()) > 1e-3)
        out << " (nominated " << num(e["nominated_mcm_per_day"], 1) << ")";
    }
    out << '\n';
  };
  list("supplies", j["supplies"], "supply_mcm_per_day", "supply_bcm_per_year");
  list("deliveries", j["deliveries"], "delivered_mcm_per_day", "delivered_bcm_per_year");
  if (j.contains("pressure_lowest"))
    out << "  pressures " << num(j["pressure_lowest"]["bar"], 1) << " bar ("
        << j["pressure_lowest"]["node"].get<std::string>() << ") to " << num(j["pressure_highest"]["bar"], 1)
        << " bar (" << j["pressure_highest"]["node"].get<std::string>() << ")";
  if (j.contains("min_pressure_margin"))
    out << "; least margin above minimum " << num(j["min_pressure_margin"]["bar"], 1) << " bar at "
        << j["min_pressure_margin"]["node"].get<std::string>();
  out << "; " << j["violations"].size() << " limit violations\n";
  for (const auto& v : j["violations"]) out << "    " << v.get<std::string>() << '\n';
  if (!g.compressors.empty()) {
    std::string limited;
    for (std::size_t c = 0; c < g.compressors.size(); ++c)
      if (sol.compressors[c].state == gas::CompressorState::ratio_limited) limited += " " + g.compressors[c].id;
    out << "  compressors " << num(j["compressor_power_mw"], 1) << " MW, fuel gas "
        << num(j["compressor_fuel_mcm_per_day"], 2) << " mcm/day"
        << (limited.empty() ? "" : "; at their ratio limit:" + limited) << '\n';
  }
  if (o.study.optimised) print_optimisation(out, *o.study.optimised, j["optimisation"]);
  if (o.study.max_throughput) {
    const auto& c = j["capacity"];
    out << "  maximum throughput: " << num(c["scale"], 3) << " x nominal = " << num(c["max_offtake_mcm_per_day"], 1)
        << " mcm/day (" << num(c["max_offtake_bcm_per_year"], 2)
        << " bcm/yr); binding: " << c["binding"].get<std::string>() << '\n';
    for (const auto& n : j["n_minus_1"]) {
      const double share = n["share_of_nominal"].is_number() ? 100.0 * n["share_of_nominal"].get<double>() : 0.0;
      out << "  N-1 " << n["outage"].get<std::string>() << ": " << num(n["deliverable_mcm_per_day"], 1) << " mcm/day ("
          << num(n["deliverable_bcm_per_year"], 2) << " bcm/yr, " << text(share, 0)
          << "% of nominal); binding: " << n["binding"].get<std::string>() << "\n";
    }
    out << "  capacity studies " << text(o.study.study_ms, 0) << " ms\n";
  }
}

}  // namespace corridor::app
