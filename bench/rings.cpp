// bench_rings: throughput and per-operation producer cost of ringmix's lock-free rings.
//
//   bench_rings            full run (~1 min at most on a 2-core box)
//   bench_rings --quick    smoke run (< 5 s), for CI
//   bench_rings --reps N   override the repetition count (default 10, quick 2)
//
// Prints exactly one JSON document on stdout; progress goes to stderr. Missing a performance target
// is reported in the JSON, never an error: the exit status is non-zero only if data was lost,
// duplicated or corrupted (or the arguments were wrong).
//
// What is measured
// - SPSC, stereo float chunks of 64/256/1024 frames, producer and consumer threads pinned to two
//   different CPUs when possible: SpscRing<float>, the old std::mutex + std::deque<float> queue,
//   moodycamel::ReaderWriterQueue<float> one sample at a time, and a one-thread memcpy of the same
//   bytes (upper bound). Every case runs twice per repetition:
//     * an untimed pass for throughput (per-operation clock reads would otherwise add ~10-20 ns to
//       every 64-frame push and distort the small-chunk numbers),
//     * a timed pass where every producer attempt is timed on its own. Attempts refused because the
//       queue was full are counted separately, and the spin/yield between attempts is never timed:
//       the metric is the cost of a producer operation, not the time spent waiting for room.
//   The consumer checks every sample against the sequence the producer sent (value and position)
//   and the total count, and checks nothing is left over afterwards.
// - SpmcRing<float> (lossy broadcast), 256-frame stereo writes by a producer running flat out, with
//   0, 1, 4, 8 readers reading continuously, and 1 reader + 1 stalled reader (created, never read).
//   The producer gets its own CPU; all readers are pinned to the other one and time-share it, which
//   is what a real-time audio thread with its own core would see. Readers verify what they get.
// - Many short repetitions, interleaved (rep 1 of every case, then rep 2, ...), so that bursts of
//   noise and slow phases of the host hit all cases alike. Throughput is reported as best and
//   median over repetitions; ratios use the best (noise from other processes only ever slows a
//   run down, so the best run of each queue is the fairest pair to compare). Latency percentiles
//   pool the timed operations of all repetitions. A repetition is only started if the previous
//   one suggests it fits in the time budget (55 s full, 5 s quick), so a busy machine costs
//   repetitions, not time.
// - Context recorded with the results, because on a small VM it decides the numbers: other
//   processes' CPU share during each case, the core-to-core round trip measured just before each
//   repetition of each case (the host moves the vCPUs; everything cross-core follows it), and the
//   machine's own interruption tail for an operation as long as the measured one (a timed spin).
//   The SpmcRing targets compare cases run back to back (median of per-repetition ratios).

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "common/stats.hpp"
#include "common/sysload.hpp"
#include "common/threads.hpp"
#include "rings/baselines.hpp"
#include "rt/spmc_ring.hpp"
#include "rt/spsc_ring.hpp"

#ifndef RINGMIX_BENCH_BUILD_TYPE
#define RINGMIX_BENCH_BUILD_TYPE "unknown"
#endif
#ifndef RINGMIX_BENCH_COMPILER
#define RINGMIX_BENCH_COMPILER "unknown"
#endif
#ifndef RINGMIX_BENCH_CXX_FLAGS
#define RINGMIX_BENCH_CXX_FLAGS "unknown"
#endif

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
#if defined(RINGMIX_BENCH_TSAN)
constexpr const char* kSanitizer = "thread";
#elif defined(RINGMIX_BENCH_ASAN)
constexpr const char* kSanitizer = "address";
#else
constexpr const char* kSanitizer = nullptr;
#endif

