#include "tools/app/calibrate_command.hpp"

#include <cmath>
#include <ostream>

#include <nlohmann/json.hpp>

#include "geo/csv.hpp"
#include "geo/writer.hpp"
#include "sim/calibration/calibration.hpp"
#include "sim/run/run.hpp"
#include "sim/scenario/scenario.hpp"
#include "tools/app/number_text.hpp"
#include "tools/app/output_folder.hpp"

namespace corridor::app {

namespace fs = std::filesystem;

namespace {

std::string pad(const std::string& s, std::size_t w) { return s.size() >= w ? s : s + std::string(w - s.size(), ' '); }
std::string lpad(const std::string& s, std::size_t w) { return s.size() >= w ? s : std::string(w - s.size(), ' ') + s; }

bool is_share(const calibration::Target& t) { return t.measure == calibration::Target::Measure::share; }

std::string value_text(const calibration::Target& t, double v) { return is_share(t) ? fixed(v, 4) : fixed(v, 0); }

/// Relative error of a volume, absolute (percentage points) of a share.
std::string error_text(const calibration::Target& t, double modelled) {
  if (is_share(t)) return fixed(100.0 * (modelled - t.value), 1) + " pp";
  return t.value > 0.0 ? fixed(100.0 * (modelled - t.value) / t.value, 1) + "%" : "-";
}

std::string fit_csv(const calibration::Result& r) {
  std::string out = "target,scenario,measure,ids,commodity,observed,modelled,sd,error,z,src\n";
  for (std::size_t i = 0; i < r.targets.size(); ++i) {
    const auto& t = r.targets[i];
    std::string ids;
    for (const auto& id : t.ids) ids += (ids.empty() ? "" : "+") + id;
    if (is_share(t)) {
      ids += " of ";
      for (std::size_t k = 0; k < t.of.size(); ++k) ids += (k ? "+" : "") + t.of[k];
    }
    const char* m = t.measure == calibration::Target::Measure::node ? "node" : t.measure == calibration::Target::Measure::link ? "link" : "share";
    const double err = is_share(t) ? r.modelled[i] - t.value : (t.value > 0.0 ? (r.modelled[i] - t.value) / t.value : 0.0);
    out += geo::csv_field(t.name) + ',' + geo::csv_field(t.scenario.filename().string()) + ',' + m + ',' + geo::csv_field(ids) + ',' +
           geo::csv_field(t.commodity) + ',' + fixed(t.value, is_share(t) ? 6 : 1) + ',' + fixed(r.modelled[i], is_share(t) ? 6 : 1) +
           ',' + fixed(t.sd, is_share(t) ? 6 : 1) + ',' + fixed(err, 6) + ',' + fixed((r.modelled[i] - t.value) / t.sd, 4) + ',' +
           geo::csv_field(t.src) + '\n';
  }
  return out;
}

std::string parameters_csv(const calibration::Result& r) {
  std::string out = "parameter,kind,name,unit,start,value,standard_error,identified\n";
  for (const auto& p : r.parameters) {
    const char* kind = p.kind == calibration::Parameter::Kind::constant ? "constant"
                       : p.kind == calibration::Parameter::Kind::route_dispersion ? "route_dispersion"
                                                                                   : "mode_dispersion";
    out += geo::csv_field(p.label()) + ',' + kind + ',' + geo::csv_field(p.name) + ',' + geo::csv_field(p.unit()) + ',' +
           sig(p.start, 10) + ',' + sig(p.value, 10) + ',' + (p.identified ? sig(p.se, 6) : std::string()) + ',' +
           (p.identified ? "true" : "false") + '\n';
  }
  return out;
}

}  // namespace

int calibrate(const CalibrateOptions& options, std::ostream& out) {
  const scenario::Scenario s = scenario::load(options.scenario);
  const fs::path dir = options.out_dir ? *options.out_dir : fs::path("out") / (s.name + "-calibrated");
  std::vector<fs::path> inputs = run::input_paths(s);
  inputs.push_back(options.observed);
  for (const auto& t : calibration::read_targets(options.observed))
    if (!t.scenario.empty()) inputs.push_back(t.scenario);
  check_output_folder(dir, FolderKind::calibration, inputs);  // before the fit: a refused folder fails fast

  calibration::Options o;
  o.threads = options.threads;
  if (!options.quiet) o.progress = [&](const std::string& line) { out << line << '\n' << std::flush; };
  const calibration::Result r = calibration::calibrate(options.scenario, options.observed, o);

  StagedFolder folder(dir, FolderKind::calibration, inputs);
  const std::string name = s.name + "-calibrated";
  geo::write_text(folder.file("calibrated.yaml"), calibration::calibrated_yaml(r, options.scenario, dir, name));
  geo::write_text(folder.file("fit.csv"), fit_csv(r));
  geo::write_text(folder.file("parameters.csv"), parameters_csv(r));
  nlohmann::ordered_json j;
  j["scenario"] = s.name;
  j["observed"] = options.observed.filename().string();
  j["targets"] = r.targets.size();
  j["parameters"] = r.parameters.size();
  j["converged"] = r.converged;
  j["iterations"] = r.iterations;
  j["runs"] = r.runs;
  j["chi2"] = rounded(r.chi2, 6);
  j["reduced_chi2"] = rounded(r.reduced_chi2, 6);
  j["r_squared_log"] = rounded(r.r_squared_log, 6);
  j["warnings"] = r.warnings;
  geo::write_text(folder.file("summary.json"), j.dump(2) + "\n");
  folder.commit();

  if (options.quiet) return 0;
  std::size_t w = 6;
  for (const auto& t : r.targets) w = std::max(w, t.name.size());
  out << "\n" << pad("target", w + 2) << lpad("observed", 12) << lpad("modelled", 12) << lpad("error", 10) << lpad("z", 8) << '\n';
  for (std::size_t i = 0; i < r.targets.size(); ++i) {
    const auto& t = r.targets[i];
    out << pad(t.name, w + 2) << lpad(value_text(t, t.value), 12) << lpad(value_text(t, r.modelled[i]), 12)
        << lpad(error_text(t, r.modelled[i]), 10) << lpad(fixed((r.modelled[i] - t.value) / t.sd, 2), 8) << '\n';
  }
  out << "chi2 " << sig(r.chi2, 4) << " (" << r.targets.size() << " targets, " << r.parameters.size()
      << " parameters); R^2 of log volumes " << fixed(r.r_squared_log, 4) << "; " << r.iterations << " steps, " << r.runs
      << " runs\n\n";
  std::size_t wp = 9;
  for (const auto& p : r.parameters) wp = std::max(wp, p.label().size());
  out << pad("parameter", wp + 2) << lpad("start", 12) << lpad("fitted", 12) << lpad("std. error", 12) << "  unit\n";
  for (const auto& p : r.parameters)
    out << pad(p.label(), wp + 2) << lpad(sig(p.start, 5), 12) << lpad(sig(p.value, 5), 12)
        << lpad(p.identified ? sig(p.se, 3) : std::string("n/a"), 12) << "  " << p.unit() << '\n';
  for (const auto& wline : r.warnings) out << "warning: " << wline << '\n';
  out << "Calibrated scenario in " << (dir / "calibrated.yaml").string() << " (corridor run uses it as is)\n";
  return 0;
}

}  // namespace corridor::app
