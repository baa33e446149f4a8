#include "sim/gas/settings.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>

#include "geo/error.hpp"
#include "sim/gas/gaslib_cs.hpp"
#include "sim/gas/units.hpp"

namespace corridor::gas {

using scenario::YamlReader;

namespace {

SettingId located_key(const YamlReader& r, const YAML::Node& key) {
  return {r.key_text(key), r.file().string(), YamlReader::line_of(key)};
}

template <typename T>
T pick(const YamlReader& r, const YAML::Node& map, std::string_view key,
       const std::vector<std::pair<std::string_view, T>>& names) {
  const std::string text = r.text(map, key);
  std::string list;
  for (const auto& [name, value] : names) {
    if (name == text) return value;
    list += (list.empty() ? "" : ", ") + std::string(name);
  }
  r.fail(map[std::string(key)], key, "unknown value '" + text + "' (expected " + list + ")");
}

bool flag(const YamlReader& r, const YAML::Node& map, std::string_view key, bool otherwise) {
  const YAML::Node v = map[std::string(key)];
  if (!v) return otherwise;
  bool b = false;
  if (!v.IsScalar() || !YAML::convert<bool>::decode(v, b)) r.fail(v, key, "expected true or false");
  return b;
}

/// `{ID: {mcm_per_day: X}}` or `{ID: {bcm_per_year: X}}`.
std::vector<Nomination> nominations(const YamlReader& r, const YAML::Node& node, std::string_view key) {
  std::vector<Nomination> out;
  if (!node) return out;
  if (!node.IsMap()) r.fail(node, key, "expected a mapping of node id to {mcm_per_day: X} or {bcm_per_year: X}");
  for (const auto& kv : node) {
    const SettingId id = located_key(r, kv.first);
    const std::string what = std::string(key) + " " + id.value;
    r.expect_map(kv.second, what, {"mcm_per_day", "bcm_per_year"});
    const auto mcm = r.optional_number(kv.second, "mcm_per_day", 0.0);
    const auto bcm = r.optional_number(kv.second, "bcm_per_year", 0.0);
    if (mcm.has_value() == bcm.has_value()) r.fail(kv.second, what, "give exactly one of mcm_per_day and bcm_per_year");
    // 1 bcm/year = 1000/365 mcm/day (units.hpp: a 365-day year).
    out.push_back({id, mcm ? *mcm : *bcm * 1000.0 / days_per_year});
  }
  return out;
}

std::vector<SettingId> id_list(const YamlReader& r, const YAML::Node& map, std::string_view key, bool& all) {
  std::vector<SettingId> out;
  const YAML::Node v = map[std::string(key)];
  all = false;
  if (!v) return out;
  if (v.IsScalar()) {
    if (v.Scalar() == "all") {
      all = true;
      return out;
    }
    return {{v.Scalar(), r.file().string(), YamlReader::line_of(v)}};
  }
  r.expect_sequence(v, key);
  for (const auto& item : v) {
    if (!item.IsScalar()) r.fail(item, key, "expected a list of ids (or all)");
    out.push_back({item.Scalar(), r.file().string(), YamlReader::line_of(item)});
  }
  return out;
}

CapacitySettings capacity_settings(const YamlReader& r, const YAML::Node& node) {
  r.expect_map(node, "capacity", {"offtakes", "supplies", "n_minus_1", "ignore", "tolerance", "scale_max"});
  CapacitySettings c;
  bool all = false;
  c.offtakes = id_list(r, node, "offtakes", c.all_offtakes);
  c.supplies = id_list(r, node, "supplies", all);
  if (all) r.fail(node["supplies"], "supplies", "list the supplies to scale (all is only for offtakes)");
  if (!node["offtakes"] && !node["supplies"]) c.all_offtakes = true;
  c.n_minus_1 = id_list(r, node, "n_minus_1", c.n_minus_1_all);
  const std::vector<std::pair<std::string_view, Violation::Kind>> kinds{
      {"pressure_below_min", Violation::Kind::pressure_below_min},
      {"pressure_above_max", Violation::Kind::pressure_above_max},
      {"pipe_pressure_above_max", Violation::Kind::pipe_pressure_above_max},
      {"velocity_above_max", Violation::Kind::velocity_above_max},
      {"ratio_above_max", Violation::Kind::ratio_above_max},
      {"power_above_max", Violation::Kind::power_above_max}};
  if (const YAML::Node ig = node["ignore"]) {
    std::vector<YAML::Node> items;
    if (ig.IsScalar()) {
      items.push_back(ig);
    } else {
      r.expect_sequence(ig, "ignore");
      for (const auto& item : ig) items.push_back(item);
    }
    for (const auto& item : items) {
      bool known = false;
      for (const auto& [name, kind] : kinds)
        if (item.IsScalar() && item.Scalar() == name) {
          c.ignore.push_back(kind);
          known = true;
        }
      if (!known) {
        std::string names;
        for (const auto& [name, kind] : kinds) names += (names.empty() ? "" : ", ") + std::string(name);
        r.fail(item, "ignore",
               "unknown limit '" + (item.IsScalar() ? item.Scalar() : std::string("?")) + "' (expected " + names + ")");
      }
    }
  }
  if (const auto t = r.optional_number(node, "tolerance", 0.0)) {
    if (!(*t > 0.0) || *t >= 0.5) r.fail(node["tolerance"], "tolerance", "must be in (0, 0.5)");
    c.relative_tolerance = *t;
  }
  if (const auto s = r.optional_number(node, "scale_max", 1.0)) c.scale_max = *s;
  return c;
}

[[noreturn]] void fail_at(const SettingId& id, const std::string& what) {
  throw InputError(id.file, "line " + std::to_string(id.line) + ", key '" + id.value + "'", what);
}

}  // namespace

GasSettings parse_gas_settings(const YamlReader& r, const YAML::Node& gas) {
  r.expect_map(gas, "gas",
               {"mode", "objective", "gas", "law", "z", "z_slope_per_bar", "friction", "friction_factor", "roughness_mm",
                "pressure_min_bar", "pressure_max_bar", "supplies", "offtakes", "slack", "compressors", "compressor_stations",
                "solver", "capacity"});
  GasSettings s;
  s.file = r.file().string();
  if (gas["mode"])
    s.mode = pick<GasMode>(r, gas, "mode", {{"simulate", GasMode::simulate}, {"optimize", GasMode::optimize}});
  if (gas["objective"]) {
    if (s.mode != GasMode::optimize) r.fail(gas["objective"], "objective", "an objective needs mode: optimize");
    s.objective = pick<Objective>(r, gas, "objective",
                                  {{"compressor_power", Objective::compressor_power},
                                   {"fuel", Objective::fuel},
                                   {"max_delivery", Objective::max_delivery}});
  }
  if (const YAML::Node g = gas["gas"]) {
    r.expect_map(g, "gas: gas",
                 {"specific_gravity", "normal_density_kg_per_m3", "temperature_c", "temperature_k", "viscosity_pa_s",
                  "heat_capacity_ratio", "pseudocritical_pressure_bar", "pseudocritical_temperature_k"});
    s.specific_gravity = r.optional_number(g, "specific_gravity", 0.0);
    s.normal_density_kg_per_m3 = r.optional_number(g, "normal_density_kg_per_m3", 0.0);
    if (s.specific_gravity && s.normal_density_kg_per_m3)
      r.fail(g, "specific_gravity", "give specific_gravity or normal_density_kg_per_m3, not both");
    if ((s.specific_gravity && *s.specific_gravity <= 0.0) ||
        (s.normal_density_kg_per_m3 && *s.normal_density_kg_per_m3 <= 0.0))
      r.fail(g, s.specific_gravity ? "specific_gravity" : "normal_density_kg_per_m3", "must be positive");
    const auto tc = r.optional_number(g, "temperature_c", -273.15);
    s.temperature_k = r.optional_number(g, "temperature_k", 0.0);
    if (tc && s.temperature_k) r.fail(g, "temperature_c", "give temperature_c or temperature_k, not both");
    if (tc) s.temperature_k = *tc + 273.15;
    if (s.temperature_k && *s.temperature_k <= 0.0) r.fail(g, "temperature", "must be above absolute zero");
    s.viscosity_pa_s = r.optional_number(g, "viscosity_pa_s", 0.0);
    s.heat_capacity_ratio = r.optional_number(g, "heat_capacity_ratio", 1.0);
    s.pseudocritical_pressure_bar = r.optional_number(g, "pseudocritical_pressure_bar", 0.0);
    s.pseudocritical_temperature_k = r.optional_number(g, "pseudocritical_temperature_k", 0.0);
    for (const char* k :
         {"viscosity_pa_s", "heat_capacity_ratio", "pseudocritical_pressure_bar", "pseudocritical_temperature_k"})
      if (const auto v = r.optional_number(g, k, 0.0); v && *v <= 0.0) r.fail(g[k], k, "must be positive");
    if (s.heat_capacity_ratio && *s.heat_capacity_ratio <= 1.0)
      r.fail(g["heat_capacity_ratio"], "heat_capacity_ratio", "must be above 1");
  }
  if (gas["law"])
    s.law = pick<GasLaw>(r, gas, "law",
                         {{"ideal", GasLaw::ideal},
                          {"constant_z", GasLaw::constant_z},
                          {"linear_z", GasLaw::linear_z},
                          {"papay", GasLaw::papay},
                          {"cnga_simple", GasLaw::cnga_simple},
                          {"cnga_full", GasLaw::cnga_full}});
  s.z = r.optional_number(gas, "z", 0.0);
  if (s.z && *s.z <= 0.0) r.fail(gas["z"], "z", "must be positive");
  if ((s.law == GasLaw::constant_z || s.law == GasLaw::linear_z) && !s.z)
    r.fail(gas["law"], "z", "law " + std::string(to_string(*s.law)) + " needs z");
  if (s.z && s.law != GasLaw::constant_z && s.law != GasLaw::linear_z)
    r.fail(gas["z"], "z", "z is only used by the laws constant_z and linear_z");
  if (gas["z_slope_per_bar"] && s.law != GasLaw::linear_z)
    r.fail(gas["z_slope_per_bar"], "z_slope_per_bar", "z_slope_per_bar is only used by the law linear_z");
  s.z_slope_per_bar = r.optional_number(gas, "z_slope_per_bar", -1.0);
  if (gas["friction"])
    s.friction = pick<FrictionModel>(r, gas, "friction",
                                     {{"nikuradse", FrictionModel::nikuradse},
                                      {"colebrook_white", FrictionModel::colebrook_white},
                                      {"hofer", FrictionModel::hofer},
                                      {"swamee_jain", FrictionModel::swamee_jain},
                                      {"fixed", FrictionModel::fixed}});
  s.friction_factor = r.optional_number(gas, "friction_factor", 0.0);
  if (s.friction == FrictionModel::fixed && !s.friction_factor)
    r.fail(gas["friction"], "friction_factor", "friction fixed needs friction_factor");
  if (s.friction_factor && (*s.friction_factor <= 0.0 || *s.friction_factor >= 1.0))
    r.fail(gas["friction_factor"], "friction_factor", "must be in (0, 1)");
  s.roughness_mm = r.optional_number(gas, "roughness_mm", 0.0);
  s.pressure_min_bar = r.optional_number(gas, "pressure_min_bar", 0.0);
  s.pressure_max_bar = r.optional_number(gas, "pressure_max_bar", 0.0);
  if (s.pressure_min_bar && s.pressure_max_bar && *s.pressure_min_bar > *s.pressure_max_bar)
    r.fail(gas["pressure_min_bar"], "pressure_min_bar", "is above pressure_max_bar");
  s.supplies = nominations(r, gas["supplies"], "supplies");
  s.offtakes = nominations(r, gas["offtakes"], "offtakes");
  if (const YAML::Node sl = gas["slack"]) {
    if (!sl.IsMap()) r.fail(sl, "slack", "expected a mapping of node id to its pressure in bar (absolute)");
    for (const auto& kv : sl) {
      const SettingId id = located_key(r, kv.first);
      double p = 0.0;
      if (!kv.second.IsScalar() || !YAML::convert<double>::decode(kv.second, p) || !std::isfinite(p) || p <= 0.0)
        r.fail(kv.second, id.value, "expected the slack pressure in bar (absolute), a positive number");
      s.slack.push_back({id, p});
    }
  }
  if (const YAML::Node cs = gas["compressors"]) {
    if (!cs.IsMap()) r.fail(cs, "compressors", "expected a mapping of station id to its settings");
    for (const auto& kv : cs) {
      StationSetting st;
      st.node = located_key(r, kv.first);
      r.expect_map(kv.second, "compressors " + st.node.value,
                   {"outlet_bar", "ratio", "ratio_max", "power_max_mw", "efficiency"});
      st.outlet_bar = r.optional_number(kv.second, "outlet_bar", 0.0);
      st.ratio = r.optional_number(kv.second, "ratio", 1.0);
      st.ratio_max = r.optional_number(kv.second, "ratio_max", 1.0);
      st.power_max_mw = r.optional_number(kv.second, "power_max_mw", 0.0);
      st.efficiency = r.optional_number(kv.second, "efficiency", 0.0);
      if (st.efficiency && (*st.efficiency <= 0.0 || *st.efficiency > 1.0))
        r.fail(kv.second["efficiency"], "efficiency", "must be in (0, 1]");
      if (st.outlet_bar && *st.outlet_bar <= 0.0) r.fail(kv.second["outlet_bar"], "outlet_bar", "must be positive");
      s.compressors.push_back(st);
    }
  }
  if (const YAML::Node cs = gas["compressor_stations"]) {
    r.expect_map(cs, "gas: compressor_stations", {"file", "ambient_temperature_c"});
    GasSettings::StationData d;
    const auto path = std::filesystem::path(r.file()).parent_path() / r.text(cs, "file");
    if (!std::filesystem::is_regular_file(path)) r.fail(cs["file"], "file", "no such file: " + path.string());
    d.file = path.string();
    if (!cs["ambient_temperature_c"])
      r.fail(cs, "compressor_stations", "needs ambient_temperature_c (degC; the turbines' largest power depends on it)");
    d.ambient_temperature_c = r.number(cs, "ambient_temperature_c", -100.0);
    if (d.ambient_temperature_c > 100.0) r.fail(cs["ambient_temperature_c"], "ambient_temperature_c", "must be in -100 to 100 degC");
    s.compressor_stations = d;
  }
  if (const YAML::Node so = gas["solver"]) {
    r.expect_map(so, "gas: solver", {"max_iterations", "tolerance", "fuel_gas", "polytropic"});
    if (const auto it = r.optional_number(so, "max_iterations", 1.0)) {
      if (*it > 100000 || *it != std::floor(*it))
        r.fail(so["max_iterations"], "max_iterations", "must be a whole number up to 100000");
      s.solver.max_iterations = static_cast<int>(*it);
    }
    if (const auto t = r.optional_number(so, "tolerance", 0.0)) {
      if (!(*t > 0.0) || *t > 1e-3) r.fail(so["tolerance"], "tolerance", "must be in (0, 1e-3]");
      s.solver.tolerance = *t;
    }
    s.solver.withdraw_fuel_gas = flag(r, so, "fuel_gas", false);
    s.solver.polytropic = flag(r, so, "polytropic", false);
  }
  if (const YAML::Node cap = gas["capacity"]) s.capacity = capacity_settings(r, cap);
  return s;
}

namespace {

NetworkGasOptions gas_options(const GasSettings& s) {
  NetworkGasOptions o;
  const double t = s.temperature_k.value_or(o.gas.temperature_k);
  Gas g = o.gas;
  if (s.normal_density_kg_per_m3) {
    g.normal_density_kg_per_m3 = *s.normal_density_kg_per_m3;
  } else if (s.specific_gravity) {
    g.normal_density_kg_per_m3 = Gas::from_specific_gravity(*s.specific_gravity, t).normal_density_kg_per_m3;
  }
  g.temperature_k = t;
  if (s.viscosity_pa_s) g.viscosity_pa_s = *s.viscosity_pa_s;
  if (s.heat_capacity_ratio) g.heat_capacity_ratio = *s.heat_capacity_ratio;
  if (s.pseudocritical_pressure_bar) g.pseudocritical_pressure_pa = pa_from_bar(*s.pseudocritical_pressure_bar);
  if (s.pseudocritical_temperature_k) g.pseudocritical_temperature_k = *s.pseudocritical_temperature_k;
  if (s.law) g.law = *s.law;
  if (s.z) g.z_constant = *s.z;
  if (s.z_slope_per_bar) g.z_slope_per_pa = *s.z_slope_per_bar / pa_per_bar;
  o.gas = g;
  if (s.friction) o.friction = *s.friction;
  if (s.roughness_mm) o.default_roughness_mm = *s.roughness_mm;
  return o;
}

/// Gas nodes of the corridor network: the nodes pipelines touch.
std::vector<bool> gas_nodes(const network::Network& net) {
  std::vector<bool> used(net.nodes().size(), false);
  for (const auto& l : net.links())
    if (l.mode == network::Mode::pipeline) used[l.from] = used[l.to] = true;
  return used;
}

std::size_t gas_node_index(const network::Network& net, const std::vector<bool>& used, const SettingId& id) {
  const auto n = net.find_node(id.value);
  if (!n) fail_at(id, "no node '" + id.value + "' in the network");
  if (!used[*n]) fail_at(id, "node '" + id.value + "' is not a gas node (no pipeline touches it)");
  return *n;
}

}  // namespace

GasCase gas_case(const network::Network& network, const GasSettings& s) {
  network::Network net = network;
  auto& nodes = net.nodes();
  const auto used = gas_nodes(net);

  for (std::size_t i = 0; i < nodes.size(); ++i) {
    if (!used[i]) continue;
    if (s.pressure_min_bar && !nodes[i].pressure_min_bar) nodes[i].pressure_min_bar = s.pressure_min_bar;
    if (s.pressure_max_bar && !nodes[i].pressure_max_bar) nodes[i].pressure_max_bar = s.pressure_max_bar;
  }
  for (const auto& n : s.supplies) nodes[gas_node_index(net, used, n.node)].supply_mcm_per_day = n.mcm_per_day;
  for (const auto& n : s.offtakes) nodes[gas_node_index(net, used, n.node)].demand_mcm_per_day = n.mcm_per_day;
  if (!s.slack.empty()) {
    for (std::size_t i = 0; i < nodes.size(); ++i)
      if (used[i]) nodes[i].source_feature.set("pressure_set_bar", geo::Value{});
    for (const auto& sl : s.slack)
      nodes[gas_node_index(net, used, sl.node)].source_feature.set("pressure_set_bar", sl.pressure_bar);
  }
  for (const auto& st : s.compressors) {
    auto& n = nodes[gas_node_index(net, used, st.node)];
    if (n.kind != network::NodeKind::compressor)
      fail_at(st.node, "node '" + st.node.value + "' is not a compressor station");
    auto& f = n.source_feature;
    if (st.outlet_bar) f.set("compressor_outlet_bar", *st.outlet_bar);
    if (st.ratio) {
      f.set("compressor_ratio", *st.ratio);
      if (!st.outlet_bar) f.set("compressor_outlet_bar", geo::Value{});  // a fixed ratio replaces outlet control
    }
    if (st.ratio_max) f.set("compressor_ratio_max", *st.ratio_max);
    if (st.power_max_mw) f.set("compressor_power_max_mw", *st.power_max_mw);
    if (st.efficiency) f.set("compressor_efficiency", *st.efficiency);
  }

  GasCase out;
  out.model = gas_network_from(net, gas_options(s));
  auto& g = out.model.gas;
  if (s.friction_factor) g.friction_factor = *s.friction_factor;
  if (s.compressor_stations)
    attach_compressor_stations(g, read_gaslib_compressor_stations(s.compressor_stations->file),
                               s.compressor_stations->ambient_temperature_c);
  // Optimising, a station the scenario sets (outlet_bar or ratio) keeps that setting.
  for (const auto& st : s.compressors)
    if (st.outlet_bar || st.ratio)
      g.compressors[*out.model.compressor_of[*net.find_node(st.node.value)]].optimise = s.mode != GasMode::optimize;

  // Nominations at nodes that hold the pressure would be silently replaced by the balance.
  auto gas_index = [&](const SettingId& id) { return *out.model.node_of[*net.find_node(id.value)]; };
  for (const auto* list : {&s.supplies, &s.offtakes})
    for (const auto& n : *list)
      if (g.nodes[gas_index(n.node)].pressure_set_pa)
        fail_at(n.node, "node '" + n.node.value +
                            "' holds the pressure (a slack node): its flow is the balance of the network and cannot be "
                            "nominated; nominate other nodes or choose the slack nodes with gas: slack");
  out.nominated_mcm_per_day.assign(g.nodes.size(), std::nullopt);
  const double rho_n = g.gas.normal_density_kg_per_m3;
  for (std::size_t i = 0; i < g.nodes.size(); ++i)
    if (!g.nodes[i].pressure_set_pa)
      out.nominated_mcm_per_day[i] = mcm_per_day_from_kg_per_s(g.nodes[i].injection_kg_per_s, rho_n);

  // What the throughput study scales.
  if (s.capacity) {
    const auto& c = *s.capacity;
    if (c.all_offtakes)
      for (std::size_t i = 0; i < g.nodes.size(); ++i)
        if (!g.nodes[i].pressure_set_pa && g.nodes[i].injection_kg_per_s < 0.0) out.scaled_nodes.push_back(i);
    for (const auto& id : c.offtakes) {
      gas_node_index(net, used, id);
      const auto i = gas_index(id);
      if (g.nodes[i].pressure_set_pa || g.nodes[i].injection_kg_per_s >= 0.0)
        fail_at(id, "node '" + id.value + "' has no nominated offtake to scale");
      out.scaled_nodes.push_back(i);
    }
    for (const auto& id : c.supplies) {
      gas_node_index(net, used, id);
      const auto i = gas_index(id);
      if (g.nodes[i].pressure_set_pa || g.nodes[i].injection_kg_per_s <= 0.0)
        fail_at(id, "node '" + id.value + "' has no nominated supply to scale (slack nodes supply the balance)");
      out.scaled_nodes.push_back(i);
    }
    std::sort(out.scaled_nodes.begin(), out.scaled_nodes.end());
    out.scaled_nodes.erase(std::unique(out.scaled_nodes.begin(), out.scaled_nodes.end()), out.scaled_nodes.end());
    if (out.scaled_nodes.empty())
      throw InputError(s.file, "gas: capacity", "nothing to scale: no node has a nominated offtake");

    // N-1 outages: lines (the `line` attribute of pipelines), single pipelines, stations.
    const auto& links = net.links();
    std::vector<std::string> line_names;
    std::vector<std::vector<std::string>> line_elements;
    std::vector<std::string> unlined;
    for (std::size_t k = 0; k < links.size(); ++k) {
      const bool in_model = out.model.pipe_of[k] || out.model.valve_of[k];
      if (!in_model || links[k].closed) continue;
      const auto* v = links[k].source_feature.find("line");
      const std::string line = v ? geo::to_text(*v) : "";
      if (line.empty()) {
        unlined.push_back(links[k].id);
        continue;
      }
      const auto it = std::find(line_names.begin(), line_names.end(), line);
      if (it == line_names.end()) {
        line_names.push_back(line);
        line_elements.push_back({links[k].id});
      } else {
        line_elements[static_cast<std::size_t>(it - line_names.begin())].push_back(links[k].id);
      }
    }
    {  // lines in name order
      std::vector<std::size_t> order(line_names.size());
      for (std::size_t j = 0; j < order.size(); ++j) order[j] = j;
      std::sort(order.begin(), order.end(),
                [&](std::size_t a, std::size_t b) { return line_names[a] < line_names[b]; });
      std::vector<std::string> names;
      std::vector<std::vector<std::string>> elements;
      for (auto j : order) {
        names.push_back(line_names[j]);
        elements.push_back(line_elements[j]);
      }
      line_names = std::move(names);
      line_elements = std::move(elements);
    }
    auto station = [&](std::size_t node) { return Outage{"station '" + nodes[node].id + "'", {}, {nodes[node].id}}; };
    if (c.n_minus_1_all) {
      for (std::size_t j = 0; j < line_names.size(); ++j)
        out.outages.push_back({"line " + line_names[j], line_elements[j], {}});
      for (const auto& id : unlined) out.outages.push_back({"pipeline '" + id + "'", {id}, {}});
      for (std::size_t i = 0; i < nodes.size(); ++i)
        if (out.model.compressor_of[i] && g.compressors[*out.model.compressor_of[i]].in_service)
          out.outages.push_back(station(i));
    }
    for (const auto& id : c.n_minus_1) {
      const auto it = std::find(line_names.begin(), line_names.end(), id.value);
      if (it != line_names.end()) {
        out.outages.push_back(
            {"line " + id.value, line_elements[static_cast<std::size_t>(it - line_names.begin())], {}});
      } else if (const auto k = net.find_link(id.value); k && (out.model.pipe_of[*k] || out.model.valve_of[*k])) {
        if (links[*k].closed) fail_at(id, "pipeline '" + id.value + "' is already out of service");
        out.outages.push_back({"pipeline '" + id.value + "'", {id.value}, {}});
      } else if (const auto n = net.find_node(id.value); n && out.model.compressor_of[*n]) {
        if (!g.compressors[*out.model.compressor_of[*n]].in_service)
          fail_at(id, "station '" + id.value + "' is already out of service");
        out.outages.push_back(station(*n));
      } else {
        std::string names;
        for (const auto& l : line_names) names += (names.empty() ? "" : ", ") + l;
        fail_at(id, "'" + id.value + "' is not a line in service (" + (names.empty() ? "none" : names) +
                        "), a pipeline or a compressor station of the network");
      }
    }
  }
  return out;
}

namespace {

/// After an outage, a part fed only through stations on outlet pressure control may have no pressure
/// level left (e.g. the sources upstream of a head station once their slack is cut off): as
/// gas_network_from does, its largest supply is held at its maximum pressure and supplies the balance.
void give_pressure_references(GasNetwork& g) {
  for (std::size_t guard = 0; guard < g.nodes.size(); ++guard) {
    const auto floating = nodes_without_pressure_reference(g);
    std::optional<std::size_t> best;
    for (std::size_t i = 0; i < g.nodes.size(); ++i)
      if (floating[i] && g.nodes[i].injection_kg_per_s > 0.0 && g.nodes[i].pressure_max_pa &&
          (!best || g.nodes[i].injection_kg_per_s > g.nodes[*best].injection_kg_per_s))
        best = i;
    if (!best) return;
    g.nodes[*best].pressure_set_pa = g.nodes[*best].pressure_max_pa;
  }
}

}  // namespace

GasStudy run_gas_study(const GasCase& gc, const GasSettings& s, bool with_capacity) {
  using clock = std::chrono::steady_clock;
  const auto& net = gc.model.gas;
  GasStudy out;
  const auto t0 = clock::now();
  if (s.mode == GasMode::optimize) {
    OptimizerOptions o;
    o.objective = s.objective;
    o.simulator = s.solver;
    if (s.objective == Objective::max_delivery) {
      o.scaled_nodes = gc.scaled_nodes;
      if (s.capacity) o.scale_max = s.capacity->scale_max;
    }
    out.optimised = optimise(net, o);
    if (!out.optimised->feasible) throw SolverError(out.optimised->message);
    out.solution = out.optimised->solution;
  } else {
    out.solution = solve(net, s.solver);
  }
  const auto t1 = clock::now();
  out.solve_ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
  if (!with_capacity || !s.capacity) return out;

  ThroughputStudy study;
  study.scaled_nodes = gc.scaled_nodes;
  study.scale_max = s.capacity->scale_max;
  study.relative_tolerance = s.capacity->relative_tolerance;
  study.ignored = s.capacity->ignore;
  study.solver = s.solver;
  study.optimise_controls = s.mode == GasMode::optimize;
  out.max_throughput = maximum_throughput(net, study);
  for (const auto& o : gc.outages) {
    GasNetwork changed = net;
    // A station out: its units stop and the gas passes through the station bypass.
    for (const auto& id : o.stations) {
      auto& c = changed.compressors[*changed.find_compressor(id)];
      c.mode = CompressorMode::bypass;
      c.optimise = false;
    }
    for (const auto& id : o.elements) {
      if (const auto p = changed.find_pipe(id)) changed.pipes[*p].in_service = false;
      if (const auto v = changed.find_valve(id)) changed.valves[*v].open = false;
    }
    give_pressure_references(changed);
    try {
      out.n_minus_1.push_back(outage(changed, study, {}, o.label));
    } catch (const InputError& e) {
      Contingency c;
      c.element = o.label;
      for (auto i : gc.scaled_nodes) c.base_kg_per_s += std::abs(net.nodes[i].injection_kg_per_s);
      c.throughput.binding =
          std::string("no steady state (") + (e.problems().empty() ? e.what() : e.problems().front().what) + ")";
      out.n_minus_1.push_back(std::move(c));
    }
  }
  out.study_ms = std::chrono::duration<double, std::milli>(clock::now() - t1).count();
  return out;
}

std::optional<PressureMargin> worst_pressure_margin(const GasNetwork& net, const Solution& sol) {
  std::optional<PressureMargin> worst;
  for (std::size_t i = 0; i < net.nodes.size() && i < sol.pressure_pa.size(); ++i) {
    const auto& n = net.nodes[i];
    if (!n.pressure_min_pa || !std::isfinite(sol.pressure_pa[i])) continue;
    const double margin = bar_from_pa(sol.pressure_pa[i] - *n.pressure_min_pa);
    if (!worst || margin < worst->bar) worst = PressureMargin{margin, n.id};
  }
  return worst;
}

}  // namespace corridor::gas
