// The loop a clock thread runs: wake on absolute deadlines t0 + n·period and call the tick.
// Real-time code; its only blocking call is the sleep until the next deadline.
//
// Absolute deadlines mean a late wake-up never shifts later ticks, so lateness never accumulates
// into drift. A tick that wakes late runs the missed ticks back to back (consumers keep receiving
// the right number of frames). But when the work is slower than real time (more inputs than the
// machine can mix), catching up never succeeds, and a SCHED_FIFO thread that never sleeps starves
// every normal thread, the JS thread included. So the loop degrades instead: once it is more than
// kMaxCatchUp periods behind, or has run without sleeping for kMaxBusyNs (or kMaxBusyPeriods
// periods, if longer), it drops the backlog (the ticks it skips are reported to the next tick, to
// be counted as xruns) and rests before starting again. The busy time counts from when the thread
// got the CPU back: a wake-up the machine delayed is no work of ours. With long periods (1024
// frames at 48 kHz is 21 ms) a fixed 20 ms limit took a single late tick for overload: a host
// stall of 17 ms, then one cycle, cost two dropped periods in the soak test.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>

#include "platform/clock.hpp"
#include "platform/rt_scope.hpp"

namespace ringmix::engine {

struct Tick {
  std::uint64_t index;      // 0, 1, 2, ... since start
  std::int64_t deadlineNs;  // CLOCK_MONOTONIC time this tick was due
  std::int64_t nextNs;      // when the next tick is due: the tick's own deadline to finish by
  std::int64_t lateNs;      // wake-up lateness (>= 0)
  std::uint64_t skipped;    // ticks dropped just before this one (overload)
};

using TickFn = void (*)(void* context, const Tick& tick) noexcept;

struct TickLoopLimits {
  static constexpr std::uint64_t kMaxCatchUp = 16;
  static constexpr std::int64_t kMaxBusyNs = 20000000;  // 20 ms without sleeping: overloaded,
  static constexpr std::int64_t kMaxBusyPeriods = 4;     // or 4 periods, if that is longer
  static constexpr std::int64_t kMinRestNs = 5000000;   // then rest at least 5 ms (or a period)
};

// Runs until `stop` becomes non-zero (and wakeWaiters(stop) is called). The tick runs inside an
// RtScope: the test suite's guard counts what it does; the sleeping around it is the driver's.
inline void runTickLoop(const std::atomic<std::uint32_t>& stop, long double periodNs, TickFn fn,
                        void* context) noexcept {
  using L = TickLoopLimits;
  const auto period = static_cast<std::int64_t>(periodNs);
  const std::int64_t maxBusy = std::max(L::kMaxBusyNs, L::kMaxBusyPeriods * period);
  std::int64_t t0 = platform::nowNs() + period;
  std::int64_t lastRest = platform::nowNs();
  std::uint64_t n = 0;       // ticks since t0
  std::uint64_t index = 0;   // ticks since start (across restarts)
  std::uint64_t skipped = 0;
  auto deadline = [&](std::uint64_t k) { return t0 + static_cast<std::int64_t>(static_cast<long double>(k) * periodNs); };
  while (stop.load(std::memory_order_acquire) == 0) {
    const std::int64_t due = deadline(n);
    bool slept = false;
    if (platform::nowNs() < due) {
      platform::sleepUntilNsOrWoken(due, stop, 0);
      slept = true;
      if (stop.load(std::memory_order_acquire) != 0) break;
    }
    const std::int64_t now = platform::nowNs();
    if (slept) lastRest = now;
    const bool farBehind = now - due > static_cast<std::int64_t>(L::kMaxCatchUp) * period;
    if (farBehind || now - lastRest > maxBusy) {
      // Overloaded (or the machine stalled): drop the backlog, rest, restart the schedule.
      skipped += static_cast<std::uint64_t>((now - due) / period) + 1;
      t0 = now + std::max(period, std::min(L::kMinRestNs, (now - lastRest) / 4));
      n = 0;
      continue;
    }
    {
      platform::RtScope rt;
      fn(context, Tick{index, due, deadline(n + 1), now - due, skipped});
    }
    skipped = 0;
    ++n;
    ++index;
  }
}

}  // namespace ringmix::engine
