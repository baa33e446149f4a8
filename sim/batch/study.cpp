#include "sim/batch/study.hpp"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <stdexcept>

#include "geo/error.hpp"
#include "sim/batch/expression.hpp"
#include "sim/run/load.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/yaml_reader.hpp"

namespace corridor::batch {

namespace fs = std::filesystem;
using scenario::YamlReader;

namespace {

/// In `copy` (a clone of `original`), replaces every scalar holding a '$' by the value of its
/// expression; errors point at the original's line (clones carry no positions).
void substitute(const YamlReader& yr, const YAML::Node& original, YAML::Node copy, const std::map<std::string, double>& params) {
  if (original.IsScalar()) {
    const std::string text = original.Scalar();
    if (text.find('$') == std::string::npos) return;
    try {
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.17g", evaluate(text, params));
      copy = std::string(buf);
    } catch (const std::invalid_argument& e) {
      yr.fail(original, "", e.what());
    }
  } else if (original.IsSequence()) {
    for (std::size_t i = 0; i < original.size(); ++i) substitute(yr, original[i], copy[i], params);
  } else if (original.IsMap()) {
    for (const auto& kv : original) substitute(yr, kv.second, copy[yr.key_text(kv.first)], params);
  }
}

std::vector<double> parameter_values(const YamlReader& yr, const YAML::Node& node, const std::string& name) {
  std::vector<double> values;
  if (node.IsSequence()) {
    for (const auto& v : node) {
      double x = 0.0;
      if (!v.IsScalar() || !YAML::convert<double>::decode(v, x) || !std::isfinite(x))
        yr.fail(v, name, "expected a list of numbers");
      values.push_back(x);
    }
  } else if (node.IsMap()) {
    yr.expect_map(node, "parameter '" + name + "'", {"from", "to", "step"});
    const double from = yr.number(node, "from", -1e300), to = yr.number(node, "to", -1e300);
    const double step = yr.number(node, "step", 0.0);
    if (step <= 0.0 || to < from) yr.fail(node, name, "expected from <= to and a positive step");
    const auto n = static_cast<std::size_t>(std::floor((to - from) / step + 1e-9)) + 1;
    if (n > 100000) yr.fail(node, name, "more than 100000 values");
    for (std::size_t k = 0; k < n; ++k) {
      // from + k * step, rounded to 12 significant digits so that 0.1 steps print as 0.3, not 0.30000000000000004.
      char buf[32];
      std::snprintf(buf, sizeof buf, "%.12g", from + static_cast<double>(k) * step);
      values.push_back(std::stod(buf));
    }
  } else {
    yr.fail(node, name, "expected a list of values or {from, to, step}");
  }
  if (values.empty()) yr.fail(node, name, "has no values");
  return values;
}

Duration parse_duration(const YamlReader& yr, const YAML::Node& node) {
  Duration d;
  if (!node) return d;
  double x = 0.0;
  if (node.IsScalar() && YAML::convert<double>::decode(node, x)) {
    if (!(x > 0.0)) yr.fail(node, "duration_days", "must be positive");
    d.kind = Duration::Kind::fixed;
    d.a_days = x;
    return d;
  }
  yr.expect_map(node, "duration_days", {"exponential", "uniform"});
  if (node["exponential"]) {
    d.kind = Duration::Kind::exponential;
    d.a_days = yr.number(node, "exponential", 1e-9);
  } else if (node["uniform"]) {
    const YAML::Node u = node["uniform"];
    if (!u.IsSequence() || u.size() != 2 || !YAML::convert<double>::decode(u[0], d.a_days) ||
        !YAML::convert<double>::decode(u[1], d.b_days) || d.a_days < 0 || d.b_days < d.a_days)
      yr.fail(u, "uniform", "expected [min_days, max_days] with 0 <= min <= max");
    d.kind = Duration::Kind::uniform;
  } else {
    yr.fail(node, "duration_days", "expected a number of days, {exponential: mean_days} or {uniform: [min, max]}");
  }
  return d;
}

/// Uniform in [0, 1) from 53 random bits: the same value on every platform.
double uniform01(std::uint64_t& state) { return static_cast<double>(splitmix64(state) >> 11) * 0x1.0p-53; }

}  // namespace

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

Study load_study(const fs::path& file) {
  YamlReader yr(file);
  const YAML::Node root = yr.parse();
  yr.expect_map(root, "study", {"name", "base", "cases", "parameters", "edits", "monte_carlo", "kpis", "keep"});
  const fs::path dir = file.parent_path();
  Study s;
  s.file = file;
  s.name = yr.optional_text(root, "name").value_or(file.stem().string());
  s.base_scenario = (dir / yr.text(root, "base")).lexically_normal();
  if (!fs::exists(s.base_scenario)) yr.fail(root["base"], "base", "file '" + s.base_scenario.string() + "' does not exist");
  s.gas = scenario::load(s.base_scenario).gas.has_value();  // fixes the kpis.csv columns

  if (const YAML::Node cases = root["cases"]) {
    yr.expect_sequence(cases, "cases");
    for (const auto& c : cases) {
      yr.expect_map(c, "case", {"name", "scenario", "edits"});
      Case kase;
      kase.name = yr.text(c, "name");
      for (const auto& other : s.cases)
        if (other.name == kase.name) yr.fail(c, "name", "duplicate case name '" + kase.name + "'");
      if (auto sc = yr.optional_text(c, "scenario")) {
        kase.scenario = (dir / *sc).lexically_normal();
        if (!fs::exists(*kase.scenario)) yr.fail(c["scenario"], "scenario", "file '" + kase.scenario->string() + "' does not exist");
      }
      if (const YAML::Node e = c["edits"]) {
        yr.expect_sequence(e, "edits");
        for (const auto& item : e) kase.edits.push_back(scenario::parse_edit(yr, item, dir));
      }
      s.cases.push_back(std::move(kase));
    }
  }
  if (s.cases.empty()) s.cases.push_back({"base", std::nullopt, {}});

  if (const YAML::Node params = root["parameters"]) {
    if (!params.IsMap()) yr.fail(params, "parameters", "expected a mapping of parameter name to values");
    for (const auto& kv : params) {
      const auto name = yr.key_text(kv.first);
      s.parameters.push_back({name, parameter_values(yr, kv.second, name)});
    }
  }
  // Grid points: the cartesian product, last parameter fastest.
  std::size_t points = 1;
  for (const auto& p : s.parameters) {
    points *= p.values.size();
    if (points > 1000000) yr.fail(root["parameters"], "parameters", "the grid has more than 1,000,000 points");
  }
  const YAML::Node edit_template = root["edits"];
  if (edit_template) yr.expect_sequence(edit_template, "edits");
  for (std::size_t g = 0; g < points; ++g) {
    std::vector<double> values(s.parameters.size());
    std::map<std::string, double> named;
    std::size_t rest = g;
    for (std::size_t k = s.parameters.size(); k-- > 0;) {
      values[k] = s.parameters[k].values[rest % s.parameters[k].values.size()];
      rest /= s.parameters[k].values.size();
      named[s.parameters[k].name] = values[k];
    }
    std::vector<scenario::Edit> edits;
    if (edit_template) {
      for (const auto& item : edit_template) {
        YAML::Node copy = YAML::Clone(item);
        substitute(yr, item, copy, named);
        // Errors in a substituted edit point at the template's line.
        try {
          edits.push_back(scenario::parse_edit(yr, copy, dir));
        } catch (const InputError&) {
          edits.push_back(scenario::parse_edit(yr, item, dir));  // re-raises with the template's line
        }
        edits.back().line = edits.back().select.line = YamlReader::line_of(item);
      }
    }
    s.grid.push_back(std::move(edits));
    s.grid_values.push_back(std::move(values));
  }

  if (const YAML::Node mc = root["monte_carlo"]) {
    yr.expect_map(mc, "monte_carlo", {"draws", "seed", "failures"});
    const double draws = yr.number(mc, "draws", 1.0);
    if (draws != std::floor(draws) || draws * static_cast<double>(s.cases.size() * points) > 1e6)
      yr.fail(mc["draws"], "draws", "must be a whole number, and cases x grid points x draws at most 1,000,000");
    s.monte_carlo.draws = static_cast<std::size_t>(draws);
    const double seed = yr.optional_number(mc, "seed", 0.0).value_or(0.0);
    if (seed != std::floor(seed)) yr.fail(mc["seed"], "seed", "must be a whole number");
    s.monte_carlo.seed = static_cast<std::uint64_t>(seed);
    const YAML::Node failures = mc["failures"];
    if (!failures) yr.fail(mc, "failures", "missing required key");
    yr.expect_sequence(failures, "failures");
    for (const auto& f : failures) {
      yr.expect_map(f, "failure", {"select", "probability", "duration_days"});
      Failure fail;
      if (!f["select"]) yr.fail(f, "select", "missing required key");
      fail.select = scenario::parse_selector(yr, f["select"], dir);
      fail.probability = yr.number(f, "probability", 0.0);
      if (fail.probability > 1.0) yr.fail(f["probability"], "probability", "must be at most 1");
      fail.duration = parse_duration(yr, f["duration_days"]);
      s.monte_carlo.failures.push_back(std::move(fail));
    }
  }

  if (const YAML::Node k = root["kpis"]) {
    yr.expect_map(k, "kpis", {"od_groups", "bottlenecks"});
    if (const YAML::Node groups = k["od_groups"]) {
      if (!groups.IsMap()) yr.fail(groups, "od_groups", "expected a mapping of group name to {origins, destinations}");
      for (const auto& kv : groups) {
        yr.expect_map(kv.second, "od group", {"origins", "destinations"});
        s.od_groups.push_back({yr.key_text(kv.first), yr.text_list(kv.second, "origins"), yr.text_list(kv.second, "destinations")});
      }
    }
    s.bottlenecks = yr.text_list(k, "bottlenecks");
  }
  s.keep = yr.text_list(root, "keep");
  return s;
}

std::vector<Variant> expand(const Study& study) {
  std::vector<Variant> out;
  const std::size_t draws = std::max<std::size_t>(study.monte_carlo.draws, 1);
  for (std::size_t c = 0; c < study.cases.size(); ++c) {
    for (std::size_t g = 0; g < study.grid.size(); ++g) {
      for (std::size_t d = 0; d < draws; ++d) {
        Variant v;
        v.index = out.size();
        char id[24];
        std::snprintf(id, sizeof id, "s%05zu", v.index);
        v.id = id;
        v.case_index = c;
        v.grid_index = g;
        if (study.monte_carlo.draws > 0) v.draw = d;
        out.push_back(std::move(v));
      }
    }
  }
  return out;
}

std::vector<scenario::Edit> draw_failures(const Study& study, const network::Network& net, std::size_t draw) {
  std::vector<scenario::Edit> edits;
  // One independent stream per draw: state = seed mixed with the draw number.
  std::uint64_t state = study.monte_carlo.seed ^ (0xD1B54A32D192ED03ULL * (draw + 1));
  constexpr double kDaysPerYear = 365.0;
  for (const Failure& f : study.monte_carlo.failures) {
    const scenario::Selection sel = scenario::select(net, f.select);
    auto fail_one = [&](bool is_node, std::size_t index) {
      const double u = uniform01(state);
      double days = kDaysPerYear;
      switch (f.duration.kind) {
        case Duration::Kind::whole_year: break;
        case Duration::Kind::fixed: days = f.duration.a_days; break;
        case Duration::Kind::exponential: days = -f.duration.a_days * std::log1p(-uniform01(state)); break;
        case Duration::Kind::uniform: days = f.duration.a_days + (f.duration.b_days - f.duration.a_days) * uniform01(state); break;
      }
      if (u >= f.probability) return;
      scenario::Edit e;
      e.file = f.select.file;
      e.line = f.select.line;
      e.select.ids = {is_node ? net.nodes()[index].id : net.links()[index].id};
      e.select.target = is_node ? scenario::Target::nodes : scenario::Target::links;
      e.select.file = f.select.file;
      e.select.line = f.select.line;
      const auto& cap = is_node ? net.nodes()[index].capacity_teu_per_day : net.links()[index].capacity_teu_per_day;
      if (days >= kDaysPerYear) {
        e.kind = scenario::EditKind::close;
      } else if (!cap) {
        return;  // a partial outage of an uncapacitated element changes nothing in an annual static model
      } else {
        e.kind = scenario::EditKind::scale;
        e.values = {{"capacity_teu_per_day", 1.0 - days / kDaysPerYear}};
      }
      edits.push_back(std::move(e));
    };
    // Every element consumes the same random numbers whether it fails or not, so draws stay aligned.
    for (std::size_t n : sel.nodes) fail_one(true, n);
    for (std::size_t l : sel.links) fail_one(false, l);
  }
  return edits;
}

void validate_study(const Study& study) {
  ProblemList problems;
  for (std::size_t c = 0; c < study.cases.size(); ++c) {
    const Case& kase = study.cases[c];
    try {
      scenario::Scenario s = scenario::load(kase.scenario.value_or(study.base_scenario));
      const network::Network loaded = run::load_network(s);
      scenario::check_against(s, loaded);
      (void)run::read_run_settings(s);
      if (study.monte_carlo.draws > 0) (void)draw_failures(study, loaded, 0);
      for (const auto& point : study.grid) {
        scenario::Scenario variant = s;
        network::Network net = loaded;
        variant.edits.insert(variant.edits.end(), kase.edits.begin(), kase.edits.end());
        variant.edits.insert(variant.edits.end(), point.begin(), point.end());
        scenario::apply_edits(variant, net);
      }
    } catch (const InputError& e) {
      for (auto p : e.problems()) {
        p.what = "case '" + kase.name + "': " + p.what;
        problems.append({p});
      }
    }
  }
  problems.throw_if_any();
}

}  // namespace corridor::batch
