// Numbers as the outputs write them, in one place, so that "the same inputs give the same bytes" holds
// for every file: a fixed count of decimals for CSV and the terminal, rounding for JSON and GeoJSON (so
// that noise in the last bits never shows), and null for what is not a finite number.
#pragma once

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "geo/feature.hpp"

namespace corridor::app {

/// `x` with `decimals` decimals ("" when not finite).
inline std::string fixed(double x, int decimals) {
  if (!std::isfinite(x)) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, x);
  return buf;
}
inline std::string fixed(const std::optional<double>& x, int decimals) { return x ? fixed(*x, decimals) : std::string(); }

/// `x` with `digits` significant digits ("" when not finite).
inline std::string sig(double x, int digits) {
  if (!std::isfinite(x)) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*g", digits, x);
  return buf;
}

/// `x` rounded to `decimals` decimals.
inline double rounded(double x, int decimals) {
  const double scale = std::pow(10.0, decimals);
  return std::round(x * scale) / scale;
}

/// A JSON number rounded to `decimals`, or null when not finite (or absent).
inline nlohmann::ordered_json json_number(double x, int decimals) {
  return std::isfinite(x) ? nlohmann::ordered_json(rounded(x, decimals)) : nlohmann::ordered_json(nullptr);
}
inline nlohmann::ordered_json json_number(const std::optional<double>& x, int decimals) {
  return x ? json_number(*x, decimals) : nlohmann::ordered_json(nullptr);
}

/// A GeoJSON / GeoPackage attribute value rounded to `decimals`, or null when not finite (or absent).
inline geo::Value feature_number(double x, int decimals) {
  return std::isfinite(x) ? geo::Value(rounded(x, decimals)) : geo::Value(std::monostate{});
}
inline geo::Value feature_number(const std::optional<double>& x, int decimals) {
  return x ? feature_number(*x, decimals) : geo::Value(std::monostate{});
}

}  // namespace corridor::app
