// CommandQueue, single-threaded: pre-sized capacity is honoured, a full queue refuses instead of
// growing (growing would allocate on the JS side while the audio thread reads), and order is FIFO.
#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>

#include "rt/command_queue.hpp"

using ringmix::rt::CommandQueue;

namespace {
struct Command {
  std::uint32_t kind;
  std::uint64_t seq;
  void* payload;  // objects travel as raw pointers (see command_queue.hpp)
};
}  // namespace

TEST_CASE("CommandQueue holds at least the requested capacity and then refuses without growing") {
  for (std::size_t asked : {1u, 2u, 10u, 15u, 16u, 100u, 511u, 1000u, 1024u, 5000u}) {
    CAPTURE(asked);
    CommandQueue<Command> q(asked);
    const std::size_t cap = q.capacity();
    CHECK(cap >= asked);

    std::uint64_t sent = 0;
    while (q.trySend(Command{1, sent, nullptr})) {
      ++sent;
      REQUIRE(sent <= cap);  // guard: a growing queue would otherwise loop for a long time
    }
    CHECK(sent == cap);  // exactly the pre-allocated room, from empty
    CHECK_FALSE(q.trySend(Command{1, sent, nullptr}));
    CHECK(q.capacity() == cap);  // the failed sends did not allocate a new block
    CHECK(q.sizeApprox() == sent);

    Command c{};
    for (std::uint64_t i = 0; i < sent; ++i) {
      REQUIRE(q.tryReceive(c));
      CHECK(c.seq == i);
    }
    CHECK_FALSE(q.tryReceive(c));
    CHECK(q.sizeApprox() == 0);

    // Refill after draining: the requested capacity is available again.
    std::uint64_t again = 0;
    while (q.trySend(Command{2, again, nullptr})) ++again;
    CHECK(again >= asked);
    CHECK(q.capacity() == cap);
  }
}

TEST_CASE("CommandQueue is FIFO across interleaved sends and receives") {
  CommandQueue<Command> q(8);
  int token = 0;
  Command c{};
  CHECK_FALSE(q.tryReceive(c));
  std::uint64_t nextSend = 0, nextRecv = 0;
  // Interleave uneven bursts so the internal indices wrap several times.
  for (int round = 0; round < 40; ++round) {
    for (int i = 0; i < 1 + round % 5; ++i) REQUIRE(q.trySend(Command{7, nextSend++, &token}));
    for (int i = 0; i < 1 + (round + 2) % 5 && q.tryReceive(c); ++i) {
      CHECK(c.seq == nextRecv++);
      CHECK(c.kind == 7);
      CHECK(c.payload == &token);
    }
  }
  while (q.tryReceive(c)) CHECK(c.seq == nextRecv++);
  CHECK(nextRecv == nextSend);
}
