#include "sim/network/attributes.hpp"

#include <charconv>
#include <cmath>
#include <string_view>

#include "geo/text.hpp"

namespace corridor::network {

namespace {

/// Shapefile (dBASE) field names hold at most 10 characters. Each schema attribute longer than that
/// is also found under a short alias, and under the name GDAL truncates it to when it writes a
/// Shapefile (where that truncation is unambiguous).
struct ShortName {
  std::string_view name, alias, truncated;
};
constexpr ShortName kShortNames[] = {
    {"capacity_teu_per_day", "cap_teu_d", "capacity_t"}, {"cost_usd_per_teu", "cost_usd", "cost_usd_p"},
    {"handling_usd_per_teu", "handl_usd", "handling_u"}, {"gauge_change", "gauge_chg", "gauge_chan"},
    {"sailings_per_week", "sail_week", "sailings_p"},     {"supply_mcm_per_day", "sup_mcm_d", "supply_mcm"},
    {"demand_mcm_per_day", "dem_mcm_d", "demand_mcm"},   {"pressure_min_bar", "p_min_bar", ""},
    {"pressure_max_bar", "p_max_bar", ""},               {"diameter_mm", "diam_mm", "diameter_m"},
    {"roughness_mm", "rough_mm", "roughness_"},          {"trains_per_day", "trains_d", "trains_per"},
    {"teu_per_train", "teu_train", "teu_per_tr"},          {"travel_time_h", "time_h", "travel_tim"},
    {"departures_per_week", "dep_week", "departures"},
};

/// The smallest value accepted where a positive number is required (speeds, capacities, diameters...):
/// ratios of input values then stay below 1e24.
constexpr double kMinPositive = 1e-9;

/// A whole text that is a decimal number ("50", " 1.5e3 "), into `x`.
bool parse_number(std::string_view text, double& x) {
  const auto b = text.find_first_not_of(" \t");
  const auto e = text.find_last_not_of(" \t");
  if (b == std::string_view::npos) return false;
  text = text.substr(b, e - b + 1);
  if (text.front() == '+') text.remove_prefix(1);
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), x);
  return ec == std::errc{} && end == text.data() + text.size();
}

}  // namespace

const geo::Value* AttributeReader::find(std::string_view name) const {
  if (const geo::Value* v = feature_.find(name)) return v;
  for (const auto& s : kShortNames) {
    if (s.name != name) continue;
    if (const geo::Value* v = feature_.find(s.alias)) return v;
    if (!s.truncated.empty()) return feature_.find(s.truncated);
  }
  return nullptr;
}

bool AttributeReader::has(std::string_view name) const {
  const geo::Value* v = find(name);
  if (v == nullptr || std::holds_alternative<std::monostate>(*v)) return false;
  if (const auto* s = std::get_if<std::string>(v)) return !s->empty();
  return true;
}

std::optional<double> AttributeReader::number(std::string_view name, Bound bound, bool required) {
  if (!has(name)) {
    if (required) problem("missing required attribute '" + std::string(name) + "'");
    return std::nullopt;
  }
  const geo::Value& v = *find(name);
  double x = 0.0;
  if (const auto* d = std::get_if<double>(&v)) {
    x = *d;
  } else if (const auto* i = std::get_if<std::int64_t>(&v)) {
    x = static_cast<double>(*i);
  } else if (const auto* t = std::get_if<std::string>(&v); t != nullptr && parse_number(*t, x)) {
    // A number stored as text: a text column (one bad value in GeoJSON makes the whole column text),
    // a CSV or a Shapefile written so. Its value counts.
  } else {
    problem("attribute '" + std::string(name) + "' is '" + geo::to_text(v) + "', expected a number");
    return std::nullopt;
  }
  if (!std::isfinite(x)) {
    problem("attribute '" + std::string(name) + "' is " + geo::to_text(x) + ", expected a finite number");
    return std::nullopt;
  }
  // Limits that keep every sum, product and ratio of input values finite (no inf or NaN in results).
  if (std::abs(x) > geo::kMaxInputMagnitude) {
    problem("attribute '" + std::string(name) + "' is " + geo::to_text(x) + ", too large (at most 1e+15)");
    return std::nullopt;
  }
  if (bound == Bound::positive && x > 0.0 && x < kMinPositive) {
    problem("attribute '" + std::string(name) + "' is " + geo::to_text(x) + ", too small (at least 1e-09)");
    return std::nullopt;
  }
  if (bound == Bound::non_negative && x < 0.0) {
    problem("attribute '" + std::string(name) + "' is " + geo::to_text(x) + ", must not be negative");
    return std::nullopt;
  }
  if (bound == Bound::positive && x <= 0.0) {
    problem("attribute '" + std::string(name) + "' is " + geo::to_text(x) + ", must be positive");
    return std::nullopt;
  }
  return x;
}

std::optional<std::string> AttributeReader::text(std::string_view name, bool required) {
  if (!has(name)) {
    if (required) problem("missing required attribute '" + std::string(name) + "'");
    return std::nullopt;
  }
  return geo::to_text(*find(name));
}

std::optional<bool> AttributeReader::boolean(std::string_view name) {
  if (!has(name)) return std::nullopt;
  const geo::Value& v = *find(name);
  if (const auto* b = std::get_if<bool>(&v)) return *b;
  if (const auto* i = std::get_if<std::int64_t>(&v); i != nullptr && (*i == 0 || *i == 1)) return *i == 1;
  if (const auto* s = std::get_if<std::string>(&v)) {
    if (*s == "true" || *s == "yes" || *s == "1") return true;
    if (*s == "false" || *s == "no" || *s == "0") return false;
  }
  problem("attribute '" + std::string(name) + "' is '" + geo::to_text(v) + "', expected true or false");
  return std::nullopt;
}

}  // namespace corridor::network
