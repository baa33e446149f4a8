// Calibration of the stochastic equilibrium's choice model to observed volumes (`corridor calibrate`).
//
// Parameters are what the scenario marks `calibrate`: alternative-specific constants (USD per TEU) and
// dispersions (route and mode level, per commodity, fitted on their logarithm so they stay positive;
// a mode dispersion is kept at or below its route dispersion). Targets (observed.csv, one row each):
//   node    the TEU per year through the nodes `ids` ("A+B": the sum of their throughputs)
//   link    the TEU per year on the links `ids` (direction forward, backward or both)
//   share   a node or link measure of `ids` over the same measure of `of`
// each optionally of one commodity, in the calibrated scenario or in a variant of it (`scenario`, a
// file that extends it: another year, another state of the network) into which the same parameters are
// put by name. Every target has an observed value and a standard deviation sd.
//
// The fit is weighted least squares: minimise chi2 = sum_i ((m_i(p) - o_i) / sd_i)^2 by Levenberg-
// Marquardt, the Jacobian by forward differences (every column a full run of every scenario, on
// `threads` workers: results do not depend on their number). Standard errors come from (J^T J)^-1 at
// the solution (the sd are the targets' uncertainties); a parameter the targets cannot tell apart from
// the others (J^T J singular along it) is reported as not identified. R^2 is that of log modelled vs log
// observed over the volume targets: 1 - sum (ln m - ln o)^2 / sum (ln o - mean ln o)^2.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "sim/run/results.hpp"

namespace corridor::calibration {

struct Target {
  enum class Measure { node, link, share };
  enum class Direction { both, forward, backward };
  std::string name;
  std::filesystem::path scenario;  ///< empty: the calibrated scenario; else a variant (resolved)
  Measure measure = Measure::node;
  Measure of_measure = Measure::node;  ///< share: what `ids` and `of` are (node or link)
  std::vector<std::string> ids, of;
  std::string commodity;  ///< "": every commodity
  Direction direction = Direction::both;
  double value = 0.0;  ///< TEU per year, or a share
  double sd = 0.0;
  std::string src, note;
  std::string file;
  int line = 0;
};

/// Reads observed.csv (header target, scenario, measure, ids, of, commodity, direction, value, sd, src,
/// note; scenario and of relative to the file). Throws InputError naming the file, line and column.
std::vector<Target> read_targets(const std::filesystem::path& file);

/// The target's measure in a run's results (TEU per year from the routes each OD uses, or a share).
/// Throws InputError for an id the network does not have.
double measure(const run::Results& results, const Target& target);

struct Parameter {
  enum class Kind { constant, route_dispersion, mode_dispersion };
  Kind kind = Kind::constant;
  std::string name;  ///< the constant, or the commodity of a dispersion
  double start = 0.0;
  double value = 0.0;
  double se = 0.0;         ///< standard error, in the parameter's unit
  bool identified = true;  ///< false: the targets do not determine it (se is then infinite)
  [[nodiscard]] std::string label() const;  ///< "constant red_sea", "dispersion cn_eu (mode)"
  [[nodiscard]] std::string unit() const;   ///< "USD/TEU" or "1/(USD/TEU)"
};

/// The parameters a scenario marks `calibrate`, at their current values.
std::vector<Parameter> parameters_of(const scenario::Scenario& scenario);

/// Puts parameter values into a scenario by name (constants it defines, dispersions of its commodities).
void apply(scenario::Scenario& scenario, const std::vector<Parameter>& parameters);

struct Options {
  unsigned threads = 0;              ///< workers for the Jacobian's runs; 0: all cores
  std::size_t max_iterations = 40;   ///< Levenberg-Marquardt steps
  std::function<void(const std::string&)> progress;  ///< one line per step (optional)
};

struct Result {
  std::vector<Parameter> parameters;
  std::vector<Target> targets;
  std::vector<double> modelled;  ///< per target, at the fitted parameters
  double chi2 = 0.0;
  double reduced_chi2 = 0.0;     ///< chi2 / (targets - identified parameters), when positive
  double r_squared_log = 0.0;
  std::size_t iterations = 0;
  std::size_t runs = 0;          ///< scenario runs made
  bool converged = false;
  std::vector<std::string> warnings;
};

/// Fits the scenario's `calibrate` parameters to the targets. Throws InputError (no parameter, a bad
/// target), SolverError (a run that does not converge, naming the parameters it was tried at).
Result calibrate(const std::filesystem::path& scenario_file, const std::filesystem::path& targets_file,
                 const Options& options = {});

/// The calibrated scenario: a file that extends `scenario_file` (by a path relative to `out_dir`) and
/// sets the fitted values, with the fit table as comments.
std::string calibrated_yaml(const Result& result, const std::filesystem::path& scenario_file,
                            const std::filesystem::path& out_dir, const std::string& name);

}  // namespace corridor::calibration
