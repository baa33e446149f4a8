// The `corridor` subcommands. Each returns the process exit status; errors are thrown
// (InputError: 1, SolverError: 2) and reported once by main().
#pragma once

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace corridor::app {

struct RunOptions {
  std::filesystem::path scenario;
  std::optional<std::filesystem::path> out_dir;
  bool quiet = false;
  std::string format = "geojson";  ///< geojson | gpkg (links, nodes and od as layers of results.gpkg)
  bool report = false;             ///< also write report.html into the results folder
};

int run(const RunOptions& options, std::ostream& out);
int validate(const std::vector<std::string>& files, std::ostream& out);
int info(const std::vector<std::string>& files, std::ostream& out);

}  // namespace corridor::app
