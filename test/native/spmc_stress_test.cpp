// SpmcRing with one producer thread and several concurrent readers at different speeds, plus a
// thread that keeps creating and dropping readers. Every read is checked by CheckedReader
// (spmc_support.hpp): exact loss, every item matching its position; after the producer stops each
// reader drains and must account for every item written since it started (items + lost).
// Frame cases (granularity 2 and 3) write whole frames and check that every reader, lapped or not,
// only ever reads, loses and stands on whole frames.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <latch>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "rt/spmc_ring.hpp"
#include "spmc_support.hpp"
#include "stress_support.hpp"

using ringmix::rt::SpmcRing;
using namespace ringmix::test;

namespace {
constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

struct ReaderSpec {
  std::size_t maxRead;    // items asked for per read()
  std::size_t resumeLag;  // 0: the ring's default (maxLag / 2)
  std::size_t maxLag;     // 0: the ring's default (capacity)
  unsigned yieldOneIn;    // yield after a read with probability 1/yieldOneIn (0: never)
  bool lateJoin;          // created while the producer is already running
};

struct Case {
  std::size_t capacity;
  std::uint64_t start;
  std::uint64_t items;
  std::size_t maxBatch;    // producer batch size is uniform in [1, maxBatch]; may exceed capacity
  unsigned producerYield;  // producer yields after a batch with probability 1/producerYield
  std::vector<ReaderSpec> readers;
  bool churn;              // one more thread creating and dropping short-lived readers
  std::uint64_t seed;
  std::size_t granularity = 1;  // items per frame: batches, items and readers all in whole frames
};

// What a reader saw, for the test's closing message (shows that laps actually happened).
struct ReaderReport {
  std::uint64_t items = 0, lost = 0, dropouts = 0;
};

template <class Codec>
void runReader(const SpmcRing<typename Codec::Item>& ring, const ReaderSpec& spec,
               const Case& c, std::uint64_t seed, std::latch& ready,
               const std::atomic<bool>& produced, FailureLog& log, ReaderReport& report) {
  Rng rng(seed);
  if (spec.lateJoin) {
    // Join once the producer has written a few rings' worth (or finished): progress, not time.
    const std::uint64_t origin = ring.writePosition();
    ready.count_down();
    while (ring.writePosition() - origin < 3 * ring.capacity() &&
           !produced.load(std::memory_order_acquire) && !log.failed())
      idle();
  }
  const std::uint64_t before = ring.writePosition();
  CheckedReader<Codec> reader(ring, spec.resumeLag, spec.maxLag, spec.maxRead, c.granularity);
  const std::uint64_t after = ring.writePosition();
  if (!spec.lateJoin) ready.count_down();
  // Starts at the write position of the moment it was created, so sees nothing older.
  if (reader.start() - before > after - before) {
    log.fail("reader did not start at the write position");
    return;
  }
  // ...which is a frame boundary, since the producer writes whole frames.
  if (!expectEq(log, "reader start mod granularity", (reader.start() - c.start) % c.granularity, 0))
    return;
  for (;;) {
    // Sample "producer finished" before reading: a reader that then finds lag() == 0 has
    // provably seen (or been told it lost) everything.
    const bool finished = produced.load(std::memory_order_acquire);
    if (log.failed()) return;
    const auto res = reader.step(log);
    if (!res) return;
    if (finished && reader.reader().lag() == 0) break;
    // Nothing new: let the producer run (spinning here starves it on a 2-core machine).
    if ((res->items == 0 && res->lost == 0) ||
        (spec.yieldOneIn != 0 && rng.oneIn(spec.yieldOneIn)))
      idle();
  }
  reader.checkTotals(log);
  report = {reader.items(), reader.lost(), reader.reader().dropouts()};
}

// Short-lived readers of random resumeLag and maxLag, created and dropped while everything else
// runs.
template <class Codec>
void runChurn(const SpmcRing<typename Codec::Item>& ring, std::size_t granularity,
              std::uint64_t seed, const std::atomic<bool>& produced, FailureLog& log,
              std::uint64_t& created) {
  Rng rng(seed);
  do {  // at least once, however quickly the producer finishes
    CheckedReader<Codec> reader(ring, rng.between(0, ring.capacity()),
                                rng.between(0, ring.capacity()), 64, granularity);
    ++created;
    for (std::size_t reads = rng.between(1, 20); reads > 0; --reads) {
      if (!reader.step(log, rng.between(1, 64))) return;
      idle();
    }
    expectEq(log, "churn reader items + lost", reader.items() + reader.lost(),
             reader.reader().position() - reader.start());
  } while (!produced.load(std::memory_order_acquire) && !log.failed());
}

template <class Codec>
void run(const Case& c) {
  using Item = typename Codec::Item;
  CAPTURE(c.capacity);
  CAPTURE(c.start);
  CAPTURE(c.items);
  CAPTURE(c.seed);
  SpmcRing<Item> ring(c.capacity, c.start);
  FailureLog log;
  std::atomic<bool> produced{false};
  std::latch ready(static_cast<std::ptrdiff_t>(c.readers.size()));
  std::uint64_t churned = 0;
  std::vector<ReaderReport> reports(c.readers.size());

  std::vector<std::thread> threads;
  for (std::size_t i = 0; i < c.readers.size(); ++i)
    threads.emplace_back([&, i] {
      runReader<Codec>(ring, c.readers[i], c, c.seed + 100 + i, ready, produced, log, reports[i]);
    });
  if (c.churn)
    threads.emplace_back(
        [&] { runChurn<Codec>(ring, c.granularity, c.seed + 99, produced, log, churned); });

  std::thread producer([&] {
    ready.wait();  // the early readers exist before the first item is written
    Rng rng(c.seed);
    std::vector<Item> buf(c.maxBatch);
    std::uint64_t next = c.start, remaining = c.items;
    while (remaining > 0 && !log.failed()) {
      const std::size_t g = c.granularity;
      const std::size_t n = static_cast<std::size_t>(
          std::min<std::uint64_t>(g * rng.between(1, c.maxBatch / g), remaining));
      for (std::size_t i = 0; i < n; ++i) buf[i] = Codec::make(next + i);
      ring.write(buf.data(), n);
      next += n;
      remaining -= n;
      if (!expectEq(log, "writePosition", ring.writePosition(), next)) break;
      if (rng.oneIn(c.producerYield)) idle();
    }
    produced.store(true, std::memory_order_release);
  });

  producer.join();
  for (auto& t : threads) t.join();
  INFO(log.message());
  REQUIRE_FALSE(log.failed());
  CHECK(ring.writePosition() == c.start + c.items);
  if (c.churn) CHECK(churned > 0);
  std::string summary = "churned readers " + std::to_string(churned);
  for (const auto& r : reports)
    summary += "; read " + std::to_string(r.items) + " lost " + std::to_string(r.lost) + " in " +
               std::to_string(r.dropouts) + " dropouts";
  MESSAGE(summary);
}

// Fast (large reads), medium (with a maxLag of a quarter ring), slow (single items, frequent
// yields, resumeLag == capacity, the largest allowed) and a late joiner with the smallest
// resumeLag.
std::vector<ReaderSpec> mixedReaders(std::size_t capacity) {
  const std::size_t quarter = capacity >= 4 ? capacity / 4 : 1;
  return {{4096, 0, 0, 0, false},
          {16, 0, quarter, 4, false},
          {1, capacity, 0, 2, false},
          {7, 1, 0, 3, true}};
}
}  // namespace

