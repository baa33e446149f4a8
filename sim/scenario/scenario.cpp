#include "sim/scenario/scenario.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <iterator>
#include <sstream>

#include "geo/csv.hpp"
#include "geo/input_file.hpp"
#include "geo/text.hpp"
#include "sim/scenario/yaml_reader.hpp"

namespace corridor::scenario {

namespace fs = std::filesystem;

namespace {

std::set<network::Mode> parse_modes(const YamlReader& yr, const YAML::Node& map, std::string_view key) {
  std::set<network::Mode> modes;
  for (const auto& text : yr.text_list(map, key)) {
    const auto m = network::parse_mode(text);
    if (!m) yr.fail(map[std::string(key)], key, "unknown mode '" + text + "' (expected rail, road, sea, ferry or pipeline)");
    modes.insert(*m);
  }
  return modes;
}

fs::path resolve(const fs::path& base_dir, const std::string& relative) {
  const fs::path p(relative);
  return p.is_absolute() ? p : (base_dir / p).lexically_normal();
}

/// The trimmed fields of one CSV line.
std::vector<std::string> split_csv(const std::string& line) {
  auto out = geo::csv_split(line);
  for (auto& field : out) {
    const auto b = field.find_first_not_of(" 	");
    const auto e = field.find_last_not_of(" 	");
    field = b == std::string::npos ? std::string{} : field.substr(b, e - b + 1);
  }
  return out;
}


network::GeometryChecks parse_geometry_checks(const YamlReader& yr, const YAML::Node& node) {
  network::GeometryChecks c;
  yr.expect_map(node, "geometry_checks", {"mode", "end_tolerance_km", "length_ratio_max", "country_margin_deg"});
  if (const auto m = yr.optional_text(node, "mode")) {
    if (*m == "error") c.mode = network::GeometryChecks::Mode::error;
    else if (*m == "warning") c.mode = network::GeometryChecks::Mode::warning;
    else if (*m == "off") c.mode = network::GeometryChecks::Mode::off;
    else yr.fail(node["mode"], "mode", "expected error, warning or off, not '" + *m + "'");
  }
  c.end_tolerance_km = yr.optional_number(node, "end_tolerance_km", 0.0).value_or(c.end_tolerance_km);
  c.length_ratio_max = yr.optional_number(node, "length_ratio_max", 1.0).value_or(c.length_ratio_max);
  c.country_margin_deg = yr.optional_number(node, "country_margin_deg", 0.0).value_or(c.country_margin_deg);
  return c;
}

/// `freight: {choice: ...}`: the stochastic equilibrium's route and mode choice. Keys given replace the
/// inherited ones (dispersion and reliability per commodity; `constants` as a whole list).
void parse_choice(const YamlReader& yr, const YAML::Node& node, const fs::path& dir, ChoiceSettings& c) {
  yr.expect_map(node, "choice",
                {"nests", "path_size", "routes_per_od", "penalty_routes", "penalty", "via", "dispersion",
                 "reliability_usd_per_teu_h", "constants", "constant_values"});
  c.file = yr.file().string();
  c.line = YamlReader::line_of(node);
  if (const auto n = yr.optional_text(node, "nests")) {
    if (*n == "main_mode") c.nests_by_main_mode = true;
    else if (*n == "none") c.nests_by_main_mode = false;
    else yr.fail(node["nests"], "nests", "expected main_mode or none, not '" + *n + "'");
  }
  c.path_size = yr.optional_number(node, "path_size", 0.0).value_or(c.path_size);
  auto whole = [&](std::string_view key, double min, std::size_t current) {
    const auto v = yr.optional_number(node, key, min);
    if (!v) return current;
    if (*v != std::floor(*v) || *v > 1000.0) yr.fail(node[std::string(key)], key, "must be a whole number up to 1000");
    return static_cast<std::size_t>(*v);
  };
  c.routes_per_od = whole("routes_per_od", 1.0, c.routes_per_od);
  c.penalty_routes = whole("penalty_routes", 0.0, c.penalty_routes);
  c.penalty = yr.optional_number(node, "penalty", 0.0).value_or(c.penalty);
  if (node["via"]) {
    c.via.clear();
    const int line = YamlReader::line_of(node["via"]);
    for (auto& id : yr.text_list(node, "via")) c.via.push_back({std::move(id), yr.file().string(), line});
  }
  if (const YAML::Node d = node["dispersion"]) {
    if (!d.IsMap()) yr.fail(d, "dispersion", "expected a mapping of commodity to {route_per_usd, mode_per_usd}");
    for (const auto& kv : d) {
      const std::string name = yr.key_text(kv.first);
      const std::string what = "dispersion of '" + name + "'";
      yr.expect_map(kv.second, what, {"route_per_usd", "mode_per_usd", "calibrate", "same_as"});
      // An entry for a commodity the scenario inherits changes the keys it gives, keeps the others.
      const auto inherited = c.dispersion.find(name);
      ChoiceDispersion disp = inherited != c.dispersion.end() ? inherited->second : ChoiceDispersion{};
      disp.file = yr.file().string();
      disp.line = YamlReader::line_of(kv.second);
      if (const auto same = yr.optional_text(kv.second, "same_as")) {
        // The dispersion of another commodity, whatever it is (also once calibrated).
        if (kv.second.size() != 1) yr.fail(kv.second, "same_as", "same_as stands alone (no other keys beside it)");
        if (*same == name) yr.fail(kv.second["same_as"], "same_as", "a commodity cannot take its own dispersion");
        disp = ChoiceDispersion{};
        disp.same_as = *same;
        disp.file = yr.file().string();
        disp.line = YamlReader::line_of(kv.second);
        c.dispersion[name] = disp;
        continue;
      }
      disp.same_as.clear();
      if (inherited == c.dispersion.end() || !inherited->second.same_as.empty() || kv.second["route_per_usd"]) {
        disp.route_per_usd = yr.number(kv.second, "route_per_usd", 0.0);
        if (!(disp.route_per_usd > 0.0)) yr.fail(kv.second["route_per_usd"], "route_per_usd", "must be positive");
      }
      disp.mode_per_usd = yr.optional_number(kv.second, "mode_per_usd", 0.0).value_or(disp.mode_per_usd);
      if (disp.mode_per_usd > disp.route_per_usd)
        yr.fail(kv.second["mode_per_usd"], "mode_per_usd",
                "may not exceed route_per_usd (the choice between modes is at least as dispersed as between routes)");
      if (kv.second["calibrate"]) disp.calibrate_route = disp.calibrate_mode = false;
      for (const auto& p : yr.text_list(kv.second, "calibrate")) {
        if (p == "route") disp.calibrate_route = true;
        else if (p == "mode") disp.calibrate_mode = true;
        else yr.fail(kv.second["calibrate"], "calibrate", "expected route and/or mode, not '" + p + "'");
      }
      if (disp.calibrate_mode && !(disp.mode_per_usd > 0.0))
        yr.fail(kv.second["calibrate"], "calibrate", "mode is calibrated only with a mode_per_usd to start from");
      c.dispersion[name] = disp;
    }
  }
  if (const YAML::Node r = node["reliability_usd_per_teu_h"]) {
    if (!r.IsMap()) yr.fail(r, "reliability_usd_per_teu_h", "expected a mapping of commodity to USD per TEU and hour");
    for (const auto& kv : r) c.reliability_usd_per_teu_h[yr.key_text(kv.first)] = yr.number(r, yr.key_text(kv.first), 0.0);
  }
  if (const YAML::Node cs = node["constants"]) {
    yr.expect_sequence(cs, "constants");
    c.constants.clear();
    for (const auto& item : cs) {
      yr.expect_map(item, "constant", {"name", "usd_per_teu", "select", "main_mode", "commodities", "calibrate"});
      ChoiceConstant k;
      k.file = yr.file().string();
      k.line = YamlReader::line_of(item);
      k.name = yr.text(item, "name");
      for (const auto& other : c.constants)
        if (other.name == k.name) yr.fail(item["name"], "name", "constant '" + k.name + "' is defined twice");
      k.usd_per_teu = yr.optional_number(item, "usd_per_teu", -1e9).value_or(0.0);
      if (const YAML::Node sel = item["select"]) k.select = parse_selector(yr, sel, dir);
      if (const auto m = yr.optional_text(item, "main_mode")) {
        k.main_mode = network::parse_mode(*m);
        if (!k.main_mode || *k.main_mode == network::Mode::pipeline)
          yr.fail(item["main_mode"], "main_mode", "unknown freight mode '" + *m + "' (expected rail, road, sea or ferry)");
      }
      if (!k.select && !k.main_mode)
        yr.fail(item, "constant", "constant '" + k.name + "' applies to no route: give select and/or main_mode");
      k.commodities = yr.text_list(item, "commodities");
      if (const YAML::Node cal = item["calibrate"]) {
        if (!YAML::convert<bool>::decode(cal, k.calibrate)) yr.fail(cal, "calibrate", "expected true or false");
      }
      c.constants.push_back(std::move(k));
    }
  }
  // constant_values: {NAME: USD per TEU}: new values for constants already defined (what `corridor
  // calibrate` writes, so that the calibrated scenario does not restate their selections).
  if (const YAML::Node cv = node["constant_values"]) {
    if (!cv.IsMap()) yr.fail(cv, "constant_values", "expected a mapping of constant name to USD per TEU");
    for (const auto& kv : cv) {
      const std::string name = yr.key_text(kv.first);
      auto it = std::find_if(c.constants.begin(), c.constants.end(), [&](const auto& k) { return k.name == name; });
      if (it == c.constants.end())
        yr.fail(kv.first, "constant_values", "no constant named '" + name + "' (define it under constants)");
      it->usd_per_teu = yr.number(cv, name, -1e9);
    }
  }
}

/// `defaults:` — values for features that lack an attribute, per link mode and node kind; a key given
/// here replaces the inherited one, others are kept.
void parse_defaults(const YamlReader& yr, const YAML::Node& d, network::AttributeDefaults& out) {
  if (!d.IsMap()) yr.fail(d, "defaults", "expected a mapping of link mode or node kind to attribute values");
  for (const auto& kv : d) {
    const std::string key = yr.key_text(kv.first);
    const std::string where = yr.file().filename().string() + ", line " + std::to_string(YamlReader::line_of(kv.second));
    const auto mode = network::parse_mode(key);
    const auto kind = network::parse_node_kind(key);
    if (mode && *mode != network::Mode::pipeline) {
      yr.expect_map(kv.second, "defaults " + key, {"cost_usd_per_teu_km", "cost_usd_per_teu", "speed_kmh", "capacity_teu_per_day", "wait_h"});
      auto& ld = out.links[*mode];
      auto take = [&](std::optional<double>& field, std::string_view name, double min) {
        if (const auto v = yr.optional_number(kv.second, name, min)) field = v;
      };
      take(ld.cost_usd_per_teu_km, "cost_usd_per_teu_km", 0.0);
      take(ld.cost_usd_per_teu, "cost_usd_per_teu", 0.0);
      take(ld.speed_kmh, "speed_kmh", 1e-9);
      take(ld.capacity_teu_per_day, "capacity_teu_per_day", 1e-9);
      take(ld.wait_h, "wait_h", 0.0);
      if (ld.cost_usd_per_teu_km && ld.cost_usd_per_teu)
        yr.fail(kv.second, "cost_usd_per_teu", "give cost_usd_per_teu_km or cost_usd_per_teu, not both");
      ld.where = where;
    } else if (kind && !network::is_gas_kind(*kind)) {
      yr.expect_map(kv.second, "defaults " + key, {"dwell_h", "handling_usd_per_teu", "capacity_teu_per_day"});
      auto& nd = out.nodes[*kind];
      if (const auto v = yr.optional_number(kv.second, "dwell_h", 0.0)) nd.dwell_h = v;
      if (const auto v = yr.optional_number(kv.second, "handling_usd_per_teu", 0.0)) nd.handling_usd_per_teu = v;
      if (const auto v = yr.optional_number(kv.second, "capacity_teu_per_day", 1e-9)) nd.capacity_teu_per_day = v;
      nd.where = where;
    } else {
      yr.fail(kv.first, "defaults",
              "unknown link mode or node kind '" + key + "' (expected rail, road, sea, ferry, terminal, border, port or junction)");
    }
  }
}

}  // namespace

const Commodity* Scenario::find_commodity(std::string_view commodity) const {
  for (const auto& c : commodities)
    if (c.name == commodity) return &c;
  return nullptr;
}

std::vector<DemandRow> read_demand_csv(const fs::path& file, const std::string& default_commodity) {
  geo::check_input_file(file);
  std::ifstream raw(file, std::ios::binary);
  if (!raw) throw InputError(file.string(), "", "cannot open OD matrix");
  std::string text{std::istreambuf_iterator<char>(raw), std::istreambuf_iterator<char>()};
  if (auto wide = geo::wide_text_problem(text); !wide.empty()) throw InputError(file.string(), "", wide);
  std::istringstream in(std::string(geo::without_utf8_bom(text)));  // a spreadsheet's byte-order mark is not a column name
  std::string line;
  int line_no = 0;
  int c_origin = -1, c_dest = -1, c_teu = -1, c_commodity = -1;
  std::vector<DemandRow> rows;
  ProblemList problems;
  const std::string f = file.string();
  while (std::getline(in, line)) {
    ++line_no;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    if (const auto bad = geo::first_invalid_utf8(line)) {
      problems.add(f, "line " + std::to_string(line_no), geo::invalid_utf8_message(line, *bad));
      continue;
    }
    const auto fields = split_csv(line);
    if (c_origin < 0) {
      for (int i = 0; i < static_cast<int>(fields.size()); ++i) {
        if (fields[i] == "origin") c_origin = i;
        else if (fields[i] == "destination") c_dest = i;
        else if (fields[i] == "teu_per_year") c_teu = i;
        else if (fields[i] == "commodity") c_commodity = i;
      }
      if (c_origin < 0 || c_dest < 0 || c_teu < 0) {
        // A spreadsheet in a locale with decimal commas writes ';' (or a tab) between fields.
        for (const char* sep : {";", "\t", "|"}) {
          if (line.find(',') == std::string::npos && line.find(sep[0]) != std::string::npos)
            throw InputError(f, "line " + std::to_string(line_no),
                             std::string("fields are separated by '") + (sep[0] == '\t' ? "\\t (tab)" : sep) +
                                 "', not ','; save the file as comma-separated CSV (with '.' as the decimal point)");
        }
        throw InputError(f, "line " + std::to_string(line_no),
                         "header must name the columns origin, destination and teu_per_year (commodity optional)");
      }
      continue;
    }
    const std::string where = "line " + std::to_string(line_no);
    const int needed = std::max({c_origin, c_dest, c_teu, c_commodity});
    if (static_cast<int>(fields.size()) <= needed) {
      problems.add(f, where, "has " + std::to_string(fields.size()) + " fields, expected " + std::to_string(needed + 1));
      continue;
    }
    DemandRow row;
    row.origin = {fields[static_cast<std::size_t>(c_origin)], f, line_no};
    row.destination = {fields[static_cast<std::size_t>(c_dest)], f, line_no};
    row.commodity = c_commodity >= 0 && !fields[static_cast<std::size_t>(c_commodity)].empty()
                        ? fields[static_cast<std::size_t>(c_commodity)]
                        : default_commodity;
    const std::string& teu = fields[static_cast<std::size_t>(c_teu)];
    double x = 0.0;
    const auto [end, ec] = std::from_chars(teu.data(), teu.data() + teu.size(), x);
    if (ec != std::errc{} || end != teu.data() + teu.size() || !std::isfinite(x)) {
      problems.add(f, where, "teu_per_year '" + teu + "' is not a number");
      continue;
    }
    if (x < 0.0) {
      problems.add(f, where, "teu_per_year " + teu + " is negative");
      continue;
    }
    if (x > geo::kMaxInputMagnitude) {
      problems.add(f, where, "teu_per_year " + teu + " is too large (at most 1e+15)");
      continue;
    }
    if (row.origin.value.empty() || row.destination.value.empty()) {
      problems.add(f, where, "origin and destination must not be empty");
      continue;
    }
    row.teu_per_year = x;
    rows.push_back(std::move(row));
  }
  if (c_origin < 0) problems.add(f, "", "empty OD matrix (no header line)");
  problems.throw_if_any();
  return rows;
}

namespace {

constexpr int kMaxExtendsDepth = 16;

void load_into(Scenario& s, const fs::path& file, std::vector<fs::path>& chain) {
  geo::check_input_file(file);  // before resolving it: a loop of links would otherwise be an internal error
  const fs::path canonical = fs::weakly_canonical(file);
  if (std::find(chain.begin(), chain.end(), canonical) != chain.end()) {
    std::string cycle;
    for (const auto& c : chain) cycle += c.filename().string() + " -> ";
    throw InputError(file.string(), "", "cyclic extends: " + cycle + file.filename().string());
  }
  if (chain.size() >= kMaxExtendsDepth)
    throw InputError(file.string(), "", "extends is nested deeper than " + std::to_string(kMaxExtendsDepth) + " files");
  chain.push_back(canonical);

  YamlReader yr(file);
  const YAML::Node root = yr.parse();
  yr.expect_map(root, "scenario",
                {"extends", "name", "description", "network", "commodities", "demand", "demand_csv", "route_families",
                 "defaults", "freight", "output", "add", "edits", "events", "gas", "analysis"});
  const fs::path dir = file.parent_path();
  const std::string fname = file.string();

  if (const auto parent = yr.optional_text(root, "extends")) {
    const fs::path parent_file = resolve(dir, *parent);
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(parent_file, ec)))
      yr.fail(root["extends"], "extends", "file '" + parent_file.string() + "' does not exist");
    load_into(s, parent_file, chain);
  } else {
    s.name = file.stem().string();
  }
  s.file = file;
  s.input_files.push_back(file);
  if (auto name = yr.optional_text(root, "name")) s.name = *name;
  else if (root["extends"]) s.name = file.stem().string();
  if (auto description = yr.optional_text(root, "description")) s.description = *description;

