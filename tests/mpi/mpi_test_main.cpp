// GoogleTest main for the MPI tests: MPI is initialised once for all tests; only rank 0 prints
// the test report, but a failure on any rank fails that rank's process and so the ctest case.
#include <gtest/gtest.h>

#include "core/comm.hpp"

int main(int argc, char** argv) {
  coordnet::MpiEnvironment mpi(argc, argv);
  ::testing::InitGoogleTest(&argc, argv);
  const coordnet::Comm comm;
  if (!comm.is_root()) {
    auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
    delete listeners.Release(listeners.default_result_printer());
  }
  const int failed = RUN_ALL_TESTS();
  return comm.allreduce(failed, coordnet::ReduceOp::max);
}
