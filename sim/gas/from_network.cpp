#include "sim/gas/from_network.hpp"

#include "geo/error.hpp"
#include "sim/gas/slack_rule.hpp"
#include "sim/gas/solver.hpp"
#include "sim/network/attributes.hpp"

namespace corridor::gas {

using network::AttributeReader;
using network::Bound;

NetworkGasModel gas_network_from(const network::Network& net, const NetworkGasOptions& options) {
  NetworkGasModel out;
  GasNetwork& g = out.gas;
  g.gas = options.gas;
  g.friction = options.friction;
  g.coordinates_note = "node x/y: WGS84 longitude/latitude in degrees, from the corridor network";
  const auto& nodes = net.nodes();
  const auto& links = net.links();
  const auto& nfile = net.sources().nodes_file;
  const auto& lfile = net.sources().links_file;
  out.node_of.assign(nodes.size(), std::nullopt);
  out.outlet_of.assign(nodes.size(), std::nullopt);
  out.compressor_of.assign(nodes.size(), std::nullopt);
  out.pipe_of.assign(links.size(), std::nullopt);
  out.valve_of.assign(links.size(), std::nullopt);
  ProblemList problems;
  const double rho_n = g.gas.normal_density_kg_per_m3;

  std::vector<bool> used(nodes.size(), false);
  for (const auto& l : links)
    if (l.mode == network::Mode::pipeline) used[l.from] = used[l.to] = true;

  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (!used[i]) continue;
    const auto& n = nodes[i];
    AttributeReader r(n.source_feature, nfile, "node '" + n.id + "'", problems);
    Node gn;
    gn.id = n.id;
    gn.x = n.position.lon_deg;
    gn.y = n.position.lat_deg;
    if (n.pressure_min_bar) gn.pressure_min_pa = pa_from_bar(*n.pressure_min_bar);
    if (n.pressure_max_bar) gn.pressure_max_pa = pa_from_bar(*n.pressure_max_bar);
    gn.injection_kg_per_s = kg_per_s_from_mcm_per_day(n.supply_mcm_per_day - n.demand_mcm_per_day, rho_n);
    gn.entry = n.kind == network::NodeKind::gas_source;
    gn.flow_nominated = r.boolean("flow_nominated").value_or(false);
    if (const auto p = r.number("pressure_set_bar", Bound::positive)) {
      gn.pressure_set_pa = pa_from_bar(*p);
    }
    if (const auto h = r.number("height_m", Bound::any)) gn.height_m = *h;
    out.node_of[i] = g.nodes.size();
    g.nodes.push_back(gn);
    if (n.kind != network::NodeKind::compressor) continue;

    // Split the station: inlet keeps the id (and the supply/demand, min pressure), outlet gets ":out".
    Node outlet;
    outlet.id = n.id + ":out";
    outlet.x = gn.x;
    outlet.y = gn.y;
    outlet.height_m = gn.height_m;
    outlet.pressure_max_pa = gn.pressure_max_pa;
    g.nodes[*out.node_of[i]].pressure_max_pa.reset();
    out.outlet_of[i] = g.nodes.size();
    g.nodes.push_back(outlet);
    Compressor c;
    c.id = n.id;
    c.from = *out.node_of[i];
    c.to = *out.outlet_of[i];
    const auto outlet_bar = r.number("compressor_outlet_bar", Bound::positive);
    const auto ratio = r.number("compressor_ratio", Bound::positive);
    c.ratio_max = r.number("compressor_ratio_max", Bound::positive);
    if (const auto mw = r.number("compressor_power_max_mw", Bound::positive)) c.power_max_w = *mw * 1e6;
    if (const auto eta = r.number("compressor_efficiency", Bound::positive)) {
      if (*eta > 1.0) r.problem("compressor_efficiency is above 1");
      else c.isentropic_efficiency = *eta;
    }
    if (outlet_bar || (!ratio && n.pressure_max_bar)) {
      c.mode = CompressorMode::outlet_pressure;
      c.outlet_pressure_pa = pa_from_bar(outlet_bar ? *outlet_bar : *n.pressure_max_bar);
    } else if (ratio || c.ratio_max) {
      c.mode = CompressorMode::ratio;
      c.ratio = ratio ? *ratio : *c.ratio_max;
    } else {
      r.problem("a compressor needs compressor_outlet_bar, pressure_max_bar or compressor_ratio");
    }
    c.in_service = !n.closed;
    // Operating limits for the optimiser (GasLib compressorStation).
    if (const auto v = r.number("compressor_ratio_min", Bound::positive)) c.ratio_min = *v;
    if (const auto v = r.number("compressor_flow_min_mcm_per_day", Bound::non_negative))
      c.flow_min_kg_per_s = kg_per_s_from_mcm_per_day(*v, rho_n);
    if (const auto v = r.number("compressor_flow_max_mcm_per_day", Bound::non_negative))
      c.flow_max_kg_per_s = kg_per_s_from_mcm_per_day(*v, rho_n);
    if (const auto v = r.number("compressor_pressure_in_min_bar", Bound::positive)) c.pressure_in_min_pa = pa_from_bar(*v);
    if (const auto v = r.number("compressor_pressure_out_max_bar", Bound::positive)) c.pressure_out_max_pa = pa_from_bar(*v);
    out.compressor_of[i] = g.compressors.size();
    g.compressors.push_back(c);
  }

