// The one rule that decides which nodes of a gas network hold the pressure (slack nodes). The GasLib
// reader (gaslib.hpp), `corridor import gaslib` and the corridor network model (from_network.hpp, used
// by `corridor run`) all call it, so an imported scenario names exactly the slack nodes the runner uses.
//
// Rule:
//  1. Nodes that already hold a pressure (a pressure nomination, `pressure_set_bar`, `gas: slack`) keep it.
//  2. When no node holds one, the entry (Node::entry, not nominated as an offtake) with the largest
//     nominated injection is held at its pressure maximum (ties: the first in node order).
//  3. Then, as long as some part of the network has no pressure level of its own (a part fed only
//     through stations or regulators that hold their outlet pressure, nodes_without_pressure_reference),
//     the entry of that part with the largest injection and a pressure maximum is held at its maximum.
// Its flow is then the balance of the network: a slack node's nomination is not used by the simulator.
#pragma once

#include <optional>
#include <vector>

#include "sim/gas/model.hpp"

namespace corridor::gas {

struct SlackChoice {
  std::vector<std::size_t> added;  ///< nodes the rule made slack, in the order it chose them
  /// Step 2 found no node to hold the pressure (the caller raises the error in its own terms):
  enum class Problem { none, no_entry, no_pressure_max } problem = Problem::none;
  std::optional<std::size_t> entry;  ///< no_pressure_max: the main entry, which has no maximum
};

/// Applies the rule to `network` (sets Node::pressure_set_pa of the nodes it chooses).
SlackChoice assign_slack_nodes(GasNetwork& network);

}  // namespace corridor::gas
