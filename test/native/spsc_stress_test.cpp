// SpscRing with a real producer and consumer thread. Every item equals its position, so the
// consumer proves there is no loss, duplication, reordering or stale slot, including while the
// positions wrap past 2^64. The producer retries refused items, so exactly N arrive, and it counts
// what push() refused (tryPush() refusals are not drops) so droppedItems() can be checked to the
// item. Each side runs on its own thread through its handle, moved into that thread.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <thread>
#include <vector>

#include "rt/spsc_ring.hpp"
#include "stress_support.hpp"

using ringmix::rt::SpscRing;
using namespace ringmix::test;

namespace {
using Ring = SpscRing<std::uint64_t>;
constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

// Copy: push or tryPush / pop; Chunk: writeChunk / readChunk; Mixed: a random choice per call.
enum class Api { Copy, Chunk, Mixed };

struct Case {
  std::size_t capacity;
  std::uint64_t start;
  std::uint64_t items;
  std::size_t maxChunk;  // per-call request size is uniform in [1, maxChunk]; may exceed capacity
  Api producer;
  Api consumer;
  std::uint64_t seed;
  std::size_t group = 1;  // producer pushes whole groups; items and maxChunk are multiples of it
};

bool pick(Api api, Rng& rng) { return api == Api::Chunk || (api == Api::Mixed && rng.oneIn(2)); }

// How many of a chunk to commit: usually all, sometimes part (the rest is handed out again), and
// sometimes more than was handed out, which must be clamped.
std::size_t commitCount(std::size_t size, Rng& rng) {
  switch (rng.next() % 4) {
    case 0: return rng.between(0, size);
    case 1: return size + 1 + rng.between(0, 3);
    default: return size;
  }
}

void produce(const Ring& ring, Ring::Producer prod, const Case& c, FailureLog& log,
             std::uint64_t& refused) {
  Rng rng(c.seed);
  std::vector<std::uint64_t> buf(c.maxChunk);
  std::uint64_t next = c.start;
  std::uint64_t remaining = c.items;
  while (remaining > 0 && !log.failed()) {
    const std::size_t want = static_cast<std::size_t>(
        std::min<std::uint64_t>(c.group * rng.between(1, c.maxChunk / c.group), remaining));
    std::size_t done;
    if (!pick(c.producer, rng)) {
      for (std::size_t i = 0; i < want; ++i) buf[i] = next + i;
      if (rng.oneIn(2)) {
        done = prod.push(buf.data(), want, c.group);
        refused += want - done;  // push counts what it refused as dropped...
      } else {
        done = prod.tryPush(buf.data(), want, c.group);  // ...tryPush leaves it to the caller
      }
      if (done % c.group != 0) {
        log.fail("a push split a group");
        return;
      }
    } else {
      auto w = prod.writeChunk(want);
      if (w.size() > want || (w.first.empty() && !w.second.empty())) {
        log.fail("writeChunk returned a malformed chunk");
        return;
      }
      std::uint64_t p = next;
      for (auto& s : w.first) s = p++;
      for (auto& s : w.second) s = p++;
      const std::size_t k = commitCount(w.size(), rng);
      w.commit(k);
      done = std::min(k, w.size());
    }
    next += done;
    remaining -= done;
    if (!expectEq(log, "producer writePosition", ring.writePosition(), next)) return;
    if (rng.oneIn(64) && prod.writeAvailable() > c.capacity) {
      log.fail("writeAvailable exceeds capacity");
      return;
    }
    if (done == 0) idle();  // full: let the consumer run
  }
}

void consume(const Ring& ring, Ring::Consumer cons, const Case& c, FailureLog& log,
             std::uint64_t& consumed) {
  Rng rng(c.seed * 31 + 7);
  std::vector<std::uint64_t> buf(c.maxChunk);
  std::uint64_t expected = c.start;
  while (consumed < c.items && !log.failed()) {
    const std::size_t want = rng.between(1, c.maxChunk);
    std::size_t got;
    if (!pick(c.consumer, rng)) {
      got = cons.pop(buf.data(), want);
      for (std::size_t i = 0; i < got; ++i)
        if (!expectEq(log, "popped item", buf[i], expected + i)) return;
    } else {
      auto r = cons.readChunk(want);
      if (r.size() > want || (r.first.empty() && !r.second.empty())) {
        log.fail("readChunk returned a malformed chunk");
        return;
      }
      // Check every visible item, committed or not: uncommitted ones are re-read next time.
      std::uint64_t p = expected;
      for (auto v : r.first)
        if (!expectEq(log, "chunk item (first span)", v, p++)) return;
      for (auto v : r.second)
        if (!expectEq(log, "chunk item (second span)", v, p++)) return;
      const std::size_t k = commitCount(r.size(), rng);
      r.commit(k);
      got = std::min(k, r.size());
    }
    expected += got;
    consumed += got;
    if (!expectEq(log, "consumer readPosition", ring.readPosition(), expected)) return;
    if (rng.oneIn(64) && cons.readAvailable() > c.capacity) {
      log.fail("readAvailable exceeds capacity");
      return;
    }
    // Grouped producers only ever publish whole groups.
    if (c.group > 1 && (ring.writePosition() - c.start) % c.group != 0) {
      log.fail("published a partial group");
      return;
    }
    if (got == 0) idle();  // empty: let the producer run
  }
  // Everything was produced and consumed: nothing may be left over.
  if (!log.failed()) expectEq(log, "readAvailable at the end", cons.readAvailable(), 0);
}

void run(const Case& c) {
  CAPTURE(c.capacity);
  CAPTURE(c.start);
  CAPTURE(c.items);
  CAPTURE(c.seed);
  Ring ring(c.capacity, c.start);
  REQUIRE(ring.capacity() == c.capacity);
  Ring::Producer prod = ring.producer();
  Ring::Consumer cons = ring.consumer();
  FailureLog log;
  std::uint64_t refused = 0, consumed = 0;
  std::atomic<bool> done{false};

  // A third thread reads the "any thread" accessors while both sides run.
  std::thread observer([&] {
    std::uint64_t lastDropped = 0;
    while (!done.load(std::memory_order_acquire) && !log.failed()) {
      if (ring.sizeApprox() > c.capacity) log.fail("sizeApprox exceeds capacity");
      const std::uint64_t d = ring.droppedItems();
      if (d < lastDropped) log.fail("droppedItems went backwards");
      lastDropped = d;
      idle();
    }
  });
  std::thread producer([&, p = std::move(prod)]() mutable {
    produce(ring, std::move(p), c, log, refused);
  });
  std::thread consumer([&, k = std::move(cons)]() mutable {
    consume(ring, std::move(k), c, log, consumed);
  });
  producer.join();
  consumer.join();
  done.store(true, std::memory_order_release);
  observer.join();

  INFO(log.message());
  REQUIRE_FALSE(log.failed());
  CHECK(consumed == c.items);
  CHECK(ring.droppedItems() == refused);
  CHECK(ring.writePosition() == c.start + c.items);
  CHECK(ring.readPosition() == c.start + c.items);
  CHECK(ring.sizeApprox() == 0);
  // The drop path must have run (requests larger than the ring always refuse some items).
  if (c.producer != Api::Chunk && c.maxChunk > c.capacity && c.items >= 10'000) CHECK(refused > 0);
  MESSAGE("push refused " << refused << " items (all retried)");
}
}  // namespace

TEST_CASE("SpscRing stress capacity 2 push/pop") {
  run({2, 0, iterations(300'000), 3, Api::Copy, Api::Copy, 1});
}

TEST_CASE("SpscRing stress capacity 2 chunk API") {
  run({2, 0, iterations(300'000), 3, Api::Chunk, Api::Chunk, 2});
}

TEST_CASE("SpscRing stress capacity 1 mixed APIs") {
  run({1, kMax - 3, iterations(150'000), 2, Api::Mixed, Api::Mixed, 3});
}

TEST_CASE("SpscRing stress capacity 2 starting near UINT64_MAX") {
  run({2, kMax - 5, iterations(300'000), 3, Api::Mixed, Api::Mixed, 4});
}

TEST_CASE("SpscRing stress capacity 64 push into chunk reads, wrapping mid-run") {
  const std::uint64_t n = iterations(4'000'000);
  run({64, kMax - n / 2, n, 100, Api::Copy, Api::Chunk, 5});
}

TEST_CASE("SpscRing stress capacity 64 chunk writes into pops") {
  run({64, kMax - 40, iterations(4'000'000), 100, Api::Chunk, Api::Copy, 6});
}

TEST_CASE("SpscRing stress capacity 16 with 3-item groups") {
  // 16 is not a multiple of 3, so the free space often ends mid-group.
  run({16, kMax - 1000, 3 * iterations(300'000), 12, Api::Copy, Api::Mixed, 8, 3});
}

TEST_CASE("SpscRing stress capacity 4096 large mixed chunks") {
  const std::uint64_t n = iterations(20'000'000);
  run({4096, kMax - n / 3, n, 5000, Api::Mixed, Api::Mixed, 7});
}
