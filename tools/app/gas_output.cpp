#include "tools/app/gas_output.hpp"

#include <cmath>
#include <iomanip>
#include <ostream>
#include <sstream>

#include "geo/csv.hpp"
#include "tools/app/number_text.hpp"

namespace corridor::app {

using nlohmann::ordered_json;

namespace {

std::string csv_line(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) out += (i ? "," : "") + geo::csv_field(fields[i]);
  return out + "\n";
}

std::string attribute_text(const geo::Feature& f, std::string_view name) {
  const auto* v = f.find(name);
  return v ? geo::to_text(*v) : std::string();
}

ordered_json flow_json(const run::GasFlow& e) {
  return {{"node", e.node},
          {"mcm_per_day", json_number(e.mcm_per_day, 4)},
          {"bcm_per_year", json_number(e.bcm_per_year, 4)},
          {"nominated_mcm_per_day", json_number(e.nominated_mcm_per_day, 4)},
          {"slack", e.slack}};
}

}  // namespace

ordered_json gas_summary_json(const run::GasResults& o) {
  const auto& g = o.gas_case.model.gas;
  const auto& sol = o.study.solution;
  ordered_json j;
  j["converged"] = true;
  j["iterations"] = sol.iterations;
  j["state_changes"] = sol.state_changes;
  j["residual"] = sol.residual_norm;
  j["standard_conditions"] = o.standard_conditions;
  j["gas"] = {{"law", gas::to_string(g.gas.law)},
              {"friction", gas::to_string(g.friction)},
              {"normal_density_kg_per_m3", rounded(g.gas.normal_density_kg_per_m3, 6)},
              {"specific_gravity", rounded(g.gas.specific_gravity(), 6)},
              {"temperature_k", rounded(g.gas.temperature_k, 3)},
              {"viscosity_pa_s", g.gas.viscosity_pa_s}};
  auto supplies = ordered_json::array(), deliveries = ordered_json::array();
  for (const auto& e : o.supplies) supplies.push_back(flow_json(e));
  for (const auto& e : o.deliveries) deliveries.push_back(flow_json(e));
  j["supply_mcm_per_day"] = json_number(o.supply_mcm_per_day, 3);
  j["supply_bcm_per_year"] = json_number(o.supply_bcm_per_year, 3);
  j["delivered_mcm_per_day"] = json_number(o.delivered_mcm_per_day, 3);
  j["delivered_bcm_per_year"] = json_number(o.delivered_bcm_per_year, 3);
  j["supplies"] = supplies;
  j["deliveries"] = deliveries;
  auto stations = ordered_json::array();
  for (const auto& c : o.stations)
    stations.push_back({{"id", c.id},
                        {"state", gas::to_string(c.state)},
                        {"inlet_bar", json_number(c.inlet_bar, 3)},
                        {"outlet_bar", json_number(c.outlet_bar, 3)},
                        {"ratio", json_number(c.ratio, 4)},
                        {"flow_mcm_per_day", json_number(c.flow_mcm_per_day, 3)},
                        {"power_mw", json_number(c.power_mw, 3)}});
  j["compressor_power_mw"] = json_number(o.compressor_power_mw, 3);
  j["compressor_fuel_mcm_per_day"] = json_number(o.compressor_fuel_mcm_per_day, 4);
  j["compressors"] = stations;
  auto at = [](const run::GasPressureAt& p) { return ordered_json{{"node", p.node}, {"bar", json_number(p.bar, 3)}}; };
  if (o.pressure_lowest) j["pressure_lowest"] = at(*o.pressure_lowest);
  if (o.pressure_highest) j["pressure_highest"] = at(*o.pressure_highest);
  if (o.min_pressure_margin) j["min_pressure_margin"] = at(*o.min_pressure_margin);
  j["pressure_violations"] = o.pressure_violations;
  j["violations"] = o.violations;
  if (o.capacity) {
    const auto& c = *o.capacity;
    ordered_json cj;
    cj["scaled"] = c.scaled;
    cj["scale"] = json_number(c.scale, 4);
    cj["nominal_offtake_mcm_per_day"] = json_number(c.nominal_offtake_mcm_per_day, 3);
    cj["max_offtake_mcm_per_day"] = json_number(c.max_offtake_mcm_per_day, 3);
    cj["max_offtake_bcm_per_year"] = json_number(c.max_offtake_bcm_per_year, 3);
    if (c.max_scaled_supply_mcm_per_day) cj["max_scaled_supply_mcm_per_day"] = json_number(c.max_scaled_supply_mcm_per_day, 3);
    cj["binding"] = c.binding;
    cj["binding_element"] = c.binding_element ? ordered_json(*c.binding_element) : ordered_json(nullptr);
    cj["binding_kind"] = c.binding_kind;
    cj["compressors_at_ratio_limit"] = c.compressors_at_ratio_limit;
    cj["solves"] = c.solves;
    j["capacity"] = cj;
    auto list = ordered_json::array();
    for (const auto& n : o.n_minus_1)
      list.push_back({{"outage", n.outage},
                      {"deliverable_mcm_per_day", json_number(n.deliverable_mcm_per_day, 3)},
                      {"deliverable_bcm_per_year", json_number(n.deliverable_bcm_per_year, 3)},
                      {"share_of_nominal", json_number(n.share_of_nominal, 4)},
                      {"max_scale", json_number(n.max_scale, 4)},
                      {"islanded_mcm_per_day", json_number(n.islanded_mcm_per_day, 3)},
                      {"binding", n.binding}});
    j["n_minus_1"] = list;
  }
  if (o.optimisation) {
    const auto& r = *o.optimisation;
    j["mode"] = "optimize";
    ordered_json oj;
    oj["objective"] = r.objective;
    oj["feasible"] = r.feasible;
    oj["objective_value"] = json_number(r.objective_value, r.objective_unit == "MW" ? 4 : 6);
    oj["objective_unit"] = r.objective_unit;
    auto optimised_stations = ordered_json::array();
    for (const auto& st : r.stations)
      optimised_stations.push_back({{"id", st.id},
                          {"state", st.state},
                          {"ratio", json_number(st.ratio, 6)},
                          {"inlet_bar", json_number(st.inlet_bar, 4)},
                          {"outlet_bar", json_number(st.outlet_bar, 4)},
                          {"flow_mcm_per_day", json_number(st.flow_mcm_per_day, 4)},
                          {"power_mw", json_number(st.power_mw, 4)},
                          {"fuel_mcm_per_day", json_number(st.fuel_mcm_per_day, 5)}});
    oj["stations"] = optimised_stations;
    auto valves = ordered_json::array();
    for (const auto& v : r.valves)
      valves.push_back({{"id", v.id},
                        {"kind", v.kind},
                        {"state", v.state},
                        {"outlet_bar", json_number(v.outlet_bar, 4)},
                        {"pressure_drop_bar", json_number(v.pressure_drop_bar, 4)},
                        {"flow_mcm_per_day", json_number(v.flow_mcm_per_day, 4)}});
    oj["valves"] = valves;
    auto binding = ordered_json::array();
    for (const auto& b : r.binding)
      binding.push_back({{"element", b.element},
                         {"limit", b.limit},
                         {"value", json_number(b.value, 6)},
                         {"value_unit", b.value_unit},
                         {"shadow_price", json_number(b.shadow_price, 6)},
                         {"shadow_price_unit", b.shadow_price_unit}});
    oj["binding"] = binding;
    oj["nlp_solves"] = r.nlp_solves;
    oj["simulator_agreement"] = {{"pressure_relative", json_number(r.pressure_agreement, 12)},
                                 {"flow_relative", json_number(r.flow_agreement, 12)},
                                 {"flow_difference_kg_per_s", json_number(r.flow_difference_kg_per_s, 9)}};
    j["optimisation"] = oj;
  }
  return j;
}

