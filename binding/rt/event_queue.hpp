// EventQueue<T>: events from the real-time thread back to JS (xruns, dropouts, device errors).
//
// An SpscRing of single items: the real-time side never waits, so when JS has not drained the
// queue a new event is dropped and counted rather than blocking or overwriting. JS learns how many
// it missed from droppedEvents(). The queue holds both of its ring's handles; which thread calls
// which side is up to its user (tryPush: real-time, tryPop: JS).
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "spsc_ring.hpp"

namespace ringmix::rt {

template <class T>
class EventQueue {
 public:
  explicit EventQueue(std::size_t minCapacity)
      : ring_(minCapacity), producer_(ring_.producer()), consumer_(ring_.consumer()) {}

  EventQueue(const EventQueue&) = delete;  // the handles point into ring_
  EventQueue& operator=(const EventQueue&) = delete;

  // Real-time side: false (and counted) when full.
  bool tryPush(const T& event) noexcept { return producer_.push(&event, 1) == 1; }

  // JS side: false when empty.
  bool tryPop(T& out) noexcept { return consumer_.pop(&out, 1) == 1; }

  std::uint64_t droppedEvents() const noexcept { return ring_.droppedItems(); }
  std::size_t capacity() const noexcept { return ring_.capacity(); }

 private:
  SpscRing<T> ring_;  // first: the handles below are taken from it
  typename SpscRing<T>::Producer producer_;
  typename SpscRing<T>::Consumer consumer_;
};

}  // namespace ringmix::rt
