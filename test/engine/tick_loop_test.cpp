// The clock thread's loop (engine/realtime/clock/tick_loop.hpp) on real time: a tick that overruns
// its period once (a host stall in the middle of a cycle) is caught up, not dropped; work slower
// than real time is dropped and reported. The margins are tens of milliseconds: only a stall of
// the machine's longer than 60 ms could make the first case drop a tick.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>
#include <vector>

#include "engine/realtime/clock/tick_loop.hpp"

namespace {

struct Recorder {
  std::atomic<std::uint32_t> stop{0};
  std::vector<ringmix::engine::Tick> ticks;
  std::size_t want = 0;
  std::size_t slowTick = SIZE_MAX;  // this tick's work takes slowMs
  int slowMs = 0;
  int everyMs = 0;  // every tick's work takes this long

  static void onTick(void* self, const ringmix::engine::Tick& t) noexcept {
    auto* r = static_cast<Recorder*>(self);
    if (r->ticks.size() < r->want) r->ticks.push_back(t);  // reserved: never allocates
    const int ms = t.index == r->slowTick ? r->slowMs : r->everyMs;
    if (ms) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
    if (r->ticks.size() >= r->want) r->stop.store(1, std::memory_order_release);
  }
  void run(double periodMs) {
    ticks.reserve(want);
    ringmix::engine::runTickLoop(stop, periodMs * 1e6L, &Recorder::onTick, this);
  }
};

}  // namespace

TEST_SUITE("engine-cycle") {
  TEST_CASE("tick loop: one tick overrunning its 25 ms period by 10 ms is caught up, with no tick dropped") {
    // 35 ms without sleeping is past the old fixed 20 ms overload limit, well within four periods.
    Recorder r;
    r.want = 8;
    r.slowTick = 2;
    r.slowMs = 35;
    r.run(25.0);
    REQUIRE(r.ticks.size() == 8);
    for (std::size_t i = 0; i < r.ticks.size(); ++i) {
      CAPTURE(i);
      CHECK(r.ticks[i].index == i);
      CHECK(r.ticks[i].skipped == 0);
    }
    // The tick after the slow one ran late (~10 ms) rather than being skipped.
    CHECK(r.ticks[3].lateNs >= 5000000);
  }

  TEST_CASE("tick loop: work slower than real time is dropped and reported as skipped ticks") {
    Recorder r;
    r.want = 30;
    r.everyMs = 8;  // 8 ms of work every 5 ms period: it can never catch up
    r.run(5.0);
    std::uint64_t skipped = 0;
    for (const auto& t : r.ticks) skipped += t.skipped;
    CHECK(skipped > 0);
  }
}
