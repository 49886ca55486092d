#include "core/comm.hpp"

#include <algorithm>
#include <climits>
#include <cstring>
#include <string>

#include "core/errors.hpp"
#include "core/log.hpp"

namespace coordnet {

namespace {
std::uint64_t g_max_message_elements = INT_MAX;

std::string mpi_error_string(int code) {
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  return std::string(text, static_cast<std::size_t>(length));
}

const char* as_bytes(const void* p, std::uint64_t elems, std::size_t elem_size) {
  return static_cast<const char*>(p) + elems * elem_size;
}
char* as_bytes(void* p, std::uint64_t elems, std::size_t elem_size) {
  return static_cast<char*>(p) + elems * elem_size;
}
}  // namespace

MpiEnvironment::MpiEnvironment(int& argc, char**& argv) {
  int provided = 0;
  Comm::check(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
}

MpiEnvironment::~MpiEnvironment() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

namespace detail {
MPI_Datatype contiguous_type(std::size_t size_bytes) {
  MPI_Datatype type;
  Comm::check(MPI_Type_contiguous(static_cast<int>(size_bytes), MPI_BYTE, &type),
              "MPI_Type_contiguous");
  Comm::check(MPI_Type_commit(&type), "MPI_Type_commit");
  return type;
}

MPI_Op mpi_op(ReduceOp op) {
  switch (op) {
    case ReduceOp::sum:
      return MPI_SUM;
    case ReduceOp::min:
      return MPI_MIN;
    case ReduceOp::max:
      return MPI_MAX;
  }
  return MPI_SUM;
}
}  // namespace detail

Comm::Comm() : Comm(MPI_COMM_WORLD, false) {}

Comm::Comm(MPI_Comm comm, bool owned) : comm_(comm), owned_(owned) {
  check(MPI_Comm_rank(comm_, &rank_), "MPI_Comm_rank");
  check(MPI_Comm_size(comm_, &size_), "MPI_Comm_size");
}

Comm::~Comm() {
  if (owned_) MPI_Comm_free(&comm_);
}

void Comm::check(int mpi_result, const char* what) {
  if (mpi_result != MPI_SUCCESS) {
    throw Error(ExitCode::io, std::string(what) + " failed: " + mpi_error_string(mpi_result));
  }
}

void Comm::barrier() const { check(MPI_Barrier(comm_), "MPI_Barrier"); }

void Comm::abort(int exit_code) const {
  MPI_Abort(comm_, exit_code);
  std::abort();
}

std::uint64_t Comm::max_message_elements() noexcept { return g_max_message_elements; }
void Comm::set_max_message_elements(std::uint64_t n) noexcept {
  g_max_message_elements = std::clamp<std::uint64_t>(n, 1, INT_MAX);
}

std::vector<std::uint64_t> Comm::exchange_counts(std::span<const std::uint64_t> send_counts) const {
  if (send_counts.size() != static_cast<std::size_t>(size_)) {
    throw Error(ExitCode::io, "alltoallv: one send count per rank is required");
  }
  std::vector<std::uint64_t> recv_counts(send_counts.size());
  check(
      MPI_Alltoall(send_counts.data(), 1, MPI_UINT64_T, recv_counts.data(), 1, MPI_UINT64_T, comm_),
      "MPI_Alltoall");
  return recv_counts;
}

// Each round moves at most `cap` records between every pair of ranks, so every count and
// displacement of one MPI_Alltoallv stays below max_message_elements().
void Comm::alltoallv_raw(const void* send, std::span<const std::uint64_t> send_counts, void* recv,
                         std::span<const std::uint64_t> recv_counts, MPI_Datatype type,
                         std::size_t elem_size) const {
  const auto p = static_cast<std::size_t>(size_);
  const std::uint64_t cap = std::max<std::uint64_t>(1, g_max_message_elements / p);
  std::uint64_t local_max = 0;
  for (auto c : send_counts) local_max = std::max(local_max, c);
  const std::uint64_t rounds = (allreduce(local_max, ReduceOp::max) + cap - 1) / cap;

  std::vector<std::uint64_t> send_offset(p, 0), recv_offset(p, 0);
  for (std::size_t d = 1; d < p; ++d) {
    send_offset[d] = send_offset[d - 1] + send_counts[d - 1];
    recv_offset[d] = recv_offset[d - 1] + recv_counts[d - 1];
  }
  std::vector<int> sc(p), sd(p), rc(p), rd(p);
  if (rounds == 1 && send_offset[p - 1] + send_counts[p - 1] <= g_max_message_elements &&
      recv_offset[p - 1] + recv_counts[p - 1] <= g_max_message_elements) {
    // One round whose displacements fit in an int: no staging copies.
    for (std::size_t d = 0; d < p; ++d) {
      sc[d] = static_cast<int>(send_counts[d]);
      rc[d] = static_cast<int>(recv_counts[d]);
      sd[d] = static_cast<int>(send_offset[d]);
      rd[d] = static_cast<int>(recv_offset[d]);
    }
    check(MPI_Alltoallv(send, sc.data(), sd.data(), type, recv, rc.data(), rd.data(), type, comm_),
          "MPI_Alltoallv");
    return;
  }
  std::vector<char> send_stage, recv_stage;
  for (std::uint64_t round = 0; round < rounds; ++round) {
    const std::uint64_t begin = round * cap;
    int s_total = 0, r_total = 0;
    for (std::size_t d = 0; d < p; ++d) {
      sc[d] = static_cast<int>(send_counts[d] > begin ? std::min(cap, send_counts[d] - begin) : 0);
      rc[d] = static_cast<int>(recv_counts[d] > begin ? std::min(cap, recv_counts[d] - begin) : 0);
      sd[d] = s_total;
      rd[d] = r_total;
      s_total += sc[d];
      r_total += rc[d];
    }
    send_stage.resize(static_cast<std::size_t>(s_total) * elem_size);
    recv_stage.resize(static_cast<std::size_t>(r_total) * elem_size);
    for (std::size_t d = 0; d < p; ++d) {
      if (sc[d] > 0) {
        std::memcpy(send_stage.data() + static_cast<std::size_t>(sd[d]) * elem_size,
                    as_bytes(send, send_offset[d] + begin, elem_size),
                    static_cast<std::size_t>(sc[d]) * elem_size);
      }
    }
    check(MPI_Alltoallv(send_stage.data(), sc.data(), sd.data(), type, recv_stage.data(), rc.data(),
                        rd.data(), type, comm_),
          "MPI_Alltoallv");
    for (std::size_t d = 0; d < p; ++d) {
      if (rc[d] > 0) {
        std::memcpy(as_bytes(recv, recv_offset[d] + begin, elem_size),
                    recv_stage.data() + static_cast<std::size_t>(rd[d]) * elem_size,
                    static_cast<std::size_t>(rc[d]) * elem_size);
      }
    }
  }
}

void Comm::allgatherv_raw(const void* send, std::uint64_t send_count, void* recv,
                          std::span<const std::uint64_t> counts, MPI_Datatype type,
                          std::size_t elem_size) const {
  const auto p = static_cast<std::size_t>(size_);
  const std::uint64_t cap = std::max<std::uint64_t>(1, g_max_message_elements / p);
  std::uint64_t global_max = 0;
  for (auto c : counts) global_max = std::max(global_max, c);
  const std::uint64_t rounds = (global_max + cap - 1) / cap;
  std::vector<std::uint64_t> offset(p, 0);
  for (std::size_t d = 1; d < p; ++d) offset[d] = offset[d - 1] + counts[d - 1];
  std::vector<int> rc(p), rd(p);
  std::vector<char> stage;
  for (std::uint64_t round = 0; round < rounds; ++round) {
    const std::uint64_t begin = round * cap;
    int total = 0;
    for (std::size_t d = 0; d < p; ++d) {
      rc[d] = static_cast<int>(counts[d] > begin ? std::min(cap, counts[d] - begin) : 0);
      rd[d] = total;
      total += rc[d];
    }
    stage.resize(static_cast<std::size_t>(total) * elem_size);
    const int mine = static_cast<int>(send_count > begin ? std::min(cap, send_count - begin) : 0);
    check(MPI_Allgatherv(as_bytes(send, begin, elem_size), mine, type, stage.data(), rc.data(),
                         rd.data(), type, comm_),
          "MPI_Allgatherv");
    for (std::size_t d = 0; d < p; ++d) {
      if (rc[d] > 0) {
        std::memcpy(as_bytes(recv, offset[d] + begin, elem_size),
                    stage.data() + static_cast<std::size_t>(rd[d]) * elem_size,
                    static_cast<std::size_t>(rc[d]) * elem_size);
      }
    }
  }
}

void Comm::broadcast_raw(void* data, std::uint64_t count, MPI_Datatype type, std::size_t elem_size,
                         int root) const {
  for (std::uint64_t begin = 0; begin < count; begin += g_max_message_elements) {
    const auto n = static_cast<int>(std::min(g_max_message_elements, count - begin));
    check(MPI_Bcast(as_bytes(data, begin, elem_size), n, type, root, comm_), "MPI_Bcast");
  }
}

std::string Comm::broadcast(std::string value, int root) const {
  std::vector<char> chars(value.begin(), value.end());
  broadcast(chars, root);
  return std::string(chars.begin(), chars.end());
}

void Comm::throw_if_any_failed(std::exception_ptr local_failure) const {
  int local_code = 0;
  if (local_failure) {
    try {
      std::rethrow_exception(local_failure);
    } catch (const Error& e) {
      local_code = static_cast<int>(e.code());
    } catch (...) {
      local_code = static_cast<int>(ExitCode::io);
    }
  }
  const int code = allreduce(local_code, ReduceOp::max);
  if (code == 0) return;
  if (local_failure) {
    try {
      std::rethrow_exception(local_failure);
    } catch (const std::exception& e) {
      Log::error_any_rank(e.what());
    }
  }
  throw Error(static_cast<ExitCode>(code), "stopped because a rank failed (see above)", true,
              local_failure != nullptr || !is_root());
}

}  // namespace coordnet
