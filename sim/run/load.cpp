#include "sim/run/load.hpp"

#include <algorithm>
#include <exception>
#include <future>
#include <tuple>
#include <utility>

#include "geo/error.hpp"
#include "geo/reader.hpp"

namespace corridor::run {

namespace {

/// The `nodes` and `links` layers of one source.
std::pair<geo::Layer, geo::Layer> read_dataset(const std::string& path) {
  const auto names = geo::layer_names(path);
  for (const char* wanted : {"nodes", "links"})
    if (std::find(names.begin(), names.end(), wanted) == names.end())
      throw InputError(path, "", std::string("has no layer '") + wanted + "' (a network source needs layers 'nodes' and 'links')");
  return read_layers(path, "nodes", path, "links");
}

}  // namespace

std::pair<geo::Layer, geo::Layer> read_layers(const std::string& nodes_path, const std::string& nodes_layer,
                                              const std::string& links_path, const std::string& links_layer) {
  // Each thread opens its own GDAL dataset (GDAL handles are not shared between threads). The larger
  // links layer is read by this thread, whose heap grows more cheaply than a second thread's arena.
  auto nodes = std::async(std::launch::async, [&] { return geo::read_layer(nodes_path, nodes_layer); });
  geo::Layer links;
  std::exception_ptr links_error;
  try {
    links = geo::read_layer(links_path, links_layer);
  } catch (...) {
    links_error = std::current_exception();
  }
  geo::Layer n = nodes.get();  // a problem with the nodes is reported first
  if (links_error) std::rethrow_exception(links_error);
  return {std::move(n), std::move(links)};
}

network::Network load_network(const scenario::Scenario& scenario) {
  const auto& source = scenario.network;
  geo::Layer nodes, links;
  if (!source.dataset.empty()) {
    std::tie(nodes, links) = read_dataset(source.dataset.string());
  } else {
    std::tie(nodes, links) = read_layers(source.nodes.string(), "", source.links.string(), "");
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
  network::BuildOptions options;
  options.snap_tolerance_km = source.snap_tolerance_km;
  options.defaults = scenario.defaults;
  options.checks = source.geometry_checks;
  return network::Network::build(std::move(nodes), std::move(links), options);
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
    return network::Network::build(std::move(nodes), std::move(links), {snap_tolerance_km});
  }
  if (paths.size() != 2)
    throw InputError("", "", "a network is one file with layers 'nodes' and 'links', or two files (nodes and links)");
  auto [a, b] = read_layers(paths[0], "", paths[1], "");
  auto is_points = [](const geo::Layer& l) {
    return std::any_of(l.features.begin(), l.features.end(),
                       [](const geo::Feature& f) { return f.geometry == geo::GeometryKind::point; });
  };
  if (!is_points(a) && is_points(b)) std::swap(a, b);
  if (!is_points(a)) throw InputError(paths[0], "", "neither file holds Point features (the nodes layer)");
  return network::Network::build(std::move(a), std::move(b), {snap_tolerance_km});
}

}  // namespace corridor::run
