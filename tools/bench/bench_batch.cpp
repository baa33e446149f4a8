// Benchmark: a 100-scenario study on the bundled corridors (10 x 10 parameter grid, each with a Monte
// Carlo draw of border disruptions), solved with 1 and 2 worker threads. Prints scenarios per second;
// the goal is at least 200 freight scenarios per second per core, scaling with workers. The bundled
// baseline is the calibrated market with route and mode choice (282 OD pairs, stochastic user
// equilibrium to a gap of 1e-6): measured 2026-12-02 at about 3 scenarios/s per core, far from
// the goal (issue 14's note says what a warm start from the base solution would need).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "sim/batch/runner.hpp"
#include "sim/run/load.hpp"

namespace fs = std::filesystem;
using namespace corridor;

int main() {
  const fs::path root(CORRIDOR_SOURCE_DIR);
  const fs::path work = fs::temp_directory_path() / "corridor-bench-batch";
  fs::remove_all(work);
  fs::create_directories(work);
  std::ofstream(work / "study.yaml") << "name: bench\nbase: " << (root / "scenarios/baseline.yaml").string() << R"(
parameters:
  ferry: {from: 1.0, to: 3.25, step: 0.25}
  growth: {from: 0.0, to: 0.45, step: 0.05}
edits:
  - scale: {select: {ids: [AKX-ALY]}, capacity_teu_per_day: $ferry}
  - scale_demand: {factor: 1 + $growth}
monte_carlo:
  draws: 1
  seed: 1
  failures:
    - {select: {kind: border}, probability: 0.1, duration_days: {exponential: 15}}
kpis:
  od_groups:
    china_europe: {origins: [XIA, CKG, CTU, CGO, YIW], destinations: [DUI, HAM, WAW, BUD]}
  bottlenecks: [DOS, MLS, AKX-ALY]
)";
  const auto load_start = std::chrono::steady_clock::now();
  const batch::Study study = batch::load_study(work / "study.yaml");
  const auto variants = batch::expand(study);
  scenario::Scenario base = scenario::load(study.base_scenario);
  std::vector<batch::CaseInputs> cases{{base, run::load_network(base)}};
  const double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - load_start).count();
  std::printf("study: %zu scenarios on the bundled network (%zu nodes, %zu links); study and network load %.3f s\n",
              variants.size(), cases[0].network.nodes().size(), cases[0].network.links().size(), load_s);

  double single_rate = 0.0;
  for (unsigned jobs : {1u, 2u}) {
    batch::RunOptions options;
    options.rows_dir = work / ("rows-" + std::to_string(jobs));
    options.jobs = jobs;
    for (std::size_t i = 0; i < variants.size(); ++i) options.assigned.push_back(i);
    const auto start = std::chrono::steady_clock::now();
    const auto summary = batch::run_variants(study, cases, variants, options);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double rate = static_cast<double>(summary.solved + summary.failed) / s;
    if (jobs == 1) single_rate = rate;
    std::printf("workers %u: %zu scenarios in %.3f s = %.0f scenarios/s (%.0f per worker), speed-up %.2f\n", jobs,
                summary.solved + summary.failed, s, rate, rate / jobs, rate / single_rate);
  }
  fs::remove_all(work);
  return 0;
}
