// Distances on the WGS84 ellipsoid, computed with PROJ's geodesic routines (Karney 2013),
// accurate to nanometres; never a spherical approximation.
#pragma once

#include <span>

#include "geo/feature.hpp"

namespace corridor::geo {

/// Geodesic distance between two points on the WGS84 ellipsoid, in km.
double geodesic_distance_km(LonLat a, LonLat b);

/// Length of a polyline on the WGS84 ellipsoid: the sum of the geodesic lengths of its segments, in km.
double geodesic_length_km(std::span<const LonLat> vertices);

}  // namespace corridor::geo
