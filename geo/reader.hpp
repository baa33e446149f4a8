// Reading vector layers from any GDAL source (GeoPackage, GeoJSON, Shapefile, FlatGeobuf, ...)
// into plain Feature records in WGS84 longitude/latitude.
#pragma once

#include <string>
#include <vector>

#include "geo/feature.hpp"

namespace corridor::geo {

/// Names of the vector layers in a source. Throws InputError when the source cannot be opened.
std::vector<std::string> layer_names(const std::string& path);

/// Reads one layer (by name; an empty name means "the only layer") with every attribute and its
/// geometry, reprojected to WGS84 lon/lat whatever the source CRS and its axis order. A layer with
/// no CRS is taken as lon/lat (as GeoJSON is); coordinates outside lon/lat range are rejected.
/// Throws InputError naming the file (and the feature) on anything it cannot read.
Layer read_layer(const std::string& path, const std::string& layer_name = {});

}  // namespace corridor::geo
