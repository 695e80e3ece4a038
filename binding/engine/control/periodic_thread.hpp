// PeriodicThread: a thread that runs engine/realtime/clock/tick_loop.hpp's loop: the master clock and the
// virtual devices' host. Control side: starting, re-prioritising and stopping the thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>

#include "engine/realtime/clock/tick_loop.hpp"

namespace ringmix::engine {

class PeriodicThread {
 public:
  PeriodicThread() = default;
  ~PeriodicThread() { stop(); }
  PeriodicThread(const PeriodicThread&) = delete;
  PeriodicThread& operator=(const PeriodicThread&) = delete;

  // Starts ticking every periodNs nanoseconds; asks for SCHED_FIFO at `priority` (0: normal class).
  void start(long double periodNs, TickFn fn, void* context, int priority);
  // Returns once the thread has exited: at most one tick's work after the call (a sleeping
  // thread is woken), whatever the period.
  void stop();
  // Changes the running thread's priority (0: normal class). Returns whether it took.
  bool setPriority(int priority);

  bool running() const noexcept { return thread_.joinable(); }
  // Whether the thread got the real-time class it asked for.
  bool realtime() const noexcept { return realtime_.load(std::memory_order_acquire); }

 private:
  std::thread thread_;
  std::atomic<std::uint32_t> stop_{0};
  std::atomic<bool> realtime_{false};
};

}  // namespace ringmix::engine
