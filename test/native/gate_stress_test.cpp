// CallbackGate across threads: a "device thread" calls back as fast as it can, touching its
// context only between enter() and leave(); the control thread closes the gate, waits for idle()
// and frees the context, over and over. Under ThreadSanitizer (and ASan in the device tests) any
// access after the free is reported; in every build the context's canary must never be seen dead.
#include <doctest/doctest.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>

#include "rt/callback_gate.hpp"
#include "stress_support.hpp"

using ringmix::rt::CallbackGate;
using namespace ringmix::test;

namespace {
struct Context {
  std::uint64_t calls = 0;  // plain memory: only a callback inside the gate touches it
  std::uint64_t canary = 0xC0FFEE;
};
}  // namespace

TEST_CASE("CallbackGate: a context freed after close() + idle() is never touched again") {
  const int rounds = 300;
  for (int round = 0; round < rounds; ++round) {
    auto gate = std::make_unique<CallbackGate>();  // outlives the callbacks (the tombstone)
    auto* ctx = new Context();
    std::atomic<bool> stop{false};
    std::atomic<bool> sawDead{false};
    std::atomic<std::uint64_t> refused{0};
    std::thread device([&] {
      Rng rng(static_cast<std::uint64_t>(round) + 1);
      while (!stop.load(std::memory_order_acquire)) {
        if (gate->enter()) {
          if (ctx->canary != 0xC0FFEE) sawDead.store(true);
          ++ctx->calls;
          if (rng.oneIn(8)) idle();
          gate->leave();
        } else {
          refused.fetch_add(1, std::memory_order_relaxed);
        }
      }
    });
    if (round % 3) idle();
    gate->close();
    while (!gate->idle()) std::this_thread::yield();
    ctx->canary = 0;  // what freeing would do; then free it
    delete ctx;
    ctx = nullptr;
    // Keep calling back for a while after the free: every call must be refused.
    const std::uint64_t before = refused.load();
    while (refused.load() < before + 50) std::this_thread::yield();
    stop.store(true, std::memory_order_release);
    device.join();
    REQUIRE(!sawDead.load());
  }
}
