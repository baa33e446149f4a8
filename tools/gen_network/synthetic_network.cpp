#include "tools/gen_network/synthetic_network.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include "geo/feature.hpp"
#include "geo/writer.hpp"

namespace corridor::tools {

namespace fs = std::filesystem;

namespace {

/// Deterministic pseudo-random numbers (SplitMix64): the same network on every platform.
class SplitMix {
public:
  explicit SplitMix(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }  // [0, 1)
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }

private:
  std::uint64_t state_;
};

constexpr double kLon0 = 0.0, kLon1 = 120.0, kLat0 = 30.0, kLat1 = 65.0;
constexpr double kBorderEveryDeg = 10.0;
constexpr std::array<const char*, 12> kCountries = {"FR", "DE", "PL", "BY", "RU", "KZ", "UZ", "KZ", "MN", "CN", "CN", "CN"};

}  // namespace

SyntheticNetworkFiles write_synthetic_network(const SyntheticNetworkSpec& spec, const fs::path& dir) {
  // Mesh: width / height follows the region's shape in kilometres (about 2.35 : 1); the grid's
  // edges take about 90 % of the links, road diagonals the rest.
  const double aspect = 2.35;
  auto rows = static_cast<std::size_t>(std::max(2.0, std::floor(std::sqrt(0.9 * static_cast<double>(spec.links) / (2.0 * aspect)))));
  auto cols = static_cast<std::size_t>(std::max(2.0, std::floor(aspect * static_cast<double>(rows))));
  auto grid_edges = [&] { return (cols - 1) * rows + cols * (rows - 1); };
  while (grid_edges() > spec.links && rows > 2) {
    --rows;
    cols = std::max<std::size_t>(2, static_cast<std::size_t>(std::floor(aspect * static_cast<double>(rows))));
  }
  const std::size_t diagonals = spec.links > grid_edges() ? spec.links - grid_edges() : 0;
  const std::size_t cells = (rows - 1) * (cols - 1);
  const std::size_t links_total = grid_edges() + std::min(diagonals, 2 * cells);
  const std::size_t node_count = rows * cols;
  const double dlon = (kLon1 - kLon0) / static_cast<double>(cols - 1);
  const double dlat = (kLat1 - kLat0) / static_cast<double>(rows - 1);
  SplitMix rng(spec.seed);

  // Nodes.
  std::vector<geo::LonLat> pos(node_count);
  auto index = [&](std::size_t r, std::size_t c) { return r * cols + c; };
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; ++c) {
      const double lon = kLon0 + dlon * (static_cast<double>(c) + (c == 0 || c + 1 == cols ? 0.0 : rng.uniform(-0.3, 0.3)));
      const double lat = kLat0 + dlat * (static_cast<double>(r) + (r == 0 || r + 1 == rows ? 0.0 : rng.uniform(-0.3, 0.3)));
      pos[index(r, c)] = {lon, lat};
    }
  }
  std::vector<bool> is_zone(node_count, false);
  std::vector<std::size_t> zones;
  const std::size_t zone_count = std::min(spec.zones, node_count);
  while (zones.size() < zone_count) {
    const std::size_t n = rng.below(node_count);
    if (is_zone[n]) continue;
    is_zone[n] = true;
    zones.push_back(n);
  }
  // A column is a border when a multiple of 10 degrees of longitude lies between it and the one before.
  std::vector<bool> border_col(cols, false);
  for (std::size_t c = 1; c < cols; ++c)
    border_col[c] = std::floor((kLon0 + dlon * static_cast<double>(c)) / kBorderEveryDeg) !=
                    std::floor((kLon0 + dlon * static_cast<double>(c - 1)) / kBorderEveryDeg);

  std::vector<geo::Feature> nodes;
  nodes.reserve(node_count);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < cols; ++c) {
      const std::size_t n = index(r, c);
      geo::Feature f;
      f.fid = static_cast<std::int64_t>(n) + 1;
      const auto band = static_cast<std::size_t>(std::clamp(pos[n].lon_deg / kBorderEveryDeg, 0.0, 11.0));
      f.attributes = {{"id", "n" + std::to_string(n)},
                      {"name", is_zone[n] ? "Zone " + std::to_string(n) : std::string()},
                      {"country", std::string(kCountries[band])}};
      if (is_zone[n]) {
        f.attributes.push_back({"kind", std::string("terminal")});
        f.attributes.push_back({"dwell_h", 12.0});
      } else if (border_col[c]) {
        f.attributes.push_back({"kind", std::string("border")});
        f.attributes.push_back({"dwell_h", 6.0});
        f.attributes.push_back({"capacity_teu_per_day", 5000.0});
      } else {
        f.attributes.push_back({"kind", std::string("junction")});
      }
      f.geometry = geo::GeometryKind::point;
      f.points = {pos[n]};
      nodes.push_back(std::move(f));
    }
  }

  // Links.
  std::vector<geo::Feature> links;
  links.reserve(links_total);
  auto add_link = [&](std::size_t a, std::size_t b, bool rail) {
    geo::Feature f;
    f.fid = static_cast<std::int64_t>(links.size()) + 1;
    f.attributes = {{"id", "l" + std::to_string(links.size())},
                    {"from", "n" + std::to_string(a)},
                    {"to", "n" + std::to_string(b)},
                    {"mode", std::string(rail ? "rail" : "road")}};
    if (rail) f.attributes.push_back({"gauge_mm", std::int64_t{1435}});
    f.attributes.push_back({"speed_kmh", std::round(rng.uniform(rail ? 40.0 : 50.0, rail ? 80.0 : 70.0))});
    f.attributes.push_back({"capacity_teu_per_day", std::round(rng.uniform(200.0, 2000.0))});
    f.attributes.push_back({"cost_usd_per_teu", std::round(rng.uniform(20.0, 200.0))});
    f.geometry = geo::GeometryKind::line_string;
    f.points = {pos[a], pos[b]};
    links.push_back(std::move(f));
  };
  for (std::size_t r = 0; r < rows; ++r)
    for (std::size_t c = 0; c + 1 < cols; ++c) add_link(index(r, c), index(r, c + 1), true);
  for (std::size_t r = 0; r + 1 < rows; ++r)
    for (std::size_t c = 0; c < cols; ++c) add_link(index(r, c), index(r + 1, c), true);
  std::vector<std::uint8_t> used(cells, 0);  // bit 0: the "\" diagonal of a cell, bit 1: the "/" one
  while (links.size() < links_total) {
    const std::size_t cell = rng.below(cells);
    const unsigned which = rng.next() & 1U;
    if (used[cell] & (1U << which)) continue;
    used[cell] = static_cast<std::uint8_t>(used[cell] | (1U << which));
    const std::size_t r = cell / (cols - 1), c = cell % (cols - 1);
    if (which == 0) add_link(index(r, c), index(r + 1, c + 1), false);
    else add_link(index(r, c + 1), index(r + 1, c), false);
  }

  fs::create_directories(dir);
  SyntheticNetworkFiles out;
  out.dataset = dir / "network.gpkg";
  out.demand = dir / "demand.csv";
  out.scenario = dir / "scenario.yaml";
  out.node_count = nodes.size();
  out.link_count = links.size();
  geo::write_layers(out.dataset, {{"nodes", geo::GeometryKind::point, &nodes, {}}, {"links", geo::GeometryKind::line_string, &links, {}}},
                    geo::VectorFormat::gpkg);
  nodes.clear();
  links.clear();

  std::string csv = "origin,destination,teu_per_year\n";
  for (std::size_t z = 0; z < zones.size() && zones.size() > 1; ++z) {
    for (std::size_t k = 0; k < spec.destinations_per_zone; ++k) {
      std::size_t d = zones[rng.below(zones.size())];
      if (d == zones[z]) d = zones[(z + 1) % zones.size()];
      csv += "n" + std::to_string(zones[z]) + ",n" + std::to_string(d) + "," + std::to_string(1000 + rng.below(49000)) + "\n";
      ++out.od_rows;
    }
  }
  geo::write_text(out.demand, csv);
  geo::write_text(out.scenario,
                  "# Synthetic continental network (tools/gen_network): " + std::to_string(out.link_count) + " links, " +
                      std::to_string(out.node_count) + " nodes, " + std::to_string(zones.size()) + " zones.\n"
                      "name: synthetic-" + std::to_string(out.link_count) + "\n"
                      "network: network.gpkg\n"
                      "commodities:\n  containers: {value_of_time_usd_per_teu_h: 10, modes: [rail, road]}\n"
                      "demand_csv: demand.csv\n"
                      "freight: {method: all_or_nothing}\n");
  return out;
}

}  // namespace corridor::tools
