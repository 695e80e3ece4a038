// CommandQueue across two threads: the sender retries while the queue is full (as the JS side
// would), so every command must arrive exactly once and in order, and the queue must never grow.
#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <thread>

#include "rt/command_queue.hpp"
#include "stress_support.hpp"

using ringmix::rt::CommandQueue;
using namespace ringmix::test;

namespace {
struct Command {
  std::uint64_t seq;
  std::uint64_t check;  // derived from seq: a half-copied command would not match
  std::uint32_t kind;
};
std::uint64_t checkOf(std::uint64_t seq) { return ~seq * 0x9E3779B97F4A7C15ull; }

void run(std::size_t requested, std::uint64_t n, std::uint64_t seed) {
  CAPTURE(requested);
  CAPTURE(n);
  CommandQueue<Command> q(requested);
  const std::size_t cap = q.capacity();
  FailureLog log;
  std::uint64_t fullRetries = 0;

  std::thread sender([&] {
    Rng rng(seed);
    for (std::uint64_t seq = 0; seq < n && !log.failed(); ++seq) {
      const Command c{seq, checkOf(seq), static_cast<std::uint32_t>(seq % 7)};
      while (!q.trySend(c)) {
        if (log.failed()) return;
        ++fullRetries;
        idle();
      }
      if (rng.oneIn(64)) idle();  // vary the fill level: sometimes empty, sometimes full
    }
  });
  std::thread receiver([&] {
    Rng rng(seed + 1);
    std::uint64_t next = 0;
    Command c{};
    while (next < n && !log.failed()) {
      if (!q.tryReceive(c)) {
        idle();
        continue;
      }
      if (!expectEq(log, "command seq", c.seq, next) ||
          !expectEq(log, "command check", c.check, checkOf(next)) ||
          !expectEq(log, "command kind", c.kind, next % 7))
        return;
      ++next;
      if (q.sizeApprox() > cap) log.fail("sizeApprox exceeds capacity");
      if (rng.oneIn(256)) idle();
    }
  });
  sender.join();
  receiver.join();

  INFO(log.message());
  REQUIRE_FALSE(log.failed());
  Command extra{};
  CHECK_FALSE(q.tryReceive(extra));  // nothing duplicated at the end
  CHECK(q.capacity() == cap);        // never grew, however often it was full
  MESSAGE("capacity " << cap << ": sender found the queue full " << fullRetries << " times");
}
}  // namespace

TEST_CASE("CommandQueue stress capacity 1") { run(1, iterations(200'000), 1); }

TEST_CASE("CommandQueue stress capacity 16") { run(16, iterations(2'000'000), 2); }

TEST_CASE("CommandQueue stress multi-block capacity 2000") { run(2000, iterations(2'000'000), 3); }
