// Benchmark at scale: synthetic continental networks (tools/gen_network: a perturbed grid over
// Eurasia, 1,000 OD zones, 5 destinations each) of 10k, 100k and 1M links, read from GeoPackage.
// For each it prints the time to load the layers (GDAL, nodes and links in parallel as `corridor run`
// does), to build the network (checks, graph), peak
// memory after load and build, and the time of an all-or-nothing assignment of the demand; then
// memory per link at each size, to show that it grows linearly. Each size runs in its own process,
// so that peak memory (getrusage) is that size's alone. Prints figures; asserts nothing about time.
//
//   bench_scale [--sizes 10000,100000,1000000] [--zones Z] [--threads T] [--no-solve] [--data DIR]
//
// Generated networks are kept in DIR (default: <build>/bench-data) and reused.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "geo/reader.hpp"
#include "sim/run/load.hpp"
#include "sim/freight/assignment.hpp"
#include "sim/network/network.hpp"
#include "sim/scenario/scenario.hpp"
#include "tools/gen_network/synthetic_network.hpp"

namespace fs = std::filesystem;
using namespace corridor;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

/// CPU time of this process so far, in seconds (the machine may be shared: wall time then overstates).
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}

/// Peak resident memory of this process so far, in MB.
double peak_rss_mb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;
}

/// Current resident memory, in MB (from /proc/self/statm).
double current_rss_mb() {
  std::ifstream in("/proc/self/statm");
  long pages_total = 0, pages_resident = 0;
  in >> pages_total >> pages_resident;
  return static_cast<double>(pages_resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1024.0 * 1024.0);
}

struct Figures {
  std::size_t links = 0, nodes = 0, od_rows = 0, origins = 0;
  double baseline_mb = 0, load_s = 0, build_s = 0, peak_build_mb = 0, solve_s = -1, peak_total_mb = 0;
  double load_cpu_s = 0, build_cpu_s = 0, solve_cpu_s = 0;
  int ok = 0;
};

/// Loads, builds and (unless told not to) solves one generated network; runs in a child process.
Figures measure(const fs::path& dir, bool solve, unsigned threads) {
  Figures f;
  const std::string dataset = (dir / "network.gpkg").string();
  (void)geo::layer_names(dataset);  // GDAL registered and the file opened once: not counted
  f.baseline_mb = current_rss_mb();

  auto t = Clock::now();
  double cpu = cpu_seconds();
  auto [nodes, links] = run::read_layers(dataset, "nodes", dataset, "links");  // as corridor run reads a network
  f.load_s = seconds_since(t);
  f.load_cpu_s = cpu_seconds() - cpu;
  t = Clock::now();
  cpu = cpu_seconds();
  network::Network net = network::Network::build(std::move(nodes), std::move(links), {});  // as sim/run/load.cpp
  f.build_s = seconds_since(t);
  f.build_cpu_s = cpu_seconds() - cpu;
  nodes = {};
  links = {};
  f.peak_build_mb = peak_rss_mb();
  f.links = net.links().size();
  f.nodes = net.nodes().size();

  if (solve) {
    t = Clock::now();
    cpu = cpu_seconds();
    scenario::Scenario s = scenario::load(dir / "scenario.yaml");
    scenario::check_against(s, net);
    const auto r = freight::assign_all_or_nothing(net, s, threads);
    f.solve_s = seconds_since(t);
    f.solve_cpu_s = cpu_seconds() - cpu;
    f.od_rows = r.od.size();
    std::vector<bool> seen(net.nodes().size(), false);
    for (const auto& od : r.od)
      if (!seen[od.origin]) {
        seen[od.origin] = true;
        ++f.origins;
      }
  }
  f.peak_total_mb = peak_rss_mb();
  f.ok = 1;
  return f;
}

/// Runs `work` in a child process and returns what it wrote into the pipe.
template <typename Work>
Figures in_child(Work work) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error("pipe failed");
  std::fflush(stdout);
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    close(fds[0]);
    Figures f;
    try {
      f = work();
    } catch (const std::exception& e) {
      std::fprintf(stderr, "error: %s\n", e.what());
    }
    const auto written = write(fds[1], &f, sizeof f);
    _exit(written == static_cast<ssize_t>(sizeof f) ? 0 : 1);
  }
  close(fds[1]);
  Figures f;
  const auto got = read(fds[0], &f, sizeof f);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (got != static_cast<ssize_t>(sizeof f)) f.ok = 0;
  return f;
}

