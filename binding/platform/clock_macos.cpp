// macOS: the Mach absolute clock, which is what CLOCK_MONOTONIC is on Linux here (it stops
// during sleep, never jumps). Reading it is a commpage read, sleeping until a point on it is
// mach_wait_until: both as safe on a real-time thread as their Linux counterparts.
#include <mach/mach_time.h>
#include <pthread.h>
#include <time.h>

#include <algorithm>

#include "platform/clock.hpp"

namespace ringmix::platform {

namespace {

// Ticks to nanoseconds is numer/denom (1/1 on Intel, 125/3 on Apple silicon). Read once, at load.
const mach_timebase_info_data_t kTimebase = [] {
  mach_timebase_info_data_t tb{};
  mach_timebase_info(&tb);
  return tb;
}();

// Split in quotient and remainder so that neither product can overflow 64 bits.
std::int64_t ticksToNs(std::uint64_t ticks) noexcept {
  return static_cast<std::int64_t>(ticks / kTimebase.denom * kTimebase.numer +
                                   ticks % kTimebase.denom * kTimebase.numer / kTimebase.denom);
}
std::uint64_t nsToTicks(std::int64_t ns) noexcept {
  const auto n = static_cast<std::uint64_t>(std::max<std::int64_t>(ns, 0));
  return n / kTimebase.numer * kTimebase.denom + n % kTimebase.numer * kTimebase.denom / kTimebase.numer;
}

// How often a sleeper polls its word: macOS's address wait (__ulock_wait) is private API, so a
// stop is seen within this much (a clock thread's stop, not a time-critical event).
constexpr std::int64_t kPollNs = 2'000'000;

}  // namespace

std::int64_t nowNs() noexcept { return ticksToNs(mach_absolute_time()); }

std::int64_t threadCpuNs() noexcept {
  // CLOCK_THREAD_CPUTIME_ID exists since macOS 10.12.
  return static_cast<std::int64_t>(clock_gettime_nsec_np(CLOCK_THREAD_CPUTIME_ID));
}

void sleepUntilNs(std::int64_t deadlineNs) noexcept {
  const std::uint64_t deadline = nsToTicks(deadlineNs);
  // mach_wait_until returns early only when interrupted (KERN_ABORTED): wait again.
  while (mach_absolute_time() < deadline) mach_wait_until(deadline);
}

void sleepUntilNsOrWoken(std::int64_t deadlineNs, const std::atomic<std::uint32_t>& word,
                         std::uint32_t expected) noexcept {
  while (word.load(std::memory_order_acquire) == expected) {
    const std::int64_t now = nowNs();
    if (now >= deadlineNs) return;
    sleepUntilNs(std::min(deadlineNs, now + kPollNs));
  }
}

// The sleepers poll: nothing to wake.
void wakeWaiters(std::atomic<std::uint32_t>&) noexcept {}

}  // namespace ringmix::platform
