#include "geo/geodesic.hpp"

#include <geodesic.h>

namespace corridor::geo {

namespace {
const geod_geodesic& wgs84() {
  // WGS84 semi-major axis (m) and flattening.
  static const geod_geodesic g = [] {
    geod_geodesic init{};
    geod_init(&init, 6378137.0, 1.0 / 298.257223563);
    return init;
  }();
  return g;
}
}  // namespace

double geodesic_distance_km(LonLat a, LonLat b) {
  double s12_m = 0.0;
  geod_inverse(&wgs84(), a.lat_deg, a.lon_deg, b.lat_deg, b.lon_deg, &s12_m, nullptr, nullptr);
  return s12_m / 1000.0;
}

double geodesic_length_km(std::span<const LonLat> vertices) {
  double total_km = 0.0;
  for (std::size_t i = 1; i < vertices.size(); ++i) total_km += geodesic_distance_km(vertices[i - 1], vertices[i]);
  return total_km;
}

}  // namespace corridor::geo
