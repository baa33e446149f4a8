// The folders corridor writes (`--out` of run, batch and import; the folder `report` writes into) and
// the one rule that protects the user's files:
//
//   A folder is written into, or replaced, only when it is absent, empty, or a folder of the same kind
//   that corridor wrote itself (it holds the marker file `.corridor`); and never when it is, holds, or
//   lies inside an input of the command, is the current folder or one that holds it, is a plain file,
//   or is read-only. Otherwise the command stops with one line saying what is there and what to do.
//
// The marker is a small JSON file (`{"written_by": "corridor", "kind": "run"}`) written last into every
// such folder; a folder without it is never taken for a results folder.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace corridor::app {

enum class FolderKind {
  run,     ///< the results folder of `corridor run` (also a kept variant of a study)
  study,   ///< the folder of `corridor batch` (rows, kpis.csv, kept/)
  import,  ///< a network and scenario written by `corridor import`
  calibration,  ///< the calibrated scenario and fit of `corridor calibrate`
};

/// "results folder of corridor run", ...
std::string describe(FolderKind kind);

/// The marker file's name.
inline constexpr const char* kMarkerFile = ".corridor";

/// The kind of the folder's marker, or nullopt when it has none (or not a readable one).
std::optional<FolderKind> marker_kind(const std::filesystem::path& dir);

/// Writes the marker of `kind` into `dir` (an existing folder).
void write_marker(const std::filesystem::path& dir, FolderKind kind);

/// Checks that `dir` may receive the output of a command writing a folder of `kind` whose inputs are
/// `inputs` (files or folders; those that do not exist are ignored). Returns the folder as an absolute,
/// normalised path. Throws InputError with one line naming `option` (e.g. "--out") and the folder.
std::filesystem::path check_output_folder(const std::filesystem::path& dir, FolderKind kind,
                                          const std::vector<std::filesystem::path>& inputs,
                                          const std::string& option = "--out");

/// A folder written complete or not at all: files go into a staging folder beside it (".NAME.partial-PID"),
/// renamed into place by commit() after the marker is written into it; an earlier folder of that name
/// (which check_output_folder allowed) is replaced whole. Without commit() (an exception on the way) the
/// staging folder is removed and nothing else is touched.
class StagedFolder {
public:
  /// Checks `dir` with check_output_folder first.
  StagedFolder(const std::filesystem::path& dir, FolderKind kind, const std::vector<std::filesystem::path>& inputs);
  StagedFolder(const StagedFolder&) = delete;
  StagedFolder& operator=(const StagedFolder&) = delete;
  ~StagedFolder();
  [[nodiscard]] std::filesystem::path file(const std::string& name) const { return staging_ / name; }
  [[nodiscard]] const std::filesystem::path& dir() const { return dir_; }
  void commit();

private:
  std::filesystem::path dir_, staging_, old_;
  FolderKind kind_;
  bool committed_ = false;
};

}  // namespace corridor::app
