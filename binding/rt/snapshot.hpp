// Snapshot<T>: a seqlock holding the latest value of a trivially copyable struct (the metrics).
//
// One writer (the real-time thread) publishes; any number of threads read a consistent copy. The
// writer never waits; a reader retries if a publish overlapped its copy.
//
// Memory-ordering argument (see also ARCHITECTURE.md):
// - The payload is stored as 64-bit atomic words so that a reader racing the writer is not a data
//   race (ThreadSanitizer sees every access).
// - The writer makes the sequence odd (relaxed), stores the words with release, then makes the
//   sequence even again with release.
// - A reader loads the sequence (acquire), loads the words (acquire), then reloads the sequence. If
//   any word came from a newer publish, that word's release store carried the odd sequence store
//   with it, so the reload cannot return the first value: the reader retries. If both loads return
//   the same even value, every word belongs to that one publish.
// No standalone fences are needed: the per-word release/acquire pairs do their job, and on x86
// they are plain moves.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "cache_line.hpp"

namespace ringmix::rt {

template <class T>
class Snapshot {
  static_assert(std::is_trivially_copyable_v<T>, "Snapshot payloads are copied bytewise");
  static constexpr std::size_t kWords = (sizeof(T) + 7) / 8;

 public:
  Snapshot() noexcept {
    for (auto& w : words_) w.store(0, std::memory_order_relaxed);
  }
  explicit Snapshot(const T& initial) noexcept : Snapshot() { publish(initial); }

  Snapshot(const Snapshot&) = delete;
  Snapshot& operator=(const Snapshot&) = delete;

  // Writer (one thread only).
  void publish(const T& value) noexcept {
    std::uint64_t raw[kWords] = {};
    std::memcpy(raw, &value, sizeof(T));
    const std::uint64_t s = seq_.load(std::memory_order_relaxed);
    seq_.store(s + 1, std::memory_order_relaxed);
    for (std::size_t i = 0; i < kWords; ++i) words_[i].store(raw[i], std::memory_order_release);
    seq_.store(s + 2, std::memory_order_release);
  }

  // One attempt: false if a publish overlapped (out is then unspecified).
  bool tryRead(T& out) const noexcept {
    const std::uint64_t s1 = seq_.load(std::memory_order_acquire);
    if (s1 & 1) return false;
    std::uint64_t raw[kWords];
    for (std::size_t i = 0; i < kWords; ++i) raw[i] = words_[i].load(std::memory_order_acquire);
    if (seq_.load(std::memory_order_relaxed) != s1) return false;
    std::memcpy(&out, raw, sizeof(T));
    return true;
  }

  // Any thread but the writer: retries until it gets a consistent copy. The writer's critical
  // section is a few hundred nanoseconds, so this returns almost at once.
  T read() const noexcept {
    T out;
    while (!tryRead(out)) {
    }
    return out;
  }

  // How many publishes have completed.
  std::uint64_t version() const noexcept { return seq_.load(std::memory_order_acquire) / 2; }

 private:
  alignas(kCacheLine) std::atomic<std::uint64_t> seq_{0};
  std::atomic<std::uint64_t> words_[kWords];
};

}  // namespace ringmix::rt
