// Stage checkpoints of one run: per stage, one part file per rank (checkpoint_file.hpp) and a
// manifest DIR/STAGE.manifest that says which run wrote them and their checksums.
//
// The manifest is the commit point. save() removes the stage's old manifest, lets every rank
// write its part, gathers the checksums and has rank 0 write the manifest to a temporary name
// and rename it; a run killed before that rename leaves no manifest, so the stage counts as
// not done. A manifest matches when its identity text (tool version, git sha, rank count,
// input identities, resolved configuration) equals this run's byte for byte; a stage is loaded
// only when its manifest matches and every rank's part passes its checks, otherwise every rank
// recomputes it and the reason is logged. Collective: every rank calls matches, load and save
// for the same stages in the same order.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/comm.hpp"
#include "pipeline/checkpoint/checkpoint_file.hpp"

namespace coordnet {

class CheckpointStore {
 public:
  // dir empty: checkpoints off (matches/load are false, save does nothing). resume false: no
  // stage is loaded, every stage is saved. identity: what a manifest must repeat to match.
  CheckpointStore(std::string dir, bool resume, std::string identity, const Comm& comm);

  bool enabled() const { return !dir_.empty(); }
  const std::string& dir() const { return dir_; }

  // Collective: whether the stage's manifest matches this run (logs why not, once per stage).
  bool matches(const std::string& stage);

  // Collective: reads this rank's part with read(CheckpointReader&). False on every rank when
  // the manifest does not match or any rank's part fails its checks.
  template <class Read>
  bool load(const std::string& stage, Read read) {
    if (!matches(stage)) return false;
    std::string error;
    try {
      CheckpointReader reader(part_path(stage), comm_.rank(), comm_.size(),
                              checksums_.at(stage).at(static_cast<std::size_t>(comm_.rank())));
      read(reader);
    } catch (const CorruptCheckpoint& e) {
      error = e.what();
    }
    return all_loaded(stage, error);
  }

  // Collective: writes this rank's part with write(CheckpointWriter&), then the manifest.
  template <class Write>
  void save(const std::string& stage, Write write) {
    if (!enabled()) return;
    begin_save(stage);
    std::string error;
    std::uint64_t checksum = 0;
    try {
      CheckpointWriter writer(part_path(stage), comm_.rank(), comm_.size());
      write(writer);
      checksum = writer.commit();
    } catch (const std::runtime_error& e) {
      error = e.what();
    }
    finish_save(stage, checksum, error);
  }

  // The part of this rank, DIR/STAGE.part-RANK-of-N.bin.
  std::string part_path(const std::string& stage) const;

 private:
  std::string manifest_path(const std::string& stage) const;
  bool all_loaded(const std::string& stage, const std::string& local_error);
  void begin_save(const std::string& stage);
  void finish_save(const std::string& stage, std::uint64_t checksum, const std::string& error);

  std::string dir_;
  bool resume_;
  std::string identity_;
  const Comm& comm_;
  std::map<std::string, bool> matches_;
  std::map<std::string, std::vector<std::uint64_t>> checksums_;
};

}  // namespace coordnet
