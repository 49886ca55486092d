// Error types and the process exit codes (sysexits.h values) that every rank agrees on.
#pragma once

#include <stdexcept>
#include <string>

namespace coordnet {

enum class ExitCode : int {
  ok = 0,
  usage = 64,        // bad command line
  data = 65,         // input data unusable (bad-record budget exceeded, --on-bad-record fail)
  io = 74,           // cannot read an input or write the output
  retry_later = 75,  // interrupted; rerunning is expected to succeed
  config = 78,       // bad configuration file or option combination
};

// `agreed`: every rank throws this error at the same point (after a collective decision), so
// the process can exit normally with the code; any other error seen by one rank alone makes
// that rank abort the whole job with its code. `printed`: the message was already shown.
class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& message, bool agreed = false, bool printed = false)
      : std::runtime_error(message), code_(code), agreed_(agreed), printed_(printed) {}
  ExitCode code() const noexcept { return code_; }
  bool agreed() const noexcept { return agreed_; }
  bool printed() const noexcept { return printed_; }

 private:
  ExitCode code_;
  bool agreed_;
  bool printed_;
};

struct UsageError : Error {
  explicit UsageError(const std::string& m, bool agreed = false)
      : Error(ExitCode::usage, m, agreed) {}
};
struct DataError : Error {
  explicit DataError(const std::string& m, bool agreed = false)
      : Error(ExitCode::data, m, agreed) {}
};
struct IoError : Error {
  explicit IoError(const std::string& m, bool agreed = false) : Error(ExitCode::io, m, agreed) {}
};
struct RetryLaterError : Error {
  explicit RetryLaterError(const std::string& m, bool agreed = false)
      : Error(ExitCode::retry_later, m, agreed) {}
};
struct ConfigError : Error {
  explicit ConfigError(const std::string& m, bool agreed = false)
      : Error(ExitCode::config, m, agreed) {}
};

}  // namespace coordnet
