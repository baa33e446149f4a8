// The bad-input catalogue (tests/bad-input/cases.yaml): every case runs the real `corridor` executable
// on a broken input and checks its exit status, its stderr line by line, and that it left no results
// folder behind (or only a complete one). Each case is registered as its own Catch2 test case, so
// that CTest lists, runs and reports them one by one.
//
// A case runs in a fresh folder holding a copy of tests/bad-input/common/ plus the case's own files
// (`files:`, written as given), after its `setup:` shell commands (to make files that YAML cannot
// hold as text: GeoPackages via ogr2ogr, bytes that are not UTF-8, very large or deep files). The
// command line is relative to that folder, so messages name files as the case gives them.
#include <catch2/catch.hpp>
#include <sys/wait.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/run_cli.hpp"
#include "tests/support/temp_dir.hpp"

namespace fs = std::filesystem;
using corridor::test::read_file;
using corridor::test::shell_quote;
using corridor::test::TempDir;

namespace {

const std::string kCatalogue = CORRIDOR_SOURCE_DIR "/tests/bad-input";
const std::string kManifest = kCatalogue + "/cases.yaml";
constexpr int kTimeoutS = 300;  // generous for sanitizer builds; a hang shows as exit 124

struct BadInputCase {
  std::string name;
  std::string why;
  std::vector<std::pair<std::string, std::string>> files;
  std::vector<std::string> setup;
  std::vector<std::string> args;
  int exit = 1;
  std::vector<std::string> stderr_lines;
  std::string allow_output;  ///< a results folder that may exist afterwards when complete
  std::size_t line = 0;
};

/// `*` matches any run of characters; everything else matches itself.
bool glob_match(std::string_view pattern, std::string_view text) {
  std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

/// Every entry under `root`; symbolic links are listed, never followed (a case may hold a loop of them).
std::set<std::string> tree(const fs::path& root) {
  std::set<std::string> out;
  std::vector<fs::path> dirs{root};
  while (!dirs.empty()) {
    const fs::path dir = dirs.back();
    dirs.pop_back();
    for (const auto& e : fs::directory_iterator(dir)) {
      out.insert(e.path().lexically_relative(root).string());
      std::error_code ec;
      if (fs::is_directory(e.symlink_status(ec))) dirs.push_back(e.path());
    }
  }
  return out;
}

std::vector<BadInputCase> load_cases() {
  const YAML::Node root = YAML::LoadFile(kManifest);
  std::vector<BadInputCase> out;
  for (const auto& item : root["cases"]) {
    BadInputCase c;
    c.name = item["name"].as<std::string>();
    c.line = static_cast<std::size_t>(item.Mark().line + 1);
    if (item["why"]) c.why = item["why"].as<std::string>();
    if (const auto files = item["files"])
      for (const auto& kv : files) c.files.emplace_back(kv.first.as<std::string>(), kv.second.as<std::string>());
    if (const auto setup = item["setup"]) {
      if (setup.IsScalar()) c.setup.push_back(setup.as<std::string>());
      else for (const auto& s : setup) c.setup.push_back(s.as<std::string>());
    }
    for (const auto& a : item["run"]) c.args.push_back(a.as<std::string>());
    if (item["exit"]) c.exit = item["exit"].as<int>();
    for (const auto& l : item["stderr"]) c.stderr_lines.push_back(l.as<std::string>());
    if (item["allow_output"]) c.allow_output = item["allow_output"].as<std::string>();
    out.push_back(std::move(c));
  }
  return out;
}

void run_case(const BadInputCase& c) {
  INFO("case '" << c.name << "' (" << kManifest << ":" << c.line << "): " << c.why);
  TempDir work("bad-input");
  fs::copy(kCatalogue + "/common", work.path(), fs::copy_options::recursive);
  for (const auto& [name, text] : c.files) work.write(name, text);
  for (const auto& cmd : c.setup) {
    const std::string full = "cd " + shell_quote(work.path().string()) + " && { " + cmd + " ; } >/dev/null 2>&1";
    INFO("setup: " << cmd);
    REQUIRE(std::system(full.c_str()) == 0);
  }
  const auto before = tree(work.path());

  TempDir io("bad-input-io");
  std::string cmd = "cd " + shell_quote(work.path().string()) + " && timeout -k 10 " + std::to_string(kTimeoutS) + " " +
                    shell_quote(CORRIDOR_EXE);
  for (const auto& a : c.args) cmd += " " + shell_quote(a);
  cmd += " >" + shell_quote((io / "out").string()) + " 2>" + shell_quote((io / "err").string()) + " </dev/null";
  const int raw = std::system(cmd.c_str());
  const int status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  const std::string err = read_file(io / "err");
  INFO("command: corridor" << [&] {
    std::string a;
    for (const auto& x : c.args) a += " " + x;
    return a;
  }());
  INFO("stderr:\n" << err);

  REQUIRE(status != 124);  // timeout: the program hung
  CHECK(status == c.exit);

  // One line per problem, each as the catalogue gives it.
  const auto got = lines_of(err);
  CHECK(got.size() == c.stderr_lines.size());
  for (std::size_t i = 0; i < std::min(got.size(), c.stderr_lines.size()); ++i) {
    INFO("line " << i + 1 << " expected: " << c.stderr_lines[i]);
    CHECK(glob_match(c.stderr_lines[i], got[i]));
  }

  // No output folder, no partial or temporary files: the folder holds what it held before, except a
  // results folder the case allows, and that one only complete.
  const auto after = tree(work.path());
  for (const auto& p : after) {
    if (before.count(p)) continue;
    const bool allowed = !c.allow_output.empty() && (p == c.allow_output || p.rfind(c.allow_output + "/", 0) == 0);
    INFO("left behind: " << p);
    CHECK(allowed);
  }
  if (!c.allow_output.empty() && fs::exists(work / c.allow_output)) {
    CHECK(fs::exists(work / c.allow_output / "summary.json"));
    CHECK(fs::exists(work / c.allow_output / "od.csv"));
  }
}

class CaseInvoker : public Catch::ITestInvoker {
public:
  explicit CaseInvoker(const BadInputCase& c) : case_(c) {}
  void invoke() const override { run_case(case_); }

private:
  const BadInputCase& case_;
};

void manifest_unreadable() { FAIL("cannot read " << kManifest); }

/// Registers one test case per catalogue entry when the test program starts.
struct Registrar {
  std::vector<BadInputCase> cases;
  std::vector<std::string> names;
  Registrar() {
    try {
      cases = load_cases();
    } catch (const std::exception&) {
      Catch::AutoReg(Catch::makeTestInvoker(&manifest_unreadable), Catch::SourceLineInfo(kManifest.c_str(), 1),
                     Catch::StringRef(), Catch::NameAndTags{"the bad-input catalogue reads", "[bad-input]"});
      return;
    }
    names.reserve(cases.size());
    for (const auto& c : cases) names.push_back("bad input: " + c.name);
    for (std::size_t i = 0; i < cases.size(); ++i)
      Catch::AutoReg(new CaseInvoker(cases[i]), Catch::SourceLineInfo(kManifest.c_str(), cases[i].line),
                     Catch::StringRef(), Catch::NameAndTags{names[i], "[bad-input]"});
  }
};
const Registrar registrar;

}  // namespace

TEST_CASE("the bad-input catalogue has at least 40 cases, each with a unique name and an expected message",
          "[bad-input]") {
  const auto cases = load_cases();
  CHECK(cases.size() >= 40);
  std::set<std::string> names;
  for (const auto& c : cases) {
    INFO(c.name);
    CHECK(names.insert(c.name).second);
    CHECK(!c.args.empty());
    CHECK((c.exit == 0 || !c.stderr_lines.empty()));
  }
}
