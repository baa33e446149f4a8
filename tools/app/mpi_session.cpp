#include "tools/app/mpi_session.hpp"

#include <chrono>
#include <stdexcept>
#include <thread>

#ifdef CORRIDOR_WITH_MPI
#include <mpi.h>
#endif

namespace corridor::app {

#ifdef CORRIDOR_WITH_MPI

MpiSession::MpiSession() {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) {
    int provided = 0;
    // Only the main thread talks to MPI; worker threads solve.
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
    owns_init_ = true;
  }
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
}

MpiSession::~MpiSession() {
  if (owns_init_) MPI_Finalize();
}

void MpiSession::barrier() const { MPI_Barrier(MPI_COMM_WORLD); }

void MpiSession::abort(int code) const { MPI_Abort(MPI_COMM_WORLD, code); }

bool MpiSession::all_true(bool value, const std::function<void()>& while_waiting) const {
  // Non-blocking on every rank (a non-blocking collective never matches a blocking one), so that a rank
  // may report progress while it waits.
  int local = value ? 1 : 0, global = 0;
  MPI_Request request;
  MPI_Iallreduce(&local, &global, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD, &request);
  for (int done = 0;;) {
    MPI_Test(&request, &done, MPI_STATUS_IGNORE);
    if (done) break;
    if (while_waiting) while_waiting();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return global == 1;
}

std::vector<std::size_t> MpiSession::sum(const std::vector<std::size_t>& values) const {
  std::vector<unsigned long long> local(values.begin(), values.end()), global(values.size(), 0);
  MPI_Allreduce(local.data(), global.data(), static_cast<int>(local.size()), MPI_UNSIGNED_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
  return {global.begin(), global.end()};
}

std::vector<std::string> MpiSession::gather_rows(const std::vector<std::size_t>& indices, const std::vector<std::string>& rows,
                                                 std::size_t total) const {
  // Each rank packs "index\nrow\n" records; rank 0 unpacks them into variant order.
  std::string packed;
  for (std::size_t k = 0; k < rows.size(); ++k) packed += std::to_string(indices[k]) + "\n" + rows[k] + "\n";
  int length = static_cast<int>(packed.size());
  std::vector<int> lengths(static_cast<std::size_t>(size_)), offsets(static_cast<std::size_t>(size_));
  MPI_Gather(&length, 1, MPI_INT, lengths.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
  std::string all;
  if (rank_ == 0) {
    int sum = 0;
    for (int r = 0; r < size_; ++r) {
      offsets[static_cast<std::size_t>(r)] = sum;
      sum += lengths[static_cast<std::size_t>(r)];
    }
    all.resize(static_cast<std::size_t>(sum));
  }
  MPI_Gatherv(packed.data(), length, MPI_CHAR, all.data(), lengths.data(), offsets.data(), MPI_CHAR, 0, MPI_COMM_WORLD);
  if (rank_ != 0) return {};
  std::vector<std::string> ordered(total);
  std::size_t pos = 0;
  while (pos < all.size()) {
    const std::size_t nl = all.find('\n', pos);
    const std::size_t index = std::stoul(all.substr(pos, nl - pos));
    const std::size_t end = all.find('\n', nl + 1);
    ordered.at(index) = all.substr(nl + 1, end - nl - 1);
    pos = end + 1;
  }
  return ordered;
}

#else

MpiSession::MpiSession() = default;
MpiSession::~MpiSession() = default;
void MpiSession::barrier() const {}
void MpiSession::abort(int) const {}
bool MpiSession::all_true(bool value, const std::function<void()>&) const { return value; }
std::vector<std::size_t> MpiSession::sum(const std::vector<std::size_t>& values) const { return values; }
std::vector<std::string> MpiSession::gather_rows(const std::vector<std::size_t>& indices, const std::vector<std::string>& rows,
                                                 std::size_t total) const {
  std::vector<std::string> ordered(total);
  for (std::size_t k = 0; k < rows.size(); ++k) ordered.at(indices[k]) = rows[k];
  return ordered;
}

#endif

}  // namespace corridor::app
