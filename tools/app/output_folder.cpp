#include "tools/app/output_folder.hpp"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "geo/error.hpp"
#include "geo/writer.hpp"

namespace corridor::app {

namespace fs = std::filesystem;

namespace {

constexpr std::pair<FolderKind, const char*> kKinds[] = {
    {FolderKind::run, "run"}, {FolderKind::study, "study"}, {FolderKind::import, "import"},
    {FolderKind::calibration, "calibration"}};

const char* kind_name(FolderKind kind) {
  for (const auto& [k, name] : kKinds)
    if (k == kind) return name;
  return "?";
}

/// `path` made absolute with symbolic links resolved as far as it exists. A loop of links is an input
/// error (the filesystem would otherwise say only "too many levels of symbolic links").
fs::path resolved(const fs::path& path, const std::string& what) {
  std::error_code ec;
  fs::path p = fs::weakly_canonical(fs::absolute(path), ec);
  if (ec) throw InputError(path.string(), "", what + " cannot be resolved: " + ec.message() + " (a loop of symbolic links?)");
  return p;
}

/// Whether `inner` is `outer` or lies inside it (both resolved).
bool within(const fs::path& inner, const fs::path& outer) {
  auto i = inner.begin();
  for (auto o = outer.begin(); o != outer.end(); ++o, ++i) {
    if (o->empty()) continue;  // a trailing separator
    if (i == inner.end() || *i != *o) return false;
  }
  return true;
}

}  // namespace

std::string describe(FolderKind kind) {
  switch (kind) {
    case FolderKind::run:
      return "results folder of corridor run";
    case FolderKind::study:
      return "study folder of corridor batch";
    case FolderKind::import:
      return "folder written by corridor import";
    case FolderKind::calibration:
      return "folder written by corridor calibrate";
  }
  return "?";
}

std::optional<FolderKind> marker_kind(const fs::path& dir) {
  std::ifstream in(dir / kMarkerFile, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  const auto j = nlohmann::json::parse(text.str(), nullptr, false);
  if (!j.is_object() || j.value("written_by", "") != "corridor" || !j.contains("kind") || !j["kind"].is_string())
    return std::nullopt;
  for (const auto& [k, name] : kKinds)
    if (j["kind"] == name) return k;
  return std::nullopt;
}

void write_marker(const fs::path& dir, FolderKind kind) {
  const nlohmann::ordered_json j = {{"written_by", "corridor"}, {"kind", kind_name(kind)}};
  geo::write_text(dir / kMarkerFile, j.dump() + "\n");
}

fs::path check_output_folder(const fs::path& dir, FolderKind kind, const std::vector<fs::path>& inputs,
                             const std::string& option) {
  const std::string shown = dir.string();
  auto refuse = [&](const std::string& why) { throw InputError(option + " " + shown, "", why); };
  if (dir.empty()) refuse("is empty: name a folder");
  const fs::path target = resolved(dir, "the folder");

  std::error_code ec;
  const fs::path cwd = resolved(fs::current_path(ec), "the current folder");
  if (target == cwd) refuse("is the current folder; corridor writes a folder of its own: give a new folder, e.g. --out out/NAME");
  if (within(cwd, target)) refuse("holds the current folder; give a new folder, e.g. --out out/NAME");

  const auto status = fs::symlink_status(target, ec);
  const bool exists = fs::exists(status);
  if (exists && !fs::is_directory(status)) refuse("is a file, not a folder; give a folder that does not exist yet");

  for (const auto& input : inputs) {
    if (input.empty() || !fs::exists(input, ec)) continue;
    const fs::path in = resolved(input, "input");
    if (in == target) refuse("is an input of this command (" + input.string() + "); give another folder");
    if (within(in, target)) refuse("holds an input of this command (" + input.string() + "); give another folder");
    if (fs::is_directory(in, ec) && within(target, in))
      refuse("lies inside an input folder of this command (" + input.string() + "); give a folder elsewhere");
  }

  if (exists) {
    if ((status.permissions() & fs::perms::owner_write) == fs::perms::none)
      refuse("is read-only; make it writable or give another folder");
    const bool empty = fs::is_empty(target, ec);
    if (!empty) {
      const auto marker = marker_kind(target);
      if (!marker)
        refuse("exists and was not written by corridor (it has no " + std::string(kMarkerFile) +
               " marker), so it is left alone; move it away or give another folder");
      if (*marker != kind) refuse("is a " + describe(*marker) + ", not a " + describe(kind) + "; give another folder");
    }
  }
  return target;
}

StagedFolder::StagedFolder(const fs::path& dir, FolderKind kind, const std::vector<fs::path>& inputs)
    : dir_(check_output_folder(dir, kind, inputs)), kind_(kind) {
  const std::string pid = std::to_string(::getpid());
  staging_ = dir_.parent_path() / ("." + dir_.filename().string() + ".partial-" + pid);
  old_ = dir_.parent_path() / ("." + dir_.filename().string() + ".old-" + pid);
  std::error_code ec;
  fs::create_directories(dir_.parent_path(), ec);
  if (ec) throw InputError(dir.string(), "", "cannot create the folder that holds it: " + ec.message());
  fs::remove_all(staging_, ec);
  if (!fs::create_directory(staging_, ec) || ec)
    throw InputError(dir.string(), "", "cannot write beside it in " + dir_.parent_path().string() + ": " + ec.message());
}

StagedFolder::~StagedFolder() {
  std::error_code ec;
  if (!committed_) fs::remove_all(staging_, ec);
}

void StagedFolder::commit() {
  write_marker(staging_, kind_);
  std::error_code ec;
  const bool had_old = fs::exists(dir_);
  if (had_old) {
    fs::rename(dir_, old_, ec);
    if (ec) throw InputError(dir_.string(), "", "cannot replace the earlier folder: " + ec.message());
  }
  fs::rename(staging_, dir_, ec);
  if (ec) {
    if (had_old) fs::rename(old_, dir_);  // put the earlier folder back
    throw InputError(dir_.string(), "", "cannot move the new folder into place: " + ec.message());
  }
  committed_ = true;
  if (had_old) fs::remove_all(old_, ec);
}

}  // namespace corridor::app
