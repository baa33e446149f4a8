#include "tools/app/batch_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <csignal>
#include <cstdio>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <ostream>
#include <thread>

#include "geo/csv.hpp"
#include "geo/error.hpp"
#include "geo/writer.hpp"
#include "sim/batch/runner.hpp"
#include "sim/run/load.hpp"
#include "sim/run/run.hpp"
#include "tools/app/mpi_session.hpp"
#include "tools/app/output_folder.hpp"
#include "tools/app/results_folder.hpp"

namespace corridor::app {

namespace fs = std::filesystem;

namespace {

std::atomic<bool> g_stop{false};
extern "C" void on_interrupt(int) { g_stop.store(true); }

/// done/total, rate and ETA: a bar redrawn in place on a terminal, a line every tenth otherwise.
class Progress {
public:
  Progress(std::ostream& err, bool quiet) : err_(err), quiet_(quiet), tty_(::isatty(STDERR_FILENO) == 1) {}

  void update(std::size_t done, std::size_t total) {
    if (quiet_ || total == 0) return;
    const auto now = std::chrono::steady_clock::now();
    if (!started_) {
      started_ = true;
      start_ = now;
      first_done_ = done;
    }
    const double elapsed_s = std::chrono::duration<double>(now - start_).count();
    const double rate = elapsed_s > 0 ? static_cast<double>(done - first_done_) / elapsed_s : 0.0;
    const double eta_s = rate > 0 ? static_cast<double>(total - done) / rate : 0.0;
    char line[160];
    if (tty_) {
      if (done != total && std::chrono::duration<double>(now - last_draw_).count() < 0.1) return;
      last_draw_ = now;
      constexpr int kWidth = 30;
      const int filled = static_cast<int>(kWidth * static_cast<double>(done) / static_cast<double>(total));
      std::snprintf(line, sizeof line, "\r[%-*s] %zu/%zu  %.1f/s  ETA %d:%02d ", kWidth,
                    std::string(static_cast<std::size_t>(filled), '#').c_str(), done, total, rate,
                    static_cast<int>(eta_s) / 60, static_cast<int>(eta_s) % 60);
      err_ << line << (done == total ? "\n" : "") << std::flush;
    } else {
      const std::size_t tenth = done * 10 / total;
      if (done != total && tenth == last_tenth_) return;
      last_tenth_ = tenth;
      std::snprintf(line, sizeof line, "progress: %zu/%zu scenarios, %.1f/s, ETA %.0f s\n", done, total, rate, eta_s);
      err_ << line << std::flush;
    }
  }

private:
  std::ostream& err_;
  bool quiet_, tty_;
  bool started_ = false;
  std::size_t first_done_ = 0, last_tenth_ = static_cast<std::size_t>(-1);
  std::chrono::steady_clock::time_point start_, last_draw_;
};

/// Identifies a study's rows: the same study file content and variant list, or a refusal to mix.
nlohmann::ordered_json fingerprint(const batch::Study& study, const std::vector<batch::Variant>& variants) {
  return {{"study", study.name},
          {"study_sha256", run::sha256_file(study.file)},
          {"base_sha256", run::sha256_file(study.base_scenario)},
          {"variants", variants.size()},
          {"columns", batch::kpi_header(study)}};
}

}  // namespace

namespace {

int batch_on(const MpiSession& mpi, const BatchOptions& options, std::ostream& out, std::ostream& err);

}  // namespace

int batch(const BatchOptions& options, std::ostream& out, std::ostream& err) {
  MpiSession mpi;
  if (mpi.size() == 1) return batch_on(mpi, options, out, err);
  // Under mpirun an error on one rank (say rank 0 refusing the folder) must end them all, not leave the
  // others waiting in a collective: print it here, once per problem, and abort the job.
  try {
    return batch_on(mpi, options, out, err);
  } catch (const InputError& e) {
    for (const auto& p : e.problems()) err << "error: " << p.str() << '\n';
    err.flush();
    mpi.abort(1);
  } catch (const SolverError& e) {
    err << "error: " << e.what() << '\n';
    err.flush();
    mpi.abort(2);
  } catch (const std::exception& e) {
    err << "internal error: " << e.what() << '\n';
    err.flush();
    mpi.abort(3);
  }
  return 3;
}

namespace {

int batch_on(const MpiSession& mpi, const BatchOptions& options, std::ostream& out, std::ostream& err) {
  const auto start = std::chrono::steady_clock::now();
  const batch::Study study = batch::load_study(options.study);
  const auto variants = batch::expand(study);

  // Inputs of every case, read once; cases sharing a network source share the read.
  std::vector<batch::CaseInputs> cases;
  std::map<std::string, network::Network> networks;
  std::vector<fs::path> study_inputs{study.file};  // what the study folder may never hold
  for (const auto& kase : study.cases) {
    scenario::Scenario s = scenario::load(kase.scenario.value_or(study.base_scenario));
    for (auto& p : run::input_paths(s)) study_inputs.push_back(std::move(p));
    std::string key = s.network.dataset.string() + "|" + s.network.nodes.string() + "|" + s.network.links.string();
    for (const auto& a : s.additions) key += "|" + a.dataset.string() + a.nodes.string() + a.links.string();
    auto it = networks.find(key);
    if (it == networks.end()) it = networks.emplace(key, run::load_network(s)).first;
    cases.push_back({std::move(s), it->second});
  }

  const fs::path dir = options.out_dir ? *options.out_dir : fs::path("out") / study.name;
  const fs::path rows_dir = dir / "rows";
  const auto identity = fingerprint(study, variants);
  if (mpi.rank() == 0) {
    // The study folder is resumed in place: it must be absent, empty or a study folder corridor wrote.
    check_output_folder(dir, FolderKind::study, study_inputs);
    if (options.fresh && marker_kind(dir) == FolderKind::study) fs::remove_all(dir);
    fs::create_directories(dir);
    if (!marker_kind(dir)) write_marker(dir, FolderKind::study);
    const fs::path id_file = dir / "study.json";
    if (fs::exists(id_file)) {
      std::ifstream in(id_file);
      nlohmann::ordered_json previous;
      try {
        previous = nlohmann::ordered_json::parse(in);
      } catch (const nlohmann::json::exception&) {
      }
      if (previous != identity)
        throw InputError(dir.string(), "", "holds the results of a different study (or an older version of it); "
                                           "use --fresh to start over or choose another --out");
    } else {
      geo::write_text(id_file, identity.dump(2) + "\n");
    }
    // Before any rank writes: another rank's row in flight must never be taken for a stale one.
    batch::clear_stale_rows(rows_dir);
  }
  mpi.barrier();

  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  Progress progress(err, options.quiet || mpi.rank() != 0);
  batch::RunOptions run;
  run.rows_dir = rows_dir;
  run.jobs = options.jobs ? options.jobs : std::max(1u, std::thread::hardware_concurrency());
  for (std::size_t i = static_cast<std::size_t>(mpi.rank()); i < variants.size(); i += static_cast<std::size_t>(mpi.size()))
    run.assigned.push_back(i);
  run.stop = &g_stop;
  run.clear_stale = false;  // done above, by rank 0 alone
  // One process reports its own count. Under mpirun, rank 0 reports the whole study: the rows every rank
  // has committed to the shared folder (counted at most every 0.2 s), also while it waits for the others.
  std::size_t reported = 0;
  auto study_progress = [&, last = std::chrono::steady_clock::time_point{}](bool force = false) mutable {
    const auto now = std::chrono::steady_clock::now();
    if (!force && now - last < std::chrono::milliseconds(200)) return;
    last = now;
    const std::size_t done = batch::committed_rows(rows_dir, variants);
    if (done == reported && done == variants.size()) return;
    reported = done;
    progress.update(done, variants.size());
  };
  run.progress = [&](std::size_t done, std::size_t total) {
    if (mpi.size() == 1) progress.update(done, total);
    else if (mpi.rank() == 0) study_progress();
  };
  run.keep = [&](const batch::Variant& v, const batch::Outcome& o) {
    // The folder `corridor run` would write for this variant: the same results value, formatted the same way.
    write_results(dir / "kept" / v.id, *o.results, 0.0, study_inputs);
  };
  const batch::RunSummary summary = batch::run_variants(study, cases, variants, run);

  // Every rank's rows reach rank 0, which writes the one kpis.csv (identical to a single-process run).
  const bool all_done = mpi.all_true(!summary.interrupted, mpi.rank() == 0 && mpi.size() > 1
                                                               ? std::function<void()>([&] { study_progress(); })
                                                               : std::function<void()>());
  if (mpi.rank() == 0 && mpi.size() > 1) study_progress(true);
  const auto totals = mpi.sum({summary.solved, summary.skipped});
  if (!all_done) {
    if (mpi.rank() == 0)
      err << "interrupted: finished scenarios are kept in " << rows_dir.string() << "; run the same command again to resume\n";
    return 130;
  }
  std::vector<std::string> rows;
  for (std::size_t i : run.assigned) rows.push_back(*batch::read_row(rows_dir, variants[i]));
  const auto gathered = mpi.gather_rows(run.assigned, rows, variants.size());
  if (mpi.rank() != 0) return 0;

  const auto header = batch::kpi_header(study);
  const std::size_t status_column = static_cast<std::size_t>(std::find(header.begin(), header.end(), "status") - header.begin());
  std::string kpis = batch::csv_line(header) + "\n";
  std::size_t failed = 0;
  for (const auto& row : gathered) {
    kpis += row + "\n";
    if (geo::csv_split(row).at(status_column) != "ok") ++failed;
  }
  geo::write_text(dir / "kpis.csv", kpis);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!options.quiet) {
    out << "Study " << study.name << ": " << variants.size() << " scenarios (" << study.cases.size() << " cases x "
        << study.grid.size() << " grid points x " << std::max<std::size_t>(study.monte_carlo.draws, 1) << " draws), "
        << mpi.size() << (mpi.size() == 1 ? " process" : " processes") << " x " << run.jobs << " threads\n";
    out << "Solved " << totals[0] << ", resumed " << totals[1] << " finished earlier";
    out << "; " << failed << " failed (status and error columns of kpis.csv). " << seconds << " s.\n";
    out << "KPIs in " << (dir / "kpis.csv").string() << "\n";
  }
  return 0;
}

}  // namespace

}  // namespace corridor::app
