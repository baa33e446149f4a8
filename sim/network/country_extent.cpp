#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

#include "sim/network/country_extents.hpp"

namespace corridor::network {

std::optional<CountryExtent> find_country_extent(std::string_view code) {
  std::string upper(code);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (const auto& e : country_extents())
    if (upper == e.alpha2 || upper == e.alpha3) return e;
  return std::nullopt;
}

bool near_extent(const CountryExtent& e, geo::LonLat p, double margin_deg) {
  if (p.lat_deg < e.lat_min - margin_deg || p.lat_deg > e.lat_max + margin_deg) return false;
  // Longitudes relative to the extent's western edge, in [0, 360): the extent is [0, width].
  auto east_of = [](double from, double lon) {
    double d = std::fmod(lon - from, 360.0);
    return d < 0 ? d + 360.0 : d;
  };
  const double width = east_of(e.lon_min, e.lon_max);
  const double x = east_of(e.lon_min - margin_deg, p.lon_deg);
  return x <= width + 2.0 * margin_deg;
}

}  // namespace corridor::network
