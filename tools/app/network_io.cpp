#include "tools/app/network_io.hpp"

#include <algorithm>

#include "geo/error.hpp"
#include "geo/reader.hpp"

namespace corridor::app {

namespace {

network::Network from_dataset(const std::string& path, double snap_tolerance_km) {
  const auto names = geo::layer_names(path);
  for (const char* wanted : {"nodes", "links"})
    if (std::find(names.begin(), names.end(), wanted) == names.end())
      throw InputError(path, "", std::string("has no layer '") + wanted + "' (a network source needs layers 'nodes' and 'links')");
  return network::Network::build(geo::read_layer(path, "nodes"), geo::read_layer(path, "links"), {snap_tolerance_km});
}

}  // namespace

network::Network load_network(const scenario::NetworkSource& source) {
  if (!source.dataset.empty()) return from_dataset(source.dataset.string(), source.snap_tolerance_km);
  return network::Network::build(geo::read_layer(source.nodes.string()), geo::read_layer(source.links.string()),
                                 {source.snap_tolerance_km});
}

network::Network load_network(const std::vector<std::string>& paths, double snap_tolerance_km) {
  if (paths.size() == 1) return from_dataset(paths.front(), snap_tolerance_km);
  if (paths.size() != 2)
    throw InputError("", "", "a network is one file with layers 'nodes' and 'links', or two files (nodes and links)");
  geo::Layer a = geo::read_layer(paths[0]);
  geo::Layer b = geo::read_layer(paths[1]);
  auto is_points = [](const geo::Layer& l) {
    return std::any_of(l.features.begin(), l.features.end(),
                       [](const geo::Feature& f) { return f.geometry == geo::GeometryKind::point; });
  };
  if (!is_points(a) && is_points(b)) std::swap(a, b);
  if (!is_points(a)) throw InputError(paths[0], "", "neither file holds Point features (the nodes layer)");
  return network::Network::build(a, b, {snap_tolerance_km});
}

}  // namespace corridor::app
