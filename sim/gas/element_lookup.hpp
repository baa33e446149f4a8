// Small helpers shared by the gas and liquid network models: lookup of an element by id (a linear
// scan: the models are small, and their importers keep their own indexes) and a positivity check.
#pragma once

#include <cmath>
#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace corridor::gas {

template <typename Element>
std::optional<std::size_t> find_by_id(const std::vector<Element>& elements, std::string_view id) {
  for (std::size_t i = 0; i < elements.size(); ++i)
    if (elements[i].id == id) return i;
  return std::nullopt;
}

inline bool positive_finite(double x) { return std::isfinite(x) && x > 0.0; }

}  // namespace corridor::gas
