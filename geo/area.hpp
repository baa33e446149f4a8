// Areas (polygons in WGS84 lon/lat) for selecting what a regional disruption touches.
#pragma once

#include <memory>
#include <span>
#include <string>

#include "geo/feature.hpp"

namespace corridor::geo {

/// A (multi)polygon area. Tests use GEOS through GDAL: a node is selected when it lies inside,
/// a link when its line crosses or touches the area.
class Area {
public:
  Area();
  ~Area();
  Area(const Area&);
  Area& operator=(const Area&);
  Area(Area&&) noexcept;
  Area& operator=(Area&&) noexcept;

  /// A lon/lat box: [lon_min, lat_min, lon_max, lat_max].
  static Area from_bbox(double lon_min, double lat_min, double lon_max, double lat_max);
  /// The union of every polygon in a layer (empty name: the only layer), reprojected to WGS84.
  /// Throws InputError naming the file when it has no polygon or cannot be read.
  static Area from_file(const std::string& path, const std::string& layer_name = {});

  [[nodiscard]] bool contains(LonLat point) const;
  [[nodiscard]] bool intersects(std::span<const LonLat> line) const;

private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace corridor::geo
