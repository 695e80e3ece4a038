// The monotonic clock every timing in ringmix is measured on, and sleeping until a point on it.
// Both are safe on real-time threads: reading the clock is a memory read (Linux's vDSO, macOS's
// commpage, Windows's performance counter), and sleeping until a deadline is how a clock thread
// waits (its only blocking call, by design; on Windows a thread's first sleep also makes its timer).
// One implementation per system: clock_posix.cpp (Linux), clock_macos.cpp, clock_windows.cpp.
#pragma once

#include <atomic>
#include <cstdint>

namespace ringmix::platform {

// Nanoseconds on a clock that never jumps (CLOCK_MONOTONIC, mach_absolute_time,
// QueryPerformanceCounter); its zero is arbitrary.
std::int64_t nowNs() noexcept;
// CPU time of the calling thread in nanoseconds (what a consumer's work costs; on Windows counted
// at the scheduler's tick).
std::int64_t threadCpuNs() noexcept;
// Sleeps until nowNs() >= deadlineNs (returns at once when it has passed).
void sleepUntilNs(std::int64_t deadlineNs) noexcept;

// Like sleepUntilNs, but returns early once `word` no longer holds `expected` and wakeWaiters(word)
// has been called: how a clock thread sleeping for a long period (4096 frames at 8 kHz is half a
// second) is stopped at once. No lock: a futex on Linux, WaitOnAddress on Windows (woken within
// ~20 ms of the deadline only at it); macOS has no public address wait, so it polls the word
// every 2 ms and wakeWaiters does nothing there.
void sleepUntilNsOrWoken(std::int64_t deadlineNs, const std::atomic<std::uint32_t>& word,
                         std::uint32_t expected) noexcept;
void wakeWaiters(std::atomic<std::uint32_t>& word) noexcept;

}  // namespace ringmix::platform