void add_gas_link_attributes(const run::GasResults& o, std::size_t link, geo::Feature& f) {
  if (link >= o.links.size() || !o.links[link]) return;
  const auto& v = *o.links[link];
  f.set("flow_mcm_per_day", feature_number(v.flow_mcm_per_day, 4));
  f.set("flow_bcm_per_year", feature_number(v.flow_bcm_per_year, 4));
  f.set("pressure_in_bar", feature_number(v.pressure_in_bar, 3));
  f.set("pressure_out_bar", feature_number(v.pressure_out_bar, 3));
  f.set("velocity_m_per_s", feature_number(v.velocity_m_per_s, 3));
  f.set("utilization", feature_number(v.utilization, 4));
  f.set("gas_closed", v.closed);
}

void add_gas_node_attributes(const run::GasResults& o, std::size_t node, geo::Feature& f) {
  if (node >= o.node_of.size() || !o.node_of[node]) return;
  const auto& v = o.nodes[*o.node_of[node]];
  f.set("pressure_bar", feature_number(v.pressure_bar, 3));
  bool bad = !v.violation.empty();
  if (o.outlet_of[node]) bad = bad || !o.nodes[*o.outlet_of[node]].violation.empty();
  f.set("pressure_violation", bad);
  f.set("gas_injection_mcm_per_day", feature_number(v.injection_mcm_per_day, 4));
  f.set("gas_slack", v.slack);
  if (v.station) {
    const auto& c = o.stations[*v.station];
    f.set("pressure_out_bar", feature_number(c.outlet_bar, 3));
    f.set("compressor_state", std::string(gas::to_string(c.state)));
    f.set("compressor_ratio", feature_number(c.ratio, 4));
    f.set("flow_mcm_per_day", feature_number(c.flow_mcm_per_day, 4));
    f.set("power_mw", feature_number(c.power_mw, 3));
    f.set("fuel_mcm_per_day", feature_number(c.fuel_mcm_per_day, 4));
  }
}