namespace {

using namespace ringmix;
using bench::Json;
using SteadyClock = std::chrono::steady_clock;

constexpr std::size_t kChannels = 2;
constexpr std::size_t kRingFrames = 8192;
constexpr std::size_t kRingSamples = kRingFrames * kChannels;
// The producer sends pattern[p mod kPatternSamples] as sample number p. The period is a multiple of
// every chunk and larger than every queue, so a lost, repeated or reordered sample shows up as a
// value mismatch, and a lost whole period shows up in the final count.
constexpr std::size_t kPatternSamples = std::size_t{1} << 16;
constexpr std::size_t kSpmcChunkFrames = 256;
constexpr std::size_t kSpmcReadMaxSamples = 2048;
// A consumer that sees no data for this long while the producer has finished declares data lost.
constexpr auto kStallTimeout = std::chrono::seconds(10);

struct Env {
  bench::TickClock clock;
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
    const double ns = bench::coreToCoreRoundTripNs(producerCpu, consumerCpu, rttRoundTrips);
    into.push_back(ns);
    allRtt.push_back(ns);
  }
  void pin(int cpu) {
    if (cpu < 0) return;
    pinAttempts.fetch_add(1, std::memory_order_relaxed);
    if (!bench::pinSelf(cpu)) pinFailures.fetch_add(1, std::memory_order_relaxed);
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
constexpr std::size_t kMaxRefusedSamples = std::size_t{1} << 20;

struct RunResult {
  double seconds = 0;
  std::vector<Tick> opTicks;       // successful producer operations (timed pass only)
  std::vector<Tick> refusedTicks;  // attempts refused because the queue was full (first 2^20)
  std::uint64_t ops = 0, partialOps = 0, refused = 0, unrecorded = 0;
  std::uint64_t verifiedSamples = 0;
  bool ok = true;
  std::string error;
};

// ---- SPSC ---------------------------------------------------------------------------------------

template <bool Timed, class Q>
RunResult runSpsc(Env& env, std::size_t chunk, std::size_t total) {
  RunResult res;
  auto q = std::make_unique<Q>(kRingSamples);
  if constexpr (Timed) {
    // Partial operations (moodycamel) can make more operations than chunks; the vectors are sized
    // (and touched) up front so recording never allocates or page-faults on the producer thread.
    res.opTicks.resize((Q::kPartialPush ? 4 : 1) * (total / chunk) + 1024);
    res.refusedTicks.resize(std::min(res.opTicks.size(), kMaxRefusedSamples));
  }
  std::atomic<bool> producerDone{false}, abort{false};
  bench::StartLine start(2);
  SteadyClock::time_point t0, t1;
  std::string consumerError;
  std::uint64_t received = 0;

  std::thread producer([&] {
    env.pin(env.producerCpu);
    start.arriveAndWait();
    t0 = SteadyClock::now();
    std::uint64_t sent = 0;
    std::size_t inChunk = 0;  // samples of the current chunk already accepted (partial ops)
    std::size_t nOps = 0, nRefused = 0;
    bench::Backoff backoff;
    while (sent < total) {
      const std::size_t want = chunk - inChunk;
      const float* src = env.source(sent);
      std::size_t n;
      if constexpr (Timed) {
        const std::uint64_t a = bench::TickClock::start();
        n = q->tryPush(src, want);
        const std::uint64_t b = bench::TickClock::stop();
        if (n) {
          if (nOps < res.opTicks.size()) res.opTicks[nOps] = tickDelta(a, b); else ++res.unrecorded;
          ++nOps;
        } else {
          if (nRefused < res.refusedTicks.size()) res.refusedTicks[nRefused] = tickDelta(a, b);
          ++nRefused;
        }
      } else {
        n = q->tryPush(src, want);
        if (n) ++nOps; else ++nRefused;
      }
      if (n) {
        if (n < want) ++res.partialOps;
        sent += n;
        inChunk = (inChunk + n) % chunk;
        backoff.reset();
      } else {
        if (abort.load(std::memory_order_relaxed)) break;
        backoff.wait();
      }
    }
    res.ops = nOps;
    res.refused = nRefused;
    if constexpr (Timed) {
      res.opTicks.resize(std::min(nOps, res.opTicks.size()));
      res.refusedTicks.resize(std::min(nRefused, res.refusedTicks.size()));
    }
    producerDone.store(true, std::memory_order_release);
  });

  std::thread consumer([&] {
    env.pin(env.consumerCpu);
    std::vector<float> buf(chunk);
    start.arriveAndWait();
    std::uint64_t got = 0;
    bench::Backoff backoff;
    auto lastProgress = SteadyClock::now();
    unsigned idle = 0;
    while (got < total) {
      const std::size_t n = q->tryPop(buf.data(), chunk);
      if (n == 0) {
        if (idle++ == 0) lastProgress = SteadyClock::now();  // start of an idle stretch
        backoff.wait();
        if ((idle & 1023) == 0 && producerDone.load(std::memory_order_acquire) &&
            SteadyClock::now() - lastProgress > kStallTimeout) {
          consumerError = "lost data: producer finished, consumer has " + std::to_string(got) +
                          " of " + std::to_string(total) + " samples";
          break;
        }
        continue;
      }
      backoff.reset();
      idle = 0;
      const std::size_t bad = env.verify(buf.data(), n, got);
      if (bad != n) {
        consumerError = "wrong sample at position " + std::to_string(got + bad) + ": got " +
                        std::to_string(buf[bad]) + ", expected " +
                        std::to_string(*env.source(got + bad)) +
                        " (lost, duplicated or reordered data)";
        break;
      }
      got += n;
    }
    t1 = SteadyClock::now();
    if (consumerError.empty()) {
      // Everything arrived and the producer has finished, so anything still queued is extra.
      while (!producerDone.load(std::memory_order_acquire)) std::this_thread::yield();
      const std::size_t extra = q->tryPop(buf.data(), chunk);
      if (extra)
        consumerError =
            "duplicated data: " + std::to_string(extra) + "+ samples after the last one";
    }
    if (!consumerError.empty()) abort.store(true, std::memory_order_relaxed);
    received = got;
  });

  producer.join();
  consumer.join();
  res.seconds = std::chrono::duration<double>(t1 - t0).count();
  res.verifiedSamples = received;
  if (!consumerError.empty()) {
    res.ok = false;
    res.error = consumerError;
  }
  return res;
}

// One thread copying the same chunks into a ring-sized buffer: what moving the bytes costs with
// no synchronisation at all.
template <bool Timed>
RunResult runMemcpy(Env& env, std::size_t chunk, std::size_t total) {
  RunResult res;
  std::vector<float> dst(kRingSamples);
  if constexpr (Timed) res.opTicks.resize(total / chunk);
  std::thread t([&] {
    env.pin(env.producerCpu);
    const auto t0 = SteadyClock::now();
    std::size_t i = 0;
    for (std::uint64_t sent = 0; sent < total; sent += chunk, ++i) {
      float* d = dst.data() + static_cast<std::size_t>(sent & (kRingSamples - 1));
      const float* s = env.source(sent);
      if constexpr (Timed) {
        const std::uint64_t a = bench::TickClock::start();
        std::memcpy(d, s, chunk * sizeof(float));
        bench::doNotOptimize(d);
        const std::uint64_t b = bench::TickClock::stop();
        res.opTicks[i] = tickDelta(a, b);
      } else {
        std::memcpy(d, s, chunk * sizeof(float));
        bench::doNotOptimize(d);
      }
    }
    const auto t1 = SteadyClock::now();
    res.seconds = std::chrono::duration<double>(t1 - t0).count();
    res.ops = i;
  });
  t.join();
  // Not a queue, but check the last chunk landed so the copies are observably used.
  const std::uint64_t last = total - chunk;
  const float* d = dst.data() + static_cast<std::size_t>(last & (kRingSamples - 1));
  if (env.verify(d, chunk, last) != chunk) {
    res.ok = false;
    res.error = "memcpy baseline produced wrong data";
  }
  res.verifiedSamples = chunk;
  return res;
}

// ---- SPMC ---------------------------------------------------------------------------------------

struct ReaderStats {
  std::uint64_t items = 0, lost = 0, reads = 0, emptyReads = 0, dropouts = 0, corrupt = 0;
};

struct SpmcResult {
  double seconds = 0;
  std::vector<Tick> opTicks;
  std::vector<ReaderStats> readers;
  bool hasStalled = false;
  std::uint64_t stalledLag = 0, stalledFirstItems = 0, stalledFirstLost = 0;
  bool ok = true;
  std::string error;
};

template <bool Timed>
SpmcResult runSpmc(Env& env, int activeReaders, bool stalledReader, std::size_t total) {
  const std::size_t chunk = kSpmcChunkFrames * kChannels;
  SpmcResult res;
  rt::SpmcRing<float> ring(kRingSamples);
  if constexpr (Timed) res.opTicks.resize(total / chunk);
  res.readers.resize(static_cast<std::size_t>(activeReaders));
  std::atomic<bool> done{false};
  bench::StartLine start(1 + activeReaders);
  SteadyClock::time_point t0, t1;
  std::vector<std::string> errors(static_cast<std::size_t>(activeReaders));

  // Created before anything is written, never read until the end.
  std::optional<rt::SpmcRing<float>::Reader> stalled;
  if (stalledReader) stalled.emplace(ring.reader());

  std::vector<std::thread> readers;
  for (int r = 0; r < activeReaders; ++r) {
    readers.emplace_back([&, r] {
      env.pin(env.consumerCpu);
      ReaderStats& st = res.readers[static_cast<std::size_t>(r)];
      std::vector<float> buf(kSpmcReadMaxSamples);
      auto reader = ring.reader();  // at position 0: sees (or is told it lost) every sample
      bench::Backoff backoff;
      auto readOnce = [&]() -> std::size_t {
        const auto rr = reader.read(buf.data(), buf.size());
        ++st.reads;
        st.lost += rr.lost;
        st.items += rr.items;
        if (rr.items) {
          const std::uint64_t first = reader.position() - rr.items;
          const std::size_t bad = env.verify(buf.data(), rr.items, first);
          if (bad != rr.items) {
            st.corrupt += rr.items - bad;
            if (errors[static_cast<std::size_t>(r)].empty())
              errors[static_cast<std::size_t>(r)] =
                  "SpmcRing reader " + std::to_string(r) + " got a wrong sample at position " +
                  std::to_string(first + bad);
          }
        } else {
          ++st.emptyReads;
        }
        return rr.items;
      };
      start.arriveAndWait();
      while (!done.load(std::memory_order_acquire)) {
        if (readOnce()) backoff.reset(); else backoff.wait();
      }
      // Drain to the end so that items + lost must equal everything written.
      while (reader.lag() > 0) readOnce();
      st.dropouts = reader.dropouts();
      if (st.items + st.lost != total && errors[static_cast<std::size_t>(r)].empty())
        errors[static_cast<std::size_t>(r)] =
            "SpmcRing reader " + std::to_string(r) + ": items + lost = " +
            std::to_string(st.items + st.lost) + ", expected " + std::to_string(total);
    });
  }

  std::thread producer([&] {
    env.pin(env.producerCpu);
    start.arriveAndWait();
    t0 = SteadyClock::now();
    std::size_t i = 0;
    for (std::uint64_t sent = 0; sent < total; sent += chunk, ++i) {
      const float* src = env.source(sent);
      if constexpr (Timed) {
        const std::uint64_t a = bench::TickClock::start();
        ring.write(src, chunk);
        const std::uint64_t b = bench::TickClock::stop();
        res.opTicks[i] = tickDelta(a, b);
      } else {
        ring.write(src, chunk);
      }
    }
    t1 = SteadyClock::now();
    done.store(true, std::memory_order_release);
  });

  producer.join();
  for (auto& t : readers) t.join();
  res.seconds = std::chrono::duration<double>(t1 - t0).count();

  if (stalled) {
    // The stalled reader must be told exactly what it missed, and what it does get must be right.
    res.hasStalled = true;
    res.stalledLag = stalled->lag();
    std::vector<float> buf(kSpmcReadMaxSamples);
    const auto rr = stalled->read(buf.data(), buf.size());
    res.stalledFirstItems = rr.items;
    res.stalledFirstLost = rr.lost;
    const std::uint64_t first = stalled->position() - rr.items;
    if (env.verify(buf.data(), rr.items, first) != rr.items)
      errors.push_back("SpmcRing stalled reader got wrong data after its dropout");
    if (rr.lost != first)
      errors.push_back("SpmcRing stalled reader: lost " + std::to_string(rr.lost) +
                       " but resumed at position " + std::to_string(first));
  }
  for (auto& e : errors)
    if (!e.empty()) {
      res.ok = false;
      res.error = e;
      break;
    }
  return res;
}

// ---- the machine's own tail ---------------------------------------------------------------------
// On a VM any operation can be interrupted (timer ticks, host preemption) for tens of µs, and the
// longer the operation, the more often: that sets a floor under any p99.9. This times a spin of
// fixed length (the p50 of the operation it is compared with) on the producer's CPU with nothing
// else of ours running: whatever tail it shows is the machine's, not the queue's.
std::vector<Tick> measureFloor(Env& env, std::uint64_t spinTicks, std::size_t samples) {
  std::vector<Tick> ticks(samples);
  std::thread t([&] {
    env.pin(env.producerCpu);
    for (auto& x : ticks) {
      const std::uint64_t a = bench::TickClock::start();
      while (bench::TickClock::raw() - a < spinTicks) {
      }
      x = tickDelta(a, bench::TickClock::stop());
    }
  });
  t.join();
  return ticks;
}

Json floorJson(Env& env, double opNs, std::size_t samples) {
  const double npt = env.clock.nsPerTick();
  auto ticks = measureFloor(env, static_cast<std::uint64_t>(opNs / npt), samples);
  const auto s = bench::summarize(ticks, npt);
  Json j = Json::object();
  j["spin_ns"] = opNs;
  j["samples"] = samples;
  j["p50"] = s.p50;
  j["p99"] = s.p99;
  j["p99_9"] = s.p999;
  j["max"] = s.max;
  return j;
}

// ---- aggregation -------------------------------------------------------------------------------

struct CaseAgg {
  std::string name;
  std::size_t chunkFrames = 0;
  std::uint64_t frames = 0;  // per run
  std::vector<double> throughput;  // frames/s of each untimed run
  std::vector<Tick> opTicks, refusedTicks;
  std::uint64_t ops = 0, partialOps = 0, refused = 0, unrecorded = 0, verifiedSamples = 0;
  // SPMC extras
  std::vector<ReaderStats> readerTotals;
  std::uint64_t readerRuns = 0;
  bool hasStalled = false;
  std::uint64_t stalledLag = 0, stalledFirstItems = 0, stalledFirstLost = 0;
  int activeReaders = 0;
  std::string skipped;  // why the case did not run (sanitizer builds), empty if it ran

  std::vector<double> othersLoad, stealLoad;  // per repetition (both passes)
  std::vector<double> repP50, repP99;          // producer percentiles of each timed pass (ns)
  std::vector<double> rtt;                     // core-to-core round trip just before each rep

  bench::Summary producer;  // filled by finish()
  double medianThroughput = 0, bestThroughput = 0;

  void addLoad(const bench::LoadProbe::Sample& a, const bench::LoadProbe::Sample& b) {
    const auto l = bench::LoadProbe::between(a, b);
    if (!l.valid()) return;
    othersLoad.push_back(l.others);
    stealLoad.push_back(l.steal);
  }
  void addThroughput(double seconds) {
    throughput.push_back(static_cast<double>(frames) / seconds);
  }
  // Pools one timed pass's operation times and keeps its own p50/p99 (to show drift between
  // repetitions and to pair cases that ran back to back).
  void addTicks(const std::vector<Tick>& t, double nsPerTick) {
    opTicks.insert(opTicks.end(), t.begin(), t.end());
    std::vector<Tick> copy = t;
    const auto s = bench::summarize(copy, nsPerTick);
    repP50.push_back(s.p50);
    repP99.push_back(s.p99);
  }
  void addTimed(RunResult& r, double nsPerTick) {
    addTicks(r.opTicks, nsPerTick);
    refusedTicks.insert(refusedTicks.end(), r.refusedTicks.begin(), r.refusedTicks.end());
    ops += r.ops;
    partialOps += r.partialOps;
    refused += r.refused;
    unrecorded += r.unrecorded;
  }
  void finish(double nsPerTick) {
    producer = bench::summarize(opTicks, nsPerTick);
    medianThroughput = bench::median(throughput);
    bestThroughput =
        throughput.empty() ? 0.0 : *std::max_element(throughput.begin(), throughput.end());
  }
};

struct Failures {
  std::vector<std::string> list;
  void check(bool ok, const std::string& where, const std::string& err) {
    if (ok) return;
    list.push_back(where + ": " + err);
    std::cerr << "CORRECTNESS FAILURE " << where << ": " << err << "\n";
  }
};

Json throughputJson(const CaseAgg& c) {
  Json j = Json::object();
  j["frames_per_s_best"] = c.bestThroughput;
  j["frames_per_s_median"] = c.medianThroughput;
  j["mb_per_s_best"] = c.bestThroughput * kChannels * sizeof(float) / 1e6;
  Json reps = Json::array();
  for (double t : c.throughput) reps.push(t);
  j["frames_per_s_each_rep"] = reps;
  return j;
}

// Other processes' share of the machine's CPU time while this case ran (max over repetitions):
// anything but ~0 means the numbers of this case are not clean.
Json loadJson(const CaseAgg& c) {
  if (c.othersLoad.empty()) return Json();
  Json j = Json::object();
  j["others_max"] = *std::max_element(c.othersLoad.begin(), c.othersLoad.end());
  j["steal_max"] = *std::max_element(c.stealLoad.begin(), c.stealLoad.end());
  return j;
}

Json rttJson(const CaseAgg& c) {
  Json a = Json::array();
  for (double x : c.rtt) a.push(x);
  return a;
}

Json repPercentilesJson(const CaseAgg& c) {
  Json j = Json::object();
  Json a = Json::array(), b = Json::array();
  for (double x : c.repP50) a.push(x);
  for (double x : c.repP99) b.push(x);
  j["p50"] = a;
  j["p99"] = b;
  return j;
}

Json spscCaseJson(const CaseAgg& c, double nsPerTick) {
  Json j = Json::object();
  if (!c.skipped.empty()) {
    j["skipped"] = c.skipped;
    return j;
  }
  j["frames_per_run"] = c.frames;
  j["throughput"] = throughputJson(c);
  j["producer_op_ns"] = bench::toJson(c.producer);
  j["producer_op_ns_each_rep"] = repPercentilesJson(c);
  j["producer_ops"] = c.ops;
  j["partial_ops"] = c.partialOps;
  j["refused_attempts"] = c.refused;
  if (!c.refusedTicks.empty()) {
    std::vector<Tick> r = c.refusedTicks;
    const auto s = bench::summarize(r, nsPerTick);
    j["refused_attempt_ns"] = Json::object();
    j["refused_attempt_ns"]["p50"] = s.p50;
    j["refused_attempt_ns"]["p99"] = s.p99;
    j["refused_attempt_ns"]["max"] = s.max;
  }
  if (c.unrecorded) j["unrecorded_ops"] = c.unrecorded;
  j["verified_samples"] = c.verifiedSamples;
  j["machine_load_during_case"] = loadJson(c);
  j["core_to_core_rtt_ns_each_rep"] = rttJson(c);
  return j;
}

double ratio(double a, double b) { return b > 0 ? a / b : NAN; }

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  int reps = -1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--quick") {
      quick = true;
    } else if (a == "--reps" && i + 1 < argc) {
      reps = std::atoi(argv[++i]);
      if (reps < 1) { std::cerr << "--reps needs a positive count\n"; return 2; }
    } else if (a == "--help" || a == "-h") {
      std::cerr << "usage: bench_rings [--quick] [--reps N]\n";
      return 0;
    } else {
      std::cerr << "unknown argument: " << a << "\nusage: bench_rings [--quick] [--reps N]\n";
      return 2;
    }
  }
  // Many short repetitions rather than a few long ones: this class of machine (a 2-vCPU KVM guest)
  // drifts between fast and slow phases lasting seconds (~1.8x on a single-threaded store loop,
  // with no steal time visible), so cases must alternate often to see the same mix of phases.
  if (reps < 0) reps = quick ? 2 : 10;
  const auto benchStart = SteadyClock::now();
  const auto loadStart = bench::LoadProbe::sample();

  Env env;
  env.pattern.resize(kPatternSamples);
  for (std::size_t i = 0; i < kPatternSamples; ++i)
    env.pattern[i] = static_cast<float>(i);  // exact: below 2^24
  env.clock.calibrate(quick ? 20 : 100);
  const auto cpus = bench::allowedCpus();
  if (cpus.size() >= 2) {
    env.producerCpu = cpus[0];
    env.consumerCpu = cpus[1];
  }
  env.rttRoundTrips = kSanitizer ? 1000 : quick ? 2000 : 10000;
  std::cerr << "bench_rings: " << (quick ? "quick" : "full") << " run, " << reps
            << " rep(s), timer " << bench::TickClock::name() << " (" << env.clock.nsPerTick()
            << " ns/tick, overhead " << env.clock.overheadNs() << " ns, resolution "
            << env.clock.resolutionNs() << " ns)\n";

  // Frames per run: fixed, sized so each pass takes ~20-150 ms on the reference 2-core box (AMD
  // EPYC KVM guest: SpscRing ~0.2-2 Gframe/s, mutex queue and moodycamel per element ~0.03-0.3,
  // memcpy ~4, SpmcRing ~0.4), i.e. ~0.3-1 s per case over 10 repetitions. --quick divides by 8.
  // Sanitizers slow everything 5-50x (moodycamel and SpmcRing's per-element atomics the most), so
  // their runs shrink 16x more: they are there to check correctness, not to time anything.
  const std::size_t div = (quick ? 8 : 1) * (kSanitizer ? 16 : 1);
  const std::size_t chunkSizes[] = {64, 256, 1024};
  auto spscFrames = [&](const std::string& impl, std::size_t chunk) -> std::uint64_t {
    std::uint64_t f;
    if (impl == "spsc_ring") f = std::uint64_t{32} << 20;
    else if (impl == "mutex_deque") f = std::uint64_t{6} << 20;
    else if (impl == "moodycamel_rwq_per_element") f = std::uint64_t{4} << 20;
    else f = std::uint64_t{128} << 20;  // memcpy
    f /= div;
    return f - f % chunk;  // whole chunks (already true for these powers of two)
  };
  const std::uint64_t spmcFrames = (std::uint64_t{24} << 20) / div;

  const char* implNames[] = {"spsc_ring", "mutex_deque", "moodycamel_rwq_per_element", "memcpy"};
  std::vector<CaseAgg> spsc;  // index = chunkIdx * 4 + implIdx
  for (std::size_t c : chunkSizes)
    for (const char* n : implNames) {
      CaseAgg a;
      a.name = n;
      a.chunkFrames = c;
      a.frames = spscFrames(n, c);
      spsc.push_back(std::move(a));
    }
  struct SpmcCase { const char* key; int active; bool stalled; };
  // Report order. They run in kSpmcRunOrder instead: 1_reader, the reference of both SpmcRing
  // targets, runs right between 8_readers and 1_active_1_stalled so each pair is back to back.
  const SpmcCase spmcCases[] = {{"0_readers", 0, false},
                                {"1_reader", 1, false},
                                {"4_readers", 4, false},
                                {"8_readers", 8, false},
                                {"1_active_1_stalled", 1, true}};
  const std::size_t kSpmcRunOrder[] = {3, 1, 4, 2, 0};
  std::vector<CaseAgg> spmc;
  for (const auto& sc : spmcCases) {
    CaseAgg a;
    a.name = sc.key;
    a.chunkFrames = kSpmcChunkFrames;
    a.frames = spmcFrames;
    a.activeReaders = sc.active;
    spmc.push_back(std::move(a));
  }

  Failures failures;
  {
    // Warm-up (discarded, still checked): faults in the code, allocator arenas and CPU clocks so
    // the first measured case is not the odd one out.
    const std::size_t c = 256 * kChannels;
    const RunResult w1 = runSpsc<false, bench::SpscRingQueue>(env, c, std::size_t{1} << 23);
    const RunResult w2 = runSpsc<false, bench::MutexDequeQueue>(env, c, std::size_t{1} << 21);
    const SpmcResult w3 = runSpmc<false>(env, 1, false, std::size_t{1} << 21);
    failures.check(w1.ok, "warm-up spsc_ring", w1.error);
    failures.check(w2.ok, "warm-up mutex_deque", w2.error);
    failures.check(w3.ok, "warm-up spmc", w3.error);
  }
  const double budgetS = quick ? 5.0 : 55.0;
  int repsDone = 0;
  double slowestRepS = 0;
  for (int rep = 0; rep < reps; ++rep) {
    const double used = std::chrono::duration<double>(SteadyClock::now() - benchStart).count();
    if (rep > 0 && used + slowestRepS > budgetS) {
      std::cerr << "  time budget: stopping after " << rep << " repetition(s) (" << used
                << " s used, last repetition took " << slowestRepS << " s)\n";
      break;
    }
    const auto repStart = SteadyClock::now();
    for (std::size_t ci = 0; ci < 3; ++ci) {
      const std::size_t chunk = chunkSizes[ci] * kChannels;
      for (std::size_t ii = 0; ii < 4; ++ii) {
        CaseAgg& agg = spsc[ci * 4 + ii];
        const std::size_t total = agg.frames * kChannels;
        const std::string where = agg.name + " chunk=" + std::to_string(chunkSizes[ci]);
        std::cerr << "  rep " << rep + 1 << "/" << reps << "  " << where << " ..." << std::flush;
        env.probeRtt(agg.rtt);
#if defined(RINGMIX_BENCH_TSAN)
        // moodycamel synchronises through standalone fences (atomicops.h), which ThreadSanitizer
        // does not model: it reports races inside the library that are not there. Not our code.
        if (ii == 2) {
          agg.skipped = "not run under ThreadSanitizer: moodycamel's fence-based synchronisation "
                        "is not modelled by TSan (false positives)";
          std::cerr << " skipped (TSan)\n";
          continue;
        }
#endif
        RunResult u, t;
        const auto l0 = bench::LoadProbe::sample();
        switch (ii) {
          case 0: u = runSpsc<false, bench::SpscRingQueue>(env, chunk, total);
                  t = runSpsc<true, bench::SpscRingQueue>(env, chunk, total); break;
          case 1: u = runSpsc<false, bench::MutexDequeQueue>(env, chunk, total);
                  t = runSpsc<true, bench::MutexDequeQueue>(env, chunk, total); break;
          case 2: u = runSpsc<false, bench::MoodycamelPerElementQueue>(env, chunk, total);
                  t = runSpsc<true, bench::MoodycamelPerElementQueue>(env, chunk, total); break;
          default: u = runMemcpy<false>(env, chunk, total);
                   t = runMemcpy<true>(env, chunk, total); break;
        }
        agg.addLoad(l0, bench::LoadProbe::sample());
        failures.check(u.ok, where + " (throughput pass)", u.error);
        failures.check(t.ok, where + " (timed pass)", t.error);
        agg.addThroughput(u.seconds);
        agg.addTimed(t, env.clock.nsPerTick());
        agg.verifiedSamples += u.verifiedSamples + t.verifiedSamples;
        std::cerr << " " << static_cast<double>(agg.frames) / u.seconds / 1e6 << " Mframes/s ("
                  << u.seconds << " s + " << t.seconds << " s)\n";
      }
    }
    for (std::size_t si : kSpmcRunOrder) {
      const auto& sc = spmcCases[si];
      CaseAgg& agg = spmc[si];
      const std::size_t total = agg.frames * kChannels;
      const std::string where = std::string("spmc ") + sc.key;
      std::cerr << "  rep " << rep + 1 << "/" << reps << "  " << where << " ..." << std::flush;
      env.probeRtt(agg.rtt);
      const auto l0 = bench::LoadProbe::sample();
      SpmcResult u = runSpmc<false>(env, sc.active, sc.stalled, total);
      SpmcResult t = runSpmc<true>(env, sc.active, sc.stalled, total);
      agg.addLoad(l0, bench::LoadProbe::sample());
      failures.check(u.ok, where + " (throughput pass)", u.error);
      failures.check(t.ok, where + " (timed pass)", t.error);
      agg.addThroughput(u.seconds);
      agg.addTicks(t.opTicks, env.clock.nsPerTick());
      agg.ops += t.opTicks.size();
      if (agg.readerTotals.empty()) agg.readerTotals.resize(t.readers.size());
      for (const SpmcResult* r : {&u, &t}) {
        for (std::size_t k = 0; k < r->readers.size(); ++k) {
          auto& dst = agg.readerTotals[k];
          const auto& src = r->readers[k];
          dst.items += src.items;
          dst.lost += src.lost;
          dst.reads += src.reads;
          dst.emptyReads += src.emptyReads;
          dst.dropouts += src.dropouts;
          dst.corrupt += src.corrupt;
        }
        ++agg.readerRuns;
      }
      if (t.hasStalled) {
        agg.hasStalled = true;
        agg.stalledLag = t.stalledLag;
        agg.stalledFirstItems = t.stalledFirstItems;
        agg.stalledFirstLost = t.stalledFirstLost;
      }
      std::cerr << " " << static_cast<double>(agg.frames) / u.seconds / 1e6 << " Mframes/s ("
                << u.seconds << " s + " << t.seconds << " s)\n";
    }
    ++repsDone;
    const double repS = std::chrono::duration<double>(SteadyClock::now() - repStart).count();
    slowestRepS = std::max(slowestRepS, repS);
  }

  const double npt = env.clock.nsPerTick();
  for (auto& c : spsc) c.finish(npt);
  for (auto& c : spmc) c.finish(npt);

  // Interruption floor for operations as long as SpscRing's (per chunk size) and SpmcRing's writes.
  std::cerr << "  machine tail floor ...\n";
  const std::size_t floorSamples = quick || kSanitizer ? 20000 : 200000;
  std::vector<Json> spscFloor;
  for (std::size_t ci = 0; ci < 3; ++ci)
    spscFloor.push_back(floorJson(env, spsc[ci * 4].producer.p50, floorSamples));
  Json spmcFloor = floorJson(env, spmc[1].producer.p50, floorSamples);  // spmc[1]: 1_reader

  // ---- report ----------------------------------------------------------------------------------
  Json doc = Json::object();
  doc["benchmark"] = "ringmix bench_rings";
  doc["mode"] = quick ? "quick" : "full";

  Json& m = doc["machine"];
  m["cores"] = std::thread::hardware_concurrency();
  {
    std::ifstream cpuinfo("/proc/cpuinfo");
    std::string line;
    while (std::getline(cpuinfo, line))
      if (line.rfind("model name", 0) == 0) {
        const auto p = line.find(':');
        if (p != std::string::npos) m["cpu_model"] = line.substr(p + 2);
        break;
      }
  }
  m["compiler"] = RINGMIX_BENCH_COMPILER;
  m["cxx_flags"] = RINGMIX_BENCH_CXX_FLAGS;
  m["build_type"] = RINGMIX_BENCH_BUILD_TYPE;
  m["sanitizer"] = kSanitizer ? Json(kSanitizer) : Json();
