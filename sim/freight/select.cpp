#include "sim/freight/select.hpp"

#include <algorithm>

#include "geo/error.hpp"

namespace corridor::freight {

std::vector<Selection> select_analysis(const network::Network& net, const FreightResults& results,
                                       const std::vector<std::string>& ids) {
  std::vector<Selection> out;
  out.reserve(ids.size());
  for (const auto& id : ids) {
    Selection sel;
    sel.id = id;
    if (const auto n = net.find_node(id)) {
      sel.is_node = true;
      sel.index = *n;
    } else if (const auto l = net.find_link(id)) {
      sel.index = *l;
    } else {
      throw InputError("analysis select", "'" + id + "'", "is not a node or link of the network");
    }
    for (std::size_t w = 0; w < results.od.size(); ++w) {
      const OdResult& od = results.od[w];
      if (!(od.assigned_teu_per_year > 0.0)) continue;
      double share = 0.0, forward = 0.0;
      for (const auto& r : od.routes) {
        if (sel.is_node) {
          if (std::find(r.path.nodes.begin(), r.path.nodes.end(), sel.index) != r.path.nodes.end()) share += r.share;
        } else {
          for (const auto& step : r.path.steps)
            if (step.link == sel.index) {
              share += r.share;
              if (step.forward) forward += r.share;
            }
        }
      }
      if (!(share > 0.0)) continue;
      sel.ods.push_back({w, od.assigned_teu_per_year * share, share, od.assigned_teu_per_year * forward});
      sel.teu_per_year += od.assigned_teu_per_year * share;
    }
    std::stable_sort(sel.ods.begin(), sel.ods.end(),
                     [](const SelectedOd& a, const SelectedOd& b) { return a.teu_per_year > b.teu_per_year; });
    out.push_back(std::move(sel));
  }
  return out;
}

}  // namespace corridor::freight
