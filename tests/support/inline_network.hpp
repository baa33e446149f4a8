// Small networks written inline in tests: nodes and links as feature records.
#pragma once

#include <initializer_list>
#include <string>
#include <utility>

#include "geo/feature.hpp"
#include "sim/network/network.hpp"

namespace corridor::test {

using Attrs = std::initializer_list<std::pair<const char*, geo::Value>>;

inline geo::Feature node(const std::string& id, double lon, double lat, Attrs attrs = {}) {
  geo::Feature f;
  f.set("id", id);
  for (const auto& [k, v] : attrs) f.set(k, v);
  f.geometry = geo::GeometryKind::point;
  f.points = {{lon, lat}};
  return f;
}

/// A link drawn straight between two coordinates; from/to given unless empty.
inline geo::Feature link(const std::string& id, const std::string& from, const std::string& to, geo::LonLat a,
                         geo::LonLat b, Attrs attrs = {}) {
  geo::Feature f;
  f.set("id", id);
  if (!from.empty()) f.set("from", from);
  if (!to.empty()) f.set("to", to);
  for (const auto& [k, v] : attrs) f.set(k, v);
  f.geometry = geo::GeometryKind::line_string;
  f.points = {a, b};
  return f;
}

inline geo::Layer layer(const std::string& source, std::initializer_list<geo::Feature> features) {
  geo::Layer l;
  l.source = source;
  l.name = source;
  l.features = features;
  return l;
}

/// Build options for a network drawn as a sketch whose lengths are given (geometry checks off).
inline network::BuildOptions schematic() {
  network::BuildOptions o;
  o.checks.mode = network::GeometryChecks::Mode::off;
  return o;
}

inline geo::Value text(const char* s) { return std::string(s); }
inline geo::Value num(double x) { return x; }

}  // namespace corridor::test
