// Runs serial work on rank 0 alone (reading a finished result, printing a report) while the
// other ranks only wait for the outcome: any error rank 0 hits is rethrown on every rank with
// the same exit code. Collective: every rank calls run_on_root.
#pragma once

#include <exception>

#include "core/comm.hpp"

namespace coordnet {

template <class Work>
void run_on_root(const Comm& comm, Work&& work) {
  std::exception_ptr failure;
  if (comm.is_root()) {
    try {
      work();
    } catch (...) {
      failure = std::current_exception();
    }
  }
  comm.throw_if_any_failed(failure);
}

}  // namespace coordnet
