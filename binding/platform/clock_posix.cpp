#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

#include "clock.hpp"

namespace ringmix::platform {

namespace {
timespec toTimespec(std::int64_t ns) noexcept {
  return timespec{static_cast<time_t>(ns / 1000000000LL), static_cast<long>(ns % 1000000000LL)};
}
// std::atomic<std::uint32_t> is a plain 32-bit word with the same address: what a futex needs.
std::uint32_t* futexWord(const std::atomic<std::uint32_t>& word) noexcept {
  static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t));
  return reinterpret_cast<std::uint32_t*>(const_cast<std::atomic<std::uint32_t>*>(&word));
}
}  // namespace

std::int64_t nowNs() noexcept {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

std::int64_t threadCpuNs() noexcept {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1000000000LL + ts.tv_nsec;
}

void sleepUntilNs(std::int64_t deadlineNs) noexcept {
  const timespec ts = toTimespec(deadlineNs);
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) == EINTR) {
  }
}

void sleepUntilNsOrWoken(std::int64_t deadlineNs, const std::atomic<std::uint32_t>& word,
                         std::uint32_t expected) noexcept {
  const timespec ts = toTimespec(deadlineNs);
  // FUTEX_WAIT_BITSET takes an absolute CLOCK_MONOTONIC deadline. It returns at the deadline
  // (ETIMEDOUT), when woken, at once if the word already changed (EAGAIN), or on a signal (EINTR:
  // wait again).
  while (word.load(std::memory_order_acquire) == expected && nowNs() < deadlineNs) {
    const long r = syscall(SYS_futex, futexWord(word), FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, expected, &ts,
                           nullptr, FUTEX_BITSET_MATCH_ANY);
    if (r != 0 && errno != EINTR) break;
  }
}

void wakeWaiters(std::atomic<std::uint32_t>& word) noexcept {
  syscall(SYS_futex, futexWord(word), FUTEX_WAKE | FUTEX_PRIVATE_FLAG, INT_MAX, nullptr, nullptr, 0);
}

}  // namespace ringmix::platform
