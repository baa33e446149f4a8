// Select-link and select-node analysis: which OD flows pass a given link or node, from the route
// flows of the assignment (every method records each OD's routes with their shares: the all-or-nothing
// route, Frank-Wolfe's and Algorithm B's route shares, the stochastic equilibrium's choice set).
//
// For element e and OD w with assigned demand D_w (TEU/year) over routes r with shares s_r:
//   F_w(e) = D_w x sum of s_r over the routes r that pass e      (TEU/year through e from w)
// and sum_w F_w(e) = the element's assigned flow (a link's both directions x days_per_year, a node's
// throughput x days_per_year), up to the routes below 1e-6 of an OD's flow that the results drop.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "sim/freight/assignment.hpp"
#include "sim/network/network.hpp"

namespace corridor::freight {

struct SelectedOd {
  std::size_t od = 0;             ///< index into FreightResults::od
  double teu_per_year = 0.0;      ///< F_w(e)
  double share_of_od = 0.0;       ///< F_w(e) / the OD's assigned TEU
  double forward_teu_per_year = 0.0;  ///< links: in the link's from -> to direction (the rest backward)
};

struct Selection {
  std::string id;
  bool is_node = false;
  std::size_t index = 0;              ///< network node or link
  double teu_per_year = 0.0;          ///< sum over the ODs
  std::vector<SelectedOd> ods;        ///< ODs with flow through the element, largest first (ties by index)
};

/// One selection per id, in the given order. Throws InputError for an id that is neither a node nor a
/// link of the network.
std::vector<Selection> select_analysis(const network::Network& net, const FreightResults& results,
                                       const std::vector<std::string>& ids);

}  // namespace corridor::freight