std::vector<std::size_t> parse_sizes(const std::string& text) {
  std::vector<std::size_t> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    out.push_back(std::stoul(text.substr(start, comma - start)));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::size_t> sizes{10'000, 100'000, 1'000'000};
  std::size_t zones = 1000;
  bool solve = true;
  unsigned threads = 1;
  fs::path data = fs::path(CORRIDOR_BINARY_DIR) / "bench-data";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--sizes" && i + 1 < argc) sizes = parse_sizes(argv[++i]);
    else if (a == "--zones" && i + 1 < argc) zones = std::stoul(argv[++i]);
    else if (a == "--no-solve") solve = false;
    else if (a == "--threads" && i + 1 < argc) threads = static_cast<unsigned>(std::stoul(argv[++i]));
    else if (a == "--data" && i + 1 < argc) data = argv[++i];
    else {
      std::fprintf(stderr, "usage: bench_scale [--sizes 10000,100000,1000000] [--zones Z] [--threads T] [--no-solve] [--data DIR]\n");
      return 1;
    }
  }

  std::printf("bench_scale: synthetic Eurasian grids from GeoPackage, %zu zones x 5 destinations; one process per size\n\n",
              zones);
  std::printf("%9s %8s %15s %15s %15s %9s %10s %15s %11s\n", "links", "nodes", "load_s (cpu)", "build_s (cpu)",
              "load+build", "peak_MB", "bytes/link", "AON_s (cpu)", "peak_MB_all");
  std::vector<Figures> all;
  for (const std::size_t n : sizes) {
    const fs::path dir = data / ("scale-" + std::to_string(n) + "-z" + std::to_string(zones));
    if (!fs::exists(dir / "scenario.yaml")) {
      const auto t = Clock::now();
      const Figures g = in_child([&] {
        tools::SyntheticNetworkSpec spec;
        spec.links = n;
        spec.zones = zones;
        tools::write_synthetic_network(spec, dir);
        Figures ok;
        ok.ok = 1;
        return ok;
      });
      if (!g.ok) {
        std::fprintf(stderr, "bench_scale: generating %zu links failed\n", n);
        return 1;
      }
      std::fprintf(stderr, "  (generated %s in %.1f s)\n", dir.string().c_str(), seconds_since(t));
    }
    const Figures f = in_child([&] { return measure(dir, solve, threads); });
    if (!f.ok) {
      std::fprintf(stderr, "bench_scale: measuring %zu links failed\n", n);
      return 1;
    }
    const double per_link = (f.peak_build_mb - f.baseline_mb) * 1024.0 * 1024.0 / static_cast<double>(f.links);
    auto pair = [](double wall, double cpu) {
      char text[48];
      std::snprintf(text, sizeof text, "%.2f (%.2f)", wall, cpu);
      return std::string(text);
    };
    std::printf("%9zu %8zu %15s %15s %15s %9.0f %10.0f %15s %11.0f\n", f.links, f.nodes, pair(f.load_s, f.load_cpu_s).c_str(),
                pair(f.build_s, f.build_cpu_s).c_str(), pair(f.load_s + f.build_s, f.load_cpu_s + f.build_cpu_s).c_str(),
                f.peak_build_mb, per_link, f.solve_s < 0 ? "-" : pair(f.solve_s, f.solve_cpu_s).c_str(), f.peak_total_mb);
    std::fflush(stdout);
    all.push_back(f);
  }

  std::printf("\nload: GDAL reading both layers; build: Network::build (checks, lengths, graph). Wall time, CPU time in\n"
              "brackets (they differ when the machine is shared).\n"
              "peak_MB: peak resident memory after load and build; bytes/link: (peak - %.0f MB baseline) / links.\n",
              all.empty() ? 0.0 : all.front().baseline_mb);
  if (solve && !all.empty())
    std::printf("AON_s: scenario read, ids checked and an all-or-nothing assignment of %zu OD rows from %zu origins "
                "(last size), %u thread%s (--threads).\n",
                all.back().od_rows, all.back().origins, threads, threads == 1 ? "" : "s");
  for (std::size_t i = 1; i < all.size(); ++i) {
    auto per = [](const Figures& f) { return (f.peak_build_mb - f.baseline_mb) / static_cast<double>(f.links); };
    const double ratio = per(all[i]) / per(all[i - 1]);
    std::printf("memory per link, %zu vs %zu links: x%.2f (%s)\n", all[i].links, all[i - 1].links, ratio,
                std::abs(ratio - 1.0) <= 0.25 ? "linear" : "NOT linear");
  }
  for (const auto& f : all)
    if (f.links >= 1'000'000)
      std::printf("goal for %zu links: load+build %.1f s wall, %.1f s CPU (under 10 s: %s), peak %.0f MB (under 2048 MB: %s)\n",
                  f.links, f.load_s + f.build_s, f.load_cpu_s + f.build_cpu_s,
                  f.load_cpu_s + f.build_cpu_s < 10.0 ? "met" : "NOT met", f.peak_build_mb,
                  f.peak_build_mb < 2048.0 ? "met" : "NOT met");
  return 0;
}
