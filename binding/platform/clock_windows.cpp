// Windows: QueryPerformanceCounter (a user-mode counter read, safe on a real-time thread), and
// sleeping on a high-resolution waitable timer, whose deadline is relative: we recompute what is
// left from the counter after every wait, so the deadline stays absolute on our clock.
#include "platform/windows.hpp"

#include <algorithm>

#include "platform/clock.hpp"

// Windows 10 1803's flag; older SDKs and MinGW headers lack the name, the value is fixed.
#ifndef CREATE_WAITABLE_TIMER_HIGH_RESOLUTION
#define CREATE_WAITABLE_TIMER_HIGH_RESOLUTION 0x00000002
#endif

namespace ringmix::platform {

namespace {

// Counts per second; fixed at boot. Read once, at load.
const std::int64_t kFrequency = [] {
  LARGE_INTEGER f;
  QueryPerformanceFrequency(&f);
  return static_cast<std::int64_t>(f.QuadPart);
}();

// One timer per sleeping thread, made on its first sleep (the one allocation a clock thread makes;
// a kernel object, not heap memory) and kept for the thread's life. Without high-resolution
// timers (before Windows 10 1803) an ordinary one: its waits round up to the system tick.
struct ThreadTimer {
  HANDLE handle = CreateWaitableTimerExW(nullptr, nullptr, CREATE_WAITABLE_TIMER_HIGH_RESOLUTION, TIMER_ALL_ACCESS);
  ThreadTimer() {
    if (handle == nullptr) handle = CreateWaitableTimerExW(nullptr, nullptr, 0, TIMER_ALL_ACCESS);
  }
  ~ThreadTimer() {
    if (handle != nullptr) CloseHandle(handle);
  }
};

void sleepNs(std::int64_t ns) noexcept {
  thread_local ThreadTimer timer;
  if (timer.handle == nullptr) {
    Sleep(static_cast<DWORD>((ns + 999'999) / 1'000'000));
    return;
  }
  LARGE_INTEGER due;
  due.QuadPart = -std::max<std::int64_t>((ns + 99) / 100, 1);  // negative: relative, in 100 ns units
  if (SetWaitableTimer(timer.handle, &due, 0, nullptr, nullptr, FALSE)) WaitForSingleObject(timer.handle, INFINITE);
}

// WaitOnAddress's timeout is in milliseconds and rounds up to the system tick (up to 15.6 ms):
// it waits for what is left but this margin, and the timer sleeps the rest precisely.
constexpr std::int64_t kAddressWaitMarginNs = 20'000'000;

}  // namespace

std::int64_t nowNs() noexcept {
  LARGE_INTEGER c;
  QueryPerformanceCounter(&c);
  // Quotient and remainder apart, so that the product cannot overflow 64 bits.
  const std::int64_t ticks = c.QuadPart;
  return ticks / kFrequency * 1'000'000'000LL + ticks % kFrequency * 1'000'000'000LL / kFrequency;
}

std::int64_t threadCpuNs() noexcept {
  // Kernel plus user time, in 100 ns units (updated at the scheduler's tick: coarse, but what a
  // consumer's cost over a second needs).
  FILETIME created, exited, kernel, user;
  if (!GetThreadTimes(GetCurrentThread(), &created, &exited, &kernel, &user)) return 0;
  const auto value = [](const FILETIME& t) {
    return static_cast<std::int64_t>((static_cast<std::uint64_t>(t.dwHighDateTime) << 32) | t.dwLowDateTime);
  };
  return (value(kernel) + value(user)) * 100;
}

void sleepUntilNs(std::int64_t deadlineNs) noexcept {
  for (std::int64_t now = nowNs(); now < deadlineNs; now = nowNs()) sleepNs(deadlineNs - now);
}

void sleepUntilNsOrWoken(std::int64_t deadlineNs, const std::atomic<std::uint32_t>& word,
                         std::uint32_t expected) noexcept {
  static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t));
  while (word.load(std::memory_order_acquire) == expected) {
    const std::int64_t left = deadlineNs - nowNs();
    if (left <= 0) return;
    if (left <= kAddressWaitMarginNs) {
      sleepUntilNs(deadlineNs);  // the last stretch: a stop waits for it, at most the margin
      return;
    }
    // Returns when woken, at once if the word already differs, or at the timeout; spurious
    // returns are possible, hence the loop.
    const auto timeoutMs = static_cast<DWORD>((left - kAddressWaitMarginNs) / 1'000'000);
    WaitOnAddress(const_cast<std::atomic<std::uint32_t>*>(&word), &expected, sizeof(expected), timeoutMs);
  }
}

void wakeWaiters(std::atomic<std::uint32_t>& word) noexcept { WakeByAddressAll(&word); }

}  // namespace ringmix::platform
