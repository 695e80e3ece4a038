// EventQueue<T>: events from the real-time thread back to JS (xruns, dropouts, device errors).
//
// An SpscRing of single items: the real-time side never waits, so when JS has not drained the
// queue a new event is dropped and counted rather than blocking or overwriting. JS learns how many
// it missed from droppedEvents().
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "spsc_ring.hpp"

namespace ringmix::rt {

template <class T>
class EventQueue {
 public:
  explicit EventQueue(std::size_t minCapacity) : ring_(minCapacity) {}

  // Real-time side: false (and counted) when full.
  bool tryPush(const T& event) noexcept { return ring_.push(&event, 1) == 1; }

  // JS side: false when empty.
  bool tryPop(T& out) noexcept { return ring_.pop(&out, 1) == 1; }

  std::uint64_t droppedEvents() const noexcept { return ring_.droppedItems(); }
  std::size_t capacity() const noexcept { return ring_.capacity(); }

 private:
  SpscRing<T> ring_;
};

}  // namespace ringmix::rt
