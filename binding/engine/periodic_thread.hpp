// PeriodicThread: a thread that ticks on absolute deadlines t0 + n·period. Drives the virtual
// master clock and each virtual device's own clock.
//
// Absolute deadlines mean a late wake-up never shifts later ticks, so lateness never accumulates
// into drift. A tick that finds itself more than a period behind runs the missed ticks back to back
// (consumers keep receiving the right number of frames); past kMaxCatchUp periods behind, it gives
// up on those and restarts the schedule from now (counted in resyncs()).
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>

namespace ringmix::engine {

struct Tick {
  std::uint64_t index;     // 0, 1, 2, ... since start
  std::int64_t deadlineNs; // CLOCK_MONOTONIC time this tick was due
  std::int64_t nextNs;     // when the next tick is due: the tick's own deadline to finish by
  std::int64_t lateNs;     // wake-up lateness (>= 0)
};

class PeriodicThread {
 public:
  // Called on the thread for every tick; must follow the real-time rules.
  using TickFn = void (*)(void* context, const Tick& tick) noexcept;
  static constexpr std::uint64_t kMaxCatchUp = 16;

  PeriodicThread() = default;
  ~PeriodicThread() { stop(); }
  PeriodicThread(const PeriodicThread&) = delete;
  PeriodicThread& operator=(const PeriodicThread&) = delete;

  // Starts ticking every periodNs nanoseconds; asks for SCHED_FIFO at `priority` (0: don't ask).
  void start(long double periodNs, TickFn fn, void* context, int priority);
  // Returns after the thread has exited (at most about one period).
  void stop();

  bool running() const noexcept { return running_.load(std::memory_order_acquire); }
  // Whether the thread got SCHED_FIFO (false without the privilege: then it runs SCHED_OTHER).
  bool realtime() const noexcept { return realtime_.load(std::memory_order_acquire); }
  std::uint64_t resyncs() const noexcept { return resyncs_.load(std::memory_order_relaxed); }

  static std::int64_t nowNs() noexcept;

 private:
  void run(long double periodNs, TickFn fn, void* context, int priority);

  std::thread thread_;
  std::atomic<bool> running_{false};
  std::atomic<bool> stopRequested_{false};
  std::atomic<bool> realtime_{false};
  std::atomic<std::uint64_t> resyncs_{0};
};

}  // namespace ringmix::engine
