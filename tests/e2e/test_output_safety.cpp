// End-to-end: `--out` never deletes or overwrites what corridor did not write. Each case runs the real
// executable on real folders and checks that a refused folder is left exactly as it was.
#include <catch2/catch.hpp>
#include <unistd.h>

#include <algorithm>
#include <map>

#include "tests/support/run_cli.hpp"
#include "tests/support/temp_dir.hpp"

using namespace corridor::test;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

/// Every file under `dir` with its bytes: a folder's complete state.
std::map<std::string, std::string> snapshot(const fs::path& dir) {
  std::map<std::string, std::string> files;
  if (!fs::exists(dir)) return files;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    files[fs::relative(e.path(), dir).string()] = e.is_regular_file() ? read_file(e.path()) : std::string("<dir>");
  return files;
}

/// A planner's project folder: the bundled scenarios and network, a README and a study.
fs::path make_project(const TempDir& dir) {
  const fs::path proj = dir / "proj";
  fs::copy(fs::path(CORRIDOR_SOURCE_DIR) / "scenarios", proj, fs::copy_options::recursive);
  dir.write("proj/NOTES.md", "my notes\n");
  return proj;
}

std::size_t lines(const std::string& text) { return static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')); }

}  // namespace

TEST_CASE("corridor run --out on the project folder that holds its inputs exits 1 and deletes nothing", "[e2e][safety]") {
  TempDir dir("safety-proj");
  const fs::path proj = make_project(dir);
  const auto before = snapshot(proj);
  const auto r = run_corridor({"run", (proj / "baseline.yaml").string(), "--out", proj.string()});
  CHECK(r.status == 1);
  CHECK(lines(r.err) == 1);
  CHECK_THAT(r.err, Contains("--out " + proj.string()) && Contains("holds an input of this command"));
  CHECK(snapshot(proj) == before);
}

TEST_CASE("corridor run --out on the input network folder, or inside it, exits 1 and leaves the network", "[e2e][safety]") {
  TempDir dir("safety-net");
  const fs::path proj = make_project(dir);
  const auto before = snapshot(proj);
  auto r = run_corridor({"run", (proj / "baseline.yaml").string(), "--out", (proj / "network").string()});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Contains("holds an input of this command") && Contains("nodes.geojson"));
  // An input file named as the folder.
  r = run_corridor({"run", (proj / "baseline.yaml").string(), "--out", (proj / "network/links.geojson").string()});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Contains("is a file, not a folder"));
  CHECK(snapshot(proj) == before);
}

TEST_CASE("corridor run --out on a plain file exits 1 and keeps the file", "[e2e][safety]") {
  TempDir dir("safety-file");
  const fs::path proj = make_project(dir);
  const auto file = dir.write("existing.txt", "keep me\n");
  const auto r = run_corridor({"run", (proj / "baseline.yaml").string(), "--out", file.string()});
  CHECK(r.status == 1);
  CHECK(lines(r.err) == 1);
  CHECK_THAT(r.err, Contains("existing.txt") && Contains("is a file, not a folder"));
  CHECK(read_file(file) == "keep me\n");
}

TEST_CASE("corridor run --out . names the rule in one line and exits 1", "[e2e][safety]") {
  TempDir dir("safety-dot");
  const fs::path proj = make_project(dir);
  const auto before = snapshot(proj);
  auto r = run_corridor({"run", "baseline.yaml", "--out", "."}, proj);
  CHECK(r.status == 1);
  CHECK(lines(r.err) == 1);
  CHECK_THAT(r.err, Contains("--out .") && Contains("is the current folder"));
  // A folder that holds the current one is refused the same way.
  r = run_corridor({"run", "../baseline.yaml", "--out", ".."}, proj / "network");
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Contains("holds the current folder"));
  CHECK(snapshot(proj) == before);
}

TEST_CASE("a folder with other files is never replaced; a results folder corridor wrote is", "[e2e][safety]") {
  TempDir dir("safety-other");
  const fs::path proj = make_project(dir);
  const auto other = dir.write("results/thesis.docx", "chapter 1\n").parent_path();
  auto r = run_corridor({"run", (proj / "baseline.yaml").string(), "--out", other.string(), "-q"});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Contains("was not written by corridor") && Contains(".corridor"));
  CHECK(read_file(other / "thesis.docx") == "chapter 1\n");

  // Its own results folder: written, then replaced whole by the next run (an old file does not survive).
  const fs::path out = dir / "out";
  REQUIRE(run_corridor({"run", (proj / "baseline.yaml").string(), "--out", out.string(), "-q"}).status == 0);
  CHECK(fs::exists(out / ".corridor"));
  dir.write("out/stale.csv", "old\n");
  REQUIRE(run_corridor({"run", (proj / "baseline.yaml").string(), "--out", out.string(), "-q"}).status == 0);
  CHECK_FALSE(fs::exists(out / "stale.csv"));
  CHECK(fs::exists(out / "summary.json"));
  // A study folder is not a run's results folder, nor the other way round.
  const fs::path study = dir / "study";
  dir.write("study/.corridor", R"({"written_by":"corridor","kind":"study"})");
  r = run_corridor({"run", (proj / "baseline.yaml").string(), "--out", study.string(), "-q"});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Contains("is a study folder of corridor batch, not a results folder of corridor run"));
}

