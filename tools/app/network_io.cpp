#include "tools/app/network_io.hpp"

#include <algorithm>

#include "geo/error.hpp"
#include "geo/reader.hpp"

namespace corridor::app {

namespace {

/// The `nodes` and `links` layers of one source.
std::pair<geo::Layer, geo::Layer> read_dataset(const std::string& path) {
  const auto names = geo::layer_names(path);
  for (const char* wanted : {"nodes", "links"})
    if (std::find(names.begin(), names.end(), wanted) == names.end())
      throw InputError(path, "", std::string("has no layer '") + wanted + "' (a network source needs layers 'nodes' and 'links')");
  return {geo::read_layer(path, "nodes"), geo::read_layer(path, "links")};
}

}  // namespace

network::Network load_network(const scenario::Scenario& scenario) {
  const auto& source = scenario.network;
  geo::Layer nodes, links;
  if (!source.dataset.empty()) {
    std::tie(nodes, links) = read_dataset(source.dataset.string());
  } else {
    nodes = geo::read_layer(source.nodes.string());
    links = geo::read_layer(source.links.string());
  }
  // Added features join the base layers (messages about them name the base layer's file).
  for (const auto& add : scenario.additions) {
    auto append = [](geo::Layer& to, const geo::Layer& from) {
      to.features.insert(to.features.end(), from.features.begin(), from.features.end());
    };
    if (!add.dataset.empty()) {
      auto [n, l] = read_dataset(add.dataset.string());
      append(nodes, n);
      append(links, l);
    }
    if (!add.nodes.empty()) append(nodes, geo::read_layer(add.nodes.string()));
    if (!add.links.empty()) append(links, geo::read_layer(add.links.string()));
  }
  return network::Network::build(nodes, links, {source.snap_tolerance_km});
}

network::Network prepare(scenario::Scenario& scenario) {
  network::Network net = load_network(scenario);
  scenario::check_against(scenario, net);
  scenario::apply_edits(scenario, net);
  return net;
}

network::Network load_network(const std::vector<std::string>& paths, double snap_tolerance_km) {
  if (paths.size() == 1) {
    auto [nodes, links] = read_dataset(paths.front());
    return network::Network::build(nodes, links, {snap_tolerance_km});
  }
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
