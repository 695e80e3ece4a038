// EventQueue, single-threaded: a full queue drops the new event and counts it, never overwriting
// the events JS has not read yet.
#include <doctest/doctest.h>

#include <cstdint>

#include "rt/event_queue.hpp"

using ringmix::rt::EventQueue;

namespace {
struct Event {
  std::uint16_t type;
  std::uint64_t seq;
};
}  // namespace

TEST_CASE("EventQueue rounds its capacity and starts empty") {
  EventQueue<Event> q(3);
  CHECK(q.capacity() == 4);
  CHECK(q.droppedEvents() == 0);
  Event e{};
  CHECK_FALSE(q.tryPop(e));
}

TEST_CASE("EventQueue drops and counts events when full, keeping the oldest") {
  EventQueue<Event> q(4);
  for (std::uint64_t i = 0; i < 4; ++i) CHECK(q.tryPush(Event{1, i}));
  for (std::uint64_t i = 4; i < 7; ++i) CHECK_FALSE(q.tryPush(Event{1, i}));
  CHECK(q.droppedEvents() == 3);

  Event e{};
  for (std::uint64_t i = 0; i < 4; ++i) {
    REQUIRE(q.tryPop(e));
    CHECK(e.seq == i);  // the queued events survived; the refused ones are simply gone
  }
  CHECK_FALSE(q.tryPop(e));

  // Room again; the drop count is cumulative and not reset by draining.
  CHECK(q.tryPush(Event{2, 100}));
  CHECK(q.droppedEvents() == 3);
  for (int i = 0; i < 3; ++i) CHECK(q.tryPush(Event{2, 101}));
  CHECK_FALSE(q.tryPush(Event{2, 102}));
  CHECK(q.droppedEvents() == 4);
  REQUIRE(q.tryPop(e));
  CHECK(e.type == 2);
  CHECK(e.seq == 100);
}

TEST_CASE("EventQueue FIFO order over many wraps") {
  EventQueue<Event> q(8);
  std::uint64_t pushed = 0, popped = 0;
  Event e{};
  for (int round = 0; round < 100; ++round) {
    for (int i = 0; i < 3 + round % 4; ++i) REQUIRE(q.tryPush(Event{0, pushed++}));
    while (q.tryPop(e)) CHECK(e.seq == popped++);
  }
  CHECK(popped == pushed);
  CHECK(q.droppedEvents() == 0);
}
