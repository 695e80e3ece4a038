// Shared constants and helpers for the lock-free primitives. No Node includes: everything in rt/
// is header-only and usable from plain C++ tests and benchmarks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>

namespace ringmix::rt {

// 128, not 64: x86's adjacent-line prefetcher pulls cache lines in pairs, and Apple/ARM big cores
// use 128-byte lines, so two hot atomics closer than this still false-share.
inline constexpr std::size_t kCacheLine = 128;

// Smallest power of two >= n (n >= 1). Throws on 0 or on sizes that cannot be represented, since
// it is only ever called from constructors, off the real-time path.
inline std::size_t roundUpPow2(std::size_t n) {
  if (n == 0) throw std::invalid_argument("ring capacity must be at least 1");
  if (n > (std::size_t{1} << (sizeof(std::size_t) * 8 - 2)))
    throw std::length_error("ring capacity too large");
  std::size_t c = 1;
  while (c < n) c <<= 1;
  return c;
}

}  // namespace ringmix::rt
