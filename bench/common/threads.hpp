// Thread placement and waiting helpers for the native benchmarks.
#pragma once

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <pthread.h>
#include <sched.h>
#endif

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace ringmix::bench {

inline void cpuRelax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

// Spin briefly (the other side is usually on another core and answers within ~100 ns), then yield
// so that threads sharing a core (SpmcRing readers on a 2-core box) still make progress.
class Backoff {
 public:
  void wait() noexcept {
    if (++n_ < 64)
      cpuRelax();
    else
      std::this_thread::yield();
  }
  void reset() noexcept { n_ = 0; }

 private:
  unsigned n_ = 0;
};

// CPUs this process may run on (sched_getaffinity), in order; empty if unknown.
inline std::vector<int> allowedCpus() {
  std::vector<int> cpus;
#if defined(__linux__)
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0)
    for (int c = 0; c < CPU_SETSIZE; ++c)
      if (CPU_ISSET(c, &set)) cpus.push_back(c);
#endif
  return cpus;
}

// Pins the calling thread to one CPU. Returns false (and leaves the thread floating) when the CPU
// is negative or the call is unsupported/refused: placement is best effort, never an error.
inline bool pinSelf(int cpu) noexcept {
#if defined(__linux__)
  if (cpu < 0) return false;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  return pthread_setaffinity_np(pthread_self(), sizeof set, &set) == 0;
#else
  (void)cpu;
  return false;
#endif
}

// One-shot start line: every participant arrives, then all leave together, so that thread start-up
// is not part of a measurement. Yields while waiting (participants may share a core).
class StartLine {
 public:
  explicit StartLine(int participants) : expected_(participants) {}
  void arriveAndWait() noexcept {
    arrived_.fetch_add(1, std::memory_order_acq_rel);
    while (arrived_.load(std::memory_order_acquire) < expected_) std::this_thread::yield();
  }

 private:
  const int expected_;
  std::atomic<int> arrived_{0};
};

// Mean round trip of a cache line between two CPUs (ping-pong on one atomic), in ns. Everything a
// cross-thread queue does is bounded by this; on a VM it is not a constant: the host may move the
// vCPUs between cores that share a cache and cores that do not (seen: ~120 vs ~500 ns, switching
// within a second), so the benchmark records it next to every case. Both CPUs must differ: the
// two sides spin without yielding.
inline double coreToCoreRoundTripNs(int cpuA, int cpuB, long roundTrips) {
  struct alignas(128) Line {
    std::atomic<long> v{0};
  };
  Line line;
  std::atomic<int> ready{0};
  double ns = 0;
  std::thread echo([&] {
    pinSelf(cpuB);
    ready.fetch_add(1);
    for (long i = 1; i <= roundTrips; ++i) {
      while (line.v.load(std::memory_order_acquire) != 2 * i - 1) {
      }
      line.v.store(2 * i, std::memory_order_release);
    }
  });
  std::thread ping([&] {
    pinSelf(cpuA);
    ready.fetch_add(1);
    while (ready.load() < 2) std::this_thread::yield();
    const auto t0 = std::chrono::steady_clock::now();
    for (long i = 1; i <= roundTrips; ++i) {
      line.v.store(2 * i - 1, std::memory_order_release);
      while (line.v.load(std::memory_order_acquire) != 2 * i) {
      }
    }
    ns = std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - t0).count() /
         static_cast<double>(roundTrips);
  });
  ping.join();
  echo.join();
  return ns;
}

}  // namespace ringmix::bench
