// Action: the one record type every input trace reduces to (DESIGN.md §2).
#pragma once

#include <cstdint>

#include "core/ids.hpp"

namespace coordnet {

// Action::flags
inline constexpr std::uint8_t kActionIsOriginal = 1;  // the post is the shared object itself
inline constexpr std::uint8_t kActionIsHalo = 2;      // copy of an action of the previous slice

struct Action {
  KeyHash key;           // the shared object of the layer, hashed with the layer as seed
  AccountIndex account;  // global dense index into /accounts
  TimeMs t_ms;
  ContentHash content;  // the post that carried the action
  Layer layer;
  std::uint8_t flags = 0;
  std::uint32_t slice = 0;  // time slice of a hot key (kernels/key_slicing.hpp), else 0
};

}  // namespace coordnet