  // network
  const YAML::Node net = root["network"];
  if (!net && s.network.dataset.empty() && s.network.nodes.empty()) yr.fail(root, "network", "missing required key");
  if (!net) {
    // inherited
  } else if (net.IsScalar()) {
    s.network = NetworkSource{};
    s.network.dataset = resolve(dir, net.as<std::string>());
  } else {
    yr.expect_map(net, "network", {"dataset", "nodes", "links", "snap_tolerance_km", "geometry_checks"});
    s.network = NetworkSource{};
    if (auto ds = yr.optional_text(net, "dataset")) {
      if (net["nodes"] || net["links"]) yr.fail(net, "dataset", "give either dataset or nodes and links, not both");
      s.network.dataset = resolve(dir, *ds);
    } else {
      s.network.nodes = resolve(dir, yr.text(net, "nodes"));
      s.network.links = resolve(dir, yr.text(net, "links"));
    }
    s.network.snap_tolerance_km = yr.optional_number(net, "snap_tolerance_km", 0.0).value_or(1.0);
    if (const YAML::Node gc = net["geometry_checks"]) s.network.geometry_checks = parse_geometry_checks(yr, gc);
  }

  if (const YAML::Node d = root["defaults"]) parse_defaults(yr, d, s.defaults);

  // commodities
  if (const YAML::Node cs = root["commodities"]) {
    s.commodities.clear();
    if (!cs.IsMap()) yr.fail(cs, "commodities", "expected a mapping of commodity name to settings");
    for (const auto& kv : cs) {
      Commodity c;
      c.name = yr.key_text(kv.first);
      yr.expect_map(kv.second, "commodity '" + c.name + "'", {"value_of_time_usd_per_teu_h", "modes"});
      c.value_of_time_usd_per_teu_h = yr.number(kv.second, "value_of_time_usd_per_teu_h", 0.0);
      c.modes = parse_modes(yr, kv.second, "modes");
      if (c.modes.empty()) c.modes = {network::Mode::rail, network::Mode::road, network::Mode::sea, network::Mode::ferry};
      if (c.modes.contains(network::Mode::pipeline)) yr.fail(kv.second, "modes", "freight cannot use pipelines");
      s.commodities.push_back(std::move(c));
    }
  }
  if (s.commodities.empty()) {
    s.commodities.push_back({"containers", 0.0,
                             {network::Mode::rail, network::Mode::road, network::Mode::sea, network::Mode::ferry}});
  }
  const std::string default_commodity = s.commodities.front().name;

