// Errors that carry their context (file, feature or line, what is wrong).
// Libraries throw them; the CLI catches them once and prints one line per problem.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace corridor {

/// One thing wrong with an input: where (file, then feature id or line) and what.
struct Problem {
  std::string file;   ///< path as the user gave it; may be empty
  std::string where;  ///< "feature 'DOS'", "line 12, key 'demand'", ...; may be empty
  std::string what;   ///< what is wrong, in words a planner understands

  /// "file: where: what", leaving out empty parts.
  [[nodiscard]] std::string str() const;
};

/// Bad input: a broken file, a missing attribute, an unknown id. Exit status 1.
/// Holds every problem found, so that a user can fix them all in one go.
class InputError : public std::runtime_error {
public:
  explicit InputError(std::vector<Problem> problems);
  InputError(std::string file, std::string where, std::string what);

  [[nodiscard]] const std::vector<Problem>& problems() const noexcept { return problems_; }

private:
  std::vector<Problem> problems_;
};

/// A solver that did not reach its tolerance. Exit status 2; results may still be written, marked.
class SolverError : public std::runtime_error {
public:
  using std::runtime_error::runtime_error;
};

/// Collects problems while a whole input is checked, then throws them together.
class ProblemList {
public:
  void add(std::string file, std::string where, std::string what) {
    problems_.push_back({std::move(file), std::move(where), std::move(what)});
  }
  void append(const std::vector<Problem>& more) { problems_.insert(problems_.end(), more.begin(), more.end()); }
  [[nodiscard]] bool empty() const noexcept { return problems_.empty(); }
  [[nodiscard]] const std::vector<Problem>& problems() const noexcept { return problems_; }
  /// Throws InputError with everything collected, if anything was.
  void throw_if_any() const {
    if (!problems_.empty()) throw InputError(problems_);
  }

private:
  std::vector<Problem> problems_;
};

}  // namespace corridor
