// Synthetic continental networks for scale tests: a perturbed grid of rail and road links spanning
// Eurasia, with OD zones and demand, written as a GeoPackage (layers nodes and links), an OD matrix
// and a scenario that `corridor run` reads as it is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>

namespace corridor::tools {

struct SyntheticNetworkSpec {
  std::size_t links = 1'000'000;       ///< links to generate (exactly)
  std::size_t zones = 1'000;           ///< OD zones (terminal nodes spread over the grid)
  std::size_t destinations_per_zone = 5;  ///< OD rows per zone, to other zones chosen at random
  std::uint64_t seed = 20261123;
};

struct SyntheticNetworkFiles {
  std::filesystem::path dataset;   ///< network.gpkg: layers nodes and links
  std::filesystem::path demand;    ///< demand.csv
  std::filesystem::path scenario;  ///< scenario.yaml (network: network.gpkg, demand_csv: demand.csv)
  std::size_t node_count = 0, link_count = 0, od_rows = 0;
};

/// Writes the network, its demand and a scenario into `dir` (created if needed).
///
/// The grid covers lon 0..120 E, lat 30..65 N with a near-square mesh whose size follows `links`;
/// each node is moved at random by up to 30 % of the mesh in both directions. Links: the grid's
/// horizontal and vertical edges (rail, 1435 mm, 40-80 km/h, capacity 200-2000 TEU/day), then road
/// diagonals at random until `links` is reached; every link has id, from, to and a two-vertex line.
/// The grid edges keep the network connected, so that every OD pair has a path. Zones are grid nodes
/// of kind terminal spread at random; the other nodes are junctions, with a border (dwell, capacity)
/// every 10 degrees of longitude. Deterministic for a given spec.
SyntheticNetworkFiles write_synthetic_network(const SyntheticNetworkSpec& spec, const std::filesystem::path& dir);

}  // namespace corridor::tools
