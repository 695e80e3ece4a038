// SpmcRing readers that stop reading while the producer keeps going. Two properties:
//   - the producer never waits for a reader: it completes a fixed amount of work while readers are
//     stalled on a flag that is only raised after it finished (if it ever blocked on a reader,
//     this would deadlock and ctest's TIMEOUT would fail the test; nothing here measures time),
//   - on resume a stalled reader is told exactly how many items it lost, checked via positions.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <latch>
#include <limits>
#include <thread>
#include <vector>

#include "rt/spmc_ring.hpp"
#include "spmc_support.hpp"
#include "stress_support.hpp"

using ringmix::rt::SpmcRing;
using namespace ringmix::test;

namespace {
constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

// Waits (yielding) until pred() or a failure elsewhere.
template <class Pred>
void waitFor(const FailureLog& log, Pred pred) {
  while (!pred() && !log.failed()) idle();
}

// Reads live until `advance` positions past the start (losses allowed, all checked), or until the
// producer has finished and everything was read; publishes its position to `progress` if given.
// False on failure (here or in another thread).
template <class Codec>
bool readUntil(CheckedReader<Codec>& r, std::uint64_t advance, const std::atomic<bool>& produced,
               FailureLog& log, std::atomic<std::uint64_t>* progress = nullptr) {
  while (r.expected() - r.start() < advance) {
    const bool finished = produced.load(std::memory_order_acquire);
    if (log.failed() || !r.step(log)) return false;
    if (progress != nullptr) progress->store(r.expected(), std::memory_order_release);
    if (r.reader().lag() == 0) {
      if (finished) break;
      idle();
    }
  }
  return true;
}

// The exact outcome of resuming after the producer stopped: the reader had read up to `stalledAt`
// and the producer ended at `end`; maxLag and resumeLag are the effective (clamped) values. With no
// writer running, nothing is left to chance. Returns whether the reader had been lapped.
template <class Codec>
bool checkResumeAfterStop(CheckedReader<Codec>& r, std::uint64_t stalledAt, std::uint64_t end,
                          std::size_t maxLag, std::size_t resumeLag, FailureLog& log) {
  const std::uint64_t dropoutsBefore = r.reader().dropouts();
  const bool lapped = end - stalledAt > maxLag;
  const auto res = r.step(log);  // also checks every item against its position
  if (!res) return lapped;
  expectEq(log, "lost on resume", res->lost, lapped ? end - resumeLag - stalledAt : 0);
  expectEq(log, "items on resume", res->items, lapped ? resumeLag : end - stalledAt);
  expectEq(log, "dropouts on resume", r.reader().dropouts() - dropoutsBefore, lapped ? 1 : 0);
  expectEq(log, "lag after resume", r.reader().lag(), 0);
  return lapped;
}

enum class Expect { Lapped, NotLapped };

struct StallCase {
  std::size_t capacity;
  std::uint64_t start;
  std::size_t resumeLag;     // 0: the ring's default (maxLag / 2)
  std::size_t maxLag;        // 0: the ring's default (capacity)
  std::size_t maxBatch;      // producer batch size is uniform in [1, maxBatch]
  std::uint64_t phase2Items; // written while every reader is stalled
  int readers;
  bool pacePhase1;           // before the stall, the producer waits for the readers to catch up
  Expect expect;
  std::uint64_t seed;
};

// Readers read live for a while, then stall until the producer has finished a fixed amount of
// extra work, then resume and must see exactly the predicted loss and items.
template <class Codec>
void stalledUntilDone(const StallCase& c) {
  using Item = typename Codec::Item;
  CAPTURE(c.capacity);
  CAPTURE(c.start);
  CAPTURE(c.resumeLag);
  CAPTURE(c.seed);
  SpmcRing<Item> ring(c.capacity, c.start);
  const std::size_t limit = c.maxLag == 0 ? c.capacity : std::min(c.maxLag, c.capacity);
  const std::size_t effectiveLag = c.resumeLag == 0 ? limit / 2 : std::min(c.resumeLag, limit);
  FailureLog log;
  std::latch created(c.readers);
  std::atomic<bool> produced{false};
  std::atomic<int> lappedCount{0};
  // Per reader: how far it has read, and whether it has stalled. One flag per reader (rather than
  // a separate counter) so the producer can never see "still reading" and "stalled" disagree.
  std::vector<std::atomic<std::uint64_t>> progress(static_cast<std::size_t>(c.readers));
  std::vector<std::atomic<bool>> paused(static_cast<std::size_t>(c.readers));
  for (auto& p : progress) p.store(c.start);
  for (auto& p : paused) p.store(false);
  std::uint64_t written = 0;

  std::vector<std::thread> readers;
  for (int i = 0; i < c.readers; ++i)
    readers.emplace_back([&, i] {
      CheckedReader<Codec> r(ring, c.resumeLag, c.maxLag, 4 * c.capacity);
      created.count_down();
      // Read a bit first so the stall starts from a live, mid-stream position.
      if (!readUntil(r, 3 * c.capacity + static_cast<std::uint64_t>(i), produced, log,
                     &progress[static_cast<std::size_t>(i)]))
        return;
      const std::uint64_t stalledAt = r.expected();
      paused[static_cast<std::size_t>(i)].store(true, std::memory_order_release);
      waitFor(log, [&] { return produced.load(std::memory_order_acquire); });
      if (checkResumeAfterStop(r, stalledAt, ring.writePosition(), limit, effectiveLag, log))
        lappedCount.fetch_add(1);
      r.checkTotals(log);
    });

  std::thread producer([&] {
    created.wait();
    Rng rng(c.seed);
    std::vector<Item> buf(c.maxBatch);
    std::uint64_t next = c.start;
    auto writeUpTo = [&](std::uint64_t end) {  // one batch of random size, not past `end`
      const std::size_t n = static_cast<std::size_t>(
          std::min<std::uint64_t>(rng.between(1, c.maxBatch), end - next));
      for (std::size_t i = 0; i < n; ++i) buf[i] = Codec::make(next + i);
      ring.write(buf.data(), n);
      next += n;
    };
    // Phase 1: feed the readers until all have stalled. This handshake belongs to the test
    // harness; the ring itself never makes the producer wait.
    auto allStalled = [&] {
      for (auto& p : paused)
        if (!p.load(std::memory_order_acquire)) return false;
      return true;
    };
    while (!allStalled() && !log.failed()) {
      writeUpTo(next + c.maxBatch);
      if (c.pacePhase1) {
        // Wait for every reader that is still reading to catch up, so only a batch or two can
        // land after a reader's stall point (once all have stalled this returns at once and the
        // loop ends).
        waitFor(log, [&] {
          for (std::size_t k = 0; k < progress.size(); ++k)
            if (!paused[k].load(std::memory_order_acquire) &&
                progress[k].load(std::memory_order_acquire) != next)
              return false;
          return true;
        });
      } else if (rng.oneIn(4)) {
        idle();
      }
    }
    // Phase 2: a fixed amount of work, every reader stalled.
    const std::uint64_t target = next + c.phase2Items;
    while (next != target && !log.failed()) writeUpTo(target);
    written = next - c.start;
    produced.store(true, std::memory_order_release);
  });

  producer.join();
  for (auto& t : readers) t.join();
  INFO(log.message());
  REQUIRE_FALSE(log.failed());
  CHECK(ring.writePosition() == c.start + written);
  CHECK(lappedCount.load() == (c.expect == Expect::Lapped ? c.readers : 0));
}

}  // namespace

