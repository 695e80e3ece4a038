// SpscRing chunks, single-threaded: the two spans of a region that wraps, sizes limited by free
// space and data, partial and clamped commits, and a full/empty ring across the 2^64 wrap.
#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>

#include "rt/spsc_ring.hpp"
#include "spsc_support.hpp"

using ringmix::rt::SpscRing;
using namespace ringmix::test;

namespace {
constexpr std::uint64_t kMax = kMaxPosition;
}  // namespace

TEST_CASE("SpscRing writeChunk wraps into a second span") {
  SpscRing<std::uint64_t> ring(8);
  auto prod = ring.producer();
  auto cons = ring.consumer();
  const auto in = positions(0, 5);
  std::uint64_t out[8];
  REQUIRE(prod.push(in.data(), 5) == 5);
  REQUIRE(cons.pop(out, 5) == 5);  // now at position 5: slots 5,6,7 then 0,1,...

  auto w = prod.writeChunk(6);
  REQUIRE(w.size() == 6);
  REQUIRE(w.first.size() == 3);
  REQUIRE(w.second.size() == 3);
  // first covers slots 5..7 and second starts at slot 0 of the same buffer.
  CHECK(w.second.data() + 5 == w.first.data());
  fill(w, 5);
  w.commit(6);
  CHECK(ring.writePosition() == 11);

  auto r = cons.readChunk(8);
  REQUIRE(r.size() == 6);
  REQUIRE(r.first.size() == 3);
  REQUIRE(r.second.size() == 3);
  CHECK(r.second.data() + 5 == r.first.data());
  std::uint64_t p = 5;
  for (auto v : r.first) CHECK(v == p++);
  for (auto v : r.second) CHECK(v == p++);
  r.commit(6);
  CHECK(ring.readPosition() == 11);
  CHECK(cons.readAvailable() == 0);
}

TEST_CASE("SpscRing chunks that fit before the end have an empty second span") {
  SpscRing<std::uint64_t> ring(8);
  auto prod = ring.producer();
  auto w = prod.writeChunk(8);
  CHECK(w.first.size() == 8);
  CHECK(w.second.empty());
  w.commit(0);
  CHECK(ring.writePosition() == 0);
}

TEST_CASE("SpscRing chunk sizes are limited by free space and data") {
  SpscRing<std::uint64_t> ring(8);
  auto prod = ring.producer();
  auto cons = ring.consumer();
  const auto in = positions(0, 6);
  REQUIRE(prod.push(in.data(), 6) == 6);
  auto w = prod.writeChunk(100);
  CHECK(w.size() == 2);
  auto r = cons.readChunk(100);
  CHECK(r.size() == 6);
  // Neither chunk call changes any position or counts a drop.
  CHECK(ring.writePosition() == 6);
  CHECK(ring.readPosition() == 0);
  CHECK(ring.droppedItems() == 0);
}

TEST_CASE("SpscRing commit(k) publishes only k items and clamps to the chunk") {
  SpscRing<std::uint64_t> ring(8);
  auto prod = ring.producer();
  auto cons = ring.consumer();
  {
    auto w = prod.writeChunk(4);
    fill(w, 0);
    w.commit(2);  // only 0 and 1 become visible
  }
  CHECK(cons.readAvailable() == 2);
  CHECK(prod.writeAvailable() == 6);
  {
    // The uncommitted slots are handed out again, at the same place.
    auto w = prod.writeChunk(100);
    REQUIRE(w.size() == 6);
    fill(w, 2);
    w.commit(1000);  // more than handed out: clamped to 6
  }
  CHECK(ring.writePosition() == 8);
  CHECK(cons.readAvailable() == 8);
  {
    auto r = cons.readChunk(3);
    REQUIRE(r.size() == 3);
    CHECK(r.first[0] == 0);
    r.commit(1);  // consume just item 0
  }
  {
    auto r = cons.readChunk(100);
    REQUIRE(r.size() == 7);
    CHECK(r.first[0] == 1);  // the next chunk starts right after what was committed
    r.commit(100);           // clamped to 7
  }
  CHECK(ring.readPosition() == 8);
  CHECK(cons.readAvailable() == 0);
}

TEST_CASE("SpscRing is full and empty at the right moments across the wrap") {
  const std::uint64_t start = kMax - 1;  // the wrap falls in the middle of the first fill
  SpscRing<std::uint64_t> ring(4, start);
  auto prod = ring.producer();
  auto cons = ring.consumer();
  const auto in = positions(start, 6);
  CHECK(prod.push(in.data(), 6) == 4);
  CHECK(ring.droppedItems() == 2);
  CHECK(prod.writeAvailable() == 0);
  CHECK(cons.readAvailable() == 4);
  CHECK(ring.writePosition() == 2);  // start + 4 wrapped

  auto r = cons.readChunk(4);
  REQUIRE(r.size() == 4);
  // start & 3 == 2, so the read wraps in the buffer too.
  CHECK(r.first.size() == 2);
  CHECK(r.second.size() == 2);
  CHECK(r.first[0] == start);
  CHECK(r.first[1] == kMax);
  CHECK(r.second[0] == 0);
  CHECK(r.second[1] == 1);
  r.commit(4);
  CHECK(cons.readAvailable() == 0);
  CHECK(prod.writeAvailable() == 4);
}
