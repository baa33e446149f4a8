// Small inline corridors for the event simulation tests.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "sim/events/simulator.hpp"
#include "tests/support/inline_network.hpp"

namespace corridor::test {

/// A straight corridor of nodes 100 km apart (1 h at 100 km/h) joined by undirected rail links
/// named after their ends ("AB", "BC", ...); `kinds` and extra attributes per node.
using Nodes = std::vector<std::pair<std::string, Attrs>>;

struct LineNet {
  network::Network net;
  scenario::Scenario scenario;

  explicit LineNet(const std::vector<std::pair<std::string, Attrs>>& nodes,
                   const std::vector<std::pair<std::string, Attrs>>& link_attrs = {}) {
    geo::Layer n = layer("nodes", {});
    geo::Layer l = layer("links", {});
    for (std::size_t i = 0; i < nodes.size(); ++i) {
      geo::Feature f = node(nodes[i].first, 60.0 + static_cast<double>(i), 45.0, nodes[i].second);
      if (!f.find("kind")) f.set("kind", text("junction"));
      n.features.push_back(f);
      if (i + 1 < nodes.size()) {
        const std::string id = nodes[i].first + nodes[i + 1].first;
        geo::Feature e = link(id, nodes[i].first, nodes[i + 1].first, {60.0 + static_cast<double>(i), 45.0},
                              {61.0 + static_cast<double>(i), 45.0},
                              {{"mode", text("rail")}, {"cost_usd_per_teu", num(0)}, {"gauge_mm", num(1520)}, {"length_km", num(100)},
                               {"speed_kmh", num(100)}});
        for (const auto& [key, attrs] : link_attrs)
          if (key == id)
            for (const auto& [k, v] : attrs) e.set(k, v);
        l.features.push_back(e);
      }
    }
    net = network::Network::build(n, l);
    scenario.freight.days_per_year = 365.0;
  }

  /// The path through the given node ids (consecutive ids joined by their link).
  [[nodiscard]] freight::Path path(const std::vector<std::string>& ids) const {
    freight::Path p;
    for (const auto& id : ids) p.nodes.push_back(*net.find_node(id));
    for (std::size_t k = 0; k + 1 < p.nodes.size(); ++k) {
      for (std::size_t li = 0; li < net.links().size(); ++li) {
        const auto& l = net.links()[li];
        if (l.from == p.nodes[k] && l.to == p.nodes[k + 1]) p.steps.push_back({li, true});
        if (l.to == p.nodes[k] && l.from == p.nodes[k + 1]) p.steps.push_back({li, false});
      }
    }
    return p;
  }

  /// One OD over the given node ids with `trains_per_day` trains of `teu_per_train` TEU.
  [[nodiscard]] events::OdRoutes od(const std::vector<std::string>& ids, double trains_per_day,
                                    double teu_per_train = 1.0) const {
    events::OdRoutes r;
    r.origin = *net.find_node(ids.front());
    r.destination = *net.find_node(ids.back());
    r.commodity = "containers";
    r.teu_per_year = trains_per_day * teu_per_train * 365.0;
    r.routes.push_back({path(ids), 1.0});
    return r;
  }

  [[nodiscard]] const events::NodeEventResult& node_result(const events::EventResults& r, const std::string& id) const {
    const auto idx = *net.find_node(id);
    for (const auto& n : r.nodes)
      if (n.node == idx) return n;
    FAIL("node " << id << " holds no trains");
    return r.nodes.front();
  }
};

inline events::SourceId at(const std::string& id) { return {id, "test.yaml", 1}; }

}  // namespace corridor::test
