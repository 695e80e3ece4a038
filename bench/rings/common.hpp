// bench_rings: what every part of the benchmark shares: sizes, the test pattern, thread placement,
// and the result of one run of one case.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <string>
#include <vector>

#include "common/stats.hpp"
#include "common/threads.hpp"

// Sanitizer builds (RINGMIX_SANITIZE) also build this benchmark: there it is a correctness run.
#if defined(__SANITIZE_THREAD__)
#define RINGMIX_BENCH_TSAN 1
#elif defined(__SANITIZE_ADDRESS__)
#define RINGMIX_BENCH_ASAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define RINGMIX_BENCH_TSAN 1
#elif __has_feature(address_sanitizer)
#define RINGMIX_BENCH_ASAN 1
#endif
#endif

namespace ringmix::bench::rings {

#if defined(RINGMIX_BENCH_TSAN)
inline constexpr const char* kSanitizer = "thread";
#elif defined(RINGMIX_BENCH_ASAN)
inline constexpr const char* kSanitizer = "address";
#else
inline constexpr const char* kSanitizer = nullptr;
#endif

inline constexpr std::size_t kChannels = 2;
inline constexpr std::size_t kRingFrames = 8192;
inline constexpr std::size_t kRingSamples = kRingFrames * kChannels;
// The producer sends pattern[p mod kPatternSamples] as sample number p. The period is a multiple of
// every chunk and larger than every queue, so a lost, repeated or reordered sample shows up as a
// value mismatch, and a lost whole period shows up in the final count.
inline constexpr std::size_t kPatternSamples = std::size_t{1} << 16;
inline constexpr std::size_t kChunkFrames[] = {64, 256, 1024};
inline constexpr std::size_t kChunkSizes = std::size(kChunkFrames);
inline constexpr std::size_t kSpmcChunkFrames = 256;
inline constexpr std::size_t kSpmcReadMaxSamples = 2048;

// The SPSC cases of one chunk size, in run order: SpscRing and boost's queue back to back, so the
// pair the main goal compares sees the same phase of the host.
enum SpscImpl : std::size_t { kSpscRing, kBoost, kMutex, kMoodycamel, kMemcpy, kSpscImpls };
inline constexpr const char* kSpscImplNames[kSpscImpls] = {
    "spsc_ring", "boost_spsc_queue_bulk", "mutex_deque", "moodycamel_rwq_per_element",
    "memcpy"};

struct Env {
  TickClock clock;
  int producerCpu = -1;
  int consumerCpu = -1;
  std::vector<float> pattern;
  std::atomic<int> pinFailures{0};
  std::atomic<int> pinAttempts{0};

  long rttRoundTrips = 0;
  std::vector<double> allRtt;
  // Cross-core latency right now (nothing when the threads are not pinned to two CPUs).
  void probeRtt(std::vector<double>& into) {
    if (producerCpu < 0 || consumerCpu < 0 || producerCpu == consumerCpu) return;
    const double ns = coreToCoreRoundTripNs(producerCpu, consumerCpu, rttRoundTrips);
    into.push_back(ns);
    allRtt.push_back(ns);
  }
  void pin(int cpu) {
    if (cpu < 0) return;
    pinAttempts.fetch_add(1, std::memory_order_relaxed);
    if (!pinSelf(cpu)) pinFailures.fetch_add(1, std::memory_order_relaxed);
  }
  // Compares `n` received samples with the sequence starting at sample number `pos`; returns the
  // index of the first mismatch or n.
  std::size_t verify(const float* got, std::size_t n, std::uint64_t pos) const {
    std::size_t done = 0;
    while (done < n) {
      const std::size_t off = static_cast<std::size_t>(pos & (kPatternSamples - 1));
      const std::size_t k = std::min(n - done, kPatternSamples - off);
      if (std::memcmp(got + done, pattern.data() + off, k * sizeof(float)) != 0) {
        for (std::size_t i = 0; i < k; ++i)
          if (std::memcmp(&got[done + i], &pattern[off + i], sizeof(float)) != 0) return done + i;
      }
      done += k;
      pos += k;
    }
    return n;
  }
  const float* source(std::uint64_t pos) const {
    return pattern.data() + static_cast<std::size_t>(pos & (kPatternSamples - 1));
  }
};

// Per-operation tick deltas are stored as 32 bits (1.7 s at 2.5 GHz; longer ones are clamped) to
// keep millions of samples per case cheap.
using Tick = std::uint32_t;
inline Tick tickDelta(std::uint64_t a, std::uint64_t b) {
  return static_cast<Tick>(std::min<std::uint64_t>(b - a, UINT32_MAX));
}

// One pass of one SPSC case (or the memcpy baseline).
struct RunResult {
  double seconds = 0;
  std::vector<Tick> opTicks;       // successful producer operations (timed pass only)
  std::vector<Tick> refusedTicks;  // attempts refused because the queue was full (first 2^20)
  std::uint64_t ops = 0, partialOps = 0, refused = 0, unrecorded = 0;
  std::uint64_t verifiedSamples = 0;
  bool ok = true;
  std::string error;
};

struct ReaderStats {
  std::uint64_t items = 0, lost = 0, reads = 0, emptyReads = 0, dropouts = 0, corrupt = 0;
  void add(const ReaderStats& o) {
    items += o.items; lost += o.lost; reads += o.reads;
    emptyReads += o.emptyReads; dropouts += o.dropouts; corrupt += o.corrupt;
  }
};

// One pass of one SpmcRing case.
struct SpmcResult {
  double seconds = 0;
  std::vector<Tick> opTicks;
  std::vector<ReaderStats> readers;
  bool hasStalled = false;
  std::uint64_t stalledLag = 0, stalledFirstItems = 0, stalledFirstLost = 0;
  bool ok = true;
  std::string error;
};

// spsc.cpp: one pass of `impl` moving `total` samples in chunks of `chunk` samples. Timed passes
// time every producer attempt; untimed ones only the whole transfer.
RunResult runSpsc(Env& env, SpscImpl impl, bool timed, std::size_t chunk, std::size_t total);
// spmc.cpp: one pass of the broadcast ring with `activeReaders` readers (+ a stalled one).
SpmcResult runSpmc(Env& env, bool timed, int activeReaders, bool stalledReader, std::size_t total);

}  // namespace ringmix::bench::rings
