// Checked access to a YAML document: every error names the file, the line and the key.
#pragma once

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "geo/error.hpp"

namespace corridor::scenario {

class YamlReader {
public:
  explicit YamlReader(std::filesystem::path file) : file_(std::move(file)) {}

  /// Parses the whole file; a syntax error is an InputError at its line.
  YAML::Node parse() const;

  [[nodiscard]] const std::filesystem::path& file() const { return file_; }
  [[nodiscard]] static int line_of(const YAML::Node& node) { return node.Mark().line + 1; }
  [[nodiscard]] std::string where(const YAML::Node& node, std::string_view key) const;

  /// Throws unless `node` is a map whose keys are all in `allowed`.
  void expect_map(const YAML::Node& node, std::string_view what, std::initializer_list<std::string_view> allowed) const;
  void expect_sequence(const YAML::Node& node, std::string_view key) const;
  /// The text of a mapping key; a key that is a mapping, a list or null (YAML `? {a: b}: c`, `~: c`)
  /// is an InputError at its line.
  [[nodiscard]] std::string key_text(const YAML::Node& key) const;

  [[nodiscard]] std::string text(const YAML::Node& map, std::string_view key) const;
  [[nodiscard]] std::optional<std::string> optional_text(const YAML::Node& map, std::string_view key) const;
  /// A finite number >= `min`.
  [[nodiscard]] double number(const YAML::Node& map, std::string_view key, double min) const;
  [[nodiscard]] std::optional<double> optional_number(const YAML::Node& map, std::string_view key, double min) const;
  [[nodiscard]] std::vector<std::string> text_list(const YAML::Node& map, std::string_view key) const;

  [[noreturn]] void fail(const YAML::Node& node, std::string_view key, const std::string& what) const;

private:
  std::filesystem::path file_;
};

}  // namespace corridor::scenario
