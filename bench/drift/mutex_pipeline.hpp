// The "before" of the original design, rebuilt minimally so its drift can be measured next to the
// engine's: a Rust app whose capture callback pushed into a tokio Mutex<VecDeque<f32>> that the mix
// thread locked and popped. Here: a producer (the "device", on its own skewed clock) and a consumer
// (the mix, on the master's), sharing a std::mutex-guarded std::deque<float>. Not the engine, on
// purpose: no jitter-buffer logic beyond an initial fill, no trimming, no compensation.
//
//   producer: wakes on absolute deadlines t0 + n * period / (1 + ppm/1e6) (clock_nanosleep, so
//             its lateness never accumulates: only the skew does), renders a 256-frame period of
//             the same impulse signal as the engine's generator, locks, appends. Beyond `capFrames`
//             the excess is dropped and counted (overruns, frames), like a full ring.
//   consumer: wakes on t0 + n * period, locks, pops 256 frames (what is there, padded with silence:
//             an underrun, counted per cycle) into the mix, published through the same broadcast
//             ring type as the engine's output so the bench reads both the same way.
// The consumer starts popping once `primeFrames` are queued (the engine's jitter buffer for a
// virtual device: two periods on a real-time clock, one on the simulated one), once: the naive
// design never re-primes, so once the deque has run dry it stays on the edge, short every now and
// then.
//
// Lock waits (time spent in lock()) are recorded on both sides: the contention the original design
// blamed for its drift. Both threads ask for SCHED_FIFO at the engine's priorities (consumer 80 as
// the master clock, producer 70 as the device host), so the comparison is not one of priorities.
//
// Simulated mode has no threads: step() runs producer and consumer in lockstep on the master's
// frame count, with the producer delivering exactly what the engine's simulated virtual device
// delivers (the frames its clock has reached by the end of the cycle, plus one period of lead), so
// this variant then differs from "uncompensated" only by the deque and its policies.
#pragma once

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <time.h>
#include <vector>

#include "platform/thread_priority.hpp"
#include "rt/spmc_ring.hpp"

namespace ringmix::bench::drift {

class MutexPipeline {
 public:
  struct Stats {
    std::uint64_t cycles = 0, frames = 0, underruns = 0, overruns = 0, xruns = 0;
    double consumerWaitUsMean = 0, consumerWaitUsMax = 0, producerWaitUsMean = 0, producerWaitUsMax = 0;
    double loadMean = NAN;  // consumer's time per cycle (lock wait included) / period; real time only
    bool realtime = false;  // both threads got SCHED_FIFO
  };

  MutexPipeline(double ppm, std::uint32_t rate, std::uint32_t period, std::size_t primeFrames, std::size_t capFrames,
                std::size_t outputFrames)
      : ratio_(1.0 + ppm / 1e6), rate_(rate), period_(period), prime_(primeFrames), cap_(capFrames), output_(outputFrames),
        producerBuf_(period), mixBuf_(period) {}
  ~MutexPipeline() { stop(); }
  MutexPipeline(const MutexPipeline&) = delete;
  MutexPipeline& operator=(const MutexPipeline&) = delete;

  rt::SpmcRing<float>& output() noexcept { return output_; }

  // ---- real time ----
  void start() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    // Both clocks start a little ahead, so that creating the threads does not make period 0 late.
    t0_ = static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec + 5'000'000;
    stop_.store(false);
    producer_ = std::thread([this] { producerLoop(); });
    consumer_ = std::thread([this] { consumerLoop(); });
    realtime_ = platform::setSchedule(producer_, 70) && platform::setSchedule(consumer_, 80);
  }
  void stop() {
    stop_.store(true);
    if (producer_.joinable()) producer_.join();
    if (consumer_.joinable()) consumer_.join();
  }

  // ---- simulated: one master cycle of `period` frames, producer first ----
  void step() {
    position_ += static_cast<double>(period_) * ratio_;
    const auto due = static_cast<std::uint64_t>(std::floor(position_)) + period_;
    while (produced_ < due) {
      const auto n = static_cast<std::uint32_t>(std::min<std::uint64_t>(due - produced_, period_));
      produce(n);
    }
    consume(0);
  }

  Stats stats() const {
    Stats s;
    s.cycles = cycles_.load(std::memory_order_relaxed);
    s.frames = s.cycles * period_;
    s.underruns = underruns_.load(std::memory_order_relaxed);
    s.overruns = overruns_.load(std::memory_order_relaxed);
    s.xruns = xruns_.load(std::memory_order_relaxed);
    const auto pushes = pushes_.load(std::memory_order_relaxed);
    s.consumerWaitUsMean = s.cycles ? consumerWaitNs_.load(std::memory_order_relaxed) / 1e3 / s.cycles : 0;
    s.consumerWaitUsMax = consumerWaitMaxNs_.load(std::memory_order_relaxed) / 1e3;
    s.producerWaitUsMean = pushes ? producerWaitNs_.load(std::memory_order_relaxed) / 1e3 / pushes : 0;
    s.producerWaitUsMax = producerWaitMaxNs_.load(std::memory_order_relaxed) / 1e3;
    const auto work = workNs_.load(std::memory_order_relaxed);  // 0: simulated, nothing timed
    s.loadMean = s.cycles && work ? work / (s.cycles * 1e9 * period_ / rate_) : NAN;
    s.realtime = realtime_;
    return s;
  }

