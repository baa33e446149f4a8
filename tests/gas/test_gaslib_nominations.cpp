// Every GasLib instance in ../shared/data through the two README paths, in process: `corridor import
// gaslib NET SCN --out DIR` and `corridor run DIR/scenario.yaml` (nomination validation: the optimiser
// sets the stations and control valves). GasLib-11, GasLib-24 and the 1,234 measured nominations of
// GasLib-134 (GasLib-134.zip, gaslib.zib.de, CC BY 3.0; unzipped at test time). Each run either
// delivers the nomination with every bound held in the re-simulated state (to the 1e-6 bar of the
// written tables) and the simulator agreeing with the optimiser to 1e-6, or exits 2 with one line
// naming what cannot be met. CORRIDOR_GAS_VERBOSE=1 prints the counts and times (docs/gas.md).
//
// Under the sanitizers (CORRIDOR_TESTS_SANITIZED, 5-10x slower) every 25th nomination is run.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>

#include "geo/csv.hpp"
#include "geo/error.hpp"
#include "tests/gas/csv_rows.hpp"
#include "tests/support/run_cli.hpp"
#include "tests/support/temp_dir.hpp"
#include "tools/app/commands.hpp"
#include "tools/app/gas_import.hpp"

using namespace corridor;
using namespace corridor::test;
namespace fs = std::filesystem;

namespace {

const fs::path kGasLib = fs::path(CORRIDOR_SHARED_DATA_DIR) / "gas/gaslib";

#ifdef CORRIDOR_TESTS_SANITIZED
constexpr std::size_t kStride = 25;  // every 25th nomination under the sanitizers
#else
constexpr std::size_t kStride = 1;
#endif

struct Outcome {
  enum Kind { feasible, infeasible, failed } kind = failed;
  std::string message;
  double ms = 0.0;
};

/// Import and run one nomination in process; checks the results folder of a feasible run.
Outcome import_and_run(const fs::path& net, const fs::path& scn, const TempDir& work, const fs::path& cs = {}) {
  Outcome o;
  const auto t0 = std::chrono::steady_clock::now();
  const auto dir = work / scn.stem().string();
  const auto out = work / (scn.stem().string() + "-out");
  std::ostringstream sink;
  try {
    app::GasLibImportOptions import;
    import.network = net.string();
    import.scenario = scn.string();
    import.out_dir = dir.string();
    import.compressor_stations = cs.string();
    app::import_gaslib(import, sink);
    app::RunOptions run;
    run.scenario = dir / "scenario.yaml";
    run.out_dir = out;
    run.quiet = true;
    const int status = app::run(run, sink);
    if (status != 0) {
      o.message = "exit status " + std::to_string(status);
      return o;
    }
  } catch (const SolverError& e) {
    o.kind = Outcome::infeasible;
    o.message = e.what();
    CHECK(!fs::exists(out));  // no half-written results folder
    CHECK(o.message.find('\n') == std::string::npos);
    CHECK(o.message.find("cannot be met") != std::string::npos);
    return o;
  } catch (const std::exception& e) {
    o.message = e.what();
    return o;
  }
  o.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  const auto g = nlohmann::json::parse(read_file(out / "summary.json"))["gas"];
  INFO(scn.filename().string());
  CHECK(g["mode"] == "optimize");
  CHECK(g["optimisation"]["feasible"] == true);
  CHECK(g["violations"].empty());
  CHECK(g["optimisation"]["simulator_agreement"]["pressure_relative"].get<double>() < 1e-6);
  CHECK(g["optimisation"]["simulator_agreement"]["flow_relative"].get<double>() < 1e-6);
  for (const auto& d : g["deliveries"])
    if (d["nominated_mcm_per_day"].is_number())
      CHECK(d["mcm_per_day"].get<double>() == Approx(d["nominated_mcm_per_day"].get<double>()).margin(1e-4));
  for (const auto& row : read_csv(out / "gas_nodes.csv")) {
    if (row.at("pressure_bar").empty()) continue;
    const double p = std::stod(row.at("pressure_bar"));
    if (!row.at("pressure_min_bar").empty()) CHECK(p >= std::stod(row.at("pressure_min_bar")) - 1e-6);
    if (!row.at("pressure_max_bar").empty()) CHECK(p <= std::stod(row.at("pressure_max_bar")) + 1e-6);
  }
  fs::remove_all(dir);
  fs::remove_all(out);
  o.kind = Outcome::feasible;
  return o;
}

/// GasLib-134 unzipped once per test process.
const fs::path& gaslib134() {
  static TempDir dir("gaslib134");
  static std::once_flag once;
  std::call_once(once, [] {
    const auto zip = kGasLib / "GasLib-134.zip";
    const std::string cmd = "unzip -q -o " + shell_quote(zip.string()) + " -d " + shell_quote(dir.path().string());
    if (std::system(cmd.c_str()) != 0) FAIL("cannot unzip " << zip << " (is unzip installed?)");
  });
  return dir.path();
}

/// Runs nominations [first, last) of the sorted GasLib-134-v2 list (every kStride-th) and reports.
void run_gaslib134(std::size_t part, std::size_t parts) {
  if (!fs::exists(kGasLib / "GasLib-134.zip")) {
    WARN("reference data " << kGasLib / "GasLib-134.zip" << " is absent: GasLib-134 nominations skipped");
    return;
  }
  const auto root = gaslib134();
  std::vector<fs::path> scns;
  for (const auto& e : fs::directory_iterator(root / "Nominations-134-v2")) scns.push_back(e.path());
  std::sort(scns.begin(), scns.end());
  REQUIRE(scns.size() == 1234);
  const std::size_t first = scns.size() * part / parts, last = scns.size() * (part + 1) / parts;
  TempDir work("g134-runs");
  std::size_t counts[3] = {0, 0, 0};
  std::vector<double> ms;
  for (std::size_t k = first; k < last; ++k) {
    if (k % kStride != 0) continue;
    const Outcome o = import_and_run(root / "GasLib-134-v2.net", scns[k], work);
    INFO(scns[k].filename().string() << ": " << o.message);
    CHECK(o.kind != Outcome::failed);
    ++counts[o.kind];
    if (o.kind == Outcome::feasible) ms.push_back(o.ms);
  }
  std::sort(ms.begin(), ms.end());
  if (std::getenv("CORRIDOR_GAS_VERBOSE"))
    std::printf("GasLib-134 nominations %zu-%zu: feasible %zu, infeasible %zu, failed %zu; import + run median %.1f ms, worst %.1f ms\n",
                first, last - 1, counts[0], counts[1], counts[2], ms.empty() ? 0.0 : ms[ms.size() / 2],
                ms.empty() ? 0.0 : ms.back());
  CHECK(counts[0] + counts[1] > 0);
}

}  // namespace

