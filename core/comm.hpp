// RAII MPI environment and Comm: typed collectives that return values.
//
// Kernels never call MPI directly: they call comm.allreduce(x, ReduceOp::sum), comm.exscan_sum(n),
// comm.allgatherv(span), comm.alltoallv(span, counts) and exchange_by_owner (exchange.hpp).
// Every collective here must be called by every rank of the communicator, in the same order.
// Messages are split into rounds so that no MPI call sees a count or displacement above
// max_message_elements() (2^31 - 1 by default; tests lower it to exercise the chunked path).
#pragma once

#include <mpi.h>

#include <cstdint>
#include <exception>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace coordnet {

// Initialises MPI on construction and finalises it on destruction (once per process).
class MpiEnvironment {
 public:
  MpiEnvironment(int& argc, char**& argv);
  ~MpiEnvironment();
  MpiEnvironment(const MpiEnvironment&) = delete;
  MpiEnvironment& operator=(const MpiEnvironment&) = delete;
};

enum class ReduceOp { sum, min, max };

namespace detail {
// The MPI datatype for T: the matching basic type for arithmetic T, otherwise a committed
// contiguous type of sizeof(T) bytes (trivially copyable records), created once per T.
MPI_Datatype contiguous_type(std::size_t size_bytes);

template <class T>
MPI_Datatype mpi_type() {
  static_assert(std::is_trivially_copyable_v<T>, "MPI messages carry trivially copyable records");
  if constexpr (std::is_same_v<T, double>)
    return MPI_DOUBLE;
  else if constexpr (std::is_same_v<T, float>)
    return MPI_FLOAT;
  else if constexpr (std::is_same_v<T, char>)
    return MPI_CHAR;
  else if constexpr (std::is_integral_v<T> && std::is_signed_v<T> && sizeof(T) == 4)
    return MPI_INT32_T;
  else if constexpr (std::is_integral_v<T> && std::is_signed_v<T> && sizeof(T) == 8)
    return MPI_INT64_T;
  else if constexpr (std::is_integral_v<T> && std::is_unsigned_v<T> && sizeof(T) == 1)
    return MPI_UINT8_T;
  else if constexpr (std::is_integral_v<T> && std::is_unsigned_v<T> && sizeof(T) == 4)
    return MPI_UINT32_T;
  else if constexpr (std::is_integral_v<T> && std::is_unsigned_v<T> && sizeof(T) == 8)
    return MPI_UINT64_T;
  else {
    static const MPI_Datatype type = contiguous_type(sizeof(T));
    return type;
  }
}

MPI_Op mpi_op(ReduceOp op);
}  // namespace detail

// The result of an all-to-all exchange: the received records, grouped by source rank in rank
// order, and how many came from each source.
template <class T>
struct Received {
  std::vector<T> data;
  std::vector<std::uint64_t> counts_by_source;
};

class Comm {
 public:
  // Wraps MPI_COMM_WORLD (not owned).
  Comm();
  // Wraps a communicator; when owned, it is freed on destruction.
  Comm(MPI_Comm comm, bool owned);
  ~Comm();
  Comm(const Comm&) = delete;
  Comm& operator=(const Comm&) = delete;

  int rank() const noexcept { return rank_; }
  int size() const noexcept { return size_; }
  bool is_root() const noexcept { return rank_ == 0; }
  MPI_Comm native() const noexcept { return comm_; }

  void barrier() const;
  [[noreturn]] void abort(int exit_code) const;

  template <class T>
  T allreduce(T value, ReduceOp op) const {
    static_assert(std::is_arithmetic_v<T>);
    T result{};
    check(MPI_Allreduce(&value, &result, 1, detail::mpi_type<T>(), detail::mpi_op(op), comm_),
          "MPI_Allreduce");
    return result;
  }

  // Element-wise reduction of equally long vectors.
  template <class T>
  std::vector<T> allreduce(std::span<const T> values, ReduceOp op) const {
    static_assert(std::is_arithmetic_v<T>);
    std::vector<T> result(values.size());
    check(MPI_Allreduce(values.data(), result.data(), static_cast<int>(values.size()),
                        detail::mpi_type<T>(), detail::mpi_op(op), comm_),
          "MPI_Allreduce");
    return result;
  }

