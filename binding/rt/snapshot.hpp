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

#include <algorithm>
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

  // Writer (one thread only). With `bytes` < sizeof(T), only that prefix of the value is new: the
  // rest keeps what earlier publishes left (for a payload whose tail is used only up to a count
  // held in the prefix).
  void publish(const T& value, std::size_t bytes = sizeof(T)) noexcept {
    const std::size_t words = bytes >= sizeof(T) ? kWords : (bytes + 7) / 8;
    const auto* src = reinterpret_cast<const unsigned char*>(&value);
    const std::uint64_t s = seq_.load(std::memory_order_relaxed);
    seq_.store(s + 1, std::memory_order_relaxed);
    for (std::size_t i = 0; i < words; ++i) {
      std::uint64_t w = 0;
      std::memcpy(&w, src + 8 * i, std::min<std::size_t>(8, sizeof(T) - 8 * i));
      words_[i].store(w, std::memory_order_release);
    }
    used_.store(words, std::memory_order_release);
    seq_.store(s + 2, std::memory_order_release);
  }

  // One attempt: false if a publish overlapped (out is then unspecified). Copies the prefix the
  // last publish wrote; the rest of `out` is left as it was.
  bool tryRead(T& out) const noexcept {
    const std::uint64_t s1 = seq_.load(std::memory_order_acquire);
    if (s1 & 1) return false;
    const std::size_t words = std::min<std::size_t>(used_.load(std::memory_order_acquire), kWords);
    auto* dst = reinterpret_cast<unsigned char*>(&out);
    for (std::size_t i = 0; i < words; ++i) {
      const std::uint64_t w = words_[i].load(std::memory_order_acquire);
      std::memcpy(dst + 8 * i, &w, std::min<std::size_t>(8, sizeof(T) - 8 * i));
    }
    return seq_.load(std::memory_order_relaxed) == s1;
  }

  // Any thread but the writer: retries until it gets a consistent copy. The writer's critical
  // section is a few hundred nanoseconds, so this returns almost at once.
  T read() const noexcept {
    T out{};
    while (!tryRead(out)) {
    }
    return out;
  }

  // How many publishes have completed.
  std::uint64_t version() const noexcept { return seq_.load(std::memory_order_acquire) / 2; }

 private:
  alignas(kCacheLine) std::atomic<std::uint64_t> seq_{0};
  std::atomic<std::uint64_t> used_{kWords};  // words the last publish wrote
  std::atomic<std::uint64_t> words_[kWords];
};

}  // namespace ringmix::rt