TEST_CASE("GasLib-11 and GasLib-24 import and run to a feasible operating point", "[gas][gaslib][nominations]") {
  TempDir work("gaslib-small");
  for (const char* name : {"GasLib-11", "GasLib-24"}) {
    const auto net = kGasLib / name / (std::string(name) + ".net");
    if (!fs::exists(net)) {
      WARN("reference data " << net << " is absent: skipped");
      continue;
    }
    const Outcome o = import_and_run(net, kGasLib / name / (std::string(name) + ".scn"), work);
    INFO(name << ": " << o.message);
    CHECK(o.kind == Outcome::feasible);
  }
}

TEST_CASE("GasLib-11 and GasLib-24 with their compressor-station files import and run to a feasible operating point",
          "[gas][gaslib][nominations][machines]") {
  TempDir work("gaslib-small-cs");
  for (const char* name : {"GasLib-11", "GasLib-24"}) {
    const auto dir = kGasLib / name;
    if (!fs::exists(dir / (std::string(name) + ".cs"))) {
      WARN("reference data " << dir << " is absent: skipped");
      continue;
    }
    const Outcome o = import_and_run(dir / (std::string(name) + ".net"), dir / (std::string(name) + ".scn"), work,
                                     dir / (std::string(name) + ".cs"));
    INFO(name << ": " << o.message);
    CHECK(o.kind == Outcome::feasible);
  }
}

// Four parts, so that ctest -j runs them side by side.
TEST_CASE("GasLib-134 nominations, first quarter, import and run to a feasible point or a stated infeasibility",
          "[gas][gaslib][nominations]") {
  run_gaslib134(0, 4);
}
TEST_CASE("GasLib-134 nominations, second quarter, import and run to a feasible point or a stated infeasibility",
          "[gas][gaslib][nominations]") {
  run_gaslib134(1, 4);
}
TEST_CASE("GasLib-134 nominations, third quarter, import and run to a feasible point or a stated infeasibility",
          "[gas][gaslib][nominations]") {
  run_gaslib134(2, 4);
}
TEST_CASE("GasLib-134 nominations, fourth quarter, import and run to a feasible point or a stated infeasibility",
          "[gas][gaslib][nominations]") {
  run_gaslib134(3, 4);
}
