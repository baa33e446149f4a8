// Benchmark of the freight equilibrium assignment: wall time to relative gap 1e-4 and 1e-6 on Sioux Falls,
// Chicago Sketch (TNTP, from ../shared/data/tntp) and a synthetic grid of about 100k links with 1,000 zones
// generated here. Prints figures; asserts nothing about time.
//
//   bench_freight [network-filter] [method]     method: b (Algorithm B, default), bfw, cfw, fw
#include <chrono>
#include <ctime>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <string>
#include <vector>

#include "sim/freight/equilibrium.hpp"
#include "tools/app/tntp.hpp"

using namespace corridor;
using namespace corridor::freight;

namespace {

/// Deterministic pseudo-random numbers (SplitMix64), so that every run builds the same network.
class SplitMix {
public:
  explicit SplitMix(std::uint64_t seed) : state_(seed) {}
  double uniform() {  // [0, 1)
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return static_cast<double>(z >> 11) * 0x1.0p-53;
  }

private:
  std::uint64_t state_;
};

/// A 158 x 158 grid of two-way BPR links (99,224 links) plus 1,000 zone nodes, each joined to one grid node
/// by a connector pair (2,000 links): 101,224 links, 25,964 nodes. Zones are nodes 0..999 and may not be
/// passed through. Demand: every zone to 100 other zones.
AssignmentProblem synthetic_grid() {
  constexpr std::size_t side = 158, zones = 1000, destinations_per_zone = 100;
  SplitMix rng(20261123);
  AssignmentProblem p;
  p.name = "synthetic grid";
  p.node_count = zones + side * side;
  p.first_thru_node = zones;
  auto grid = [&](std::size_t r, std::size_t c) { return zones + r * side + c; };
  auto add = [&](std::size_t from, std::size_t to, double t0, double capacity) {
    LinkSpec l;
    l.from = from;
    l.to = to;
    l.free_flow_time = t0;
    l.capacity = capacity;
    l.length = t0;
    p.links.push_back(l);
  };
  for (std::size_t r = 0; r < side; ++r) {
    for (std::size_t c = 0; c < side; ++c) {
      if (c + 1 < side) {
        const double t0 = 1.0 + rng.uniform(), cap = 1000.0 + 1500.0 * rng.uniform();
        add(grid(r, c), grid(r, c + 1), t0, cap);
        add(grid(r, c + 1), grid(r, c), t0, cap);
      }
      if (r + 1 < side) {
        const double t0 = 1.0 + rng.uniform(), cap = 1000.0 + 1500.0 * rng.uniform();
        add(grid(r, c), grid(r + 1, c), t0, cap);
        add(grid(r + 1, c), grid(r, c), t0, cap);
      }
    }
  }
  for (std::size_t z = 0; z < zones; ++z) {
    const auto r = static_cast<std::size_t>(rng.uniform() * side);
    const auto c = static_cast<std::size_t>(rng.uniform() * side);
    add(z, grid(r, c), 0.5, 1e5);
    add(grid(r, c), z, 0.5, 1e5);
  }
  p.classes = {TravelClass{"all", 0.0, 0.0, {}}};
  for (std::size_t o = 0; o < zones; ++o) {
    for (std::size_t i = 0; i < destinations_per_zone; ++i) {
      const auto d = static_cast<std::size_t>(rng.uniform() * zones);
      if (d != o) p.demand.push_back({o, d, 0, 5.0 + 10.0 * rng.uniform()});
    }
  }
  return p;
}

void run(const std::string& name, const AssignmentProblem& p, AssignmentMethod method, std::size_t max_iterations,
         bool verbose = false) {
  using Clock = std::chrono::steady_clock;
  EquilibriumOptions options;
  options.method = method;
  options.relative_gap = 1e-6;
  options.max_iterations = max_iterations;
  options.list_routes = false;
  double t4 = -1.0, t6 = -1.0, cpu4 = -1.0, cpu6 = -1.0;
  std::size_t i4 = 0, i6 = 0;
  const auto start = Clock::now();
  const std::clock_t cpu_start = std::clock();
  options.on_iteration = [&](std::size_t it, double gap) {
    const double s = std::chrono::duration<double>(Clock::now() - start).count();
    const double cpu = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
    if (gap <= 1e-4 && t4 < 0.0) {
      t4 = s;
      cpu4 = cpu;
      i4 = it;
    }
    if (gap <= 1e-6 && t6 < 0.0) {
      t6 = s;
      cpu6 = cpu;
      i6 = it;
    }
    if (verbose) std::fprintf(stderr, "  %s: iteration %zu, gap %.3e, %.2f s\n", name.c_str(), it, gap, s);
  };
  const EquilibriumResult r = solve_assignment(p, options);
  const double total = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("%-16s %-26s links %7zu  ODs %8zu | gap 1e-4: %8.3f s wall, %8.3f s cpu (%4zu it) | gap 1e-6: %8.3f s "
              "wall, %8.3f s cpu (%4zu it) | final gap %.2e after %zu it, %.3f s incl. results\n",
              name.c_str(), to_string(method).c_str(), p.links.size(), p.demand.size(), t4, cpu4, i4, t6, cpu6, i6,
              r.relative_gap, r.iterations, total);
  std::fflush(stdout);
}

AssignmentProblem tntp(const std::string& folder, const std::string& stem, app::TntpCostWeights w) {
  const std::string base = std::string(CORRIDOR_SHARED_DATA_DIR) + "/tntp/" + folder + "/" + stem;
  return app::to_assignment_problem(app::read_tntp_network(base + "_net.tntp"),
                                    app::read_tntp_trips(base + "_trips.tntp"), w);
}

}  // namespace

int main(int argc, char** argv) try {
  const std::string filter = argc > 1 ? argv[1] : "";
  const std::string m = argc > 2 ? argv[2] : "b";
  const AssignmentMethod method = m == "bfw"   ? AssignmentMethod::biconjugate_frank_wolfe
                                  : m == "cfw" ? AssignmentMethod::conjugate_frank_wolfe
                                  : m == "fw"  ? AssignmentMethod::frank_wolfe
                                               : AssignmentMethod::algorithm_b;
  const std::size_t max_it = method == AssignmentMethod::algorithm_b ? 1000 : 2000;
  std::printf("time to relative gap (TSTT - SPTT) / SPTT, one core; -1 = not reached\n");
  const bool tntp_data = std::filesystem::exists(std::string(CORRIDOR_SHARED_DATA_DIR) + "/tntp");
  if (tntp_data && (filter.empty() || filter == "sioux"))
    run("Sioux Falls", tntp("SiouxFalls", "SiouxFalls", {}), method, max_it);
  if (tntp_data && (filter.empty() || filter == "chicago"))
    run("Chicago Sketch", tntp("Chicago-Sketch", "ChicagoSketch", {0.02, 0.04}), method, max_it);
  if (!tntp_data) std::printf("TNTP data not found under %s: skipped\n", CORRIDOR_SHARED_DATA_DIR);
  if (filter.empty() || filter == "synthetic") run("synthetic grid", synthetic_grid(), method, 40, true);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "bench_freight: %s\n", e.what());
  return 1;
}