TEST_CASE("SpmcRing stall: reader stalled while the producer finishes resumes with exact loss") {
  for (std::uint64_t round = 0; round < iterations(150); ++round) {
    CAPTURE(round);
    stalledUntilDone<PositionCodec>(
        {64, 0, 0, 0, 128, 50 * 64 + 7, 2, false, Expect::Lapped, 21 + round});
    stalledUntilDone<PositionCodec>(
        {64, kMax - 300, 12, 0, 100, 10 * 64, 2, false, Expect::Lapped, 41 + round});
    stalledUntilDone<TaggedCodec>(
        {8, kMax - 20, 8, 0, 16, 1000, 3, false, Expect::Lapped, 61 + round});
  }
}

TEST_CASE("SpmcRing stall: a stall longer than maxLag but shorter than the ring loses") {
  for (std::uint64_t round = 0; round < iterations(150); ++round) {
    CAPTURE(round);
    // maxLag 32 of 128: the 60 items written while stalled (plus at most 8 more, see the next
    // test) are all still intact in the ring, yet the reader must count as lapped and resume 16
    // behind the newest item.
    stalledUntilDone<PositionCodec>(
        {128, 0, 0, 32, 4, 60, 2, true, Expect::Lapped, 101 + round});
    stalledUntilDone<PositionCodec>(
        {128, kMax - 50, 8, 32, 4, 60, 2, true, Expect::Lapped, 121 + round});
  }
}

