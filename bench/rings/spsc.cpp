// bench_rings, SPSC cases: a producer and a consumer thread, pinned to two CPUs when possible,
// move a fixed number of samples in chunks through one queue; the consumer verifies every sample.
// Also the one-thread memcpy of the same bytes (the upper bound).
//
// Every case runs twice per repetition (main.cpp): untimed for throughput (per-operation clock
// reads would add ~10-20 ns to every 64-frame push and distort the small-chunk numbers), then timed,
// every producer attempt on its own. Attempts refused because the queue was full are counted apart
// and the spin/yield between attempts is never timed: the metric is the cost of a producer
// operation, not the time spent waiting for room.

#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "rings/baselines.hpp"
#include "rings/common.hpp"

namespace ringmix::bench::rings {
namespace {

using SteadyClock = std::chrono::steady_clock;
// A consumer that sees no data for this long while the producer has finished declares data lost.
constexpr auto kStallTimeout = std::chrono::seconds(10);
constexpr std::size_t kMaxRefusedSamples = std::size_t{1} << 20;

template <bool Timed, class Q>
RunResult transfer(Env& env, std::size_t chunk, std::size_t total) {
  RunResult res;
  auto q = std::make_unique<Q>(kRingSamples);
  if constexpr (Timed) {
    // Partial operations (moodycamel) can make more operations than chunks; the vectors are sized
    // (and touched) up front so recording never allocates or page-faults on the producer thread.
    res.opTicks.resize((Q::kPartialPush ? 4 : 1) * (total / chunk) + 1024);
    res.refusedTicks.resize(std::min(res.opTicks.size(), kMaxRefusedSamples));
  }
  std::atomic<bool> producerDone{false}, abort{false};
  StartLine start(2);
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
    Backoff backoff;
    while (sent < total) {
      const std::size_t want = chunk - inChunk;
      const float* src = env.source(sent);
      std::size_t n;
      if constexpr (Timed) {
        const std::uint64_t a = TickClock::start();
        n = q->tryPush(src, want);
        const std::uint64_t b = TickClock::stop();
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
    Backoff backoff;
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
        const std::uint64_t a = TickClock::start();
        std::memcpy(d, s, chunk * sizeof(float));
        doNotOptimize(d);
        const std::uint64_t b = TickClock::stop();
        res.opTicks[i] = tickDelta(a, b);
      } else {
        std::memcpy(d, s, chunk * sizeof(float));
        doNotOptimize(d);
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

template <class Q>
RunResult runQueue(Env& env, bool timed, std::size_t chunk, std::size_t total) {
  return timed ? transfer<true, Q>(env, chunk, total) : transfer<false, Q>(env, chunk, total);
}

}  // namespace

RunResult runSpsc(Env& env, SpscImpl impl, bool timed, std::size_t chunk, std::size_t total) {
  switch (impl) {
    case kSpscRing: return runQueue<SpscRingQueue>(env, timed, chunk, total);
    case kBoost: return runQueue<BoostSpscBulkQueue<kRingSamples>>(env, timed, chunk, total);
    case kMutex: return runQueue<MutexDequeQueue>(env, timed, chunk, total);
    case kMoodycamel: return runQueue<MoodycamelPerElementQueue>(env, timed, chunk, total);
    default: return timed ? runMemcpy<true>(env, chunk, total) : runMemcpy<false>(env, chunk, total);
  }
}

}  // namespace ringmix::bench::rings
