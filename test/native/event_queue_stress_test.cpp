// EventQueue across two threads: the real-time side never retries, so events are dropped while
// the JS side lags. Every event must be either received (once, in order) or counted as dropped,
// and droppedEvents() must equal exactly the number tryPush refused.
#include <doctest/doctest.h>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <thread>
#include <vector>

#include "rt/event_queue.hpp"
#include "stress_support.hpp"

using ringmix::rt::EventQueue;
using namespace ringmix::test;

namespace {
struct Event {
  std::uint64_t seq;
  std::uint32_t type;
};

void run(std::size_t capacity, std::uint64_t n, std::uint64_t seed) {
  CAPTURE(capacity);
  CAPTURE(n);
  EventQueue<Event> q(capacity);
  FailureLog log;
  std::vector<std::uint8_t> refused(n, 0);  // refused[seq] == 1: tryPush returned false
  std::vector<std::uint64_t> received;
  received.reserve(n);
  std::atomic<bool> pushedAll{false};

  std::thread rt([&] {
    Rng rng(seed);
    for (std::uint64_t seq = 0; seq < n && !log.failed(); ++seq) {
      if (!q.tryPush(Event{seq, static_cast<std::uint32_t>(seq & 3)})) refused[seq] = 1;
      if (rng.oneIn(32)) idle();
    }
    pushedAll.store(true, std::memory_order_release);
  });
  std::thread js([&] {
    Rng rng(seed + 1);
    Event e{};
    for (;;) {
      const bool finished = pushedAll.load(std::memory_order_acquire);
      if (q.tryPop(e)) {
        if (!received.empty() && e.seq <= received.back()) {
          log.fail("events out of order or duplicated");
          return;
        }
        if (!expectEq(log, "event type", e.type, e.seq & 3)) return;
        received.push_back(e.seq);
        // Bursty draining, so the queue regularly fills up and drops.
        if (rng.oneIn(16)) idle();
      } else if (finished) {
        break;
      } else {
        idle();
      }
    }
  });
  rt.join();
  js.join();

  INFO(log.message());
  REQUIRE_FALSE(log.failed());
  std::uint64_t refusedCount = 0;
  for (auto r : refused) refusedCount += r;
  CHECK(q.droppedEvents() == refusedCount);
  CHECK(received.size() + refusedCount == n);
  // Exactly the events that were not refused arrived: walk both in sequence order.
  std::size_t i = 0;
  std::uint64_t mismatches = 0;
  for (std::uint64_t seq = 0; seq < n; ++seq) {
    if (refused[seq]) continue;
    if (i >= received.size() || received[i] != seq) ++mismatches;
    else ++i;
  }
  CHECK(mismatches == 0);
  MESSAGE("capacity " << capacity << ": " << refusedCount << " of " << n << " events dropped");
}
}  // namespace

TEST_CASE("EventQueue stress capacity 4") { run(4, iterations(1'000'000), 1); }

TEST_CASE("EventQueue stress capacity 256") { run(256, iterations(2'000'000), 2); }
