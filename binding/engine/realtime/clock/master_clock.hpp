// The master clock's real-time entry points: a tick of the internal clock thread, or a buffer of
// the output device that drives the mix. Each takes the cycle's baton for the cycle it runs; one
// that finds it taken (the JS thread is draining a cycle it believed stopped) outputs silence and
// counts the cycle as skipped. Real-time code.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>

#include "devices/stream_buffers.hpp"
#include "engine/config.hpp"
#include "engine/realtime/mix/mix_cycle.hpp"
#include "engine/realtime/clock/tick_loop.hpp"
#include "platform/clock.hpp"

namespace ringmix::engine {

class MasterClock {
 public:
  MasterClock(MixCycle& cycle, const EngineConfig& config) noexcept : cycle_(cycle), config_(config) {}

  // Read by the JS thread.
  std::uint64_t underflows() const noexcept { return underflows_.load(std::memory_order_relaxed); }
  std::uint64_t clippedSamples() const noexcept { return clipped_.load(std::memory_order_relaxed); }
  // Control side, before a (re)start.
  void reset() noexcept { expectedNs_ = 0; }

  // TickFn of the internal clock (engine/realtime/clock/tick_loop.hpp).
  static void onTick(void* self, const Tick& tick) noexcept {
    auto* c = static_cast<MasterClock*>(self);
    rt::BatonScope baton(c->cycle_.baton());
    if (!baton) return;
    if (tick.skipped) c->cycle_.noteSkipped(tick.skipped);
    // A virtual clock's time is its schedule: the deadline, not the (jittery) wake-up.
    c->cycle_.run(c->config_.periodFrames, tick.deadlineNs, tick.lateNs);
    const std::int64_t end = platform::nowNs();
    if (end > tick.nextNs) c->cycle_.noteXrun(end - tick.nextNs);
  }

  // devices::StreamCallback of the output device driving the mix: runs as many cycles as its
  // buffer needs, writing the (clipped) mix into it.
  static void onBuffers(void* self, const devices::StreamBuffers& b) noexcept {
    static_cast<MasterClock*>(self)->deviceBuffers(b);
  }

 private:
  void deviceBuffers(const devices::StreamBuffers& b) noexcept {
    // Lateness of a device clock: how much later than the previous callback plus its buffer's
    // duration this one came (device callbacks are the clock, so this is their jitter).
    const std::int64_t now = platform::nowNs();
    std::int64_t late = expectedNs_ != 0 && now > expectedNs_ ? now - expectedNs_ : 0;
    expectedNs_ = now + static_cast<std::int64_t>(1e9 * static_cast<double>(b.frames) / config_.sampleRate);
    if (b.outputUnderflow) underflows_.store(underflows_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    float* out = b.out;
    const float* in = b.in;
    std::uint32_t frames = b.frames;
    rt::BatonScope baton(cycle_.baton());
    if (!baton) {
      if (out) std::memset(out, 0, static_cast<std::size_t>(frames) * b.outChannels * sizeof(float));
      return;
    }
    if (b.outputUnderflow) {
      cycle_.noteXrun(0);
      cycle_.noteClockBreak();
    }
    std::uint64_t clipped = 0;
    while (frames > 0 && out) {  // a device may ask for more than one period at once
      const std::uint32_t n = std::min(frames, kMaxPeriodFrames);
      clipped += cycle_.run(n, now + static_cast<std::int64_t>(1e9 * static_cast<double>(b.frames - frames) / config_.sampleRate),
                            late, out, in, b.inChannels);
      out += static_cast<std::size_t>(n) * b.outChannels;
      if (in) in += static_cast<std::size_t>(n) * b.inChannels;
      frames -= n;
      late = 0;
    }
    if (clipped) clipped_.store(clipped_.load(std::memory_order_relaxed) + clipped, std::memory_order_relaxed);
  }

  MixCycle& cycle_;
  const EngineConfig& config_;
  std::int64_t expectedNs_ = 0;
  std::atomic<std::uint64_t> underflows_{0};
  std::atomic<std::uint64_t> clipped_{0};
};

}  // namespace ringmix::engine
