// Runs the built `corridor` executable the way a user does, capturing exit status and output.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "tests/support/temp_dir.hpp"

namespace corridor::test {

struct CliResult {
  int status = -1;
  std::string out;
  std::string err;
};

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

/// Runs `corridor ARGS...` in `cwd` (when given); `prefix` is put before the executable (e.g. setpriv).
inline CliResult run_corridor(const std::vector<std::string>& args, const std::filesystem::path& cwd = {},
                              const std::string& prefix = {}) {
  TempDir io("cli-io");
  std::string cmd;
  if (!cwd.empty()) cmd += "cd " + shell_quote(cwd.string()) + " && ";
  cmd += prefix + shell_quote(CORRIDOR_EXE);
  for (const auto& a : args) cmd += " " + shell_quote(a);
  cmd += " >" + shell_quote((io / "out").string()) + " 2>" + shell_quote((io / "err").string()) + " </dev/null";
  const int raw = std::system(cmd.c_str());
  CliResult r;
  r.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
  r.out = read_file(io / "out");
  r.err = read_file(io / "err");
  return r;
}

/// Runs `corridor ARGS...` as the unprivileged user nobody (the caller must be root; setpriv is util-linux).
inline CliResult run_as_nobody(const std::vector<std::string>& args, const std::filesystem::path& cwd = {}) {
  return run_corridor(args, cwd, "setpriv --reuid=65534 --regid=65534 --clear-groups ");
}

}  // namespace corridor::test