TEST_CASE("SpmcRing stall: a short stall within capacity loses nothing") {
  for (std::uint64_t round = 0; round < iterations(150); ++round) {
    CAPTURE(round);
    // Paced phase 1: reader 0 stops at the first batch boundary >= 192 items. Batch k+1 may still
    // go out (reader 0 had caught up); reader 1 (threshold 193) stops at the end of batch k or
    // k+1, so batch k+2 can only follow once reader 0 has stalled and k+3 never (reader 1 must be
    // caught up at next_{k+2} or stalled, which ends phase 1). At most 2 batches (<= 8 items)
    // land after a stall point, then 50 more: 58 < 64, so no reader may lose anything.
    stalledUntilDone<PositionCodec>(
        {64, kMax - 100, 16, 0, 4, 50, 2, true, Expect::NotLapped, 81 + round});
  }
}

// One producer, a paced reader the producer keeps up with (harness flow control: the producer
// waits for *it*, proving a well-behaved reader never loses anything), a reader stalled for the
// whole remaining run, and a reader that stalls until the producer is several rings ahead and then
// resumes while the producer is still writing.
TEST_CASE("SpmcRing stall: stalled readers affect neither the producer nor a paced reader") {
  constexpr std::size_t kCap = 128;
  const std::uint64_t total = iterations(2'000'000);
  const std::uint64_t start = kMax - total / 3;
  SpmcRing<std::uint64_t> ring(kCap, start);
  FailureLog log;
  std::latch created(3);
  std::atomic<std::uint64_t> pacedAt{start};
  std::atomic<bool> produced{false};

  std::thread paced([&] {
    CheckedReader<PositionCodec> r(ring, 0, 0, kCap);
    created.count_down();
    for (;;) {
      const bool finished = produced.load(std::memory_order_acquire);
      const auto res = r.step(log);
      if (!res) return;
      if (res->lost != 0) {
        log.fail("the paced reader lost items");
        return;
      }
      pacedAt.store(r.expected(), std::memory_order_release);
      if (finished && r.reader().lag() == 0) break;
      if (res->items == 0) idle();
    }
    r.checkTotals(log);
  });

  std::thread frozen([&] {
    CheckedReader<PositionCodec> r(ring, 0, 0, 4 * kCap);
    created.count_down();
    if (!readUntil(r, 10, produced, log)) return;
    const std::uint64_t stalledAt = r.expected();
    waitFor(log, [&] { return produced.load(std::memory_order_acquire); });
    checkResumeAfterStop(r, stalledAt, ring.writePosition(), kCap, kCap / 2, log);
    r.checkTotals(log);
  });

  std::thread napper([&] {
    CheckedReader<PositionCodec> r(ring, 32, 0, kCap);
    created.count_down();
    for (int nap = 0; nap < 20 && !log.failed(); ++nap) {
      const std::uint64_t stalledAt = r.expected();
      // Stall until the producer is 5 rings ahead (or done): measured in items, not time.
      waitFor(log, [&] {
        return ring.writePosition() - stalledAt >= 5 * kCap ||
               produced.load(std::memory_order_acquire);
      });
      const std::uint64_t seen = ring.writePosition();
      const auto res = r.step(log);
      if (!res) return;
      if (seen - stalledAt > kCap) {
        // Lapped: it must report a loss, must not return anything the producer could already have
        // overwritten when `seen` was published, and cannot run past what is published.
        if (res->lost == 0) log.fail("a lapped reader reported no loss");
        const std::uint64_t resumedAt = stalledAt + res->lost;
        if (static_cast<std::int64_t>(resumedAt - (seen - kCap)) < 0)
          log.fail("resumed at an item that was already overwritten");
        if (static_cast<std::int64_t>(ring.writePosition() - (resumedAt + res->items)) < 0)
          log.fail("read past the write position");
      }
      // Then read live for a while before the next nap.
      if (!readUntil(r, r.expected() - r.start() + 200, produced, log)) return;
      if (produced.load(std::memory_order_acquire)) break;
    }
    waitFor(log, [&] { return produced.load(std::memory_order_acquire); });
    if (r.drain(log)) r.checkTotals(log);
  });

  std::thread producer([&] {
    created.wait();
    Rng rng(31);
    std::vector<std::uint64_t> buf(kCap / 2);
    std::uint64_t next = start;
    const std::uint64_t end = start + total;
    while (next != end && !log.failed()) {
      const std::size_t n = static_cast<std::size_t>(
          std::min<std::uint64_t>(rng.between(1, buf.size()), end - next));
      // Flow control for the paced reader only; the stalled readers are never consulted.
      waitFor(log, [&] { return next + n - pacedAt.load(std::memory_order_acquire) <= kCap; });
      for (std::size_t i = 0; i < n; ++i) buf[i] = next + i;
      ring.write(buf.data(), n);
      next += n;
    }
    produced.store(true, std::memory_order_release);
  });

  producer.join();
  paced.join();
  frozen.join();
  napper.join();
  INFO(log.message());
  REQUIRE_FALSE(log.failed());
  CHECK(ring.writePosition() == start + total);
}
