// Writers that never leave a half-written file: each writes to a temporary name in the target
// folder and renames it into place only when complete.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "geo/feature.hpp"

namespace corridor::geo {

enum class VectorFormat { geojson, gpkg };

/// Features made one at a time, so that a large layer never sits in memory whole. `make(i)` is called
/// twice for each i in [0, count) (once to learn the attribute types, once to write) and must give the
/// same feature both times.
struct FeatureSource {
  std::size_t count = 0;
  std::function<Feature(std::size_t)> make;
};

/// Writes features (lon/lat WGS84) as one layer. GeoJSON is written by GDAL's driver with
/// RFC7946=YES: WGS84 lon/lat, no "crs" member. Attribute types are taken from the values
/// (integers widen to reals, anything mixed with text becomes text). Atomic: temp file + rename.
void write_layer(const std::filesystem::path& path, const std::string& layer_name, GeometryKind geometry,
                 const std::vector<Feature>& features, VectorFormat format = VectorFormat::geojson);
/// The same, with features made one at a time.
void write_layer(const std::filesystem::path& path, const std::string& layer_name, GeometryKind geometry,
                 const FeatureSource& source, VectorFormat format = VectorFormat::geojson);

/// One layer of a multi-layer file: its features given as a vector or made by a source.
struct LayerToWrite {
  std::string name;
  GeometryKind geometry = GeometryKind::none;  ///< none: an attribute table
  const std::vector<Feature>* features = nullptr;
  FeatureSource source;  ///< used when `features` is null
};

/// Writes several layers into one file (GeoPackage; GeoJSON takes exactly one), atomically.
void write_layers(const std::filesystem::path& path, const std::vector<LayerToWrite>& layers,
                  VectorFormat format = VectorFormat::gpkg);

/// Writes text to `path` atomically (temp file in the same folder, then rename).
void write_text(const std::filesystem::path& path, std::string_view content);

}  // namespace corridor::geo
