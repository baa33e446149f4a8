// A study: one base scenario and its variations (named cases, a grid over parameters, Monte Carlo
// disruption draws), expanded into a list of variants, each solved and reduced to one KPI row.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sim/scenario/scenario.hpp"

namespace corridor::batch {

/// A grid axis: a parameter and its values; edits refer to it as $name.
struct Parameter {
  std::string name;
  std::vector<double> values;
};

/// A named case: its own scenario file (usually extending the base) and/or extra edits.
struct Case {
  std::string name;
  std::optional<std::filesystem::path> scenario;
  std::vector<scenario::Edit> edits;
};

/// How long a failed element stays out within the year, in days.
struct Duration {
  enum class Kind { whole_year, fixed, exponential, uniform } kind = Kind::whole_year;
  double a_days = 0.0, b_days = 0.0;  ///< fixed: a; exponential: mean a; uniform: [a, b]
};

/// Each selected node or link fails independently with `probability` in a draw; a failed element
/// is closed when its outage lasts the year, else its capacity shrinks by the share of the year lost
/// (an element without a capacity is then unaffected: nothing binds it in an annual static model).
struct Failure {
  scenario::Selector select;
  double probability = 0.0;
  Duration duration;
};

struct MonteCarlo {
  std::size_t draws = 0;
  std::uint64_t seed = 0;
  std::vector<Failure> failures;
};

/// Groups of OD pairs reported together (mean and worst transit days, served TEU).
struct OdGroup {
  std::string name;
  std::vector<std::string> origins, destinations;  ///< empty: any
};

struct Study {
  std::string name;
  std::filesystem::path file;
  std::filesystem::path base_scenario;
  std::vector<Case> cases;                        ///< empty: the base scenario alone
  std::vector<Parameter> parameters;              ///< grid axes (cartesian product)
  std::vector<std::vector<scenario::Edit>> grid;  ///< the edits of every grid point, parameters substituted
  std::vector<std::vector<double>> grid_values;   ///< the parameter values of every grid point
  MonteCarlo monte_carlo;
  std::vector<OdGroup> od_groups;
  std::vector<std::string> bottlenecks;  ///< node or link ids whose utilization is reported
  std::vector<std::string> keep;         ///< variant ids or case names whose full results are kept; "all"
  bool gas = false;  ///< the base scenario has a gas section: kpis.csv gets the gas columns (docs/gas.md)
};

/// One scenario of a study.
struct Variant {
  std::size_t index = 0;
  std::string id;  ///< s00042
  std::size_t case_index = 0;
  std::size_t grid_index = 0;
  std::optional<std::size_t> draw;
};

/// Reads a study file (every key checked; errors name file, line and key).
Study load_study(const std::filesystem::path& file);

/// Checks a study without solving it, as `corridor validate` does: every case's scenario and network,
/// and every edit of every case and grid point and the Monte Carlo selectors applied to that network
/// (unknown ids, empty selections, values out of range). Throws InputError with every problem.
void validate_study(const Study& study);

/// All variants in a fixed order: case, then grid point, then draw.
std::vector<Variant> expand(const Study& study);

/// The edits a Monte Carlo draw makes: the same (seed, draw) gives the same edits on any machine
/// and whatever the number of workers (a counter-based generator, no shared state).
std::vector<scenario::Edit> draw_failures(const Study& study, const network::Network& net, std::size_t draw);

/// SplitMix64: the generator behind the draws (Steele, Lea and Flood 2014).
std::uint64_t splitmix64(std::uint64_t& state);

}  // namespace corridor::batch