  // demand: a file that gives demand replaces what it inherits
  if (root["demand"] || root["demand_csv"]) s.demand.clear();
  if (const YAML::Node d = root["demand"]) {
    yr.expect_sequence(d, "demand");
    for (const auto& item : d) {
      yr.expect_map(item, "demand entry", {"origin", "destination", "commodity", "teu_per_year"});
      DemandRow row;
      const int line = YamlReader::line_of(item);
      row.origin = {yr.text(item, "origin"), fname, line};
      row.destination = {yr.text(item, "destination"), fname, line};
      row.commodity = yr.optional_text(item, "commodity").value_or(default_commodity);
      row.teu_per_year = yr.number(item, "teu_per_year", 0.0);
      s.demand.push_back(std::move(row));
    }
  }
  if (const auto csv = yr.optional_text(root, "demand_csv")) {
    s.input_files.push_back(resolve(dir, *csv));
    auto rows = read_demand_csv(s.input_files.back(), default_commodity);
    s.demand.insert(s.demand.end(), rows.begin(), rows.end());
  }
  ProblemList problems;
  for (const auto& row : s.demand) {
    if (!s.find_commodity(row.commodity))
      problems.add(row.origin.file, "line " + std::to_string(row.origin.line),
                   "unknown commodity '" + row.commodity + "' (declare it under commodities)");
    if (row.origin.value == row.destination.value)
      problems.add(row.origin.file, "line " + std::to_string(row.origin.line),
                   "origin and destination are the same node '" + row.origin.value + "'");
  }
  problems.throw_if_any();

