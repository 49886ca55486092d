// BlockRingFile: one text file written by all ranks in rounds of blocks. In every round each
// rank contributes one block (possibly empty); the file holds round 0's blocks in rank order,
// then round 1's, and so on. Block k of the file is therefore rank k mod n's block of round
// k / n, and the bytes depend only on the concatenation of the blocks, not on the number of
// ranks.
//
// A block's offset is passed around the ranks as a token: a rank that ends its block waits for
// the end offset of the block before it (rank r - 1's of this round; rank 0: rank n - 1's of
// the previous round), sends its own end on at once and then writes its block there (pwrite, in
// pieces of 1 MiB). A rank thus writes while the others generate, and holds no more than the block
// it is making. Rank 0 creates NAME.tmp; commit() renames it to NAME once every rank has written,
// so a reader never sees a partial file. Write errors are kept until commit(), which throws on
// every rank if any rank failed; the tokens keep going round so that no rank is left waiting.
// A BlockRingFile destroyed without commit() removes NAME.tmp.
//
// Every rank must construct the files in the same order, call end_block() the same number of
// times (once per round, after filling block()) and then commit().
#pragma once

#include <cstdint>
#include <exception>
#include <string>

#include "core/comm.hpp"

namespace coordnet::gen {

class BlockRingFile {
 public:
  // Collective (rank 0 creates NAME.tmp; a failure there throws on every rank).
  BlockRingFile(std::string final_path, const Comm& comm);
  ~BlockRingFile();
  BlockRingFile(const BlockRingFile&) = delete;
  BlockRingFile& operator=(const BlockRingFile&) = delete;

  // This rank's block of the current round.
  std::string& block() { return block_; }
  // Writes block() at its place in the file and empties it; starts the next round.
  void end_block();
  // Collective. Returns the total size of the file.
  std::uint64_t commit();

 private:
  void write_block(std::uint64_t offset);
  std::uint64_t receive_offset();
  void send_end(std::uint64_t end);

  const Comm& comm_;
  Comm ring_;  // a duplicate of comm_ that carries only this file's tokens
  std::string final_path_;
  std::string tmp_path_;
  std::string block_;
  int fd_ = -1;  // NAME.tmp; ranks > 0 open it at their first write
  std::uint64_t local_bytes_ = 0;
  bool first_round_ = true;
  std::exception_ptr failure_;
  bool committed_ = false;
};

}  // namespace coordnet::gen
