#include "periodic_thread.hpp"

#include <pthread.h>
#include <sched.h>
#include <time.h>

#include <cerrno>

#include "rt_hooks.hpp"

namespace ringmix::engine {

std::int64_t PeriodicThread::nowNs() noexcept {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

void PeriodicThread::start(long double periodNs, TickFn fn, void* context, int priority) {
  stop();
  stopRequested_.store(false, std::memory_order_relaxed);
  running_.store(true, std::memory_order_release);
  thread_ = std::thread([=, this] { run(periodNs, fn, context, priority); });
}

void PeriodicThread::stop() {
  stopRequested_.store(true, std::memory_order_release);
  if (thread_.joinable()) thread_.join();
  running_.store(false, std::memory_order_release);
}

static void sleepUntil(std::int64_t ns) noexcept {
  timespec ts{static_cast<time_t>(ns / 1000000000LL), static_cast<long>(ns % 1000000000LL)};
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
  }
}

void PeriodicThread::run(long double periodNs, TickFn fn, void* context, int priority) {
  if (priority > 0) {
    sched_param sp{};
    sp.sched_priority = priority;
    realtime_.store(pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp) == 0,
                    std::memory_order_release);
  }
  // From here on this is a real-time thread: the guard (under tests) counts what it does.
  RtScope rt;
  std::int64_t t0 = nowNs() + static_cast<std::int64_t>(periodNs);
  std::uint64_t n = 0;       // ticks since t0
  std::uint64_t index = 0;   // ticks since start (across resyncs)
  auto deadline = [&](std::uint64_t k) { return t0 + static_cast<std::int64_t>(k * periodNs); };
  while (!stopRequested_.load(std::memory_order_acquire)) {
    const std::int64_t due = deadline(n);
    sleepUntil(due);
    std::int64_t now = nowNs();
    if (now - due > static_cast<std::int64_t>(kMaxCatchUp * periodNs)) {
      // Hopelessly behind (the machine stalled): restart the schedule rather than burst.
      resyncs_.fetch_add(1, std::memory_order_relaxed);
      t0 = now;
      n = 0;
    }
    const std::int64_t d = deadline(n);
    fn(context, Tick{index, d, deadline(n + 1), now > d ? now - d : 0});
    ++n;
    ++index;
  }
}

}  // namespace ringmix::engine
