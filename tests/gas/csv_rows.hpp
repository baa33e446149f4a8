// Test helper: the rows of a CSV file with a header row, as maps column -> value.
#pragma once

#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "geo/csv.hpp"
#include "tests/support/temp_dir.hpp"

namespace corridor::test {

inline std::vector<std::map<std::string, std::string>> read_csv(const std::filesystem::path& p) {
  std::istringstream in(read_file(p));
  std::string line;
  std::getline(in, line);
  const auto header = geo::csv_split(line);
  std::vector<std::map<std::string, std::string>> rows;
  while (std::getline(in, line)) {
    const auto fields = geo::csv_split(line);
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < header.size() && i < fields.size(); ++i) row[header[i]] = fields[i];
    rows.push_back(row);
  }
  return rows;
}

}  // namespace corridor::test