  // route families
  if (const YAML::Node rf = root["route_families"]) {
    s.route_families.clear();
    if (!rf.IsMap()) yr.fail(rf, "route_families", "expected a mapping of family name to {via, modes}");
    for (const auto& kv : rf) {
      RouteFamily fam;
      fam.name = yr.key_text(kv.first);
      yr.expect_map(kv.second, "route family '" + fam.name + "'", {"via", "avoid", "modes"});
      const int line = YamlReader::line_of(kv.second);
      for (auto& id : yr.text_list(kv.second, "via")) fam.via.push_back({std::move(id), fname, line});
      for (auto& id : yr.text_list(kv.second, "avoid")) fam.avoid.push_back({std::move(id), fname, line});
      if (fam.via.empty()) yr.fail(kv.second, "via", "a route family needs at least one via node");
      fam.modes = parse_modes(yr, kv.second, "modes");
      s.route_families.push_back(std::move(fam));
    }
  }

  // freight
  if (const YAML::Node fr = root["freight"]) {
    yr.expect_map(fr, "freight", {"method", "algorithm", "relative_gap", "max_iterations", "days_per_year",
                                  "volume_delay", "node_delay", "bottlenecks", "unreachable_demand", "choice",
                                  "capacities", "unserved_usd_per_teu"});
    if (const auto u = yr.optional_text(fr, "unreachable_demand")) {
      if (*u == "error") s.freight.unreachable_demand_is_error = true;
      else if (*u == "unserved") s.freight.unreachable_demand_is_error = false;
      else yr.fail(fr["unreachable_demand"], "unreachable_demand", "expected error or unserved, not '" + *u + "'");
    }
    if (const auto m = yr.optional_text(fr, "method")) {
      if (*m == "all_or_nothing") s.freight.method = FreightMethod::all_or_nothing;
      else if (*m == "user_equilibrium") s.freight.method = FreightMethod::user_equilibrium;
      else if (*m == "system_optimum") s.freight.method = FreightMethod::system_optimum;
      else if (*m == "stochastic_user_equilibrium") s.freight.method = FreightMethod::stochastic_user_equilibrium;
      else
        yr.fail(fr["method"], "method",
                "unknown freight method '" + *m +
                    "' (expected all_or_nothing, user_equilibrium, system_optimum or stochastic_user_equilibrium)");
    }
    if (const auto a = yr.optional_text(fr, "algorithm")) {
      if (*a != "algorithm_b" && *a != "frank_wolfe" && *a != "conjugate_frank_wolfe" && *a != "biconjugate_frank_wolfe")
        yr.fail(fr["algorithm"], "algorithm",
                "unknown algorithm '" + *a +
                    "' (expected algorithm_b, frank_wolfe, conjugate_frank_wolfe or biconjugate_frank_wolfe)");
      s.freight.algorithm = *a;
    }
    if (const auto g = yr.optional_number(fr, "relative_gap", 0.0)) {
      if (!(*g > 0.0) || *g >= 1.0) yr.fail(fr["relative_gap"], "relative_gap", "must be in (0, 1)");
      s.freight.relative_gap = *g;
    }
    if (const auto it = yr.optional_number(fr, "max_iterations", 1.0)) {
      if (*it > 1e7 || *it != std::floor(*it)) yr.fail(fr["max_iterations"], "max_iterations", "must be a whole number up to 10000000");
      s.freight.max_iterations = static_cast<std::size_t>(*it);
    }
    s.freight.days_per_year = yr.optional_number(fr, "days_per_year", 1.0).value_or(s.freight.days_per_year);
    auto read_delay = [&](const YAML::Node& n, std::string_view what, DelaySettings d) {
      yr.expect_map(n, what, {"function", "alpha", "beta"});
      if (const auto f = yr.optional_text(n, "function")) {
        if (*f == "bpr") d.conical = false;
        else if (*f == "conical") d.conical = true;
        else yr.fail(n["function"], "function", "unknown volume-delay function '" + *f + "' (expected bpr or conical)");
      }
      d.alpha = yr.optional_number(n, "alpha", 0.0).value_or(d.alpha);
      d.beta = yr.optional_number(n, "beta", 1.0).value_or(d.beta);
      if (d.conical && d.alpha <= 1.0) yr.fail(n, "alpha", "the conical function needs alpha > 1");
      return d;
    };
    if (const YAML::Node vd = fr["volume_delay"]) {
      if (!vd.IsMap()) yr.fail(vd, "volume_delay", "expected a mapping of mode to {function, alpha, beta}");
      for (const auto& kv : vd) {
        const std::string mode = yr.key_text(kv.first);
        const auto m = network::parse_mode(mode);
        if (!m || *m == network::Mode::pipeline)
          yr.fail(kv.first, "volume_delay", "unknown freight mode '" + mode + "' (expected rail, road, sea or ferry)");
        const auto base = s.freight.link_delay.contains(*m) ? s.freight.link_delay.at(*m) : DelaySettings{};
        s.freight.link_delay[*m] = read_delay(kv.second, "volume_delay " + mode, base);
      }
    }
    if (const YAML::Node ch = fr["choice"]) parse_choice(yr, ch, dir, s.freight.choice);
    if (const auto c = yr.optional_text(fr, "capacities")) {
      if (*c == "hard") s.freight.hard_capacities = true;
      else if (*c == "soft") s.freight.hard_capacities = false;
      else yr.fail(fr["capacities"], "capacities", "expected soft or hard, not '" + *c + "'");
    }
    if (const auto u = yr.optional_number(fr, "unserved_usd_per_teu", 0.0)) {
      if (!(*u > 0.0)) yr.fail(fr["unserved_usd_per_teu"], "unserved_usd_per_teu", "must be positive");
      s.freight.unserved_usd_per_teu = *u;
    }
    if (const YAML::Node nd = fr["node_delay"]) s.freight.node_delay = read_delay(nd, "node_delay", s.freight.node_delay);
    if (const YAML::Node bn = fr["bottlenecks"]) {
      yr.expect_sequence(bn, "bottlenecks");
      s.freight.bottlenecks.clear();
      for (const auto& item : bn) {
        yr.expect_map(item, "bottleneck", {"name", "origins", "destinations", "avoid", "modes"});
        BottleneckGroup g;
        const int line = YamlReader::line_of(item);
        g.name = yr.text(item, "name");
        g.modes = parse_modes(yr, item, "modes");
        for (auto& id : yr.text_list(item, "origins")) g.origins.push_back({std::move(id), fname, line});
        for (auto& id : yr.text_list(item, "destinations")) g.destinations.push_back({std::move(id), fname, line});
        for (auto& id : yr.text_list(item, "avoid")) g.avoid.push_back({std::move(id), fname, line});
        if (g.origins.empty() || g.destinations.empty())
          yr.fail(item, g.origins.empty() ? "origins" : "destinations", "a bottleneck needs origins and destinations");
        s.freight.bottlenecks.push_back(std::move(g));
      }
    }
  }
  if (const YAML::Node ev = root["events"]) {
    if (!ev.IsMap()) yr.fail(ev, "events", "expected a mapping (see docs/events.md)");
    s.events = RawSection{file, ev};
  }
  if (const YAML::Node gas = root["gas"]) {
    if (!gas.IsMap()) yr.fail(gas, "gas", "expected a mapping (see docs/gas.md)");
    s.gas = RawSection{file, gas};
  }
  if (const YAML::Node an = root["analysis"]) {
    yr.expect_map(an, "analysis", {"select"});
    if (an["select"]) {
      const int line = YamlReader::line_of(an["select"]);
      s.select.clear();
      std::vector<std::string> seen;
      for (auto& id : yr.text_list(an, "select")) {
        if (std::find(seen.begin(), seen.end(), id) != seen.end())
          yr.fail(an["select"], "analysis select", "'" + id + "' is listed twice");
        seen.push_back(id);
        s.select.push_back({std::move(id), fname, line});
      }
    }
  }

