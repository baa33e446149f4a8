// Plain feature records: what geo reads from any GDAL source and what sim builds from.
// No GDAL types leak out of geo/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace corridor::geo {

/// A position in WGS84, longitude first (RFC 7946 order), in degrees.
struct LonLat {
  double lon_deg = 0.0;
  double lat_deg = 0.0;
  friend bool operator==(const LonLat&, const LonLat&) = default;
};

/// An attribute value as read: null, boolean, integer, real or text.
using Value = std::variant<std::monostate, bool, std::int64_t, double, std::string>;

struct Attribute {
  std::string name;
  Value value;
};

enum class GeometryKind { none, point, line_string };

/// One feature: its attributes in source order and its geometry as lon/lat vertices.
struct Feature {
  std::int64_t fid = -1;  ///< GDAL feature id (1-based in most formats); for messages when `id` is absent
  std::vector<Attribute> attributes;
  GeometryKind geometry = GeometryKind::none;
  std::vector<LonLat> points;  ///< one vertex for a Point, the vertices of a LineString, empty when absent

  /// The value of attribute `name`, or nullptr when the feature has no such field.
  [[nodiscard]] const Value* find(std::string_view name) const;
  /// Sets or adds an attribute.
  void set(std::string_view name, Value value);
};

/// A layer read from a file: where it came from and its features in file order.
struct Layer {
  std::string source;  ///< the path as given by the user (for messages)
  std::string name;    ///< the layer name inside the source
  std::vector<Feature> features;
};

/// Text form of a value for messages and CSV ("" for null).
std::string to_text(const Value& value);

}  // namespace corridor::geo
