// A CSV file the project wrote, read back as rows of column name -> text (tests compare files by column).
#pragma once

#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "geo/csv.hpp"
#include "tests/support/temp_dir.hpp"

namespace corridor::test {

struct CsvTable {
  std::vector<std::string> header;
  std::vector<std::map<std::string, std::string>> rows;  ///< the data rows (empty lines skipped)
};

inline CsvTable read_csv_table(const std::filesystem::path& p) {
  std::istringstream in(read_file(p));
  CsvTable t;
  std::string line;
  std::getline(in, line);
  t.header = geo::csv_split(line);
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const auto fields = geo::csv_split(line);
    std::map<std::string, std::string> row;
    for (std::size_t i = 0; i < t.header.size() && i < fields.size(); ++i) row[t.header[i]] = fields[i];
    t.rows.push_back(std::move(row));
  }
  return t;
}

}  // namespace corridor::test
