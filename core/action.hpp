// Action: the one record type every input trace reduces to (DESIGN.md §2).
#pragma once

#include <cstdint>

#include "core/ids.hpp"

namespace coordnet {

// Action::flags
inline constexpr std::uint8_t kActionIsOriginal = 1;  // the post is the shared object itself
inline constexpr std::uint8_t kActionIsHalo = 2;      // copy of an action of the previous slice

// The AccountIndex of an action, held in 32 bits (the registry refuses more than 2^32 accounts,
// as pairs and graphs hold 32-bit indexes), so that an action takes 32 bytes instead of 40: the
// projection copies, exchanges and sorts every action of a layer. It reads as an AccountIndex.
struct ActionAccount {
  std::uint32_t value = 0;

  ActionAccount() = default;
  explicit constexpr ActionAccount(AccountIndex a) : value(static_cast<std::uint32_t>(a.value)) {}
  constexpr ActionAccount& operator=(AccountIndex a) {
    value = static_cast<std::uint32_t>(a.value);
    return *this;
  }
  constexpr operator AccountIndex() const { return AccountIndex{value}; }
  friend constexpr auto operator<=>(const ActionAccount&, const ActionAccount&) = default;
};

// The most accounts an action can refer to.
inline constexpr std::uint64_t kMaxActionAccounts = std::uint64_t{1} << 32;

struct Action {
  KeyHash key;  // the shared object of the layer, hashed with the layer as seed
  TimeMs t_ms;
  ContentHash content;    // the post that carried the action
  ActionAccount account;  // global dense index into /accounts
  // Time slice of a hot key (kernels/key_slicing.hpp: at most kSliceBins = 2^16 of them), else 0.
  std::uint16_t slice = 0;
  Layer layer;
  std::uint8_t flags = 0;
};
static_assert(sizeof(Action) == 32);

// The action of `account` on `key` at t_ms through post `content`, in the order a reader names
// them (the fields are laid out for size).
constexpr Action make_action(KeyHash key, AccountIndex account, TimeMs t_ms, ContentHash content,
                             Layer layer, std::uint8_t flags = 0) {
  return {.key = key,
          .t_ms = t_ms,
          .content = content,
          .account = ActionAccount(account),
          .layer = layer,
          .flags = flags};
}

}  // namespace coordnet