std::string gas_pipes_csv(const network::Network& net, const run::GasResults& o) {
  std::string out = csv_line({"id", "line", "element", "from", "to", "length_km", "diameter_mm", "flow_kg_per_s",
                              "flow_mcm_per_day", "flow_bcm_per_year", "capacity_bcm_per_year", "utilization",
                              "pressure_in_bar", "pressure_out_bar", "velocity_m_per_s", "velocity_in_m_per_s",
                              "velocity_out_m_per_s", "reynolds", "friction_factor", "closed"});
  for (std::size_t k = 0; k < net.links().size(); ++k) {
    if (!o.links[k]) continue;
    const auto& l = net.links()[k];
    const auto& v = *o.links[k];
    out += csv_line({l.id, attribute_text(l.source_feature, "line"), v.element, net.nodes()[l.from].id,
                     net.nodes()[l.to].id, fixed(l.length_km, 3), fixed(l.diameter_mm, 1), fixed(v.flow_kg_per_s, 6),
                     fixed(v.flow_mcm_per_day, 4), fixed(v.flow_bcm_per_year, 4), fixed(v.capacity_bcm_per_year, 3),
                     fixed(v.utilization, 4), fixed(v.pressure_in_bar, 6), fixed(v.pressure_out_bar, 6),
                     fixed(v.velocity_m_per_s, 4), fixed(v.velocity_in_m_per_s, 4), fixed(v.velocity_out_m_per_s, 4),
                     fixed(v.reynolds, 0), fixed(v.friction_factor, 6), v.closed ? "true" : "false"});
  }
  return out;
}

std::string gas_nodes_csv(const run::GasResults& o) {
  std::string out =
      csv_line({"id", "kind", "pressure_bar", "pressure_min_bar", "pressure_max_bar", "margin_above_min_bar",
                "injection_mcm_per_day", "injection_bcm_per_year", "nominated_mcm_per_day", "slack", "violation",
                "compressor_state", "compressor_ratio", "compressor_flow_mcm_per_day", "power_mw", "fuel_mcm_per_day"});
  for (const auto& n : o.nodes) {
    std::vector<std::string> row{n.id,
                                 n.kind,
                                 fixed(n.pressure_bar, 6),
                                 fixed(n.pressure_min_bar, 3),
                                 fixed(n.pressure_max_bar, 3),
                                 fixed(n.margin_above_min_bar, 4),
                                 fixed(n.injection_mcm_per_day, 4),
                                 fixed(n.injection_bcm_per_year, 4),
                                 fixed(n.nominated_mcm_per_day, 4),
                                 n.slack ? "true" : "false",
                                 n.violation};
    if (n.station) {
      const auto& c = o.stations[*n.station];
      row.insert(row.end(), {std::string(gas::to_string(c.state)), fixed(c.ratio, 4), fixed(c.flow_mcm_per_day, 4),
                             fixed(c.power_mw, 3), fixed(c.fuel_mcm_per_day, 4)});
    } else {
      row.insert(row.end(), {"", "", "", "", ""});
    }
    out += csv_line(row);
  }
  return out;
}

