#include "sim/scenario/yaml_reader.hpp"

#include <yaml-cpp/depthguard.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "geo/input_file.hpp"
#include "geo/text.hpp"

namespace corridor::scenario {

YAML::Node YamlReader::parse() const {
  geo::check_input_file(file_);
  std::ifstream in(file_, std::ios::binary);
  if (!in) throw InputError(file_.string(), "", "cannot open file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string text(geo::without_utf8_bom(buffer.str()));
  // Text that is not UTF-8 would pass through yaml-cpp and break the JSON and GeoJSON written later.
  if (const auto bad = geo::first_invalid_utf8(text))
    throw InputError(file_.string(), "line " + std::to_string(geo::line_of_offset(text, *bad)),
                     geo::invalid_utf8_message(text, *bad));
  try {
    YAML::Node root = YAML::Load(text);
    if (!root.IsMap()) throw InputError(file_.string(), "", "expected a YAML mapping at the top level");
    return root;
  } catch (const YAML::DeepRecursion& e) {
    throw InputError(file_.string(), e.mark.is_null() ? std::string() : "line " + std::to_string(e.mark.line + 1),
                     "YAML nested too deeply (yaml-cpp stops at " + std::to_string(e.depth()) + " levels)");
  } catch (const YAML::Exception& e) {
    throw InputError(file_.string(), "line " + std::to_string(e.mark.line + 1), "YAML syntax error: " + e.msg);
  }
}

std::string YamlReader::where(const YAML::Node& node, std::string_view key) const {
  std::string w = "line " + std::to_string(line_of(node));
  if (!key.empty()) w += ", key '" + std::string(key) + "'";
  return w;
}

void YamlReader::fail(const YAML::Node& node, std::string_view key, const std::string& what) const {
  throw InputError(file_.string(), where(node, key), what);
}

void YamlReader::expect_map(const YAML::Node& node, std::string_view what,
                            std::initializer_list<std::string_view> allowed) const {
  if (!node.IsMap()) fail(node, what, "expected a mapping");
  for (const auto& kv : node) {
    const auto key = key_text(kv.first);
    bool known = false;
    for (auto a : allowed) known = known || a == key;
    if (!known) {
      std::string list;
      for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
      fail(kv.first, key, "unknown key in " + std::string(what) + " (allowed: " + list + ")");
    }
  }
}

std::string YamlReader::key_text(const YAML::Node& key) const {
  if (!key.IsScalar())
    fail(key, "", std::string("expected a text key, got ") + (key.IsMap() ? "a mapping" : key.IsSequence() ? "a list" : "nothing (null)"));
  return key.Scalar();
}

void YamlReader::expect_sequence(const YAML::Node& node, std::string_view key) const {
  if (!node.IsSequence()) fail(node, key, "expected a list");
}

std::optional<std::string> YamlReader::optional_text(const YAML::Node& map, std::string_view key) const {
  const YAML::Node v = map[std::string(key)];
  if (!v) return std::nullopt;
  if (!v.IsScalar()) fail(v, key, "expected a text value");
  return v.as<std::string>();
}

std::string YamlReader::text(const YAML::Node& map, std::string_view key) const {
  auto v = optional_text(map, key);
  if (!v) fail(map, key, "missing required key");
  return *v;
}

std::optional<double> YamlReader::optional_number(const YAML::Node& map, std::string_view key, double min) const {
  const YAML::Node v = map[std::string(key)];
  if (!v) return std::nullopt;
  double x = 0.0;
  if (!v.IsScalar() || !YAML::convert<double>::decode(v, x))
    fail(v, key, "expected a number, got '" + (v.IsScalar() ? v.Scalar() : std::string("a structure")) + "'");
  if (!std::isfinite(x)) fail(v, key, "expected a finite number");
  if (std::abs(x) > geo::kMaxInputMagnitude) {
    std::ostringstream msg;
    msg << "value " << v.Scalar() << " is too large (at most " << geo::kMaxInputMagnitude << ")";
    fail(v, key, msg.str());
  }
  if (x < min) {
    std::ostringstream msg;
    msg << "value " << x << " is below the minimum " << min;
    fail(v, key, msg.str());
  }
  return x;
}

double YamlReader::number(const YAML::Node& map, std::string_view key, double min) const {
  auto v = optional_number(map, key, min);
  if (!v) fail(map, key, "missing required key");
  return *v;
}

std::vector<std::string> YamlReader::text_list(const YAML::Node& map, std::string_view key) const {
  const YAML::Node v = map[std::string(key)];
  std::vector<std::string> out;
  if (!v) return out;
  if (v.IsScalar()) return {v.as<std::string>()};
  expect_sequence(v, key);
  for (const auto& item : v) {
    if (!item.IsScalar()) fail(item, key, "expected a list of text values");
    out.push_back(item.as<std::string>());
  }
  return out;
}

}  // namespace corridor::scenario
