// Internal to geo/: GDAL set-up shared by the reader and the writers.
#pragma once

#include <string>

namespace corridor::geo::detail {

/// Registers GDAL's drivers once and keeps GDAL from printing to stderr (we report errors ourselves).
void ensure_gdal();

/// The last message GDAL recorded, or `fallback` when it has none.
std::string last_gdal_error(const std::string& fallback);

}  // namespace corridor::geo::detail