  for (std::size_t k = 0; k < links.size(); ++k) {
    const auto& l = links[k];
    if (l.mode != network::Mode::pipeline) continue;
    AttributeReader r(l.source_feature, lfile, "link '" + l.id + "'", problems);
    const std::string element = r.text("gas_element").value_or("pipe");
    if (element == "short_pipe" || element == "valve" || element == "control_valve" || element == "loss_resistor") {
      Valve v;
      v.id = l.id;
      v.from = out.outlet_of[l.from] ? *out.outlet_of[l.from] : *out.node_of[l.from];
      v.to = *out.node_of[l.to];
      v.kind = element == "valve"           ? ValveKind::valve
               : element == "short_pipe"    ? ValveKind::short_pipe
               : element == "loss_resistor" ? ValveKind::loss_resistor
                                            : ValveKind::control_valve;
      v.open = !l.closed;
      if (v.kind == ValveKind::loss_resistor) {
        v.control = ValveControl::pressure_drop;
        v.setpoint_pa = pa_from_bar(r.number("pressure_loss_bar", Bound::non_negative, true).value_or(0.0));
        v.optimise = false;
      }
      if (v.kind == ValveKind::control_valve) {
        // Set point (active on outlet pressure; otherwise open: its bypass) and limits for the optimiser.
        if (const auto set = r.number("control_outlet_bar", Bound::positive)) {
          v.control = ValveControl::outlet_pressure;
          v.setpoint_pa = pa_from_bar(*set);
        }
        if (const auto x = r.number("control_drop_min_bar", Bound::non_negative)) v.pressure_drop_min_pa = pa_from_bar(*x);
        if (const auto x = r.number("control_drop_max_bar", Bound::non_negative)) v.pressure_drop_max_pa = pa_from_bar(*x);
        if (const auto x = r.number("control_pressure_in_min_bar", Bound::positive)) v.pressure_in_min_pa = pa_from_bar(*x);
        if (const auto x = r.number("control_pressure_out_max_bar", Bound::positive)) v.pressure_out_max_pa = pa_from_bar(*x);
        if (const auto x = r.number("control_flow_max_mcm_per_day", Bound::non_negative))
          v.flow_max_kg_per_s = kg_per_s_from_mcm_per_day(*x, rho_n);
      }
      out.valve_of[k] = g.valves.size();
      g.valves.push_back(v);
      continue;
    }
    if (element != "pipe" && element != "resistor") {
      r.problem("unknown gas_element '" + element +
                "' (expected pipe, resistor, short_pipe, valve, control_valve or loss_resistor)");
      continue;
    }
    if (!l.diameter_mm) {
      r.problem("a pipeline needs diameter_mm");
      continue;
    }
    // Into a compressor node: its inlet; out of it: its outlet.
    const std::size_t from = out.outlet_of[l.from] ? *out.outlet_of[l.from] : *out.node_of[l.from];
    const std::size_t to = *out.node_of[l.to];
    Pipe p;
    p.id = l.id;
    p.from = from;
    p.to = to;
    p.length_m = l.length_km * 1000.0;
    p.diameter_m = *l.diameter_mm / 1000.0;
    p.roughness_m = l.roughness_mm.value_or(options.default_roughness_mm) / 1000.0;
    if (l.pressure_max_bar) p.pressure_max_pa = pa_from_bar(*l.pressure_max_bar);
    if (l.efficiency) p.efficiency = *l.efficiency;
    p.directed = l.directed;
    p.in_service = !l.closed;
    if (element == "resistor") {
      p.length_m = 0.0;
      p.loss_coefficient = r.number("loss_coefficient", Bound::positive, true).value_or(0.0);
    } else if (p.length_m <= 0.0) {
      r.problem("a pipeline needs a positive length");
    }
    out.pipe_of[k] = g.pipes.size();
    g.pipes.push_back(p);
  }

  problems.throw_if_any();
  // Slack nodes: the one rule shared with the GasLib reader and importer (slack_rule.hpp).
  const auto choice = assign_slack_nodes(g);
  if (choice.problem == SlackChoice::Problem::no_entry)
    throw InputError(nfile, "", "no gas node has pressure_set_bar and there is no gas_source to hold the pressure");
  if (choice.problem == SlackChoice::Problem::no_pressure_max)
    throw InputError(nfile, "node '" + g.nodes[*choice.entry].id + "'",
                     "the main gas_source needs pressure_max_bar (or give some node pressure_set_bar)");
  g.validate(nfile);
  return out;
}

}  // namespace corridor::gas