  // output
  if (const YAML::Node out = root["output"]) {
    yr.expect_map(out, "output", {"dir"});
    if (const auto d = yr.optional_text(out, "dir")) s.output_dir = resolve(dir, *d);
  }

  // additions and edits append to the inherited ones
  if (const YAML::Node add = root["add"]) {
    yr.expect_sequence(add, "add");
    for (const auto& item : add) {
      yr.expect_map(item, "add entry", {"dataset", "nodes", "links"});
      NetworkAddition a;
      if (auto ds = yr.optional_text(item, "dataset")) a.dataset = resolve(dir, *ds);
      if (auto n = yr.optional_text(item, "nodes")) a.nodes = resolve(dir, *n);
      if (auto l = yr.optional_text(item, "links")) a.links = resolve(dir, *l);
      if (a.dataset.empty() && a.nodes.empty() && a.links.empty()) yr.fail(item, "add", "give dataset, or nodes and/or links");
      s.additions.push_back(std::move(a));
    }
  }
  if (const YAML::Node edits = root["edits"]) {
    yr.expect_sequence(edits, "edits");
    for (const auto& item : edits) s.edits.push_back(parse_edit(yr, item, dir));
  }
  chain.pop_back();
}

}  // namespace

/// What only the whole scenario (with what it extends) can say: the stochastic equilibrium's settings
/// against the commodities.
void check_choice(const Scenario& s) {
  ProblemList problems;
  const auto& c = s.freight.choice;
  const std::string file = c.file.empty() ? s.file.string() : c.file;
  const bool sue = s.freight.method == FreightMethod::stochastic_user_equilibrium;
  auto known = [&](const std::string& name) { return s.find_commodity(name) != nullptr; };
  for (const auto& [name, d] : c.dispersion) {
    if (!known(name)) problems.add(d.file, "line " + std::to_string(d.line), "dispersion for unknown commodity '" + name + "'");
    if (d.same_as.empty()) continue;
    const auto it = c.dispersion.find(d.same_as);
    if (it == c.dispersion.end())
      problems.add(d.file, "line " + std::to_string(d.line), "same_as names '" + d.same_as + "', which has no dispersion");
    else if (!it->second.same_as.empty())
      problems.add(d.file, "line " + std::to_string(d.line),
                   "same_as names '" + d.same_as + "', which takes its dispersion from '" + it->second.same_as +
                       "' in turn: name that one");
  }
  for (const auto& [name, v] : c.reliability_usd_per_teu_h)
    if (!known(name)) problems.add(file, "line " + std::to_string(c.line), "reliability_usd_per_teu_h for unknown commodity '" + name + "'");
  for (const auto& k : c.constants)
    for (const auto& name : k.commodities)
      if (!known(name))
        problems.add(k.file, "line " + std::to_string(k.line), "constant '" + k.name + "' names unknown commodity '" + name + "'");
  if (sue) {
    for (const auto& com : s.commodities)
      if (!c.dispersion.contains(com.name))
        problems.add(file, c.line ? "line " + std::to_string(c.line) : "freight",
                     "the stochastic user equilibrium needs freight: {choice: {dispersion: {" + com.name +
                         ": {route_per_usd: ...}}}} (how strongly shippers of '" + com.name + "' react to cost)");
    if (s.freight.hard_capacities && !s.freight.unserved_usd_per_teu)
      problems.add(s.file.string(), "freight",
                   "capacities: hard needs unserved_usd_per_teu (what a TEU that is not shipped costs, USD per TEU)");
  } else if (s.freight.hard_capacities) {
    problems.add(s.file.string(), "freight", "capacities: hard needs method: stochastic_user_equilibrium");
  }
  problems.throw_if_any();
}

