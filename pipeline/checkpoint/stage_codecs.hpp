// What each stage of `coordnet run` saves in its checkpoint part, and how it is read back.
//
// Every rank writes its own slice: the accounts it owns, the actions and edges it holds, its
// part of the communities. Fields are written in a fixed order (vectors of trivially copyable
// records as raw bytes); the reader restores the same structures, so a loaded stage is
// indistinguishable from a computed one. Rank-local.
#pragma once

#include <vector>

#include "core/action.hpp"
#include "io/account_registry.hpp"
#include "io/ingest.hpp"
#include "kernels/community/leiden.hpp"
#include "pipeline/checkpoint/checkpoint_file.hpp"
#include "pipeline/project_stage.hpp"
#include "pipeline/raw_ingest.hpp"

namespace coordnet {

// The output of ingest + accounts: what later stages and the writer need (ingested keeps
// files, bad records and counts; its action vectors are released).
struct AccountsStage {
  IngestResult ingested;
  AccountTable table;
  std::vector<HandleRow> handles;
  std::vector<Action> actions;
};

// The actions come last: with_actions false skips them (the projection is loaded as well).
void save_accounts_stage(CheckpointWriter& w, const AccountsStage& stage);
void load_accounts_stage(CheckpointReader& r, AccountsStage& stage, bool with_actions);

// The parsed inputs before registration (nightly's day cache).
void save_raw_ingest(CheckpointWriter& w, const RawIngest& raw);
void load_raw_ingest(CheckpointReader& r, RawIngest& raw);

void save_projection(CheckpointWriter& w, const Projection& projection);
Projection load_projection(CheckpointReader& r);

void save_clusters(CheckpointWriter& w, const ClusterResult& clusters);
ClusterResult load_clusters(CheckpointReader& r);

}  // namespace coordnet
