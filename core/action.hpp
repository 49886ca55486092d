// Action: the one record type every input trace reduces to (DESIGN.md §2).
#pragma once

#include "core/ids.hpp"

namespace coordnet {

struct Action {
  KeyHash key;           // the shared object of the layer, hashed with the layer as seed
  AccountIndex account;  // global dense index into /accounts
  TimeMs t_ms;
  ContentHash content;  // the post that carried the action
  Layer layer;
};

}  // namespace coordnet
