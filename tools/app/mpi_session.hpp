// The MPI side of a batch: which rank this process is, and gathering rows to rank 0. Without
// CORRIDOR_WITH_MPI (or when not launched by mpirun) it is one rank of one.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace corridor::app {

class MpiSession {
public:
  MpiSession();
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  [[nodiscard]] int rank() const { return rank_; }
  [[nodiscard]] int size() const { return size_; }
  void barrier() const;
  /// Ends every rank of the job with `code` (a rank that failed alone must not leave the others
  /// waiting in a collective). Returns only without MPI.
  void abort(int code) const;
  /// True on every rank when `value` is true on every rank. While other ranks are still working,
  /// `while_waiting` (when given) is called about every 0.2 s on this one. Every rank must call it.
  [[nodiscard]] bool all_true(bool value, const std::function<void()>& while_waiting = {}) const;
  /// The sums over every rank of `values` (the same length on all), on every rank.
  [[nodiscard]] std::vector<std::size_t> sum(const std::vector<std::size_t>& values) const;
  /// Rank 0 receives every rank's rows, ordered by variant index (`total` of them); others get {}.
  [[nodiscard]] std::vector<std::string> gather_rows(const std::vector<std::size_t>& indices,
                                                     const std::vector<std::string>& rows, std::size_t total) const;

private:
  int rank_ = 0;
  int size_ = 1;
  bool owns_init_ = false;
};

}  // namespace corridor::app