#if defined(__OPTIMIZE__)
  m["optimized"] = true;
#else
  m["optimized"] = false;
#endif
#if defined(NDEBUG)
  m["ndebug"] = true;
#else
  m["ndebug"] = false;
#endif
  m["timer"] = bench::TickClock::name();
  m["timer_ns_per_tick"] = npt;
  m["timer_overhead_ns"] = env.clock.overheadNs();
  m["timer_resolution_ns"] = env.clock.resolutionNs();
  m["timer_note"] =
      "per-operation times include timer_overhead_ns (not subtracted) and are quantised to "
      "timer_resolution_ns";
  m["producer_cpu"] = env.producerCpu;
  m["consumer_cpu"] = env.consumerCpu;
  m["pinning"] = env.producerCpu < 0 ? "not attempted (fewer than 2 CPUs allowed)"
                 : env.pinFailures.load() == 0
                     ? "all threads pinned"
                     : "pinning failed for " + std::to_string(env.pinFailures.load()) + " of " +
                           std::to_string(env.pinAttempts.load()) + " threads (ran unpinned)";
  {
    // Was the box quiet? Other processes' and the hypervisor's share of all CPU time over the run,
    // and the worst single case. Cases run at > 5% are flagged: their numbers are suspect.
    const auto whole = bench::LoadProbe::between(loadStart, bench::LoadProbe::sample());
    Json& n = m["noise"];
    n["others_cpu_share_whole_run"] = whole.valid() ? Json(whole.others) : Json();
    n["steal_share_whole_run"] = whole.valid() ? Json(whole.steal) : Json();
    double worst = 0;
    Json noisy = Json::array();
    auto scan = [&](const CaseAgg& c, const std::string& label) {
      for (double x : c.othersLoad) worst = std::max(worst, x);
      if (!c.othersLoad.empty() &&
          *std::max_element(c.othersLoad.begin(), c.othersLoad.end()) > 0.05)
        noisy.push(label);
    };
    for (const auto& c : spsc) scan(c, c.name + "/" + std::to_string(c.chunkFrames));
    for (const auto& c : spmc) scan(c, "spmc/" + c.name);
    n["others_cpu_share_worst_case"] = worst;
    if (!env.allRtt.empty()) {
      // A cross-thread queue is bounded by this latency; if it moved during the run, so did
      // every cross-core-bound number (SpscRing, moodycamel per element, SpmcRing with readers).
      std::vector<double> v = env.allRtt;
      std::sort(v.begin(), v.end());
      Json& c2c = n["core_to_core_rtt_ns"];
      c2c["min"] = v.front();
      c2c["median"] = bench::median(v);
      c2c["max"] = v.back();
      c2c["probes"] = v.size();
      c2c["note"] = v.back() > 2 * v.front()
                        ? "cross-core latency changed during the run (the host moves the vCPUs): "
                          "compare cases within a repetition, see core_to_core_rtt_ns_each_rep"
                        : "stable";
    }
    n["cases_with_others_over_5pct"] = noisy;
    std::ifstream la("/proc/loadavg");
    std::string s;
    if (std::getline(la, s)) n["loadavg_at_end"] = s;
  }

  Json& cfg = doc["config"];
  cfg["channels"] = kChannels;
  cfg["sample_type"] = "float";
  cfg["queue_capacity_frames"] = kRingFrames;
  cfg["repetitions_requested"] = reps;
  cfg["repetitions_completed"] = repsDone;
  cfg["time_budget_s"] = budgetS;
  cfg["throughput"] =
      "untimed pass, frames / wall time from start line to last sample verified; best and median "
      "over repetitions; ratios use best";
  cfg["producer_op_ns"] =
      "every successful producer operation of the timed passes, pooled; refused (queue full) "
      "attempts counted separately; waiting between attempts not timed";
  cfg["machine_tail_floor_ns"] =
      "single-thread spin as long as the queue operation's p50, timed the same way on the "
      "producer CPU: the tail any operation of that length gets from interrupts/host preemption";
  cfg["spsc_ops"] =
      "spsc_ring and mutex_deque push whole chunks (all or nothing); moodycamel enqueues per "
      "sample as much of the chunk as fits (partial_ops); consumers take up to one chunk per call";

  Json& js = doc["spsc"];
  for (std::size_t ci = 0; ci < 3; ++ci) {
    Json& chunkJ = js[std::to_string(chunkSizes[ci]) + "_frames"];
    for (std::size_t ii = 0; ii < 4; ++ii)
      chunkJ[implNames[ii]] = spscCaseJson(spsc[ci * 4 + ii], npt);
    chunkJ["machine_tail_floor_ns"] = spscFloor[ci];
  }

  Json& jm = doc["spmc"];
  jm["chunk_frames"] = kSpmcChunkFrames;
  jm["frames_per_run"] = spmcFrames;
  jm["placement"] = env.producerCpu < 0
                        ? "unpinned"
                        : "producer on cpu " + std::to_string(env.producerCpu) +
                              ", every reader on cpu " + std::to_string(env.consumerCpu) +
                              " (readers time-share that core)";
  jm["machine_tail_floor_ns"] = spmcFloor;
  jm["note"] =
      "producer writes flat out, so readers are lapped and skip ahead (lost); reader figures are "
      "totals over all runs";
  for (std::size_t si = 0; si < spmc.size(); ++si) {
    const CaseAgg& c = spmc[si];
    Json& cj = jm[c.name];
    cj["active_readers"] = c.activeReaders;
    cj["stalled_readers"] = c.hasStalled ? 1 : 0;
    cj["throughput"] = throughputJson(c);
    cj["producer_op_ns"] = bench::toJson(c.producer);
    cj["producer_op_ns_each_rep"] = repPercentilesJson(c);
    if (!c.readerTotals.empty()) {
      ReaderStats sum;
      for (const auto& r : c.readerTotals) {
        sum.items += r.items; sum.lost += r.lost; sum.reads += r.reads;
        sum.emptyReads += r.emptyReads; sum.dropouts += r.dropouts; sum.corrupt += r.corrupt;
      }
      Json& rj = cj["readers_total"];
      rj["items_read"] = sum.items;
      rj["items_lost"] = sum.lost;
      rj["read_fraction"] =
          ratio(static_cast<double>(sum.items), static_cast<double>(sum.items + sum.lost));
      rj["reads"] = sum.reads;
      rj["empty_reads"] = sum.emptyReads;
      rj["dropouts"] = sum.dropouts;
      rj["corrupt_items"] = sum.corrupt;
    }
    cj["machine_load_during_case"] = loadJson(c);
    cj["core_to_core_rtt_ns_each_rep"] = rttJson(c);
    if (c.hasStalled) {
      Json& sj = cj["stalled_reader_last_run"];
      sj["lag_at_end"] = c.stalledLag;
      sj["first_read_items"] = c.stalledFirstItems;
      sj["first_read_lost"] = c.stalledFirstLost;
    }
  }

  // ---- ratios and targets ----------------------------------------------------------------------
  auto find = [&](const std::string& impl, std::size_t chunk) -> const CaseAgg& {
    for (const auto& c : spsc)
      if (c.name == impl && c.chunkFrames == chunk) return c;
    std::abort();
  };
  auto spmcCase = [&](const std::string& key) -> const CaseAgg& {
    for (const auto& c : spmc)
      if (c.name == key) return c;
    std::abort();
  };

  Json& r = doc["ratios"];
  Json& rMutex = r["spsc_vs_mutex_throughput"];
  Json& rMoody = r["spsc_vs_moodycamel_per_element_throughput"];
  Json& rMemcpy = r["spsc_vs_memcpy_throughput"];
  Json& rP999 = r["mutex_p999_over_spsc_p999"];
  Json& rP99 = r["mutex_p99_over_spsc_p99"];
  Json& rFloor = r["spsc_p999_over_machine_tail_floor_p999"];
  for (std::size_t c : chunkSizes) {
    const std::string k = std::to_string(c) + "_frames";
    const auto& s = find("spsc_ring", c);
    rMutex[k] = ratio(s.bestThroughput, find("mutex_deque", c).bestThroughput);
    rMoody[k] = ratio(s.bestThroughput, find("moodycamel_rwq_per_element", c).bestThroughput);
    rMemcpy[k] = ratio(s.bestThroughput, find("memcpy", c).bestThroughput);
    rP999[k] = ratio(find("mutex_deque", c).producer.p999, s.producer.p999);
    rP99[k] = ratio(find("mutex_deque", c).producer.p99, s.producer.p99);
    const std::size_t ci = static_cast<std::size_t>(
        std::find(std::begin(chunkSizes), std::end(chunkSizes), c) - std::begin(chunkSizes));
    rFloor[k] = ratio(s.producer.p999, spscFloor[ci].find("p99_9")->number());
  }
  const auto& one = spmcCase("1_reader");
  const auto& eight = spmcCase("8_readers");
  const auto& four = spmcCase("4_readers");
  const auto& stalled = spmcCase("1_active_1_stalled");
  const auto& none = spmcCase("0_readers");
  r["spmc_8_readers_over_1_reader_p50"] = ratio(eight.producer.p50, one.producer.p50);
  r["spmc_8_readers_over_1_reader_p99"] = ratio(eight.producer.p99, one.producer.p99);
  r["spmc_4_readers_over_1_reader_p50"] = ratio(four.producer.p50, one.producer.p50);
  r["spmc_4_readers_over_1_reader_p99"] = ratio(four.producer.p99, one.producer.p99);
  r["spmc_stalled_over_1_reader_p50"] = ratio(stalled.producer.p50, one.producer.p50);
  r["spmc_stalled_over_1_reader_p99"] = ratio(stalled.producer.p99, one.producer.p99);
  // Paired: the two cases of one repetition ran seconds apart at most; the median over repetitions
  // of their ratio is less exposed to slow drift of the host than the pooled figures above.
  auto paired = [&](const CaseAgg& a, const CaseAgg& b, bool p99) {
    const auto& x = p99 ? a.repP99 : a.repP50;
    const auto& y = p99 ? b.repP99 : b.repP50;
    std::vector<double> q;
    for (std::size_t i = 0; i < std::min(x.size(), y.size()); ++i) q.push_back(ratio(x[i], y[i]));
    return q.empty() ? NAN : bench::median(q);
  };
  Json& pr = r["spmc_paired_median_of_per_rep_ratios"];
  pr["8_readers_over_1_reader_p50"] = paired(eight, one, false);
  pr["8_readers_over_1_reader_p99"] = paired(eight, one, true);
  pr["stalled_over_1_reader_p50"] = paired(stalled, one, false);
  pr["stalled_over_1_reader_p99"] = paired(stalled, one, true);
  r["spmc_1_reader_over_0_readers_p50"] = ratio(one.producer.p50, none.producer.p50);
  r["spmc_1_reader_over_0_readers_p99"] = ratio(one.producer.p99, none.producer.p99);

  Json& tg = doc["targets"];
  bool allMet = true;
  // A target over the three chunk sizes: met only if met at every size.
  auto perChunkTarget = [&](const char* key, const char* goal, Json& values, bool atLeast,
                            double threshold) {
    Json& t = tg[key];
    t["goal"] = goal;
    t["threshold"] = threshold;
    t["values"] = values;
    bool met = true;
    for (std::size_t c : chunkSizes) {
      const Json* v = values.find(std::to_string(c) + "_frames");
      const double x = v ? v->number() : NAN;
      const bool ok = std::isfinite(x) && (atLeast ? x >= threshold : x <= threshold);
      t["met_per_chunk"][std::to_string(c) + "_frames"] = ok;
      met = met && ok;
    }
    t["met"] = met;
    allMet = allMet && met;
  };
  perChunkTarget("spsc_throughput_vs_mutex", "SpscRing throughput >= 5x the mutex+deque queue",
                 rMutex, true, 5.0);
  perChunkTarget("spsc_throughput_vs_moodycamel_per_element",
                 "SpscRing throughput >= 5x moodycamel ReaderWriterQueue used per element",
                 rMoody, true, 5.0);
  perChunkTarget("spsc_producer_p999_vs_mutex",
                 "SpscRing producer p99.9 under contention <= 1/10 of the mutex queue's "
                 "(ratio mutex/spsc >= 10)",
                 rP999, true, 10.0);
  tg["spsc_producer_p999_vs_mutex"]["context"] =
      "spsc_p999_over_machine_tail_floor_p999 near 1 means SpscRing's p99.9 is the machine's own "
      "interruption tail for an operation that long (see spsc.*.machine_tail_floor_ns)";
  // Judged on the paired ratios: the host drifts between fast and slow phases (see
  // producer_op_ns_each_rep) that can land on one case more than the other in the pooled
  // percentiles; the median of back-to-back per-repetition ratios is immune to that. The pooled
  // ratios are shown alongside.
  auto pairTarget = [&](const char* key, const char* goal, double p50, double p99,
                        double pooledP50, double pooledP99) {
    Json& t = tg[key];
    t["goal"] = goal;
    t["threshold"] = 1.2;
    t["estimator"] = "median over repetitions of the per-repetition ratio (cases run back to back)";
    t["p50_ratio"] = p50;
    t["p99_ratio"] = p99;
    t["pooled_p50_ratio"] = pooledP50;
    t["pooled_p99_ratio"] = pooledP99;
    const bool m50 = std::isfinite(p50) && p50 <= 1.2, m99 = std::isfinite(p99) && p99 <= 1.2;
    t["met_p50"] = m50;
    t["met_p99"] = m99;
    t["met"] = m50 && m99;
    allMet = allMet && m50 && m99;
  };
  pairTarget("spmc_8_readers_vs_1",
             "SpmcRing producer time per write with 8 readers within 1.2x of 1 reader "
             "(p50 and p99)",
             pr["8_readers_over_1_reader_p50"].number(), pr["8_readers_over_1_reader_p99"].number(),
             r["spmc_8_readers_over_1_reader_p50"].number(),
             r["spmc_8_readers_over_1_reader_p99"].number());
  pairTarget("spmc_stalled_reader",
             "SpmcRing producer time per write unchanged (<= 1.2x) with a stalled reader "
             "(p50 and p99)",
             pr["stalled_over_1_reader_p50"].number(), pr["stalled_over_1_reader_p99"].number(),
             r["spmc_stalled_over_1_reader_p50"].number(),
             r["spmc_stalled_over_1_reader_p99"].number());
  tg["all_met"] = allMet;
  if (kSanitizer)
    tg["note"] = "sanitizer build: timings are meaningless here, only correctness counts";

  Json& corr = doc["correctness"];
  corr["ok"] = failures.list.empty();
  Json fl = Json::array();
  for (auto& f : failures.list) fl.push(f);
  corr["failures"] = fl;

  doc["elapsed_s"] = std::chrono::duration<double>(SteadyClock::now() - benchStart).count();
  std::cout << doc.dump();
  std::cout.flush();
  std::cerr << "bench_rings: done in " << doc["elapsed_s"].number() << " s, targets "
            << (allMet ? "all met" : "NOT all met (see \"targets\")") << ", correctness "
            << (failures.list.empty() ? "ok" : "FAILED") << "\n";
  return failures.list.empty() ? 0 : 1;
}