TEST_CASE("SpmcRing stress four readers at different speeds") {
  run<PositionCodec>({1024, 0, iterations(4'000'000), 64, 8, mixedReaders(1024), true, 11});
}

TEST_CASE("SpmcRing stress capacity 2") {
  run<PositionCodec>({2, 0, iterations(300'000), 3, 2,
                      {{2, 0, 0, 0, false}, {1, 1, 1, 2, false}, {8, 2, 0, 0, true}}, true, 12});
}

TEST_CASE("SpmcRing stress starting near UINT64_MAX with batches larger than the ring") {
  const std::uint64_t n = iterations(3'000'000);
  run<PositionCodec>({64, kMax - n / 2, n, 100, 4, mixedReaders(64), false, 13});
}

TEST_CASE("SpmcRing stress tagged items detect torn copies") {
  run<TaggedCodec>({256, 0, iterations(3'000'000), 32, 8, mixedReaders(256), true, 14});
}

TEST_CASE("SpmcRing stress tagged items across the 32-bit and 64-bit wraps") {
  // Start a little below 2^64: the low 32 bits (the tag) wrap at the same moment.
  run<TaggedCodec>({16, kMax - 1000, iterations(1'000'000), 20, 4, mixedReaders(16), true, 15});
}

// Lagging readers of g-item frames, with lags that are not whole frames (rounded by the ring) and
// reads of any size (whole frames come back). The slow reader takes one frame per read.
std::vector<ReaderSpec> frameReaders(std::size_t capacity, std::size_t g) {
  return {{4096, 0, 0, 0, false},
          {17, capacity / 2 + 1, capacity - 1, 4, false},
          {g, capacity, 0, 2, false},
          {7, 1, capacity / 4 + 1, 3, true}};
}

TEST_CASE("SpmcRing stress stereo frames with odd lags") {
  // 2^64 is a whole number of stereo frames, so the wrap is no special case here; odd lags are.
  const std::uint64_t n = 2 * iterations(1'500'000);
  run<PositionCodec>({64, kMax - n / 2, n, 40, 4, frameReaders(64, 2), true, 16, 2});
}

TEST_CASE("SpmcRing stress 3-item frames in a ring that is not a whole number of frames") {
  // Capacity 16 (5 frames and an item) with batches up to 8 frames, larger than the ring: the
  // oldest safe position, intent - 16, regularly falls mid-frame. 2^64 is not a multiple of 3, so
  // the run across it checks that alignment counts from the reader's start, not from 0.
  run<PositionCodec>({16, kMax - 3000, 3 * iterations(700'000), 24, 3, frameReaders(16, 3), true,
                      17, 3});
}

TEST_CASE("SpmcRing stress 3-item tagged frames detect torn copies") {
  run<TaggedCodec>({64, 0, 3 * iterations(700'000), 48, 4, frameReaders(64, 3), true, 18, 3});
}