TEST_CASE("a read-only results folder is left alone, and a folder that cannot be written gives one line", "[e2e][safety]") {
  TempDir dir("safety-ro");
  const fs::path proj = make_project(dir);
  const fs::path out = dir / "out";
  REQUIRE(run_corridor({"run", (proj / "baseline.yaml").string(), "--out", out.string(), "-q"}).status == 0);
  const auto before = snapshot(out);
  fs::permissions(out, fs::perms::owner_write | fs::perms::group_write | fs::perms::others_write, fs::perm_options::remove);
  auto r = run_corridor({"run", (proj / "baseline.yaml").string(), "--out", out.string(), "-q"});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Contains("is read-only"));
  CHECK(snapshot(out) == before);

  // A folder whose parent the user may not write into. Root may write anywhere, so as root the run is
  // made by the unprivileged user `nobody`.
  const fs::path locked = dir / "locked";
  fs::create_directories(locked);
  fs::permissions(dir.path(), fs::perms::all, fs::perm_options::add);
  fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec | fs::perms::group_read | fs::perms::group_exec |
                              fs::perms::others_read | fs::perms::others_exec);
  fs::permissions(proj, fs::perms::all, fs::perm_options::add);
  const std::vector<std::string> args{"run", (proj / "baseline.yaml").string(), "--out", (locked / "results").string(), "-q"};
  if (::geteuid() == 0 && std::system("command -v setpriv >/dev/null 2>&1") != 0) {
    WARN("skipped the unprivileged part: setpriv (util-linux) is not installed");
    return;
  }
  r = ::geteuid() == 0 ? run_as_nobody(args, dir.path()) : run_corridor(args);
  CHECK(r.status == 1);
  CHECK(lines(r.err) == 1);
  CHECK_THAT(r.err, Contains("cannot write") && Contains("ermission denied"));
  CHECK(fs::is_empty(locked));
}

TEST_CASE("corridor batch and corridor import refuse folders that hold their inputs; batch --fresh deletes only a study folder",
          "[e2e][safety]") {
  TempDir dir("safety-batch");
  const fs::path proj = make_project(dir);
  const auto before = snapshot(proj);
  auto r = run_corridor({"batch", (proj / "studies/caspian_capacity_study.yaml").string(), "--out", proj.string(), "-q"});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Contains("holds an input of this command"));
  r = run_corridor({"batch", (proj / "studies/caspian_capacity_study.yaml").string(), "--out", (proj / "network").string(),
                    "--fresh", "-q"});
  CHECK(r.status == 1);
  CHECK(snapshot(proj) == before);

  // --fresh on a folder of other files: refused, nothing deleted.
  const auto other = dir.write("other/data.csv", "a,b\n").parent_path();
  r = run_corridor({"batch", (proj / "studies/caspian_capacity_study.yaml").string(), "--out", other.string(), "--fresh", "-q"});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Contains("was not written by corridor"));
  CHECK(read_file(other / "data.csv") == "a,b\n");

  // Import into the folder holding the files it reads.
  const fs::path tntp = fs::path(CORRIDOR_SHARED_DATA_DIR) / "tntp/SiouxFalls";
  if (!fs::exists(tntp)) {
    WARN("skipped the import part: " << tntp << " is absent");
    return;
  }
  const fs::path copy = dir / "tntp";
  fs::copy(tntp, copy, fs::copy_options::recursive);
  const auto tntp_before = snapshot(copy);
  r = run_corridor({"import", "tntp", (copy / "SiouxFalls_net.tntp").string(), (copy / "SiouxFalls_trips.tntp").string(),
                    "--out", copy.string()});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Contains("holds an input of this command"));
  CHECK(snapshot(copy) == tntp_before);
}

TEST_CASE("corridor report writes only into a results folder corridor wrote", "[e2e][safety]") {
  TempDir dir("safety-report");
  dir.write("mine/links.geojson", R"({"type":"FeatureCollection","features":[]})");
  const auto r = run_corridor({"report", (dir / "mine").string()});
  CHECK(r.status == 1);
  CHECK_THAT(r.err, Contains("not a results folder written by corridor"));
  CHECK_FALSE(fs::exists(dir / "mine/report.html"));
}
