// Solving the variants of a study: each becomes one KPI row, committed to disk as it finishes
// (rows/<id>.csv), so that a rerun skips finished variants and an interruption loses only those in flight.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/batch/study.hpp"
#include "sim/run/results.hpp"

namespace corridor::batch {

/// A case ready to vary: its scenario (with the case's own file, if any) and its network as loaded
/// (additions joined, edits not yet applied).
struct CaseInputs {
  scenario::Scenario scenario;
  network::Network network;
};

/// What solving one variant gives.
struct Outcome {
  std::vector<std::string> row;  ///< KPI values, in kpi_header order, formatted from the run's results
  bool ok = false;
  std::optional<run::Results> results;  ///< the whole run, only when asked for (variants to keep)
  std::size_t iterations = 1;     ///< of the equilibrium (1 for all-or-nothing)
  double relative_gap = 0.0;      ///< reached by the equilibrium
};

/// The kpis.csv header for a study.
std::vector<std::string> kpi_header(const Study& study);

/// Applies a variant's edits (case, grid point, Monte Carlo draw) to a copy of its case's scenario,
/// runs it through run::run_scenario (as `corridor run` does) and formats the KPI row from its results.
/// Bad edits and solver failures give an error row.
Outcome evaluate(const Study& study, const std::vector<CaseInputs>& cases, const Variant& variant, bool keep_results);

/// Whether a variant's full results folder is asked for (`keep:` names its id, its case, or "all").
bool wants_kept(const Study& study, const Variant& variant);

struct RunOptions {
  std::filesystem::path rows_dir;  ///< where rows/<id>.csv are committed
  unsigned jobs = 1;
  std::vector<std::size_t> assigned;  ///< indices of the variants this process runs (all, or an MPI rank's share)
  const std::atomic<bool>* stop = nullptr;  ///< set (e.g. by SIGINT) to stop taking new variants
  std::function<void(std::size_t done, std::size_t total)> progress;            ///< called under a lock
  std::function<void(const Variant&, const Outcome&)> keep;                     ///< writes a kept results folder
  /// Remove temporaries of rows in flight when an earlier run was killed. Off when several processes
  /// share the folder (one of them clears it before the others start: clear_stale_rows).
  bool clear_stale = true;
};

/// Removes the temporary files of rows that were in flight when an earlier run was killed.
void clear_stale_rows(const std::filesystem::path& rows_dir);

struct RunSummary {
  std::size_t total = 0, skipped = 0, solved = 0, failed = 0;
  bool interrupted = false;
};

/// Runs the assigned variants not yet on disk, in `jobs` threads.
RunSummary run_variants(const Study& study, const std::vector<CaseInputs>& cases, const std::vector<Variant>& variants,
                        const RunOptions& options);

/// How many of `variants` have a committed row in `rows_dir` (by any process).
std::size_t committed_rows(const std::filesystem::path& rows_dir, const std::vector<Variant>& variants);

/// The committed row of a variant, or nullopt.
std::optional<std::string> read_row(const std::filesystem::path& rows_dir, const Variant& variant);

/// kpis.csv from the committed rows of every variant (in variant order). Throws if a row is missing.
std::string assemble_kpis(const Study& study, const std::vector<Variant>& variants, const std::filesystem::path& rows_dir);

/// One CSV line from fields (RFC 4180 quoting).
std::string csv_line(const std::vector<std::string>& fields);

}  // namespace corridor::batch
