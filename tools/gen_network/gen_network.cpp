// gen_network: writes a synthetic continental network (perturbed grid over Eurasia) for scale tests.
//
//   gen_network OUT_DIR [--links N] [--zones Z] [--destinations K] [--seed S]
//
// OUT_DIR receives network.gpkg (layers nodes and links), demand.csv (K rows per zone) and
// scenario.yaml, ready for `corridor run OUT_DIR/scenario.yaml`. Defaults: 1,000,000 links, 1,000 zones.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "tools/gen_network/synthetic_network.hpp"

int main(int argc, char** argv) {
  corridor::tools::SyntheticNetworkSpec spec;
  std::string out;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> unsigned long long {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "error: %s needs a value\n", a.c_str());
        std::exit(1);
      }
      char* end = nullptr;
      const unsigned long long v = std::strtoull(argv[++i], &end, 10);
      if (end == argv[i] || *end != '\0') {
        std::fprintf(stderr, "error: %s: '%s' is not a whole number\n", a.c_str(), argv[i]);
        std::exit(1);
      }
      return v;
    };
    if (a == "--links") spec.links = value();
    else if (a == "--zones") spec.zones = value();
    else if (a == "--destinations") spec.destinations_per_zone = value();
    else if (a == "--seed") spec.seed = value();
    else if (a == "-h" || a == "--help") {
      std::printf("usage: gen_network OUT_DIR [--links N] [--zones Z] [--destinations K] [--seed S]\n");
      return 0;
    } else if (out.empty() && !a.empty() && a[0] != '-') out = a;
    else {
      std::fprintf(stderr, "error: unexpected argument '%s'\n", a.c_str());
      return 1;
    }
  }
  if (out.empty() || spec.links < 4) {
    std::fprintf(stderr, "usage: gen_network OUT_DIR [--links N (at least 4)] [--zones Z] [--destinations K] [--seed S]\n");
    return 1;
  }
  try {
    const auto start = std::chrono::steady_clock::now();
    const auto files = corridor::tools::write_synthetic_network(spec, out);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%s: %zu nodes, %zu links, %zu OD rows in %.1f s\n", files.scenario.string().c_str(), files.node_count,
                files.link_count, files.od_rows, s);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
