// libFuzzer target: the network builder (network::Network::build) on arbitrary features.
//
// An input is the nodes layer as GeoJSON text, a NUL byte, and the links layer as GeoJSON text (the
// corpus is seeded with the GeoJSON networks of tests/ and scenarios/). The text is turned into
// feature records the way geo::read_layer delivers them (JSON values to null / bool / integer / real /
// text; objects and arrays as their JSON text; Point, LineString and MultiLineString geometries) without
// GDAL, so that the fuzzer spends its time in the builder. Like the reader, it passes on only
// coordinates within lon/lat range. Anything but a network or an InputError is a bug; a network that is
// built is then summarized and its edits' selectors run, as the CLI would.
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>

#include "geo/error.hpp"
#include "sim/network/network.hpp"
#include "tests/fuzz/fuzz_support.hpp"

namespace {

using nlohmann::json;
using namespace corridor;

geo::Value value_of(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return std::monostate{};
    case json::value_t::boolean: return v.get<bool>();
    case json::value_t::number_integer: return static_cast<std::int64_t>(v.get<std::int64_t>());
    case json::value_t::number_unsigned: {
      const auto u = v.get<std::uint64_t>();
      if (u <= static_cast<std::uint64_t>(INT64_MAX)) return static_cast<std::int64_t>(u);
      return static_cast<double>(u);
    }
    case json::value_t::number_float: return v.get<double>();
    case json::value_t::string: return v.get<std::string>();
    default: return v.dump();
  }
}

/// A position as the reader would pass it, or false where the reader would reject the layer.
bool position(const json& c, geo::LonLat& out) {
  if (!c.is_array() || c.size() < 2 || !c[0].is_number() || !c[1].is_number()) return false;
  out = {c[0].get<double>(), c[1].get<double>()};
  return std::isfinite(out.lon_deg) && std::isfinite(out.lat_deg) && std::abs(out.lon_deg) <= 180.0 &&
         std::abs(out.lat_deg) <= 90.0;
}

bool geometry(const json& g, geo::Feature& f) {
  if (g.is_null()) return true;
  if (!g.is_object() || !g.contains("type") || !g.contains("coordinates")) return false;
  const json& type = g["type"];
  const json& c = g["coordinates"];
  geo::LonLat p;
  if (type == "Point") {
    if (!position(c, p)) return false;
    f.geometry = geo::GeometryKind::point;
    f.points = {p};
    return true;
  }
  auto line = [&](const json& coords) {
    if (!coords.is_array()) return false;
    for (const auto& q : coords) {
      if (!position(q, p)) return false;
      f.points.push_back(p);
    }
    return true;
  };
  if (type == "LineString") {
    f.geometry = geo::GeometryKind::line_string;
    return line(c);
  }
  if (type == "MultiLineString" && c.is_array()) {
    f.geometry = geo::GeometryKind::line_string;
    for (const auto& part : c)
      if (!line(part)) return false;
    return true;
  }
  return false;  // the reader rejects other geometry types
}

/// The features of a GeoJSON FeatureCollection, or false where the reader would not deliver a layer.
bool layer_of(std::string_view text, const std::string& name, geo::Layer& out) {
  const json doc = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object() || !doc.contains("features") || !doc["features"].is_array()) return false;
  out.source = name + ".geojson";
  out.name = name;
  std::int64_t fid = 0;
  for (const auto& jf : doc["features"]) {
    if (!jf.is_object()) return false;
    geo::Feature f;
    f.fid = fid++;
    if (jf.contains("properties") && jf["properties"].is_object())
      for (const auto& [k, v] : jf["properties"].items()) f.set(k, value_of(v));
    if (jf.contains("geometry") && !geometry(jf["geometry"], f)) return false;
    out.features.push_back(std::move(f));
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto [nodes_text, links_text] = fuzz::split_at_nul(fuzz::as_text(data, size));
  geo::Layer nodes, links;
  if (!layer_of(nodes_text, "nodes", nodes) || !layer_of(links_text, "links", links)) return 0;
  try {
    network::Network net = network::Network::build(nodes, links);
    const auto summary = network::summarize(net);
    if (summary.node_count != net.nodes().size() || summary.link_count != net.links().size()) __builtin_trap();
    for (std::size_t i = 0; i < net.links().size(); ++i) {
      const auto& l = net.links()[i];
      if (l.from >= net.nodes().size() || l.to >= net.nodes().size() || l.from == l.to) __builtin_trap();
      if (!std::isfinite(l.length_km) || l.length_km < 0.0) __builtin_trap();
      if (const auto t = net.free_flow_time_h(i); t && !std::isfinite(*t)) __builtin_trap();
    }
    net.rebuild_graph();
  } catch (const InputError&) {
  }
  return 0;
}