 private:
  static std::int64_t nowNs() noexcept {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
  }
  static void sleepUntil(std::int64_t ns) noexcept {
    timespec ts{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
    while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr) != 0) {
    }
  }
  // Deadline n of a clock whose period lasts `periodNs` (computed from n: no accumulated rounding).
  std::int64_t deadline(std::uint64_t n, long double periodNs) const noexcept {
    return t0_ + static_cast<std::int64_t>(static_cast<long double>(n) * periodNs);
  }
  long double masterPeriodNs() const noexcept { return 1e9L * period_ / rate_; }

  void producerLoop() {
    const long double devicePeriodNs = masterPeriodNs() / static_cast<long double>(ratio_);
    for (std::uint64_t n = 0; !stop_.load(std::memory_order_relaxed); ++n) {
      sleepUntil(deadline(n, devicePeriodNs));  // period 0 is ready at once, like a device starting
      produce(period_);
    }
  }

  void consumerLoop() {
    for (std::uint64_t n = 0; !stop_.load(std::memory_order_relaxed); ++n) {
      const std::int64_t due = deadline(n, masterPeriodNs());
      sleepUntil(due);
      const std::int64_t woke = nowNs();
      consume(std::max(due, woke));
      if (nowNs() > deadline(n + 1, masterPeriodNs())) xruns_.fetch_add(1, std::memory_order_relaxed);
    }
  }

  // The device: one period (or, simulated, `n` frames) of impulses, one per `rate_` of its frames.
  void produce(std::uint32_t n) {
    for (std::uint32_t i = 0; i < n; ++i) producerBuf_[i] = (produced_ + i) % rate_ == 0 ? 1.0f : 0.0f;
    produced_ += n;
    const std::int64_t t = nowNs();
    std::unique_lock<std::mutex> lock(mutex_);
    const std::int64_t wait = nowNs() - t;
    const std::size_t room = cap_ - std::min(cap_, queue_.size());
    const std::size_t take = std::min<std::size_t>(room, n);
    queue_.insert(queue_.end(), producerBuf_.begin(), producerBuf_.begin() + static_cast<std::ptrdiff_t>(take));
    lock.unlock();
    if (take < n) overruns_.fetch_add(n - take, std::memory_order_relaxed);
    record(pushes_, producerWaitNs_, producerWaitMaxNs_, wait);
  }

  // The mix: one period out of the deque. `startNs`: when the cycle began (0: simulated).
  void consume(std::int64_t startNs) {
    const std::int64_t t = nowNs();
    std::unique_lock<std::mutex> lock(mutex_);
    const std::int64_t wait = nowNs() - t;
    std::size_t got = 0;
    if (!primed_ && queue_.size() >= prime_) primed_ = true;
    if (primed_) {
      got = std::min<std::size_t>(queue_.size(), period_);
      std::copy_n(queue_.begin(), got, mixBuf_.begin());
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(got));
    }
    lock.unlock();
    std::fill(mixBuf_.begin() + static_cast<std::ptrdiff_t>(got), mixBuf_.end(), 0.0f);
    if (primed_ && got < period_) underruns_.fetch_add(1, std::memory_order_relaxed);
    output_.write(mixBuf_.data(), period_);
    record(cycles_, consumerWaitNs_, consumerWaitMaxNs_, wait);
    if (startNs > 0) workNs_.fetch_add(static_cast<std::uint64_t>(nowNs() - startNs), std::memory_order_relaxed);
  }

  // Counters written by one thread each, read by the bench's: relaxed atomics.
  static void record(std::atomic<std::uint64_t>& count, std::atomic<std::uint64_t>& sum,
                     std::atomic<std::uint64_t>& max, std::int64_t ns) noexcept {
    const auto v = static_cast<std::uint64_t>(std::max<std::int64_t>(0, ns));
    count.store(count.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
    sum.store(sum.load(std::memory_order_relaxed) + v, std::memory_order_relaxed);
    if (v > max.load(std::memory_order_relaxed)) max.store(v, std::memory_order_relaxed);
  }

  const double ratio_;
  const std::uint32_t rate_, period_;
  const std::size_t prime_, cap_;
  rt::SpmcRing<float> output_;

  std::mutex mutex_;
  std::deque<float> queue_;  // guarded by mutex_

  // Producer's own.
  std::vector<float> producerBuf_;
  std::uint64_t produced_ = 0;
  double position_ = 0.0;  // simulated: device frames due
  // Consumer's own.
  std::vector<float> mixBuf_;
  bool primed_ = false;

  std::int64_t t0_ = 0;
  std::atomic<bool> stop_{false};
  std::thread producer_, consumer_;
  bool realtime_ = false;

  std::atomic<std::uint64_t> cycles_{0}, underruns_{0}, overruns_{0}, xruns_{0}, pushes_{0};
  std::atomic<std::uint64_t> consumerWaitNs_{0}, consumerWaitMaxNs_{0}, producerWaitNs_{0}, producerWaitMaxNs_{0};
  std::atomic<std::uint64_t> workNs_{0};
};

}  // namespace ringmix::bench::drift
