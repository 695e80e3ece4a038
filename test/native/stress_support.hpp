// Helpers shared by the multi-threaded stress tests: iteration scaling, a deterministic RNG, and a
// failure log that worker threads write to instead of calling doctest asserts in hot loops (which
// would be slow and would serialise the threads we are trying to race).
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>

// Sanitizer detection: GCC defines __SANITIZE_*__, Clang only answers __has_feature.
#if defined(__SANITIZE_THREAD__)
#define RINGMIX_TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define RINGMIX_TEST_TSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define RINGMIX_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RINGMIX_TEST_ASAN 1
#endif
#endif

namespace ringmix::test {

// Counts are divided by this in instrumented builds so the stress suite keeps its time budget.
// The tests are mostly bound by thread hand-offs rather than by instrumented code, so TSan costs
// less than its usual 5-15x here. Measured on a busy 2-core machine: ~10 s plain, ~30 s TSan.
#if defined(RINGMIX_TEST_TSAN)
inline constexpr double kSanitizerSlowdown = 1.5;
#elif defined(RINGMIX_TEST_ASAN)
inline constexpr double kSanitizerSlowdown = 3.0;
#else
inline constexpr double kSanitizerSlowdown = 1.0;
#endif

// RINGMIX_STRESS_SCALE=<factor> multiplies every iteration count (e.g. 20 for a soak run).
inline double envScale() {
  const char* s = std::getenv("RINGMIX_STRESS_SCALE");
  if (s == nullptr) return 1.0;
  const double v = std::strtod(s, nullptr);
  return v > 0.0 ? v : 1.0;
}

// `plain` is the count for an uninstrumented -O2 build.
inline std::uint64_t iterations(std::uint64_t plain) {
  const double n = static_cast<double>(plain) * envScale() / kSanitizerSlowdown;
  return n < 1.0 ? 1 : static_cast<std::uint64_t>(n);
}

// splitmix64: tiny, deterministic per seed, so a failing schedule's inputs are reproducible.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : s_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [lo, hi] (inclusive); the modulo bias is irrelevant here.
  std::size_t between(std::size_t lo, std::size_t hi) {
    return lo + static_cast<std::size_t>(next() % (hi - lo + 1));
  }
  bool oneIn(unsigned n) { return next() % n == 0; }

 private:
  std::uint64_t s_;
};

// First failure reported by any thread. failed() doubles as the abort flag every loop polls, so a
// failure in one thread cannot leave its partner spinning forever.
class FailureLog {
 public:
  bool failed() const noexcept { return failed_.load(std::memory_order_acquire); }
  void fail(const std::string& what) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (message_.empty()) message_ = what;
    failed_.store(true, std::memory_order_release);
  }
  std::string message() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return message_;
  }

 private:
  std::atomic<bool> failed_{false};
  mutable std::mutex mutex_;
  std::string message_;
};

// Records a mismatch with enough context to debug it; returns whether got == want.
inline bool expectEq(FailureLog& log, const char* what, std::uint64_t got, std::uint64_t want) {
  if (got == want) return true;
  log.fail(std::string(what) + ": got " + std::to_string(got) + ", want " + std::to_string(want));
  return false;
}

// Used whenever a thread made no progress: on a 2-core machine running 3-5 threads, spinning
// without yielding would starve the very thread we are waiting for.
inline void idle() { std::this_thread::yield(); }

}  // namespace ringmix::test
