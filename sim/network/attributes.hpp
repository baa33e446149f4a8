// Typed access to one feature's attributes, recording every problem instead of stopping at the first.
#pragma once

#include <optional>
#include <string>

#include "geo/error.hpp"
#include "geo/feature.hpp"

namespace corridor::network {

enum class Bound { any, non_negative, positive };

class AttributeReader {
public:
  /// `file` is kept by reference (it is read once per feature of large layers): it must outlive the reader.
  AttributeReader(const geo::Feature& feature, const std::string& file, std::string label, ProblemList& problems)
      : feature_(feature), file_(file), label_(std::move(label)), problems_(problems) {}
  AttributeReader(const geo::Feature&, std::string&&, std::string, ProblemList&) = delete;  // would dangle

  /// True when the attribute exists and is not null (or empty text).
  [[nodiscard]] bool has(std::string_view name) const;
  /// A finite number within `bound`; records a problem (and returns nullopt) when it is text, NaN,
  /// infinite or out of bound, or when it is missing and `required`.
  std::optional<double> number(std::string_view name, Bound bound, bool required = false);
  /// Text (numbers are accepted and printed); records a problem when missing and `required`.
  std::optional<std::string> text(std::string_view name, bool required = false);
  /// true/false, 1/0, "true"/"false"/"yes"/"no".
  std::optional<bool> boolean(std::string_view name);

  void problem(std::string what) { problems_.add(file_, label_, std::move(what)); }
  [[nodiscard]] const std::string& label() const { return label_; }

private:
  /// The attribute under its schema name or, failing that, its Shapefile short name.
  [[nodiscard]] const geo::Value* find(std::string_view name) const;

  const geo::Feature& feature_;
  const std::string& file_;
  std::string label_;
  ProblemList& problems_;
};

}  // namespace corridor::network