  // Sum of the values of all lower ranks (0 on rank 0).
  template <class T>
  T exscan_sum(T value) const {
    static_assert(std::is_arithmetic_v<T>);
    T result{};
    check(MPI_Exscan(&value, &result, 1, detail::mpi_type<T>(), MPI_SUM, comm_), "MPI_Exscan");
    return rank_ == 0 ? T{} : result;
  }

  template <class T>
  std::vector<T> allgather(const T& value) const {
    std::vector<T> result(static_cast<std::size_t>(size_));
    check(MPI_Allgather(&value, 1, detail::mpi_type<T>(), result.data(), 1, detail::mpi_type<T>(),
                        comm_),
          "MPI_Allgather");
    return result;
  }

  // Concatenation of every rank's span, in rank order (in memory from `Allocator`).
  template <class T, class Allocator = std::allocator<T>>
  std::vector<T, Allocator> allgatherv(std::span<const T> local) const {
    const auto counts = allgather<std::uint64_t>(local.size());
    std::uint64_t total = 0;
    for (auto c : counts) total += c;
    std::vector<T, Allocator> result(total);
    allgatherv_raw(local.data(), local.size(), result.data(), counts, detail::mpi_type<T>(),
                   sizeof(T));
    return result;
  }

  // Sends send_counts[d] consecutive records of `send` to rank d (records for rank 0 first).
  template <class T>
  Received<T> alltoallv(std::span<const T> send, std::span<const std::uint64_t> send_counts) const {
    Received<T> received;
    alltoallv_into(send, send_counts, received);
    return received;
  }
  // The same for a buffer the caller gives up: on one rank it comes back as the received data
  // (no copy); otherwise it is freed once sent.
  template <class T>
  Received<T> alltoallv(std::vector<T>&& send, std::span<const std::uint64_t> send_counts) const {
    if (size_ == 1) {
      const std::uint64_t count = send.size();
      if (send_counts.size() != 1 || send_counts[0] != count)
        throw std::logic_error("alltoallv: counts do not add up to the records");
      return {std::move(send), {count}};
    }
    auto received = alltoallv<T>(std::span<const T>(send), send_counts);
    std::vector<T>().swap(send);
    return received;
  }
  // alltoallv into `received`, reusing the memory its vectors hold.
  template <class T>
  void alltoallv_into(std::span<const T> send, std::span<const std::uint64_t> send_counts,
                      Received<T>& received) const {
    received.counts_by_source = exchange_counts(send_counts);
    std::uint64_t total = 0;
    for (auto c : received.counts_by_source) total += c;
    received.data.resize(total);
    alltoallv_raw(send.data(), send_counts, received.data.data(), received.counts_by_source,
                  detail::mpi_type<T>(), sizeof(T));
  }

  template <class T>
  void broadcast(std::vector<T>& values, int root) const {
    auto size = static_cast<std::uint64_t>(values.size());
    check(MPI_Bcast(&size, 1, MPI_UINT64_T, root, comm_), "MPI_Bcast");
    values.resize(size);
    broadcast_raw(values.data(), size, detail::mpi_type<T>(), sizeof(T), root);
  }

  std::string broadcast(std::string value, int root) const;

  // Collective failure check. Every rank passes the exception it caught in local work (or null).
  // If any rank failed, every rank throws: the failing ranks rethrow their own error (and print
  // it), the others throw an Error with the highest exit code among the failures, so all ranks
  // agree on one exit code and none is left waiting in a later collective.
  void throw_if_any_failed(std::exception_ptr local_failure) const;

  // Largest element count passed to one MPI call; larger messages go in rounds.
  static std::uint64_t max_message_elements() noexcept;
  static void set_max_message_elements(std::uint64_t n) noexcept;

  static void check(int mpi_result, const char* what);

 private:
  std::vector<std::uint64_t> exchange_counts(std::span<const std::uint64_t> send_counts) const;
  void alltoallv_raw(const void* send, std::span<const std::uint64_t> send_counts, void* recv,
                     std::span<const std::uint64_t> recv_counts, MPI_Datatype type,
                     std::size_t elem_size) const;
  void allgatherv_raw(const void* send, std::uint64_t send_count, void* recv,
                      std::span<const std::uint64_t> counts, MPI_Datatype type,
                      std::size_t elem_size) const;
  void broadcast_raw(void* data, std::uint64_t count, MPI_Datatype type, std::size_t elem_size,
                     int root) const;

  MPI_Comm comm_;
  bool owned_;
  int rank_ = 0;
  int size_ = 1;
};

}  // namespace coordnet
