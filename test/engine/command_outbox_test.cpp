// CommandOutbox: a burst beyond the real-time queue waits on the JS side, in order, and moves in as
// the queue drains; past its bound, send() refuses (the engine turns that into ERR_QUEUE_FULL)
// rather than blocking or growing without end.
#include <doctest/doctest.h>

#include "engine/control/command_outbox.hpp"

using namespace ringmix;

TEST_SUITE("engine-cycle") {
  TEST_CASE("the outbox keeps order beyond the queue and refuses past its bound") {
    rt::CommandQueue<engine::Command> queue(4);
    const std::size_t capacity = queue.capacity();  // moodycamel may round up
    engine::CommandOutbox outbox(queue, 8);
    std::uint32_t sent = 0;
    while (outbox.send(engine::Command{engine::CommandType::RemoveInput, sent, nullptr})) ++sent;
    CHECK(sent == capacity + 8);
    CHECK(outbox.full());
    // Drain as the cycle would, a few at a time: everything arrives, in order.
    std::uint32_t next = 0;
    engine::Command c;
    while (next < sent) {
      for (int i = 0; i < 3 && queue.tryReceive(c); ++i) {
        REQUIRE(c.id == next);
        ++next;
      }
      outbox.flush();
    }
    CHECK(outbox.pending() == 0);
    CHECK(!outbox.full());
    CHECK(outbox.send(engine::Command{engine::CommandType::RemoveInput, 99, nullptr}));
  }
}
