// The language and location of every account: the value that most of its actions carried over
// all ranks (ties: the smaller value), empty when none carried one. The (account, value, count)
// tallies of ingest are summed at the owner of each account, so the result does not depend on
// how the inputs were split. Collective: every rank calls merge_account_profile once, after
// register_accounts.
#pragma once

#include "core/comm.hpp"
#include "io/account_registry.hpp"
#include "io/ingest.hpp"

namespace coordnet {

// Fills accounts.table.language and accounts.table.location.
void merge_account_profile(const IngestResult& ingested, RegisteredAccounts& accounts,
                           const Comm& comm);

}  // namespace coordnet