namespace {

/// Terminal lines for the optimiser's choice.
void print_optimisation(std::ostream& out, const run::GasOptimisation& r) {
  auto num = [](double x, int decimals) { return std::isfinite(x) ? fixed(x, decimals) : std::string("-"); };
  std::ostringstream agree;
  agree << std::scientific << std::setprecision(1) << r.pressure_agreement;
  out << "  optimised settings (" << r.objective << " " << num(r.objective_value, 4) << " " << r.objective_unit << ", "
      << r.nlp_solves << " NLP solves; the simulator agrees to " << agree.str() << " in pressure):\n";
  std::string closed;
  for (const auto& st : r.stations) {
    if (st.state == "closed") {
      closed += " " + st.id;
      continue;
    }
    out << "    station " << st.id << ": " << st.state;
    if (st.state == "active")
      out << ", ratio " << num(st.ratio, 4) << ", " << num(st.inlet_bar, 2) << " -> " << num(st.outlet_bar, 2) << " bar, "
          << num(st.power_mw, 2) << " MW, fuel " << num(st.fuel_mcm_per_day, 3) << " mcm/day";
    out << '\n';
  }
  if (!closed.empty()) out << "    stations closed:" << closed << '\n';
  for (const auto& v : r.valves) {
    if (v.kind == "valve" && v.state == "bypass") continue;  // open valves: the usual state
    out << "    " << v.kind << ' ' << v.id << ": " << v.state;
    if (v.state == "active") out << ", outlet " << num(v.outlet_bar, 2) << " bar (drop " << num(v.pressure_drop_bar, 2) << " bar)";
    out << '\n';
  }
  std::size_t shown = 0;
  for (const auto& b : r.binding) {
    if (shown++ == 5) {
      out << "    ... " << r.binding.size() - 5 << " more binding constraints in summary.json\n";
      break;
    }
    out << "    binding: " << b.element << ' ' << b.limit << ' ' << num(b.value, 3) << (b.value_unit.empty() ? "" : " ")
        << b.value_unit << ", shadow price "
        << num(b.shadow_price, 4) << ' ' << b.shadow_price_unit << '\n';
  }
}

}  // namespace

void print_gas_summary(std::ostream& out, const run::GasResults& o) {
  const auto& sol = o.study.solution;
  auto num = [](double x, int decimals) { return std::isfinite(x) ? fixed(x, decimals) : std::string("-"); };
  std::ostringstream res;
  res << std::scientific << std::setprecision(1) << sol.residual_norm;
  out << "Gas: converged in " << sol.iterations << " Newton iterations (" << sol.state_changes
      << " state changes), residual " << res.str() << ", " << fixed(o.study.solve_ms, 1) << " ms\n";
  auto list = [&](const char* what, const std::vector<run::GasFlow>& entries, double total_mcm, double total_bcm) {
    out << "  " << what << ' ' << num(total_mcm, 1) << " mcm/day (" << num(total_bcm, 2) << " bcm/yr):";
    for (const auto& e : entries) {
      out << ' ' << e.node << ' ' << num(e.mcm_per_day, 1);
      if (e.slack) out << " (slack)";
      else if (e.nominated_mcm_per_day && std::abs(*e.nominated_mcm_per_day - e.mcm_per_day) > 1e-3)
        out << " (nominated " << num(*e.nominated_mcm_per_day, 1) << ")";
    }
    out << '\n';
  };
  list("supplies", o.supplies, o.supply_mcm_per_day, o.supply_bcm_per_year);
  list("deliveries", o.deliveries, o.delivered_mcm_per_day, o.delivered_bcm_per_year);
  if (o.pressure_lowest)
    out << "  pressures " << num(o.pressure_lowest->bar, 1) << " bar (" << o.pressure_lowest->node << ") to "
        << num(o.pressure_highest->bar, 1) << " bar (" << o.pressure_highest->node << ")";
  if (o.min_pressure_margin)
    out << "; least margin above minimum " << num(o.min_pressure_margin->bar, 1) << " bar at " << o.min_pressure_margin->node;
  out << "; " << o.violations.size() << " limit violations\n";
  for (const auto& v : o.violations) out << "    " << v << '\n';
  if (!o.stations.empty()) {
    std::string limited;
    for (const auto& c : o.stations)
      if (c.state == gas::CompressorState::ratio_limited) limited += " " + c.id;
    out << "  compressors " << num(o.compressor_power_mw, 1) << " MW, fuel gas " << num(o.compressor_fuel_mcm_per_day, 2)
        << " mcm/day" << (limited.empty() ? "" : "; at their ratio limit:" + limited) << '\n';
  }
  if (o.optimisation) print_optimisation(out, *o.optimisation);
  if (o.capacity) {
    const auto& c = *o.capacity;
    out << "  maximum throughput: " << num(c.scale, 3) << " x nominal = " << num(c.max_offtake_mcm_per_day, 1)
        << " mcm/day (" << num(c.max_offtake_bcm_per_year, 2) << " bcm/yr); binding: " << c.binding << '\n';
    for (const auto& n : o.n_minus_1)
      out << "  N-1 " << n.outage << ": " << num(n.deliverable_mcm_per_day, 1) << " mcm/day ("
          << num(n.deliverable_bcm_per_year, 2) << " bcm/yr, " << fixed(100.0 * n.share_of_nominal, 0)
          << "% of nominal); " << n.binding << "\n";
    out << "  capacity studies " << fixed(o.study.study_ms, 0) << " ms\n";
  }
}

}  // namespace corridor::app
