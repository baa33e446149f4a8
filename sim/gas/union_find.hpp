// Disjoint sets of node indices (path halving, no ranks): the connected parts of a gas network under
// some of its elements (the solver's parts without a slack node, the optimiser's groups of nodes
// joined by ideal elements).
#pragma once

#include <cstddef>
#include <numeric>
#include <vector>

namespace corridor::gas {

class UnionFind {
public:
  explicit UnionFind(std::size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), std::size_t{0}); }
  std::size_t find(std::size_t i) {
    while (parent_[i] != i) i = parent_[i] = parent_[parent_[i]];
    return i;
  }
  void unite(std::size_t a, std::size_t b) { parent_[find(a)] = find(b); }

private:
  std::vector<std::size_t> parent_;
};

}  // namespace corridor::gas