Scenario load(const fs::path& file) {
  Scenario s;
  std::vector<fs::path> chain;
  load_into(s, file, chain);
  check_choice(s);
  return s;
}

void apply_edits(Scenario& scenario, network::Network& net) {
  apply_network_edits(net, scenario.edits);
  apply_demand_edits(net, scenario.demand, scenario.edits);
}

void check_against(const Scenario& s, const network::Network& net) {
  ProblemList problems;
  auto check_node = [&](const Located<std::string>& id, std::string_view role) {
    const auto idx = net.find_node(id.value);
    if (!idx) {
      problems.add(id.file, "line " + std::to_string(id.line),
                   std::string(role) + " '" + id.value + "' is not a node of the network");
    } else if (network::is_gas_kind(net.nodes()[*idx].kind)) {
      problems.add(id.file, "line " + std::to_string(id.line),
                   std::string(role) + " '" + id.value + "' is a gas node, not a freight node");
    }
  };
  for (const auto& row : s.demand) {
    check_node(row.origin, "origin");
    check_node(row.destination, "destination");
  }
  for (const auto& fam : s.route_families) {
    for (const auto& v : fam.via) check_node(v, "route family '" + fam.name + "' via node");
    for (const auto& v : fam.avoid) check_node(v, "route family '" + fam.name + "' avoid node");
  }
  for (const auto& v : s.freight.choice.via) check_node(v, "choice via node");
  for (const auto& v : s.select) {
    const auto n = net.find_node(v.value);
    const auto l = net.find_link(v.value);
    if (!n && !l)
      problems.add(v.file, "line " + std::to_string(v.line), "analysis select '" + v.value + "' is not a node or link of the network");
    else if ((n && network::is_gas_kind(net.nodes()[*n].kind)) || (l && net.links()[*l].mode == network::Mode::pipeline))
      problems.add(v.file, "line " + std::to_string(v.line),
                   "analysis select '" + v.value + "' is part of the gas network; select-link traces freight");
  }
  for (const auto& b : s.freight.bottlenecks) {
    for (const auto& v : b.origins) check_node(v, "bottleneck '" + b.name + "' origin");
    for (const auto& v : b.avoid) check_node(v, "bottleneck '" + b.name + "' avoid node");
    for (const auto& v : b.destinations) {
      check_node(v, "bottleneck '" + b.name + "' destination");
      for (const auto& o : b.origins)
        if (o.value == v.value)
          problems.add(v.file, "line " + std::to_string(v.line),
                       "bottleneck '" + b.name + "': node '" + v.value + "' is both an origin and a destination");
    }
  }
  problems.throw_if_any();
}

}  // namespace corridor::scenario
