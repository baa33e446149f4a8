// `corridor batch STUDY.yaml`: a study run in parallel threads (and across MPI ranks when built
// with CORRIDOR_WITH_MPI and launched by mpirun), resumable, with progress on stderr.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <optional>

namespace corridor::app {

struct BatchOptions {
  std::filesystem::path study;
  std::optional<std::filesystem::path> out_dir;
  unsigned jobs = 0;  ///< 0: all cores
  bool fresh = false; ///< discard rows of an earlier run of this folder
  bool quiet = false;
};

int batch(const BatchOptions& options, std::ostream& out, std::ostream& err);

}  // namespace corridor::app
